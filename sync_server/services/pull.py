"""Pulling changes: everything the user may see, after a cursor, in server order.

The cursor is ``<scope version>.<sequence>``. When a user's scope changes (grids
reassigned, an enterprise moved) or the cursor is ahead of the server (a restored backup),
the cursor has expired and the device starts again from nothing.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from domain.errors import ErrorCode, GridCheckError
from domain.wire import MAX_PULL_LIMIT
from sync_server.services.auth import Authed
from sync_server.store import changes as change_store


def parse_cursor(cursor: str | None, scope_version: int, newest: int) -> int:
    if not cursor:
        return 0
    version, _, seq = cursor.partition(".")
    if not (version.isdigit() and seq.isdigit()) or len(cursor) > 40:
        raise GridCheckError(ErrorCode.cursor_expired, details={"reason": "unreadable"})
    if int(version) != scope_version:
        raise GridCheckError(ErrorCode.cursor_expired, details={"reason": "scope_changed"})
    if int(seq) > newest:
        raise GridCheckError(ErrorCode.cursor_expired, details={"reason": "ahead_of_server"})
    return int(seq)


def pull(db: Database, authed: Authed, cursor: str | None, limit: int) -> bytes:
    """The next page as the JSON of ``domain.wire.PullResponse``."""
    limit = max(1, min(limit, MAX_PULL_LIMIT))
    # read once, before the page: a change committed after it is never skipped unseen
    newest = change_store.max_seq(db)
    after = parse_cursor(cursor, authed.scope_version, newest)
    rows, more = change_store.changes_after(db, authed.principal, after, limit)
    last = rows[-1]["meta"]["seq"] if rows else after
    if not more:  # nothing visible beyond: skip past invisible changes too
        last = max(last, newest)
    return _page_json(rows, f"{authed.scope_version}.{last}", more)


def _page_json(rows: list[dict[str, Any]], cursor: str, more: bool) -> bytes:
    """``PullResponse`` written out around each change's stored JSON, which goes as it is:
    parsing it only to serialise it again was most of a pull's time."""
    changes = ",".join(
        f'{{"kind":{_json(r["kind"])},"id":{_json(r["id"])},'
        f'"data":{r["data"]},"meta":{_json(r["meta"])}}}'
        for r in rows
    )
    body = f'{{"changes":[{changes}],"cursor":{_json(cursor)},"more":{_json(more)}}}'
    return body.encode("utf-8")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
