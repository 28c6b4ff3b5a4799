"""Opening the server database: SQLite in WAL mode via sqlite-utils, migrations applied."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from sync_server.store.migrations import migrations

# One writer at a time in this process; readers never wait (WAL).
WRITE_LOCK = threading.Lock()


def connect(path: Path) -> Database:
    """A connection usable from the thread pool; foreign keys on, waits for a busy file."""
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    db = Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def open_db(path: Path) -> Database:
    """Create the folder if needed, switch to WAL and apply pending migrations."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    db.enable_wal()
    with WRITE_LOCK:
        migrations.apply(db)
    return db


@contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction, serialised with every other writer of this process."""
    with WRITE_LOCK, db.atomic():
        yield db
