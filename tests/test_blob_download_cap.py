"""Downloading a blob reads at most the server's blob size limit, over a real loopback socket.

A tiny HTTP server on its own thread plays the server (or a proxy in front of it): it answers
a blob request with a normal photo, an endless body, a body that states a huge length, a cut
off body, or a huge error page. The client must take the normal one, refuse the rest with its
coded errors, stop reading as soon as the cap is passed and never hold more than the cap.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from app.sync.client import MAX_BLOB_BYTES, SyncClient, SyncError
from domain.errors import ErrorCode
from sync_server.config import ServerSettings
from tests.api import jpeg_bytes

MiB = 1024 * 1024
CHUNK = b"\xab" * (64 * 1024)
PHOTO = jpeg_bytes(7)
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()


@dataclass
class Sent:
    """What the server thread managed to write of each body (the client hung up on the rest)."""

    bytes: dict[str, int] = field(default_factory=dict)
    done: dict[str, threading.Event] = field(default_factory=dict)

    def finished(self, name: str) -> threading.Event:
        return self.done.setdefault(name, threading.Event())


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sent: Sent
    endless = 256 * MiB  # "endless": far beyond any cap, and never all read

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        if name == PHOTO_SHA:
            self._answer(200, PHOTO)
        elif name == "no-length":  # a body that runs until the connection closes
            self.protocol_version = "HTTP/1.0"
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            self._pour(name, self.endless)
        elif name == "says-huge":  # states its length honestly: far beyond the cap
            self.send_response(200)
            self.send_header("Content-Length", str(self.endless))
            self.end_headers()
            self._pour(name, self.endless)
        elif name.startswith("exactly-"):
            self._answer(200, b"\xff\xd8\xff" + b"x" * (int(name.split("-")[1]) - 3))
        elif name == "cut-off":  # promises more than it sends, then hangs up
            self.send_response(200)
            self.send_header("Content-Length", str(4 * MiB))
            self.end_headers()
            self.wfile.write(CHUNK)
            self.close_connection = True
        elif name == "huge-error":  # a proxy's error page that never ends
            self.protocol_version = "HTTP/1.0"
            self.send_response(502)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self._pour(name, self.endless)
        else:
            self._answer(
                404,
                b'{"error": {"code": "not_found", "message": "none", "details": {}}}',
                "application/json",
            )

    def _answer(self, status: int, body: bytes, kind: str = "application/octet-stream") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _pour(self, name: str, total: int) -> None:
        written = 0
        try:
            while written < total:
                self.wfile.write(CHUNK)
                written += len(CHUNK)
        except OSError:  # the client hung up: the point of the cap
            pass
        finally:
            self.sent.bytes[name] = written
            self.sent.finished(name).set()
            self.close_connection = True


@pytest.fixture
def stub() -> Iterator[tuple[str, Sent]]:
    sent = Sent()
    handler = type("StubHandler", (Handler,), {"sent": sent})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(
        target=httpd.serve_forever, args=(0.05,), name="stub-server", daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", sent
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)


def error_of(client: SyncClient, name: str, **kwargs: int) -> SyncError:
    with pytest.raises(SyncError) as caught:
        client.get_blob(name, **kwargs)
    return caught.value


def test_the_cap_is_the_servers_blob_size_limit() -> None:
    assert ServerSettings.model_fields["max_blob_bytes"].default == MAX_BLOB_BYTES == 20 * MiB


def test_a_normal_blob_downloads_whole(stub) -> None:
    url, _ = stub
    client = SyncClient(url, "token", timeout=10)
    assert client.get_blob(PHOTO_SHA) == PHOTO
    assert client.get_blob(PHOTO_SHA, max_bytes=len(PHOTO)) == PHOTO  # the cap itself is allowed
    # the connection is fine for the next call
    assert error_of(client, "f" * 64).code == ErrorCode.not_found


def test_a_blob_of_exactly_the_default_cap_downloads(stub) -> None:
    url, _ = stub
    data = SyncClient(url, timeout=10).get_blob(f"exactly-{MAX_BLOB_BYTES}")
    assert len(data) == MAX_BLOB_BYTES and data.startswith(b"\xff\xd8\xff")


def test_one_byte_over_the_default_cap_is_refused(stub) -> None:
    url, _ = stub
    err = error_of(SyncClient(url, timeout=10), f"exactly-{MAX_BLOB_BYTES + 1}")
    assert err.code == ErrorCode.too_large
    assert err.details == {"max_bytes": MAX_BLOB_BYTES}


def test_an_endless_body_stops_at_the_cap_and_is_not_held(stub) -> None:
    url, sent = stub
    client = SyncClient(url, timeout=10)
    cap = 2 * MiB
    tracemalloc.start()
    try:
        err = error_of(client, "no-length", max_bytes=cap)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.code == ErrorCode.too_large and err.details == {"max_bytes": cap}
    assert peak < cap + MiB  # the cap, one read chunk and the client's own small change
    assert sent.finished("no-length").wait(10)
    # the client hung up: the server wrote the cap plus what the socket buffers took, no more
    assert sent.bytes["no-length"] < Handler.endless // 4


def test_a_stated_length_over_the_cap_is_refused_before_reading(stub) -> None:
    url, sent = stub
    tracemalloc.start()
    try:
        err = error_of(SyncClient(url, timeout=10), "says-huge")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.code == ErrorCode.too_large and err.details == {"max_bytes": MAX_BLOB_BYTES}
    assert peak < MiB  # nothing of the body was kept
    assert sent.finished("says-huge").wait(10)
    assert sent.bytes["says-huge"] < Handler.endless // 4


def test_a_body_cut_off_half_way_is_a_network_error(stub) -> None:
    url, _ = stub
    err = error_of(SyncClient(url, timeout=10), "cut-off")
    assert err.code == ErrorCode.network


def test_an_endless_error_page_is_read_only_in_part(stub) -> None:
    url, sent = stub
    tracemalloc.start()
    try:
        err = error_of(SyncClient(url, timeout=10), "huge-error")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.code == ErrorCode.server_error and err.http_status == 502
    assert peak < MiB
    assert sent.finished("huge-error").wait(10)
    assert sent.bytes["huge-error"] < Handler.endless // 4
