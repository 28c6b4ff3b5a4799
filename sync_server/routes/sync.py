from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from domain.wire import (
    DEFAULT_PULL_LIMIT,
    MAX_PULL_LIMIT,
    ErrorResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync_server.deps import AuthedDep, DbDep, SettingsDep
from sync_server.services.pull import pull as pull_changes
from sync_server.services.push import accept_push

router = APIRouter(prefix="/sync", tags=["sync"])


@router.get("/pull", response_model=PullResponse, responses={410: {"model": ErrorResponse}})
def pull(
    authed: AuthedDep,
    db: DbDep,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
) -> Response:
    """Changes the user may see, after ``cursor``, in server order."""
    return Response(pull_changes(db, authed, cursor, limit), media_type="application/json")


@router.post(
    "/push",
    response_model=PushResponse,
    responses={413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
)
def push(body: PushRequest, authed: AuthedDep, db: DbDep, settings: SettingsDep) -> PushResponse:
    """Field records from a device; each is created, a duplicate, or rejected with a code."""
    return accept_push(db, settings, authed, body)
