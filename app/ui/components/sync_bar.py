"""The sync bar: online or not, what waits (records, photos, bytes), last sync, a Sync button."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.syncing import SyncStatus
from app.ui.components.common import TOUCH, sid
from app.ui.context import Ui
from app.ui.i18n import human_size


class SyncBar:
    def __init__(self, ui: Ui) -> None:
        self.ui = ui
        self.state = ft.Text("", weight=ft.FontWeight.BOLD)
        self.waiting = ft.Text("", size=13)
        self.last = ft.Text("", size=12, color=ft.Colors.BLUE_GREY_600)
        self.problem = ft.Text("", size=12, color=ft.Colors.RED_700, visible=False)
        self.progress = ft.ProgressBar(value=None, visible=False)
        self.button = ft.FilledButton(
            ui.t("sync"), icon=ft.Icons.SYNC, on_click=self.sync_now, height=TOUCH
        )
        self.control = ft.Container(
            ft.Column(
                [
                    ft.Row(
                        [self.state, sid("sync-now", self.button)],
                        alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
                    ),
                    sid("sync-waiting", self.waiting),
                    self.last,
                    self.problem,
                    self.progress,
                ],
                spacing=4,
            ),
            padding=12,
            border_radius=8,
            bgcolor=ft.Colors.BLUE_50,
        )
        if ui.sync is not None:  # the state now; the shell shows every change after
            self.show(ui.sync.status())

    def show(self, status: SyncStatus) -> None:
        t = self.ui.t
        online = {True: t("online"), False: t("offline"), None: t("unknown")}[status.online]
        self.state.value = t("syncing") if status.running else online
        self.state.color = ft.Colors.GREEN_800 if status.online else ft.Colors.GREY_700
        w = status.waiting
        self.waiting.value = (
            t("nothing_waiting")
            if w.nothing
            else t("waiting", records=w.records, blobs=w.blobs, size=human_size(w.blob_bytes))
        )
        when = (
            status.last_sync_at.astimezone().strftime("%m-%d %H:%M")
            if status.last_sync_at
            else None
        )
        self.last.value = t("last_sync", when=when) if when else t("never_synced")
        problems = []
        if status.error:
            problems.append(status.error)
        if w.rejected:
            problems.append(t("rejected_records", n=w.rejected))
        if w.aside:
            problems.append(t("aside_records", n=w.aside))
        self.problem.value, self.problem.visible = "；".join(problems), bool(problems)
        p = status.progress
        self.progress.visible = status.running
        if p and p.bytes_total:
            self.progress.value = min(1.0, p.bytes_done / p.bytes_total)
        elif p and p.records_total:
            self.progress.value = min(1.0, p.records_done / p.records_total)
        else:
            self.progress.value = None
        self.button.disabled = status.running

    def sync_now(self, _: Any = None) -> None:
        self.ui.sync_soon()
