"""A hazard: its facts, its state, every event in order, and the re-check."""

from __future__ import annotations

import flet as ft

from app.services import clock
from app.services.recheck import RecheckService
from app.services.rectify import RectifyService
from app.services.supervise import SuperviseError, SuperviseService
from app.services.visit import VisitError
from app.store.records import get_record, hazard_events, hazard_state
from app.store.reference import enterprise
from app.ui.components.common import TOUCH, appbar, days_label, heading, photo_strip, sid
from app.ui.components.nav import is_office, office_frame, role
from app.ui.context import Ui
from domain.labels import CATEGORY_ZH as CATEGORIES
from domain.lifecycle import TERMINAL, HazardStatus

EVENT_NAMES = {
    "reported": ("登记", "Reported"),
    "rectified": ("整改完成", "Rectified"),
    "rechecked": ("复查", "Re-checked"),
    "deadline_extended": ("延期", "Deadline extended"),
    "escalated": ("督办", "Escalated"),
    "closed": ("销号", "Closed"),
    "voided": ("作废", "Voided"),
}


class HazardView:
    def __init__(self, ui: Ui, id: str) -> None:
        self.ui, self.hazard_id = ui, id
        self.route = f"/hazard/{id}"
        self.new_deadline = ft.TextField(label=ui.t("new_deadline"), dense=True)
        self.reason = ft.TextField(label=ui.t("reason"), multiline=True, dense=True)

    @property
    def back(self) -> str:
        return "/office/ledger" if is_office(self.ui) else "/"

    def rectify(self, _: object = None) -> str | None:
        """整改完成上报 (the enterprise): opens the draft for this hazard."""
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

    def _office_actions(self, status: str | None) -> list[ft.Control]:
        t = self.ui.t
        if status in TERMINAL:
            return []

        def button(key: str, label: str, handler: object, filled: bool = False) -> ft.Control:
            cls = ft.FilledButton if filled else ft.OutlinedButton
            return sid(key, cls(label, on_click=handler, height=TOUCH))  # type: ignore[arg-type]

        buttons = [
            button(
                "escalate-reminder", t("escalate_reminder"), lambda _: self.escalate("reminder")
            ),
            button("escalate-listed", t("escalate_listed"), lambda _: self.escalate("listed")),
            button("extend-deadline", t("extend"), self.extend),
        ]
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

    def build(self) -> ft.View:
        t, db = self.ui.t, self.ui.account.db
        state = hazard_state(db, self.hazard_id)
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
        level = t("major") if rep.level == "major" else t("general")
        body: list[ft.Control] = [
            ft.Text(rep.title, size=18, weight=ft.FontWeight.BOLD),
            ft.Text(
                f"{number} · {e.name if e else rep.enterprise_id}",
                size=12,
                color=ft.Colors.BLUE_GREY_700,
            ),
            ft.Row(
                [
                    ft.Text(f"{level} · {t('status_' + state.status)}", weight=ft.FontWeight.BOLD),
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
        who = role(self.ui)
        if who == "enterprise" and state.status == HazardStatus.open:
            body.append(
                ft.Row(
                    [
                        sid(
                            "start-rectify",
                            ft.FilledButton(
                                t("rectify"),
                                icon=ft.Icons.TASK_ALT,
                                on_click=self.rectify,
                                height=TOUCH,
                                expand=True,
                            ),
                        )
                    ]
                )
            )
        if who == "office":  # admin works from the server shell and pushes nothing
            body += self._office_actions(state.status)
        if who == "inspector" and state.status not in TERMINAL:
            body.append(
                ft.Row(
                    [
                        sid(
                            "start-recheck",
                            ft.FilledButton(
                                t("recheck"),
                                icon=ft.Icons.FACT_CHECK,
                                on_click=self.recheck,
                                height=TOUCH,
                                expand=True,
                            ),
                        )
                    ]
                )
            )
        body.append(heading(t("timeline")))
        superseded = set(state.superseded)
        for ev in sorted(hazard_events(db, self.hazard_id), key=lambda x: (x.at, x.id)):
            zh, en = EVENT_NAMES[ev.type]
            name = en if self.ui.lang == "en" else zh
            extra = ""
            if ev.type == "rechecked":
                extra = t("recheck_passed") if ev.passed else t("recheck_failed")
            detail = getattr(ev, "note", "") or getattr(ev, "reason", "") or ""
            body.append(
                ft.ListTile(
                    title=ft.Text(f"{ev.at:%Y-%m-%d %H:%M} · {name} {extra}"),
                    subtitle=ft.Text(
                        f"{ev.created_by} {detail}".strip()
                        + ("（未生效）" if ev.id in superseded else "")
                    ),
                )
            )
            photos = getattr(ev, "photos", [])
            if photos:
                body.append(photo_strip(self.ui, photos, None, f"event-{ev.id[:8]}"))
        if is_office(self.ui):
            return office_frame(self.ui, self.route, t("hazard"), body, 1, back=self.back)
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, t("hazard"), back="/"),
            controls=[ft.Column(body, spacing=6, scroll=ft.ScrollMode.AUTO, expand=True)],
            padding=12,
        )
