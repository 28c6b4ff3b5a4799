from __future__ import annotations

from fastapi import APIRouter

from domain.wire import Health
from sync_server.version import VERSION

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health() -> Health:
    """Liveness: no sign-in needed."""
    return Health(version=VERSION)
