"""Re-check (复查): after-photos, passed or not, a note, the inspector's signature."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.media.signature import SignatureError
from app.services.recheck import RecheckService
from app.services.visit import VisitError
from app.ui.components.common import (
    appbar,
    photo_button,
    photo_strip,
    sid,
    submit_button,
    take_photo,
)
from app.ui.components.signature_pad import SignaturePad
from app.ui.context import Ui


class RecheckView:
    def __init__(self, ui: Ui, draft: str) -> None:
        self.ui, self.draft_id = ui, draft
        self.route = f"/recheck/{draft}"
        self.service = RecheckService(ui.account)
        d = self.service.load(draft)
        t = ui.t
        self.result = ft.RadioGroup(
            value=None if d["passed"] is None else ("pass" if d["passed"] else "fail"),
            on_change=self.save_result,
            content=ft.Row(
                [
                    ft.Radio(value="pass", label=t("recheck_passed")),
                    ft.Radio(value="fail", label=t("recheck_failed")),
                ],
                wrap=True,
            ),
        )
        self.note = ft.TextField(
            label=t("note"),
            value=d["note"],
            multiline=True,
            min_lines=2,
            on_change=self.save_result,
        )
        self.pad = SignaturePad("pad-recheck", t("clear"), on_change=self._signing)
        self._pad_was_empty = True
        self.photos = ft.Column()
        self.problems = ft.Column()
        self._show()

    def _show(self) -> None:
        d = self.service.load(self.draft_id)
        self.photos.controls = [photo_strip(self.ui, d["photos"], None, "recheck-photo")]
        self.problems.controls = [
            ft.Text(f"• {p}", color=ft.Colors.RED_700)
            for p in self.service.problems(self.draft_id, signing=not self.pad.empty)
        ]

    def save_result(self, _: Any = None) -> None:
        if self.result.value in ("pass", "fail"):
            self.service.set_result(
                self.draft_id, self.result.value == "pass", self.note.value or ""
            )
            self._show()
            self.ui.refresh()

    async def add_photo(self) -> None:
        if await take_photo(self.ui, lambda data: self.service.add_photo(self.draft_id, data)):
            self._show()
            self.ui.refresh()

    def submit(self, _: Any = None) -> bool:
        try:
            if not self.pad.empty:
                self.service.sign(self.draft_id, self.pad.scaled())
            self.service.submit(self.draft_id)
        except (VisitError, SignatureError) as err:
            self._show()
            self.ui.toast(self.ui.t("cannot_submit") + str(err))
            return False
        self.ui.toast(self.ui.t("submitted", n=1))
        self.ui.sync_soon()
        self.ui.go("/")
        return True

    def _signing(self) -> None:
        """The pad changed: the list of what is missing follows it when it fills or empties."""
        if self.pad.empty != self._pad_was_empty:
            self._pad_was_empty = self.pad.empty
            self._show()
        self.ui.refresh()

    def build(self) -> ft.View:
        t = self.ui.t
        body: list[ft.Control] = [
            sid("recheck-result", self.result),
            sid("recheck-note", self.note),
            photo_button(self.ui, "recheck-photo", self.add_photo),
            self.photos,
            ft.Text(t("inspector_sign")),
            self.pad.control,
            self.problems,
            submit_button(self.ui, "recheck-submit", self.submit, self.ui.t("submit_recheck")),
        ]
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, t("recheck"), back="/"),
            controls=[ft.Column(body, spacing=10, scroll=ft.ScrollMode.AUTO, expand=True)],
            padding=12,
        )
