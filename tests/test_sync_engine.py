"""The device's sync engine against a real server: outcomes, progress, back-off, scope changes."""

from __future__ import annotations

import random

from app.account import known_accounts, last_account, open_account
from app.store import outbox
from app.sync.backoff import backoff_delay
from domain.errors import ErrorCode
from domain.ids import new_id
from tests import domain_factories as f
from tests.org import reassign_grids
from tests.server_db import record_counts, server_rows


def test_a_refused_record_is_kept_shown_and_not_resent(make_device, server) -> None:
    a = make_device(f.INSPECTOR)
    outside = a.inspect(enterprise_id="ent-2")  # grid-2 is not insp-1's
    inside = a.inspect()
    report = a.sync()
    assert report.ok
    assert (report.created, report.rejected) == (1, 1)
    assert report.rejections[0].id == outside.id and report.rejections[0].error.code == "forbidden"
    bad = outbox.rejected(a.db)
    assert [(b["record_id"], b["state"], b["error_code"]) for b in bad] == [
        (outside.id, "rejected", "forbidden")
    ]
    assert bad[0]["error_message"] == "无权进行此操作或超出管辖范围"
    assert a.waiting().rejected == 1 and a.waiting().records == 0
    assert (
        a.db.execute("SELECT COUNT(*) FROM records WHERE id = ?", [outside.id]).fetchone()[0] == 1
    )  # never deleted
    again = a.sync()
    assert (again.created, again.duplicate, again.rejected) == (0, 0, 0)
    assert set(record_counts(server.data_dir)) == {inside.id}


def test_progress_reports_records_photos_and_bytes(make_device) -> None:
    a = make_device(f.INSPECTOR)
    for _ in range(3):
        a.inspect()
    seen = []
    report = a.engine(on_progress=seen.append, chunk_size=16 * 1024).run_once()
    assert report.ok
    first = next(p for p in seen if p.records_total)
    assert (first.records_total, first.blobs_total) == (3, 9)
    last = seen[-1]
    assert last.phase == "done"
    assert (last.records_done, last.blobs_done) == (3, 9)
    assert last.bytes_done == last.bytes_total == report.bytes_uploaded > 0
    assert [p.bytes_done for p in seen] == sorted(p.bytes_done for p in seen)
    assert last.pulled == report.pulled > 0


def test_sync_retries_with_backoff_until_the_server_is_back(make_device, server) -> None:
    a = make_device(f.INSPECTOR)
    a.inspect()
    server.stop()
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            server.start()

    report = a.engine(rng=random.Random(1)).sync(max_attempts=5, sleep=sleep)
    assert report.ok, report.error
    assert len(sleeps) == 2 and all(0 <= s <= 2**i for i, s in enumerate(sleeps))
    assert a.waiting().records == 0


def test_sync_gives_up_after_max_attempts_and_keeps_everything(make_device, server) -> None:
    a = make_device(f.INSPECTOR)
    a.inspect()
    server.stop()
    report = a.engine().sync(max_attempts=3, sleep=lambda _: None)
    assert report.error is not None and report.error.code == ErrorCode.network
    assert report.error.message.startswith("无法连接服务器")
    assert a.waiting().records == 1


def test_backoff_is_jittered_and_capped() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(n, base=1, cap=60, rng=rng) for n in range(1, 12)]
    assert all(0 <= d <= min(60, 2 ** (n - 1)) for n, d in zip(range(1, 12), delays, strict=True))
    assert len(set(delays)) == len(delays)


def test_the_device_starts_over_when_its_scope_changes(make_device, server) -> None:
    a = make_device(f.INSPECTOR)
    assert a.sync().ok
    assert {r[0] for r in a.db.execute("SELECT id FROM enterprises")} == {f.ENTERPRISE}
    reassign_grids(server.data_dir, f.INSPECTOR, [f.GRID, "grid-3"])
    report = a.sync()
    assert report.ok, report.error
    assert {r[0] for r in a.db.execute("SELECT id FROM enterprises")} == {f.ENTERPRISE, "ent-3"}


def test_accounts_on_one_device_never_see_each_other(make_device, tmp_path) -> None:
    a = make_device(f.INSPECTOR)
    a.inspect()
    assert a.sync().ok
    root = a.account.folder.parents[1]
    from tests.devices import device

    other = device(root, a.account.server_url, "insp-3")
    try:
        assert other.account.folder != a.account.folder
        assert other.account.device_id == a.account.device_id
        assert other.sync().ok
        assert other.record_ids() == set()
        assert {r[0] for r in other.db.execute("SELECT id FROM enterprises")} == {"ent-3"}
        assert sorted(known_accounts(root)) == sorted([a.account.key, other.account.key])
        assert last_account(root) == other.account.key
    finally:
        other.account.close()
    again = open_account(root, a.account.key)  # offline: no network needed
    try:
        assert len(again.db.execute("SELECT id FROM records").fetchall()) == 1
        assert again.user.id == f.INSPECTOR and again.token
    finally:
        again.close()


def test_text_goes_before_photos(make_device, server) -> None:
    """A record without photos is on the server before the photo upload starts; the record
    that needs the photo arrives after it."""
    a = make_device(f.INSPECTOR)
    with_photo = a.event("reported", new_id())
    text_only = a.event("reported", new_id(), photos=[])
    assert a.sync().ok
    received = dict(server_rows(server.data_dir, "SELECT id, received_at FROM records"))
    (photo_stored,) = server_rows(
        server.data_dir, "SELECT stored_at FROM blobs WHERE sha256 = ?", (with_photo.photos[0],)
    )[0]
    assert received[text_only.id] <= photo_stored <= received[with_photo.id]
