"""The enterprise's screens across devices: inspector reports → enterprise rectifies → re-check."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.services.rectify import RectifyService
from app.services.visit import VisitError
from app.store.records import hazard_events, hazard_state
from app.ui.components.nav import nav_bar
from app.ui.shell import home_screen
from app.ui.views.enterprise_home import EnterpriseHomeView
from app.ui.views.hazard import HazardView
from app.ui.views.rectify import RectifyView
from tests import domain_factories as f
from tests.role_devices import (
    device_ui,
    draw,
    identifiers,
    recheck,
    report_hazard,
    sync,
    walk,
)
from tests.server_db import server_rows
from tests.ui_double import RecordingUi


def rectify_through_screens(ui: RecordingUi, hazard_id: str) -> None:
    page = HazardView(ui, id=hazard_id)
    view = page.build()
    ids = identifiers(view)
    assert "start-rectify" in ids and "start-recheck" not in ids
    draft = page.rectify()
    assert draft and ui.routes[-1] == f"/rectify/{draft}"
    screen = RectifyView(ui, draft=draft)
    screen.build()
    assert not screen.submit()  # nothing yet
    assert "请填写整改情况说明" in ui.toasts[-1] and "尚未签名" in ui.toasts[-1]
    screen.note.value = "已更换全部过期灭火器"
    screen.save_note()
    # saved as typed: a new screen on the same draft shows it
    assert RectifyView(ui, draft=draft).note.value == "已更换全部过期灭火器"
    asyncio.run(screen.add_photo())

    def missing() -> list[str]:
        return [c.value for c in screen.problems.controls]

    assert "• 单位负责人尚未签名" in missing()
    draw(screen.pad)  # drawn: it goes in on submit, so it is no longer listed as missing
    assert missing() == []
    screen.pad.clear()
    assert "• 单位负责人尚未签名" in missing()
    draw(screen.pad)
    assert screen.submit(), ui.toasts
    assert ui.routes[-1] == "/"


def test_the_general_hazard_loop_across_three_devices(tmp_path: Path, server) -> None:
    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=1)
    _, hazard_id = report_hazard(inspector)
    sync(inspector)

    enterprise = device_ui(tmp_path, server.url, f.ENTERPRISE_USER, seed=2)
    assert home_screen(str(enterprise.account.user.role)) is EnterpriseHomeView
    home = EnterpriseHomeView(enterprise)
    home.build()
    tiles = home.hazard_tiles()
    assert len(tiles) == 1
    subtitle = tiles[0].content.subtitle.value  # type: ignore[attr-defined]
    assert "待整改" in subtitle and "整改期限" in subtitle
    assert tiles[0].content.trailing.value == "剩 7 天"  # type: ignore[attr-defined]
    bar = nav_bar(enterprise, 0)
    assert bar is not None and len(bar.destinations) == 2

    rectify_through_screens(enterprise, hazard_id)
    assert hazard_state(enterprise.account.db, hazard_id).status == "rectified"
    event = next(
        e for e in hazard_events(enterprise.account.db, hazard_id) if e.type == "rectified"
    )
    assert event.created_by == f.ENTERPRISE_USER
    assert [(s.role, s.signer_user_id) for s in event.signatures] == [
        ("enterprise", f.ENTERPRISE_USER)
    ]
    assert len(event.photos) == 1
    # only while open: a second report is refused
    try:
        RectifyService(enterprise.account).start(hazard_id)
        raise AssertionError("a rectified hazard cannot be reported again")
    except VisitError as err:
        assert "待整改" in str(err)
    sync(enterprise)
    assert (
        server_rows(server.data_dir, "SELECT COUNT(*) FROM records WHERE type = 'rectified'")[0][0]
        == 1
    )

    sync(inspector)
    assert hazard_state(inspector.account.db, hazard_id).status == "rectified"
    recheck(inspector, hazard_id, passed=True, note="已复查")
    sync(inspector)
    sync(enterprise)
    for ui in (inspector, enterprise):
        assert hazard_state(ui.account.db, hazard_id).status == "closed"
    # the enterprise's page shows the timeline, no action any more
    view = HazardView(enterprise, id=hazard_id).build()
    texts = [getattr(c, "value", "") for c in walk(view)]
    assert any("复查 复查合格" in str(x) for x in texts)
    assert "start-rectify" not in identifiers(view)


def test_a_failed_recheck_sends_it_back_to_open(tmp_path: Path, server) -> None:
    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=3)
    _, hazard_id = report_hazard(inspector)
    sync(inspector)
    enterprise = device_ui(tmp_path, server.url, f.ENTERPRISE_USER, seed=4)
    rectify_through_screens(enterprise, hazard_id)
    sync(enterprise)
    sync(inspector)
    recheck(inspector, hazard_id, passed=False, note="灭火器仍未更换")
    sync(inspector)
    sync(enterprise)
    assert hazard_state(enterprise.account.db, hazard_id).status == "open"
    # open again: the enterprise may report once more
    assert RectifyService(enterprise.account).start(hazard_id)
