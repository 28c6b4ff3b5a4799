"""The enterprise on its phone: reports the rectification of its hazard (整改完成上报)."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from tests import domain_factories as f
from tests.e2e.browser import (
    attach_photo,
    screenshot,
    sem,
    sign,
    sign_in_as,
    tap,
    type_into,
    wait_for,
)
from tests.role_devices import phone_reports_hazard
from tests.server_db import server_rows


def test_enterprise_reports_rectification(
    tmp_path: Path, e2e_server, phone: Page, photo_file: Path
) -> None:
    phone_reports_hazard(tmp_path, e2e_server.url, title="灭火器过期")

    page = phone
    sign_in_as(page, f.ENTERPRISE_USER)
    expect(sem(page, "hazard-0")).to_contain_text("灭火器过期", timeout=30_000)
    expect(sem(page, "hazard-0")).to_contain_text("剩 7 天")
    screenshot(page, "13-enterprise-home")
    tap(page, "hazard-0")
    tap(page, "start-rectify")
    type_into(page, "rectify-note", "已更换全部过期灭火器")
    attach_photo(page, "rectify-photo", photo_file)
    sign(page, "pad-rectify")
    screenshot(page, "14-enterprise-rectify")
    tap(page, "rectify-submit")
    expect(sem(page, "hazard-0")).to_contain_text("已整改待复查", timeout=20_000)

    def rectified() -> list[tuple[str]]:
        return server_rows(e2e_server.data_dir, "SELECT data FROM records WHERE type = 'rectified'")

    wait_for(page, lambda: bool(rectified()))
    event = json.loads(rectified()[0][0])
    assert event["created_by"] == f.ENTERPRISE_USER
    assert event["note"] == "已更换全部过期灭火器" and len(event["photos"]) == 1
    assert [s["role"] for s in event["signatures"]] == ["enterprise"]
