"""The checklist, section by section: pass / fail / n.a., a note and photos per item.

Every change is saved to the draft at once. A failed item offers a hazard form pre-filled
from the item. A correction of a returned inspection shows the office's comment in a banner
and, on a failed item, the hazard the original already reported (read-only, it stays).
"""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.correction import correction_info
from app.services.visit import VisitService, prior_hazards
from app.store.reference import enterprise
from app.ui.components.common import TOUCH, appbar, photo_button, photo_strip, sid, take_photo
from app.ui.context import Ui
from domain.labels import short_ref
from domain.reference import TemplateItem


class VisitView:
    def __init__(self, ui: Ui, draft: str) -> None:
        self.ui = ui
        self.draft_id = draft
        self.route = f"/visit/{draft}"
        self.service = VisitService(ui.account)
        self.draft = self.service.load(draft)
        self.template = self.service.template(self.draft)
        self.enterprise = enterprise(ui.account.db, self.draft["enterprise_id"])
        self.section = min(int(self.draft.get("section", 0)), len(self.template.sections) - 1)
        self.location = ft.Text("", size=12)
        self.body = ft.Column(spacing=10, scroll=ft.ScrollMode.AUTO, expand=True)
        self.header = ft.Text("", size=15, weight=ft.FontWeight.BOLD)
        self.prev = ft.OutlinedButton(ui.t("prev"), on_click=lambda _: self.move(-1), height=TOUCH)
        self.next = ft.FilledButton(ui.t("next"), on_click=lambda _: self.move(1), height=TOUCH)
        self.render()

    # ---- state changes (each saved to the draft at once)
    def reload(self) -> None:
        self.draft = self.service.load(self.draft_id)

    def _changed(self) -> None:
        """The draft changed under the section shown: read it again and show the section."""
        self.reload()
        self.render()
        self.ui.refresh()

    def move(self, step: int) -> None:
        last = len(self.template.sections) - 1
        if step > 0 and self.section == last:
            self.ui.go(f"{self.route}/summary")
            return
        self.section = max(0, min(last, self.section + step))
        self.service.set_section(self.draft_id, self.section)
        self.render()
        self.ui.refresh()

    def set_result(self, code: str, value: str) -> None:
        self.service.set_result(self.draft_id, code, value)
        self._changed()

    def set_note(self, code: str, value: str) -> None:
        self.service.set_note(self.draft_id, code, value)

    async def add_photo(self, code: str) -> None:
        kept = await take_photo(
            self.ui, lambda data: self.service.add_item_photo(self.draft_id, code, data)
        )
        if kept is not None:
            self._changed()

    def remove_photo(self, code: str, sha: str) -> None:
        self.service.remove_item_photo(self.draft_id, code, sha)
        self._changed()

    def report_hazard(self, code: str | None) -> None:
        key = self.service.add_hazard(self.draft_id, code)
        self.ui.go(f"{self.route}/hazard/{key}")

    async def locate(self) -> None:
        location, status = await self.ui.locate()
        self.service.set_location(self.draft_id, location, status)
        self.reload()
        self._show_location()
        self.ui.refresh()

    # ---- rendering
    def _show_location(self) -> None:
        loc, status = self.draft.get("location"), self.draft.get("location_status")
        if loc:
            metres = loc.get("accuracy_m")
            self.location.value = self.ui.t(
                "location_ok",
                lat=loc["lat"],
                lon=loc["lon"],
                acc=self.ui.t("location_accuracy", m=metres) if metres else "",
            )
            self.location.color = ft.Colors.GREEN_800
        elif not self.draft.get("location_tried"):
            self.location.value, self.location.color = self.ui.t("locating"), ft.Colors.GREY_700
        else:
            key = "location_denied" if status == "denied" else "location_unavailable"
            self.location.value, self.location.color = self.ui.t(key), ft.Colors.ORANGE_800

    def _item(self, n: int, item: TemplateItem) -> ft.Control:
        t = self.ui.t
        state = self.draft["items"].get(item.code, {"result": None, "note": "", "photos": []})
        result = ft.RadioGroup(
            value=state.get("result"),
            on_change=lambda e, c=item.code: self.set_result(c, e.control.value),
            content=ft.Row(
                [ft.Radio(value=v, label=t(v)) for v in ("pass", "fail", "na")], wrap=True
            ),
        )
        note = ft.TextField(
            label=t("note"),
            value=state.get("note", ""),
            multiline=True,
            min_lines=1,
            max_lines=4,
            on_change=lambda e, c=item.code: self.set_note(c, e.control.value or ""),
        )
        title = ft.Text(f"{n}. {item.text}", size=15)
        parts: list[ft.Control] = [title]
        if item.major_if_failed:
            parts.append(
                ft.Text(
                    f"★ {t('major')}", color=ft.Colors.RED_700, size=12, weight=ft.FontWeight.BOLD
                )
            )
        if item.basis:
            parts.append(ft.Text(item.basis, size=11, color=ft.Colors.BLUE_GREY_600))
        parts += [
            sid(f"item-{item.code}-result", result),
            sid(f"item-{item.code}-note", note),
            photo_button(self.ui, f"item-{item.code}-photo", self.add_photo, item.code),
            photo_strip(
                self.ui,
                state.get("photos", []),
                lambda sha, c=item.code: self.remove_photo(c, sha),
                f"item-{item.code}-photo",
            ),
        ]
        prior = [h for h in prior_hazards(self.draft) if h.get("item_code") == item.code]
        for j, h in enumerate(prior):  # reported by the inspection this corrects: it stays
            parts.append(
                sid(
                    f"item-{item.code}-prior-hazard-{j}",
                    ft.TextButton(
                        t("prior_hazard", title=h["title"]),
                        icon=ft.Icons.LINK,
                        on_click=lambda _, hid=h["hazard_id"]: self.ui.go(f"/hazard/{hid}"),
                    ),
                )
            )
        if state.get("result") == "fail":
            linked = [h for h in self.draft["hazards"] if h.get("item_code") == item.code]
            for h in linked:
                parts.append(
                    sid(
                        f"item-{item.code}-hazard",
                        ft.TextButton(
                            f"{t('hazard_form')}：{h['title'] or '…'}",
                            icon=ft.Icons.WARNING_AMBER,
                            on_click=lambda _, k=h["key"]: self.ui.go(f"{self.route}/hazard/{k}"),
                        ),
                    )
                )
            if not linked and not prior:
                parts.append(
                    sid(
                        f"item-{item.code}-report",
                        ft.FilledButton(
                            t("report_hazard"),
                            icon=ft.Icons.REPORT,
                            bgcolor=ft.Colors.RED_700,
                            height=TOUCH,
                            on_click=lambda _, c=item.code: self.report_hazard(c),
                        ),
                    )
                )
        return ft.Card(ft.Container(ft.Column(parts, spacing=6), padding=12))

    def render(self) -> None:
        t = self.ui.t
        section = self.template.sections[self.section]
        total = len(self.template.sections)
        self.header.value = f"{t('section', i=self.section + 1, n=total)} · {section.title}"
        start = sum(len(s.items) for s in self.template.sections[: self.section])
        self.body.controls = [
            self._item(start + i + 1, item) for i, item in enumerate(section.items)
        ]
        if self.section == total - 1:
            self.body.controls.append(
                sid(
                    "add-hazard",
                    ft.TextButton(
                        t("add_hazard"),
                        icon=ft.Icons.ADD,
                        on_click=lambda _: self.report_hazard(None),
                    ),
                )
            )
        self.prev.disabled = self.section == 0
        self.next.content = t("to_summary") if self.section == total - 1 else t("next")
        self._show_location()

    def build(self) -> ft.View:
        name = self.enterprise.name if self.enterprise else ""
        if not self.draft.get("location_tried"):
            self.ui.run_async(self.locate)
        banner = correction_banner(self.ui, self.draft)
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, name, back="/"),
            controls=[
                *([banner] if banner else []),
                sid("location", self.location),
                sid("section-title", self.header),
                self.body,
                ft.Row(
                    [sid("section-prev", self.prev), sid("section-next", self.next)],
                    alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
                ),
            ],
            padding=12,
        )


def correction_banner(ui: Ui, draft: dict[str, Any]) -> ft.Control | None:
    """更正：退回意见 … — on every screen of a correction draft; None for a plain visit."""
    info = correction_info(draft)
    if info is None:
        return None
    ref = info.get("number") or short_ref(str(draft["supersedes"]))
    lines: list[ft.Control] = [
        ft.Text(
            ui.t("correction_banner", comment=info.get("comment", "")),
            weight=ft.FontWeight.BOLD,
            color=ft.Colors.RED_800,
        ),
        ft.Text(ui.t("correction_sign_again", ref=ref), size=12),
    ]
    missing = info.get("missing_photos") or []
    if missing:
        lines.append(
            sid(
                "correction-missing-photos",
                ft.Text(
                    ui.t("correction_missing_photos", n=len(missing)),
                    size=12,
                    color=ft.Colors.ORANGE_900,
                ),
            )
        )
    return sid(
        "correction-banner",
        ft.Container(
            ft.Column(lines, spacing=4),
            bgcolor=ft.Colors.AMBER_50,
            padding=10,
            border_radius=6,
        ),
    )
