"""Driving the Flutter web app through its semantics tree (see shared/notes, Flet field notes)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from tests.org import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}


def only_loopback(route) -> None:
    url = route.request.url
    if url.startswith(("http://127.0.0.1", "ws://127.0.0.1")):
        route.continue_()
    else:
        route.abort()


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => !document.getElementById('loading')", timeout=90_000)
    page.locator("flt-semantics-placeholder").dispatch_event("click")
    page.wait_for_selector("flt-semantics", state="attached", timeout=60_000)


def app_page(browser: Browser, url: str, viewport: dict[str, int], **context: Any) -> Page:
    """A page of its own context on the app at ``url``; requests off loopback are refused.

    One throwaway load first: the first page load after the app starts can show Chinese
    as boxes in Flutter web (measured; see app/ui/web.py) and screenshots should not.
    Close it with ``page.context.close()``.
    """
    warm = browser.new_context(viewport=viewport)
    warm.route("**/*", only_loopback)
    open_app(warm.new_page(), url)
    warm.close()
    ctx = browser.new_context(viewport=viewport, **context)
    ctx.route("**/*", only_loopback)
    page = ctx.new_page()
    open_app(page, url)
    return page


def sem(page: Page, identifier: str) -> Locator:
    return page.locator(f'[flt-semantics-identifier="{identifier}"]')


def reveal(page: Page, identifier: str, tries: int = 12) -> Locator:
    """Scroll (mouse wheel over the app) until the control sits in the upper part of the screen.

    Flutter clips a semantics node to the viewport, so "visible" alone may mean a sliver.
    """
    target = sem(page, identifier)
    last_y = None
    for _ in range(tries):
        box = target.first.bounding_box() if target.count() else None
        if box is not None and 56 <= box["y"] <= PHONE["height"] * 0.55:
            return target.first
        if box is not None and box["y"] == last_y:  # the screen does not scroll any further
            return target.first
        last_y = box["y"] if box else None
        page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
        page.mouse.wheel(0, (box["y"] - PHONE["height"] * 0.3) if box else 350)
        time.sleep(0.3)
    expect(target.first).to_be_visible()
    return target.first


def type_into(page: Page, identifier: str, text: str) -> None:
    """Type as a person would: tap the field, then the keys."""
    reveal(page, identifier).click()
    time.sleep(0.2)
    field = sem(page, identifier).locator("input, textarea").first
    field.fill(text)
    time.sleep(0.2)
    if field.input_value() != text:
        field.press("Control+A")
        page.keyboard.type(text)
        time.sleep(0.2)
    expect(field).to_have_value(text)


def tap(page: Page, identifier: str) -> None:
    reveal(page, identifier).click()
    time.sleep(0.2)


def attach_photo(page: Page, identifier: str, photo: Path) -> None:
    """Tap the photo button ``identifier``, choose ``photo``; wait until it is the first one
    shown (its remove button appears)."""
    with page.expect_file_chooser() as chooser:
        tap(page, identifier)
    chooser.value.set_files(str(photo))
    expect(sem(page, f"{identifier}-remove-0")).to_be_visible(timeout=20_000)


def sign_in_as(page: Page, username: str, screenshot_as: str | None = None) -> None:
    """Sign in on the login screen (a screenshot of it filled in, if named) and wait for the
    first sync to finish."""
    type_into(page, "login-username", username)
    type_into(page, "login-password", PASSWORD)
    if screenshot_as:
        screenshot(page, screenshot_as)
    tap(page, "login-submit")
    expect(page.get_by_text("全部已同步")).to_be_visible(timeout=30_000)


def wait_for(page: Page, done: Callable[[], bool], tries: int = 60) -> None:
    """Ask ``done`` every half second, ``tries`` times at most; it must come true."""
    for _ in range(tries):
        if done():
            return
        page.wait_for_timeout(500)
    assert done()


def sign(page: Page, identifier: str) -> None:
    reveal(page, identifier)
    time.sleep(0.6)  # let a scroll settle before drawing
    box = sem(page, identifier).first.bounding_box()
    assert box is not None
    x, y = box["x"], box["y"]
    page.mouse.click(x + 5, y + 5)  # a text field that still has focus lets go of it first
    time.sleep(0.4)
    page.mouse.move(x + 20, y + 80)
    page.mouse.down()
    wiggle = sum(map(ord, identifier)) % 25  # two people do not sign alike
    for dx, dy in ((60, 30 + wiggle), (110, 110), (170, 40 + wiggle), (230, 100), (290, 60)):
        page.mouse.move(x + dx, y + dy, steps=4)
    page.mouse.up()
    time.sleep(0.2)


def screenshot(page: Page, name: str) -> None:
    """Kept for the README when GRIDCHECK_SCREENSHOTS is set to a folder."""
    folder = os.environ.get("GRIDCHECK_SCREENSHOTS")
    if folder:
        time.sleep(0.6)  # the semantics tree can run ahead of the canvas
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))
