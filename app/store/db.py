"""Opening a device database: WAL, foreign keys, migrations applied."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from app.store.migrations import migrations


def open_store(path: Path) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    db = Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    db.enable_wal()
    # FULL: a draft or a submitted record survives power loss, not only an app kill
    db.execute("PRAGMA synchronous = FULL")
    migrations.apply(db)
    return db
