"""Plain HTTP calls against a live server, for tests that speak the protocol directly."""

from __future__ import annotations

import io
import random
from typing import Any

import requests
from PIL import Image

from domain.canonical import sha256_hex
from tests.org import PASSWORD


class Api:
    def __init__(
        self, base_url: str, username: str | None = None, device_id: str = "test-device"
    ) -> None:
        self.base = f"{base_url}/api/v1"
        self.session = requests.Session()
        self.device_id = device_id
        if username:
            self.login(username)

    def login(self, username: str, password: str = PASSWORD) -> requests.Response:
        r = self.post(
            "/auth/login",
            json={"username": username, "password": password, "device_id": self.device_id},
        )
        if r.ok:
            self.session.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return r

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.session.get(self.base + path, timeout=30, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.session.post(self.base + path, timeout=30, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.session.put(self.base + path, timeout=30, **kw)

    def push(self, *records: Any) -> requests.Response:
        body = [
            {"kind": r.kind, "id": r.id, "data": r.wire()} if hasattr(r, "wire") else r
            for r in records
        ]
        return self.post("/sync/push", json={"device_id": self.device_id, "records": body})

    def push_one(self, record: Any) -> dict[str, Any]:
        r = self.push(record)
        assert r.status_code == 200, r.text
        return r.json()["results"][0]

    def upload(self, data: bytes) -> str:
        sha = sha256_hex(data)
        r = self.put(
            f"/blobs/{sha}", data=data, headers={"Content-Type": "application/octet-stream"}
        )
        assert r.status_code in (200, 201), r.text
        return sha

    def pull_all(self) -> list[dict[str, Any]]:
        changes, cursor = [], None
        while True:
            r = self.get("/sync/pull", params={"cursor": cursor} if cursor else {})
            assert r.status_code == 200, r.text
            page = r.json()
            changes += page["changes"]
            cursor = page["cursor"]
            if not page["more"]:
                return changes


def png_bytes(seed: int = 0) -> bytes:
    out = io.BytesIO()
    Image.new("LA", (60, 20), (seed % 256, 255)).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(seed: int = 0) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (seed % 256, 80, 160)).save(out, "JPEG")
    return out.getvalue()


def error_code(response: requests.Response) -> str:
    return response.json()["error"]["code"]


def noise_jpeg(seed: int = 0, size: tuple[int, int] = (320, 240)) -> bytes:
    """A real JPEG of random noise (tens of KB: it does not compress), different per seed."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, random.Random(seed).randbytes(size[0] * size[1] * 3)).save(
        out, "JPEG"
    )
    return out.getvalue()
