"""A server killed in the middle of finishing an upload: the next upload completes it."""

from __future__ import annotations

import hashlib

from tests import domain_factories as f
from tests.api import Api, jpeg_bytes, noise_jpeg
from tests.server_db import server_rows


def test_a_complete_partial_file_is_finished_by_a_resend_in_pieces(server) -> None:
    """Killed after the last byte arrived but before the hash check and move."""
    data = noise_jpeg(21)
    sha = hashlib.sha256(data).hexdigest()
    server.kill()
    (server.data_dir / "blobs" / "partial").mkdir(parents=True, exist_ok=True)
    (server.data_dir / "blobs" / "partial" / f"{sha}.part").write_bytes(data)
    server.start()
    api = Api(server.url, f.INSPECTOR)
    total, piece = len(data), len(data) // 3 + 1
    status = None
    for start in range(0, total, piece):
        chunk = data[start : start + piece]
        r = api.put(
            f"/blobs/{sha}",
            data=chunk,
            headers={"Content-Range": f"bytes {start}-{start + len(chunk) - 1}/{total}"},
        )
        assert r.status_code in (200, 201, 202), r.text
        status = r.status_code
        if r.json()["complete"]:
            break
    assert status in (200, 201)
    assert server_rows(server.data_dir, "SELECT size FROM blobs WHERE sha256 = ?", (sha,)) == [
        (total,)
    ]
    assert not (server.data_dir / "blobs" / "partial" / f"{sha}.part").exists()


def test_a_file_in_place_without_its_row_gets_its_row(server) -> None:
    """Killed after the file was moved into place but before its row was written."""
    data = jpeg_bytes(22)
    sha = hashlib.sha256(data).hexdigest()
    server.kill()
    final = server.data_dir / "blobs" / sha[:2] / sha[2:4] / sha
    final.parent.mkdir(parents=True, exist_ok=True)
    final.write_bytes(data)
    server.start()
    api = Api(server.url, f.INSPECTOR)
    assert api.post("/blobs/missing", json={"sha256": [sha]}).json()["missing"] == [sha]
    r = api.put(f"/blobs/{sha}", data=data)
    assert r.status_code in (200, 201), r.text
    assert api.post("/blobs/missing", json={"sha256": [sha]}).json() == {
        "missing": [],
        "partial": {},
    }
    assert server_rows(
        server.data_dir, "SELECT size, media_type FROM blobs WHERE sha256 = ?", (sha,)
    ) == [(len(data), "image/jpeg")]
