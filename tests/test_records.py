"""Field records: sealing, integrity, validation rules, blob references, the wire form."""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from decimal import Decimal
from typing import Any

import annotated_types
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, StringConstraints, ValidationError

from domain.canonical import content_hash_of
from domain.records import (
    HAZARD_EVENT_TYPES,
    FieldRecord,
    HazardLevel,
    Inspection,
    Reported,
    integrity_problems,
    parse_record,
    seal,
)
from tests.domain_factories import (
    CST,
    INSPECTOR,
    INSPECTOR_2,
    T0,
    event_data,
    fake_sha,
    inspection,
    inspection_data,
    item,
    one_of_each,
    refusal,
    review_data,
    sealed,
    signature,
    uid,
    when,
)

ALL = one_of_each()
ALL_IDS = [f"{r.kind}:{getattr(r, 'type', '')}:{i}" for i, r in enumerate(ALL)]


def test_factories_cover_every_event_type() -> None:
    types = {getattr(r, "type", None) for r in ALL}
    assert set(HAZARD_EVENT_TYPES) <= types
    assert {r.kind for r in ALL} == {"inspection", "hazard_event", "review"}


# ---------------------------------------------------------------- seal and integrity


@pytest.mark.parametrize("record", ALL, ids=ALL_IDS)
def test_seal_fills_the_content_hash_and_signature_copies(record: FieldRecord) -> None:
    assert record.content_hash == record.expected_content_hash()
    assert record.content_hash == content_hash_of(record.wire())
    assert all(s.content_hash == record.content_hash for s in record.signatures)
    assert integrity_problems(record) == []


@pytest.mark.parametrize("record", ALL, ids=ALL_IDS)
def test_seal_is_idempotent_and_ignores_incoming_hashes(record: FieldRecord) -> None:
    wire = record.wire()
    assert seal(record.kind, wire) == wire
    tampered = {
        **wire,
        "content_hash": "f" * 64,
        "signatures": [{**s, "content_hash": "e" * 64} for s in wire["signatures"]],
    }
    assert seal(record.kind, tampered) == wire


def test_seal_hashes_the_normalised_content() -> None:
    data = event_data("reported", hazard_id=uid(1), id=uid(2), title="  消防通道堵塞 ")
    as_text = {**data, "at": data["at"].isoformat(), "deadline": data["deadline"].isoformat()}
    first, second = seal("hazard_event", data), seal("hazard_event", as_text)
    assert first == second
    assert first["title"] == "消防通道堵塞"


def test_a_refusal_is_content_but_signatures_are_not() -> None:
    signed = inspection(id=uid(7))
    refused = inspection(id=uid(7), refused=True)
    assert signed.content_hash != refused.content_hash  # the refusal is covered by the hash
    resigned = sealed(
        "inspection",
        {
            **signed.wire(),
            "signatures": [
                {**s.model_dump(mode="json"), "signer_name": "另一位"} for s in signed.signatures
            ],
        },
    )
    assert resigned.content_hash == signed.content_hash
    assert resigned.record_hash() != signed.record_hash()


def test_changing_content_changes_the_content_hash() -> None:
    one = inspection(id=uid(7))
    other = inspection(id=uid(7), summary="无隐患")
    assert one.content_hash != other.content_hash


CONTENT_CHANGES: list[tuple[int, dict[str, Any]]] = [
    (0, {"summary": "改过的结论"}),
    (0, {"finished_at": when(hours=3)}),
    (0, {"enterprise_id": "ent-2"}),
    (0, {"inspector_ids": [INSPECTOR, INSPECTOR_2]}),
    (2, {"title": "改过的标题"}),
    (2, {"deadline": T0.date() + dt.timedelta(days=60)}),
    (2, {"level": HazardLevel.major}),
    (3, {"photos": []}),
    (4, {"passed": False}),
    (5, {"new_deadline": T0.date() + dt.timedelta(days=99)}),
    (9, {"comment": "改过的意见"}),
]


@pytest.mark.parametrize(("index", "update"), CONTENT_CHANGES)
def test_altering_content_is_an_integrity_problem(index: int, update: dict[str, Any]) -> None:
    record = ALL[index]
    altered = record.model_copy(update=update)
    problems = integrity_problems(altered)
    expected = ["content_hash"] + [
        f"signatures.{i}.content_hash" for i in range(len(record.signatures))
    ]
    assert problems == expected


def test_altered_signature_hash_is_an_integrity_problem() -> None:
    record = inspection()
    sigs = list(record.signatures)
    sigs[1] = sigs[1].model_copy(update={"content_hash": fake_sha("another version")})
    assert integrity_problems(record.model_copy(update={"signatures": sigs})) == [
        "signatures.1.content_hash"
    ]


def test_altered_content_hash_alone_is_an_integrity_problem() -> None:
    record = inspection()
    altered = record.model_copy(update={"content_hash": fake_sha("forged")})
    assert integrity_problems(altered) == ["content_hash"]


def test_content_hash_and_signatures_altered_together_still_caught() -> None:
    """A forger who recomputes nothing but copies one hash everywhere is caught."""
    record = inspection()
    forged = fake_sha("forged")
    altered = record.model_copy(
        update={
            "summary": "改过的结论",
            "content_hash": forged,
            "signatures": [
                s.model_copy(update={"content_hash": forged}) for s in record.signatures
            ],
        }
    )
    assert "content_hash" in integrity_problems(altered)


# ---------------------------------------------------------------- validation rules


def rejected(kind: str, data: dict[str, Any], match: str | None = None) -> ValidationError:
    with pytest.raises(ValidationError, match=match) as info:
        seal(kind, data)
    with pytest.raises(ValidationError):
        parse_record(kind, {**data, "content_hash": "0" * 64})
    return info.value


def test_inspection_without_inspector_signature() -> None:
    data = inspection_data()
    data["signatures"] = [s for s in data["signatures"] if s["role"] != "inspector"]
    rejected("inspection", data, "first inspector must sign")


def test_inspection_signed_only_by_the_second_inspector() -> None:
    data = inspection_data(inspector_ids=[INSPECTOR, INSPECTOR_2])
    data["signatures"][0] = signature("inspector", user_id=INSPECTOR_2)
    rejected("inspection", data, "first inspector must sign")


def test_inspection_first_inspector_signing_as_enterprise_does_not_count() -> None:
    data = inspection_data()
    data["signatures"] = [signature("enterprise", user_id=INSPECTOR), data["signatures"][1]]
    rejected("inspection", data, "first inspector must sign")


def test_inspection_with_enterprise_signature_and_refusal() -> None:
    data = inspection_data()
    data["refusal"] = refusal()
    rejected("inspection", data, "refusal")


def test_inspection_with_neither_enterprise_signature_nor_refusal() -> None:
    data = inspection_data()
    data["signatures"] = data["signatures"][:1]
    rejected("inspection", data, "refusal")


def test_inspection_with_refusal_only_is_valid() -> None:
    record = inspection(refused=True)
    assert record.refusal is not None
    assert [s.role for s in record.signatures] == ["inspector"]


def test_inspection_with_duplicate_item_codes() -> None:
    data = inspection_data(items=[item("GEN-1-01"), item("GEN-1-02"), item("GEN-1-01", "fail")])
    rejected("inspection", data, "an item appears twice")


def test_inspection_finished_before_started() -> None:
    data = inspection_data(started_at=when(hours=2), finished_at=when(hours=1))
    rejected("inspection", data, "finished_at is before started_at")


def test_inspection_finished_at_same_instant_in_another_offset_is_fine() -> None:
    start = when(hours=1)
    record = inspection(started_at=start, finished_at=start.astimezone(dt.UTC))
    assert record.finished_at == record.started_at


def test_inspection_needs_an_inspector() -> None:
    data = inspection_data()
    data["inspector_ids"] = []
    with pytest.raises(ValidationError):
        parse_record("inspection", {**data, "content_hash": "0" * 64})


def test_inspection_photo_budget() -> None:
    items = [item(f"I-{n:03d}", photos=[fake_sha((n, k)) for k in range(30)]) for n in range(7)]
    rejected("inspection", inspection_data(items=items), "too many photos")
    assert len(inspection(items=items[:6]).blob_refs()) == 6 * 30 + 2


@pytest.mark.parametrize("handling", ["deadline", "suspend"])
@pytest.mark.parametrize("interim", ["", "   "])
def test_reported_needs_interim_measures_unless_on_site(handling: str, interim: str) -> None:
    data = event_data("reported", hazard_id=uid(), handling=handling, interim_measures=interim)
    rejected("hazard_event", data, "interim_measures")


def test_reported_on_site_needs_no_interim_measures() -> None:
    data = event_data("reported", hazard_id=uid(), handling="on_site", interim_measures="")
    assert isinstance(sealed("hazard_event", data), Reported)


def test_reported_deadline_before_the_day_found() -> None:
    at = when(days=5)
    data = event_data("reported", hazard_id=uid(), at=at, deadline=at.date() - dt.timedelta(days=2))
    rejected("hazard_event", data, "deadline is before")


@pytest.mark.parametrize("category", ["C01", "A00", "A13", "A1", "a01", "B100"])
def test_reported_category_codes(category: str) -> None:
    rejected("hazard_event", event_data("reported", hazard_id=uid(), category=category))


@pytest.mark.parametrize("category", ["A01", "A12", "B09", "B99"])
def test_reported_valid_category_codes(category: str) -> None:
    assert sealed("hazard_event", event_data("reported", hazard_id=uid(), category=category))


@pytest.mark.parametrize("funds", [Decimal("-1"), Decimal("1.234"), "abc"])
def test_reported_funds(funds: Any) -> None:
    rejected("hazard_event", event_data("reported", hazard_id=uid(), funds_yuan=funds))


def test_reported_empty_measures() -> None:
    rejected("hazard_event", event_data("reported", hazard_id=uid(), measures="  "))


def test_rectified_without_signature() -> None:
    data = event_data("rectified", hazard_id=uid(), signatures=[])
    rejected("hazard_event", data, "enterprise.s signature")


def test_rectified_with_two_signatures() -> None:
    data = event_data("rectified", hazard_id=uid())
    data["signatures"] = [*data["signatures"], signature("inspector")]
    rejected("hazard_event", data, "enterprise.s signature")


def test_rechecked_signed_by_enterprise() -> None:
    data = event_data("rechecked", hazard_id=uid(), signatures=[signature("enterprise")])
    rejected("hazard_event", data, "inspector's signature")


@pytest.mark.parametrize(
    "roles", [[], ["inspector", "enterprise"], ["enterprise", "inspector"], ["inspector"] * 2]
)
def test_rechecked_needs_exactly_the_inspector_signature(roles: list[str]) -> None:
    sigs = [signature(r, user_id=f"u-{i}") for i, r in enumerate(roles)]
    rejected("hazard_event", event_data("rechecked", hazard_id=uid(), signatures=sigs))


def test_review_returned_without_comment() -> None:
    data = review_data(inspection_id=uid(), decision="returned", comment="  ")
    rejected("review", data, "needs a comment")


def test_review_returned_with_comment_and_approved_without() -> None:
    assert sealed("review", review_data(inspection_id=uid(), decision="returned", comment="补照片"))
    assert sealed("review", review_data(inspection_id=uid(), decision="approved", comment=""))


def test_review_unknown_decision() -> None:
    rejected("review", review_data(inspection_id=uid(), decision="rejected", comment="x"))


def test_unknown_event_type() -> None:
    data = event_data("closed", hazard_id=uid())
    rejected("hazard_event", {**data, "type": "reopened"})
    rejected("hazard_event", {k: v for k, v in data.items() if k != "type"})


def test_unknown_kind() -> None:
    with pytest.raises(KeyError):
        parse_record("hazard", event_data("closed", hazard_id=uid()))
    with pytest.raises(KeyError):
        seal("enterprise", {})


def test_kind_in_data_must_match() -> None:
    wire = ALL[0].wire()
    with pytest.raises(ValidationError):
        parse_record("review", wire)
    with pytest.raises(ValidationError):
        parse_record("hazard_event", {**wire, "type": "closed"})


def test_kind_is_filled_in_when_missing() -> None:
    wire = ALL[-1].wire()
    assert parse_record("review", {k: v for k, v in wire.items() if k != "kind"}) == ALL[-1]


@pytest.mark.parametrize("record", ALL, ids=ALL_IDS)
def test_extra_unknown_field_is_forbidden(record: FieldRecord) -> None:
    wire = record.wire()
    with pytest.raises(ValidationError, match="extra"):
        parse_record(record.kind, {**wire, "priority": "high"})


def test_extra_field_inside_a_signature_or_item_is_forbidden() -> None:
    data = inspection_data()
    data["signatures"][0] = {**data["signatures"][0], "ip": "10.0.0.1"}
    rejected("inspection", data, "extra")
    data = inspection_data(items=[{**item("GEN-1-01"), "score": 3}])
    rejected("inspection", data, "extra")


@pytest.mark.parametrize(
    "bad_id",
    [
        "123",
        "not-a-uuid",
        "0190A0B0-0000-7000-8000-000000000001",
        "{0190a0b0-0000-7000-8000-000000000001}",
        "0190a0b0-0000-7000-8000-000000000001\n",
        "../0190a0b0-0000-7000-8000-00000000",
        "",
    ],
)
@pytest.mark.parametrize("field", ["id", "hazard_id", "supersedes"])
def test_non_uuid_ids_are_rejected(bad_id: str, field: str) -> None:
    data = {**event_data("voided", hazard_id=uid()), field: bad_id}
    rejected("hazard_event", data)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "A" * 64, "a" * 63, "a" * 64 + "\n"])
def test_photo_hashes_must_be_sha256(bad: str) -> None:
    rejected("hazard_event", event_data("rectified", hazard_id=uid(), photos=[bad]))
    rejected("inspection", inspection_data(items=[item("GEN-1-01", photos=[bad])]))
    data = event_data("rechecked", hazard_id=uid())
    data["signatures"] = [{**data["signatures"][0], "png_sha256": bad}]
    rejected("hazard_event", data)


@pytest.mark.parametrize("bad_ref", ["../etc", "", "a b", "x" * 65, "-leading-dash"])
def test_reference_ids_are_constrained(bad_ref: str) -> None:
    rejected("hazard_event", event_data("closed", hazard_id=uid(), enterprise_id=bad_ref))
    rejected("hazard_event", event_data("closed", hazard_id=uid(), created_by=bad_ref))


def test_naive_datetimes_are_rejected() -> None:
    naive = dt.datetime(2024, 5, 6, 9, 0)
    rejected("hazard_event", event_data("closed", hazard_id=uid(), at=naive))
    rejected("inspection", inspection_data(started_at=naive, finished_at=naive))


def test_records_are_immutable() -> None:
    record = ALL[0]
    with pytest.raises(ValidationError):
        record.summary = "改"  # type: ignore[misc]


def test_reported_item_code_is_bounded() -> None:
    """DESIGN, Security: input sizes are bounded. ``item_code`` names a checklist item."""
    data = event_data("reported", hazard_id=uid(), inspection_id=uid(), item_code="GEN-1-02")
    assert sealed("hazard_event", data).item_code == "GEN-1-02"
    rejected("hazard_event", {**data, "item_code": "X" * 100_000})
    rejected("hazard_event", {**data, "item_code": "../etc/passwd"})


def _is_bounded(metadata: list[Any]) -> bool:
    for m in metadata:
        if isinstance(m, StringConstraints) and (m.max_length is not None or m.pattern):
            return True
        if isinstance(m, annotated_types.MaxLen):
            return True
        if _is_bounded(list(getattr(m, "metadata", None) or [])):
            return True
    return False


def _unbounded_fields(tp: Any, metadata: list[Any], path: str, out: list[str]) -> None:
    """Every ``str`` or ``list`` reachable from ``tp`` without a length (or pattern) bound."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(tp)
        _unbounded_fields(base, [*metadata, *extra], path, out)
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            _unbounded_fields(arg, metadata, path, out)
    elif origin is list:
        if not _is_bounded(metadata):
            out.append(path)
        _unbounded_fields(typing.get_args(tp)[0], [], f"{path}[]", out)
    elif tp is str:
        if not _is_bounded(metadata):
            out.append(path)
    elif isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, info in tp.model_fields.items():
            _unbounded_fields(info.annotation, list(info.metadata), f"{path}.{name}", out)


@pytest.mark.parametrize("model", sorted({type(r) for r in ALL}, key=lambda m: m.__name__))
def test_every_text_and_list_field_is_bounded(model: type[BaseModel]) -> None:
    """DESIGN, Security: input sizes bounded. A new field without a bound fails here."""
    out: list[str] = []
    _unbounded_fields(model, [], model.__name__, out)
    assert out == []


# ---------------------------------------------------------------- blob_refs


def test_blob_refs_lists_each_photo_and_signature_png_once_in_order() -> None:
    a, b, c, png_i, png_e = (fake_sha(x) for x in "abcIE")
    record = inspection(
        items=[
            item("GEN-1-01", "fail", photos=[a, b]),
            item("GEN-1-02", "pass"),
            item("GEN-1-03", "fail", photos=[b, c, a]),
        ],
        signatures=[
            signature("inspector", user_id=INSPECTOR, png=png_i),
            signature("enterprise", user_id=None, png=png_e),
        ],
    )
    assert record.blob_refs() == [a, b, c, png_i, png_e]


def test_blob_refs_dedupes_a_png_also_used_as_a_photo() -> None:
    a = fake_sha("a")
    data = event_data("rectified", hazard_id=uid(), photos=[a, a])
    data["signatures"] = [{**data["signatures"][0], "png_sha256": a}]
    assert sealed("hazard_event", data).blob_refs() == [a]


def test_blob_refs_per_event_type() -> None:
    by_type = {getattr(r, "type", r.kind): r for r in ALL}
    assert by_type["reported"].blob_refs() == list(by_type["reported"].photos)
    for t in ("rectified", "rechecked"):
        r = by_type[t]
        assert r.blob_refs() == [*r.photos, r.signatures[0].png_sha256]
        assert len(r.blob_refs()) == 2
    for t in ("deadline_extended", "escalated", "closed", "voided", "review"):
        assert by_type[t].blob_refs() == []
    refused = ALL[1]
    assert isinstance(refused, Inspection)
    assert refused.blob_refs() == [
        *(p for i in refused.items for p in i.photos),
        refused.signatures[0].png_sha256,
    ]


# ---------------------------------------------------------------- wire round trip


@pytest.mark.parametrize("record", ALL, ids=ALL_IDS)
def test_wire_round_trips(record: FieldRecord) -> None:
    wire = record.wire()
    through_json = json.loads(json.dumps(wire, ensure_ascii=False))
    again = parse_record(record.kind, through_json)
    assert again == record
    assert again.wire() == wire
    assert again.record_hash() == record.record_hash()
    assert integrity_problems(again) == []


def test_wire_dates_and_times_are_rfc3339_with_offset() -> None:
    wire = ALL[2].wire()
    assert wire["at"] == "2024-05-06T09:00:00+08:00"
    assert wire["deadline"] == "2024-05-13"
    assert isinstance(wire["funds_yuan"], str)


words = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")
offsets = st.sampled_from([CST, dt.UTC, dt.timezone(dt.timedelta(hours=-5, minutes=-30))])
instants = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 1, 1), timezones=offsets
)
shas = st.integers(0, 10**6).map(fake_sha)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(
    at=instants,
    days=st.integers(0, 400),
    title=words,
    description=st.text(max_size=50),
    level=st.sampled_from(["general", "major"]),
    handling=st.sampled_from(["on_site", "deadline", "suspend"]),
    funds=st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False),
    photos=st.lists(shas, max_size=5),
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
)
def test_reported_wire_round_trips(
    at: dt.datetime,
    days: int,
    title: str,
    description: str,
    level: str,
    handling: str,
    funds: Decimal,
    photos: list[str],
    lat: float,
    lon: float,
) -> None:
    data = event_data(
        "reported",
        hazard_id=uid(),
        at=at,
        deadline=at.date() + dt.timedelta(days=days),
        title=title,
        description=description,
        level=level,
        handling=handling,
        funds_yuan=funds,
        photos=photos,
        interim_measures="专人看护",
    )
    wire = seal("hazard_event", data)
    again = parse_record("hazard_event", json.loads(json.dumps(wire)))
    assert again.wire() == wire
    assert integrity_problems(again) == []
    assert again.at == at
    assert again.funds_yuan == funds
    assert again.title == title.strip()
    insp = seal("inspection", inspection_data(location={"lat": lat, "lon": lon}))
    assert parse_record("inspection", json.loads(json.dumps(insp))).wire() == insp


@settings(max_examples=60)
@given(
    results=st.lists(
        st.tuples(
            st.sampled_from(["pass", "fail", "na"]),
            st.text(max_size=20),
            st.lists(shas, max_size=3),
        ),
        max_size=12,
    ),
    refused=st.booleans(),
    minutes=st.integers(0, 600),
)
def test_inspection_wire_round_trips(
    results: list[tuple[str, str, list[str]]], refused: bool, minutes: int
) -> None:
    items = [item(f"GEN-{n:02d}", r, note=note, photos=p) for n, (r, note, p) in enumerate(results)]
    record = sealed(
        "inspection",
        inspection_data(
            items=items, refused=refused, finished_at=T0 + dt.timedelta(minutes=minutes)
        ),
    )
    wire = record.wire()
    again = parse_record("inspection", json.loads(json.dumps(wire, ensure_ascii=False)))
    assert again == record
    assert again.wire() == wire
    assert integrity_problems(again) == []
    assert again.blob_refs() == list(dict.fromkeys([p for _, _, ps in results for p in ps])) + [
        s.png_sha256 for s in record.signatures
    ]
