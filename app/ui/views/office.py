"""The office (街道安办): review queue, one inspection, the hazard ledger, the dashboard.

Wide layout with a navigation rail; still usable on a tablet. Views render and call
services (``app.services.review``, ``office``, ``supervise``); no rules here.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services import clock
from app.services import office as office_service
from app.services.review import (
    InspectionDetail,
    ReviewService,
    blob_bytes,
    inspection_detail,
    review_queue,
)
from app.services.visit import VisitError
from app.store.blobs import thumbnail
from app.ui.components.common import TOUCH, heading, sid
from app.ui.components.nav import office_frame, role
from app.ui.components.sync_bar import SyncBar
from app.ui.context import Ui
from domain.ledger import LedgerFilter


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _photos(ui: Ui, shas: list[str], prefix: str, on_open: Any) -> ft.Control:
    """Thumbnails when the device has them; otherwise a marker that says so."""
    tiles: list[ft.Control] = []
    for i, sha in enumerate(shas):
        thumb = thumbnail(ui.account.db, sha)
        has_full = ui.account.files.has(sha)
        if thumb:
            image: ft.Control = ft.Image(
                src=thumb, width=88, height=88, fit=ft.BoxFit.COVER, border_radius=6
            )
        elif has_full:
            image = ft.Icon(ft.Icons.IMAGE, size=40)
        else:
            image = ft.Column(
                [
                    ft.Icon(ft.Icons.CLOUD_OFF, size=28, color=ft.Colors.GREY_600),
                    ft.Text(ui.t("not_downloaded"), size=10, color=ft.Colors.GREY_700),
                ],
                width=88,
                spacing=2,
            )
        tiles.append(
            sid(
                f"{prefix}-{i}",
                ft.Container(image, on_click=lambda _, s=sha: on_open(s), width=88),
            )
        )
    return ft.Row(tiles, wrap=True, spacing=8, run_spacing=8)


class ReviewQueueView:
    route = "/office/reviews"

    def __init__(self, ui: Ui) -> None:
        self.ui = ui
        self.sync_bar = SyncBar(ui)
        self.entries = review_queue(ui.account.db)

    def build(self) -> ft.View:
        t = self.ui.t
        if self.ui.sync is not None:
            self.sync_bar.show(self.ui.sync.status())
        tiles: list[ft.Control] = []
        for i, e in enumerate(self.entries):
            results = t(
                "review_results", p=e.passed, f=e.failed, n=e.na, h=e.hazards, photos=e.photos
            )
            extra = f" · {t('refused_short')}" if e.refused else ""
            tiles.append(
                sid(
                    f"review-{i}",
                    ft.ListTile(
                        leading=ft.Icon(ft.Icons.ASSIGNMENT),
                        title=ft.Text(f"{e.enterprise_name} · {e.finished_at:%Y-%m-%d %H:%M}"),
                        subtitle=ft.Text(f"{e.number or t('provisional')} · {results}{extra}"),
                        on_click=lambda _, r=e.inspection_id: self.ui.go(f"/office/review/{r}"),
                    ),
                )
            )
        body: list[ft.Control] = [
            self.sync_bar.control,
            heading(t("review_queue", n=len(self.entries))),
            *(tiles or [ft.Text(t("none"), color=ft.Colors.GREY_600)]),
        ]
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

    def notice_pdf(self) -> bytes:
        return office_service.notice_pdf(
            self.ui.account.db, self.ui.account.files, self.inspection_id
        )

    def export_notice(self, _: Any = None) -> None:
        try:
            data = self.notice_pdf()
        except Exception as err:  # the device lacks the unit or the records
            self.ui.toast(str(err))
            return
        name = f"notice-{self.detail.number or self.inspection_id[:8]}.pdf"
        if self.ui.page is not None:
            self.ui.page.run_task(self.ui.save_file, name, data)

    def build(self) -> ft.View:
        t, d = self.ui.t, self.detail
        rec = d.inspection
        result_names = {"pass": t("pass"), "fail": t("fail"), "na": t("na")}
        if rec.location is not None:
            where = f"{rec.location.lat:.5f}, {rec.location.lon:.5f}"
            if rec.location.accuracy_m is not None:
                where += f" ±{rec.location.accuracy_m:.0f}m"
        else:
            where = t("no_location_denied" if rec.location_status == "denied" else "no_location")
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
                body.append(_photos(self.ui, item.photos, f"photo-{item.code}", self.open_photo))
        body.append(self.full)
        if d.hazard_ids:
            body.append(heading(t("hazards_found", n=len(d.hazard_ids))))
            for i, hid in enumerate(d.hazard_ids):
                body.append(
                    sid(
                        f"review-hazard-{i}",
                        ft.TextButton(
                            hid[:8], on_click=lambda _, h=hid: self.ui.go(f"/hazard/{h}")
                        ),
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
            body.append(_photos(self.ui, [sig.png_sha256], f"sig-{sig.role}", self.open_photo))
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
        elif role(self.ui) == "office":  # admin pushes nothing
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


class LedgerView:
    route = "/office/ledger"

    def __init__(self, ui: Ui) -> None:
        self.ui = ui
        t = ui.t
        any_ = ft.DropdownOption(key="", text=t("any"))
        self.data = office_service.ledger(ui.account.db, LedgerFilter(), clock.today())
        self.community = ft.Dropdown(
            label=t("filter_community"),
            value="",
            width=180,
            options=[any_, *(ft.DropdownOption(key=k, text=v) for k, v in self.data.communities)],
            on_select=self.apply,
        )
        self.level = ft.Dropdown(
            label=t("filter_level"),
            value="",
            width=150,
            options=[
                any_,
                ft.DropdownOption(key="general", text=t("general")),
                ft.DropdownOption(key="major", text=t("major")),
            ],
            on_select=self.apply,
        )
        self.status = ft.Dropdown(
            label=t("filter_status"),
            value="",
            width=170,
            options=[
                any_,
                *(
                    ft.DropdownOption(key=s, text=t(f"status_{s}"))
                    for s in ("open", "rectified", "closed", "voided")
                ),
            ],
            on_select=self.apply,
        )
        self.overdue = ft.Checkbox(label=t("filter_overdue"), value=False, on_change=self.apply)
        self.counts = ft.Text("")
        self.table = ft.DataTable(columns=[], rows=[])
        self.apply()

    def chosen(self) -> LedgerFilter:
        return office_service.make_filter(
            community_id=self.community.value or None,
            level=self.level.value or None,
            status=self.status.value or None,
            overdue=True if self.overdue.value else None,
        )

    def apply(self, _: Any = None) -> None:
        t = self.ui.t
        self.data = office_service.ledger(self.ui.account.db, self.chosen(), clock.today())
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
        headers = (
            "col_number",
            "col_enterprise",
            "col_community",
            "col_title",
            "col_level",
            "col_deadline",
            "col_status",
            "col_overdue",
            "col_escalation",
        )
        self.table.columns = [ft.DataColumn(ft.Text(t(h))) for h in headers]
        self.table.rows = [
            ft.DataRow(
                cells=[
                    ft.DataCell(ft.Text(r.number, size=12)),
                    ft.DataCell(ft.Text(r.enterprise_name)),
                    ft.DataCell(ft.Text(r.community)),
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
            for i, r in enumerate(self.data.rows)
        ]
        self.ui.refresh()

    def open(self, hazard_id: str) -> None:
        self.ui.go(f"/hazard/{hazard_id}")

    def xlsx(self) -> bytes:
        return office_service.ledger_xlsx(self.ui.account.db, self.chosen(), clock.today())

    def export(self, _: Any = None) -> None:
        data = self.xlsx()
        if self.ui.page is not None:
            self.ui.page.run_task(self.ui.save_file, f"ledger-{clock.today()}.xlsx", data)

    def build(self) -> ft.View:
        t = self.ui.t
        filters = ft.Row(
            [
                sid("filter-community", self.community),
                sid("filter-level", self.level),
                sid("filter-status", self.status),
                sid("filter-overdue", self.overdue),
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
            ft.Row([self.table], scroll=ft.ScrollMode.AUTO),
        ]
        return office_frame(self.ui, self.route, t("office_ledger"), body, 1)


class DashboardView:
    route = "/office/dashboard"

    def __init__(self, ui: Ui) -> None:
        self.ui = ui
        self.summary = office_service.dashboard(ui.account.db, clock.today())

    def figures(self) -> list[tuple[str, str, str]]:
        """(semantics id, label, value) of the sub-district's headline figures."""
        t = self.ui.t
        s = self.summary.subdistrict
        y = s.year
        return [
            ("fig-coverage", t("coverage"), _pct(y.coverage)),
            ("fig-inspections", t("inspections_n"), str(y.inspections)),
            ("fig-general", t("found_general"), str(y.general_found)),
            ("fig-major", t("found_major"), str(y.major_found)),
            ("fig-rectification", t("rectification_rate"), _pct(y.rectification_rate)),
            ("fig-on-time", t("on_time_rate"), _pct(y.on_time_rate)),
            ("fig-overdue", t("overdue_now"), str(s.overdue_now)),
            ("fig-stock", t("major_stock"), str(s.major_stock)),
            ("fig-increment", t("major_increment"), str(s.major_increment)),
            ("fig-clearance", t("dynamic_clearance"), t("yes" if s.dynamic_clearance else "no")),
        ]

    def build(self) -> ft.View:
        t = self.ui.t
        cards = [
            sid(
                key,
                ft.Container(
                    ft.Column(
                        [
                            ft.Text(label, size=12, color=ft.Colors.BLUE_GREY_700),
                            ft.Text(value, size=22, weight=ft.FontWeight.BOLD),
                        ],
                        spacing=2,
                    ),
                    width=160,
                    padding=12,
                    border_radius=8,
                    bgcolor=ft.Colors.BLUE_50,
                ),
            )
            for key, label, value in self.figures()
        ]
        ranking = ft.DataTable(
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
                    ]
                )
                for r in self.summary.ranking
            ],
        )
        body: list[ft.Control] = [
            heading(
                t("dashboard_title", year=self.summary.year, today=self.summary.today.isoformat())
            ),
            ft.Row(cards, wrap=True, spacing=12, run_spacing=12),
            heading(t("ranking")),
            ft.Row([sid("ranking", ranking)], scroll=ft.ScrollMode.AUTO),
        ]
        return office_frame(self.ui, self.route, t("office_dashboard"), body, 2)
