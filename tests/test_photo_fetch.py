"""Photos on demand: a device that pulled records fetches a photo it lacks from the real server.

Every test runs a real server process on loopback and real device stores; faults are real
too (the server stopped, its blob file corrupted on disk, a server that answers with other
bytes). After any failure nothing may be stored on the device.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import flet as ft
import pytest
from PIL import Image

from app.services.photo_fetch import PhotoFetchError, fetch_photo
from app.store import outbox
from app.store.blobs import thumbnail
from app.sync.client import SyncClient
from app.ui.components.common import PhotoTiles, photo_tiles
from domain.errors import ErrorCode
from tests import domain_factories as f
from tests.devices import camera_jpeg
from tests.photo_visits import inspector_reported
from tests.role_devices import device_ui, identifiers, texts, walk
from tests.ui_double import RecordingUi


def nothing_stored(ui: RecordingUi, sha: str) -> bool:
    db = ui.account.db
    return (
        not ui.account.files.has(sha)
        and db.execute("SELECT COUNT(*) FROM blobs WHERE sha256 = ?", [sha]).fetchone()[0] == 0
        and thumbnail(db, sha) is None
        and not list(ui.account.files.root.rglob("*.tmp"))
    )


def test_the_office_downloads_a_pulled_photo_when_tapped(tmp_path: Path, server) -> None:
    inspector, visit = inspector_reported(tmp_path, server.url)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)
    sha = visit.hazard_photo
    assert nothing_stored(office, sha)  # pulled the records, not the photos

    tiles = PhotoTiles(office, [sha, visit.inspector_signature], "p")
    assert "未下载 · 点击下载" in texts(tiles.control)
    assert {"p-0", "p-1"} <= identifiers(tiles.control)

    async def tap_and_watch() -> bool:
        task = asyncio.create_task(tiles.download(sha))
        await asyncio.sleep(0)  # the download has begun: its worker thread is fetching
        assert sha in tiles.busy
        assert any(isinstance(c, ft.ProgressRing) for c in walk(tiles.control))
        assert "下载中…" in texts(tiles.control)
        tiles.tap(sha)  # a second tap while it downloads starts nothing
        return await task

    assert asyncio.run(tap_and_watch())
    data = office.account.files.read(sha)
    assert hashlib.sha256(data).hexdigest() == sha
    assert data == inspector.account.files.read(sha)
    thumb = thumbnail(office.account.db, sha)
    assert thumb is not None and thumb[:3] == b"\xff\xd8\xff" and len(thumb) < len(data)
    with Image.open(io.BytesIO(thumb)) as image:
        assert max(image.size) == 320
    # already on the server: nothing waits to be uploaded because of it
    assert outbox.waiting(office.account.db).blobs == 0
    # the tile shows the thumbnail now, the other one still offers the download
    first = tiles.boxes[0].content
    assert isinstance(first, ft.Image) and first.src == thumb
    assert "未下载 · 点击下载" in texts(tiles.boxes[1])
    # a new screen (lists) shows the thumbnail straight away
    again = photo_tiles(office, [sha], "q")
    assert any(isinstance(c, ft.Image) and c.src == thumb for c in walk(again))

    # tapping a photo the device holds opens it full size: under the tiles, or by callback
    tiles.tap(sha)
    full = [c for c in walk(tiles.full) if isinstance(c, ft.Image)]
    assert tiles.opened == sha and full and full[0].src == data
    assert "p-full" in identifiers(tiles.full)
    tiles.close()
    assert tiles.full.controls == []
    opened: list[str] = []
    PhotoTiles(office, [sha], "r", on_open=opened.append).tap(sha)
    assert opened == [sha]

    # a signature PNG: transparent strokes, thumbnail on white
    assert asyncio.run(tiles.download(visit.inspector_signature))
    sig_thumb = thumbnail(office.account.db, visit.inspector_signature)
    assert sig_thumb is not None
    with Image.open(io.BytesIO(sig_thumb)) as image:
        assert image.convert("RGB").getpixel((0, 0)) > (240, 240, 240)
    assert office.toasts == []


def test_with_the_server_stopped_it_says_so_and_stores_nothing(tmp_path: Path, server) -> None:
    _, visit = inspector_reported(tmp_path, server.url)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)
    sha = visit.item_photo
    tiles = PhotoTiles(office, [sha], "p")
    server.stop()

    assert not asyncio.run(tiles.download(sha))
    assert office.toasts == ["照片下载失败：无法连接服务器，请联网后再点击下载"]
    assert tiles.failed[sha] == office.toasts[-1]
    assert "下载失败 · 点击重试" in texts(tiles.control)
    assert sha not in tiles.busy
    assert nothing_stored(office, sha)
    with pytest.raises(PhotoFetchError) as err:
        fetch_photo(office.account, sha, lang="en")
    assert err.value.code == ErrorCode.network
    assert err.value.message.startswith("Photo download failed: Cannot reach the server")

    server.start()  # back online (same port): tapping again fetches it
    assert asyncio.run(tiles.download(sha))
    assert office.account.files.has(sha) and sha not in tiles.failed


def test_another_enterprises_photo_is_refused(tmp_path: Path, server) -> None:
    _, visit = inspector_reported(tmp_path, server.url)
    stranger = device_ui(tmp_path, server.url, "ent-2-user", seed=3)
    sha = visit.hazard_photo

    with pytest.raises(PhotoFetchError) as err:
        fetch_photo(stranger.account, sha)
    assert err.value.code == ErrorCode.not_found  # the server does not even confirm it exists
    assert err.value.message == "照片下载失败：服务器上没有这张照片，或不在您的查看范围内"
    tiles = PhotoTiles(stranger, [sha], "p")
    assert not asyncio.run(tiles.download(sha))
    assert stranger.toasts == [err.value.message]
    assert nothing_stored(stranger, sha)

    # the enterprise the hazard belongs to may fetch it
    own = device_ui(tmp_path, server.url, f.ENTERPRISE_USER, seed=4)
    fetched = fetch_photo(own.account, sha)
    assert fetched.downloaded and fetched.media_type == "image/jpeg"
    assert not fetch_photo(own.account, sha).downloaded  # held now: no second download


def test_a_corrupted_blob_on_the_server_is_refused(tmp_path: Path, server) -> None:
    """The server's file is damaged on disk after it was checked: it serves other bytes."""
    _, visit = inspector_reported(tmp_path, server.url)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)
    sha = visit.hazard_photo
    on_disk = server.data_dir / "blobs" / sha[:2] / sha[2:4] / sha
    damaged = bytearray(on_disk.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # still starts like a JPEG; one byte differs
    on_disk.write_bytes(bytes(damaged))

    tiles = PhotoTiles(office, [sha], "p")
    assert not asyncio.run(tiles.download(sha))
    assert office.toasts == ["照片下载失败：收到的文件与其校验值不符，已丢弃，未保存"]
    assert nothing_stored(office, sha)
    assert "下载失败 · 点击重试" in texts(tiles.control)


class _Forger(http.server.BaseHTTPRequestHandler):
    """Answers every blob request with a real JPEG — just not the one asked for."""

    body: ClassVar[bytes] = camera_jpeg(99)
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def forger() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Forger)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_forged_answer_is_refused(tmp_path: Path, server, forger: str) -> None:
    """A well-formed JPEG from something posing as the server is not the photo asked for."""
    _, visit = inspector_reported(tmp_path, server.url)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)
    sha = visit.hazard_photo
    client = SyncClient(forger, office.account.token, timeout=5)
    with pytest.raises(PhotoFetchError) as err:
        fetch_photo(office.account, sha, client=client)
    assert err.value.code == ErrorCode.hash_mismatch
    assert _Forger.asked == [f"/api/v1/blobs/{sha}"]
    assert nothing_stored(office, sha)
    assert not office.account.files.has(hashlib.sha256(_Forger.body).hexdigest())
    # the real server still gives the real photo
    assert fetch_photo(office.account, sha).downloaded
