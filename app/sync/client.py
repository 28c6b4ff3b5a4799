"""HTTP client for the sync protocol: one session, a timeout on every call, coded errors."""

from __future__ import annotations

from typing import Any

import requests

from domain.errors import ErrorCode, GridCheckError
from domain.wire import (
    BlobStored,
    LoginRequest,
    LoginResponse,
    MissingRequest,
    MissingResponse,
    PullResponse,
    PushRecord,
    PushRequest,
    PushResponse,
)

API = "/api/v1"
USER_AGENT = "GridCheck-device/0.1"


class SyncError(GridCheckError):
    """A failed call: the server's code, or ``network`` when no answer came."""

    def __init__(
        self,
        code: ErrorCode,
        message_text: str | None = None,
        details: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(code, message_text, details)
        self.http_status = status


def _error_from(response: requests.Response) -> SyncError:
    try:
        body = response.json()["error"]
        code = ErrorCode(body["code"])
        return SyncError(code, body.get("message"), body.get("details") or {}, response.status_code)
    except (ValueError, KeyError, TypeError):
        code = ErrorCode.server_error if response.status_code >= 500 else ErrorCode.malformed
        return SyncError(
            code, details={"status": response.status_code}, status=response.status_code
        )


class SyncClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 30.0,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.bytes_sent = 0
        self.requests_made = 0

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = kwargs.get("data") or b""
        self.requests_made += 1
        self.bytes_sent += len(body) if isinstance(body, bytes | bytearray) else 0
        try:
            response = self.session.request(
                method,
                f"{self.base_url}{API}{path}",
                headers=headers,
                timeout=self.timeout,
                **kwargs,
            )
        except requests.RequestException as exc:
            raise SyncError(ErrorCode.network, details={"reason": type(exc).__name__}) from exc
        if response.status_code >= 400:
            raise _error_from(response)
        return response

    def _json(self, method: str, path: str, payload: Any = None, **kwargs: Any) -> Any:
        if payload is not None:
            data = payload.model_dump_json().encode("utf-8")
            kwargs.update(data=data, headers={"Content-Type": "application/json"})
        response = self._call(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:  # a proxy's page, a cut body
            raise SyncError(ErrorCode.network, details={"reason": "unreadable answer"}) from exc

    def health(self) -> dict[str, Any]:
        return self._json("GET", "/health")

    def login(
        self, username: str, password: str, device_id: str, device_name: str = ""
    ) -> LoginResponse:
        req = LoginRequest(
            username=username, password=password, device_id=device_id, device_name=device_name
        )
        answer = LoginResponse.model_validate(self._json("POST", "/auth/login", req))
        self.token = answer.token
        return answer

    def logout(self) -> None:
        self._call("POST", "/auth/logout")

    def pull(self, cursor: str | None, limit: int = 500) -> PullResponse:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return PullResponse.model_validate(self._json("GET", "/sync/pull", params=params))

    def push(self, device_id: str, records: list[tuple[str, str, dict[str, Any]]]) -> PushResponse:
        req = PushRequest(
            device_id=device_id, records=[PushRecord(kind=k, id=i, data=d) for k, i, d in records]
        )
        return PushResponse.model_validate(self._json("POST", "/sync/push", req))

    def missing(self, hashes: list[str]) -> MissingResponse:
        return MissingResponse.model_validate(
            self._json("POST", "/blobs/missing", MissingRequest(sha256=hashes))
        )

    def put_blob(self, sha256: str, chunk: bytes, start: int, total: int) -> BlobStored:
        """Send ``chunk`` as bytes ``start``… of a blob of ``total`` bytes."""
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-Range": f"bytes {start}-{start + len(chunk) - 1}/{total}",
        }
        return BlobStored.model_validate(
            self._json("PUT", f"/blobs/{sha256}", data=chunk, headers=headers)
        )

    def get_blob(self, sha256: str) -> bytes:
        return self._call("GET", f"/blobs/{sha256}").content
