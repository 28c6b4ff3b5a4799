"""Enterprises: search as you type; a detail page with facts, history and open hazards."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services import clock
from app.services.drafting import VisitError
from app.services.overview import hazard_rows, inspections_of
from app.services.visit import VisitService, all_templates, suggest_template
from app.store.reference import enterprise, search_enterprises
from app.ui.components.common import (
    appbar,
    export_notice,
    hazard_tile,
    heading,
    none_text,
    sid,
    status_text,
    wide_button,
)
from app.ui.components.nav import nav_bar
from app.ui.context import Ui

RISK_COLORS = {
    "red": ft.Colors.RED_700,
    "orange": ft.Colors.ORANGE_700,
    "yellow": ft.Colors.AMBER_700,
    "blue": ft.Colors.BLUE_700,
}


class EnterprisesView:
    route = "/enterprises"

    def __init__(self, ui: Ui) -> None:
        self.ui = ui
        self.query = ft.TextField(
            label=ui.t("search"),
            hint_text=ui.t("search_hint"),
            prefix_icon=ft.Icons.SEARCH,
            on_change=self.search,
            autofocus=True,
        )
        self.results = ft.Column(spacing=0)
        self.search()

    def search(self, _: Any = None) -> None:
        found = search_enterprises(self.ui.account.db, self.query.value or "", limit=50)
        self.results.controls = [
            sid(
                f"enterprise-{i}",
                ft.ListTile(
                    leading=ft.Icon(ft.Icons.CIRCLE, color=RISK_COLORS[e.risk_color], size=14),
                    title=ft.Text(e.name),
                    subtitle=ft.Text(f"{e.address} · {e.contact_name}", max_lines=1),
                    on_click=lambda _, i=e.id: self.ui.go(f"/enterprise/{i}"),
                ),
            )
            for i, e in enumerate(found)
        ] or [ft.Text(self.ui.t("no_results"), color=ft.Colors.GREY_600)]
        self.ui.refresh()

    def build(self) -> ft.View:
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, self.ui.t("enterprises")),
            controls=[
                sid("enterprise-search", self.query),
                ft.Column([self.results], scroll=ft.ScrollMode.AUTO, expand=True),
            ],
            navigation_bar=nav_bar(self.ui, 1),
            padding=12,
        )


KINDS = ("routine", "special", "joint", "recheck")
FIELD_WIDTH = 330  # fits a 360 px screen with the page padding


class EnterpriseView:
    def __init__(self, ui: Ui, id: str) -> None:
        self.ui = ui
        self.enterprise = enterprise(ui.account.db, id)
        self.route = f"/enterprise/{id}"
        templates = all_templates(ui.account)
        suggested = (
            suggest_template(self.enterprise, templates) if self.enterprise and templates else None
        )
        self.template = ft.Dropdown(
            label=ui.t("template"),
            value=suggested.id if suggested else None,
            width=FIELD_WIDTH,
            options=[ft.DropdownOption(key=t.id, text=t.title.split(" (")[0]) for t in templates],
        )
        self.kind = ft.Dropdown(
            label=ui.t("kind"),
            value="routine",
            width=FIELD_WIDTH,
            options=[ft.DropdownOption(key=k, text=ui.t(f"kind_{k}")) for k in KINDS],
        )

    def start(self, _: Any = None) -> str | None:
        if self.enterprise is None:
            return None
        try:
            draft_id = VisitService(self.ui.account).start(
                self.enterprise.id, self.template.value, self.kind.value or "routine"
            )
        except VisitError as err:
            self.ui.toast(str(err))
            return None
        self.ui.go(f"/visit/{draft_id}")
        return draft_id

    def export_notice(self, inspection_id: str) -> bool:
        return export_notice(self.ui, inspection_id)

    def build(self) -> ft.View:
        t, e = self.ui.t, self.enterprise
        if e is None:
            return ft.View(
                route=self.route,
                appbar=appbar(self.ui, t("enterprises"), back="/enterprises"),
                controls=[ft.Text(t("no_results"))],
            )
        facts = [
            (t("credit_code"), e.credit_code or "—"),
            (t("address"), e.address),
            (t("contact"), f"{e.contact_name} {e.contact_phone}"),
            (t("sectors"), "、".join(e.sector_tags + e.special_tags) or "—"),
        ]
        rows: list[ft.Control] = [
            ft.Text(e.name, size=20, weight=ft.FontWeight.BOLD),
            ft.Row(
                [
                    ft.Icon(ft.Icons.CIRCLE, color=RISK_COLORS[e.risk_color], size=14),
                    ft.Text(f"{t('risk')}：{t('risk_' + e.risk_color)}"),
                ]
            ),
            *[ft.Text(f"{k}：{v}", selectable=True) for k, v in facts],
            sid("template-select", self.template),
            sid("kind-select", self.kind),
            wide_button("start-inspection", t("start_inspection"), ft.Icons.PLAY_ARROW, self.start),
            heading(t("open_hazards")),
        ]
        hazards = hazard_rows(self.ui.account.db, clock.today(), enterprise_id=e.id)
        rows += [
            hazard_tile(self.ui, i, row, status_text(self.ui, row.status))
            for i, row in enumerate(hazards)
        ]
        if not hazards:
            rows.append(none_text(self.ui))
        rows.append(heading(t("history")))
        history = inspections_of(self.ui.account.db, e.id)
        for i, h in enumerate(history[:20]):
            number = h["number"] or t("provisional")
            rows.append(
                ft.ListTile(
                    title=ft.Text(
                        f"{h['finished_at']:%Y-%m-%d} · {t('kind_' + h['kind']) if h['kind'] in KINDS else h['kind']}"
                    ),
                    subtitle=ft.Text(
                        f"{number} · {t('fail')} {h['failed']}"
                        + (f" · {t('refuse')}" if h["refused"] else "")
                        + (f" · {t('correction_mark')}" if h["correction"] else "")
                        + (f" · {t('superseded_mark')}" if h["superseded"] else ""),
                        color=ft.Colors.GREY_600 if h["superseded"] else None,
                    ),
                    trailing=sid(
                        f"history-notice-{i}",
                        ft.IconButton(
                            ft.Icons.PICTURE_AS_PDF,
                            tooltip=t("export_notice"),
                            on_click=lambda _, r=h["id"]: self.export_notice(r),
                        ),
                    ),
                )
            )
        if not history:
            rows.append(none_text(self.ui))
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, e.name, back="/enterprises"),
            controls=[ft.Column(rows, spacing=8, scroll=ft.ScrollMode.AUTO, expand=True)],
            padding=12,
        )
