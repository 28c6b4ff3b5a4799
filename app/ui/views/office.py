"""The office (街道安办): review queue, one inspection, the hazard ledger, the dashboard.

Wide layout with a navigation rail; still usable on a tablet. Views render and call
services (``app.services.review``, ``office``, ``supervise``); no rules here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import flet as ft

from app.services import clock, documents
from app.services import office as office_service
from app.services.drafting import VisitError
from app.services.review import (
    InspectionDetail,
    ReviewService,
    blob_bytes,
    inspection_detail,
    review_queue,
)
from app.services.timeline import location_text
from app.ui.components.charts import month_chart, rate_chart
from app.ui.components.common import TOUCH, export_notice, heading, none_text, photo_tiles, sid
from app.ui.components.nav import office_frame, role
from app.ui.components.sync_bar import SyncBar
from app.ui.context import Ui
from domain.ledger import LedgerFilter
from domain.lifecycle import HazardStatus
from domain.records import HazardLevel, HazardSource

QUEUE_PAGE = 100  # newest first; a long backlog is worked from the top


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class ReviewQueueView:
    route = "/office/reviews"

    def __init__(self, ui: Ui) -> None:
        self.ui = ui
        self.sync_bar = SyncBar(ui)
        self.entries = review_queue(ui.account.db)

    def build(self) -> ft.View:
        t = self.ui.t
        tiles: list[ft.Control] = []
        for i, e in enumerate(self.entries[:QUEUE_PAGE]):
            results = t(
                "review_results", p=e.passed, f=e.failed, n=e.na, h=e.hazards, photos=e.photos
            )
            extra = f" · {t('refused_short')}" if e.refused else ""
            subtitle: ft.Control = ft.Text(f"{e.number or t('provisional')} · {results}{extra}")
            if e.supersedes is not None:  # a correction (更正) of an inspection sent back
                subtitle = ft.Column(
                    [
                        sid(
                            f"review-correction-{i}",
                            ft.Text(
                                t("correction_of", ref=e.supersedes.label),
                                color=ft.Colors.ORANGE_900,
                                weight=ft.FontWeight.BOLD,
                            ),
                        ),
                        subtitle,
                    ],
                    spacing=2,
                )
            tiles.append(
                sid(
                    f"review-{i}",
                    ft.ListTile(
                        leading=ft.Icon(
                            ft.Icons.EDIT_NOTE if e.supersedes else ft.Icons.ASSIGNMENT
                        ),
                        title=ft.Text(f"{e.enterprise_name} · {e.finished_at:%Y-%m-%d %H:%M}"),
                        subtitle=subtitle,
                        on_click=lambda _, r=e.inspection_id: self.ui.go(f"/office/review/{r}"),
                    ),
                )
            )
        body: list[ft.Control] = [
            self.sync_bar.control,
            heading(t("review_queue", n=len(self.entries))),
            *(tiles or [none_text(self.ui)]),
        ]
        if len(self.entries) > QUEUE_PAGE:
            body.append(
                ft.Text(
                    t("queue_more", shown=QUEUE_PAGE, total=len(self.entries)),
                    size=12,
                    color=ft.Colors.GREY_700,
                )
            )
        return office_frame(self.ui, self.route, t("office_reviews"), body, 0)


class ReviewView:
    def __init__(self, ui: Ui, id: str) -> None:
        self.ui, self.inspection_id = ui, id
        self.route = f"/office/review/{id}"
        self.detail: InspectionDetail = inspection_detail(ui.account.db, id)
        self.comment = ft.TextField(label=ui.t("review_comment"), multiline=True, min_lines=2)
        self.full = ft.Column()  # the full-size photo, when asked for

    def open_photo(self, sha: str) -> bool:
        """Show the photo full size; False (and a note) when the device does not hold it."""
        data = blob_bytes(self.ui.account.files, sha)
        if data is None:
            self.full.controls = [ft.Text(self.ui.t("not_downloaded"), color=ft.Colors.GREY_700)]
            self.ui.refresh()
            return False
        self.full.controls = [
            sid("photo-full", ft.Image(src=data, fit=ft.BoxFit.CONTAIN, width=800))
        ]
        self.ui.refresh()
        return True

    def decide(self, decision: str) -> bool:
        self.comment.error = None
        try:
            ReviewService(self.ui.account).decide(
                self.inspection_id, decision, self.comment.value or ""
            )
        except VisitError as err:
            self.comment.error = err.fields.get("comment")
            self.ui.toast(str(err))
            self.ui.refresh()
            return False
        self.ui.toast(self.ui.t("approved" if decision == "approved" else "returned"))
        self.ui.sync_soon()
        self.ui.go("/office/reviews")
        return True

    def approve(self, _: Any = None) -> bool:
        return self.decide("approved")

    def send_back(self, _: Any = None) -> bool:
        return self.decide("returned")

    def export_notice(self, _: Any = None) -> bool:
        return export_notice(self.ui, self.inspection_id)

    def _link(self, identifier: str, text: str, inspection_id: str) -> ft.Control:
        """The inspection this one corrects, or one that corrects it: taps open its review."""
        return sid(
            identifier,
            ft.Container(
                ft.Text(text, color=ft.Colors.ORANGE_900, weight=ft.FontWeight.BOLD),
                on_click=lambda _: self.ui.go(f"/office/review/{inspection_id}"),
            ),
        )

    def build(self) -> ft.View:
        t, d = self.ui.t, self.detail
        rec = d.inspection
        result_names = {"pass": t("pass"), "fail": t("fail"), "na": t("na")}
        where = location_text(rec.location) or t(
            "no_location_denied" if rec.location_status == "denied" else "no_location"
        )
        body: list[ft.Control] = [
            ft.Text(d.enterprise_name, size=18, weight=ft.FontWeight.BOLD),
            ft.Text(
                f"{d.number or t('provisional')} · "
                f"{rec.finished_at.astimezone(clock.ZONE):%Y-%m-%d %H:%M}",
                size=12,
                color=ft.Colors.BLUE_GREY_700,
            ),
            ft.Text(f"{t('inspectors')}：{'、'.join(d.inspector_names)}"),
            ft.Text(f"{t('location')}：{where}"),
            sid(
                "integrity",
                ft.Text(
                    f"{t('integrity')}：{d.integrity_text}",
                    color=ft.Colors.GREEN_800 if d.integrity_ok else ft.Colors.RED_700,
                    weight=ft.FontWeight.BOLD,
                ),
            ),
        ]
        if d.supersedes is not None:
            body.append(
                self._link(
                    "review-supersedes", t("correction_of", ref=d.supersedes.label), d.supersedes.id
                )
            )
        body += [
            self._link(f"review-superseded-by-{i}", t("superseded_by", ref=later.label), later.id)
            for i, later in enumerate(d.superseded_by)
        ]
        if rec.summary:
            body.append(ft.Text(f"{t('summary')}：{rec.summary}"))
        body.append(heading(t("items")))
        for item in d.items:
            color = ft.Colors.RED_700 if item.result == "fail" else None
            body.append(
                ft.Text(
                    f"{item.code} {item.text} — {result_names.get(item.result, item.result)}"
                    + (f"（{item.note}）" if item.note else ""),
                    color=color,
                )
            )
            if item.photos:
                body.append(
                    photo_tiles(self.ui, item.photos, f"photo-{item.code}", self.open_photo)
                )
        body.append(self.full)
        if d.hazard_ids:
            body.append(heading(t("hazards_found", n=len(d.hazard_ids))))
            for i, (hid, line) in enumerate(zip(d.hazard_ids, d.hazard_lines, strict=True)):
                body.append(
                    sid(
                        f"review-hazard-{i}",
                        ft.TextButton(line, on_click=lambda _, h=hid: self.ui.go(f"/hazard/{h}")),
                    )
                )
        body.append(heading(t("signatures")))
        for sig in rec.signatures:
            who = t("inspector_sign") if sig.role == "inspector" else t("enterprise_sign")
            body.append(
                ft.Text(
                    f"{who}：{sig.signer_name} {sig.signer_title or ''} "
                    f"{sig.signed_at.astimezone(clock.ZONE):%Y-%m-%d %H:%M}"
                )
            )
            body.append(photo_tiles(self.ui, [sig.png_sha256], f"sig-{sig.role}", self.open_photo))
        if rec.refusal is not None:
            body.append(
                ft.Text(
                    t("refused", reason=rec.refusal.reason, witness=rec.refusal.witness_name),
                    color=ft.Colors.RED_700,
                )
            )
        body.append(
            sid(
                "export-notice",
                ft.OutlinedButton(
                    t("export_notice"), icon=ft.Icons.PICTURE_AS_PDF, on_click=self.export_notice
                ),
            )
        )
        if d.reviews:
            for r in d.reviews:
                body.append(
                    ft.Text(
                        f"{t(r.decision)} {r.at.astimezone(clock.ZONE):%Y-%m-%d %H:%M} {r.comment}",
                        weight=ft.FontWeight.BOLD,
                    )
                )
        elif role(self.ui) == "office" and not d.superseded_by:  # admin pushes nothing
            body += [
                sid("review-comment", self.comment),
                ft.Row(
                    [
                        sid(
                            "review-approve",
                            ft.FilledButton(
                                t("approve"),
                                icon=ft.Icons.CHECK,
                                on_click=self.approve,
                                height=TOUCH,
                            ),
                        ),
                        sid(
                            "review-return",
                            ft.OutlinedButton(
                                t("return"),
                                icon=ft.Icons.UNDO,
                                on_click=self.send_back,
                                height=TOUCH,
                            ),
                        ),
                    ],
                    spacing=12,
                ),
            ]
        return office_frame(self.ui, self.route, t("review"), body, 0, back="/office/reviews")


LEVELS = [x.value for x in HazardLevel]
STATUSES = [x.value for x in HazardStatus]
SOURCES = [x.value for x in HazardSource]
# (column text key, sort key or None)
LEDGER_COLUMNS = (
    ("col_number", "number"),
    ("col_enterprise", "enterprise"),
    ("col_community", "community"),
    ("col_found", "found"),
    ("col_title", None),
    ("col_level", "level"),
    ("col_deadline", "deadline"),
    ("col_status", "status"),
    ("col_overdue", "overdue"),
    ("col_escalation", None),
)


class LedgerView:
    """隐患台账: every filter of the ledger, sortable columns, counts, export of the same rows."""

    route = "/office/ledger"
    takes_query = True

    def __init__(self, ui: Ui, query: dict[str, str] | None = None) -> None:
        self.ui = ui
        t = ui.t
        start = LedgerFilter()
        try:
            start = office_service.make_filter(**(query or {}))
        except office_service.FilterError as err:  # a bad link: say so, show everything
            ui.toast(str(err))
        self.sort_key: str | None = None
        self.ascending = True

        def choice(
            label: str, value: str | None, width: int, options: list[tuple[str, str]] | None = None
        ) -> ft.Dropdown:
            return ft.Dropdown(
                label=t(label),
                value=value or "",
                width=width,
                options=self._options(options or []),
                on_select=self.apply,
            )

        # the places and sectors to choose from come with the ledger, read below
        self.community = choice("filter_community", start.community_id, 180)
        self.grid = choice("filter_grid", start.grid_id, 180)
        self.sector = choice("filter_sector", start.sector, 180)
        self.level = choice("filter_level", start.level, 150, [(k, t(k)) for k in LEVELS])
        self.status = choice(
            "filter_status", start.status, 170, [(k, t(f"status_{k}")) for k in STATUSES]
        )
        self.source = choice(
            "filter_source", start.source, 170, [(k, t(f"source_{k}")) for k in SOURCES]
        )
        self.overdue = ft.Checkbox(
            label=t("filter_overdue"), value=bool(start.overdue), on_change=self.apply
        )

        def day(label: str, value: dt.date | None) -> ft.TextField:
            return ft.TextField(
                label=t(label),
                value=value.isoformat() if value else "",
                width=170,
                dense=True,
                on_submit=self.apply,
                on_blur=self.apply,
            )

        self.date_from = day("filter_date_from", start.date_from)
        self.date_to = day("filter_date_to", start.date_to)
        self.counts = ft.Text("")
        self.more = ft.Text("", size=12, color=ft.Colors.GREY_700)
        self.table = ft.DataTable(
            columns=[
                ft.DataColumn(
                    ft.Text(t(label)), on_sort=(lambda _, k=key: self.sort_by(k)) if key else None
                )
                for label, key in LEDGER_COLUMNS
            ],
            rows=[],
        )
        self.apply()  # the fields hold a filter already checked: this reads the ledger
        self.community.options = self._options(self.data.communities)
        self.grid.options = self._options(self.data.grids)
        self.sector.options = self._options([(x, x) for x in self.data.sectors])

    def _options(self, choices: list[tuple[str, str]]) -> list[ft.DropdownOption]:
        """全部 (no filter), then the choices as (key, text)."""
        return [
            ft.DropdownOption(key="", text=self.ui.t("any")),
            *(ft.DropdownOption(key=k, text=v) for k, v in choices),
        ]

    def chosen(self) -> LedgerFilter:
        """The filter on screen; a date that does not parse is marked next to its field."""
        self.date_from.error = self.date_to.error = None
        try:
            return office_service.make_filter(
                community_id=self.community.value,
                grid_id=self.grid.value,
                sector=self.sector.value,
                level=self.level.value,
                status=self.status.value,
                source=self.source.value,
                overdue=True if self.overdue.value else None,
                date_from=(self.date_from.value or "").strip(),
                date_to=(self.date_to.value or "").strip(),
            )
        except office_service.FilterError as err:
            self.date_from.error = self.ui.t("date_format")
            self.date_to.error = self.ui.t("date_format")
            self.ui.toast(str(err))
            raise

    def clear(self, _: Any = None) -> None:
        for box in (self.community, self.grid, self.sector, self.level, self.status, self.source):
            box.value = ""
        self.overdue.value = False
        self.date_from.value = self.date_to.value = ""
        self.apply()

    def sort_by(self, key: str) -> None:
        """Tap a header: sort by it; tap again: the other way round."""
        self.ascending = not self.ascending if self.sort_key == key else True
        self.sort_key = key
        self.apply()

    def apply(self, _: Any = None) -> None:
        t = self.ui.t
        try:
            chosen = self.chosen()
        except office_service.FilterError:
            self.ui.refresh()
            return
        self.data = office_service.ledger(self.ui.account.db, chosen, clock.today())
        c = self.data.counts
        self.counts.value = t(
            "ledger_counts",
            total=c.total,
            open=c.open,
            rectified=c.rectified,
            closed=c.closed,
            voided=c.voided,
            overdue=c.overdue,
            major=c.major,
        )
        rows = self.data.rows
        if self.sort_key is not None:
            rows = office_service.sort_rows(rows, self.sort_key, self.ascending)
        shown = rows[: office_service.LEDGER_PAGE]
        self.more.value = (
            t("ledger_more", shown=len(shown), total=len(rows)) if len(rows) > len(shown) else ""
        )
        keys = [key for _, key in LEDGER_COLUMNS]
        self.table.sort_column_index = keys.index(self.sort_key) if self.sort_key else None
        self.table.sort_ascending = self.ascending
        self.table.rows = [
            ft.DataRow(
                cells=[
                    ft.DataCell(ft.Text(r.number, size=12)),
                    ft.DataCell(ft.Text(r.enterprise_name)),
                    ft.DataCell(ft.Text(r.community)),
                    ft.DataCell(ft.Text(r.inspected_on.isoformat(), size=12)),
                    ft.DataCell(sid(f"ledger-row-{i}", ft.Text(r.title))),
                    ft.DataCell(ft.Text(r.level)),
                    ft.DataCell(ft.Text(r.deadline.isoformat() if r.deadline else "")),
                    ft.DataCell(ft.Text(r.status)),
                    ft.DataCell(
                        ft.Text(
                            str(r.overdue_days) if r.overdue_days is not None else "",
                            color=ft.Colors.RED_700,
                        )
                    ),
                    ft.DataCell(ft.Text(r.escalation)),
                ],
                on_select_change=lambda _, h=r.hazard_id: self.open(h),
            )
            for i, r in enumerate(shown)
        ]
        self.ui.refresh()

    def open(self, hazard_id: str) -> None:
        self.ui.go(f"/hazard/{hazard_id}")

    def export(self, _: Any = None) -> None:
        try:
            chosen = self.chosen()
        except office_service.FilterError:
            return
        doc = documents.ledger(self.ui.account, chosen, clock.today())
        self.ui.offer_file(doc.name, doc.data)

    def build(self) -> ft.View:
        t = self.ui.t
        filters = ft.Row(
            [
                sid("filter-community", self.community),
                sid("filter-grid", self.grid),
                sid("filter-sector", self.sector),
                sid("filter-level", self.level),
                sid("filter-status", self.status),
                sid("filter-source", self.source),
                sid("filter-date-from", self.date_from),
                sid("filter-date-to", self.date_to),
                sid("filter-overdue", self.overdue),
                sid(
                    "filter-clear",
                    ft.TextButton(
                        t("clear_filters"), icon=ft.Icons.FILTER_ALT_OFF, on_click=self.clear
                    ),
                ),
                sid(
                    "export-ledger",
                    ft.OutlinedButton(
                        t("export_ledger"), icon=ft.Icons.DOWNLOAD, on_click=self.export
                    ),
                ),
            ],
            wrap=True,
            spacing=12,
            run_spacing=8,
        )
        body: list[ft.Control] = [
            filters,
            sid("ledger-counts", self.counts),
            self.more,
            ft.Row([self.table], scroll=ft.ScrollMode.AUTO),
        ]
        return office_frame(self.ui, self.route, t("office_ledger"), body, 1)


def _card(key: str, label: str, value: str, target: str | None, ui: Ui) -> ft.Control:
    """One headline figure; with a target it opens the ledger rows behind it."""
    column = [
        ft.Text(label, size=12, color=ft.Colors.BLUE_GREY_700),
        ft.Text(value, size=22, weight=ft.FontWeight.BOLD),
    ]
    if target is not None:
        column.append(ft.Text(ui.t("see_rows"), size=11, color=ft.Colors.BLUE_700))
    return sid(
        key,
        ft.Container(
            ft.Column(column, spacing=2),
            width=160,
            padding=12,
            border_radius=8,
            bgcolor=ft.Colors.BLUE_50,
            on_click=(lambda _: ui.go(target)) if target is not None else None,
            ink=target is not None,
        ),
    )


class DashboardView:
    """统计: the sub-district or one community, one year; figures, charts, the drill-downs."""

    route = "/office/dashboard"
    takes_query = True

    def __init__(self, ui: Ui, query: dict[str, str] | None = None) -> None:
        self.ui = ui
        query = query or {}
        asked = int(query["year"]) if query.get("year", "").isdigit() else None
        page = office_service.dashboard_page(
            ui.account.db, clock.today(), asked, query.get("community_id") or None
        )
        self.years, self.year, self.summary = page.years, page.year, page.summary
        self.community_id, self.scope = page.community_id, page.scope
        self.overdue_majors = page.overdue_majors

    def ledger_link(self, **choices: object) -> str:
        """The ledger's route for these choices within the dashboard's community."""
        chosen = office_service.make_filter(community_id=self.community_id, **choices)
        return "/office/ledger" + office_service.filter_query(chosen)

    def choose(self, year: int | None = None, community_id: str | None = None) -> None:
        """Another year or scope: the dashboard's route carries both."""
        year = year if year is not None else self.year
        parts = [f"year={year}"]
        if community_id:
            parts.append(f"community_id={community_id}")
        self.ui.go(f"{self.route}?{'&'.join(parts)}")

    def figures(self) -> list[tuple[str, str, str, str | None]]:
        """(semantics id, label, value, ledger link) of the chosen scope's headline figures."""
        t = self.ui.t
        s, y = self.scope, self.scope.year
        first, last = f"{self.year}-01-01", f"{self.year}-12-31"
        stock_end = f"{self.summary.rules.stock_until_year}-12-31"
        return [
            ("fig-coverage", t("coverage"), _pct(y.coverage), None),
            ("fig-inspections", t("inspections_n"), str(y.inspections), None),
            (
                "fig-general",
                t("found_general"),
                str(y.general_found),
                self.ledger_link(level="general", date_from=first, date_to=last),
            ),
            (
                "fig-major",
                t("found_major"),
                str(y.major_found),
                self.ledger_link(level="major", date_from=first, date_to=last),
            ),
            ("fig-rectification", t("rectification_rate"), _pct(y.rectification_rate), None),
            ("fig-on-time", t("on_time_rate"), _pct(y.on_time_rate), None),
            ("fig-overdue", t("overdue_now"), str(s.overdue_now), self.ledger_link(overdue=True)),
            (
                "fig-overdue-major",
                t("overdue_majors_now"),
                str(s.overdue_majors_now),
                self.ledger_link(level="major", overdue=True),
            ),
            (
                "fig-stock",
                t("major_stock"),
                str(s.major_stock),
                self.ledger_link(level="major", date_to=stock_end),
            ),
            ("fig-increment", t("major_increment"), str(s.major_increment), None),
            (
                "fig-clearance",
                t("dynamic_clearance"),
                t("yes" if s.dynamic_clearance else "no"),
                None,
            ),
        ]

    def _pickers(self) -> ft.Row:
        t = self.ui.t
        year = ft.Dropdown(
            label=t("year"),
            value=str(self.year),
            width=120,
            options=[ft.DropdownOption(key=str(y), text=str(y)) for y in self.years],
            on_select=lambda e: self.choose(int(e.control.value), self.community_id),
        )
        scope = ft.Dropdown(
            label=t("scope"),
            value=self.community_id or "",
            width=200,
            options=[
                ft.DropdownOption(key="", text=t("subdistrict")),
                *(
                    ft.DropdownOption(key=c.community_id or "", text=c.name)
                    for c in self.summary.communities
                ),
            ],
            on_select=lambda e: self.choose(self.year, e.control.value or None),
        )
        return ft.Row([sid("dash-year", year), sid("dash-scope", scope)], spacing=12, wrap=True)

    def _overdue_list(self) -> list[ft.Control]:
        t = self.ui.t
        if not self.overdue_majors:
            return [none_text(self.ui)]
        return [
            sid(
                f"overdue-major-{i}",
                ft.ListTile(
                    leading=ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.RED_700),
                    title=ft.Text(f"{r.enterprise_name} · {r.title}"),
                    subtitle=ft.Text(
                        t("overdue_line", number=r.number, community=r.community, n=r.overdue_days)
                        + (f" · {r.escalation}" if r.escalation else "")
                    ),
                    on_click=lambda _, h=r.hazard_id: self.ui.go(f"/hazard/{h}"),
                ),
            )
            for i, r in enumerate(self.overdue_majors)
        ]

    def _month_table(self) -> ft.DataTable:
        t = self.ui.t
        headers = (
            "col_month",
            "inspections_n",
            "found_general",
            "found_major",
            "col_closed",
            "rectification_rate",
            "col_overdue_n",
        )
        return ft.DataTable(
            columns=[ft.DataColumn(ft.Text(t(h)), numeric=i > 0) for i, h in enumerate(headers)],
            rows=[
                ft.DataRow(
                    cells=[
                        ft.DataCell(ft.Text(m.period)),
                        ft.DataCell(ft.Text(str(m.inspections))),
                        ft.DataCell(ft.Text(str(m.general_found))),
                        ft.DataCell(ft.Text(str(m.major_found))),
                        ft.DataCell(ft.Text(str(m.closed))),
                        ft.DataCell(
                            ft.Text(_pct(m.rectification_rate if m.hazards_found else None))
                        ),
                        ft.DataCell(ft.Text(str(m.overdue))),
                    ]
                )
                for m in self.scope.months
            ],
        )

    def _ranking(self) -> ft.DataTable:
        t = self.ui.t
        return ft.DataTable(
            columns=[
                ft.DataColumn(ft.Text(t(k)))
                for k in (
                    "col_rank",
                    "col_community",
                    "dynamic_clearance",
                    "overdue_now",
                    "rectification_rate",
                    "on_time_rate",
                    "coverage",
                    "found_major",
                )
            ],
            rows=[
                ft.DataRow(
                    cells=[
                        ft.DataCell(ft.Text(str(r.rank))),
                        ft.DataCell(ft.Text(r.name)),
                        ft.DataCell(ft.Text(t("yes" if r.dynamic_clearance else "no"))),
                        ft.DataCell(ft.Text(str(r.overdue))),
                        ft.DataCell(ft.Text(_pct(r.rectification_rate))),
                        ft.DataCell(ft.Text(_pct(r.on_time_rate))),
                        ft.DataCell(ft.Text(_pct(r.coverage))),
                        ft.DataCell(ft.Text(str(r.major_found))),
                    ],
                    on_select_change=lambda _, c=r.community_id: self.choose(self.year, c),
                )
                for r in self.summary.ranking
            ],
        )

    def build(self) -> ft.View:
        t = self.ui.t
        cards = [
            _card(key, label, value, target, self.ui)
            for key, label, value, target in self.figures()
        ]
        labels = {"general": t("general"), "major": t("major"), "closed": t("col_closed")}
        ranking = self.summary.ranking
        body: list[ft.Control] = [
            self._pickers(),
            heading(
                t(
                    "dashboard_title",
                    year=self.summary.year,
                    today=self.summary.today.isoformat(),
                )
                + f" · {self.scope.name}"
            ),
            ft.Row(cards, wrap=True, spacing=12, run_spacing=12),
            heading(t("overdue_majors_list", n=self.scope.overdue_majors_now)),
            *self._overdue_list(),
            heading(t("by_month")),
            sid("chart-months", month_chart(office_service.month_bars(self.scope.months), labels)),
            ft.Row([sid("month-table", self._month_table())], scroll=ft.ScrollMode.AUTO),
            heading(t("ranking")),
            sid(
                "chart-ranking",
                rate_chart(
                    [r.name for r in ranking],
                    [r.rectification_rate for r in ranking],
                    t("rectification_rate"),
                ),
            ),
            ft.Row([sid("ranking", self._ranking())], scroll=ft.ScrollMode.AUTO),
        ]
        return office_frame(self.ui, self.route, t("office_dashboard"), body, 2)
