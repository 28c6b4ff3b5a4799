"""Photos and signature images: which are missing, resumable upload, guarded download."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database
from starlette.concurrency import run_in_threadpool

from domain.canonical import is_sha256
from domain.errors import ErrorCode, GridCheckError
from domain.media import MAGIC_BYTES, sniff_media_type
from domain.wire import MissingResponse
from sync_server.blobstore import BlobStore
from sync_server.clock import now_iso
from sync_server.config import ServerSettings
from sync_server.services.auth import Authed
from sync_server.services.image_check import check_image
from sync_server.store import changes as change_store
from sync_server.store import records as record_store
from sync_server.store.db import write

RANGE_RE = re.compile(r"^bytes (\d{1,12})-(\d{1,12})/(\d{1,12})$")


def checked_sha(sha256: str) -> str:
    if not is_sha256(sha256):
        raise GridCheckError(ErrorCode.invalid_blob_id, details={"id": sha256[:80]})
    return sha256


def missing(db: Database, store: BlobStore, hashes: list[str]) -> MissingResponse:
    wanted = list(dict.fromkeys(checked_sha(h) for h in hashes))
    present = record_store.blobs_present(db, wanted)
    absent = [h for h in wanted if h not in present]
    partial = {h: size for h in absent if (size := store.partial_size(h)) > 0}
    return MissingResponse(missing=absent, partial=partial)


@dataclass(frozen=True)
class UploadOutcome:
    status: int  # 201 stored now, 200 already had, 202 partial
    sha256: str
    size: int
    received: int

    @property
    def complete(self) -> bool:
        return self.status in (200, 201)


def parse_range(header: str | None, content_length: int | None) -> tuple[int, int | None]:
    """(start, total) from ``Content-Range: bytes a-b/total``; a plain body starts at 0."""
    if header is None:
        return 0, content_length
    match = RANGE_RE.match(header.strip())
    if not match:
        raise GridCheckError(ErrorCode.bad_range, details={"content_range": header[:80]})
    start, end, total = (int(g) for g in match.groups())
    if end < start or end >= total:
        raise GridCheckError(ErrorCode.bad_range, details={"content_range": header[:80]})
    return start, total


_LOCKS: dict[str, asyncio.Lock] = {}
_LOCK_USERS: dict[str, int] = {}


async def receive(
    db: Database,
    store: BlobStore,
    settings: ServerSettings,
    sha256: str,
    content_range: str | None,
    content_length: int | None,
    body: AsyncIterator[bytes],
) -> UploadOutcome:
    """Append the body to the blob's partial file; finish it when complete.

    Bytes that arrived before a dropped connection are kept: the next upload resumes
    after them (``POST /blobs/missing`` reports how many the server holds).
    """
    sha = checked_sha(sha256)
    start, total = parse_range(content_range, content_length)
    if total is not None and total > settings.max_blob_bytes:
        raise GridCheckError(ErrorCode.too_large, details={"max_bytes": settings.max_blob_bytes})
    lock = _LOCKS.setdefault(sha, asyncio.Lock())
    _LOCK_USERS[sha] = _LOCK_USERS.get(sha, 0) + 1
    try:
        async with lock:
            return await _receive_locked(
                db, store, settings, sha, start, total, content_range, body
            )
    finally:  # forget the lock once nobody holds or waits for it (the event loop's thread only)
        _LOCK_USERS[sha] -= 1
        if not _LOCK_USERS[sha]:
            del _LOCK_USERS[sha], _LOCKS[sha]


async def _receive_locked(
    db: Database,
    store: BlobStore,
    settings: ServerSettings,
    sha: str,
    start: int,
    total: int | None,
    content_range: str | None,
    body: AsyncIterator[bytes],
) -> UploadOutcome:
    if store.has(sha):
        # the file may have been moved into place by a server killed before it recorded
        # the blob: record it now, or the records that use it would wait for it forever
        size = store.path(sha).stat().st_size
        await run_in_threadpool(_record_present, db, store, sha, size)
        return UploadOutcome(200, sha, size, size)
    held = store.partial_size(sha)
    if content_range is None and held:
        store.truncate_partial(sha)  # a whole-body upload starts over
        held = 0
    if start > held:
        raise GridCheckError(ErrorCode.bad_range, details={"received": held})
    received = await _append_stream(store, settings, sha, start, total, body)
    if total is None or received < total:
        return UploadOutcome(202, sha, total or received, received)
    if received > total:
        store.truncate_partial(sha)
        raise GridCheckError(ErrorCode.bad_range, details={"received": 0})
    return await run_in_threadpool(_finish, db, store, sha, received)


async def _append_stream(
    store: BlobStore,
    settings: ServerSettings,
    sha: str,
    start: int,
    total: int | None,
    body: AsyncIterator[bytes],
) -> int:
    offset = start
    head = store.partial_head(sha) if start > 0 else b""
    pending = b""
    limit = settings.max_blob_bytes if total is None else total
    try:
        async for chunk in body:
            if not chunk:
                continue
            if (
                offset - start + len(chunk) > settings.max_chunk_bytes
                or offset + len(chunk) > limit
            ):
                raise GridCheckError(ErrorCode.too_large, details={"max_bytes": limit})
            if len(head) < MAGIC_BYTES:  # the media type is decided by the first bytes
                pending += chunk
                head = (head + chunk)[:MAGIC_BYTES]
                if len(head) < MAGIC_BYTES and (total is None or offset + len(pending) < total):
                    continue
                _check_media(head)
                chunk, pending = pending, b""
            # the next byte goes after this chunk (not at the file's end: a resent range
            # may end before bytes the server already holds)
            store.append(sha, offset, chunk)
            offset += len(chunk)
    finally:
        # fsync off the event loop: it would stall every other connection meanwhile
        await run_in_threadpool(store.sync_partial, sha)
    if pending:
        _check_media(head)
        store.append(sha, offset, pending)
        offset += len(pending)
    return max(offset, store.partial_size(sha))


def _check_media(head: bytes) -> None:
    if sniff_media_type(head) is None:
        raise GridCheckError(ErrorCode.unsupported_media_type)


def _finish(db: Database, store: BlobStore, sha: str, size: int) -> UploadOutcome:
    media_type = sniff_media_type(store.partial_head(sha))
    if media_type is None:
        store.truncate_partial(sha)
        raise GridCheckError(ErrorCode.unsupported_media_type)
    try:  # decoded before the file is moved into place: a bomb or a non-image is never kept
        check_image(store.partial_path(sha), media_type)
    except GridCheckError:
        store.truncate_partial(sha)
        raise
    if not store.finish(sha):
        raise GridCheckError(ErrorCode.hash_mismatch, details={"sha256": sha})
    with write(db):
        record_store.insert_blob(db, sha, size, media_type, now_iso())
    return UploadOutcome(201, sha, size, size)


def _record_present(db: Database, store: BlobStore, sha: str, size: int) -> None:
    if record_store.blob_row(db, sha) is not None:
        return
    with store.path(sha).open("rb") as f:
        media_type = sniff_media_type(f.read(MAGIC_BYTES)) or "application/octet-stream"
    with write(db):
        record_store.insert_blob(db, sha, size, media_type, now_iso())


def open_for(db: Database, store: BlobStore, authed: Authed, sha256: str) -> tuple[Path, str]:
    """The blob's file and media type, for a user who may see a record that references it."""
    sha = checked_sha(sha256)
    row = record_store.blob_row(db, sha)
    if row is None or not change_store.blob_visible(db, authed.principal, sha):
        raise GridCheckError(ErrorCode.not_found)
    return store.path(sha), row["media_type"]
