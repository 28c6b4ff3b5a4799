"""Only whole, decodable images of a photo's size are stored (Issue 12 item 3).

A file whose first bytes say PNG or JPEG is decoded before the upload completes: a
decompression bomb gets ``image_too_large`` (413), a PNG with a ZIP behind it or a bare
signature followed by anything else gets ``not_an_image`` (415), and nothing is kept.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib

import pytest

from tests import domain_factories as f
from tests.api import Api, error_code, jpeg_bytes, png_bytes
from tests.server_db import server_rows


@pytest.fixture
def api(server) -> Api:
    return Api(server.url, f.INSPECTOR)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png() -> bytes:
    """A well-formed PNG of a few dozen bytes whose header claims 50000×50000 pixels."""
    ihdr = struct.pack(">IIBBBBB", 50000, 50000, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 4096, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("payload.txt", "not a photo")
    return out.getvalue()


def _refused(server, api, data: bytes, status: int, code: str) -> None:
    sha = hashlib.sha256(data).hexdigest()
    r = api.put(f"/blobs/{sha}", data=data)
    assert (r.status_code, error_code(r)) == (status, code), r.text
    assert server_rows(server.data_dir, "SELECT sha256 FROM blobs") == []
    assert not list((server.data_dir / "blobs").rglob(sha + "*"))
    missing = api.post("/blobs/missing", json={"sha256": [sha]}).json()
    assert missing == {"missing": [sha], "partial": {}}


def test_a_decompression_bomb_is_refused_from_its_header(server, api) -> None:
    data = bomb_png()
    assert len(data) < 200
    _refused(server, api, data, 413, "image_too_large")


def test_a_png_with_a_zip_behind_it_is_refused(server, api) -> None:
    _refused(server, api, png_bytes(3) + zip_bytes(), 415, "not_an_image")


def test_a_png_signature_followed_by_a_zip_is_refused(server, api) -> None:
    _refused(server, api, b"\x89PNG\r\n\x1a\n" + zip_bytes(), 415, "not_an_image")


def test_a_jpeg_cut_short_or_with_data_behind_it_is_refused(server, api) -> None:
    photo = jpeg_bytes(4)
    _refused(server, api, photo[:-40], 415, "not_an_image")
    _refused(server, api, photo + zip_bytes(), 415, "not_an_image")


def test_real_photos_and_signatures_are_still_stored(server, api) -> None:
    for data in (jpeg_bytes(5), png_bytes(6)):
        sha = hashlib.sha256(data).hexdigest()
        assert api.put(f"/blobs/{sha}", data=data).status_code == 201
    assert len(server_rows(server.data_dir, "SELECT sha256 FROM blobs")) == 2
