"""Home: enterprises due, open hazards (overdue first), my drafts, and the sync bar.

Inspections the office returned are listed first, each with 提交更正: a correction draft
(``app.services.correction``) started or resumed, opened on the visit screens.
"""

from __future__ import annotations

import flet as ft

from app.services import clock
from app.services.correction import CorrectionService
from app.services.drafting import VisitError
from app.services.overview import due_enterprises, hazard_rows
from app.services.review import returned_to
from app.store.drafts import list_drafts, load_draft
from app.store.reference import enterprise
from app.ui.components.common import (
    TOUCH,
    appbar,
    draft_tile,
    hazard_tile,
    heading,
    level_status,
    none_text,
    sid,
)
from app.ui.components.nav import nav_bar
from app.ui.components.sync_bar import SyncBar
from app.ui.context import Ui

# each kind of draft and the screen that continues it
DRAFT_ROUTES = {"visit": "/visit/{}", "recheck": "/recheck/{}", "rectify": "/rectify/{}"}


class HomeView:
    route = "/"

    def __init__(self, ui: Ui) -> None:
        self.ui = ui
        self.sync_bar = SyncBar(ui)

    def _drafts(self) -> list[ft.Control]:
        db = self.ui.account.db
        out: list[ft.Control] = []
        for i, d in enumerate(list_drafts(db)):
            e = enterprise(db, d["enterprise_id"]) if d["enterprise_id"] else None
            name = e.name if e else "?"
            kind = d["kind"]
            if kind == "visit":
                data = load_draft(db, d["id"]) or {}
                key = "correction_draft" if data.get("supersedes") else "draft_of"
                label = self.ui.t(key, name=name)
            elif kind == "rectify":
                label = f"{self.ui.t('rectify_draft')} · {name}"
            elif kind == "recheck":
                label = f"{self.ui.t('recheck')} · {name}"
            else:  # a kind this screen does not know: listed, not opened
                label = f"{kind} · {name}"
            route = DRAFT_ROUTES.get(kind)
            target = route.format(d["id"]) if route else None
            out.append(draft_tile(self.ui, i, label, d["updated_at"], target))
        return out

    def _hazards(self) -> list[ft.Control]:
        rows = hazard_rows(self.ui.account.db, clock.today())[:30]
        return [
            hazard_tile(
                self.ui,
                i,
                row,
                f"{row.enterprise_name} · {level_status(self.ui, row.level, row.status)}",
            )
            for i, row in enumerate(rows)
        ]

    def correct(self, inspection_id: str) -> bool:
        """Start (or resume) the correction of a returned inspection and open it."""
        try:
            draft_id = CorrectionService(self.ui.account).start(inspection_id)
        except VisitError as err:
            self.ui.toast(str(err))
            return False
        self.ui.go(f"/visit/{draft_id}")
        return True

    def _returned(self) -> list[ft.Control]:
        """Inspections the office sent back to this inspector, with its comment and 提交更正."""
        account = self.ui.account
        out: list[ft.Control] = []
        for i, (record, review) in enumerate(returned_to(account.db, account.user.id)[:20]):
            e = enterprise(account.db, record.enterprise_id)
            out.append(
                sid(
                    f"returned-{i}",
                    ft.Column(
                        [
                            ft.ListTile(
                                leading=ft.Icon(ft.Icons.UNDO, color=ft.Colors.RED_700),
                                title=ft.Text(
                                    self.ui.t(
                                        "returned_note",
                                        name=e.name if e else record.enterprise_id,
                                        comment=review.comment,
                                    )
                                ),
                                subtitle=ft.Text(
                                    f"{record.finished_at.astimezone(clock.ZONE):%Y-%m-%d}"
                                ),
                            ),
                            ft.Row(
                                [
                                    sid(
                                        f"correct-{i}",
                                        ft.FilledButton(
                                            self.ui.t("submit_correction"),
                                            icon=ft.Icons.EDIT_NOTE,
                                            height=TOUCH,
                                            on_click=lambda _, r=record.id: self.correct(r),
                                        ),
                                    )
                                ],
                                alignment=ft.MainAxisAlignment.END,
                            ),
                        ],
                        spacing=0,
                    ),
                )
            )
        return out

    def _due(self) -> list[ft.Control]:
        account = self.ui.account
        today = clock.today()
        out: list[ft.Control] = []
        for i, d in enumerate(due_enterprises(account.db, account.user.grid_ids, today)[:20]):
            days = d.days_since(today)
            sub = self.ui.t("never_inspected") if days is None else self.ui.t("days_since", n=days)
            out.append(
                sid(
                    f"due-{i}",
                    ft.ListTile(
                        leading=ft.Icon(ft.Icons.STORE),
                        title=ft.Text(d.enterprise.name),
                        subtitle=ft.Text(
                            f"{sub} · {d.enterprise.address}",
                            max_lines=1,
                            overflow=ft.TextOverflow.ELLIPSIS,
                        ),
                        on_click=lambda _, e=d.enterprise.id: self.ui.go(f"/enterprise/{e}"),
                    ),
                )
            )
        return out

    def build(self) -> ft.View:
        t = self.ui.t
        drafts, hazards, due = self._drafts(), self._hazards(), self._due()
        returned = self._returned()
        body = [
            self.sync_bar.control,
            *([heading(t("returned_inspections")), *returned] if returned else []),
            heading(t("my_drafts")),
            *(drafts or [none_text(self.ui)]),
            heading(t("open_hazards")),
            *(hazards or [none_text(self.ui)]),
            heading(t("due")),
            *(due or [none_text(self.ui)]),
        ]
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, f"{t('app_title')} · {self.ui.account.user.name}"),
            controls=[ft.Column(body, spacing=8, scroll=ft.ScrollMode.AUTO, expand=True)],
            navigation_bar=nav_bar(self.ui, 0),
            padding=12,
        )
