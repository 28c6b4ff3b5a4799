"""Drafts: saved as they are typed, so killing the app loses nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlite_utils import Database

from app.store.records import add_local_record
from domain.records import AnyRecord


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def save_draft(
    db: Database, draft_id: str, kind: str, enterprise_id: str | None, data: dict[str, Any]
) -> None:
    """Write the whole draft in one statement (atomic by itself)."""
    db.execute(
        "INSERT INTO drafts (id, kind, enterprise_id, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET data = excluded.data, enterprise_id = excluded.enterprise_id, "
        "updated_at = excluded.updated_at",
        [draft_id, kind, enterprise_id, json.dumps(data, ensure_ascii=False), _now(), _now()],
    )


def load_draft(db: Database, draft_id: str) -> dict[str, Any] | None:
    row = db.execute("SELECT data FROM drafts WHERE id = ?", [draft_id]).fetchone()
    return json.loads(row[0]) if row else None


def list_drafts(db: Database) -> list[dict[str, Any]]:
    return db.execute_returning_dicts(
        "SELECT id, kind, enterprise_id, created_at, updated_at FROM drafts ORDER BY updated_at DESC"
    )


def find_draft(db: Database, kind: str, field: str, value: str) -> str | None:
    """The newest draft of ``kind`` whose top-level ``field`` holds ``value``."""
    row = db.execute(
        "SELECT id FROM drafts WHERE kind = ? AND json_extract(data, '$.' || ?) = ? "
        "ORDER BY updated_at DESC LIMIT 1",
        [kind, field, value],
    ).fetchone()
    return row[0] if row else None


def discard_draft(db: Database, draft_id: str) -> None:
    db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])


def submit_draft(
    db: Database, draft_id: str, records: list[tuple[str, dict[str, Any]]]
) -> list[AnyRecord]:
    """Turn a finished draft into sealed records and queue them; the draft goes in the same
    transaction, so either everything is queued or the draft is still there."""
    with db.atomic():
        saved = [add_local_record(db, kind, data) for kind, data in records]
        discard_draft(db, draft_id)
    return saved
