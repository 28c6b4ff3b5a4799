"""The sync engine: push what is waiting, upload photos, pull what changed.

Order: records whose photos the server already has go first (text before photos); then
the missing blobs, resuming any partial upload from the server's last byte; then the
records that waited for them; then pull, each page committed with its cursor. Every step
is safe to repeat: records are identified by their id (a resend is a ``duplicate``) and
blobs by their hash.
"""

from __future__ import annotations

import collections
import datetime as dt
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlite_utils import Database

from app.store import blobs as blob_store
from app.store import meta, outbox
from app.store.blobs import BlobFiles
from app.store.pulled import apply_page
from app.store.records import set_server_meta
from app.sync.backoff import backoff_delay
from app.sync.client import SyncClient, SyncError
from domain.errors import CATALOGUE, ErrorCode
from domain.wire import MAX_MISSING_QUERY, ErrorBody, PushResult

RETRY_LATER = frozenset({ErrorCode.missing_blobs, ErrorCode.unknown_reference})
TRANSIENT = frozenset({ErrorCode.network, ErrorCode.server_error, ErrorCode.too_many_attempts})


@dataclass(frozen=True)
class SyncProgress:
    phase: str  # "records", "photos", "pull", "done"
    records_done: int = 0
    records_total: int = 0
    blobs_done: int = 0
    blobs_total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    pulled: int = 0


@dataclass
class SyncReport:
    created: int = 0
    duplicate: int = 0
    rejected: int = 0
    retry_later: int = 0
    aside: int = 0  # moved aside: the server failed on them twice
    blobs_uploaded: int = 0
    bytes_uploaded: int = 0
    pulled: int = 0
    error: SyncError | None = None
    rejections: list[PushResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


ProgressFn = Callable[[SyncProgress], None]


class SyncEngine:
    def __init__(
        self,
        db: Database,
        files: BlobFiles,
        client: SyncClient,
        device_id: str,
        *,
        batch_size: int = 100,
        chunk_size: int = 1024 * 1024,
        upload_streams: int = 2,
        pull_limit: int = 500,
        on_progress: ProgressFn | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.db, self.files, self.client, self.device_id = db, files, client, device_id
        self.batch_size, self.chunk_size, self.pull_limit = batch_size, chunk_size, pull_limit
        self.upload_streams = max(1, upload_streams)
        self.on_progress = on_progress or (lambda _: None)
        self.clock = clock
        self.rng = rng or random.Random()
        self._progress = SyncProgress("records")

    # ------------------------------------------------------------------ public

    def run_once(self) -> SyncReport:
        """One full pass. Stops at the first failed call; what was done stays done."""
        report = SyncReport()
        try:
            self._push_all(report)
            self._pull_all(report)
            with self.db.atomic():
                meta.put(self.db, meta.LAST_SYNC_AT, dt.datetime.now(dt.UTC).isoformat())
        except SyncError as err:
            report.error = err
        self._emit(phase="done")
        return report

    def sync(
        self, max_attempts: int = 5, sleep: Callable[[float], None] = time.sleep
    ) -> SyncReport:
        """Run until done, retrying transient failures with jittered exponential back-off."""
        report = self.run_once()
        attempt = 1
        while (
            report.error is not None and report.error.code in TRANSIENT and attempt < max_attempts
        ):
            sleep(backoff_delay(attempt, base=1.0, cap=60.0, rng=self.rng))
            attempt += 1
            report = self.run_once()
        return report

    # ------------------------------------------------------------------ push

    def _push_all(self, report: SyncReport) -> None:
        items = outbox.pending(self.db)
        missing, partial = self._missing_blobs([sha for i in items for sha in i.blob_refs])
        ready, held = _split_by_dependencies(items, missing)
        self._emit(
            phase="records",
            records_total=len(items),
            blobs_total=len(missing),
            bytes_total=sum(self.files.size(s) - partial.get(s, 0) for s in missing),
        )
        self._push(ready, report)
        self._upload(missing, partial, report)
        self._push(held, report)

    def _missing_blobs(self, hashes: list[str]) -> tuple[list[str], dict[str, int]]:
        """Blobs the server lacks (ordered by first use) and bytes it holds of partial ones."""
        candidates = blob_store.not_uploaded(self.db, list(dict.fromkeys(hashes)))
        missing: list[str] = []
        partial: dict[str, int] = {}
        for start in range(0, len(candidates), MAX_MISSING_QUERY):
            part = candidates[start : start + MAX_MISSING_QUERY]
            answer = self.client.missing(part)
            absent = set(answer.missing)
            missing += [s for s in part if s in absent]
            partial.update(answer.partial)
            with self.db.atomic():
                for sha in part:
                    if sha not in absent:
                        blob_store.mark_uploaded(self.db, sha)
        # small files (signatures) before large ones (photos); first use breaks ties
        order = {sha: i for i, sha in enumerate(missing)}
        missing.sort(key=lambda s: (self.files.size(s) > 64 * 1024, order[s]))
        return missing, partial

    def _push(self, items: list[outbox.OutboxItem], report: SyncReport) -> None:
        for start in range(0, len(items), self.batch_size):
            batch = items[start : start + self.batch_size]
            results = self._push_batch(batch)
            with self.db.atomic():
                for item, result in zip(batch, results, strict=True):
                    self._settle(item, result, report)
            self._emit(records_done=self._progress.records_done + len(batch))

    def _push_batch(self, batch: list[outbox.OutboxItem]) -> list[PushResult]:
        """The server's answer per record. A batch that fails whole with ``server_error`` (a
        server that cannot yet answer per record) is sent again one by one, so the record
        that breaks it gets the error and the others are stored."""
        try:
            answer = self.client.push(
                self.device_id, [(i.kind, i.record_id, i.data) for i in batch]
            )
            return answer.results
        except SyncError as err:
            if err.code != ErrorCode.server_error:
                raise
            if len(batch) > 1:
                return [r for item in batch for r in self._push_batch([item])]
            body = ErrorBody(code=str(err.code), message=err.message, details=err.details)
            return [PushResult(id=batch[0].record_id, status="rejected", error=body)]

    def _settle(self, item: outbox.OutboxItem, result: PushResult, report: SyncReport) -> None:
        if result.status in ("created", "duplicate"):
            outbox.mark_sent(self.db, item.record_id)
            set_server_meta(self.db, item.record_id, result.meta)
            if result.status == "created":
                report.created += 1
            else:
                report.duplicate += 1
            return
        error = result.error
        code = (
            ErrorCode(error.code)
            if error and error.code in ErrorCode.__members__
            else ErrorCode.invalid
        )
        message = error.message if error else CATALOGUE[code].zh
        details = error.details if error else {}
        if code == ErrorCode.server_error:  # once: try again later; twice: move it aside
            if item.last_error == ErrorCode.server_error:
                outbox.mark_aside(self.db, item.record_id, code, message, details)
                report.aside += 1
            else:
                delay = backoff_delay(item.attempts + 1, base=5.0, cap=3600.0, rng=self.rng)
                outbox.mark_retry(
                    self.db, item.record_id, code, message, details, self.clock() + delay
                )
                report.retry_later += 1
        elif code in RETRY_LATER:
            delay = backoff_delay(item.attempts + 1, base=5.0, cap=3600.0, rng=self.rng)
            outbox.mark_retry(self.db, item.record_id, code, message, details, self.clock() + delay)
            report.retry_later += 1
        else:
            outbox.mark_rejected(self.db, item.record_id, code, message, details)
            report.rejected += 1
            report.rejections.append(result)

    def _upload(self, missing: list[str], partial: dict[str, int], report: SyncReport) -> None:
        """Send the missing blobs; with ``upload_streams`` > 1, over that many connections.

        One stream waits a round trip after every blob (and every chunk) for the server's
        answer; on a slow, distant link that idle time adds up (60 photos and 40 signatures
        at 300 ms: 30 s). A second stream fills the link while the first one waits. Only the
        HTTP calls run on the extra threads; the store is written and progress reported here.
        """
        streams = min(self.upload_streams, len(missing))
        if streams <= 1:
            for sha in missing:
                self._send_blob(
                    self.client, sha, partial.get(sha, 0), lambda n: self._sent(n, report)
                )
                self._uploaded(sha, report)
            return
        # The first stream takes blobs from the front (small signatures first), the others
        # from the back (photos): small blobs are bound by round trips, not by bandwidth, and
        # a photo beside them keeps the link busy.
        todo = collections.deque(missing)
        events: queue.SimpleQueue[tuple[str, str, object]] = queue.SimpleQueue()
        failed = threading.Event()

        def stream(client: SyncClient, take: Callable[[], str]) -> None:
            try:
                while not failed.is_set():
                    try:
                        sha = take()  # deque.popleft / pop: atomic
                    except IndexError:
                        return
                    self._send_blob(
                        client, sha, partial.get(sha, 0), lambda n: events.put(("bytes", "", n))
                    )
                    events.put(("done", sha, None))
            except BaseException as exc:  # handed to the caller's thread, raised there
                failed.set()
                events.put(("error", "", exc))
            finally:
                events.put(("exit", "", None))

        clients = [self.client, *(self.client.fork() for _ in range(streams - 1))]
        workers = [
            threading.Thread(
                target=stream,
                args=(c, todo.popleft if i == 0 else todo.pop),
                name=f"gridcheck-upload-{i}",
                daemon=True,
            )
            for i, c in enumerate(clients)
        ]
        for w in workers:
            w.start()
        error: BaseException | None = None
        running = len(workers)
        while running:
            kind, sha, value = events.get()
            if kind == "bytes":
                self._sent(int(value), report)  # type: ignore[call-overload]
            elif kind == "done":
                self._uploaded(sha, report)
            elif kind == "error":
                error = error or value  # type: ignore[assignment]
            else:
                running -= 1
        for c in clients[1:]:
            c.session.close()
        if error is not None:
            raise error

    def _send_blob(
        self, client: SyncClient, sha: str, offset: int, sent: Callable[[int], None]
    ) -> None:
        """Upload one blob from ``offset``, chunk by chunk (HTTP and file reads only); ``sent``
        is told the size of every chunk the server took."""
        total = self.files.size(sha)
        if offset >= total:
            offset = 0  # the server holds a wrong-sized partial: send it whole again
        while True:
            chunk = self.files.read(sha, offset, self.chunk_size)
            try:
                answer = client.put_blob(sha, chunk, offset, total)
            except SyncError as err:
                if err.code == ErrorCode.bad_range and "received" in err.details:
                    offset = int(err.details["received"])  # continue where the server is
                    continue
                raise
            sent(len(chunk))
            offset = answer.received
            if answer.complete:
                return

    def _sent(self, nbytes: int, report: SyncReport) -> None:
        report.bytes_uploaded += nbytes
        self._emit(bytes_done=self._progress.bytes_done + nbytes)

    def _uploaded(self, sha: str, report: SyncReport) -> None:
        with self.db.atomic():
            blob_store.mark_uploaded(self.db, sha)
        report.blobs_uploaded += 1
        self._emit(blobs_done=self._progress.blobs_done + 1)

    # ------------------------------------------------------------------ pull

    def _pull_all(self, report: SyncReport) -> None:
        self._emit(phase="pull")
        cursor = meta.get(self.db, meta.CURSOR)
        while True:
            try:
                page = self.client.pull(cursor, self.pull_limit)
            except SyncError as err:
                if err.code != ErrorCode.cursor_expired or cursor is None:
                    raise
                cursor = None  # start again from nothing; what is here is kept
                continue
            apply_page(self.db, page.changes, page.cursor)
            cursor = page.cursor
            report.pulled += len(page.changes)
            self._emit(pulled=self._progress.pulled + len(page.changes))
            if not page.more:
                return

    def _emit(self, **changes: object) -> None:
        self._progress = replace(self._progress, **changes)  # type: ignore[arg-type]
        self.on_progress(self._progress)


def _split_by_dependencies(
    items: list[outbox.OutboxItem], missing: list[str]
) -> tuple[list[outbox.OutboxItem], list[outbox.OutboxItem]]:
    """Records that can go now, and those that wait for a blob (or for a record that waits).

    A record waits when one of its blobs is missing, or when it refers to an inspection or
    hazard whose earlier record waits — so the server always sees them in order.
    """
    absent = set(missing)
    waiting_keys: set[str] = set()
    ready: list[outbox.OutboxItem] = []
    held: list[outbox.OutboxItem] = []
    for item in items:
        keys = {
            item.record_id,
            item.data.get("hazard_id"),
            item.data.get("inspection_id"),
            item.data.get("supersedes"),
        } - {None}
        if absent.intersection(item.blob_refs) or waiting_keys.intersection(keys):
            held.append(item)
            waiting_keys |= keys  # type: ignore[arg-type]
        else:
            ready.append(item)
    return ready, held
