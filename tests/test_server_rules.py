"""The server's rules over real HTTP: blobs before records, integrity, conflicts, roles, scope."""

from __future__ import annotations

from typing import Any

import pytest

from domain.ids import new_id
from domain.records import AnyRecord
from tests import domain_factories as f
from tests.api import Api, jpeg_bytes, png_bytes
from tests.org import reassign_grids
from tests.server_db import record_counts, server_rows


def inspection_for(
    api: Api,
    user_id: str,
    enterprise_id: str = f.ENTERPRISE,
    *,
    upload: bool = True,
    **fields: Any,
) -> AnyRecord:
    pngs, photo = (png_bytes(1), png_bytes(2)), jpeg_bytes(1)
    shas = [api.upload(b) for b in (*pngs, photo)] if upload else [f.fake_sha(i) for i in range(3)]
    data = f.inspection_data(
        created_by=user_id,
        enterprise_id=enterprise_id,
        items=[f.item("GEN-1-01", "pass"), f.item("GEN-1-02", "fail", photos=[shas[2]])],
        **fields,
    )
    data["signatures"] = [
        f.signature("inspector", user_id=user_id, png=shas[0]),
        f.signature("enterprise", user_id=None, name="王五", png=shas[1]),
    ]
    return f.sealed("inspection", data)


def reported_for(api: Api, user_id: str, enterprise_id: str = f.ENTERPRISE, **kw: Any) -> AnyRecord:
    photo = api.upload(jpeg_bytes(7))
    return f.event(
        "reported",
        hazard_id=kw.pop("hazard_id", new_id()),
        created_by=user_id,
        enterprise_id=enterprise_id,
        at=f.when(),
        photos=[photo],
        **kw,
    )


def test_record_with_missing_blob_is_rejected_then_accepted_after_upload(server) -> None:
    api = Api(server.url, f.INSPECTOR)
    record = inspection_for(api, f.INSPECTOR, upload=False)
    result = api.push_one(record)
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "missing_blobs"
    assert sorted(result["error"]["details"]["missing"]) == sorted(record.blob_refs())
    assert record_counts(server.data_dir) == {}

    # the same record, its blobs uploaded now (the fake shas stand for these bytes)
    real = inspection_for(api, f.INSPECTOR)
    missing = api.post("/blobs/missing", json={"sha256": real.blob_refs()}).json()
    assert missing == {"missing": [], "partial": {}}
    assert api.push_one(real)["status"] == "created"
    assert api.push_one(real)["status"] == "duplicate"
    assert record_counts(server.data_dir) == {real.id: 1}


def test_forged_content_hash_is_rejected_with_integrity(server) -> None:
    api = Api(server.url, f.INSPECTOR)
    record = inspection_for(api, f.INSPECTOR)
    forged = record.wire() | {
        "summary": "无隐患"
    }  # altered after signing; hashes left as they were
    result = api.push_one({"kind": "inspection", "id": record.id, "data": forged})
    assert result["error"]["code"] == "integrity"
    assert "content_hash" in result["error"]["details"]["fields"]

    # recomputing the record's hash does not help: the signatures still hold the old one
    from domain.canonical import content_hash_of

    rehashed = forged | {"content_hash": content_hash_of(forged)}
    result = api.push_one({"kind": "inspection", "id": record.id, "data": rehashed})
    assert result["error"]["code"] == "integrity"
    assert result["error"]["details"]["fields"] == [
        "signatures.0.content_hash",
        "signatures.1.content_hash",
    ]
    assert record_counts(server.data_dir) == {}


def test_same_id_other_content_is_a_conflict_and_the_first_stays(server) -> None:
    api = Api(server.url, f.INSPECTOR)
    first = inspection_for(api, f.INSPECTOR)
    assert api.push_one(first)["status"] == "created"
    other = f.sealed("inspection", first.wire() | {"summary": "另一份结论"})
    result = api.push_one(other)
    assert (result["status"], result["error"]["code"]) == ("rejected", "conflict")
    stored = server_rows(server.data_dir, "SELECT data FROM records WHERE id = ?", (first.id,))
    assert '"summary":"另一份结论"' not in stored[0][0].replace(" ", "")


def test_one_bad_record_does_not_block_the_rest(server) -> None:
    api = Api(server.url, f.INSPECTOR)
    good = inspection_for(api, f.INSPECTOR)
    r = api.push(
        {"kind": "nonsense", "id": new_id(), "data": {}},
        good,
        {"kind": "inspection", "id": "x", "data": {"id": "x"}},
    )
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["rejected", "created", "rejected"]
    assert [x["error"]["code"] for x in (results[0], results[2])] == ["invalid", "invalid"]
    assert results[0]["error"]["details"]["field"] == "kind"
    assert record_counts(server.data_dir) == {good.id: 1}


@pytest.mark.parametrize(
    ("username", "make", "reason"),
    [
        # an inspector outside their grids (ent-2 is in grid-2; insp-1 has grid-1 only)
        (f.INSPECTOR, lambda api: inspection_for(api, f.INSPECTOR, "ent-2"), "outside your grids"),
        # an enterprise recording an inspection
        (
            f.ENTERPRISE_USER,
            lambda api: inspection_for(api, f.ENTERPRISE_USER),
            "may not record inspection",
        ),
        # an enterprise rectifying someone else's hazard is checked after its own scope
        (
            "ent-2-user",
            lambda api: f.event(
                "closed", hazard_id=new_id(), created_by="ent-2-user", enterprise_id="ent-2"
            ),
            "may not record closed",
        ),
        # the office reporting a hazard; an inspector closing one
        (f.OFFICE, lambda api: reported_for(api, f.OFFICE), "may not record reported"),
        (
            f.INSPECTOR,
            lambda api: f.event("closed", hazard_id=new_id(), created_by=f.INSPECTOR),
            "may not record closed",
        ),
        # pretending to be someone else
        (f.INSPECTOR, lambda api: inspection_for(api, f.INSPECTOR_2), "created_by"),
        # admin pushes nothing
        (
            f.ADMIN,
            lambda api: f.event("voided", hazard_id=new_id(), created_by=f.ADMIN),
            "may not record voided",
        ),
    ],
)
def test_wrong_role_or_scope_is_forbidden_and_changes_nothing(
    server, username, make, reason
) -> None:
    api = Api(server.url, username)
    result = api.push_one(make(api))
    assert (result["status"], result["error"]["code"]) == ("rejected", "forbidden")
    assert reason in result["error"]["details"]["reason"]
    assert record_counts(server.data_dir) == {}


def test_event_for_a_hazard_of_another_enterprise_is_refused(server) -> None:
    """An inspector of grid-1 and grid-2 reports a hazard at ent-2; an inspector of grid-1
    only cannot act on it by writing an in-grid enterprise id on the event."""
    wide = Api(server.url, f.INSPECTOR_2)
    hazard = reported_for(wide, f.INSPECTOR_2, "ent-2")
    assert wide.push_one(hazard)["status"] == "created"
    narrow = Api(server.url, f.INSPECTOR)
    sig = narrow.upload(png_bytes(9))
    recheck = f.event(
        "rechecked",
        hazard_id=hazard.hazard_id,
        created_by=f.INSPECTOR,
        enterprise_id=f.ENTERPRISE,
        photos=[],
        signatures=[f.signature("inspector", user_id=f.INSPECTOR, png=sig)],
    )
    result = narrow.push_one(recheck)
    assert result["error"]["code"] == "invalid"
    assert result["error"]["details"]["field"] == "enterprise_id"


def test_events_wait_for_their_hazard(server) -> None:
    api = Api(server.url, f.INSPECTOR)
    hid = new_id()
    sig = api.upload(png_bytes(3))
    recheck = f.event(
        "rechecked",
        hazard_id=hid,
        created_by=f.INSPECTOR,
        photos=[],
        signatures=[f.signature("inspector", user_id=f.INSPECTOR, png=sig)],
    )
    assert api.push_one(recheck)["error"]["code"] == "unknown_reference"
    report = reported_for(api, f.INSPECTOR, hazard_id=hid)
    r = api.push(report, recheck).json()["results"]
    assert [x["status"] for x in r] == ["created", "created"]
    assert r[0]["meta"]["number"].startswith("310105001-YH-2024-")


def _kinds_and_ids(changes: list[dict]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in changes:
        out.setdefault(c["kind"], set()).add(c["id"])
    return out


def test_pull_is_filtered_by_role_and_scope(server) -> None:
    wide = Api(server.url, f.INSPECTOR_2)
    in_grid1 = inspection_for(wide, f.INSPECTOR_2, f.ENTERPRISE)
    in_grid2 = inspection_for(wide, f.INSPECTOR_2, "ent-2")
    hazard2 = reported_for(wide, f.INSPECTOR_2, "ent-2")
    for rec in (in_grid1, in_grid2, hazard2):
        assert wide.push_one(rec)["status"] == "created"
    office = Api(server.url, f.OFFICE)
    review = f.review(inspection_id=in_grid1.id, created_by=f.OFFICE)
    assert office.push_one(review)["status"] == "created"

    insp1 = _kinds_and_ids(Api(server.url, f.INSPECTOR).pull_all())
    assert insp1["enterprise"] == {f.ENTERPRISE}
    assert insp1["grid"] == {f.GRID}
    assert insp1["community"] == {"comm-1"}
    assert insp1["inspection"] == {in_grid1.id}
    assert "hazard_event" not in insp1
    assert insp1["review"] == {review.id}
    assert len(insp1["template"]) == 7
    assert insp1["user"] == {
        f.INSPECTOR,
        f.INSPECTOR_2,
        "insp-3",
        f.OFFICE,
    }  # no enterprise accounts

    ent2 = _kinds_and_ids(Api(server.url, "ent-2-user").pull_all())
    assert ent2["enterprise"] == {"ent-2"}
    assert ent2["inspection"] == {in_grid2.id}
    assert ent2["hazard_event"] == {hazard2.id}
    assert ent2["user"] == {"ent-2-user"}
    assert "review" not in ent2

    ent1 = _kinds_and_ids(Api(server.url, f.ENTERPRISE_USER).pull_all())
    assert ent1["enterprise"] == {f.ENTERPRISE} and ent1["inspection"] == {in_grid1.id}
    assert "hazard_event" not in ent1

    everything = _kinds_and_ids(office.pull_all())
    assert everything["enterprise"] == {f.ENTERPRISE, "ent-2", "ent-3"}
    assert everything["inspection"] == {in_grid1.id, in_grid2.id}


def test_blobs_are_served_only_to_those_who_may_see_a_record_using_them(server) -> None:
    wide = Api(server.url, f.INSPECTOR_2)
    rec = inspection_for(wide, f.INSPECTOR_2, "ent-2")
    assert wide.push_one(rec)["status"] == "created"
    photo = rec.blob_refs()[0]
    assert wide.get(f"/blobs/{photo}").content == jpeg_bytes(1)
    assert Api(server.url, "ent-2-user").get(f"/blobs/{photo}").status_code == 200
    for outsider in (f.INSPECTOR, f.ENTERPRISE_USER):
        r = Api(server.url, outsider).get(f"/blobs/{photo}")
        assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")
    assert Api(server.url).get(f"/blobs/{photo}").status_code == 401


def test_pull_pages_and_cursor(server) -> None:
    api = Api(server.url, f.OFFICE)
    all_changes = api.pull_all()
    first = api.get("/sync/pull", params={"limit": 5}).json()
    assert first["more"] is True and len(first["changes"]) == 5
    seqs = [c["meta"]["seq"] for c in first["changes"]]
    assert seqs == sorted(seqs)
    rest = []
    cursor = first["cursor"]
    while True:
        page = api.get("/sync/pull", params={"limit": 5, "cursor": cursor}).json()
        rest += page["changes"]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert [c["id"] for c in first["changes"] + rest] == [c["id"] for c in all_changes]
    empty = api.get("/sync/pull", params={"cursor": cursor}).json()
    assert empty["changes"] == [] and empty["cursor"] == cursor

    ahead = api.get("/sync/pull", params={"cursor": "1.999999"})
    assert (ahead.status_code, ahead.json()["error"]["code"]) == (410, "cursor_expired")
    garbage = api.get("/sync/pull", params={"cursor": "../../etc"})
    assert garbage.status_code == 410


def test_a_changed_scope_expires_the_cursor(server) -> None:
    api = Api(server.url, f.INSPECTOR)
    cursor = api.get("/sync/pull").json()["cursor"]
    reassign_grids(server.data_dir, f.INSPECTOR, [f.GRID, "grid-3"])
    r = api.get("/sync/pull", params={"cursor": cursor})
    assert (r.status_code, r.json()["error"]["code"]) == (410, "cursor_expired")
    assert {c["id"] for c in api.pull_all() if c["kind"] == "enterprise"} == {f.ENTERPRISE, "ent-3"}


def test_a_correction_needs_a_return_and_one_of_the_original_inspectors(server) -> None:
    """The device checks this too; the server holds the line for phones that were offline."""
    inspector, other, office = (Api(server.url, u) for u in (f.INSPECTOR, "insp-2", f.OFFICE))
    original = inspection_for(inspector, f.INSPECTOR)
    assert inspector.push_one(original)["status"] == "created"

    def correction(api: Api, user: str, minutes: int) -> AnyRecord:
        return inspection_for(
            api,
            user,
            supersedes=original.id,
            finished_at=f.when(minutes=minutes),
            started_at=f.when(minutes=minutes - 30),
        )

    early = correction(inspector, f.INSPECTOR, 60)
    result = inspector.push_one(early)  # not returned (yet): nothing to correct
    assert result["status"] == "rejected" and result["error"]["code"] == "invalid"
    assert result["error"]["message"] == "这次检查没有被退回，不能更正"
    returned = f.review(inspection_id=original.id, decision="returned", comment="照片不清楚")
    assert office.push_one(returned)["status"] == "created"

    stranger = correction(other, "insp-2", 70)  # insp-2 covers grid-1 but did not inspect
    result = other.push_one(stranger)
    assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"
    assert result["error"]["message"] == "只有原检查人可以更正这次检查"
    ids = {r[0] for r in server_rows(server.data_dir, "SELECT id FROM records")}
    assert ids == {original.id, returned.id}

    # two phones of the same inspector corrected it offline: both are kept
    for record in (early, correction(inspector, f.INSPECTOR, 90)):
        assert inspector.push_one(record)["status"] == "created"
    year = f.T0.year
    figures = office.get("/reports/summary", params={"year": year}).json()
    assert figures["subdistrict"]["year"]["inspections"] == 1  # one visit, counted once
