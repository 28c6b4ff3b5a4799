"""What the home screen and the enterprise pages show, read from the local store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from app.store import reference
from app.store.records import (
    hazard_numbers,
    hazard_states,
    inspection_finish_times,
    inspections_as_stored,
)
from domain.lifecycle import TERMINAL, HazardState
from domain.reference import Enterprise


@dataclass(frozen=True)
class DueEnterprise:
    enterprise: Enterprise
    last_inspected: dt.date | None

    def days_since(self, today: dt.date) -> int | None:
        return None if self.last_inspected is None else (today - self.last_inspected).days


@dataclass(frozen=True)
class HazardRow:
    hazard_id: str
    title: str
    enterprise_id: str
    enterprise_name: str
    level: str
    status: str
    deadline: dt.date | None
    days_left: int | None
    overdue: bool
    number: str | None
    escalation: str | None


def _last_inspections(db: Database) -> dict[str, dt.date]:
    out: dict[str, dt.date] = {}
    for enterprise_id, finished_at in inspection_finish_times(db):
        finished = dt.datetime.fromisoformat(finished_at).date()
        if enterprise_id not in out or finished > out[enterprise_id]:
            out[enterprise_id] = finished
    return out


def due_enterprises(
    db: Database, grid_ids: list[str], today: dt.date, every_days: int = 30, limit: int = 50
) -> list[DueEnterprise]:
    """Enterprises in these grids never inspected, or not for ``every_days``: never first, then oldest."""
    last = _last_inspections(db)
    due = []
    for e in reference.enterprises_in(db, grid_ids):
        if e.status != "open":
            continue
        seen = last.get(e.id)
        if seen is None or (today - seen).days >= every_days:
            due.append(DueEnterprise(e, seen))
    due.sort(
        key=lambda d: (
            d.last_inspected is not None,
            d.last_inspected or dt.date.min,
            d.enterprise.name,
        )
    )
    return due[:limit]


def hazard_rows(
    db: Database, today: dt.date, *, open_only: bool = True, enterprise_id: str | None = None
) -> list[HazardRow]:
    """Hazards as lists show them: overdue first (most overdue first), then nearest deadline."""
    names, numbers = reference.enterprise_names(db), hazard_numbers(db)
    rows = []
    for hid, state in hazard_states(db).items():
        if state.reported is None or (open_only and state.status in TERMINAL):
            continue
        if enterprise_id is not None and state.reported.enterprise_id != enterprise_id:
            continue
        rows.append(_row(hid, state, today, names, numbers))
    rows.sort(
        key=lambda r: (not r.overdue, r.days_left if r.days_left is not None else 10**6, r.title)
    )
    return rows


def _row(
    hid: str, state: HazardState, today: dt.date, names: dict[str, str], numbers: dict[str, str]
) -> HazardRow:
    rep = state.reported
    if rep is None:
        raise ValueError(hid)
    return HazardRow(
        hazard_id=hid,
        title=rep.title,
        enterprise_id=rep.enterprise_id,
        enterprise_name=names.get(rep.enterprise_id, rep.enterprise_id),
        level=str(rep.level),
        status=str(state.status),
        deadline=state.deadline,
        days_left=state.days_left(today),
        overdue=state.is_overdue(today),
        number=numbers.get(hid),
        escalation=state.escalation,
    )


def inspections_of(db: Database, enterprise_id: str) -> list[dict[str, Any]]:
    """An enterprise's inspections, newest first, as plain rows for the history list."""
    rows = inspections_as_stored(db, enterprise_id)
    corrected = {data["supersedes"] for _, data, _ in rows if data.get("supersedes")}
    out = []
    for record_id, data, number in rows:
        failed = sum(1 for i in data["items"] if i["result"] == "fail")
        out.append(
            {
                "id": record_id,
                "finished_at": dt.datetime.fromisoformat(data["finished_at"]),
                "kind": data["inspection_kind"],
                "failed": failed,
                "number": number,
                "refused": data.get("refusal") is not None,
                "correction": data.get("supersedes") is not None,  # 更正 of an earlier one
                "superseded": record_id in corrected,  # replaced by a correction: not in effect
            }
        )
    out.sort(key=lambda x: x["finished_at"], reverse=True)
    return out
