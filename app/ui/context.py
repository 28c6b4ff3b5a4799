"""What a screen may ask of the app shell: text, navigation, messages, photos, location."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import flet as ft

from app.account import Account
from app.services.session import DeviceSession
from app.services.syncing import SyncController
from app.ui.i18n import t

log = logging.getLogger("gridcheck.app")


SYNC_STOP_WAIT = 15.0  # seconds a running sync gets to finish before sign-out closes the store


class Ui:
    """The real shell, bound to a Flet page. Tests use a subclass without a page."""

    def __init__(self, session: DeviceSession, page: ft.Page | None) -> None:
        self.session = session
        self.page = page
        self.sync: SyncController | None = None
        session.before_close = self.stop_sync
        self.file_picker: ft.FilePicker | None = None
        self.geolocator: Any = None

    # ---- text
    @property
    def lang(self) -> str:
        return self.session.lang

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    @property
    def account(self) -> Account:
        if self.session.account is None:
            raise RuntimeError("no account is open")
        return self.session.account

    # ---- shell
    def go(self, route: str) -> None:
        """Navigate; going to the route already shown rebuilds it (there is no route change)."""
        if self.page is None:
            return
        if self.page.route == route:
            self.rebuild()
        else:
            self.page.run_task(self.page.push_route, route)

    def rebuild(self) -> None:
        """Build the current screen again (the shell knows how)."""

    def on_signed_in(self) -> None:
        """An account is open now (the shell starts sync and shows home)."""

    def on_signed_out(self) -> None:
        """No account is open any more (the shell shows sign-in)."""

    def stop_sync(self) -> None:
        """Before the account's store closes: no sync may still be writing to it."""
        if self.sync is not None:
            self.sync.stop(wait=SYNC_STOP_WAIT)
            self.sync = None

    def sync_soon(self) -> None:
        """Sync now in the background: something was queued, or 同步 was tapped (it also runs
        by itself later)."""
        if self.sync is not None and self.page is not None:
            self.page.run_thread(self.sync.sync_now)

    def run_async(self, handler: Any, *args: Any) -> None:
        """Run an async handler (photo picking, location) on the page's loop."""
        if self.page is not None:
            self.page.run_task(handler, *args)

    def refresh(self) -> None:
        if self.page is not None:
            self.page.update()

    def toast(self, text: str) -> None:
        if self.page is not None:
            self.page.show_dialog(ft.SnackBar(ft.Text(text), duration=4000))
            self.page.update()

    def confirm(self, title: str, text: str, on_yes: Any) -> None:
        if self.page is None:
            return
        page = self.page

        def close(_: Any = None) -> None:
            page.pop_dialog()
            page.update()

        def yes(_: Any = None) -> None:
            close()
            on_yes()

        page.show_dialog(
            ft.AlertDialog(
                title=ft.Text(title),
                content=ft.Text(text),
                modal=True,
                actions=[
                    ft.TextButton(self.t("cancel"), on_click=close),
                    ft.Semantics(
                        identifier="confirm-yes",
                        content=ft.FilledButton(self.t("confirm"), on_click=yes),
                    ),
                ],
            )
        )
        page.update()

    async def pick_image(self) -> bytes | None:
        """A photo from the camera or the gallery (the browser's chooser offers both on a phone)."""
        if self.file_picker is None:
            return None
        files = await self.file_picker.pick_files(
            file_type=ft.FilePickerFileType.IMAGE, with_data=True
        )
        return files[0].bytes if files and files[0].bytes else None

    def offer_file(self, name: str, data: bytes) -> None:
        """Offer a generated document for saving or sharing (runs the save dialog)."""
        if self.page is not None:
            self.page.run_task(self.save_file, name, data)

    async def save_file(self, name: str, data: bytes) -> None:
        """Hand a generated document to the user (the browser downloads it)."""
        if self.file_picker is None:
            return
        try:
            await self.file_picker.save_file(file_name=name, src_bytes=data)
        except Exception as exc:  # a platform without a save dialog
            log.warning("saving %s failed: %s", name, exc)
            self.toast(str(exc))
            return
        self.toast(self.t("exported", name=name))

    async def locate(self) -> tuple[dict[str, float] | None, str]:
        """(location, status): status ``ok``, ``denied`` or ``unavailable`` — never raises."""
        if self.geolocator is None:
            return None, "unavailable"
        try:
            from flet_geolocator import GeolocatorPermissionStatus

            permission = await asyncio.wait_for(self.geolocator.request_permission(), 10)
            if permission in (
                GeolocatorPermissionStatus.DENIED,
                GeolocatorPermissionStatus.DENIED_FOREVER,
            ):
                return None, "denied"
            pos = await asyncio.wait_for(self.geolocator.get_current_position(), 15)
            return {
                "lat": pos.latitude,
                "lon": pos.longitude,
                "accuracy_m": round(pos.accuracy or 0, 1),
            }, "ok"
        except Exception as exc:  # a phone without GPS, a browser without permission, a timeout
            log.info("location unavailable: %s", exc)
            text = str(exc).lower()
            return None, "denied" if "denied" in text or "permission" in text else "unavailable"
