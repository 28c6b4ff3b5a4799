"""Navigation: a bottom bar on the phone (inspector, enterprise), a rail for the office."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.ui.components.common import appbar, sid
from app.ui.context import Ui

TABS = ("/", "/enterprises", "/settings")
ENTERPRISE_TABS = ("/", "/settings")
OFFICE_TABS = ("/office/reviews", "/office/ledger", "/office/dashboard", "/settings")
OFFICE_ROLES = ("office", "admin")


def role(ui: Ui) -> str:
    return str(ui.account.user.role)


def is_office(ui: Ui) -> bool:
    return role(ui) in OFFICE_ROLES


def nav_bar(ui: Ui, selected: int) -> ft.NavigationBar | None:
    """The bottom bar; ``selected`` indexes ``TABS``. None for the office (it has the rail)."""
    if is_office(ui):
        return None
    if role(ui) == "enterprise":
        tabs = ENTERPRISE_TABS
        destinations = [
            ft.NavigationBarDestination(icon=ft.Icons.HOME, label=ui.t("home")),
            ft.NavigationBarDestination(icon=ft.Icons.PERSON, label=ui.t("me")),
        ]
        index = tabs.index(TABS[selected]) if TABS[selected] in tabs else 0
    else:
        tabs = TABS
        destinations = [
            ft.NavigationBarDestination(icon=ft.Icons.HOME, label=ui.t("home")),
            ft.NavigationBarDestination(icon=ft.Icons.STORE, label=ui.t("enterprises")),
            ft.NavigationBarDestination(icon=ft.Icons.PERSON, label=ui.t("me")),
        ]
        index = selected

    def change(e: Any) -> None:
        ui.go(tabs[int(e.control.selected_index)])

    return ft.NavigationBar(selected_index=index, on_change=change, destinations=destinations)


def office_rail(ui: Ui, selected: int | None) -> ft.Control:
    """The office's navigation rail; ``selected`` indexes ``OFFICE_TABS``."""

    def change(e: Any) -> None:
        ui.go(OFFICE_TABS[int(e.control.selected_index)])

    rail = ft.NavigationRail(
        selected_index=selected,
        on_change=change,
        label_type=ft.NavigationRailLabelType.ALL,
        min_width=88,
        destinations=[
            ft.NavigationRailDestination(icon=ft.Icons.FACT_CHECK, label=ui.t("office_reviews")),
            ft.NavigationRailDestination(icon=ft.Icons.TABLE_VIEW, label=ui.t("office_ledger")),
            ft.NavigationRailDestination(icon=ft.Icons.INSIGHTS, label=ui.t("office_dashboard")),
            ft.NavigationRailDestination(icon=ft.Icons.PERSON, label=ui.t("me")),
        ],
    )
    return sid("office-rail", rail)


def office_frame(
    ui: Ui,
    route: str,
    title: str,
    body: list[ft.Control],
    selected: int | None,
    back: str | None = None,
    scroll: bool = True,
) -> ft.View:
    """An office screen: app bar, the rail on the left, the content filling the rest."""
    top = ft.Container(height=4)  # room for a first field's floating label
    content = ft.Column(
        [top, *body], spacing=8, scroll=ft.ScrollMode.AUTO if scroll else None, expand=True
    )
    return ft.View(
        route=route,
        appbar=appbar(ui, title, back=back),
        controls=[
            ft.Row(
                [office_rail(ui, selected), ft.VerticalDivider(width=1), content],
                expand=True,
                vertical_alignment=ft.CrossAxisAlignment.START,
            )
        ],
        padding=8,
    )
