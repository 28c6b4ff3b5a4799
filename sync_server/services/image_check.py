"""Is a received file really the image its first bytes claim? Decided before it is stored.

A file is kept only when Pillow opens it as the format its signature names, its header
states no more than ``MAX_PIXELS`` pixels, ``verify()`` passes and a second open decodes
it for real (``load()``), and nothing follows the image's end marker (PNG ``IEND``, JPEG
``EOI``): a PNG with a ZIP behind it is not a photo.

``MAX_PIXELS``: the app stores photos at ≤ 1600 px on the long edge (≤ 2.6 MP) and signatures
as small PNGs (600×240); 4096×4096 (16.8 MP, ~50 MB decoded as RGB) leaves room for another
client or a larger setting, and refuses decompression bombs (a 136-byte PNG may claim
50000×50000 = 2.5 G px) from the header alone, before any pixel is decoded.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image

from domain.errors import ErrorCode, GridCheckError
from domain.media import JPEG, PNG, PNG_MAGIC

MAX_PIXELS = 4096 * 4096
# Pillow's own guard as a second line: a warning above this, an error above twice this
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG"}


def check_image(path: Path, media_type: str) -> None:
    """Raise ``image_too_large`` (413) or ``not_an_image`` (415) unless ``path`` is a whole,
    decodable image of ``media_type`` within the pixel bound."""
    fmt = _PILLOW_FORMAT.get(media_type)
    if fmt is None:
        raise GridCheckError(ErrorCode.unsupported_media_type)
    data = path.read_bytes()  # ≤ max_blob_bytes (20 MiB by default)
    end = _png_end(data) if media_type == PNG else _jpeg_end(data)
    if end is None or end != len(data):
        raise GridCheckError(ErrorCode.not_an_image, details={"reason": "trailing or cut data"})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=[fmt]) as image:
                _check_pixels(image.size)
                image.verify()
            with Image.open(path, formats=[fmt]) as image:
                image.load()
    except GridCheckError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise GridCheckError(ErrorCode.image_too_large, details={"max_pixels": MAX_PIXELS}) from exc
    except Exception as exc:  # Pillow raises many kinds for bad data (OSError, SyntaxError, …)
        raise GridCheckError(
            ErrorCode.not_an_image, details={"reason": type(exc).__name__}
        ) from exc


def _check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise GridCheckError(ErrorCode.not_an_image, details={"reason": "no pixels"})
    if width * height > MAX_PIXELS:
        raise GridCheckError(
            ErrorCode.image_too_large,
            details={"width": width, "height": height, "max_pixels": MAX_PIXELS},
        )


def _png_end(data: bytes) -> int | None:
    """Where the PNG's ``IEND`` chunk ends, walking the chunks; None if it never comes."""
    if not data.startswith(PNG_MAGIC):
        return None
    i = len(PNG_MAGIC)
    while i + 12 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        i += 12 + length  # length, type, data, CRC
        if kind == b"IEND":
            return i if i <= len(data) else None
    return None


def _jpeg_end(data: bytes) -> int | None:
    """Where the JPEG's ``EOI`` marker ends, walking segments and entropy-coded data."""
    n = len(data)
    if not data.startswith(b"\xff\xd8"):
        return None
    i = 2
    while i + 2 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker == 0xD9:  # EOI
            return i + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            i += 2
            continue
        if i + 4 > n:
            return None
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= n:
                    return None
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffing, restart
                    i = j + 2
                elif following == 0xFF:  # fill bytes: the marker comes after them
                    i = j + 1
                else:
                    i = j
                    break
    return None
