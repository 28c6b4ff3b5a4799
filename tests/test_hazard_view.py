"""The hazard screen across devices: the timeline with names, places and before/after photos,
and a rectification an inspector records on the enterprise's behalf — over a real server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import flet as ft

from app.services.rectify import RectifyService
from app.store.records import hazard_events, hazard_state
from app.ui.views.hazard import HazardView
from app.ui.views.rectify import RectifyView
from tests import domain_factories as f
from tests.photo_visits import inspector_reported, report_with_photos
from tests.role_devices import STROKES, device_ui, draw, identifiers, rectify, sync, texts
from tests.server_db import server_rows


def test_the_timeline_names_who_when_where_with_before_and_after(tmp_path: Path, server) -> None:
    _, visit = inspector_reported(tmp_path, server.url)
    enterprise = device_ui(tmp_path, server.url, f.ENTERPRISE_USER, seed=2)
    [after_photo] = rectify(enterprise, visit.hazard_id, note="已加装配电箱门").photos
    sync(enterprise)

    office = device_ui(tmp_path, server.url, f.OFFICE, seed=3)
    page = HazardView(office, id=visit.hazard_id)
    view = page.build()
    shown = texts(view)
    # who: names from the device's users table, never the ids
    assert any(x.startswith("记录人：张三\n地点：配电室 · 31.23000, 121.47000 ±9m") for x in shown)
    assert any(x.startswith("记录人：王五\n已加装配电箱门\n签名：王五") for x in shown)
    assert not any(f.INSPECTOR in x or f.ENTERPRISE_USER in x for x in shown)
    # when: in the sub-district's time, with what happened
    assert any(x.endswith("· 登记") for x in shown) and any(x.endswith("· 整改完成") for x in shown)
    # before and after, side by side, as tiles the office has not downloaded yet
    assert "整改前 / 整改后" in shown and "整改前" in shown and "整改后" in shown
    ids = identifiers(view)
    assert {"before-after", "before-0", "after-0", "event-0", "event-1"} <= ids
    assert page.tiles["before"].shas == [visit.hazard_photo]
    assert page.tiles["after"].shas == [after_photo]
    assert shown.count("未下载 · 点击下载") >= 2
    # the signatures of events are there too (the rectification's)
    assert "event-1-sig-0" in ids
    # tapping downloads; the next build shows the photo
    assert asyncio.run(page.tiles["after"].download(after_photo))
    again = HazardView(office, id=visit.hazard_id)
    again.build()
    box = again.tiles["after"].boxes[0]
    assert isinstance(box.content, ft.Image)

    # before anything was rectified the "after" side says so
    fresh = device_ui(tmp_path, server.url, f.INSPECTOR_2, seed=4)
    other = report_with_photos(fresh, seed=21, title="消防通道堵塞")
    page = HazardView(fresh, id=other.hazard_id)
    shown = texts(page.build())
    assert "尚未上报整改" in shown and "after" not in page.tiles
    assert any(x.startswith("记录人：李明") for x in shown)


def test_an_inspector_records_a_rectification_on_the_enterprises_behalf(
    tmp_path: Path, server
) -> None:
    inspector, visit = inspector_reported(tmp_path, server.url)

    page = HazardView(inspector, id=visit.hazard_id)
    ids = identifiers(page.build())
    assert {"start-recheck", "start-rectify-on-behalf"} <= ids and "start-rectify" not in ids
    draft = page.rectify()
    assert draft and inspector.routes[-1] == f"/rectify/{draft}"

    screen = RectifyView(inspector, draft=draft)
    view = screen.build()
    assert view.appbar.title.value == "代单位上报整改"  # type: ignore[union-attr]
    note = next(x for x in texts(view) if x.startswith("由网格员"))
    assert "张三" in note and "东湖宏达机械加工厂" in note and "单位负责人本人签署" in note
    assert {"rectify-on-behalf-note", "rectify-signer-name", "rectify-signer-title"} <= (
        identifiers(view)
    )
    assert screen.signer_name.helper == "单位登记的联系人：王五 13900000000"
    screen.note.value = "已加装配电箱门并上锁"
    asyncio.run(screen.add_photo())
    draw(screen.pad)
    assert not screen.submit()  # whose signature is it?
    assert "请填写单位负责人姓名" in inspector.toasts[-1]
    screen.signer_name.value, screen.signer_title.value = "王五", "厂长"
    screen.save_signer()
    # saved as typed
    reopened = RectifyView(inspector, draft=draft)
    assert (reopened.signer_name.value, reopened.signer_title.value) == ("王五", "厂长")
    assert screen.submit(), inspector.toasts

    event = next(
        e for e in hazard_events(inspector.account.db, visit.hazard_id) if e.type == "rectified"
    )
    assert event.created_by == f.INSPECTOR
    assert [
        (s.role, s.signer_name, s.signer_title, s.signer_user_id) for s in event.signatures
    ] == [("enterprise", "王五", "厂长", None)]
    sync(inspector)
    assert server_rows(
        server.data_dir,
        "SELECT created_by, json_extract(data, '$.signatures[0].signer_name') "
        "FROM records WHERE type = 'rectified'",
    ) == [(f.INSPECTOR, "王五")]

    for username, seed in ((f.ENTERPRISE_USER, 2), (f.OFFICE, 3)):
        ui = device_ui(tmp_path, server.url, username, seed=seed)
        assert hazard_state(ui.account.db, visit.hazard_id).status == "rectified"
        view = HazardView(ui, id=visit.hazard_id).build()
        shown = texts(view)
        assert "已整改待复查" in " ".join(shown)
        # the inspector recorded it (named even on the enterprise's phone, which is not sent
        # the inspector's user: the name comes from the inspection's signature)
        assert any(
            x.startswith("记录人：张三 · 代单位上报\n已加装配电箱门并上锁\n签名：王五（厂长）")
            for x in shown
        ), shown
        assert "start-rectify" not in identifiers(view)  # rectified: nothing more to report


def test_a_rectification_recorded_twice_offline_keeps_both(tmp_path: Path, server) -> None:
    """The enterprise and the inspector both report it while offline: the later one is kept
    but marked 未生效, and 整改后 shows the one in effect."""
    inspector, visit = inspector_reported(tmp_path, server.url)
    enterprise = device_ui(tmp_path, server.url, f.ENTERPRISE_USER, seed=2)
    [first] = rectify(enterprise, visit.hazard_id, note="单位自行整改").photos
    service = RectifyService(inspector.account)
    draft = service.start(visit.hazard_id)
    service.set_note(draft, "现场代为记录")
    assert inspector.photo is not None
    service.add_photo(draft, inspector.photo)
    service.set_signer(draft, "王五")
    service.sign(draft, STROKES)
    service.submit(draft)
    sync(enterprise)
    sync(inspector)
    sync(enterprise)

    office = device_ui(tmp_path, server.url, f.OFFICE, seed=3)
    page = HazardView(office, id=visit.hazard_id)
    shown = texts(page.build())
    marked = [i for i, x in enumerate(shown) if x.endswith("（未生效）")]
    assert len(marked) == 1 and shown[marked[0]].endswith("· 整改完成（未生效）")
    below = shown[marked[0] + 1]  # its subtitle: the inspector's report on behalf
    assert "现场代为记录" in below and "代单位上报" in below
    assert page.tiles["after"].shas == [first]
    # the superseded one's photos stay visible in its own entry
    assert any(k.startswith("event-") and k.endswith("-photo") for k in page.tiles)


def test_who_may_record_a_rectification(tmp_path: Path, server) -> None:
    inspector, visit = inspector_reported(tmp_path, server.url)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=3)
    assert not RectifyService(office.account).may_start(visit.hazard_id)
    assert "start-rectify-on-behalf" not in identifiers(
        HazardView(office, id=visit.hazard_id).build()
    )
    enterprise = device_ui(tmp_path, server.url, f.ENTERPRISE_USER, seed=2)
    assert RectifyService(enterprise.account).may_start(visit.hazard_id)
    assert "start-rectify-on-behalf" not in identifiers(
        HazardView(enterprise, id=visit.hazard_id).build()
    )
    # an enterprise's own signature stays the signed-in user's
    rectify(enterprise, visit.hazard_id, note="已加装配电箱门")
    event = next(
        e for e in hazard_events(enterprise.account.db, visit.hazard_id) if e.type == "rectified"
    )
    assert [(s.signer_name, s.signer_user_id) for s in event.signatures] == [
        ("王五", f.ENTERPRISE_USER)
    ]
    # once rectified, the inspector is offered the re-check only
    sync(enterprise)
    sync(inspector)
    ids = identifiers(HazardView(inspector, id=visit.hazard_id).build())
    assert "start-recheck" in ids and "start-rectify-on-behalf" not in ids
