"""What kind of image a blob is, judged by its first bytes (headers and names are not trusted).

One rule for the server (what it accepts and serves) and the device (what it keeps of a
downloaded photo): JPEG for photos, PNG for signatures, nothing else.
"""

from __future__ import annotations

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAGIC_BYTES = len(PNG_MAGIC)  # enough of the head to decide
JPEG = "image/jpeg"
PNG = "image/png"


def sniff_media_type(head: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` from the content's first bytes; None for anything else."""
    if head.startswith(JPEG_MAGIC):
        return JPEG
    if head.startswith(PNG_MAGIC):
        return PNG
    return None
