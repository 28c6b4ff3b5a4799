"""Small key/value facts of one account's store: cursor, last sync, the signed-in user."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

CURSOR = "cursor"
LAST_SYNC_AT = "last_sync_at"
ACCOUNT = "account"  # {"server_url", "user": UserPublic, "token", "expires_at"}


def get(db: Database, key: str, default: Any = None) -> Any:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else default


def put(db: Database, key: str, value: Any) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, json.dumps(value, ensure_ascii=False)],
    )
