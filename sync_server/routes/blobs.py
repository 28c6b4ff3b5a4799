from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from starlette.requests import ClientDisconnect

from domain.wire import BlobStored, ErrorResponse, MissingRequest, MissingResponse
from sync_server.deps import AuthedDep, BlobsDep, DbDep, SettingsDep
from sync_server.services import blobs as blob_service

router = APIRouter(prefix="/blobs", tags=["blobs"])


@router.post("/missing", response_model=MissingResponse)
def missing(body: MissingRequest, _: AuthedDep, db: DbDep, store: BlobsDep) -> MissingResponse:
    """Which of these blobs the server lacks, and how many bytes it holds of partial ones."""
    return blob_service.missing(db, store, body.sha256)


@router.put(
    "/{sha256}",
    response_model=BlobStored,
    status_code=201,
    responses={
        200: {"model": BlobStored},
        202: {"model": BlobStored},
        400: {"model": ErrorResponse},
        413: {"model": ErrorResponse},
        415: {"model": ErrorResponse},
        416: {"model": ErrorResponse},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def put_blob(
    sha256: str,
    request: Request,
    _: AuthedDep,
    db: DbDep,
    store: BlobsDep,
    settings: SettingsDep,
    content_range: Annotated[str | None, Header()] = None,
    content_length: Annotated[int | None, Header()] = None,
) -> Response:
    """Upload a JPEG or PNG by its sha256; ``Content-Range`` continues a partial upload."""
    try:
        outcome = await blob_service.receive(
            db, store, settings, sha256, content_range, content_length, request.stream()
        )
    except ClientDisconnect:  # what arrived is kept; the device resumes after it
        return Response(status_code=499)
    body = BlobStored(
        sha256=outcome.sha256,
        size=outcome.size,
        received=outcome.received,
        complete=outcome.complete,
    )
    return JSONResponse(body.model_dump(), status_code=outcome.status)


@router.get("/{sha256}", response_class=FileResponse, responses={404: {"model": ErrorResponse}})
def get_blob(sha256: str, authed: AuthedDep, db: DbDep, store: BlobsDep) -> FileResponse:
    """The bytes, for a user who may see a record that references them."""
    path, media_type = blob_service.open_for(db, store, authed, sha256)
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Cache-Control": "private, max-age=31536000, immutable"},
    )
