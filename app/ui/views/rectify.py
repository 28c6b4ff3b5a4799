"""整改完成上报: the enterprise's after-photos, a note and its signature.

An inspector may record it on the enterprise's behalf (代为上报): the screen says so, and
the signature is the enterprise representative's, whose name the inspector enters.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.rectify import RectifyService
from app.store.reference import enterprise
from app.ui.components.common import sid
from app.ui.context import Ui
from app.ui.views.evidence import EvidenceView


class RectifyView(EvidenceView[RectifyService]):
    kind = "rectify"
    submit_key = "submit_rectify"

    def __init__(self, ui: Ui, draft: str) -> None:
        super().__init__(ui, draft, RectifyService(ui.account))
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

    def save_note(self, _: Any = None) -> None:
        self.service.set_note(self.draft_id, self.note.value or "")

    def save_signer(self, _: Any = None) -> None:
        if self.on_behalf:
            self.service.set_signer(
                self.draft_id, self.signer_name.value or "", self.signer_title.value or ""
            )

    def save(self) -> None:
        self.save_note()
        self.save_signer()

    def done_text(self) -> str:
        return self.ui.t("rectify_submitted")

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
            *self.photo_controls(),
            ft.Text(t("enterprise_signs")),
        ]
        if self.on_behalf:
            body += [
                sid("rectify-signer-name", self.signer_name),
                sid("rectify-signer-title", self.signer_title),
            ]
        body += self.signing_controls()
        title = t("rectify_on_behalf_title") if self.on_behalf else t("rectify")
        return self.page(title, f"/hazard/{self.hazard_id}", body)
