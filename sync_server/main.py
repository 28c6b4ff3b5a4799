"""The sync server: ``create_app(settings)``; run with ``gridcheck-server serve``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import get_args

from fastapi import FastAPI

from domain.records import AnyRecord
from domain.reference import REFERENCE_MODELS
from sync_server.blobstore import BlobStore
from sync_server.config import ServerSettings
from sync_server.errors import install_error_handlers
from sync_server.middleware import BodyLimit
from sync_server.routes import auth, blobs, health, reports, sync
from sync_server.store.db import open_db
from sync_server.version import VERSION

API_PREFIX = "/api/v1"
# every field record and every kind of reference data, so a new one is documented too
RECORD_SCHEMAS = (*get_args(AnyRecord), *REFERENCE_MODELS.values())


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    settings = settings or ServerSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = open_db(settings.db_path)
        db.close()
        yield

    app = FastAPI(
        title="GridCheck sync server (网格安全巡查)",
        version=VERSION,
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.blobs = BlobStore(settings.blob_dir)
    install_error_handlers(app)
    app.add_middleware(
        BodyLimit, limit=settings.max_json_bytes, exempt_prefix=f"{API_PREFIX}/blobs/"
    )
    for router in (health.router, auth.router, sync.router, blobs.router, reports.router):
        app.include_router(router, prefix=API_PREFIX)
    _document_records(app)
    return app


def _document_records(app: FastAPI) -> None:
    """Put every record and reference schema into the OpenAPI document."""
    from pydantic.json_schema import models_json_schema

    original = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        _, defs = models_json_schema(
            [(m, "validation") for m in RECORD_SCHEMAS], ref_template="#/components/schemas/{model}"
        )
        schema.setdefault("components", {}).setdefault("schemas", {}).update(defs.get("$defs", {}))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
