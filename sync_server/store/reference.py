"""Reference data (communities, grids, enterprises, templates) and their change rows."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from domain.reference import ChecklistTemplate, Community, Enterprise, Grid, UserPublic


def touch_change(
    db: Database,
    kind: str,
    record_id: str,
    *,
    grid_id: str | None = None,
    community_id: str | None = None,
    enterprise_id: str | None = None,
    role: str | None = None,
) -> int:
    """Put the record at the end of the pull order (one row per record, newest version)."""
    db.execute("DELETE FROM changes WHERE kind = ? AND record_id = ?", [kind, record_id])
    cursor = db.execute(
        "INSERT INTO changes (kind, record_id, grid_id, community_id, enterprise_id, role) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [kind, record_id, grid_id, community_id, enterprise_id, role],
    )
    return int(cursor.lastrowid or 0)


def _stored(db: Database, table: str, record_id: str) -> str | None:
    row = db.execute(f"SELECT data FROM {table} WHERE id = ?", [record_id]).fetchone()
    return row[0] if row else None


def upsert_community(db: Database, c: Community) -> bool:
    data = c.model_dump_json()
    if _stored(db, "communities", c.id) == data:
        return False
    db.execute("INSERT OR REPLACE INTO communities (id, data) VALUES (?, ?)", [c.id, data])
    touch_change(db, "community", c.id, community_id=c.id)
    return True


def upsert_grid(db: Database, g: Grid) -> bool:
    data = g.model_dump_json()
    if _stored(db, "grids", g.id) == data:
        return False
    db.execute(
        "INSERT OR REPLACE INTO grids (id, community_id, data) VALUES (?, ?, ?)",
        [g.id, g.community_id, data],
    )
    touch_change(db, "grid", g.id, grid_id=g.id, community_id=g.community_id)
    return True


def upsert_enterprise(db: Database, e: Enterprise) -> tuple[bool, bool]:
    """(changed, moved): ``moved`` when the enterprise changed grid, so scopes changed."""
    data = e.model_dump_json()
    old = _stored(db, "enterprises", e.id)
    if old == data:
        return False, False
    moved = old is not None and json.loads(old)["grid_id"] != e.grid_id
    db.execute(
        "INSERT OR REPLACE INTO enterprises (id, grid_id, community_id, credit_code, data) "
        "VALUES (?, ?, ?, ?, ?)",
        [e.id, e.grid_id, e.community_id, e.credit_code, data],
    )
    touch_change(
        db, "enterprise", e.id, grid_id=e.grid_id, community_id=e.community_id, enterprise_id=e.id
    )
    if moved:
        db.execute(
            "UPDATE changes SET grid_id = ?, community_id = ? WHERE enterprise_id = ?",
            [e.grid_id, e.community_id, e.id],
        )
    return True, moved


def insert_template(db: Database, t: ChecklistTemplate) -> str:
    """'created', 'same' (already there, identical) or 'conflict' (published versions never change)."""
    data = t.model_dump_json()
    old = _stored(db, "templates", t.id)
    if old is not None:
        return "same" if old == data else "conflict"
    db.execute(
        "INSERT INTO templates (id, code, version, data) VALUES (?, ?, ?, ?)",
        [t.id, t.code, t.version, data],
    )
    touch_change(db, "template", t.id)
    return "created"


def touch_user(db: Database, user: UserPublic) -> None:
    touch_change(db, "user", user.id, role=user.role, enterprise_id=user.enterprise_id)


def enterprise_grid(db: Database, enterprise_id: str) -> tuple[str, str] | None:
    row = db.execute(
        "SELECT grid_id, community_id FROM enterprises WHERE id = ?", [enterprise_id]
    ).fetchone()
    return (row[0], row[1]) if row else None


def template(db: Database, template_id: str) -> ChecklistTemplate | None:
    data = _stored(db, "templates", template_id)
    return _parsed_template(data) if data else None


@lru_cache(maxsize=64)
def _parsed_template(data: str) -> ChecklistTemplate:
    """Each stored template text is validated once: a push checks every inspection against its
    template. Keyed by the text itself, so nothing stale is ever returned (the model is frozen)."""
    return ChecklistTemplate.model_validate_json(data)


def counts(db: Database) -> dict[str, Any]:
    return {
        table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in (
            "communities",
            "grids",
            "enterprises",
            "templates",
            "users",
            "records",
            "blobs",
        )
    }
