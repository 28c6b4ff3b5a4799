"""Screens driven without a browser: real account store and server, the page replaced by a recorder."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.services import clock
from app.services.overview import hazard_rows, inspections_of
from app.services.session import DeviceSession
from app.services.visit import VisitService
from app.store import drafts, outbox
from app.store.records import hazard_state
from app.ui.views.enterprises import EnterprisesView, EnterpriseView
from app.ui.views.hazard import HazardView
from app.ui.views.hazard_form import HazardFormView
from app.ui.views.home import HomeView
from app.ui.views.login import LoginView
from app.ui.views.recheck import RecheckView
from app.ui.views.settings import SettingsView
from app.ui.views.summary import SummaryView
from app.ui.views.visit import VisitView
from domain.labels import short_ref
from tests import domain_factories as f
from tests.devices import camera_jpeg
from tests.org import PASSWORD
from tests.pdf_text import text_of
from tests.photo_visits import WHERE
from tests.role_devices import STROKES, answer_all, draw, identifiers, report_hazard, sync
from tests.server_db import server_rows
from tests.ui_double import RecordingUi


@pytest.fixture
def signed_in(tmp_path: Path, server) -> RecordingUi:
    session = DeviceSession(tmp_path / "phone", default_server=server.url)
    ui = RecordingUi(session, photo=camera_jpeg(5), location=(WHERE, "ok"))
    login = LoginView(ui)
    login.username.value, login.password.value = f.INSPECTOR, PASSWORD
    assert login.submit()
    sync(ui)
    yield ui
    if session.account is not None:
        session.account.close()


def test_login_shows_errors_in_chinese_and_signs_in(tmp_path: Path, server) -> None:
    ui = RecordingUi(DeviceSession(tmp_path / "phone", default_server=server.url))
    view = LoginView(ui)
    view.build()
    assert not view.submit()
    assert view.username.error == "必填" and view.password.error == "必填"
    view.username.value, view.password.value = f.INSPECTOR, "wrong-password"
    assert not view.submit()
    assert view.message.value == "用户名或密码不正确"
    assert ui.signed_in == 0
    view.password.value = PASSWORD
    assert view.submit() and ui.signed_in == 1
    assert ui.session.account is not None and ui.session.account.user.id == f.INSPECTOR


def test_offline_sign_in_with_the_local_password_check(tmp_path: Path, server) -> None:
    root = tmp_path / "phone"
    session = DeviceSession(root, default_server=server.url)
    session.sign_in(server.url, f.INSPECTOR, PASSWORD)
    session.sign_out()
    server.stop()
    ui = RecordingUi(DeviceSession(root, default_server=server.url))
    view = LoginView(ui)
    view.username.value, view.password.value = f.INSPECTOR, "not-the-password"
    assert not view.submit()
    assert "无法连接服务器" in view.message.value
    view.password.value = PASSWORD
    assert view.submit(), view.message.value
    assert ui.session.account is not None
    ui.session.account.close()


def test_search_and_enterprise_page(signed_in: RecordingUi) -> None:
    ui = signed_in
    search = EnterprisesView(ui)
    search.query.value = "宏达"
    search.search()
    assert len(search.results.controls) == 1
    page = EnterpriseView(ui, id=f.ENTERPRISE)
    view = page.build()
    assert view.route == f"/enterprise/{f.ENTERPRISE}"
    assert page.template.value == "GEN-SAFETY@1"  # suggested for 工贸
    draft_id = page.start()
    assert draft_id and ui.routes[-1] == f"/visit/{draft_id}"


def test_a_whole_visit_through_the_screens(signed_in: RecordingUi, server) -> None:
    ui = signed_in
    draft_id = VisitService(ui.account).start(f.ENTERPRISE)
    visit = VisitView(ui, draft=draft_id)
    visit.build()
    asyncio.run(visit.locate())
    assert visit.location.value.startswith("已定位 31.23000")
    template = visit.template
    codes = [i.code for s in template.sections for i in s.items]
    # every item answered, section by section; the second item fails
    for section in range(len(template.sections)):
        for item in template.sections[section].items:
            visit.set_result(item.code, "fail" if item.code == codes[1] else "pass")
        if section < len(template.sections) - 1:
            visit.move(1)
    visit.set_note(codes[1], "消防通道堆放纸箱")
    asyncio.run(visit.add_photo(codes[1]))
    visit.report_hazard(codes[1])
    key = ui.routes[-1].rsplit("/", 1)[1]

    form = HazardFormView(ui, draft=draft_id, key=key)
    form.build()
    assert form.fields["title"].value  # pre-filled from the item
    assert not form.save()  # measures and interim measures are missing
    assert form.fields["measures"].error == "必填"
    assert form.fields["interim_measures"].error == "非现场整改的隐患须填写临时管控措施"
    for name, value in (
        ("place", "一楼仓库"),
        ("measures", "清理通道"),
        ("interim_measures", "设置警示，专人看护"),
        ("responsible_phone", "not a phone"),
    ):
        form.fields[name].value = value
        form.change(name, value)
    assert not form.save()
    assert form.fields["responsible_phone"].error == "格式不正确"
    form.change("responsible_phone", "13900000000")
    form.deadline.value = "15"
    form.change_deadline()
    ui.photo = camera_jpeg(6)
    asyncio.run(form.add_photo())
    assert form.save() and ui.routes[-1] == f"/visit/{draft_id}"

    summary = SummaryView(ui, draft=draft_id)
    summary.build()
    assert "检查人尚未签名" in [c.value[2:] for c in summary.problems.controls]
    assert not summary.submit()
    draw(summary.inspector_pad)
    assert summary.sign_inspector()
    summary.signer_name.value = ""
    draw(summary.enterprise_pad, shift=20)
    assert not summary.sign_enterprise()
    assert summary.signer_name.error == "必填"
    summary.signer_name.value, summary.signer_title.value = "王五", "厂长"
    assert summary.sign_enterprise()
    assert summary.submit()
    assert ui.routes[-1] == "/"
    assert ui.toasts[-1].endswith("整改通知书可在单位页面的检查记录中导出")
    assert drafts.load_draft(ui.account.db, draft_id) is None

    # right after the visit, still offline: the notice from the enterprise's page
    page = EnterpriseView(ui, id=f.ENTERPRISE)
    assert "history-notice-0" in identifiers(page.build())
    [visit] = inspections_of(ui.account.db, f.ENTERPRISE)
    assert page.export_notice(visit["id"])
    name, pdf = ui.files[-1]
    assert name == f"整改通知书-{short_ref(visit['id'])}.pdf"  # no 文号 before the sync
    text = text_of(pdf)
    assert "东湖宏达机械加工厂" in text and "王五" in text
    [hazard] = hazard_rows(ui.account.db, clock.today())
    assert hazard.title.replace(" ", "") in text
    assert not page.export_notice("01900000-0000-7000-8000-00000000dead")
    assert ui.toasts[-1].startswith("无法生成整改通知书：")
    waiting = outbox.waiting(ui.account.db)
    assert (waiting.records, waiting.blobs) == (2, 4)  # inspection + hazard; 2 photos, 2 signatures

    sync(ui)
    kinds = dict(server_rows(server.data_dir, "SELECT kind, COUNT(*) FROM records GROUP BY kind"))
    assert kinds == {"inspection": 1, "hazard_event": 1}
    assert server_rows(server.data_dir, "SELECT COUNT(*) FROM blobs")[0][0] == 4
    home = HomeView(ui)
    home.build()


def test_refusal_to_sign_and_denied_location(signed_in: RecordingUi) -> None:
    ui = signed_in
    ui.location = (None, "denied")
    service = VisitService(ui.account)
    draft_id = service.start(f.ENTERPRISE)
    visit = VisitView(ui, draft=draft_id)
    asyncio.run(visit.locate())
    assert visit.location.value.startswith("未获得定位权限")
    answer_all(service, draft_id)
    summary = SummaryView(ui, draft=draft_id)
    draw(summary.inspector_pad)
    summary.sign_inspector()
    assert not summary.refuse()
    assert summary.reason.error == "必填" and summary.witness_name.error == "必填"
    summary.reason.value, summary.witness_name.value, summary.witness_title.value = (
        "负责人不在场拒签",
        "赵六",
        "网格长",
    )
    assert summary.refuse()
    assert summary.enterprise_state.value.startswith("已记录拒签")
    assert summary.submit()
    record = ui.account.db.execute("SELECT data FROM records WHERE kind = 'inspection'").fetchone()[
        0
    ]
    assert '"location_status":"denied"' in record and '"witness_name":"赵六"' in record


def test_recheck_of_an_open_hazard_closes_it(signed_in: RecordingUi) -> None:
    ui = signed_in
    # handled on site: no interim measures
    _, hazard_id = report_hazard(ui, handling="on_site", deadline_days=0, interim_measures="")
    page = HazardView(ui, id=hazard_id)
    page.build()
    recheck_draft = page.recheck()
    view = RecheckView(ui, draft=recheck_draft)
    view.build()
    assert not view.submit()
    view.note.value = "灭火器已更换"  # typed before the result is chosen: kept as typed
    view.save_note()
    assert RecheckView(ui, draft=recheck_draft).note.value == "灭火器已更换"
    view.result.value = "pass"
    view.save_result()
    assert RecheckView(ui, draft=recheck_draft).note.value == "灭火器已更换"
    asyncio.run(view.add_photo())
    draw(view.pad)
    assert view.submit()
    assert hazard_state(ui.account.db, hazard_id).status == "closed"


def test_sign_out_warns_while_records_wait_and_keeps_them(signed_in: RecordingUi) -> None:
    ui = signed_in
    service = VisitService(ui.account)
    draft_id = service.start(f.ENTERPRISE)
    answer_all(service, draft_id, "na")
    service.sign_inspector(draft_id, STROKES)
    service.sign_enterprise(draft_id, "王五", "", STROKES)
    service.submit(draft_id)
    folder = ui.account.folder
    settings = SettingsView(ui)
    settings.build()
    assert not settings.sign_out()
    assert "还有 1 条记录未同步" in ui.confirms[0][0]
    ui.confirms[0][1]()  # the inspector confirms
    assert ui.signed_out == 1 and ui.session.account is None
    from app.store.db import open_store

    db = open_store(folder / "gridcheck.db")
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()[0] == 1
    db.close()
