"""Reading everything the reports need from the device's store, as ``domain.ReportData``."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from app.store.records import records_where
from domain.lifecycle import HazardEventRecord
from domain.records import Inspection
from domain.reference import Community, Enterprise, Grid, UserPublic
from domain.report_data import ReportData


def _reference(db: Database, table: str) -> list[dict[str, Any]]:
    return [json.loads(r[0]) for r in db.execute(f"SELECT data FROM {table} ORDER BY id")]


def record_numbers(db: Database) -> dict[str, str]:
    """Record id → the number the server gave it (隐患编号 / 文号), for synced records."""
    return dict(db.execute("SELECT id, number FROM records WHERE number IS NOT NULL").fetchall())


def load_report_data(db: Database) -> ReportData:
    """Everything this device holds: its reference data and every field record."""
    inspections: list[Inspection] = records_where(db, "kind = 'inspection'")  # type: ignore[assignment]
    events: list[HazardEventRecord] = records_where(db, "kind = 'hazard_event'")  # type: ignore[assignment]
    return ReportData.of(
        communities=[Community.model_validate(d) for d in _reference(db, "communities")],
        grids=[Grid.model_validate(d) for d in _reference(db, "grids")],
        enterprises=[Enterprise.model_validate(d) for d in _reference(db, "enterprises")],
        users=[UserPublic.model_validate(d) for d in _reference(db, "users")],
        inspections=inspections,
        events=events,
        numbers=record_numbers(db),
    )
