"""Signing out while the sync thread runs: the thread stops before the store closes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.services.syncing import SyncController
from app.store import outbox
from app.ui.views.settings import SettingsView
from tests import domain_factories as f
from tests.org import PASSWORD
from tests.role_devices import device_ui, report_hazard
from tests.server_db import record_counts


def test_sign_out_stops_the_sync_thread_before_closing_the_store(
    tmp_path: Path, server, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashes: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: crashes.append(args.exc_value))
    ui = device_ui(tmp_path, server.url, f.INSPECTOR)
    for n in range(3):  # something to push, so the thread is busy when the user signs out
        report_hazard(ui, title=f"灭火器过期{n}")
    sync = SyncController(ui.account, interval=0.01, pull_every=0.0)
    ui.sync = sync
    sync.start()
    assert sync._thread is not None
    thread = sync._thread

    assert SettingsView(ui).sign_out(force=True)
    assert ui.sync is None and ui.session.account is None and ui.signed_out == 1
    assert not thread.is_alive()  # joined before the store closed
    assert crashes == []

    # nothing was lost or doubled: what had not gone up yet goes up on the next sync
    account = ui.session.sign_in(server.url, f.INSPECTOR, PASSWORD)
    mine = {
        r[0]
        for r in account.db.execute("SELECT id FROM records WHERE created_by = ?", [f.INSPECTOR])
    }
    assert len(mine) == 6  # three inspections, three hazards
    report = SyncController(account).sync_now()
    assert report is not None and report.ok
    assert outbox.waiting(account.db).nothing
    counts = record_counts(server.data_dir)
    assert mine <= counts.keys() and all(counts[i] == 1 for i in mine)
