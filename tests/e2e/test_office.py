"""The office at a desktop viewport: review an inspection, escalate a hazard from the ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.store.records import hazard_state
from tests import domain_factories as f
from tests.e2e.browser import screenshot, sem, sign_in_as, tap, wait_for
from tests.role_devices import device_ui, phone_reports_hazard, rectify, sync
from tests.server_db import server_rows


def test_office_approves_and_escalates(tmp_path: Path, e2e_server, desktop: Page) -> None:
    phone_reports_hazard(tmp_path, e2e_server.url, title="配电箱门缺失")

    page = desktop
    sign_in_as(page, f.OFFICE)
    expect(sem(page, "office-rail")).to_be_visible()
    expect(sem(page, "review-0")).to_contain_text("东湖宏达机械加工厂", timeout=30_000)
    screenshot(page, "10-office-reviews")
    tap(page, "review-0")
    expect(sem(page, "integrity")).to_contain_text("签名校验通过")
    screenshot(page, "11-office-review")
    tap(page, "review-approve")
    expect(page.get_by_text("待审核检查（0）")).to_be_visible(timeout=20_000)

    sem(page, "office-rail").get_by_text("隐患台账").click()
    expect(sem(page, "ledger-counts")).to_contain_text("共 1 处", timeout=20_000)
    screenshot(page, "12-office-ledger")
    tap(page, "ledger-row-0")
    tap(page, "escalate-listed")
    expect(page.get_by_text("挂牌督办").first).to_be_visible(timeout=20_000)

    def server_has() -> list[tuple[str, ...]]:
        return server_rows(
            e2e_server.data_dir,
            "SELECT kind, COALESCE(type, '') FROM records WHERE created_by = ? ORDER BY kind",
            (f.OFFICE,),
        )

    expect(sem(page, "sync-now")).to_have_count(0)  # the hazard page has no sync bar
    wait_for(page, lambda: len(server_has()) == 2)
    assert server_has() == [("hazard_event", "escalated"), ("review", "")]


def test_office_finds_an_overdue_major_on_the_dashboard_lists_it_and_closes_it(
    tmp_path: Path,
    e2e_server,
    desktop: Page,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The issue's walk-through: dashboard → overdue major → timeline → 挂牌督办; the enterprise
    reports its rectification; the office closes it out."""
    from app.services import clock

    month_ago = clock.now() - dt.timedelta(days=30)
    with monkeypatch.context() as m:  # a phone that recorded it a month ago syncs only now
        m.setattr(clock, "now", lambda: month_ago)
        hazard_id = phone_reports_hazard(
            tmp_path, e2e_server.url, level="major", title="液化气钢瓶无防倾倒"
        )

    page = desktop
    sign_in_as(page, f.OFFICE)
    sem(page, "office-rail").get_by_text("统计").click()
    expect(sem(page, "fig-overdue-major")).to_contain_text("1", timeout=20_000)
    expect(sem(page, "overdue-major-0")).to_contain_text("液化气钢瓶无防倾倒")
    expect(sem(page, "overdue-major-0")).to_contain_text("逾期 23 天")
    screenshot(page, "15-office-dashboard")
    tap(page, "overdue-major-0")
    expect(page.get_by_text("登记").first).to_be_visible(timeout=20_000)  # the timeline
    screenshot(page, "16-office-hazard")
    tap(page, "escalate-listed")
    expect(page.get_by_text("已记录：挂牌督办").last).to_be_visible(timeout=20_000)

    def office_events() -> list[str]:
        rows = server_rows(
            e2e_server.data_dir,
            "SELECT type FROM records WHERE kind = 'hazard_event' AND created_by = ? ORDER BY type",
            (f.OFFICE,),
        )
        return [r[0] for r in rows]

    wait_for(page, lambda: office_events() == ["escalated"])

    enterprise = device_ui(tmp_path, e2e_server.url, f.ENTERPRISE_USER, seed=3)
    assert hazard_state(enterprise.account.db, hazard_id).escalation == "listed"
    rectify(enterprise, hazard_id)
    sync(enterprise)
    enterprise.account.close()

    # the office syncs (the 同步 button on the queue), the ledger shows the rectification
    def ledger_says_rectified() -> bool:
        sem(page, "office-rail").get_by_text("待审核").click()
        tap(page, "sync-now")
        page.wait_for_timeout(1500)
        sem(page, "office-rail").get_by_text("隐患台账").click()
        page.wait_for_timeout(700)
        return "已整改 1" in (sem(page, "ledger-counts").text_content() or "")

    wait_for(page, ledger_says_rectified, tries=10)
    tap(page, "ledger-row-0")
    tap(page, "close-hazard")
    expect(page.get_by_text("已记录：销号").last).to_be_visible(timeout=20_000)
    wait_for(page, lambda: office_events() == ["closed", "escalated"])
