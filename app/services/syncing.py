"""Running sync for the screens: on demand, and by itself whenever the server is reachable.

The controller owns one background thread; it never runs two syncs at once, reports
progress and status through a callback, and keeps going quietly while offline.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.account import Account
from app.store import meta, outbox
from app.sync.client import SyncError
from app.sync.engine import SyncEngine, SyncProgress, SyncReport
from domain.errors import ErrorCode

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncStatus:
    online: bool | None  # None: not known yet
    running: bool
    waiting: outbox.Waiting
    last_sync_at: dt.datetime | None
    progress: SyncProgress | None = None
    error: str | None = None  # the last failure, in the user's language
    needs_sign_in: bool = False


@dataclass
class SyncController:
    account: Account
    on_status: Callable[[SyncStatus], None] = lambda _: None
    interval: float = 15.0  # seconds between automatic attempts
    pull_every: float = 120.0  # pull even when nothing waits, this often
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _online: bool | None = None
    _error: str | None = None
    _needs_sign_in: bool = False
    _progress: SyncProgress | None = None
    _thread: threading.Thread | None = None

    def status(self) -> SyncStatus:
        last = meta.get(self.account.db, meta.LAST_SYNC_AT)
        return SyncStatus(
            online=self._online,
            running=self._lock.locked(),
            waiting=outbox.waiting(self.account.db),
            last_sync_at=dt.datetime.fromisoformat(last) if last else None,
            progress=self._progress,
            error=self._error,
            needs_sign_in=self._needs_sign_in,
        )

    def _emit(self) -> None:
        self.on_status(self.status())

    def sync_now(self) -> SyncReport | None:
        """One full sync; None when another one is already running."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            self._progress = None
            self._emit()
            engine = SyncEngine(
                self.account.db,
                self.account.files,
                self.account.client(timeout=20),
                self.account.device_id,
                on_progress=self._on_progress,
            )
            report = engine.run_once()
            self._record(report.error)
            return report
        finally:
            self._lock.release()
            self._emit()

    def _on_progress(self, progress: SyncProgress) -> None:
        self._progress = progress
        self._emit()

    def _record(self, error: SyncError | None) -> None:
        if error is None:
            self._online, self._error, self._needs_sign_in = True, None, False
            return
        self._online = error.code != ErrorCode.network
        self._needs_sign_in = error.code == ErrorCode.unauthorized
        self._error = error.message

    def check_online(self) -> bool:
        try:
            self.account.client(timeout=5).health()
            self._online = True
        except SyncError:
            self._online = False
        return self._online

    def start(self) -> None:
        """Sync by itself: whenever the server answers and something waits (or now and then)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="gridcheck-sync", daemon=True)
        self._thread.start()

    def stop(self, wait: float = 0.0) -> None:
        """Stop syncing by itself; with ``wait``, give a running sync that long to finish."""
        self._stop.set()
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(wait)

    def _loop(self) -> None:
        try:
            self._run()
        except sqlite3.ProgrammingError:  # the store closed under a sync still running
            if not self._stop.is_set():
                raise
            log.info("sync stopped: the account was closed")  # its transaction rolled back

    def _run(self) -> None:
        last_pull = 0.0
        while not self._stop.is_set():
            was_online = self._online
            if self.check_online():
                waiting = outbox.waiting(self.account.db)
                due = time.monotonic() - last_pull > self.pull_every
                if not self._needs_sign_in and (not waiting.nothing or due or not was_online):
                    self.sync_now()
                    last_pull = time.monotonic()
            if was_online != self._online:
                self._emit()
            self._stop.wait(self.interval)
