"""A far date in one record is that record's coded rejection, never the batch's 500."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.canonical import content_hash_of
from domain.errors import ErrorCode
from domain.ids import new_id
from domain.records import parse_record
from tests import domain_factories as f
from tests.api import Api, jpeg_bytes
from tests.server_db import server_rows


def resealed(wire: dict[str, Any]) -> dict[str, Any]:
    """The hashes recomputed over the raw content, as a device with that data would seal it."""
    digest = content_hash_of(wire)
    signatures = wire.get("signatures", [])
    if isinstance(signatures, list):
        signatures = [
            {**s, "content_hash": digest} if isinstance(s, dict) else s for s in signatures
        ]
    return {**wire, "content_hash": digest, "signatures": signatures}


def reported_wire(photo: str) -> dict[str, Any]:
    return f.event("reported", hazard_id=new_id(), at=f.when(), photos=[photo]).wire()


def stored_ids(server) -> set[str]:
    return {row[0] for row in server_rows(server.data_dir, "SELECT id FROM records")}


@pytest.fixture
def api(server) -> Api:
    return Api(server.url, f.INSPECTOR)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("at", "9999-12-31T23:00:00+00:00"),
        ("at", "0001-01-01T00:00:00+00:00"),
        ("deadline", "9999-12-31"),
    ],
)
def test_far_date_rejects_only_its_record(server, api, field: str, value: str) -> None:
    photo = api.upload(jpeg_bytes(3))
    far = resealed({**reported_wire(photo), field: value})
    good = reported_wire(photo)
    r = api.push(
        {"kind": "hazard_event", "id": far["id"], "data": far},
        {"kind": "hazard_event", "id": good["id"], "data": good},
    )
    assert r.status_code == 200, r.text
    bad_result, good_result = r.json()["results"]
    assert bad_result["status"] == "rejected" and bad_result["error"]["code"] == "invalid"
    problems = bad_result["error"]["details"]["errors"]
    assert any(p["field"].endswith(field) for p in problems), problems
    assert good_result["status"] == "created"
    assert stored_ids(server) == {good["id"]}


def test_far_finished_at_rejects_only_its_inspection(server, api) -> None:
    data = f.inspection_data(items=[f.item("GEN-1-01", "pass")])
    pngs = [api.upload(jpeg_bytes(10 + i)) for i in range(2)]
    for sig, png in zip(data["signatures"], pngs, strict=True):
        sig["png_sha256"] = png
    good = f.sealed("inspection", data).wire()
    far = resealed(
        {**copy.deepcopy(good), "id": new_id(), "finished_at": "9999-12-31T23:00:00+00:00"}
    )
    r = api.push(
        {"kind": "inspection", "id": far["id"], "data": far},
        {"kind": "inspection", "id": good["id"], "data": good},
    )
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["rejected", "created"]
    assert results[0]["error"]["code"] == "invalid"
    assert stored_ids(server) == {good["id"]}


# values a field may be mutated to: far and odd dates, wrong types, empties
ODD_VALUES = st.one_of(
    st.datetimes(
        min_value=dt.datetime(1, 1, 1),
        max_value=dt.datetime(9999, 12, 31, 23),
        timezones=st.just(dt.UTC),
    ).map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31T23:00:00+00:00", "9999-12-31", "0001-01-01", "", "x" * 300]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.none(),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
    st.text(max_size=20),
)
FIELDS = sorted(set(f.event_data("reported", hazard_id=new_id())) - {"kind", "id", "content_hash"})


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.sampled_from(FIELDS), value=ODD_VALUES)
def test_mutated_records_never_fail_the_batch(server, api, field: str, value: Any) -> None:
    photo = api.upload(jpeg_bytes(5))  # the same bytes every time: stored once
    mutated = resealed({**reported_wire(photo), field: value})
    try:
        parse_record("hazard_event", mutated)
        valid = True
    except (ValidationError, KeyError):
        valid = False
    good = reported_wire(photo)
    r = api.push(
        {"kind": "hazard_event", "id": mutated["id"], "data": mutated},
        {"kind": "hazard_event", "id": good["id"], "data": good},
    )
    assert r.status_code == 200, r.text
    mutated_result, good_result = r.json()["results"]
    assert good_result["status"] == "created"
    if not valid:
        assert mutated_result["status"] == "rejected"
    if mutated_result["status"] == "rejected":
        assert mutated_result["error"]["code"] in set(ErrorCode) - {ErrorCode.server_error}
        assert mutated["id"] not in stored_ids(server)
    assert good["id"] in stored_ids(server)
