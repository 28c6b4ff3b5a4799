"""Bad input gets its coded error, in the user's language, and changes nothing."""

from __future__ import annotations

import hashlib
import json

import pytest
import requests

from domain.ids import new_id
from tests import domain_factories as f
from tests.api import Api, error_code, jpeg_bytes, noise_jpeg, png_bytes
from tests.server_db import server_rows


def snapshot(server) -> dict[str, int]:
    tables = ("records", "changes", "blobs", "blob_refs", "tokens", "counters")
    return {t: server_rows(server.data_dir, f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}


@pytest.fixture
def api(server) -> Api:
    return Api(server.url, f.INSPECTOR)


def test_oversized_json_body(server, api) -> None:
    before = snapshot(server)
    body = (
        b'{"device_id":"d","records":['
        + b'{"kind":"inspection","id":"x","data":{"pad":"'
        + b"x" * (17 << 20)
        + b'"}}]}'
    )
    r = api.post("/sync/push", data=body, headers={"Content-Type": "application/json"})
    assert (r.status_code, error_code(r)) == (413, "too_large")
    assert r.json()["error"]["message"] == "内容过大，超出上限"
    assert snapshot(server) == before


def test_oversized_body_without_declared_length(server, api) -> None:
    before = snapshot(server)

    def chunks():
        yield b'{"device_id":"d","records":[{"kind":"inspection","id":"x","data":{"pad":"'
        for _ in range(17):
            yield b"x" * (1 << 20)
        yield b'"}}]}'

    r = api.post("/sync/push", data=chunks(), headers={"Content-Type": "application/json"})
    assert (r.status_code, error_code(r)) == (413, "too_large")
    assert snapshot(server) == before


def test_malformed_json(server, api) -> None:
    before = snapshot(server)
    r = api.post(
        "/sync/push",
        data=b'{"device_id": "d", "records": [',
        headers={"Content-Type": "application/json"},
    )
    assert (r.status_code, error_code(r)) == (400, "malformed")
    r = api.post("/sync/push", json={"device_id": "d"})
    assert (r.status_code, error_code(r)) == (422, "invalid")
    assert r.json()["error"]["details"]["errors"][0]["field"] == "records"
    assert snapshot(server) == before


def test_ten_thousand_records_in_one_push(server, api) -> None:
    before = snapshot(server)
    records = [{"kind": "hazard_event", "id": new_id(), "data": {"x": i}} for i in range(10_000)]
    r = api.post("/sync/push", json={"device_id": "d", "records": records})
    assert (r.status_code, error_code(r)) == (413, "too_many_records")
    assert r.json()["error"]["details"] == {"max_records": 500, "received": 10_000}
    assert snapshot(server) == before


@pytest.mark.parametrize(
    "blob_id",
    [
        "not-hex",
        "A" * 64,
        "a" * 63,
        "a" * 65,
        "..%2F..%2Fserver.db",
        "%2E%2E",
        "g" * 64,
        "a" * 64 + ".jpg",
    ],
)
def test_non_hex_or_path_like_blob_ids(server, api, blob_id) -> None:
    before = snapshot(server)
    for r in (
        api.put(f"/blobs/{blob_id}", data=jpeg_bytes()),
        api.get(f"/blobs/{blob_id}"),
    ):
        assert r.status_code in (400, 404)
        assert error_code(r) in ("invalid_blob_id", "not_found")
    r = api.post("/blobs/missing", json={"sha256": [blob_id]})
    assert (r.status_code, error_code(r)) == (400, "invalid_blob_id")
    assert snapshot(server) == before
    assert not list((server.data_dir / "blobs" / "partial").iterdir())


def test_wrong_media_type_is_judged_by_content(server, api) -> None:
    before = snapshot(server)
    for data in (b"%PDF-1.7 not an image at all", b"GIF89a......", b"\x00" * 100, b"<svg></svg>"):
        sha = hashlib.sha256(data).hexdigest()
        r = api.put(f"/blobs/{sha}", data=data, headers={"Content-Type": "image/jpeg"})
        assert (r.status_code, error_code(r)) == (415, "unsupported_media_type")
    assert snapshot(server) == before
    # a real PNG sent as octet-stream is fine: the header is not what decides
    png = png_bytes(5)
    r = api.put(
        f"/blobs/{hashlib.sha256(png).hexdigest()}",
        data=png,
        headers={"Content-Type": "text/plain"},
    )
    assert r.status_code == 201
    assert server_rows(server.data_dir, "SELECT media_type FROM blobs") == [("image/png",)]


def test_blob_whose_bytes_do_not_match_its_hash(server, api) -> None:
    before = snapshot(server)
    r = api.put(f"/blobs/{'0' * 64}", data=jpeg_bytes(3))
    assert (r.status_code, error_code(r)) == (400, "hash_mismatch")
    assert snapshot(server) == before
    assert not list((server.data_dir / "blobs" / "partial").iterdir())


def test_blob_too_large(server, api) -> None:
    before = snapshot(server)
    sha = "ab" * 32
    r = api.put(
        f"/blobs/{sha}",
        data=b"\xff\xd8\xff" + b"0" * 100,
        headers={"Content-Range": f"bytes 0-102/{30 << 20}"},
    )
    assert (r.status_code, error_code(r)) == (413, "too_large")
    assert snapshot(server) == before


def test_resumable_upload_in_chunks_and_ranges_that_do_not_continue(server, api) -> None:
    data = noise_jpeg(11)  # a real photo, large enough to send in three pieces
    sha = hashlib.sha256(data).hexdigest()
    total = len(data)
    part = total // 3
    r = api.put(
        f"/blobs/{sha}", data=data[:part], headers={"Content-Range": f"bytes 0-{part - 1}/{total}"}
    )
    assert (r.status_code, r.json()["received"], r.json()["complete"]) == (202, part, False)
    assert api.post("/blobs/missing", json={"sha256": [sha]}).json() == {
        "missing": [sha],
        "partial": {sha: part},
    }
    gap = api.put(
        f"/blobs/{sha}",
        data=data[part + 5 :],
        headers={"Content-Range": f"bytes {part + 5}-{total - 1}/{total}"},
    )
    assert (gap.status_code, error_code(gap), gap.json()["error"]["details"]) == (
        416,
        "bad_range",
        {"received": part},
    )
    bad = api.put(f"/blobs/{sha}", data=b"xx", headers={"Content-Range": "bytes 5-2/10"})
    assert (bad.status_code, error_code(bad)) == (416, "bad_range")
    done = api.put(
        f"/blobs/{sha}",
        data=data[part:],
        headers={"Content-Range": f"bytes {part}-{total - 1}/{total}"},
    )
    assert (done.status_code, done.json()["complete"]) == (201, True)
    again = api.put(f"/blobs/{sha}", data=data)
    assert again.status_code == 200
    assert server_rows(server.data_dir, "SELECT size FROM blobs WHERE sha256 = ?", (sha,)) == [
        (total,)
    ]


def test_unknown_record_kind_and_invalid_fields_are_named(server, api) -> None:
    before = snapshot(server)
    r = api.push({"kind": "photo", "id": new_id(), "data": {}}).json()["results"][0]
    assert (r["status"], r["error"]["code"], r["error"]["details"]["field"]) == (
        "rejected",
        "invalid",
        "kind",
    )
    data = f.inspection_data(created_by=f.INSPECTOR)
    data["items"][0]["result"] = "maybe"
    data["started_at"] = "yesterday"
    r = api.push(
        {"kind": "inspection", "id": data["id"], "data": json.loads(json.dumps(data, default=str))}
    )
    fields = {e["field"] for e in r.json()["results"][0]["error"]["details"]["errors"]}
    assert {"items.0.result", "started_at"} <= fields
    assert snapshot(server) == before


def test_every_call_but_health_and_login_needs_a_valid_token(server) -> None:
    anon = requests.Session()
    base = f"{server.url}/api/v1"
    calls = [
        ("GET", "/sync/pull"),
        ("POST", "/sync/push"),
        ("POST", "/blobs/missing"),
        ("PUT", f"/blobs/{'a' * 64}"),
        ("GET", f"/blobs/{'a' * 64}"),
        ("POST", "/auth/logout"),
    ]
    for headers in ({}, {"Authorization": "Bearer forged-token"}, {"Authorization": "Basic abc"}):
        for method, path in calls:
            r = anon.request(method, base + path, headers=headers, json={}, timeout=10)
            assert (r.status_code, error_code(r)) == (401, "unauthorized"), (method, path)
    assert anon.get(base + "/health", timeout=10).json()["status"] == "ok"


def test_login_logout_and_rate_limit(server) -> None:
    api = Api(server.url)
    bad = api.login(f.INSPECTOR, "wrong-password")
    assert (bad.status_code, error_code(bad)) == (401, "bad_credentials")
    assert bad.json()["error"]["message"] == "用户名或密码不正确"
    unknown = api.login("nobody-here", "whatever")
    assert error_code(unknown) == "bad_credentials"  # no hint whether the user exists

    good = api.login(f.INSPECTOR)
    assert good.status_code == 200
    body = good.json()
    assert body["user"] == {
        "id": f.INSPECTOR,
        "username": f.INSPECTOR,
        "name": "张三",
        "role": "inspector",
        "grid_ids": [f.GRID],
        "enterprise_id": None,
        "phone": None,
    }
    assert "password" not in json.dumps(body)
    stored = server_rows(server.data_dir, "SELECT token_hash FROM tokens WHERE revoked_at IS NULL")
    assert body["token"] not in {t for (t,) in stored}  # only a hash is kept
    assert api.get("/sync/pull").status_code == 200
    assert api.post("/auth/logout").status_code == 204
    assert error_code(api.get("/sync/pull")) == "unauthorized"

    for _ in range(4):
        assert error_code(api.login(f.INSPECTOR_2, "wrong")) == "bad_credentials"
    limited = api.login(f.INSPECTOR_2, "wrong")
    assert error_code(limited) == "bad_credentials"
    blocked = api.login(f.INSPECTOR_2)  # even the right password waits now
    assert (blocked.status_code, error_code(blocked)) == (429, "too_many_attempts")
    assert int(blocked.headers["Retry-After"]) > 0
    assert api.login(f.OFFICE).status_code == 200  # other users are not locked out


def test_a_new_login_on_the_same_device_revokes_the_old_token(server) -> None:
    one = Api(server.url, f.INSPECTOR, device_id="phone-1")
    old = one.session.headers["Authorization"]
    two = Api(server.url, f.INSPECTOR, device_id="phone-1")
    other_device = Api(server.url, f.INSPECTOR, device_id="phone-2")
    assert two.get("/sync/pull").status_code == 200
    assert other_device.get("/sync/pull").status_code == 200
    r = requests.get(f"{server.url}/api/v1/sync/pull", headers={"Authorization": old}, timeout=10)
    assert error_code(r) == "unauthorized"


def test_openapi_describes_every_endpoint_and_record(server) -> None:
    spec = requests.get(f"{server.url}/api/v1/openapi.json", timeout=10).json()
    paths = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert paths == {
        ("GET", "/api/v1/health"),
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/auth/logout"),
        ("GET", "/api/v1/sync/pull"),
        ("POST", "/api/v1/sync/push"),
        ("POST", "/api/v1/blobs/missing"),
        ("PUT", "/api/v1/blobs/{sha256}"),
        ("GET", "/api/v1/blobs/{sha256}"),
        ("GET", "/api/v1/reports/ledger.xlsx"),
        ("GET", "/api/v1/reports/summary"),
    }
    schemas = spec["components"]["schemas"]
    for name in (
        "Inspection",
        "Reported",
        "Rectified",
        "Rechecked",
        "DeadlineExtended",
        "Escalated",
        "Closed",
        "Voided",
        "Review",
        "Community",
        "Grid",
        "Enterprise",
        "ChecklistTemplate",
        "UserPublic",
        "Signature",
        "Refusal",
        "PushRequest",
        "PullResponse",
        "ErrorResponse",
    ):
        assert name in schemas, name
    assert set(schemas["Reported"]["required"]) >= {
        "title",
        "level",
        "measures",
        "responsible_name",
        "deadline",
    }
