"""The office's screens without a browser: reviews, the ledger and supervision, the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.recheck import RecheckService
from app.services.review import ReviewService, returned_to, review_queue
from app.services.supervise import SuperviseError, SuperviseService
from app.services.visit import VisitError
from app.store.records import hazard_state
from app.ui.components.nav import nav_bar
from app.ui.shell import home_screen, resolve
from app.ui.views.hazard import HazardView
from app.ui.views.home import HomeView
from app.ui.views.office import DashboardView, LedgerView, ReviewQueueView, ReviewView
from app.ui.views.settings import SettingsView
from tests import domain_factories as f
from tests.role_devices import (
    device_ui,
    identifiers,
    recheck,
    rectify,
    report_hazard,
    sync,
    walk,
)
from tests.server_db import server_rows


def test_routes_and_the_rail(tmp_path: Path, server) -> None:
    office = device_ui(tmp_path, server.url, f.OFFICE)
    assert home_screen(str(office.account.user.role)) is ReviewQueueView
    for route, view in (
        ("/office/reviews", ReviewQueueView),
        ("/office/review/x", ReviewView),
        ("/office/ledger", LedgerView),
        ("/office/dashboard", DashboardView),
    ):
        found = resolve(route)
        assert found is not None and found[0] is view
    assert nav_bar(office, 0) is None  # the rail instead of the bottom bar
    assert "office-rail" in identifiers(ReviewQueueView(office).build())
    assert "office-rail" in identifiers(SettingsView(office).build())


def test_review_approve_and_return_reach_the_inspector(tmp_path: Path, server) -> None:
    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=1)
    first, _ = report_hazard(inspector, title="灭火器过期")
    second, _ = report_hazard(inspector, title="通道堵塞")
    sync(inspector)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)

    queue = ReviewQueueView(office)
    assert [e.inspection_id for e in queue.entries] == [second, first]  # newest first
    assert (
        queue.entries[0].hazards == 1 and queue.entries[0].enterprise_name == "东湖宏达机械加工厂"
    )
    assert {"review-0", "review-1"} <= identifiers(queue.build())

    page = ReviewView(office, id=first)
    view = page.build()
    texts = [str(getattr(c, "value", "")) for c in walk(view)]
    assert "签名校验：签名校验通过" in texts
    assert any(x.startswith("检查人签名：张三") for x in texts)
    assert any(x.startswith("被检查单位负责人签字：王五") for x in texts)
    sig_sha = page.detail.inspection.signatures[0].png_sha256
    assert not page.open_photo(sig_sha)  # the office device has not downloaded it
    assert page.full.controls[0].value == "照片未下载到本机"  # type: ignore[attr-defined]
    office.account.files.write(inspector.account.files.read(sig_sha))
    assert page.open_photo(sig_sha)  # full size from the bytes the device holds
    # the notice of this inspection, offline
    page.export_notice()
    name, pdf = office.files[-1]
    assert pdf.startswith(b"%PDF") and name.startswith("整改通知书-310105001-TZ-")

    # returning needs a comment
    assert not page.send_back()
    assert page.comment.error == "退回须填写意见"
    page.comment.value = "企业签字人职务未填写，请补充"
    assert page.send_back() and office.routes[-1] == "/office/reviews"
    assert ReviewView(office, id=second).approve()
    with pytest.raises(VisitError, match="已经审核过"):
        ReviewService(office.account).approve(first)
    assert review_queue(office.account.db) == []
    sync(office)
    kinds = dict(
        server_rows(
            server.data_dir,
            "SELECT json_extract(data, '$.decision'), created_by "
            "FROM records WHERE kind = 'review'",
        )
    )
    assert kinds == {"returned": f.OFFICE, "approved": f.OFFICE}

    sync(inspector)
    returned = returned_to(inspector.account.db, f.INSPECTOR)
    assert [(r.id, v.comment) for r, v in returned] == [(first, "企业签字人职务未填写，请补充")]
    home = HomeView(inspector)
    assert "returned-0" in identifiers(home.build())


def test_a_major_hazard_is_closed_only_by_the_office(tmp_path: Path, server) -> None:
    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=1)
    _, hazard_id = report_hazard(inspector, level="major", title="液化气钢瓶无防倾倒")
    sync(inspector)
    enterprise = device_ui(tmp_path, server.url, f.ENTERPRISE_USER, seed=3)
    rectify(enterprise, hazard_id)
    sync(enterprise)
    sync(inspector)
    recheck(inspector, hazard_id, passed=True)
    sync(inspector)
    state = hazard_state(inspector.account.db, hazard_id)
    assert state.status == "rectified" and state.recheck_passed  # not closed by the re-check

    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)
    ledger = LedgerView(office)
    assert ledger.data.counts.total == 1 and ledger.data.counts.major == 1
    assert ledger.data.rows[0].title == "液化气钢瓶无防倾倒"
    ledger.level.value = "general"
    ledger.apply()
    assert ledger.data.counts.total == 0 and ledger.table.rows == []
    ledger.level.value = "major"
    ledger.status.value = "rectified"
    ledger.apply()
    assert len(ledger.table.rows) == 1
    ledger.export()
    assert office.files[-1][0].startswith("隐患台账-") and office.files[-1][1][:2] == b"PK"
    ledger.open(ledger.data.rows[0].hazard_id)
    assert office.routes[-1] == f"/hazard/{hazard_id}"

    page = HazardView(office, id=hazard_id)
    ids = identifiers(page.build())
    assert {"escalate-listed", "extend-deadline", "close-hazard", "void-hazard"} <= ids
    assert "start-recheck" not in ids and "start-rectify" not in ids
    assert "escalate-reminder" in ids
    assert page.escalate("listed")
    page = HazardView(office, id=hazard_id)
    listed = identifiers(page.build())  # listed: no weaker reminder, no second listing
    assert not {"escalate-reminder", "escalate-listed"} & listed and "extend-deadline" in listed
    old = hazard_state(office.account.db, hazard_id).deadline
    assert old is not None
    page.new_deadline.value = old.replace(day=1).replace(year=old.year + 1).isoformat()
    assert not page.extend()  # no reason
    assert page.reason.error == "延期须写明理由"
    page.reason.value = "需停产更换管线，企业申请延期"
    assert page.extend()
    page = HazardView(office, id=hazard_id)
    assert page.close()
    state = hazard_state(office.account.db, hazard_id)
    assert state.status == "closed" and state.escalation == "listed"
    assert state.deadline is not None and state.deadline > old
    timeline = [
        str(getattr(c, "value", "")) for c in walk(HazardView(office, id=hazard_id).build())
    ]
    assert any(x.endswith("· 督办 挂牌督办") for x in timeline)
    assert any(x.endswith(f"· 延期 → {state.deadline}") for x in timeline)
    sync(office)
    rows = server_rows(
        server.data_dir,
        "SELECT type, created_by FROM records WHERE kind = 'hazard_event' "
        "AND type IN ('escalated', 'deadline_extended', 'closed') ORDER BY type",
    )
    assert rows == [("closed", f.OFFICE), ("deadline_extended", f.OFFICE), ("escalated", f.OFFICE)]
    for ui in (inspector, enterprise):
        sync(ui)
        assert hazard_state(ui.account.db, hazard_id).status == "closed"

    dashboard = DashboardView(office)
    figures = {key: value for key, _, value, _ in dashboard.figures()}
    assert figures["fig-major"] == "1" and figures["fig-rectification"] == "100.0%"
    assert "ranking" in identifiers(dashboard.build())


def test_office_actions_say_what_is_missing(tmp_path: Path, server) -> None:
    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=1)
    _, hazard_id = report_hazard(inspector)
    sync(inspector)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)
    service = SuperviseService(office.account)
    with pytest.raises(SuperviseError, match="作废须写明理由"):
        service.void(hazard_id, "  ")
    with pytest.raises(SuperviseError) as err:
        service.extend(hazard_id, "not a date", "")
    assert err.value.fields == {
        "new_deadline": "请填写新的整改期限（YYYY-MM-DD）",
        "reason": "延期须写明理由",
    }
    with pytest.raises(SuperviseError, match="须晚于原期限"):
        service.extend(hazard_id, "2000-01-01", "理由")
    with pytest.raises(SuperviseError, match="只有已整改的隐患才能销号"):
        service.close(hazard_id)
    with pytest.raises(VisitError, match="只有网格员可以复查"):
        RecheckService(office.account).start(hazard_id)
    page = HazardView(office, id=hazard_id)
    assert "close-hazard" not in identifiers(page.build())  # open: nothing to close
    assert not page.void()
    assert page.reason.error == "作废须写明理由" and office.toasts[-1] == "作废须写明理由"
    service.escalate(hazard_id, "reminder")
    with pytest.raises(SuperviseError, match="已发出督办提醒"):
        service.escalate(hazard_id, "reminder")
    page.reason.value = "重复登记"
    assert page.void()
    assert hazard_state(office.account.db, hazard_id).status == "voided"
    with pytest.raises(SuperviseError, match="已销号或已作废"):
        service.escalate(hazard_id, "listed")


def test_actions_within_one_millisecond_keep_their_order(
    tmp_path: Path, server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fold orders by (at, id): the next action must sort after the last, whatever the clock."""
    import app.services.event_time as event_time
    from domain.ids import new_id

    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=1)
    _, hazard_id = report_hazard(inspector)
    sync(inspector)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)
    frozen = hazard_state(office.account.db, hazard_id).reported.at  # type: ignore[union-attr]
    monkeypatch.setattr(event_time.clock, "now", lambda: frozen)
    low = iter(f"00000000-0000-7000-8000-00000000000{i}" for i in range(9))
    monkeypatch.setattr(
        event_time, "new_id", lambda now_ms=None: next(low) if now_ms is None else new_id(now_ms)
    )
    service = SuperviseService(office.account)
    service.escalate(hazard_id, "reminder")
    service.extend(hazard_id, "2099-01-01", "企业申请")
    service.void(hazard_id, "重复登记")
    state = hazard_state(office.account.db, hazard_id)
    assert state.superseded == ()
    assert state.status == "voided" and str(state.deadline) == "2099-01-01"


def test_the_dashboard_leads_to_the_overdue_major_hazard(
    tmp_path: Path, server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dashboard → overdue majors (a card and a list) → the ledger's rows or the hazard itself."""
    import datetime as dt

    from app.services import clock

    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=1)
    _, major = report_hazard(inspector, level="major", title="液化气钢瓶无防倾倒")
    report_hazard(inspector, level="general", title="灭火器过期")
    sync(inspector)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)

    this_year = clock.today().year
    dashboard = DashboardView(office)
    figures = {key: (value, link) for key, _, value, link in dashboard.figures()}
    assert figures["fig-overdue-major"] == ("0", "/office/ledger?level=major&overdue=true")
    assert dashboard.overdue_majors == []

    later = clock.today() + dt.timedelta(days=30)  # both deadlines (7 days) have passed
    monkeypatch.setattr(clock, "today", lambda: later)
    dashboard = DashboardView(office, query={"year": str(this_year)})
    figures = {key: (value, link) for key, _, value, link in dashboard.figures()}
    assert figures["fig-overdue"][0] == "2" and figures["fig-overdue-major"][0] == "1"
    assert figures["fig-major"] == (
        "1",
        f"/office/ledger?level=major&date_from={this_year}-01-01&date_to={this_year}-12-31",
    )
    assert [r.hazard_id for r in dashboard.overdue_majors] == [major]
    assert dashboard.overdue_majors[0].overdue_days == 23
    ids = identifiers(dashboard.build())
    assert {"overdue-major-0", "chart-months", "chart-ranking", "month-table"} <= ids
    assert "overdue-major-1" not in ids
    months = dashboard.scope.months
    assert sum(m.general_found for m in months) == 1 and sum(m.major_found for m in months) == 1

    # the card opens the ledger with the same filter, through the shell's query routing
    found = resolve(figures["fig-overdue-major"][1])
    assert found is not None and found[0] is LedgerView and LedgerView.takes_query
    ledger = LedgerView(office, query={"level": "major", "overdue": "true"})
    assert ledger.level.value == "major" and ledger.overdue.value is True
    assert ledger.data.counts.total == 1 and ledger.data.rows[0].hazard_id == major
    ledger.open(major)
    assert office.routes[-1] == f"/hazard/{major}"

    # one community; the other community has nothing
    east = DashboardView(office, query={"community_id": "comm-1"})
    assert east.scope.name == "东湖社区" and east.scope.overdue_majors_now == 1
    other = next(c.community_id for c in east.summary.communities if c.community_id != "comm-1")
    assert DashboardView(office, query={"community_id": other}).overdue_majors == []
    assert DashboardView(office, query={"community_id": "../x"}).scope.scope == "subdistrict"
    east.choose(this_year - 1, "comm-1")
    assert office.routes[-1] == f"/office/dashboard?year={this_year - 1}&community_id=comm-1"


def test_the_ledger_filters_sorts_and_refuses_bad_input(tmp_path: Path, server) -> None:
    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=1)
    report_hazard(inspector, level="major", title="液化气钢瓶无防倾倒")
    report_hazard(inspector, level="general", title="灭火器过期")
    sync(inspector)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)

    bad = LedgerView(office, query={"level": "huge", "../etc": "x"})  # a bad link
    assert office.toasts[-1] == "不认识的筛选条件：../etc"
    assert bad.data.counts.total == 2  # shows everything rather than nothing
    LedgerView(office, query={"level": "huge"})
    assert office.toasts[-1] == "筛选条件有误：level"

    ledger = LedgerView(office)
    ledger.sort_by("level")
    assert _shown(ledger) == ["灭火器过期", "液化气钢瓶无防倾倒"]
    assert ledger.table.sort_column_index == 5 and ledger.table.sort_ascending
    ledger.sort_by("level")  # again: the other way round
    assert _shown(ledger) == ["液化气钢瓶无防倾倒", "灭火器过期"]

    ledger.grid.value = "grid-1"
    ledger.source.value = "grid_patrol"
    ledger.apply()
    assert ledger.data.counts.total == 2
    ledger.grid.value = "grid-3"
    ledger.apply()
    assert ledger.data.counts.total == 0
    ledger.clear()
    assert ledger.data.counts.total == 2 and ledger.grid.value == ""

    ledger.date_from.value = "2025-13-01"  # not a date: marked, the rows stay as they were
    ledger.apply()
    assert ledger.date_from.error and ledger.data.counts.total == 2
    assert office.toasts[-1] == "筛选条件有误：date_from"
    ledger.date_from.value, ledger.date_to.value = "2030-01-02", "2030-01-01"
    ledger.apply()
    assert office.toasts[-1] == "开始日期晚于结束日期"
    ledger.date_from.value, ledger.date_to.value = "2000-01-01", "2000-12-31"
    ledger.apply()
    assert ledger.date_from.error is None and ledger.data.counts.total == 0


def _shown(ledger: LedgerView) -> list[str]:
    """The titles in the table's rows, top to bottom, as the screen shows them."""
    return [row.cells[4].content.content.value for row in ledger.table.rows]
