"""Photos and signature images kept on the device by sha256 until the server has them."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlite_utils import Database

from domain.canonical import is_sha256, sha256_hex


class BlobFiles:
    """The account's blob folder; file names are only ever validated hex digests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValueError("not a sha256 digest")
        return self.root / sha256[:2] / sha256

    def write(self, data: bytes) -> str:
        """Store bytes durably (written, synced, then renamed into place); returns the sha256."""
        sha = sha256_hex(data)
        final = self.path(sha)
        if final.exists():
            return sha
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_suffix(".tmp")
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
        return sha

    def read(self, sha256: str, start: int = 0, length: int | None = None) -> bytes:
        with self.path(sha256).open("rb") as f:
            f.seek(start)
            return f.read() if length is None else f.read(length)

    def size(self, sha256: str) -> int:
        return self.path(sha256).stat().st_size

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()


def add_blob(
    db: Database, files: BlobFiles, data: bytes, media_type: str, thumbnail: bytes | None = None
) -> str:
    """Keep a photo or signature on the device; its row is written in the caller's transaction."""
    sha = files.write(data)
    db.execute(
        "INSERT OR IGNORE INTO blobs (sha256, media_type, size, created_at) VALUES (?, ?, ?, ?)",
        [sha, media_type, len(data), dt.datetime.now(dt.UTC).isoformat()],
    )
    if thumbnail is not None:
        db.execute(
            "INSERT OR REPLACE INTO thumbnails (sha256, data) VALUES (?, ?)", [sha, thumbnail]
        )
    return sha


def known(db: Database, hashes: list[str]) -> set[str]:
    """Of ``hashes``, those the device keeps a row for (made here or fetched)."""
    if not hashes:
        return set()
    marks = ",".join("?" * len(hashes))
    return {r[0] for r in db.execute(f"SELECT sha256 FROM blobs WHERE sha256 IN ({marks})", hashes)}


def media_type(db: Database, sha256: str) -> str | None:
    row = db.execute("SELECT media_type FROM blobs WHERE sha256 = ?", [sha256]).fetchone()
    return row[0] if row else None


def mark_uploaded(db: Database, sha256: str) -> None:
    db.execute("UPDATE blobs SET uploaded = 1 WHERE sha256 = ?", [sha256])


def not_uploaded(db: Database, hashes: list[str]) -> list[str]:
    """Of ``hashes``, those the device has not yet seen the server take, in the given order."""
    if not hashes:
        return []
    marks = ",".join("?" * len(hashes))
    done = {
        r[0]
        for r in db.execute(
            f"SELECT sha256 FROM blobs WHERE uploaded = 1 AND sha256 IN ({marks})", hashes
        )
    }
    return [h for h in hashes if h not in done]


def thumbnail(db: Database, sha256: str) -> bytes | None:
    row = db.execute("SELECT data FROM thumbnails WHERE sha256 = ?", [sha256]).fetchone()
    return row[0] if row else None
