"""Field records as received: insert once, read back; blobs and their references."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from sync_server.store.db import first_row
from sync_server.store.reference import touch_change


def record_row(db: Database, record_id: str) -> dict[str, Any] | None:
    return first_row(db, "SELECT * FROM records WHERE id = ?", [record_id])


def hazard_reported_row(db: Database, hazard_id: str) -> dict[str, Any] | None:
    return first_row(
        db,
        "SELECT * FROM records WHERE hazard_id = ? AND type = 'reported' ORDER BY received_at, id "
        "LIMIT 1",
        [hazard_id],
    )


def next_counter(db: Database, name: str) -> int:
    db.execute(
        "INSERT INTO counters (name, value) VALUES (?, 1) "
        "ON CONFLICT(name) DO UPDATE SET value = value + 1",
        [name],
    )
    return int(db.execute("SELECT value FROM counters WHERE name = ?", [name]).fetchone()[0])


def insert_record(
    db: Database,
    *,
    row: dict[str, Any],
    blob_refs: list[str],
    grid_id: str,
    community_id: str,
) -> int:
    """Store one received record, its blob references and its change row; returns its seq."""
    db.execute(
        "INSERT INTO records (id, kind, type, enterprise_id, hazard_id, inspection_id, created_by, "
        "device_id, data, record_hash, number, received_at) VALUES "
        "(:id, :kind, :type, :enterprise_id, :hazard_id, :inspection_id, :created_by, :device_id, "
        ":data, :record_hash, :number, :received_at)",
        row,
    )
    for sha in blob_refs:
        db.execute("INSERT INTO blob_refs (sha256, record_id) VALUES (?, ?)", [sha, row["id"]])
    seq = touch_change(
        db,
        row["kind"],
        row["id"],
        grid_id=grid_id,
        community_id=community_id,
        enterprise_id=row["enterprise_id"],
    )
    db.execute("UPDATE records SET receipt_seq = ? WHERE id = ?", [seq, row["id"]])
    return seq


def blobs_present(db: Database, hashes: list[str]) -> set[str]:
    present: set[str] = set()
    for start in range(0, len(hashes), 500):
        part = hashes[start : start + 500]
        marks = ",".join("?" * len(part))
        present |= {
            r[0] for r in db.execute(f"SELECT sha256 FROM blobs WHERE sha256 IN ({marks})", part)
        }
    return present


def insert_blob(db: Database, sha256: str, size: int, media_type: str, now: str) -> None:
    db.execute(
        "INSERT OR IGNORE INTO blobs (sha256, size, media_type, stored_at) VALUES (?, ?, ?, ?)",
        [sha256, size, media_type, now],
    )


def blob_row(db: Database, sha256: str) -> dict[str, Any] | None:
    return first_row(db, "SELECT * FROM blobs WHERE sha256 = ?", [sha256])


def review_decisions(db: Database, inspection_id: str) -> list[str]:
    """The office's decisions on an inspection, oldest first."""
    rows = db.execute(
        "SELECT json_extract(data, '$.decision') FROM records "
        "WHERE kind = 'review' AND inspection_id = ? ORDER BY received_at, id",
        [inspection_id],
    ).fetchall()
    return [r[0] for r in rows]


def record_data(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(row["data"])
