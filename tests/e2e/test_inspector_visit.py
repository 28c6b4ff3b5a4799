"""An inspector's whole visit in a phone-sized Chromium: offline, then synced by itself."""

from __future__ import annotations

import hashlib
import json
import time

from playwright.sync_api import Page, expect

from tests import domain_factories as f
from tests.e2e.browser import (
    attach_photo,
    open_app,
    reveal,
    screenshot,
    sem,
    sign,
    sign_in_as,
    tap,
    type_into,
)
from tests.e2e.conftest import E2E_ENTERPRISE
from tests.server_db import server_rows


def test_visit_offline_then_synced_by_itself(phone: Page, app, e2e_server, photo_file) -> None:
    page = phone
    sign_in_as(page, f.INSPECTOR, screenshot_as="01-sign-in")
    screenshot(page, "02-home")

    e2e_server.stop()  # the basement: no signal from here on
    page.get_by_role("tab", name="单位").click()
    type_into(page, "enterprise-search", "利民五金")
    expect(sem(page, "enterprise-0")).to_contain_text("东湖利民五金店")
    screenshot(page, "03-search")
    tap(page, "enterprise-0")
    expect(sem(page, "start-inspection")).to_be_visible()
    screenshot(page, "04-enterprise")
    tap(page, "start-inspection")

    # section 1: one item passes, one fails with a note, a photo and a hazard
    expect(sem(page, "section-title")).to_contain_text("消防安全")
    reveal(page, "item-T-1-02-result").get_by_role("radio", name="符合", exact=True).click()
    reveal(page, "item-T-1-01-result").get_by_role("radio", name="不符合").click()
    type_into(page, "item-T-1-01-note", "后门通道堆放纸箱")
    attach_photo(page, "item-T-1-01-photo", photo_file)
    screenshot(page, "05-checklist")
    tap(page, "item-T-1-01-report")

    # the hazard form: the five must-haves
    reveal(page, "hazard-title").click()  # a field shows its value to the DOM once focused
    expect(sem(page, "hazard-title").locator("input, textarea").first).to_have_value(
        "安全出口、疏散通道畅通，未堆放物品"
    )
    tap(page, "hazard-save")
    expect(
        page.get_by_text("必填").first
    ).to_be_visible()  # measures missing: said next to the field
    type_into(page, "hazard-title", "后门疏散通道堆放纸箱")
    type_into(page, "hazard-place", "一楼后门")
    type_into(page, "hazard-measures", "立即清理通道内纸箱，保持畅通")
    type_into(page, "hazard-responsible-name", "孙丽")
    type_into(page, "hazard-responsible-phone", "13700000077")
    type_into(page, "hazard-funds", "200")
    type_into(page, "hazard-interim", "设置警示标识，专人看守")
    reveal(page, "hazard-deadline").get_by_role("radio", name="7 天", exact=True).click()
    screenshot(page, "06-hazard")
    tap(page, "hazard-save")

    # section 2, then the summary
    expect(sem(page, "section-title")).to_contain_text("消防安全")
    tap(page, "section-next")
    expect(sem(page, "section-title")).to_contain_text("用电安全")
    reveal(page, "item-T-2-01-result").get_by_role("radio", name="符合", exact=True).click()
    tap(page, "section-next")
    expect(sem(page, "summary-results")).to_contain_text("不符合 1")
    sign(page, "pad-inspector")
    tap(page, "sign-inspector")
    expect(sem(page, "inspector-signed")).to_contain_text("已签名")
    type_into(page, "signer-name", "孙丽")
    type_into(page, "signer-title", "店主")
    sign(page, "pad-enterprise")
    tap(page, "sign-enterprise")
    expect(sem(page, "enterprise-signed")).to_contain_text("已签名：孙丽")
    screenshot(page, "07-summary")
    tap(page, "submit-inspection")

    # home: waiting, offline
    expect(sem(page, "sync-waiting")).to_contain_text("待上传：2 条记录", timeout=20_000)
    screenshot(page, "08-waiting-offline")
    assert server_rows(e2e_server.data_dir, "SELECT COUNT(*) FROM records")[0][0] == 0

    e2e_server.start()  # back in signal: sync runs by itself
    expect(sem(page, "sync-waiting")).to_contain_text("全部已同步", timeout=60_000)
    rows = server_rows(e2e_server.data_dir, "SELECT kind, type, data FROM records ORDER BY kind")
    assert [(k, t) for k, t, _ in rows] == [("hazard_event", "reported"), ("inspection", None)]
    hazard, inspection = json.loads(rows[0][2]), json.loads(rows[1][2])
    assert inspection["enterprise_id"] == E2E_ENTERPRISE
    assert inspection["location"]["lat"] == 31.2304
    assert {i["item_code"]: i["result"] for i in inspection["items"]} == {
        "T-1-01": "fail",
        "T-1-02": "pass",
        "T-2-01": "pass",
    }
    assert (
        hazard["measures"] == "立即清理通道内纸箱，保持畅通"
        and hazard["responsible_phone"] == "13700000077"
    )
    assert hazard["interim_measures"] and hazard["funds_yuan"] == "200.00"
    assert [s["role"] for s in inspection["signatures"]] == ["inspector", "enterprise"]
    blobs = {sha for i in inspection["items"] for sha in i["photos"]} | {
        s["png_sha256"] for s in inspection["signatures"]
    }
    assert len(blobs) == 3
    for sha in blobs:
        stored = e2e_server.data_dir / "blobs" / sha[:2] / sha[2:4] / sha
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
    assert server_rows(e2e_server.data_dir, "SELECT COUNT(*) FROM records")[0][0] == 2  # once each
    time.sleep(0.5)
    screenshot(page, "09-synced")


def test_the_app_killed_mid_visit_keeps_the_draft(browser, phone: Page, app, photo_file) -> None:
    page = phone
    sign_in_as(page, f.INSPECTOR, screenshot_as="01-sign-in")
    page.get_by_role("tab", name="单位").click()
    type_into(page, "enterprise-search", "利民五金")
    tap(page, "enterprise-0")
    tap(page, "start-inspection")
    reveal(page, "item-T-1-01-result").get_by_role("radio", name="不符合").click()
    type_into(page, "item-T-1-01-note", "灭火器压力不足")
    attach_photo(page, "item-T-1-01-photo", photo_file)

    app.kill()  # no goodbye: the process is gone
    app.start()
    open_app(page, app.url)
    tap(page, "draft-0")
    reveal(page, "item-T-1-01-note").click()  # a field shows its value to the DOM once focused
    expect(sem(page, "item-T-1-01-note").locator("input, textarea").first).to_have_value(
        "灭火器压力不足"
    )
    expect(sem(page, "item-T-1-01-photo-remove-0")).to_be_visible()
    expect(reveal(page, "item-T-1-01-result").get_by_role("radio", name="不符合")).to_be_checked()
