"""Serving the app in web mode, with Chinese that renders offline.

Measured here (Flet 1.0.5, Chromium 156, skwasm): when Flutter lays text out before the
bundled font is registered, it asks for Google's sliced "Noto Sans SC" fallback fonts under
``/assets/fonts/notosanssc/…``; offline those are 404s and the text stays as boxes even
after the bundled font arrives. So those paths are answered with the bundled font (a
superset of every slice for the characters we ship), cached by the browser for a year.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

FALLBACK_PREFIX = "/assets/fonts/notosanssc/"


class CjkFallbackFonts:
    def __init__(self, app: ASGIApp, font: Path) -> None:
        self.app = app
        self.font = font.read_bytes()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(FALLBACK_PREFIX):
            headers: list[tuple[bytes, bytes]] = [
                (b"content-type", b"font/otf"),
                (b"content-length", str(len(self.font)).encode()),
                (b"cache-control", b"public, max-age=31536000, immutable"),
            ]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send(
                {
                    "type": "http.response.body",
                    "body": self.font if scope["method"] != "HEAD" else b"",
                }
            )
            return
        await self.app(scope, receive, send)


def serve(main: Any, before_main: Any, host: str, port: int, assets_dir: Path, font: Path) -> None:
    """Run the Flet web app on ``host:port`` (offline: no CDN) with the CJK fallback answered."""
    import flet as ft
    import uvicorn

    asgi = ft.run(
        main, before_main=before_main, export_asgi_app=True, no_cdn=True, assets_dir=str(assets_dir)
    )
    uvicorn.run(CjkFallbackFonts(asgi, font), host=host, port=port, log_level="warning")
