"""Applying a pulled page: its changes and its cursor in one transaction."""

from __future__ import annotations

from sqlite_utils import Database

from app.store import meta
from app.store.records import apply_server_record
from app.store.reference import REFERENCE_KINDS, apply_reference
from domain.wire import Change


def apply_page(db: Database, changes: list[Change], cursor: str) -> None:
    """All of the page and the new cursor, or none of it (the page is fetched again)."""
    with db.atomic():
        for change in changes:
            if change.kind in REFERENCE_KINDS:
                apply_reference(db, change.kind, change.data)
            else:
                apply_server_record(db, change.kind, change.data, change.meta)
        meta.put(db, meta.CURSOR, cursor)
