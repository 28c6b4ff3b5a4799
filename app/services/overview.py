"""What the home screen and the enterprise pages show, read from the local store."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlite_utils import Database

from app.store.records import hazard_states
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
    for enterprise_id, data in db.execute(
        "SELECT enterprise_id, data FROM records WHERE kind = 'inspection'"
    ):
        finished = dt.datetime.fromisoformat(json.loads(data)["finished_at"]).date()
        if enterprise_id not in out or finished > out[enterprise_id]:
            out[enterprise_id] = finished
    return out


def due_enterprises(
    db: Database, grid_ids: list[str], today: dt.date, every_days: int = 30, limit: int = 50
) -> list[DueEnterprise]:
    """Enterprises in these grids never inspected, or not for ``every_days``: never first, then oldest."""
    last = _last_inspections(db)
    marks = ",".join("?" * len(grid_ids)) or "NULL"
    rows = db.execute(
        f"SELECT data FROM enterprises WHERE grid_id IN ({marks}) ORDER BY name", grid_ids
    ).fetchall()
    due = []
    for (data,) in rows:
        e = Enterprise.model_validate_json(data)
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


def _names(db: Database) -> dict[str, str]:
    return {r[0]: r[1] for r in db.execute("SELECT id, name FROM enterprises")}


def _numbers(db: Database) -> dict[str, str]:
    return {
        r[0]: r[1]
        for r in db.execute(
            "SELECT hazard_id, number FROM records WHERE type = 'reported' AND number IS NOT NULL"
        )
    }


def hazard_rows(
    db: Database, today: dt.date, *, open_only: bool = True, enterprise_id: str | None = None
) -> list[HazardRow]:
    """Hazards as lists show them: overdue first (most overdue first), then nearest deadline."""
    names, numbers = _names(db), _numbers(db)
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


def inspections_of(db: Database, enterprise_id: str) -> list[dict]:
    """An enterprise's inspections, newest first, as plain rows for the history list."""
    rows = db.execute_returning_dicts(
        "SELECT id, data, number, origin FROM records WHERE kind = 'inspection' AND enterprise_id = ?",
        [enterprise_id],
    )
    datas = {r["id"]: json.loads(r["data"]) for r in rows}
    corrected = {d["supersedes"] for d in datas.values() if d.get("supersedes")}
    out = []
    for r in rows:
        data = datas[r["id"]]
        failed = sum(1 for i in data["items"] if i["result"] == "fail")
        out.append(
            {
                "id": r["id"],
                "finished_at": dt.datetime.fromisoformat(data["finished_at"]),
                "kind": data["inspection_kind"],
                "failed": failed,
                "number": r["number"],
                "refused": data.get("refusal") is not None,
                "correction": data.get("supersedes") is not None,  # 更正 of an earlier one
                "superseded": r["id"] in corrected,  # replaced by a correction: not in effect
            }
        )
    out.sort(key=lambda x: x["finished_at"], reverse=True)
    return out
