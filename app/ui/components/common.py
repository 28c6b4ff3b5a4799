"""Small pieces every screen uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import flet as ft

from app.media.photos import PhotoError
from app.services import documents
from app.services.photo_fetch import LocalPhoto, PhotoFetchError, fetch_photo_async, local_photo
from app.store.blobs import thumbnail
from app.ui.context import Ui

TOUCH = 48  # minimum touch target (dp)
PHOTO_TILE = 88  # a thumbnail's side (dp)
SMALL_FULL = 256 * 1024  # a photo without a thumbnail this small is drawn from its full bytes

T = TypeVar("T")


def sid(identifier: str, control: ft.Control) -> ft.Semantics:
    """A stable handle for browser tests: ``flt-semantics-identifier`` in the DOM."""
    return ft.Semantics(identifier=identifier, content=control)


def appbar(
    ui: Ui, title: str, back: str | None = None, actions: list[ft.Control] | None = None
) -> ft.AppBar:
    leading = None
    if back is not None:
        leading = sid(
            "back",
            ft.IconButton(
                ft.Icons.ARROW_BACK, tooltip=ui.t("back"), on_click=lambda _: ui.go(back)
            ),
        )
    return ft.AppBar(
        title=ft.Text(title, max_lines=1, overflow=ft.TextOverflow.ELLIPSIS),
        leading=leading,
        automatically_imply_leading=False,
        actions=actions or [],
        bgcolor=ft.Colors.BLUE_700,
        color=ft.Colors.WHITE,
    )


def heading(text: str) -> ft.Text:
    return ft.Text(text, size=16, weight=ft.FontWeight.BOLD, color=ft.Colors.BLUE_GREY_800)


def none_text(ui: Ui) -> ft.Text:
    """暂无: what an empty list shows."""
    return ft.Text(ui.t("none"), color=ft.Colors.GREY_600)


def _tile_image(thumb: bytes | None, full: bytes | None, media_type: str | None) -> ft.Control:
    """A photo's tile picture: the thumbnail, else small full bytes (a signature), else an icon."""
    fit = ft.BoxFit.CONTAIN if media_type == "image/png" else ft.BoxFit.COVER
    src = thumb or full
    if src is None:
        return ft.Icon(ft.Icons.IMAGE, size=40)
    return ft.Image(src=src, width=PHOTO_TILE, height=PHOTO_TILE, fit=fit, border_radius=6)


def photo_strip(
    ui: Ui, shas: list[str], on_remove: Callable[[str], Any] | None, prefix: str
) -> ft.Row:
    """Thumbnails of the photos, each removable."""
    tiles: list[ft.Control] = []
    for i, sha in enumerate(shas):
        image = _tile_image(thumbnail(ui.account.db, sha), None, None)
        remove = None
        if on_remove is not None:
            remove = sid(
                f"{prefix}-remove-{i}",
                ft.IconButton(
                    ft.Icons.CLOSE,
                    icon_size=18,
                    tooltip=ui.t("remove"),
                    on_click=lambda _, s=sha: on_remove(s),
                ),
            )
        tiles.append(
            ft.Stack(
                [image, *([ft.Container(remove, right=-8, top=-8)] if remove else [])],
                width=PHOTO_TILE,
                height=PHOTO_TILE,
            )
        )
    return ft.Row(tiles, wrap=True, spacing=8, run_spacing=8)


class PhotoTiles:
    """Thumbnails of photos or signatures that may not be on this device yet.

    Each tile is ``sid(f"{prefix}-{i}")``. A photo the device holds shows its thumbnail;
    tapping it calls ``on_open(sha)`` or, without ``on_open``, shows it full size under the
    tiles (``sid(f"{prefix}-full")``, closed by ``sid(f"{prefix}-full-close")``). A photo
    the device lacks says 未下载 · 点击下载; tapping it downloads it in the background
    (a progress ring meanwhile), then shows it — or says why not, and stores nothing.
    ``control`` is what a screen puts on the page.
    """

    def __init__(
        self,
        ui: Ui,
        shas: list[str],
        prefix: str,
        on_open: Callable[[str], Any] | None = None,
    ) -> None:
        self.ui, self.shas, self.prefix, self.on_open = ui, list(shas), prefix, on_open
        self.busy: set[str] = set()
        self.failed: dict[str, str] = {}  # sha -> why the last download failed
        self.opened: str | None = None  # the photo shown full size (without on_open)
        self.boxes = [
            ft.Container(
                width=PHOTO_TILE,
                height=PHOTO_TILE,
                border_radius=6,
                ink=True,
                on_click=lambda _, s=sha: self.tap(s),
            )
            for sha in self.shas
        ]
        self.full = ft.Column(spacing=4)
        self.row = ft.Row(
            [sid(f"{prefix}-{i}", box) for i, box in enumerate(self.boxes)],
            wrap=True,
            spacing=8,
            run_spacing=8,
        )
        self.control = ft.Column([self.row, self.full], spacing=6)
        for sha in dict.fromkeys(self.shas):
            self._draw(sha)

    # ---- what a tile shows
    def present(self, sha: str) -> bool:
        return local_photo(self.ui.account, sha).present

    def _draw(self, sha: str) -> None:
        local = local_photo(self.ui.account, sha)
        for box, s in zip(self.boxes, self.shas, strict=True):
            if s == sha:
                box.content = self._content(sha, local)
                box.bgcolor = None if local.present else ft.Colors.GREY_200

    def _content(self, sha: str, local: LocalPhoto) -> ft.Control:
        t = self.ui.t
        if sha in self.busy:
            return _tile_note(
                ft.ProgressRing(width=24, height=24, stroke_width=3), t("photo_downloading")
            )
        if local.present:
            full = None
            if local.thumbnail is None and self.ui.account.files.size(sha) <= SMALL_FULL:
                full = self.ui.account.files.read(sha)
            return _tile_image(local.thumbnail, full, local.media_type)
        if sha in self.failed:
            return _tile_note(
                ft.Icon(ft.Icons.ERROR_OUTLINE, size=24, color=ft.Colors.RED_700),
                t("photo_download_retry"),
            )
        return _tile_note(
            ft.Icon(ft.Icons.CLOUD_DOWNLOAD, size=24, color=ft.Colors.BLUE_GREY_600),
            t("photo_tap_download"),
        )

    # ---- taps
    def tap(self, sha: str) -> None:
        """Open a photo the device holds; download one it lacks (in the background)."""
        if sha in self.busy:
            return
        if self.present(sha):
            self.open(sha)
        else:
            self.ui.run_async(self.download, sha)

    def open(self, sha: str) -> None:
        if self.on_open is not None:
            self.on_open(sha)
            return
        self.opened = sha
        close = sid(
            f"{self.prefix}-full-close",
            ft.TextButton(self.ui.t("photo_close"), icon=ft.Icons.CLOSE, on_click=self.close),
        )
        data = self.ui.account.files.read(sha)
        self.full.controls = [
            sid(f"{self.prefix}-full", ft.Image(src=data, fit=ft.BoxFit.CONTAIN, width=800)),
            ft.Row([close]),
        ]
        self.ui.refresh()

    def close(self, _: Any = None) -> None:
        self.opened = None
        self.full.controls = []
        self.ui.refresh()

    async def download(self, sha: str) -> bool:
        """Fetch one photo off the page's loop; True when the device holds it afterwards."""
        if sha in self.busy:
            return False
        self.busy.add(sha)
        self.failed.pop(sha, None)
        self._draw(sha)
        self.ui.refresh()
        try:
            await fetch_photo_async(self.ui.account, sha, self.ui.lang)
        except PhotoFetchError as err:
            self.failed[sha] = err.message
            self.ui.toast(err.message)
            return False
        finally:
            self.busy.discard(sha)
            self._draw(sha)
            self.ui.refresh()
        return True


def _tile_note(icon: ft.Control, text: str) -> ft.Control:
    return ft.Column(
        [icon, ft.Text(text, size=10, color=ft.Colors.GREY_800, text_align=ft.TextAlign.CENTER)],
        spacing=2,
        alignment=ft.MainAxisAlignment.CENTER,
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        width=PHOTO_TILE,
    )


def photo_tiles(
    ui: Ui, shas: list[str], prefix: str, on_open: Callable[[str], Any] | None = None
) -> ft.Control:
    """``PhotoTiles(...).control``: a drop-in for a plain list of thumbnails."""
    return PhotoTiles(ui, shas, prefix, on_open).control


def days_label(ui: Ui, days_left: int | None, overdue: bool) -> tuple[str, str]:
    """Text and colour for a deadline."""
    if days_left is None:
        return "", ft.Colors.GREY_700
    if overdue:
        return ui.t("overdue_days", n=-days_left), ft.Colors.RED_700
    if days_left == 0:
        return ui.t("due_today"), ft.Colors.ORANGE_800
    return ui.t(
        "days_left", n=days_left
    ), ft.Colors.GREEN_800 if days_left > 3 else ft.Colors.ORANGE_800


def status_text(ui: Ui, status: str) -> str:
    return ui.t(f"status_{status}")


def level_status(ui: Ui, level: str, status: str) -> str:
    """一般隐患 · 待整改: a hazard's level and state, as every hazard list shows them."""
    return f"{ui.t(level)} · {status_text(ui, status)}"


def photo_button(ui: Ui, identifier: str, pick: Callable[..., Any], *args: Any) -> ft.Row:
    """拍照/选照片: opens the camera or gallery chooser and hands the bytes to ``pick``."""
    button = ft.OutlinedButton(
        ui.t("add_photo"),
        icon=ft.Icons.PHOTO_CAMERA,
        height=TOUCH,
        on_click=lambda _: ui.run_async(pick, *args),
    )
    return ft.Row([sid(identifier, button)])


async def take_photo(ui: Ui, keep: Callable[[bytes], T]) -> T | None:
    """Pick a photo and ``keep`` it (a service processes and stores the bytes); None when none
    was chosen or it could not be read (a message says why)."""
    data = await ui.pick_image()
    if data is None:
        return None
    try:
        return keep(data)
    except PhotoError as err:
        ui.toast(ui.t("photo_failed", err=err))
        return None


def wide_button(
    identifier: str,
    label: str,
    icon: ft.IconData,
    on_click: Callable[..., Any],
    outlined: bool = False,
) -> ft.Row:
    """A screen's main action: as wide as the screen, 48 dp high, in a row of its own."""
    kind = ft.OutlinedButton if outlined else ft.FilledButton
    button = kind(label, icon=icon, on_click=on_click, height=TOUCH, expand=True)
    return ft.Row([sid(identifier, button)])


def submit_button(
    ui: Ui, identifier: str, on_click: Callable[..., Any], label: str | None = None
) -> ft.Row:
    return wide_button(identifier, label or ui.t("submit"), ft.Icons.SEND, on_click)


def draft_tile(ui: Ui, index: int, label: str, updated_at: str, route: str | None) -> ft.Control:
    """One draft in a list, with when it was last saved; taps continue it on ``route``."""
    return sid(
        f"draft-{index}",
        ft.ListTile(
            leading=ft.Icon(ft.Icons.EDIT_NOTE),
            title=ft.Text(label),
            subtitle=ft.Text(updated_at[:16].replace("T", " ")),
            trailing=ft.Text(ui.t("resume"), color=ft.Colors.BLUE_700) if route else None,
            on_click=(lambda _: ui.go(route)) if route else None,
        ),
    )


def export_notice(ui: Ui, inspection_id: str) -> bool:
    """隐患整改通知书 of one inspection, made on the device (offline), offered to save or share."""
    try:
        doc = documents.notice(ui.account, inspection_id)
    except documents.DocumentError as err:
        ui.toast(str(err))
        return False
    ui.offer_file(doc.name, doc.data)
    return True


def hazard_tile(ui: Ui, index: int, row: Any, subtitle: str) -> ft.Semantics:
    """One hazard in a list: level colour, title, days left or overdue; taps open it."""
    text, color = days_label(ui, row.days_left, row.overdue)
    icon_color = ft.Colors.RED_700 if row.level == "major" else ft.Colors.ORANGE_700
    return sid(
        f"hazard-{index}",
        ft.ListTile(
            leading=ft.Icon(ft.Icons.WARNING_AMBER, color=icon_color),
            title=ft.Text(row.title, max_lines=2),
            subtitle=ft.Text(subtitle),
            trailing=ft.Text(text, color=color, weight=ft.FontWeight.BOLD),
            on_click=lambda _, h=row.hazard_id: ui.go(f"/hazard/{h}"),
        ),
    )
