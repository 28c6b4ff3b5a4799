"""What the device still has to send, and what became of what it sent."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database


@dataclass(frozen=True)
class OutboxItem:
    seq: int
    record_id: str
    kind: str
    data: dict[str, Any]
    attempts: int
    blob_refs: list[str]  # the photos and signatures it points at, in order, once each
    last_error: str | None = None  # the code of the last failed attempt


@dataclass(frozen=True)
class Waiting:
    """What the screen shows as waiting: records, photos and their bytes."""

    records: int
    blobs: int
    blob_bytes: int
    rejected: int
    aside: int = 0  # moved aside after the server failed on it twice (server_error)

    @property
    def nothing(self) -> bool:
        return self.records == 0 and self.blobs == 0


def pending(db: Database, now: float | None = None, limit: int | None = None) -> list[OutboxItem]:
    """Pending items in the order they were made (due ones only, when ``now`` is given).

    Their blobs come from ``record_blobs``, written with the record: the records are not
    validated again to find them."""
    sql = (
        "SELECT o.seq, o.record_id, o.kind, r.data, o.attempts, o.error_code FROM outbox o "
        "JOIN records r ON r.id = o.record_id WHERE o.state = 'pending'"
    )
    params: list[Any] = []
    if now is not None:
        sql += " AND o.next_attempt_at <= ?"
        params.append(now)
    sql += " ORDER BY o.seq"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = db.execute(sql, params).fetchall()
    refs: dict[str, list[str]] = {}
    for record_id, sha in db.execute(
        "SELECT b.record_id, b.sha256 FROM record_blobs b JOIN outbox o ON o.record_id = b.record_id "
        "WHERE o.state = 'pending' ORDER BY b.rowid"
    ):
        refs.setdefault(record_id, []).append(sha)
    return [
        OutboxItem(seq, rid, kind, json.loads(data), attempts, refs.get(rid, []), last_error)
        for seq, rid, kind, data, attempts, last_error in rows
    ]


def mark_sent(db: Database, record_id: str) -> None:
    db.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?, error_code = NULL, error_message = NULL, "
        "error_details = NULL WHERE record_id = ?",
        [dt.datetime.now(dt.UTC).isoformat(), record_id],
    )


def mark_retry(
    db: Database,
    record_id: str,
    code: str,
    message: str,
    details: dict[str, Any],
    next_attempt_at: float,
) -> None:
    """Keep the item pending; try again after ``next_attempt_at`` (seconds since the epoch)."""
    db.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error_code = ?, "
        "error_message = ?, error_details = ? WHERE record_id = ?",
        [next_attempt_at, code, message, json.dumps(details, ensure_ascii=False), record_id],
    )


def mark_rejected(
    db: Database, record_id: str, code: str, message: str, details: dict[str, Any]
) -> None:
    """The server refused it for good: kept on the device and shown, never resent blindly."""
    state = "conflict" if code == "conflict" else "rejected"
    db.execute(
        "UPDATE outbox SET state = ?, attempts = attempts + 1, error_code = ?, error_message = ?, "
        "error_details = ? WHERE record_id = ?",
        [state, code, message, json.dumps(details, ensure_ascii=False), record_id],
    )


def mark_aside(
    db: Database, record_id: str, code: str, message: str, details: dict[str, Any]
) -> None:
    """Moved aside: the server failed on it again; kept and shown, no longer blocking the
    queue. ``put_back`` returns it (after a server fix)."""
    db.execute(
        "UPDATE outbox SET state = 'aside', attempts = attempts + 1, error_code = ?, "
        "error_message = ?, error_details = ? WHERE record_id = ?",
        [code, message, json.dumps(details, ensure_ascii=False), record_id],
    )


def put_back(db: Database) -> int:
    """Every record moved aside goes back into the queue; how many."""
    cursor = db.execute(
        "UPDATE outbox SET state = 'pending', next_attempt_at = 0 WHERE state = 'aside'"
    )
    return cursor.rowcount


def rejected(db: Database) -> list[dict[str, Any]]:
    return db.execute_returning_dicts(
        "SELECT record_id, kind, state, error_code, error_message, error_details FROM outbox "
        "WHERE state IN ('rejected', 'conflict') ORDER BY seq"
    )


def waiting(db: Database) -> Waiting:
    records = db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
    blobs, size = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM blobs WHERE uploaded = 0"
    ).fetchone()
    bad = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE state IN ('rejected', 'conflict')"
    ).fetchone()[0]
    aside = db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'aside'").fetchone()[0]
    return Waiting(records=records, blobs=blobs, blob_bytes=size, rejected=bad, aside=aside)
