"""整改完成上报: the enterprise's after-photos, a note and its signature.

An inspector may record it on the enterprise's behalf (代为上报): the screen says so, and
the signature is the enterprise representative's, whose name the inspector enters.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from app.media.signature import SignatureError
from app.services.rectify import RectifyService
from app.services.visit import VisitError
from app.store.reference import enterprise
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


class RectifyView:
    def __init__(self, ui: Ui, draft: str) -> None:
        self.ui, self.draft_id = ui, draft
        self.route = f"/rectify/{draft}"
        self.service = RectifyService(ui.account)
        d = self.service.load(draft)
        self.hazard_id: str = d["hazard_id"]
        t = ui.t
        self.note = ft.TextField(
            label=t("rectify_note"),
            value=d["note"],
            multiline=True,
            min_lines=2,
            on_change=self.save_note,
        )
        self.on_behalf = self.service.on_behalf
        unit = enterprise(ui.account.db, d["enterprise_id"])
        self.enterprise_name = unit.name if unit else d["enterprise_id"]
        self.signer_name = ft.TextField(
            label=t("rep_name"),
            value=d.get("signer_name") or "",
            helper=t("rep_contact", name=unit.contact_name, phone=unit.contact_phone)
            if unit
            else None,
            on_change=self.save_signer,
        )
        self.signer_title = ft.TextField(
            label=t("rep_title"), value=d.get("signer_title") or "", on_change=self.save_signer
        )
        self.pad = SignaturePad("pad-rectify", t("clear"), on_change=self._signing)
        self._pad_was_empty = True
        self.photos = ft.Column()
        self.problems = ft.Column()
        self._show()

    def _show(self) -> None:
        d = self.service.load(self.draft_id)
        self.photos.controls = [
            photo_strip(self.ui, d["photos"], self.remove_photo, "rectify-photo")
        ]
        self.problems.controls = [
            ft.Text(f"• {p}", color=ft.Colors.RED_700)
            for p in self.service.problems(self.draft_id, signing=not self.pad.empty)
        ]

    def save_note(self, _: Any = None) -> None:
        self.service.set_note(self.draft_id, self.note.value or "")

    def save_signer(self, _: Any = None) -> None:
        if self.on_behalf:
            self.service.set_signer(
                self.draft_id, self.signer_name.value or "", self.signer_title.value or ""
            )

    async def add_photo(self) -> None:
        if await take_photo(self.ui, lambda data: self.service.add_photo(self.draft_id, data)):
            self._show()
            self.ui.refresh()

    def remove_photo(self, sha: str) -> None:
        self.service.remove_photo(self.draft_id, sha)
        self._show()
        self.ui.refresh()

    def submit(self, _: Any = None) -> bool:
        try:
            self.save_note()
            self.save_signer()
            if not self.pad.empty:
                self.service.sign(self.draft_id, self.pad.scaled())
            self.service.submit(self.draft_id)
        except (VisitError, SignatureError) as err:
            self._show()
            self.ui.toast(self.ui.t("cannot_submit") + str(err))
            return False
        self.ui.toast(self.ui.t("rectify_submitted"))
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
        body: list[ft.Control] = []
        if self.on_behalf:
            body.append(
                sid(
                    "rectify-on-behalf-note",
                    ft.Container(
                        ft.Text(
                            t(
                                "rectify_on_behalf_note",
                                name=self.ui.account.user.name,
                                enterprise=self.enterprise_name,
                            ),
                            color=ft.Colors.BROWN_900,
                        ),
                        bgcolor=ft.Colors.AMBER_50,
                        border_radius=6,
                        padding=10,
                    ),
                )
            )
        body += [
            sid("rectify-note", self.note),
            ft.Text(t("after_photos")),
            photo_button(self.ui, "rectify-photo", self.add_photo),
            self.photos,
            ft.Text(t("enterprise_signs")),
        ]
        if self.on_behalf:
            body += [
                sid("rectify-signer-name", self.signer_name),
                sid("rectify-signer-title", self.signer_title),
            ]
        body += [
            self.pad.control,
            self.problems,
            submit_button(self.ui, "rectify-submit", self.submit, self.ui.t("submit_rectify")),
        ]
        title = t("rectify_on_behalf_title") if self.on_behalf else t("rectify")
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, title, back=f"/hazard/{self.hazard_id}"),
            controls=[ft.Column(body, spacing=10, scroll=ft.ScrollMode.AUTO, expand=True)],
            padding=12,
        )
