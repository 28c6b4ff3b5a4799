"""Field records on the device: made here (with their outbox row) or pulled from the server."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlite_utils import Database

from app.store import blobs
from domain.errors import ErrorCode, GridCheckError
from domain.lifecycle import HazardEventRecord, HazardState, fold, fold_all
from domain.records import AnyRecord, integrity_problems, parse_record


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _row(record: AnyRecord, origin: str) -> dict[str, Any]:
    return {
        **record.index_columns(),
        "data": record.model_dump_json(),
        "origin": origin,
        "created_at": _now(),
    }


_INSERT_RECORD = (
    "INSERT INTO records (id, kind, type, enterprise_id, hazard_id, inspection_id, created_by, "
    "data, origin, number, received_at, created_at) VALUES (:id, :kind, :type, :enterprise_id, "
    ":hazard_id, :inspection_id, :created_by, :data, :origin, :number, :received_at, :created_at)"
)


def _insert(db: Database, row: dict[str, Any]) -> None:
    """Plain SQL: sqlite-utils' ``insert`` reads the table's schema again on every call."""
    db.execute(_INSERT_RECORD, {"number": None, "received_at": None, **row})


def add_local_record(db: Database, kind: str, data: dict[str, Any]) -> AnyRecord:
    """Validate a finished (sealed) record and queue it, in one transaction with its outbox row.

    Nothing is kept when the record is invalid or its hashes do not match its content.
    """
    record = parse_record(kind, data)
    problems = integrity_problems(record)
    if problems:
        raise GridCheckError(ErrorCode.integrity, details={"fields": problems})
    refs = record.blob_refs()
    with db.atomic():
        if db.execute("SELECT 1 FROM records WHERE id = ?", [record.id]).fetchone():
            raise GridCheckError(ErrorCode.conflict, details={"id": record.id})
        held = blobs.known(db, refs)
        absent = [s for s in refs if s not in held]
        if absent:
            raise GridCheckError(
                ErrorCode.missing_blobs, "照片或签名文件不在本机", {"missing": absent}
            )
        _insert(db, _row(record, "device"))
        for sha in refs:
            db.execute(
                "INSERT INTO record_blobs (record_id, sha256) VALUES (?, ?)", [record.id, sha]
            )
        db.execute(
            "INSERT INTO outbox (record_id, kind, created_at) VALUES (?, ?, ?)",
            [record.id, record.kind, _now()],
        )
    return record


def apply_server_record(
    db: Database, kind: str, data: dict[str, Any], meta: dict[str, Any]
) -> None:
    """Store a pulled record (the caller holds the transaction). A record the device already
    has keeps its content: only the server's number and receipt time are filled in."""
    existing = db.execute("SELECT id FROM records WHERE id = ?", [data["id"]]).fetchone()
    if existing:
        _set_meta(db, data["id"], meta)
        return
    record = parse_record(kind, data)
    row = _row(record, "server") | {
        "number": meta.get("number"),
        "received_at": meta.get("received_at"),
    }
    _insert(db, row)


def set_server_meta(db: Database, record_id: str, meta: dict[str, Any] | None) -> None:
    if meta:
        _set_meta(db, record_id, meta)


def _set_meta(db: Database, record_id: str, meta: dict[str, Any]) -> None:
    db.execute(
        "UPDATE records SET number = ?, received_at = ? WHERE id = ?",
        [meta.get("number"), meta.get("received_at"), record_id],
    )


def get_record(db: Database, record_id: str) -> dict[str, Any] | None:
    rows = db.execute_returning_dicts("SELECT * FROM records WHERE id = ?", [record_id])
    return rows[0] if rows else None


def number_of(db: Database, record_id: str) -> str | None:
    """The number the server gave the record on receipt (隐患编号 / 文号); None until then."""
    row = db.execute("SELECT number FROM records WHERE id = ?", [record_id]).fetchone()
    return row[0] if row else None


def hazard_numbers(db: Database) -> dict[str, str]:
    """Hazard id → its 隐患编号, for the hazards whose report the server has numbered."""
    rows = db.execute(
        "SELECT hazard_id, number FROM records WHERE type = 'reported' AND number IS NOT NULL"
    )
    return dict(rows.fetchall())


def inspection_finish_times(db: Database) -> list[tuple[str, str]]:
    """(enterprise id, ``finished_at`` as recorded) of every inspection held here."""
    return db.execute(
        "SELECT enterprise_id, json_extract(data, '$.finished_at') FROM records "
        "WHERE kind = 'inspection'"
    ).fetchall()


def inspections_as_stored(
    db: Database, enterprise_id: str
) -> list[tuple[str, dict[str, Any], str | None]]:
    """(id, data, server number) of an enterprise's inspections, the data not validated again."""
    rows = db.execute(
        "SELECT id, data, number FROM records WHERE kind = 'inspection' AND enterprise_id = ?",
        [enterprise_id],
    )
    return [(i, json.loads(data), number) for i, data, number in rows]


def load(row: dict[str, Any]) -> AnyRecord:
    return parse_record(row["kind"], json.loads(row["data"]))


def records_where(
    db: Database, where: str = "1", params: list[Any] | None = None
) -> list[AnyRecord]:
    rows = db.execute_returning_dicts(
        f"SELECT kind, data FROM records WHERE {where} ORDER BY created_at, id", params or []
    )
    return [load(r) for r in rows]


def hazard_events(db: Database, hazard_id: str | None = None) -> list[HazardEventRecord]:
    if hazard_id is None:
        return records_where(db, "kind = 'hazard_event'")  # type: ignore[return-value]
    return records_where(db, "kind = 'hazard_event' AND hazard_id = ?", [hazard_id])  # type: ignore[return-value]


def hazard_state(db: Database, hazard_id: str) -> HazardState:
    return fold(hazard_id, hazard_events(db, hazard_id))


def hazard_states(db: Database) -> dict[str, HazardState]:
    return fold_all(hazard_events(db))
