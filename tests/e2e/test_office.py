"""The office at a desktop viewport: review an inspection, escalate a hazard from the ledger."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests import domain_factories as f
from tests.e2e.browser import screenshot, sem, tap
from tests.e2e.helpers_office import desktop, sign_in_as  # noqa: F401  (fixture)
from tests.role_devices import device_ui, report_hazard, sync
from tests.server_db import server_rows


def test_office_approves_and_escalates(tmp_path: Path, e2e_server, desktop: Page) -> None:  # noqa: F811
    inspector = device_ui(tmp_path, e2e_server.url, f.INSPECTOR)
    report_hazard(inspector, title="配电箱门缺失")
    sync(inspector)
    inspector.account.close()

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
    for _ in range(60):
        if len(server_has()) == 2:
            break
        page.wait_for_timeout(500)
    assert server_has() == [("hazard_event", "escalated"), ("review", "")]
