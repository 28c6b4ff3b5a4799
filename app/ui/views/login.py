"""Sign in: the server address and account; accounts used before open offline."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.sync.client import SyncError
from app.ui.components.common import TOUCH, sid
from app.ui.context import Ui


class LoginView:
    route = "/login"

    def __init__(self, ui: Ui) -> None:
        self.ui = ui
        t = ui.t
        self.server = ft.TextField(
            label=t("server"), value=ui.session.server_url, keyboard_type=ft.KeyboardType.URL
        )
        self.username = ft.TextField(label=t("username"), autofocus=True)
        self.password = ft.TextField(
            label=t("password"), password=True, can_reveal_password=True, on_submit=self.submit
        )
        self.message = ft.Text("", color=ft.Colors.RED_700)
        self.button = ft.FilledButton(t("sign_in"), on_click=self.submit, height=TOUCH, expand=True)

    def submit(self, _: Any = None) -> bool:
        t = self.ui.t
        self.message.value = ""
        self.username.error = t("required") if not (self.username.value or "").strip() else None
        self.password.error = t("required") if not self.password.value else None
        self.server.error = t("required") if not (self.server.value or "").strip() else None
        if self.username.error or self.password.error or self.server.error:
            self.ui.refresh()
            return False
        self.button.disabled = True
        self.ui.refresh()
        try:
            self.ui.session.sign_in(
                self.server.value or "", self.username.value or "", self.password.value or ""
            )
        except SyncError as err:
            self.message.value = err.message if self.ui.lang == "zh" else str(err.code)
            self.button.disabled = False
            self.ui.refresh()
            return False
        self.ui.on_signed_in()
        return True

    def use_known(self, server_url: str, username: str) -> None:
        """Fill in an account used here before; its password opens it even offline."""
        self.server.value, self.username.value = server_url, username
        self.ui.refresh()

    def build(self) -> ft.View:
        t = self.ui.t
        known = [
            sid(
                f"account-{i}",
                ft.ListTile(
                    title=ft.Text(label),
                    leading=ft.Icon(ft.Icons.PERSON),
                    on_click=lambda _, s=server, u=username: self.use_known(s, u),
                ),
            )
            for i, (server, username, label) in enumerate(self.ui.session.accounts())
        ]
        body = [
            ft.Text(t("app_title"), size=26, weight=ft.FontWeight.BOLD, color=ft.Colors.BLUE_800),
            ft.Text("查 · 改 · 督 · 销", size=14, color=ft.Colors.BLUE_GREY_600),
            sid("login-server", self.server),
            sid("login-username", self.username),
            sid("login-password", self.password),
            self.message,
            ft.Row([sid("login-submit", self.button)]),
        ]
        if known:
            body += [
                ft.Divider(),
                ft.Text(t("known_accounts"), size=13, color=ft.Colors.BLUE_GREY_700),
                *known,
            ]
        return ft.View(
            route=self.route,
            controls=[ft.Column(body, spacing=14, scroll=ft.ScrollMode.AUTO, expand=True)],
            padding=20,
        )
