"""Bottom navigation for the phone layout."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.ui.context import Ui

TABS = ("/", "/enterprises", "/settings")


def nav_bar(ui: Ui, selected: int) -> ft.NavigationBar:
    def change(e: Any) -> None:
        ui.go(TABS[int(e.control.selected_index)])

    return ft.NavigationBar(
        selected_index=selected,
        on_change=change,
        destinations=[
            ft.NavigationBarDestination(icon=ft.Icons.HOME, label=ui.t("home")),
            ft.NavigationBarDestination(icon=ft.Icons.STORE, label=ui.t("enterprises")),
            ft.NavigationBarDestination(icon=ft.Icons.PERSON, label=ui.t("me")),
        ],
    )
