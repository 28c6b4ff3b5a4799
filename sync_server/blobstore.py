"""Blobs on disk, addressed by sha256; partial uploads kept so an upload can resume.

Paths are built only from a validated hex digest, never from other user text.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from domain.canonical import is_sha256
from domain.media import MAGIC_BYTES


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "partial").mkdir(parents=True, exist_ok=True)

    def _checked(self, sha256: str) -> str:
        if not is_sha256(sha256):
            raise ValueError("not a sha256 digest")
        return sha256

    def path(self, sha256: str) -> Path:
        sha = self._checked(sha256)
        return self.root / sha[:2] / sha[2:4] / sha

    def partial_path(self, sha256: str) -> Path:
        return self.root / "partial" / f"{self._checked(sha256)}.part"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def partial_size(self, sha256: str) -> int:
        try:
            return self.partial_path(sha256).stat().st_size
        except FileNotFoundError:
            return 0

    def partial_head(self, sha256: str) -> bytes:
        try:
            with self.partial_path(sha256).open("rb") as f:
                return f.read(MAGIC_BYTES)
        except FileNotFoundError:
            return b""

    def append(self, sha256: str, offset: int, data: bytes) -> int:
        """Write ``data`` at ``offset`` of the partial file (offset ≤ its size); returns the new size.

        Bytes already held before ``offset + len(data)`` are overwritten with the same
        content position, so a resent range is harmless; the final hash check guards it.
        """
        path = self.partial_path(sha256)
        mode = "r+b" if path.exists() else "wb"
        with path.open(mode) as f:
            f.seek(offset)
            f.write(data)
            f.flush()
            return f.seek(0, os.SEEK_END)

    def sync_partial(self, sha256: str) -> None:
        path = self.partial_path(sha256)
        if path.exists():
            with path.open("rb") as f:
                os.fsync(f.fileno())

    def truncate_partial(self, sha256: str) -> None:
        self.partial_path(sha256).unlink(missing_ok=True)

    def finish(self, sha256: str) -> bool:
        """Verify the partial file's hash; move it into place when it matches."""
        partial = self.partial_path(sha256)
        digest = hashlib.sha256()
        with partial.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
            os.fsync(f.fileno())
        if digest.hexdigest() != sha256:
            partial.unlink(missing_ok=True)
            return False
        final = self.path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, final)
        return True
