"""Signed-in screens for each role, one device (data folder) each, against the real server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app.services import clock
from app.services.recheck import RecheckService
from app.services.rectify import RectifyService
from app.services.session import DeviceSession
from app.services.syncing import SyncController
from app.services.visit import VisitService
from app.ui.components.signature_pad import SignaturePad
from domain.records import Rechecked, Rectified, Reported
from tests import domain_factories as f
from tests.devices import camera_jpeg
from tests.org import PASSWORD
from tests.ui_double import RecordingUi

STROKES = [[(10.0, 80.0), (60.0, 30.0), (120.0, 100.0), (200.0, 40.0), (300.0, 90.0)]]


def device_ui(root: Path, server_url: str, username: str, seed: int = 1) -> RecordingUi:
    """A fresh device with ``username`` signed in and synced once."""
    session = DeviceSession(root / f"device-{username}", default_server=server_url)
    ui = RecordingUi(session, photo=camera_jpeg(seed))
    session.sign_in(server_url, username, PASSWORD)
    sync(ui)
    return ui


def sync(ui: RecordingUi) -> None:
    report = SyncController(ui.account).sync_now()
    assert report is not None and report.ok, report and report.error


def answer_all(service: VisitService, draft_id: str, result: str = "pass") -> list[str]:
    """Every checklist item of the draft answered ``result``; the item codes, in order."""
    codes = [i.code for s in service.template(service.load(draft_id)).sections for i in s.items]
    for code in codes:
        service.set_result(draft_id, code, result)
    return codes


def report_hazard(
    ui: RecordingUi, level: str = "general", title: str = "灭火器过期", **hazard: Any
) -> tuple[str, str]:
    """The inspector visits ent-1, records one hazard (with a 7-day deadline unless ``hazard``
    says otherwise), signs, submits; returns the inspection's id and the hazard's id."""
    service = VisitService(ui.account)
    draft_id = service.start(f.ENTERPRISE)
    answer_all(service, draft_id)
    key = service.add_hazard(draft_id)
    fields: dict[str, Any] = {
        "title": title,
        "place": "前台",
        "measures": "更换灭火器",
        "handling": "deadline",
        "level": level,
        "interim_measures": "设置警示，专人看护",
        "deadline_days": 7,
    }
    service.update_hazard(draft_id, key, **(fields | hazard))
    service.sign_inspector(draft_id, STROKES)
    service.sign_enterprise(draft_id, "王五", "", STROKES)
    inspection, reported = service.submit(draft_id)
    assert isinstance(reported, Reported)
    return inspection.id, reported.hazard_id


def phone_reports_hazard(root: Path, server_url: str, **hazard: Any) -> str:
    """The inspector's own phone reports a hazard (``report_hazard``), syncs and is put away;
    the hazard's id comes back."""
    inspector = device_ui(root, server_url, f.INSPECTOR)
    _, hazard_id = report_hazard(inspector, **hazard)
    sync(inspector)
    inspector.account.close()
    return hazard_id


class Pan:
    def __init__(self, x: float, y: float) -> None:
        self.local_position = type("P", (), {"x": x, "y": y})()


def draw(pad: SignaturePad, shift: float = 0.0) -> None:
    """Sign ``STROKES`` on a pad as a finger would (``shift``: lower, for a second signer)."""
    x0, y0 = STROKES[0][0]
    pad.pan_start(Pan(x0, y0 + shift))
    for x, y in STROKES[0][1:]:
        pad.pan_update(Pan(x, y + shift))


def walk(control: object) -> list[object]:
    """Every control under ``control`` (what a screen would send to the client)."""
    out = [control]
    names = (
        "controls",
        "content",
        "appbar",
        "navigation_bar",
        "leading",
        "title",
        "subtitle",
        "trailing",
    )
    for name in names:
        child = getattr(control, name, None)
        if isinstance(child, list):
            for c in child:
                out += walk(c)
        elif child is not None and not isinstance(child, str | int | float):
            out += walk(child)
    return out


def identifiers(control: object) -> set[str]:
    return {i for c in walk(control) if isinstance(i := getattr(c, "identifier", None), str)}


def texts(control: object) -> list[str]:
    """Every string ``value`` under ``control``: labels and what fields hold."""
    return [str(v) for c in walk(control) if isinstance(v := getattr(c, "value", None), str)]


@contextmanager
def device_clock(monkeypatch: pytest.MonkeyPatch, at: dt.datetime) -> Iterator[None]:
    """The acting device's clock reads ``at`` (every service asks ``clock.now()``)."""
    frozen = at.astimezone(clock.ZONE).replace(microsecond=0)
    with monkeypatch.context() as m:
        m.setattr(clock, "now", lambda: frozen)
        yield


def rectify(ui: RecordingUi, hazard_id: str, note: str = "已更换全部过期灭火器") -> Rectified:
    service = RectifyService(ui.account)
    draft = service.start(hazard_id)
    service.set_note(draft, note)
    assert ui.photo is not None
    service.add_photo(draft, ui.photo)
    service.sign(draft, STROKES)
    event = service.submit(draft)
    assert isinstance(event, Rectified)
    return event


def recheck(ui: RecordingUi, hazard_id: str, passed: bool, note: str = "") -> Rechecked:
    service = RecheckService(ui.account)
    draft = service.start(hazard_id)
    service.set_result(draft, passed, note or ("复查合格" if passed else "灭火器仍未更换"))
    service.sign(draft, STROKES)
    event = service.submit(draft)
    assert isinstance(event, Rechecked)
    return event
