"""Opening the server database: SQLite in WAL mode via sqlite-utils, migrations applied."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from sync_server.store.migrations import migrations

# One writer at a time in this process; readers never wait (WAL).
WRITE_LOCK = threading.Lock()

# Idle request connections kept per database file (the server's thread pool has 40 threads).
POOL_IDLE_MAX = 16


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class PooledDatabase(Database):
    """A request's connection: ``close()`` hands it back for the next request.

    Closing the last connection to a WAL database checkpoints the WAL into the database,
    fsyncs and deletes it: done once per request, that cost more than most requests
    themselves. A pooled connection skips that and the PRAGMAs of a fresh one; SQLite
    checkpoints the WAL by itself as it grows.
    """

    _pool_key: tuple[str, int, int]

    def close(self) -> None:
        conn = self.conn
        try:
            if conn.in_transaction:  # never hand on an open transaction
                conn.rollback()
        except sqlite3.Error:
            conn.close()
            return
        with _POOL_LOCK:
            idle = _POOL.get(self._pool_key)
            if idle is not None and len(idle) < POOL_IDLE_MAX:
                idle.append(conn)
                return
        conn.close()


_POOL_LOCK = threading.Lock()
_POOL: dict[tuple[str, int, int], list[sqlite3.Connection]] = {}


def _file_key(path: Path) -> tuple[str, int, int]:
    """The file behind `path` now: a replaced or restored database is another file."""
    st = os.stat(path)
    return (str(path), st.st_dev, st.st_ino)


def connect(path: Path) -> Database:
    """A connection usable from the thread pool; foreign keys on, waits for a busy file.

    Connections are reused (see ``PooledDatabase``): call ``close()`` when done.
    """
    try:
        key = _file_key(path)
    except FileNotFoundError:
        key = None
    conn = None
    if key is not None:
        with _POOL_LOCK:
            idle = _POOL.get(key)
            if idle is None:  # first use of this file: forget idle connections to older ones
                for stale in [k for k in _POOL if k[0] == key[0]]:
                    for old in _POOL.pop(stale):
                        old.close()
                idle = _POOL[key] = []
            if idle:
                conn = idle.pop()
    if conn is None:
        conn = _open(path)
        if key is None:
            key = _file_key(path)
            with _POOL_LOCK:
                _POOL.setdefault(key, [])
    db = PooledDatabase(conn)
    db._pool_key = key
    return db


def open_db(path: Path) -> Database:
    """Create the folder if needed, switch to WAL and apply pending migrations.

    A plain connection (closed for real by ``close()``): for the CLI, start-up and tests.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(_open(path))
    db.enable_wal()
    with WRITE_LOCK:
        migrations.apply(db)
    return db


@contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction, serialised with every other writer of this process."""
    with WRITE_LOCK, db.atomic():
        yield db


def first_row(db: Database, sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
    """The query's first row as a dict, or None when it has none."""
    rows = db.execute_returning_dicts(sql, params)
    return rows[0] if rows else None
