"""What the re-check and the rectification screens share, as their services share
``EvidenceDraft``: after-photos added and removed, one signature pad, what is still missing
(it follows the pad as the pad fills or empties), and submit."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

import flet as ft

from app.media.signature import SignatureError
from app.services.drafting import VisitError
from app.services.recheck import RecheckService
from app.services.rectify import RectifyService
from app.ui.components.common import appbar, photo_button, photo_strip, submit_button, take_photo
from app.ui.components.signature_pad import SignaturePad
from app.ui.context import Ui

Service = TypeVar("Service", RecheckService, RectifyService)


class EvidenceView(Generic[Service]):
    kind: ClassVar[str]  # "recheck" or "rectify": the route and the semantics ids' prefix
    submit_key: ClassVar[str]  # the submit button's text

    def __init__(self, ui: Ui, draft: str, service: Service) -> None:
        self.ui, self.draft_id, self.service = ui, draft, service
        self.route = f"/{self.kind}/{draft}"
        self.pad = SignaturePad(f"pad-{self.kind}", ui.t("clear"), on_change=self._signing)
        self._pad_was_empty = True
        self.photos = ft.Column()
        self.problems = ft.Column()
        self._show()

    def _show(self) -> None:
        photos = self.service.load(self.draft_id)["photos"]
        self.photos.controls = [
            photo_strip(self.ui, photos, self.remove_photo, f"{self.kind}-photo")
        ]
        self.problems.controls = [
            ft.Text(f"• {p}", color=ft.Colors.RED_700)
            for p in self.service.problems(self.draft_id, signing=not self.pad.empty)
        ]

    async def add_photo(self) -> None:
        sha = await take_photo(self.ui, lambda data: self.service.add_photo(self.draft_id, data))
        if sha is not None:
            self._show()
            self.ui.refresh()

    def remove_photo(self, sha: str) -> None:
        self.service.remove_photo(self.draft_id, sha)
        self._show()
        self.ui.refresh()

    def _signing(self) -> None:
        """The pad changed: the list of what is missing follows it when it fills or empties."""
        if self.pad.empty != self._pad_was_empty:
            self._pad_was_empty = self.pad.empty
            self._show()
        self.ui.refresh()

    def save(self) -> None:
        """Save what the screen's fields hold before submitting (saved as typed anyway)."""

    def done_text(self) -> str:
        """The message once the record is sealed."""
        raise NotImplementedError

    def submit(self, _: Any = None) -> bool:
        try:
            self.save()
            if not self.pad.empty:
                self.service.sign(self.draft_id, self.pad.scaled())
            self.service.submit(self.draft_id)
        except (VisitError, SignatureError) as err:
            self._show()
            self.ui.toast(self.ui.t("cannot_submit") + str(err))
            return False
        self.ui.toast(self.done_text())
        self.ui.sync_soon()
        self.ui.go("/")
        return True

    def photo_controls(self) -> list[ft.Control]:
        return [photo_button(self.ui, f"{self.kind}-photo", self.add_photo), self.photos]

    def signing_controls(self) -> list[ft.Control]:
        submit = submit_button(
            self.ui, f"{self.kind}-submit", self.submit, self.ui.t(self.submit_key)
        )
        return [self.pad.control, self.problems, submit]

    def page(self, title: str, back: str, body: list[ft.Control]) -> ft.View:
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, title, back=back),
            controls=[ft.Column(body, spacing=10, scroll=ft.ScrollMode.AUTO, expand=True)],
            padding=12,
        )
