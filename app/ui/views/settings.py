"""Me: language, what the server refused, sign out (warns while records wait)."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.session import SignOutBlocked
from app.store.outbox import rejected
from app.ui.components.common import TOUCH, appbar, heading, sid
from app.ui.components.nav import is_office, nav_bar, office_frame
from app.ui.context import Ui
from domain.labels import short_ref


class SettingsView:
    route = "/settings"

    def __init__(self, ui: Ui) -> None:
        self.ui = ui

    def set_lang(self, lang: str) -> None:
        self.ui.session.set_lang(lang)
        self.ui.rebuild()  # this screen, in the new language

    def sign_out(self, _: Any = None, force: bool = False) -> bool:
        try:
            self.ui.session.sign_out(force=force)
        except SignOutBlocked as blocked:
            self.ui.confirm(
                self.ui.t("sign_out"),
                self.ui.t("unsynced_warning", n=blocked.waiting),
                lambda: self.sign_out(force=True),
            )
            return False
        self.ui.on_signed_out()
        return True

    def build(self) -> ft.View:
        t, account = self.ui.t, self.ui.account
        user = account.user
        lang = ft.RadioGroup(
            value=self.ui.lang,
            on_change=lambda e: self.set_lang(e.control.value),
            content=ft.Row(
                [ft.Radio(value="zh", label="中文"), ft.Radio(value="en", label="English")]
            ),
        )
        body: list[ft.Control] = [
            ft.Text(f"{user.name}（{user.username}）", size=18, weight=ft.FontWeight.BOLD),
            ft.Text(account.server_url, size=12, color=ft.Colors.BLUE_GREY_600),
            heading(t("language")),
            sid("language", lang),
        ]
        refused = rejected(account.db)
        if refused:
            body.append(heading(t("rejected_records", n=len(refused))))
            body += [
                ft.Text(
                    f"{r['kind']} {short_ref(r['record_id'])} [{r['error_code']}] {r['error_message']}",
                    size=12,
                )
                for r in refused
            ]
        body.append(
            ft.Row(
                [
                    sid(
                        "sign-out",
                        ft.OutlinedButton(
                            t("sign_out"),
                            icon=ft.Icons.LOGOUT,
                            on_click=self.sign_out,
                            height=TOUCH,
                        ),
                    )
                ]
            )
        )
        if is_office(self.ui):
            return office_frame(self.ui, self.route, t("me"), body, 3)
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, t("me")),
            controls=[ft.Column(body, spacing=10)],
            navigation_bar=nav_bar(self.ui, 2),
            padding=16,
        )
