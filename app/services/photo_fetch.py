"""Photos and signature images on demand: fetch one blob the device lacks from the server.

A device pulls records, not their photos. When someone wants to see one, ``fetch_photo``
asks the server for it (``GET /blobs/{sha256}``, scope-checked there), checks that the bytes
hash to the name asked for, stores them in the account's blob folder with a thumbnail for
lists, and marks them as already on the server (so nothing is queued for upload). A refused,
failed or forged answer stores nothing and raises ``PhotoFetchError`` with a message a user
can act on. It does blocking HTTP: screens call ``fetch_photo_async``, which runs it on a
worker thread so the page's event loop is never held up.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from app.account import Account
from app.media.photos import thumbnail_of
from app.store import blobs
from app.sync.client import SyncClient, SyncError
from domain.canonical import is_sha256, sha256_hex
from domain.errors import ErrorCode, message
from domain.media import sniff_media_type

log = logging.getLogger("gridcheck.photo_fetch")

TIMEOUT = 20.0  # seconds for one photo (≤ ~350 KB) on a poor link

# Where the catalogue's sentence is about uploading or syncing, what it means for a download.
_DOWNLOAD_TEXT: dict[ErrorCode, tuple[str, str]] = {
    ErrorCode.network: (
        "无法连接服务器，请联网后再点击下载",
        "Cannot reach the server; tap again when online",
    ),
    ErrorCode.not_found: (
        "服务器上没有这张照片，或不在您的查看范围内",
        "The server has no such photo, or it is outside your area",
    ),
    ErrorCode.forbidden: (
        "无权查看这张照片（超出管辖范围）",
        "Not allowed to see this photo (outside your area)",
    ),
    ErrorCode.hash_mismatch: (
        "收到的文件与其校验值不符，已丢弃，未保存",
        "The file received does not match its hash; discarded, nothing saved",
    ),
    ErrorCode.unsupported_media_type: (
        "收到的文件不是 JPEG 或 PNG 图片，已丢弃",
        "The file received is not a JPEG or PNG image; discarded",
    ),
}


class PhotoFetchError(Exception):
    """A photo could not be fetched; nothing was stored. ``message`` is for the user."""

    def __init__(self, code: ErrorCode, lang: str = "zh") -> None:
        self.code = code
        zh, en = _DOWNLOAD_TEXT.get(code, (message(code, "zh"), message(code, "en")))
        detail = en if lang == "en" else zh
        self.message = (
            f"Photo download failed: {detail}" if lang == "en" else f"照片下载失败：{detail}"
        )
        super().__init__(f"{code}: {self.message}")


@dataclass(frozen=True)
class FetchedPhoto:
    sha256: str
    size: int
    media_type: str
    downloaded: bool  # False: the device already held it


@dataclass(frozen=True)
class LocalPhoto:
    """What the device holds of a blob, for drawing a tile."""

    present: bool  # the full bytes are in the blob folder
    thumbnail: bytes | None
    media_type: str | None


def local_photo(account: Account, sha256: str) -> LocalPhoto:
    if not is_sha256(sha256):
        return LocalPhoto(False, None, None)
    return LocalPhoto(
        present=account.files.has(sha256),
        thumbnail=blobs.thumbnail(account.db, sha256),
        media_type=blobs.media_type(account.db, sha256),
    )


def media_type_of(data: bytes) -> str | None:
    """By content, as the server decides it (one rule in ``domain.media``): JPEG or PNG."""
    return sniff_media_type(data)


def fetch_photo(
    account: Account, sha256: str, *, client: SyncClient | None = None, lang: str = "zh"
) -> FetchedPhoto:
    """Make sure the device holds ``sha256``: download, verify, store with a thumbnail.

    Blocking (one HTTP call); raises ``PhotoFetchError`` and stores nothing when the
    server cannot be reached, refuses, fails, or answers with other bytes than asked for.
    """
    if not is_sha256(sha256):
        raise PhotoFetchError(ErrorCode.invalid_blob_id, lang)
    if account.files.has(sha256):
        size = account.files.size(sha256)
        media_type = blobs.media_type(account.db, sha256) or ""
        return FetchedPhoto(sha256, size, media_type, downloaded=False)
    client = client or account.client(timeout=TIMEOUT)
    try:
        data = client.get_blob(sha256)
    except SyncError as err:
        log.info("fetching %s failed: %s", sha256[:12], err.code)
        raise PhotoFetchError(err.code, lang) from err
    if sha256_hex(data) != sha256:
        log.warning("fetched %s: the bytes hash to something else; discarded", sha256[:12])
        raise PhotoFetchError(ErrorCode.hash_mismatch, lang)
    media_type = media_type_of(data)
    if media_type is None:  # a real blob is never anything else: the server checked it
        raise PhotoFetchError(ErrorCode.unsupported_media_type, lang)
    thumb = thumbnail_of(data)
    account.files.write(data)  # durable before the row that says it is here (outside the lock)
    with account.db.atomic():
        blobs.add_blob(account.db, account.files, data, media_type, thumb)  # the file is there
        # the server has it, so it never counts as waiting to be sent
        blobs.mark_uploaded(account.db, sha256)
    return FetchedPhoto(sha256, len(data), media_type, downloaded=True)


async def fetch_photo_async(account: Account, sha256: str, lang: str = "zh") -> FetchedPhoto:
    """``fetch_photo`` on a worker thread: the page stays responsive while it downloads."""
    return await asyncio.to_thread(fetch_photo, account, sha256, lang=lang)
