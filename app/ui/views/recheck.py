"""Re-check (复查): after-photos, passed or not, a note, the inspector's signature."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.recheck import RecheckService
from app.ui.components.common import sid
from app.ui.context import Ui
from app.ui.views.evidence import EvidenceView


class RecheckView(EvidenceView[RecheckService]):
    kind = "recheck"
    submit_key = "submit_recheck"

    def __init__(self, ui: Ui, draft: str) -> None:
        super().__init__(ui, draft, RecheckService(ui.account))
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
            on_change=self.save_note,
        )

    def save_result(self, _: Any = None) -> None:
        if self.result.value in ("pass", "fail"):
            self.service.set_passed(self.draft_id, self.result.value == "pass")
            self._show()
            self.ui.refresh()

    def save_note(self, _: Any = None) -> None:
        """Saved as typed, before or after the result is chosen."""
        self.service.set_note(self.draft_id, self.note.value or "")
        self._show()
        self.ui.refresh()

    def done_text(self) -> str:
        return self.ui.t("submitted", n=1)

    def build(self) -> ft.View:
        t = self.ui.t
        body: list[ft.Control] = [
            sid("recheck-result", self.result),
            sid("recheck-note", self.note),
            *self.photo_controls(),
            ft.Text(t("inspector_sign")),
            *self.signing_controls(),
        ]
        return self.page(t("recheck"), "/", body)
