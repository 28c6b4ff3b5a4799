"""Helpers for the office's and the enterprise's browser tests (desktop viewport, sign-in)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.app_process import AppProcess
from tests.e2e.browser import only_loopback, open_app, tap, type_into
from tests.org import PASSWORD

DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def desktop(browser: Browser, app: AppProcess) -> Iterator[Page]:
    """A desktop-sized page on the app (the office's reviewer), loopback only."""
    warm = browser.new_context(viewport=DESKTOP)
    warm.route("**/*", only_loopback)
    open_app(warm.new_page(), app.url)
    warm.close()
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.route("**/*", only_loopback)
    page = context.new_page()
    open_app(page, app.url)
    yield page
    context.close()


def sign_in_as(page: Page, username: str) -> None:
    type_into(page, "login-username", username)
    type_into(page, "login-password", PASSWORD)
    tap(page, "login-submit")
    expect(page.get_by_text("全部已同步")).to_be_visible(timeout=30_000)
