"""Small pieces every screen uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.store.blobs import thumbnail
from app.ui.context import Ui

TOUCH = 48  # minimum touch target (dp)


def sid(identifier: str, control: ft.Control) -> ft.Semantics:
    """A stable handle for browser tests: ``flt-semantics-identifier`` in the DOM."""
    return ft.Semantics(identifier=identifier, content=control)


def appbar(
    ui: Ui, title: str, back: str | None = None, actions: list[ft.Control] | None = None
) -> ft.AppBar:
    leading = None
    if back is not None:
        leading = sid(
            "back",
            ft.IconButton(
                ft.Icons.ARROW_BACK, tooltip=ui.t("back"), on_click=lambda _: ui.go(back)
            ),
        )
    return ft.AppBar(
        title=ft.Text(title, max_lines=1, overflow=ft.TextOverflow.ELLIPSIS),
        leading=leading,
        automatically_imply_leading=False,
        actions=actions or [],
        bgcolor=ft.Colors.BLUE_700,
        color=ft.Colors.WHITE,
    )


def heading(text: str) -> ft.Text:
    return ft.Text(text, size=16, weight=ft.FontWeight.BOLD, color=ft.Colors.BLUE_GREY_800)


def field_error(field: ft.TextField, message: str | None) -> None:
    field.error = message


def photo_strip(
    ui: Ui, shas: list[str], on_remove: Callable[[str], Any] | None, prefix: str
) -> ft.Row:
    """Thumbnails of the photos, each removable."""
    tiles: list[ft.Control] = []
    for i, sha in enumerate(shas):
        thumb = thumbnail(ui.account.db, sha)
        image = (
            ft.Image(src=thumb, width=88, height=88, fit=ft.BoxFit.COVER, border_radius=6)
            if thumb
            else ft.Icon(ft.Icons.IMAGE, size=40)
        )
        remove = None
        if on_remove is not None:
            remove = sid(
                f"{prefix}-remove-{i}",
                ft.IconButton(
                    ft.Icons.CLOSE,
                    icon_size=18,
                    tooltip=ui.t("remove"),
                    on_click=lambda _, s=sha: on_remove(s),
                ),
            )
        tiles.append(
            ft.Stack(
                [image, *([ft.Container(remove, right=-8, top=-8)] if remove else [])],
                width=88,
                height=88,
            )
        )
    return ft.Row(tiles, wrap=True, spacing=8, run_spacing=8)


def days_label(ui: Ui, days_left: int | None, overdue: bool) -> tuple[str, str]:
    """Text and colour for a deadline."""
    if days_left is None:
        return "", ft.Colors.GREY_700
    if overdue:
        return ui.t("overdue_days", n=-days_left), ft.Colors.RED_700
    if days_left == 0:
        return ui.t("due_today"), ft.Colors.ORANGE_800
    return ui.t(
        "days_left", n=days_left
    ), ft.Colors.GREEN_800 if days_left > 3 else ft.Colors.ORANGE_800


def status_text(ui: Ui, status: str) -> str:
    return ui.t(f"status_{status}")


def photo_button(ui: Ui, identifier: str, pick: Callable[..., Any], *args: Any) -> ft.Row:
    """拍照/选照片: opens the camera or gallery chooser and hands the bytes to ``pick``."""
    button = ft.OutlinedButton(
        ui.t("add_photo"),
        icon=ft.Icons.PHOTO_CAMERA,
        height=TOUCH,
        on_click=lambda _: ui.run_async(pick, *args),
    )
    return ft.Row([sid(identifier, button)])


def submit_button(
    ui: Ui, identifier: str, on_click: Callable[..., Any], label: str | None = None
) -> ft.Row:
    button = ft.FilledButton(
        label or ui.t("submit"), icon=ft.Icons.SEND, on_click=on_click, height=TOUCH, expand=True
    )
    return ft.Row([sid(identifier, button)])


def hazard_tile(ui: Ui, index: int, row: Any, subtitle: str) -> ft.Semantics:
    """One hazard in a list: level colour, title, days left or overdue; taps open it."""
    text, color = days_label(ui, row.days_left, row.overdue)
    icon_color = ft.Colors.RED_700 if row.level == "major" else ft.Colors.ORANGE_700
    return sid(
        f"hazard-{index}",
        ft.ListTile(
            leading=ft.Icon(ft.Icons.WARNING_AMBER, color=icon_color),
            title=ft.Text(row.title, max_lines=2),
            subtitle=ft.Text(subtitle),
            trailing=ft.Text(text, color=color, weight=ft.FontWeight.BOLD),
            on_click=lambda _, h=row.hazard_id: ui.go(f"/hazard/{h}"),
        ),
    )
