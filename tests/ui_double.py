"""The app shell without a Flet page: records where screens navigate and what they say.

Everything behind it is real — the account's SQLite store, the services, the server.
"""

from __future__ import annotations

from typing import Any

from app.services.session import DeviceSession
from app.ui.context import Ui


class RecordingUi(Ui):
    def __init__(
        self,
        session: DeviceSession,
        *,
        photo: bytes | None = None,
        location: tuple[dict[str, float] | None, str] = (None, "unavailable"),
    ) -> None:
        super().__init__(session, None)
        self.routes: list[str] = []
        self.toasts: list[str] = []
        self.confirms: list[tuple[str, Any]] = []
        self.photo = photo
        self.location = location
        self.signed_in = 0
        self.signed_out = 0
        self.files: list[tuple[str, bytes]] = []  # documents offered for saving

    def go(self, route: str) -> None:
        self.routes.append(route)

    def toast(self, text: str) -> None:
        self.toasts.append(text)

    def confirm(self, title: str, text: str, on_yes: Any) -> None:
        self.confirms.append((text, on_yes))

    def offer_file(self, name: str, data: bytes) -> None:
        self.files.append((name, data))

    async def pick_image(self) -> bytes | None:
        return self.photo

    async def locate(self) -> tuple[dict[str, float] | None, str]:
        return self.location

    def on_signed_in(self) -> None:
        self.signed_in += 1

    def on_signed_out(self) -> None:
        self.signed_out += 1

    def rebuild(self) -> None:
        pass
