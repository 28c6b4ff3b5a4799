from __future__ import annotations

from fastapi import APIRouter, Request, Response

from domain.wire import ErrorResponse, LoginRequest, LoginResponse
from sync_server.deps import AuthedDep, DbDep, SettingsDep
from sync_server.services import auth as auth_service

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/login",
    response_model=LoginResponse,
    responses={401: {"model": ErrorResponse}, 429: {"model": ErrorResponse}},
)
def login(body: LoginRequest, request: Request, db: DbDep, settings: SettingsDep) -> LoginResponse:
    """Sign in from one device: a fresh token for it (the device's older tokens are revoked)."""
    address = request.client.host if request.client else "unknown"
    return auth_service.login(db, settings, body, address)


@router.post("/logout", status_code=204, responses={401: {"model": ErrorResponse}})
def logout(authed: AuthedDep, db: DbDep) -> Response:
    """Revoke this device's token."""
    auth_service.logout(db, authed)
    return Response(status_code=204)
