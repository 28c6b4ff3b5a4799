"""The SQL behind the reports: reference data and field records as ``domain.ReportData``."""

from __future__ import annotations

import json

from sqlite_utils import Database

from domain.lifecycle import HazardEventRecord
from domain.records import Inspection, parse_record
from domain.reference import Community, Enterprise, Grid, UserPublic
from domain.report_data import ReportData

_AREA_TABLES = {"community": "communities", "grid": "grids", "enterprise": "enterprises"}


def exists(db: Database, kind: str, ref_id: str) -> bool:
    """Whether the server holds the ``community``, ``grid`` or ``enterprise`` ``ref_id``."""
    table = _AREA_TABLES[kind]
    return db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [ref_id]).fetchone() is not None


def _where(community_id: str | None, grid_id: str | None) -> tuple[str, list[str]]:
    """A condition on ``enterprises`` (alias ``e``) narrowing to a community and/or grid."""
    clauses, params = ["1"], []
    if community_id is not None:
        clauses.append("e.community_id = ?")
        params.append(community_id)
    if grid_id is not None:
        clauses.append("e.grid_id = ?")
        params.append(grid_id)
    return " AND ".join(clauses), params


def load_report_data(
    db: Database, *, community_id: str | None = None, grid_id: str | None = None
) -> ReportData:
    """Reference data and field records, narrowed to the enterprises of a community or grid.

    Records join their enterprise, so a narrowed load reads only that area's records;
    communities, grids and users are always read whole (they are few).
    """
    where, params = _where(community_id, grid_id)
    enterprises = [
        Enterprise.model_validate_json(r[0])
        for r in db.execute(f"SELECT e.data FROM enterprises e WHERE {where} ORDER BY e.id", params)
    ]
    rows = db.execute(
        "SELECT r.id, r.kind, r.data, r.number FROM records r "
        f"JOIN enterprises e ON e.id = r.enterprise_id WHERE r.kind IN ('inspection', "
        f"'hazard_event') AND {where} ORDER BY r.received_at, r.id",
        params,
    ).fetchall()
    inspections: list[Inspection] = []
    events: list[HazardEventRecord] = []
    numbers: dict[str, str] = {}
    for record_id, kind, data, number in rows:
        record = parse_record(kind, json.loads(data))
        if isinstance(record, Inspection):
            inspections.append(record)
        else:
            events.append(record)  # type: ignore[arg-type]
        if number:
            numbers[record_id] = number
    return ReportData.of(
        communities=[
            Community.model_validate_json(r[0])
            for r in db.execute("SELECT data FROM communities ORDER BY id")
        ],
        grids=[
            Grid.model_validate_json(r[0]) for r in db.execute("SELECT data FROM grids ORDER BY id")
        ],
        enterprises=enterprises,
        users=[
            UserPublic.model_validate_json(r[0])
            for r in db.execute("SELECT data FROM users ORDER BY id")
        ],
        inspections=inspections,
        events=events,
        numbers=numbers,
    )
