"""HTTP client for the sync protocol: one session, a timeout on every call, coded errors."""

from __future__ import annotations

import copy
import io
import json
import os
import threading
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError

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

M = TypeVar("M", bound=BaseModel)

API = "/api/v1"
USER_AGENT = "GridCheck-device/0.1"
# The server takes no blob larger than this (sync_server's ``max_blob_bytes`` default): a
# longer download is not one of ours, and is never held in memory whole.
MAX_BLOB_BYTES = 20 * 1024 * 1024
_READ_CHUNK = 64 * 1024
_ERROR_BODY_BYTES = 64 * 1024  # an error answer is a small JSON object


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


def _error_from(response: requests.Response, content: bytes | None = None) -> SyncError:
    try:
        body = json.loads(response.content if content is None else content)["error"]
        code = ErrorCode(body["code"])
        return SyncError(code, body.get("message"), body.get("details") or {}, response.status_code)
    except (ValueError, KeyError, TypeError):
        code = ErrorCode.server_error if response.status_code >= 500 else ErrorCode.malformed
        return SyncError(
            code, details={"status": response.status_code}, status=response.status_code
        )


class _Tally:
    """Requests made and body bytes sent, shared by a client and its forks."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.bytes = 0


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
        self.session = session or self._environment_once(requests.Session())
        self.session.headers["User-Agent"] = USER_AGENT
        self._tally = _Tally()

    def _environment_once(self, session: requests.Session) -> requests.Session:
        """Proxy and CA settings from the environment, read once for our one server.

        requests otherwise reads them (and ~/.netrc) again on every call: a measurable part
        of a small request's cost. A ~/.netrc entry no longer replaces our bearer token.
        """
        session.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            session.verify = bundle
        session.trust_env = False
        return session

    @property
    def requests_made(self) -> int:
        return self._tally.requests

    @property
    def bytes_sent(self) -> int:
        return self._tally.bytes

    def fork(self) -> SyncClient:
        """Another client for the same server and token, on its own connection, counting
        into the same tallies: for a second upload stream on another thread."""
        session = requests.Session()
        session.headers.update(self.session.headers)
        session.proxies.update(self.session.proxies)
        session.verify, session.cert = self.session.verify, self.session.cert
        session.trust_env = self.session.trust_env
        twin = copy.copy(self)  # same settings, token and tallies (and a subclass's extras)
        twin.session = session
        return twin

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = kwargs.get("data") or b""
        with self._tally.lock:
            self._tally.requests += 1
            self._tally.bytes += len(body) if isinstance(body, bytes | bytearray) else 0
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
            if not kwargs.get("stream"):
                raise _error_from(response)
            with response:  # a streamed answer: read no more of an error page than its head
                raise _error_from(response, _head(response, _ERROR_BODY_BYTES))
        return response

    def _model(
        self, model: type[M], method: str, path: str, payload: Any = None, **kwargs: Any
    ) -> M:
        """The answer parsed straight from its bytes into ``model``: one pass of pydantic's
        JSON parser instead of ``json.loads`` and then validation of the dicts."""
        if payload is not None:
            data = payload.model_dump_json().encode("utf-8")
            kwargs.update(data=data, headers={"Content-Type": "application/json"})
        response = self._call(method, path, **kwargs)
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            if any(e["type"] == "json_invalid" for e in exc.errors()):  # a proxy's page, a cut body
                raise SyncError(ErrorCode.network, details={"reason": "unreadable answer"}) from exc
            raise

    def health(self) -> dict[str, Any]:
        response = self._call("GET", "/health")
        try:
            return response.json()
        except ValueError as exc:  # a proxy's page, a cut body
            raise SyncError(ErrorCode.network, details={"reason": "unreadable answer"}) from exc

    def login(
        self, username: str, password: str, device_id: str, device_name: str = ""
    ) -> LoginResponse:
        req = LoginRequest(
            username=username, password=password, device_id=device_id, device_name=device_name
        )
        answer = self._model(LoginResponse, "POST", "/auth/login", req)
        self.token = answer.token
        return answer

    def logout(self) -> None:
        self._call("POST", "/auth/logout")

    def pull(self, cursor: str | None, limit: int = 500) -> PullResponse:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self._model(PullResponse, "GET", "/sync/pull", params=params)

    def push(self, device_id: str, records: list[tuple[str, str, dict[str, Any]]]) -> PushResponse:
        req = PushRequest(
            device_id=device_id, records=[PushRecord(kind=k, id=i, data=d) for k, i, d in records]
        )
        return self._model(PushResponse, "POST", "/sync/push", req)

    def missing(self, hashes: list[str]) -> MissingResponse:
        return self._model(MissingResponse, "POST", "/blobs/missing", MissingRequest(sha256=hashes))

    def put_blob(self, sha256: str, chunk: bytes, start: int, total: int) -> BlobStored:
        """Send ``chunk`` as bytes ``start``… of a blob of ``total`` bytes."""
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-Range": f"bytes {start}-{start + len(chunk) - 1}/{total}",
        }
        return self._model(BlobStored, "PUT", f"/blobs/{sha256}", data=chunk, headers=headers)

    def get_blob(self, sha256: str, max_bytes: int = MAX_BLOB_BYTES) -> bytes:
        """The blob's bytes, read as they stream in and never more than ``max_bytes`` of them:
        a longer answer (a stated ``Content-Length`` or the bytes themselves) raises
        ``too_large`` as soon as the cap would be passed, and the rest is never read."""
        response = self._call("GET", f"/blobs/{sha256}", stream=True)
        with response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(max_bytes, response.status_code)
            body = io.BytesIO()  # getvalue() hands its buffer over: no second copy
            try:
                for chunk in response.iter_content(chunk_size=_READ_CHUNK):
                    if body.tell() + len(chunk) > max_bytes:
                        raise _too_large(max_bytes, response.status_code)
                    body.write(chunk)
            except requests.RequestException as exc:  # cut off half-way, or stalled
                raise SyncError(ErrorCode.network, details={"reason": type(exc).__name__}) from exc
        return body.getvalue()


def _head(response: requests.Response, limit: int) -> bytes:
    """Up to ``limit`` bytes of a streamed body (what did not arrive is simply missing)."""
    head = b""
    try:
        for chunk in response.iter_content(chunk_size=min(limit, _READ_CHUNK)):
            head += chunk
            if len(head) >= limit:
                break
    except requests.RequestException:
        pass
    return head[:limit]


def _too_large(max_bytes: int, status: int) -> SyncError:
    return SyncError(ErrorCode.too_large, details={"max_bytes": max_bytes}, status=status)
