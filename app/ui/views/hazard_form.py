"""The hazard form with the five must-haves (责任、措施、资金、时限、预案); messages next to fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

import flet as ft

from app.services import clock
from app.services.visit import DEADLINE_PRESETS, VisitService
from app.ui.components.common import (
    appbar,
    photo_button,
    photo_strip,
    sid,
    take_photo,
    wide_button,
)
from app.ui.context import Ui
from domain.labels import CATEGORY_ZH as CATEGORIES

TEXT_FIELDS = (
    "title",
    "description",
    "place",
    "basis",
    "measures",
    "responsible_name",
    "responsible_phone",
    "funds_yuan",
    "interim_measures",
)
MULTILINE = {"description", "measures", "interim_measures", "basis"}
LABELS = {"funds_yuan": "funds", "interim_measures": "interim"}  # the others: the field's name
KEYBOARDS = {"responsible_phone": ft.KeyboardType.PHONE, "funds_yuan": ft.KeyboardType.NUMBER}


class HazardFormView:
    def __init__(self, ui: Ui, draft: str, key: str) -> None:
        self.ui, self.draft_id, self.key = ui, draft, key
        self.route = f"/visit/{draft}/hazard/{key}"
        self.service = VisitService(ui.account)
        draft_data = self.service.load(draft)
        self.hazard = self.service.hazard(draft_data, key)
        t = ui.t
        self.fields: dict[str, ft.TextField] = {}
        for name in TEXT_FIELDS:
            self.fields[name] = ft.TextField(
                label=t(LABELS.get(name, name)),
                value=str(self.hazard.get(name) or ""),
                keyboard_type=KEYBOARDS.get(name, ft.KeyboardType.TEXT),
                multiline=name in MULTILINE,
                min_lines=1,
                max_lines=5,
                on_change=lambda e, n=name: self.change(n, e.control.value or ""),
            )
        self.level = ft.RadioGroup(
            value=self.hazard["level"],
            on_change=lambda e: self.change("level", e.control.value),
            content=ft.Row(
                [
                    ft.Radio(value="general", label=t("general")),
                    ft.Radio(value="major", label=t("major")),
                ]
            ),
        )
        self.handling = ft.RadioGroup(
            value=self.hazard["handling"],
            on_change=lambda e: self.change("handling", e.control.value),
            content=ft.Column(
                [
                    ft.Radio(value=v, label=t(f"handling_{v}"))
                    for v in ("on_site", "deadline", "suspend")
                ],
                spacing=0,
            ),
        )
        self.category = ft.Dropdown(
            label=t("category"),
            value=self.hazard["category"],
            width=330,
            options=[ft.DropdownOption(key=k, text=f"{k} {v}") for k, v in CATEGORIES.items()],
            on_select=lambda e: self.change("category", e.control.value),
        )
        preset = "date" if self.hazard.get("deadline") else str(self.hazard.get("deadline_days", 7))
        self.deadline = ft.RadioGroup(
            value=preset,
            on_change=self.change_deadline,
            content=ft.Row(
                [
                    ft.Radio(
                        value=str(d),
                        label=t("deadline_immediately") if d == 0 else t("deadline_days", n=d),
                    )
                    for d in DEADLINE_PRESETS
                ]
                + [ft.Radio(value="date", label=t("deadline_on_date"))],
                wrap=True,
            ),
        )
        self.deadline_date = ft.TextField(
            label=t("deadline_date"),
            value=self.hazard.get("deadline") or "",
            on_change=self.change_deadline,
        )
        # visibility is set on the wrapper: a Semantics around a hidden control is an error
        self.deadline_date_row = ft.Container(
            sid("hazard-deadline-date", self.deadline_date), visible=preset == "date"
        )
        self.deadline_error = ft.Text("", color=ft.Colors.RED_700, size=12, visible=False)
        self.deadline_text = ft.Text("", size=12, color=ft.Colors.BLUE_GREY_700)
        self.photos = ft.Column()
        self._show_deadline()
        self._show_photos()

    # ---- every change is saved into the draft at once
    def change(self, name: str, value: Any) -> None:
        self.hazard[name] = value
        if name in self.fields and self.fields[name].error:
            self.fields[name].error = None  # the message goes once the field is edited
            self.ui.refresh()
        self.service.update_hazard(self.draft_id, self.key, **{name: value})

    def change_deadline(self, _: Any = None) -> None:
        choice = self.deadline.value
        if choice == "date":
            self.deadline_date_row.visible = True
            text = (self.deadline_date.value or "").strip()
            try:
                self.hazard.update(
                    deadline=dt.date.fromisoformat(text).isoformat(), deadline_days=None
                )
                self.deadline_date.error = None
            except ValueError:
                self.hazard.update(deadline=None, deadline_days=None)
                self.deadline_date.error = self.ui.t("deadline_date") if text else None
        else:
            self.deadline_date_row.visible = False
            self.hazard.update(deadline=None, deadline_days=int(choice or 7))
        self.service.update_hazard(
            self.draft_id,
            self.key,
            deadline=self.hazard["deadline"],
            deadline_days=self.hazard["deadline_days"],
        )
        self._show_deadline()
        self.ui.refresh()

    def _show_deadline(self) -> None:
        due = self.service.hazard_deadline(self.hazard, clock.today())
        self.deadline_text.value = f"{self.ui.t('deadline')}：{due.isoformat()}" if due else ""

    def _show_photos(self) -> None:
        self.photos.controls = [
            photo_strip(self.ui, self.hazard["photos"], self.remove_photo, "hazard-photo")
        ]

    async def add_photo(self) -> None:
        sha = await take_photo(
            self.ui, lambda data: self.service.add_hazard_photo(self.draft_id, self.key, data)
        )
        if sha is None:
            return
        self.hazard["photos"].append(sha)
        self._show_photos()
        self.ui.refresh()

    def remove_photo(self, sha: str) -> None:
        self.service.remove_hazard_photo(self.draft_id, self.key, sha)
        self.hazard["photos"].remove(sha)
        self._show_photos()
        self.ui.refresh()

    def save(self, _: Any = None) -> bool:
        """Show what is missing next to each field; go back to the checklist when complete."""
        problems = self.service.hazard_problems(self.service.load(self.draft_id), self.hazard)
        for name, field in self.fields.items():
            field.error = problems.get(name)
        self.deadline_error.value = problems.get("deadline", "")
        self.deadline_error.visible = "deadline" in problems
        if problems:
            self.ui.refresh()
            return False
        self.ui.toast(self.ui.t("saved"))
        self.ui.go(f"/visit/{self.draft_id}")
        return True

    def delete(self, _: Any = None) -> None:
        self.service.remove_hazard(self.draft_id, self.key)
        self.ui.go(f"/visit/{self.draft_id}")

    def build(self) -> ft.View:
        t, f = self.ui.t, self.fields
        body: list[ft.Control] = [
            sid("hazard-title", f["title"]),
            sid("hazard-description", f["description"]),
            sid("hazard-place", f["place"]),
            ft.Text(t("level")),
            sid("hazard-level", self.level),
            sid("hazard-category", self.category),
            sid("hazard-basis", f["basis"]),
            ft.Text(t("handling")),
            sid("hazard-handling", self.handling),
            sid("hazard-measures", f["measures"]),
            sid("hazard-responsible-name", f["responsible_name"]),
            sid("hazard-responsible-phone", f["responsible_phone"]),
            ft.Text(t("deadline")),
            sid("hazard-deadline", self.deadline),
            self.deadline_date_row,
            self.deadline_text,
            self.deadline_error,
            sid("hazard-funds", f["funds_yuan"]),
            sid("hazard-interim", f["interim_measures"]),
            photo_button(self.ui, "hazard-photo", self.add_photo),
            self.photos,
            wide_button("hazard-save", t("save"), ft.Icons.CHECK, self.save),
            sid(
                "hazard-delete",
                ft.TextButton(
                    t("delete_hazard"), icon=ft.Icons.DELETE_OUTLINE, on_click=self.delete
                ),
            ),
        ]
        return ft.View(
            route=self.route,
            appbar=appbar(self.ui, t("hazard_form"), back=f"/visit/{self.draft_id}"),
            controls=[ft.Column(body, spacing=10, scroll=ft.ScrollMode.AUTO, expand=True)],
            padding=12,
        )
