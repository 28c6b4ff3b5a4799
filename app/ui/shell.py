"""The app shell: one page per browser tab or phone, routes to screens, sync in the background."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import flet as ft

from app.services.drafting import VisitError
from app.services.session import DeviceSession
from app.services.syncing import SyncController, SyncStatus
from app.ui.components.nav import OFFICE_ROLES, role
from app.ui.context import Ui
from app.ui.views.enterprise_home import EnterpriseHomeView
from app.ui.views.enterprises import EnterprisesView, EnterpriseView
from app.ui.views.hazard import HazardView
from app.ui.views.hazard_form import HazardFormView
from app.ui.views.home import HomeView
from app.ui.views.login import LoginView
from app.ui.views.office import DashboardView, LedgerView, ReviewQueueView, ReviewView
from app.ui.views.recheck import RecheckView
from app.ui.views.rectify import RectifyView
from app.ui.views.settings import SettingsView
from app.ui.views.summary import SummaryView
from app.ui.views.visit import VisitView

log = logging.getLogger("gridcheck.app")
FONT_FAMILY = "NotoSansSC"
FONT_ASSET = "fonts/NotoSansSC-Regular-subset.otf"
FIRST_SCREEN_DELAY = 0.2  # seconds

ROUTES: list[tuple[str, Any]] = [
    ("/login", LoginView),
    ("/", HomeView),
    ("/enterprises", EnterprisesView),
    ("/enterprise/:id", EnterpriseView),
    ("/visit/:draft/hazard/:key", HazardFormView),
    ("/visit/:draft/summary", SummaryView),
    ("/visit/:draft", VisitView),
    ("/hazard/:id", HazardView),
    ("/recheck/:draft", RecheckView),
    ("/rectify/:draft", RectifyView),
    ("/office/reviews", ReviewQueueView),
    ("/office/review/:id", ReviewView),
    ("/office/ledger", LedgerView),
    ("/office/dashboard", DashboardView),
    ("/settings", SettingsView),
]


def home_screen(role: str) -> Any:
    """The start screen of a role: the inspector's home, the enterprise's hazards, the queue."""
    if role in OFFICE_ROLES:
        return ReviewQueueView
    if role == "enterprise":
        return EnterpriseHomeView
    return HomeView


def resolve(route: str) -> tuple[Any, dict[str, str]] | None:
    """The screen class and route parameters for a path, or None."""
    tr = ft.TemplateRoute(route.split("?", 1)[0] or "/")
    for pattern, view in ROUTES:
        if tr.match(pattern):
            names = [p[1:] for p in pattern.split("/") if p.startswith(":")]
            return view, {n: getattr(tr, n) for n in names}
    return None


class PageUi(Ui):
    """The shell's side of the Ui: reacts to signing in and out, rebuilds the current screen."""

    current: Any = None  # the screen shown (its sync bar, if it has one, follows the sync)

    def on_signed_in(self) -> None:
        self.start_sync()
        self.go("/")

    def on_signed_out(self) -> None:
        self.stop_sync()
        self.go("/login")

    def start_sync(self) -> None:
        if (
            self.session.account is None
            or self.page is None
            or os.environ.get("GRIDCHECK_NO_AUTOSYNC")
        ):
            return
        if self.sync is not None:
            self.sync.stop()
        interval = float(os.environ.get("GRIDCHECK_SYNC_INTERVAL", "15"))
        self.sync = SyncController(
            self.session.account, on_status=self._sync_status, interval=interval
        )
        self.sync.start()

    def _sync_status(self, status: SyncStatus) -> None:
        bar = getattr(self.current, "sync_bar", None)
        if bar is not None and self.page is not None:
            bar.show(status)
            if (
                not status.running
                and status.progress is not None
                and status.progress.phase == "done"
            ):
                self.rebuild()  # pulled data may change the lists
            else:
                self.page.update()

    def rebuild(self) -> None:
        if self.page is not None:
            show(self, self.page.route)


def show(ui: PageUi, route: str) -> None:
    page = ui.page
    if page is None:
        return
    if ui.session.account is None and not route.startswith("/login"):
        ui.go("/login")
        return
    found = resolve(route)
    if found is None:
        ui.go("/")
        return
    view_cls, params = found
    if view_cls is HomeView:
        view_cls = home_screen(role(ui))
    if getattr(view_cls, "takes_query", False):  # e.g. the ledger opened from the dashboard
        params = {**params, "query": dict(parse_qsl(route.partition("?")[2]))}
    try:
        screen = view_cls(ui, **params)
        view = screen.build()
    except VisitError as err:  # a draft that was submitted meanwhile, an unknown id
        ui.toast(str(err))
        ui.go("/")
        return
    ui.current = screen
    page.views.clear()
    page.views.append(view)
    page.update()


def before_main(page: ft.Page) -> None:
    """Fonts and theme go out with the page's first state, before any screen.

    Measured here (Flet 1.0.5, Chromium 156): set in ``main`` instead, the first page load
    after the app starts lays Chinese out before the bundled font is registered and shows
    boxes that never go away.
    """
    page.title = "网格安全巡查"
    page.fonts = {FONT_FAMILY: FONT_ASSET}
    page.theme = ft.Theme(font_family=FONT_FAMILY, color_scheme_seed=ft.Colors.BLUE)
    page.theme_mode = ft.ThemeMode.LIGHT


def make_main(data_root: Path, server_url: str) -> Any:
    def main(page: ft.Page) -> None:
        session = DeviceSession(data_root, default_server=server_url)
        ui = PageUi(session, page)
        ui.file_picker = ft.FilePicker()
        try:
            from flet_geolocator import Geolocator

            ui.geolocator = Geolocator()
        except ImportError:  # location is optional: the visit goes on without it
            ui.geolocator = None
        page.on_route_change = lambda e: show(ui, e.route)
        page.update()
        target = "/login"
        if session.open_last() is not None:
            ui.start_sync()
            target = page.route if page.route not in ("", "/login") else "/"

        async def first_screen() -> None:
            # the screen goes in its own message, after the page's first state (see before_main)
            await asyncio.sleep(FIRST_SCREEN_DELAY)
            show(ui, target)

        page.run_task(first_screen)

    return main
