"""The enterprise's home: its own hazards with deadlines, its rectification drafts, sync."""

from __future__ import annotations

import flet as ft

from app.services import clock
from app.services.overview import hazard_rows
from app.services.rectify import DRAFT_KIND
from app.store.drafts import list_drafts
from app.ui.components.common import (
    appbar,
    draft_tile,
    hazard_tile,
    heading,
    level_status,
    none_text,
)
from app.ui.components.nav import nav_bar
from app.ui.components.sync_bar import SyncBar
from app.ui.context import Ui


class EnterpriseHomeView:
    route = "/"

    def __init__(self, ui: Ui) -> None:
        self.ui = ui
        self.sync_bar = SyncBar(ui)

    def hazard_tiles(self) -> list[ft.Control]:
        t = self.ui.t
        account = self.ui.account
        rows = hazard_rows(
            account.db, clock.today(), open_only=False, enterprise_id=account.user.enterprise_id
        )
        out: list[ft.Control] = []
        for i, row in enumerate(rows):
            deadline = row.deadline.isoformat() if row.deadline else "—"
            subtitle = (
                f"{level_status(self.ui, row.level, row.status)} · {t('deadline')} {deadline}"
            )
            out.append(hazard_tile(self.ui, i, row, subtitle))
        return out

    def draft_tiles(self) -> list[ft.Control]:
        rows = [d for d in list_drafts(self.ui.account.db) if d["kind"] == DRAFT_KIND]
        label = self.ui.t("rectify_draft")
        return [
            draft_tile(self.ui, i, label, d["updated_at"], f"/rectify/{d['id']}")
            for i, d in enumerate(rows)
        ]

    def build(self) -> ft.View:
        t = self.ui.t
        drafts = self.draft_tiles()
        body: list[ft.Control] = [self.sync_bar.control]
        if drafts:
            body += [heading(t("my_drafts")), *drafts]
        body += [heading(t("my_hazards")), *(self.hazard_tiles() or [none_text(self.ui)])]
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, f"{t('app_title')} · {self.ui.account.user.name}"),
            controls=[ft.Column(body, spacing=8, scroll=ft.ScrollMode.AUTO, expand=True)],
            navigation_bar=nav_bar(self.ui, 0),
            padding=12,
        )
