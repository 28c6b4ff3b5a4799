"""One account's store used from several threads at once, on a real SQLite file.

The app writes to the device store from the screen's threads (a draft saved as it is typed, a
submit), from the sync controller's background thread (a pulled page and its cursor, outbox
states) and from the photo-download worker. A transaction belongs to one thread: what the user
saves while sync is inside a transaction must neither join it (and vanish when it rolls back)
nor commit sync's half-applied page, and two writers must queue, never fail or lose a write.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.account import open_account
from app.store import meta
from app.store.db import open_store
from app.store.drafts import load_draft, save_draft
from app.store.reference import apply_reference, count
from domain.reference import UserPublic
from tests import domain_factories as f

WAIT = 10.0  # seconds: a generous bound, never reached when the test passes
GRACE = 0.4  # seconds a thread is given to get stuck in (or through) a statement


class Failed(Exception):
    """The sync's page went wrong half-way (a bad row, the link cut): it is rolled back."""


def run(target: Callable[[], None], name: str) -> tuple[threading.Thread, list[BaseException]]:
    """Start ``target`` on its own thread; what it raises is kept for the test to check."""
    errors: list[BaseException] = []

    def body() -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    return thread, errors


@pytest.fixture
def db(tmp_path: Path) -> Iterator:
    store = open_store(tmp_path / "acct" / "gridcheck.db")
    yield store
    store.close()


def community(n: int) -> dict:
    return {"id": f"comm-{n}", "name": f"第{n}社区", "code": f"C{n:03d}"}


def test_a_draft_saved_while_sync_rolls_back_is_kept(db) -> None:
    """Sync is inside a transaction (a pulled page) when the inspector's typing is saved; the
    page then fails and is rolled back. The draft must still be there, the page must not."""
    inside, page_may_fail = threading.Event(), threading.Event()

    def sync() -> None:
        try:
            with db.atomic():
                apply_reference(db, "community", community(1))
                meta.put(db, meta.CURSOR, "after-page-1")
                inside.set()
                page_may_fail.wait(WAIT)
                raise Failed
        except Failed:
            pass

    sync_thread, sync_errors = run(sync, "gridcheck-sync")
    assert inside.wait(WAIT)
    seen: list[object] = []

    def ui() -> None:
        seen.append(meta.get(db, meta.CURSOR))  # sync's page is not committed: not visible
        save_draft(db, "d1", "inspection", f.ENTERPRISE, {"note": "一楼仓库灭火器过期"})

    ui_thread, ui_errors = run(ui, "ui")
    ui_thread.join(GRACE)  # the save returns at once, or waits for sync's transaction
    page_may_fail.set()
    sync_thread.join(WAIT)
    ui_thread.join(WAIT)
    assert not sync_thread.is_alive() and not ui_thread.is_alive()
    assert sync_errors == [] and ui_errors == []
    assert load_draft(db, "d1") == {"note": "一楼仓库灭火器过期"}
    assert seen == [None]
    assert meta.get(db, meta.CURSOR) is None
    assert count(db, "communities") == 0


def test_a_users_commit_never_commits_half_of_a_pulled_page(db) -> None:
    """The inspector submits (a transaction) while sync has applied half a page; the submit's
    commit must not carry sync's half page with it when that page later fails."""
    ui_inside, sync_wrote, ui_committed = threading.Event(), threading.Event(), threading.Event()

    def ui() -> None:
        with db.atomic():
            save_draft(db, "d1", "inspection", f.ENTERPRISE, {"step": 1})
            save_draft(db, "d2", "recheck", f.ENTERPRISE, {"step": 2})
            ui_inside.set()
            sync_wrote.wait(GRACE)  # set at once when sync's writes join this transaction
        ui_committed.set()

    def sync() -> None:
        assert ui_inside.wait(WAIT)
        try:
            with db.atomic():
                apply_reference(db, "community", community(1))
                sync_wrote.set()
                ui_committed.wait(WAIT)
                apply_reference(db, "community", community(2))
                raise Failed  # the page's third change was bad: none of the page stays
        except Failed:
            pass

    ui_thread, ui_errors = run(ui, "ui")
    sync_thread, sync_errors = run(sync, "gridcheck-sync")
    ui_thread.join(WAIT)
    sync_thread.join(WAIT)
    assert ui_errors == [] and sync_errors == []
    assert load_draft(db, "d1") == {"step": 1} and load_draft(db, "d2") == {"step": 2}
    assert count(db, "communities") == 0


def test_two_threads_writing_at_once_both_land(db) -> None:
    """Read-then-write transactions from two threads, and single-statement draft saves beside
    them: every write lands, no 'database is locked', no lost update."""
    db.execute("INSERT INTO meta (key, value) VALUES ('counter', '0')")
    rounds = 150

    def bump(name: str) -> None:
        for i in range(rounds):
            with db.atomic():
                value = int(meta.get(db, "counter"))
                meta.put(db, "counter", value + 1)
            save_draft(db, f"{name}-{i}", "inspection", f.ENTERPRISE, {"i": i})

    threads = [run(lambda n=n: bump(n), f"writer-{n}") for n in ("ui", "sync", "photos")]
    for thread, _ in threads:
        thread.join(60)
    assert [errors for _, errors in threads] == [[], [], []]
    assert meta.get(db, "counter") == 3 * rounds
    drafts = db.execute("SELECT COUNT(*) FROM drafts").fetchone()[0]
    assert drafts == 3 * rounds


def test_a_thread_reads_its_own_uncommitted_writes_and_nobody_elses(db) -> None:
    inside, done = threading.Event(), threading.Event()
    own: list[object] = []

    def sync() -> None:
        with db.atomic():
            meta.put(db, meta.CURSOR, "c1")
            own.append(meta.get(db, meta.CURSOR))
            inside.set()
            done.wait(WAIT)

    thread, errors = run(sync, "gridcheck-sync")
    assert inside.wait(WAIT)
    assert meta.get(db, meta.CURSOR) is None
    done.set()
    thread.join(WAIT)
    assert errors == [] and own == ["c1"]
    assert meta.get(db, meta.CURSOR) == "c1"


def test_closing_the_store_closes_every_threads_connection(db) -> None:
    barrier = threading.Barrier(3)

    def reader() -> None:
        assert count(db, "communities") == 0
        barrier.wait(WAIT)  # all three hold a connection at once
        barrier.wait(WAIT)  # the store is closed meanwhile
        with pytest.raises(sqlite3.ProgrammingError):
            count(db, "communities")

    threads = [run(reader, f"reader-{i}") for i in range(2)]
    count(db, "communities")
    barrier.wait(WAIT)
    db.close()
    barrier.wait(WAIT)
    for thread, errors in threads:
        thread.join(WAIT)
        assert errors == []
    with pytest.raises(sqlite3.ProgrammingError):
        count(db, "communities")
    late, late_errors = run(lambda: count(db, "communities"), "late")
    late.join(WAIT)
    assert len(late_errors) == 1 and isinstance(late_errors[0], sqlite3.ProgrammingError)


def test_connections_of_finished_threads_are_not_kept(db) -> None:
    for i in range(25):
        thread, errors = run(lambda i=i: save_draft(db, f"d{i}", "x", None, {}), f"t{i}")
        thread.join(WAIT)
        assert errors == []
    assert db.execute("SELECT COUNT(*) FROM drafts").fetchone()[0] == 25
    assert db.open_connections() <= 2  # this thread's and at most the last one's


def test_signing_out_closes_the_accounts_store_on_every_thread(tmp_path: Path) -> None:
    folder = tmp_path / "accounts" / "k1"
    first = open_store(folder / "gridcheck.db")
    user = UserPublic(id=f.INSPECTOR, username="inspector1", name="张三", role="inspector")
    meta.put(
        first,
        meta.ACCOUNT,
        {"server_url": "http://127.0.0.1:9", "user": user.model_dump(mode="json"), "token": "t"},
    )
    first.close()
    account = open_account(tmp_path, "k1")
    thread, errors = run(lambda: save_draft(account.db, "d1", "x", None, {"a": 1}), "ui")
    thread.join(WAIT)
    assert errors == []
    account.close()
    assert account.db.open_connections() == 0
    with pytest.raises(sqlite3.ProgrammingError):
        load_draft(account.db, "d1")
    again = open_account(tmp_path, "k1")
    assert load_draft(again.db, "d1") == {"a": 1}
    again.close()


def test_field_work_while_a_real_sync_runs_on_its_own_thread(make_device) -> None:
    """The whole app path: the sync engine pushes, uploads and pulls from a real server on its
    thread while the inspector keeps typing drafts and submitting visits on this one. Every
    draft and every record stays, sync does not fail, and the next sync takes what was left."""
    inspector = make_device(f.INSPECTOR)
    for _ in range(3):
        inspector.inspect()
    done = threading.Event()
    reports: list = []

    def sync() -> None:
        try:
            reports.append(inspector.sync(batch_size=1, chunk_size=16 * 1024))
        finally:
            done.set()

    thread, errors = run(sync, "gridcheck-sync")
    typed = made = 0
    while not done.is_set() or typed < 20:
        save_draft(inspector.db, f"d{typed % 5}", "inspection", f.ENTERPRISE, {"n": typed})
        typed += 1
        if typed % 10 == 0:
            inspector.inspect()
            made += 1
    thread.join(60)
    assert errors == [] and reports[0].error is None
    assert {load_draft(inspector.db, f"d{i}")["n"] for i in range(5)} == set(
        range(typed - 5, typed)
    )
    assert len(inspector.record_ids("inspection")) == 3 + made
    again = inspector.sync()
    assert again.error is None and inspector.waiting().nothing
    assert reports[0].created + again.created == 3 + made
