"""Opening a device database: WAL, foreign keys, migrations applied, one connection per thread.

The store is used from several threads at once: the screens' (a draft saved as it is typed, a
submit), the sync controller's background thread and the photo-download worker. SQLite
transactions belong to a connection, so one connection shared by those threads would let the
user's save join sync's open transaction (and vanish when sync rolls back), or let a commit on
one thread carry the other's half-done work with it. Here every thread gets its own connection
to the same file: sqlite-utils reads ``Database.conn`` for every statement, and ``conn`` is the
calling thread's. WAL lets readers run beside the one writer; a write transaction starts with
``BEGIN IMMEDIATE`` so a second writer waits for the first (``busy_timeout``) instead of
failing half-way with "database is locked"; a reader only sees what other threads committed.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Generator
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.plugins import ensure_plugins_loaded, pm

from app.store.migrations import migrations

BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another thread's transaction


class DeviceDatabase(Database):
    """A sqlite-utils ``Database`` whose connection is the calling thread's own.

    Connections are opened on a thread's first statement and closed together by ``close()``
    (signing out); a connection whose thread has ended is closed the next time one is opened.
    After ``close()`` every use, from any thread, raises ``sqlite3.ProgrammingError``.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._guard = threading.Lock()
        self._connections: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._closed = False
        # per-connection set-up (triggers, plugins) is done in _connect, for every thread
        super().__init__(self._connect(), recursive_triggers=False, execute_plugins=False)

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        # check_same_thread=False only so that close() can close every thread's connection
        conn = sqlite3.connect(
            str(self.path),
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level="IMMEDIATE",  # sqlite3's implicit BEGIN before a write, too
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA recursive_triggers = ON")
            # FULL: a draft or a submitted record survives power loss, not only an app kill
            conn.execute("PRAGMA synchronous = FULL")
            ensure_plugins_loaded()
            pm.hook.prepare_connection(conn=conn)
        except BaseException:
            conn.close()
            raise
        return conn

    @property  # type: ignore[override]
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on its first use."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and not self._closed:
            return conn
        with self._guard:
            if self._closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
            self._close_finished_threads()
            conn = self._connect()
            self._connections.append((threading.current_thread(), conn))
        self._local.conn = conn
        return conn

    @conn.setter
    def conn(self, value: sqlite3.Connection) -> None:
        """Database.__init__ hands over the first connection: it becomes this thread's."""
        with self._guard:
            self._connections.append((threading.current_thread(), value))
        self._local.conn = value

    def _close_finished_threads(self) -> None:
        """Close the connections of threads that have ended (the caller holds ``_guard``)."""
        alive = []
        for thread, conn in self._connections:
            if thread.is_alive():
                alive.append((thread, conn))
            else:
                conn.close()
        self._connections = alive

    def open_connections(self) -> int:
        """How many connections are open: one per thread that used the store and still runs."""
        with self._guard:
            self._close_finished_threads()
            return len(self._connections)

    def close(self) -> None:
        """Close every thread's connection (open transactions roll back); idempotent."""
        with self._guard:
            self._closed = True
            connections, self._connections = self._connections, []
        for _, conn in connections:
            conn.close()

    # ------------------------------------------------------------------ transactions

    @contextlib.contextmanager
    def atomic(self) -> Generator[Database, None, None]:
        """A transaction on this thread's connection; the outermost one takes the write lock
        at once (``BEGIN IMMEDIATE``), so two writers queue instead of one failing when it
        first writes after reading. Nested blocks are savepoints, as in sqlite-utils."""
        conn = self.conn
        if conn.in_transaction:
            with super().atomic() as db:
                yield db
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def begin(self) -> None:
        self.execute("BEGIN IMMEDIATE")

    def __repr__(self) -> str:
        return f"<DeviceDatabase {self.path}{' closed' if self._closed else ''}>"


def open_store(path: Path) -> DeviceDatabase:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = DeviceDatabase(path)
    try:
        db.enable_wal()
        migrations.apply(db)
    except BaseException:
        db.close()
        raise
    return db
