"""A hazard: its facts, its state, before and after photos, every event in order, and what
the signed-in role may do next (rectify, re-check or record a rectification on the
enterprise's behalf, supervise)."""

from __future__ import annotations

import flet as ft

from app.services import clock
from app.services.drafting import VisitError
from app.services.recheck import RecheckService
from app.services.rectify import RectifyService
from app.services.supervise import SuperviseError, SuperviseService
from app.services.timeline import Timeline, TimelineEntry, hazard_timeline
from app.store.records import get_record
from app.store.reference import enterprise
from app.ui.components.common import (
    TOUCH,
    PhotoTiles,
    appbar,
    days_label,
    heading,
    level_status,
    sid,
    wide_button,
)
from app.ui.components.nav import is_office, office_frame, role
from app.ui.context import Ui
from domain.labels import CATEGORY_ZH as CATEGORIES
from domain.lifecycle import TERMINAL, HazardStatus


class HazardView:
    def __init__(self, ui: Ui, id: str) -> None:
        self.ui, self.hazard_id = ui, id
        self.route = f"/hazard/{id}"
        self.new_deadline = ft.TextField(label=ui.t("new_deadline"), dense=True)
        self.reason = ft.TextField(label=ui.t("reason"), multiline=True, dense=True)
        self.tiles: dict[str, PhotoTiles] = {}  # by semantics prefix: before, after, event-…

    @property
    def back(self) -> str:
        return "/office/ledger" if is_office(self.ui) else "/"

    def rectify(self, _: object = None) -> str | None:
        """整改完成上报 (the enterprise, or an inspector on its behalf): opens the draft."""
        try:
            draft = RectifyService(self.ui.account).start(self.hazard_id)
        except VisitError as err:
            self.ui.toast(str(err))
            return None
        self.ui.go(f"/rectify/{draft}")
        return draft

    def _supervise(self, action: str) -> bool:
        """One office action; a refused one says why next to the field and in a message."""
        service = SuperviseService(self.ui.account)
        reason = self.reason.value or ""
        self.reason.error = self.new_deadline.error = None
        try:
            if action in ("reminder", "listed"):
                service.escalate(self.hazard_id, action, reason)
            elif action == "extend":
                service.extend(self.hazard_id, self.new_deadline.value or "", reason)
            elif action == "close":
                service.close(self.hazard_id, reason)
            elif action == "void":
                service.void(self.hazard_id, reason)
            else:
                raise ValueError(action)
        except SuperviseError as err:
            self.reason.error = err.fields.get("reason")
            self.new_deadline.error = err.fields.get("new_deadline")
            self.ui.toast(str(err))
            self.ui.refresh()
            return False
        names = {
            "reminder": "escalate_reminder",
            "listed": "escalate_listed",
            "extend": "extend",
            "close": "close_hazard",
            "void": "void_hazard",
        }
        self.ui.toast(self.ui.t("action_done", what=self.ui.t(names[action])))
        self.ui.sync_soon()
        self.ui.rebuild()
        return True

    def escalate(self, mode: str) -> bool:
        return self._supervise(mode)

    def extend(self, _: object = None) -> bool:
        return self._supervise("extend")

    def close(self, _: object = None) -> bool:
        return self._supervise("close")

    def void(self, _: object = None) -> bool:
        return self._supervise("void")

    def _office_actions(self, status: str | None, escalation: str | None) -> list[ft.Control]:
        t = self.ui.t
        if status in TERMINAL:
            return []

        def button(key: str, label: str, handler: object, filled: bool = False) -> ft.Control:
            cls = ft.FilledButton if filled else ft.OutlinedButton
            return sid(key, cls(label, on_click=handler, height=TOUCH))  # type: ignore[arg-type]

        buttons = []
        if escalation is None:  # 挂牌督办 is the stronger step: after it, no reminder
            buttons.append(
                button(
                    "escalate-reminder",
                    t("escalate_reminder"),
                    lambda _: self.escalate("reminder"),
                )
            )
        if escalation != "listed":
            buttons.append(
                button("escalate-listed", t("escalate_listed"), lambda _: self.escalate("listed"))
            )
        buttons.append(button("extend-deadline", t("extend"), self.extend))
        if status == HazardStatus.rectified:
            buttons.append(button("close-hazard", t("close_hazard"), self.close, filled=True))
        buttons.append(button("void-hazard", t("void_hazard"), self.void))
        return [
            heading(t("supervise")),
            sid("supervise-reason", self.reason),
            sid("supervise-deadline", self.new_deadline),
            ft.Row(buttons, wrap=True, spacing=8, run_spacing=8),
        ]

    def recheck(self, _: object = None) -> str | None:
        try:
            draft = RecheckService(self.ui.account).start(self.hazard_id)
        except VisitError as err:
            self.ui.toast(str(err))
            return None
        self.ui.go(f"/recheck/{draft}")
        return draft

    def _actions(self, status: str | None, escalation: str | None = None) -> list[ft.Control]:
        t, who = self.ui.t, role(self.ui)
        out: list[ft.Control] = []
        if who == "enterprise" and RectifyService(self.ui.account).may_start(self.hazard_id):
            out.append(wide_button("start-rectify", t("rectify"), ft.Icons.TASK_ALT, self.rectify))
        if who == "office":  # admin works from the server shell and pushes nothing
            out += self._office_actions(status, escalation)
        if who == "inspector" and status not in TERMINAL:
            out.append(
                wide_button("start-recheck", t("recheck"), ft.Icons.FACT_CHECK, self.recheck)
            )
            if RectifyService(self.ui.account).may_start(self.hazard_id):
                out.append(
                    wide_button(
                        "start-rectify-on-behalf",
                        t("rectify_on_behalf"),
                        ft.Icons.ASSIGNMENT_IND,
                        self.rectify,
                        outlined=True,
                    )
                )
        return out

    def _photos(self, shas: list[str], prefix: str) -> ft.Control:
        tiles = PhotoTiles(self.ui, shas, prefix)
        self.tiles[prefix] = tiles
        return tiles.control

    def _before_after(self, timeline: Timeline) -> list[ft.Control]:
        """整改前 / 整改后: the reported photos beside the latest rectification's."""
        t = self.ui.t

        def side(label: str, shas: list[str], prefix: str, empty: str) -> ft.Control:
            content: ft.Control = (
                self._photos(shas, prefix)
                if shas
                else ft.Text(empty, size=12, color=ft.Colors.GREY_600)
            )
            return ft.Column(
                [ft.Text(label, weight=ft.FontWeight.BOLD), content], spacing=4, expand=True
            )

        return [
            heading(t("before_after")),
            sid(
                "before-after",
                ft.Row(
                    [
                        side(t("before_label"), timeline.before, "before", t("none")),
                        side(t("after_label"), timeline.after, "after", t("no_after_yet")),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                    spacing=12,
                ),
            ),
        ]

    def _entry(self, i: int, entry: TimelineEntry, timeline: Timeline) -> list[ft.Control]:
        """One event: what, when; who (and on whose behalf), where, note, signer."""
        t = self.ui.t
        name = t(f"event_{entry.type}")
        extra = ""
        if entry.type == "rechecked":
            extra = t("recheck_passed") if entry.event.passed else t("recheck_failed")  # type: ignore[union-attr]
        elif entry.type == "escalated":  # 督办提醒 or 挂牌督办
            extra = t(f"escalate_{entry.event.mode}")  # type: ignore[union-attr]
        elif entry.type == "deadline_extended":
            extra = f"→ {entry.event.new_deadline}"  # type: ignore[union-attr]
        who = t("event_by", name=entry.who)
        if entry.on_behalf:
            who += f" · {t('on_behalf_mark')}"
        lines = [who]
        if entry.where:
            lines.append(t("event_where", where=entry.where))
        if entry.detail:
            lines.append(entry.detail)
        if entry.signer:
            lines.append(t("event_signed", name=entry.signer))
        title = f"{entry.at:%Y-%m-%d %H:%M} · {name} {extra}".strip()
        if entry.superseded:  # kept, shown, but not part of the hazard's state
            title += t("not_in_effect")
        out: list[ft.Control] = [
            sid(
                f"event-{i}",
                ft.ListTile(
                    title=ft.Text(title, color=ft.Colors.GREY_600 if entry.superseded else None),
                    subtitle=ft.Text("\n".join(lines)),
                    is_three_line=len(lines) > 1,
                ),
            )
        ]
        shown_above = entry.type == "reported" or entry.event.id == timeline.after_event_id
        if entry.photos and not shown_above:
            out.append(self._photos(entry.photos, f"event-{i}-photo"))
        if entry.signature_pngs:
            out.append(self._photos(entry.signature_pngs, f"event-{i}-sig"))
        return out

    def build(self) -> ft.View:
        t, db = self.ui.t, self.ui.account.db
        timeline = hazard_timeline(db, self.hazard_id)
        state = timeline.state
        rep = state.reported
        if rep is None:
            return ft.View(
                route=self.route,
                appbar=appbar(self.ui, t("hazard"), back=self.back),
                controls=[ft.Text(t("none"))],
            )
        e = enterprise(db, rep.enterprise_id)
        row = get_record(db, rep.id)
        number = (row or {}).get("number") or t("provisional")
        text, color = days_label(
            self.ui, state.days_left(clock.today()), state.is_overdue(clock.today())
        )
        body: list[ft.Control] = [
            ft.Text(rep.title, size=18, weight=ft.FontWeight.BOLD),
            ft.Text(
                f"{number} · {e.name if e else rep.enterprise_id}",
                size=12,
                color=ft.Colors.BLUE_GREY_700,
            ),
            ft.Row(
                [
                    ft.Text(
                        level_status(self.ui, rep.level, state.status), weight=ft.FontWeight.BOLD
                    ),
                    ft.Text(text, color=color),
                ],
                wrap=True,
            ),
            ft.Text(f"{t('place')}：{rep.place}"),
            ft.Text(f"{t('description')}：{rep.description or '—'}"),
            ft.Text(f"{t('category')}：{rep.category} {CATEGORIES.get(rep.category, '')}"),
            ft.Text(f"{t('basis')}：{rep.basis or '—'}", size=12),
            ft.Text(f"{t('measures')}：{rep.measures}"),
            ft.Text(f"{t('responsible_name')}：{rep.responsible_name} {rep.responsible_phone}"),
            ft.Text(f"{t('deadline')}：{state.deadline}  {t('funds')}：{rep.funds_yuan}"),
            ft.Text(f"{t('interim')}：{rep.interim_measures or '—'}"),
        ]
        if state.escalation:
            body.append(
                ft.Text(
                    t(f"escalated_{state.escalation}"),
                    color=ft.Colors.RED_700,
                    weight=ft.FontWeight.BOLD,
                )
            )
        body += self._actions(state.status, state.escalation)
        self.tiles = {}
        body += self._before_after(timeline)
        body.append(heading(t("timeline")))
        for i, entry in enumerate(timeline.entries):
            body += self._entry(i, entry, timeline)
        if is_office(self.ui):
            return office_frame(self.ui, self.route, t("hazard"), body, 1, back=self.back)
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, t("hazard"), back="/"),
            controls=[ft.Column(body, spacing=6, scroll=ft.ScrollMode.AUTO, expand=True)],
            padding=12,
        )
