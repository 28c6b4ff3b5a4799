"""The device store on real SQLite files: atomic writes, drafts, accounts, search."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.account import account_key, device_id
from app.store import meta, outbox
from app.store.blobs import BlobFiles, add_blob
from app.store.db import open_store
from app.store.drafts import list_drafts, load_draft, save_draft, submit_draft
from app.store.pulled import apply_page
from app.store.records import add_local_record, hazard_state
from app.store.reference import apply_reference, search_enterprises
from domain.errors import GridCheckError
from domain.ids import new_id
from domain.records import seal
from domain.wire import Change
from tests import domain_factories as f
from tests.api import jpeg_bytes, png_bytes
from tests.org import ENTERPRISES


@pytest.fixture
def store(tmp_path: Path):
    db = open_store(tmp_path / "acct" / "gridcheck.db")
    files = BlobFiles(tmp_path / "acct" / "blobs")
    yield db, files
    db.close()


def counts(db) -> tuple[int, int]:
    return (
        db.execute("SELECT COUNT(*) FROM records").fetchone()[0],
        db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0],
    )


def inspection_with_local_blobs(db, files) -> dict:
    shas = [
        add_blob(db, files, png_bytes(1), "image/png"),
        add_blob(db, files, png_bytes(2), "image/png"),
        add_blob(db, files, jpeg_bytes(1), "image/jpeg", thumbnail=b"thumb"),
    ]
    data = f.inspection_data(items=[f.item("GEN-1-02", "fail", photos=[shas[2]])])
    data["signatures"] = [
        f.signature("inspector", user_id=f.INSPECTOR, png=shas[0]),
        f.signature("enterprise", user_id=None, name="王五", png=shas[1]),
    ]
    return seal("inspection", data)


def test_a_record_and_its_outbox_row_are_written_together(store) -> None:
    db, files = store
    sealed = inspection_with_local_blobs(db, files)
    add_local_record(db, "inspection", sealed)
    assert counts(db) == (1, 1)
    waiting = outbox.waiting(db)
    assert (waiting.records, waiting.blobs) == (1, 3)
    assert waiting.blob_bytes == sum(
        files.size(s) for s in [s["png_sha256"] for s in sealed["signatures"]]
    ) + files.size(sealed["items"][0]["photos"][0])


def test_invalid_altered_or_incomplete_records_leave_nothing(store) -> None:
    db, files = store
    sealed = inspection_with_local_blobs(db, files)
    with pytest.raises(GridCheckError) as altered:
        add_local_record(db, "inspection", sealed | {"summary": "改过"})
    assert altered.value.code == "integrity"
    with pytest.raises(ValidationError):
        add_local_record(db, "inspection", sealed | {"items": "none"})
    no_blob = seal("inspection", f.inspection_data())  # fake blob hashes the device does not hold
    with pytest.raises(GridCheckError) as missing:
        add_local_record(db, "inspection", no_blob)
    assert missing.value.code == "missing_blobs"
    assert counts(db) == (0, 0)
    add_local_record(db, "inspection", sealed)
    with pytest.raises(GridCheckError) as twice:
        add_local_record(db, "inspection", sealed)
    assert twice.value.code == "conflict"
    assert counts(db) == (1, 1)


def test_submitting_a_draft_is_all_or_nothing(store) -> None:
    db, files = store
    draft_id = new_id()
    save_draft(
        db, draft_id, "inspection", f.ENTERPRISE, {"items": {"GEN-1-01": "pass"}, "note": "一楼"}
    )
    save_draft(
        db,
        draft_id,
        "inspection",
        f.ENTERPRISE,
        {"items": {"GEN-1-01": "fail"}, "note": "一楼仓库"},
    )
    assert load_draft(db, draft_id) == {"items": {"GEN-1-01": "fail"}, "note": "一楼仓库"}
    good = inspection_with_local_blobs(db, files)
    bad = seal("hazard_event", f.event_data("reported", hazard_id=new_id(), photos=[]))
    bad["title"] = "改过的标题"  # breaks its hash: the whole submission must fail
    with pytest.raises(GridCheckError):
        submit_draft(db, draft_id, [("inspection", good), ("hazard_event", bad)])
    assert counts(db) == (0, 0)
    assert [d["id"] for d in list_drafts(db)] == [draft_id]
    ok = seal("hazard_event", f.event_data("reported", hazard_id=new_id(), photos=[]))
    submit_draft(db, draft_id, [("inspection", good), ("hazard_event", ok)])
    assert counts(db) == (2, 2)
    assert list_drafts(db) == []


def test_a_draft_survives_the_app_being_killed(tmp_path: Path) -> None:
    path = tmp_path / "acct" / "gridcheck.db"
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from app.store.db import open_store
        from app.store.drafts import save_draft
        db = open_store(Path({str(path)!r}))
        for i in range(50):
            save_draft(db, "d1", "inspection", "ent-1", {{"step": i, "note": "第" + str(i) + "项"}})
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1], timeout=60
    )
    assert proc.returncode == -signal.SIGKILL
    db = open_store(path)
    assert load_draft(db, "d1") == {"step": 49, "note": "第49项"}
    db.close()


def test_a_pulled_page_and_its_cursor_commit_together(store) -> None:
    db, _ = store
    good = [
        Change(kind="enterprise", id=e.id, data=e.model_dump(mode="json")) for e in ENTERPRISES[:2]
    ]
    broken = Change(kind="enterprise", id="bad", data={"id": "bad", "name": "缺少字段的单位"})
    with pytest.raises(ValidationError):
        apply_page(db, [*good, broken], "1.3")
    assert db.execute("SELECT COUNT(*) FROM enterprises").fetchone()[0] == 0
    assert meta.get(db, meta.CURSOR) is None
    apply_page(db, good, "1.2")
    assert db.execute("SELECT COUNT(*) FROM enterprises").fetchone()[0] == 2
    assert meta.get(db, meta.CURSOR) == "1.2"


def test_pulled_records_keep_local_content_and_gain_the_server_number(store) -> None:
    db, _ = store
    hid = new_id()
    event = seal("hazard_event", f.event_data("reported", hazard_id=hid, photos=[]))
    add_local_record(db, "hazard_event", event)
    apply_page(
        db,
        [
            Change(
                kind="hazard_event",
                id=event["id"],
                data=event,
                meta={"number": "310105001-YH-2024-00007", "received_at": "2024-05-06T01:00:00Z"},
            )
        ],
        "1.9",
    )
    row = db.execute("SELECT number, origin FROM records WHERE id = ?", [event["id"]]).fetchone()
    assert row == ("310105001-YH-2024-00007", "device")
    assert hazard_state(db, hid).status == "open"


def test_search_enterprises_as_you_type(store) -> None:
    db, _ = store
    with db.atomic():
        for e in ENTERPRISES:
            apply_reference(db, "enterprise", e.model_dump(mode="json"))
        extra = ENTERPRISES[0].model_copy(
            update={
                "id": "ent-9",
                "name": "百分之百_餐饮店",
                "credit_code": None,
                "contact_phone": "13712345678",
            }
        )
        apply_reference(db, "enterprise", extra.model_dump(mode="json"))
    names = lambda q: [e.name for e in search_enterprises(db, q)]  # noqa: E731
    assert names("宏达机械") == ["东湖宏达机械加工厂"]  # FTS5 trigram
    assert names("宏达") == ["东湖宏达机械加工厂"]  # two characters: LIKE
    assert names("西山") == ["西山建材有限公司"]
    assert names(ENTERPRISES[1].credit_code[-8:]) == ["东湖福满楼餐馆"]
    assert names("1371234") == ["百分之百_餐饮店"]
    assert names("东湖路2号") == ["东湖福满楼餐馆"]
    assert names("%") == [] and names("_") == ["百分之百_餐饮店"] and names('"') == []
    assert len(names("")) == 4


def test_accounts_and_devices_are_kept_apart(tmp_path: Path) -> None:
    assert device_id(tmp_path) == device_id(tmp_path)  # minted once, kept
    assert account_key("http://a:8700", "insp-1") != account_key("http://b:8700", "insp-1")
    assert account_key("http://a:8700/", "insp-1") == account_key("http://a:8700", "insp-1")
    assert "/" not in account_key("http://a", "../../etc")
    assert os.sep not in account_key("http://a", "a/b")
