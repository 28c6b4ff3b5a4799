"""Concurrent offline actions on one hazard, over a real server on 127.0.0.1.

The enterprise rectifies while the office extends the deadline and another inspector
re-checks, each on its own device without a connection; once they sync — in any order —
every device and the server hold the same events, once each, and fold them to the same
state: the one the lifecycle rules give for those events in (at, id) order.

Each device has its own clock: the tests set it per action (``device_clock``), so which
action happened first is decided by the scenario, not by how fast the test runs.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

import domain.ids as ids
from app.services.rectify import RectifyService
from app.services.supervise import SuperviseService
from app.services.syncing import SyncController
from app.store import outbox
from app.store.records import hazard_state
from domain.ids import new_id
from domain.lifecycle import HazardState, fold
from domain.records import parse_record
from tests import domain_factories as f
from tests.role_devices import (
    device_clock,
    device_ui,
    recheck,
    rectify,
    report_hazard,
    sync,
)
from tests.server_db import record_counts, server_rows
from tests.server_process import ServerProcess
from tests.ui_double import RecordingUi

# ---------------------------------------------------------------- helpers


def sync_clean(ui: RecordingUi) -> None:
    """One sync that must leave nothing behind: no error, nothing rejected or waiting."""
    report = SyncController(ui.account).sync_now()
    user = ui.account.user.id
    assert report is not None and report.ok, (user, report and report.error)
    assert report.rejected == 0 and report.retry_later == 0, (user, report.rejections)
    waiting = outbox.waiting(ui.account.db)
    assert waiting.records == 0 and waiting.rejected == 0, (user, waiting)


def device_event_counts(ui: RecordingUi, hazard_id: str) -> dict[str, int]:
    rows = ui.account.db.execute(
        "SELECT id, COUNT(*) FROM records WHERE kind = 'hazard_event' AND hazard_id = ? "
        "GROUP BY id",
        [hazard_id],
    ).fetchall()
    return dict(rows)


def server_state(server: ServerProcess, hazard_id: str) -> HazardState:
    """The server's fold of what its database holds (not what it answers)."""
    rows = server_rows(
        server.data_dir,
        "SELECT kind, data FROM records WHERE kind = 'hazard_event' AND hazard_id = ?",
        (hazard_id,),
    )
    return fold(hazard_id, [parse_record(kind, json.loads(data)) for kind, data in rows])  # type: ignore[misc]


def server_event_counts(server: ServerProcess, hazard_id: str) -> dict[str, int]:
    ids = {
        row[0]
        for row in server_rows(
            server.data_dir,
            "SELECT id FROM records WHERE kind = 'hazard_event' AND hazard_id = ?",
            (hazard_id,),
        )
    }
    counts = record_counts(server.data_dir)  # rows in the change log per record
    return {i: counts[i] for i in ids}


def summary(state: HazardState) -> dict[str, object]:
    """What people see of a hazard, field by field (for readable assertion messages)."""
    return {
        "status": state.status and str(state.status),
        "deadline": state.deadline,
        "escalation": state.escalation,
        "recheck_passed": state.recheck_passed,
        "applied": state.applied,
        "superseded": state.superseded,
        "history": state.history,
    }


def assert_converged(
    devices: dict[str, RecordingUi],
    server: ServerProcess,
    hazard_id: str,
    minted: set[str],
    expected: dict[str, object],
) -> None:
    """Every device and the server: the same events once each, the same fold, as expected."""
    on_server = server_event_counts(server, hazard_id)
    assert on_server == dict.fromkeys(minted, 1), "the server lost or duplicated an event"
    truth = server_state(server, hazard_id)
    assert {k: summary(truth)[k] for k in expected} == expected, "server fold != lifecycle rules"
    for name, ui in devices.items():
        held = device_event_counts(ui, hazard_id)
        assert held == dict.fromkeys(minted, 1), f"{name} lost or duplicated an event"
        state = hazard_state(ui.account.db, hazard_id)
        assert summary(state) == summary(truth), f"{name} folds to another state"
        assert state == truth, f"{name} differs from the server in {state} vs {truth}"


# ---------------------------------------------------------------- the re-check's time


def test_a_recheck_sorts_after_the_rectification_it_answers(
    tmp_path: Path, server: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-check minted in the same second as the rectification it answers (with an id
    that would sort first), or on a device whose clock is minutes behind the enterprise's,
    still folds after it: the inspector answered what the device showed."""
    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=1)
    _, hazard_id = report_hazard(inspector)
    sync(inspector)
    enterprise = device_ui(tmp_path, server.url, f.ENTERPRISE_USER, seed=2)
    reported = hazard_state(enterprise.account.db, hazard_id).reported
    assert reported is not None

    # 1. the same second, on a device whose clock is a millisecond behind the enterprise's:
    #    a fresh time-ordered id would sort before the rectification's
    first = rectify(enterprise, hazard_id)
    sync_clean(enterprise)
    sync_clean(inspector)
    assert hazard_state(inspector.account.db, hazard_id).status == "rectified"
    first_ms = int(first.id.replace("-", ""), 16) >> 80
    behind = SimpleNamespace(time=lambda: (first_ms - 1) / 1000)
    with device_clock(monkeypatch, first.at), monkeypatch.context() as m:
        m.setattr(ids, "time", behind)  # what new_id() reads
        assert new_id() < first.id
        failed = recheck(inspector, hazard_id, passed=False)
    assert failed.at == first.at
    assert failed.id > first.id, "a tie on `at` must be broken after the rectification"
    state = hazard_state(inspector.account.db, hazard_id)
    assert state.history == (
        (reported.id, "open"),
        (first.id, "rectified"),
        (failed.id, "open"),
    ), "the failed re-check was folded before the rectification it answered"

    # 2. the inspector's clock is five minutes behind the enterprise's
    sync_clean(inspector)
    sync_clean(enterprise)
    assert hazard_state(enterprise.account.db, hazard_id).status == "open"
    second = rectify(enterprise, hazard_id, note="已重新更换并张贴检查标签")
    sync_clean(enterprise)
    sync_clean(inspector)
    with device_clock(monkeypatch, second.at - dt.timedelta(minutes=5)):
        passed = recheck(inspector, hazard_id, passed=True)
    assert (passed.at, passed.id) > (second.at, second.id)
    state = hazard_state(inspector.account.db, hazard_id)
    assert state.status == "closed" and state.superseded == (), summary(state)
    assert state.history[-2:] == ((second.id, "rectified"), (passed.id, "closed"))

    sync_clean(inspector)
    sync_clean(enterprise)
    minted = {reported.id, first.id, failed.id, second.id, passed.id}
    assert_converged(
        {"inspector": inspector, "enterprise": enterprise},
        server,
        hazard_id,
        minted,
        {"status": "closed", "superseded": ()},
    )


# ---------------------------------------------------------------- three roles, offline at once

INSP_1, INSP_2, OFFICE, ENTERPRISE = "insp-1", "insp-2", "office", "enterprise"

# (first round's sync order, second round's sync order)
ORDERS = {
    "enterprise-first": (
        [ENTERPRISE, INSP_2, OFFICE, INSP_1],
        [INSP_1, INSP_2, OFFICE, ENTERPRISE],
    ),
    "office-first": (
        [OFFICE, INSP_2, ENTERPRISE, INSP_1],
        [OFFICE, INSP_2, INSP_1, ENTERPRISE],
    ),
    "bystander-first": (
        [INSP_1, OFFICE, ENTERPRISE, INSP_2],
        [ENTERPRISE, INSP_2, INSP_1, OFFICE],
    ),
}


def sync_in_order(devices: dict[str, RecordingUi], order: list[str]) -> None:
    for name in order:
        sync_clean(devices[name])


def sync_until_converged(
    devices: dict[str, RecordingUi], order: list[str], server: ServerProcess, hazard_id: str
) -> None:
    """One pass in ``order`` (the last device already sees everything), then two more."""
    sync_in_order(devices, order)
    last = devices[order[-1]]
    assert hazard_state(last.account.db, hazard_id) == server_state(server, hazard_id), (
        f"{order[-1]} synced after everyone else pushed, yet folds to another state"
    )
    sync_in_order(devices, order)
    sync_in_order(devices, list(reversed(order)))


@pytest.mark.parametrize("orders", list(ORDERS.values()), ids=list(ORDERS))
def test_concurrent_offline_actions_converge_everywhere(
    tmp_path: Path,
    server: ServerProcess,
    monkeypatch: pytest.MonkeyPatch,
    orders: tuple[list[str], list[str]],
) -> None:
    """The enterprise rectifies while the office extends the deadline and another inspector
    re-checks, all offline; later two inspectors re-check one rectification with different
    results while the office closes it. Synced in any order, every device and the server
    agree, and on the state the lifecycle rules give."""
    first_order, second_order = orders
    devices = {
        INSP_1: device_ui(tmp_path, server.url, f.INSPECTOR, seed=1),
        INSP_2: device_ui(tmp_path, server.url, f.INSPECTOR_2, seed=2),
        OFFICE: device_ui(tmp_path, server.url, f.OFFICE, seed=3),
        ENTERPRISE: device_ui(tmp_path, server.url, f.ENTERPRISE_USER, seed=4),
    }
    _, hazard_id = report_hazard(devices[INSP_1], level="major", title="液化气钢瓶无防倾倒")
    sync_clean(devices[INSP_1])
    for name in (INSP_2, OFFICE, ENTERPRISE):
        sync_clean(devices[name])
        assert hazard_state(devices[name].account.db, hazard_id).status == "open", name
    reported = hazard_state(devices[INSP_1].account.db, hazard_id).reported
    assert reported is not None
    t0 = reported.at
    minted = {reported.id}

    # Round 1, all offline: each device still shows the hazard open.
    with device_clock(monkeypatch, t0 + dt.timedelta(minutes=10)):
        rectified_1 = rectify(devices[ENTERPRISE], hazard_id)
    with device_clock(monkeypatch, t0 + dt.timedelta(minutes=15)):
        # insp-2 is on site after the enterprise's report (which it has not seen): not fixed
        failed_1 = recheck(devices[INSP_2], hazard_id, passed=False, note="钢瓶仍未固定")
    new_deadline = reported.deadline + dt.timedelta(days=30)
    office = SuperviseService(devices[OFFICE].account)
    with device_clock(monkeypatch, t0 + dt.timedelta(minutes=20)):
        extended = office.extend(hazard_id, new_deadline, "需定制钢瓶固定架，企业申请延期")
        reminder = office.escalate(hazard_id, "reminder", "请按期整改")
    minted |= {rectified_1.id, failed_1.id, extended.id, reminder.id}
    for name, ui in devices.items():  # nobody has seen anybody else's action yet
        assert device_event_counts(ui, hazard_id).keys() < minted, name

    sync_until_converged(devices, first_order, server, hazard_id)
    assert_converged(
        devices,
        server,
        hazard_id,
        minted,
        {
            # rectified, then found not fixed: open again, with the later deadline
            "status": "open",
            "deadline": new_deadline,
            "escalation": "reminder",
            "recheck_passed": False,
            "superseded": (),
            "history": (
                (reported.id, "open"),
                (rectified_1.id, "rectified"),
                (failed_1.id, "open"),
                (extended.id, "open"),
                (reminder.id, "open"),
            ),
        },
    )

    # Round 2: the enterprise rectifies again (online); everyone sees it, then goes offline.
    with device_clock(monkeypatch, t0 + dt.timedelta(hours=1)):
        rectified_2 = rectify(devices[ENTERPRISE], hazard_id, note="已加装钢瓶固定链")
    minted.add(rectified_2.id)
    sync_in_order(devices, [ENTERPRISE, INSP_1, INSP_2, OFFICE])
    for name, ui in devices.items():
        assert hazard_state(ui.account.db, hazard_id).status == "rectified", name
    with device_clock(monkeypatch, t0 + dt.timedelta(hours=2)):
        passed_2 = recheck(devices[INSP_1], hazard_id, passed=True)
    with device_clock(monkeypatch, t0 + dt.timedelta(hours=2, minutes=5)):
        failed_2 = recheck(devices[INSP_2], hazard_id, passed=False, note="固定链未锁闭")
    with device_clock(monkeypatch, t0 + dt.timedelta(hours=2, minutes=10)):
        listed = office.escalate(hazard_id, "listed", "挂牌督办")
        closed = office.close(hazard_id, "企业已整改")  # the office still sees it rectified
    minted |= {passed_2.id, failed_2.id, closed.id, listed.id}
    assert hazard_state(devices[OFFICE].account.db, hazard_id).status == "closed"

    sync_until_converged(devices, second_order, server, hazard_id)
    assert_converged(
        devices,
        server,
        hazard_id,
        minted,
        {
            # a passed re-check leaves a major hazard for the office; the later failed one
            # reopens it, so the office's close (made before it saw that) is superseded,
            # kept, never dropped; the listing still applies
            "status": "open",
            "deadline": new_deadline,
            "escalation": "listed",
            "recheck_passed": False,
            "superseded": (closed.id,),
            "history": (
                (reported.id, "open"),
                (rectified_1.id, "rectified"),
                (failed_1.id, "open"),
                (extended.id, "open"),
                (reminder.id, "open"),
                (rectified_2.id, "rectified"),
                (passed_2.id, "rectified"),
                (failed_2.id, "open"),
                (listed.id, "open"),
            ),
        },
    )
    # closed on the office's device while offline, open again everywhere once synced:
    # the enterprise may report its rectification once more
    assert RectifyService(devices[ENTERPRISE].account).start(hazard_id)
