"""Every error leaves the server as ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import ErrorCode, GridCheckError

log = logging.getLogger("gridcheck.server")


def error_response(err: GridCheckError) -> JSONResponse:
    headers = {}
    if err.code == ErrorCode.too_many_attempts and "retry_after_seconds" in err.details:
        headers["Retry-After"] = str(err.details["retry_after_seconds"])
    if err.code == ErrorCode.unauthorized:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(err.to_body(), status_code=err.status, headers=headers)


def _validation(exc: RequestValidationError) -> GridCheckError:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return GridCheckError(ErrorCode.malformed, details={"problem": "body is not valid JSON"})
    fields = [
        {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "problem": e["msg"]}
        for e in errors
    ][:50]
    return GridCheckError(ErrorCode.invalid, details={"errors": fields})


_STATUS_CODES = {
    404: ErrorCode.not_found,
    405: ErrorCode.not_found,
    413: ErrorCode.too_large,
    415: ErrorCode.unsupported_media_type,
    401: ErrorCode.unauthorized,
    403: ErrorCode.forbidden,
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(GridCheckError)
    async def _coded(_: Request, exc: GridCheckError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, ErrorCode.malformed)
        response = error_response(GridCheckError(code))
        response.status_code = exc.status_code
        return response

    @app.exception_handler(json.JSONDecodeError)
    async def _json(_: Request, exc: json.JSONDecodeError) -> JSONResponse:
        return error_response(GridCheckError(ErrorCode.malformed))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return error_response(GridCheckError(ErrorCode.server_error))
