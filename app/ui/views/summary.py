"""Summary, signatures (inspector first, then the enterprise — or its recorded refusal), submit.

A correction of a returned inspection shows the office's comment in a banner and lists the
hazards the original reported (read-only: they stay and are not reported again).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import flet as ft

from app.media.signature import SignatureError
from app.services.drafting import VisitError
from app.services.visit import VisitService, prior_hazards
from app.ui.components.common import TOUCH, appbar, heading, sid, submit_button
from app.ui.components.signature_pad import SignaturePad
from app.ui.context import Ui
from app.ui.views.visit import correction_banner


class SummaryView:
    def __init__(self, ui: Ui, draft: str) -> None:
        self.ui, self.draft_id = ui, draft
        self.route = f"/visit/{draft}/summary"
        self.service = VisitService(ui.account)
        t = ui.t
        self.summary = ft.TextField(
            label=t("summary_text"),
            multiline=True,
            min_lines=2,
            max_lines=6,
            on_change=lambda e: self.service.set_summary(self.draft_id, e.control.value or ""),
        )
        self.inspector_pad = SignaturePad("pad-inspector", t("clear"), on_change=ui.refresh)
        self.enterprise_pad = SignaturePad("pad-enterprise", t("clear"), on_change=ui.refresh)
        self.signer_name = ft.TextField(label=t("signer_name"))
        self.signer_title = ft.TextField(label=t("signer_title"))
        self.reason = ft.TextField(label=t("refusal_reason"))
        self.witness_name = ft.TextField(label=t("witness_name"))
        self.witness_title = ft.TextField(label=t("witness_title"))
        self.inspector_state = ft.Text("", color=ft.Colors.GREEN_800)
        self.enterprise_state = ft.Text("", color=ft.Colors.GREEN_800)
        self.problems = ft.Column(spacing=2)
        self.results = ft.Text("")
        self.hazards = ft.Column(spacing=0)
        self.prior = ft.Column(spacing=0)  # a correction: hazards the original reported
        self.banner: ft.Control | None = None
        self.refresh_state()

    def refresh_state(self) -> None:
        t = self.ui.t
        draft = self.service.load(self.draft_id)
        template = self.service.template(draft)
        codes = [i.code for s in template.sections for i in s.items]
        results = [draft["items"].get(c, {}).get("result") for c in codes]
        self.results.value = t(
            "results",
            p=results.count("pass"),
            f=results.count("fail"),
            n=results.count("na"),
            u=results.count(None),
        )
        self.summary.value = self.summary.value or draft["summary"]
        self.hazards.controls = [heading(t("hazards_found", n=len(draft["hazards"])))] + [
            sid(
                f"summary-hazard-{i}",
                ft.ListTile(
                    leading=ft.Icon(
                        ft.Icons.WARNING_AMBER,
                        color=ft.Colors.RED_700 if h["level"] == "major" else ft.Colors.ORANGE_700,
                    ),
                    title=ft.Text(h["title"] or "…"),
                    subtitle=ft.Text(h["responsible_name"] or ""),
                    on_click=lambda _, k=h["key"]: self.ui.go(f"/visit/{self.draft_id}/hazard/{k}"),
                ),
            )
            for i, h in enumerate(draft["hazards"])
        ]
        prior = prior_hazards(draft)
        self.prior.controls = ([heading(t("prior_hazards", n=len(prior)))] if prior else []) + [
            sid(
                f"summary-prior-hazard-{i}",
                ft.ListTile(
                    leading=ft.Icon(ft.Icons.LINK, color=ft.Colors.BLUE_GREY_600),
                    title=ft.Text(h["title"]),
                    on_click=lambda _, hid=h["hazard_id"]: self.ui.go(f"/hazard/{hid}"),
                ),
            )
            for i, h in enumerate(prior)
        ]
        self.banner = correction_banner(self.ui, draft)
        sig = draft["inspector_signature"]
        self.inspector_state.value = (
            t("signed", name=sig["signer_name"], time=_hm(sig["signed_at"])) if sig else ""
        )
        ent, refusal = draft["enterprise_signature"], draft["refusal"]
        if ent:
            self.enterprise_state.value = t(
                "signed", name=ent["signer_name"], time=_hm(ent["signed_at"])
            )
        elif refusal:
            self.enterprise_state.value = t(
                "refused", reason=refusal["reason"], witness=refusal["witness_name"]
            )
        else:
            self.enterprise_state.value = ""
        self.problems.controls = [
            ft.Text(f"• {p}", color=ft.Colors.RED_700) for p in self.service.problems(self.draft_id)
        ]

    def sign_inspector(self, _: Any = None) -> bool:
        try:
            self.service.sign_inspector(self.draft_id, self.inspector_pad.scaled())
        except SignatureError as err:
            self.ui.toast(str(err))
            return False
        self.refresh_state()
        self.ui.refresh()
        return True

    def sign_enterprise(self, _: Any = None) -> bool:
        self.signer_name.error = None
        try:
            self.service.sign_enterprise(
                self.draft_id,
                self.signer_name.value or "",
                self.signer_title.value or "",
                self.enterprise_pad.scaled(),
            )
        except VisitError as err:
            self.signer_name.error = err.fields.get("signer_name")
            self.ui.refresh()
            return False
        except SignatureError as err:
            self.ui.toast(str(err))
            return False
        self.refresh_state()
        self.ui.refresh()
        return True

    def refuse(self, _: Any = None) -> bool:
        try:
            self.service.record_refusal(
                self.draft_id,
                self.reason.value or "",
                self.witness_name.value or "",
                self.witness_title.value or "",
            )
        except VisitError as err:
            self.reason.error = self.ui.t("required") if "reason" in err.fields else None
            self.witness_name.error = (
                self.ui.t("required") if "witness_name" in err.fields else None
            )
            self.ui.refresh()
            return False
        self.reason.error = self.witness_name.error = None
        self.refresh_state()
        self.ui.refresh()
        return True

    def submit(self, _: Any = None) -> bool:
        try:
            records = self.service.submit(self.draft_id)
        except VisitError as err:
            self.refresh_state()
            self.ui.toast(self.ui.t("cannot_submit") + str(err))
            return False
        self.ui.toast(self.ui.t("submitted", n=len(records)))
        self.ui.sync_soon()
        self.ui.go("/")
        return True

    def build(self) -> ft.View:
        t = self.ui.t
        body: list[ft.Control] = [
            *([self.banner] if self.banner else []),
            sid("summary-results", self.results),
            self.prior,
            self.hazards,
            sid("summary-text", self.summary),
            heading(t("inspector_sign")),
            self.inspector_pad.control,
            ft.Row(
                [
                    sid(
                        "sign-inspector",
                        ft.FilledButton(
                            t("confirm_signature"), on_click=self.sign_inspector, height=TOUCH
                        ),
                    )
                ]
            ),
            sid("inspector-signed", self.inspector_state),
            heading(t("enterprise_sign")),
            sid("signer-name", self.signer_name),
            sid("signer-title", self.signer_title),
            self.enterprise_pad.control,
            ft.Row(
                [
                    sid(
                        "sign-enterprise",
                        ft.FilledButton(
                            t("confirm_signature"), on_click=self.sign_enterprise, height=TOUCH
                        ),
                    )
                ]
            ),
            ft.ExpansionTile(
                title=ft.Text(t("refuse")),
                controls=[
                    sid("refusal-reason", self.reason),
                    sid("witness-name", self.witness_name),
                    sid("witness-title", self.witness_title),
                    sid(
                        "record-refusal",
                        ft.OutlinedButton(t("record_refusal"), on_click=self.refuse, height=TOUCH),
                    ),
                ],
            ),
            sid("enterprise-signed", self.enterprise_state),
            self.problems,
            submit_button(self.ui, "submit-inspection", self.submit),
        ]
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, t("summary"), back=f"/visit/{self.draft_id}"),
            controls=[ft.Column(body, spacing=10, scroll=ft.ScrollMode.AUTO, expand=True)],
            padding=12,
        )


def _hm(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).strftime("%H:%M")
