"""Request-scoped dependencies: settings, a database connection, the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlite_utils import Database

from sync_server.blobstore import BlobStore
from sync_server.config import ServerSettings
from sync_server.services.auth import Authed, authenticate
from sync_server.store.db import connect


def get_settings(request: Request) -> ServerSettings:
    return request.app.state.settings


def get_blobs(request: Request) -> BlobStore:
    return request.app.state.blobs


def get_db(request: Request) -> Iterator[Database]:
    db = connect(request.app.state.settings.db_path)
    try:
        yield db
    finally:
        db.close()


SettingsDep = Annotated[ServerSettings, Depends(get_settings)]
BlobsDep = Annotated[BlobStore, Depends(get_blobs)]
DbDep = Annotated[Database, Depends(get_db)]


def get_authed(
    db: DbDep, authorization: Annotated[str | None, Header(include_in_schema=False)] = None
) -> Authed:
    return authenticate(db, authorization)


AuthedDep = Annotated[Authed, Depends(get_authed)]
