"""Reading everything the reports need from the device's store, as ``domain.ReportData``."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from sqlite_utils import Database

from app.store.records import records_where
from domain.lifecycle import HazardEventRecord
from domain.records import Inspection
from domain.reference import Community, Enterprise, Grid, UserPublic
from domain.report_data import ReportData

M = TypeVar("M", bound=BaseModel)


def _reference(
    db: Database, table: str, model: type[M], where: str = "1", params: list[Any] | None = None
) -> list[M]:
    rows = db.execute(f"SELECT data FROM {table} WHERE {where} ORDER BY id", params or [])
    return [model.model_validate_json(r[0]) for r in rows]


def record_numbers(db: Database) -> dict[str, str]:
    """Record id → the number the server gave it (隐患编号 / 文号), for synced records."""
    return dict(db.execute("SELECT id, number FROM records WHERE number IS NOT NULL").fetchall())


def load_report_data(db: Database, *, enterprise_id: str | None = None) -> ReportData:
    """Everything this device holds: its reference data and every field record.

    With ``enterprise_id``, only that enterprise and its records (all that its notices
    name); communities, grids and users are always read whole (they are few).
    """
    where, params = ("1", []) if enterprise_id is None else ("enterprise_id = ?", [enterprise_id])
    records = records_where(db, f"kind IN ('inspection', 'hazard_event') AND {where}", params)
    return ReportData.of(
        communities=_reference(db, "communities", Community),
        grids=_reference(db, "grids", Grid),
        enterprises=_reference(
            db, "enterprises", Enterprise, "1" if enterprise_id is None else "id = ?", params
        ),
        users=_reference(db, "users", UserPublic),
        inspections=[r for r in records if isinstance(r, Inspection)],
        events=[r for r in records if isinstance(r, HazardEventRecord)],
        numbers=record_numbers(db),
    )
