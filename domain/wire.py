"""The sync protocol's messages (base ``/api/v1``), shared by the server and the device."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from domain.reference import UserPublic

MAX_PUSH_RECORDS = 500
MAX_PULL_LIMIT = 1000
DEFAULT_PULL_LIMIT = 500
MAX_MISSING_QUERY = 2000

DeviceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(Wire):
    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorResponse(Wire):
    error: ErrorBody


class Health(Wire):
    status: Literal["ok"] = "ok"
    version: str


class LoginRequest(Wire):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    device_id: DeviceId
    device_name: Annotated[str, StringConstraints(max_length=100)] = ""


class LoginResponse(Wire):
    token: str
    expires_at: AwareDatetime
    user: UserPublic


class PushRecord(Wire):
    kind: Annotated[str, StringConstraints(max_length=40)]
    id: Annotated[str, StringConstraints(max_length=64)]
    data: dict[str, Any]


class PushRequest(Wire):
    device_id: DeviceId
    records: list[PushRecord]


PushStatus = Literal["created", "duplicate", "rejected"]


class PushResult(Wire):
    id: str
    status: PushStatus
    error: ErrorBody | None = None
    meta: dict[str, Any] | None = None


class PushResponse(Wire):
    results: list[PushResult]


class Change(Wire):
    kind: str
    id: str
    data: dict[str, Any]
    meta: dict[str, Any] = Field(default_factory=dict)


class PullResponse(Wire):
    changes: list[Change]
    cursor: str
    more: bool


class MissingRequest(Wire):
    sha256: list[str] = Field(max_length=MAX_MISSING_QUERY)


class MissingResponse(Wire):
    missing: list[str]
    partial: dict[str, int]


class BlobStored(Wire):
    sha256: str
    size: int
    received: int
    complete: bool
