"""Reference data pulled from the server, and enterprise search (FTS5, trigram)."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from domain.reference import ChecklistTemplate, Enterprise

REFERENCE_KINDS = ("community", "grid", "enterprise", "template", "user")


def apply_reference(db: Database, kind: str, data: dict[str, Any]) -> None:
    """Upsert one pulled reference row (the caller holds the transaction)."""
    text = json.dumps(data, ensure_ascii=False)
    if kind == "community":
        db["communities"].upsert({"id": data["id"], "data": text}, pk="id")
    elif kind == "grid":
        db["grids"].upsert(
            {"id": data["id"], "community_id": data["community_id"], "data": text}, pk="id"
        )
    elif kind == "enterprise":
        e = Enterprise.model_validate(data)
        db["enterprises"].upsert(
            {
                "id": e.id,
                "grid_id": e.grid_id,
                "community_id": e.community_id,
                "name": e.name,
                "credit_code": e.credit_code,
                "address": e.address,
                "contact_name": e.contact_name,
                "contact_phone": e.contact_phone,
                "data": text,
            },
            pk="id",
        )
    elif kind == "template":
        t = ChecklistTemplate.model_validate(data)
        db["templates"].upsert(
            {"id": t.id, "code": t.code, "version": t.version, "data": text}, pk="id"
        )
    elif kind == "user":
        db["users"].upsert({"id": data["id"], "data": text}, pk="id")
    else:
        raise ValueError(f"unknown reference kind {kind}")


def enterprise(db: Database, enterprise_id: str) -> Enterprise | None:
    row = db.execute("SELECT data FROM enterprises WHERE id = ?", [enterprise_id]).fetchone()
    return Enterprise.model_validate_json(row[0]) if row else None


def template(db: Database, template_id: str) -> ChecklistTemplate | None:
    row = db.execute("SELECT data FROM templates WHERE id = ?", [template_id]).fetchone()
    return ChecklistTemplate.model_validate_json(row[0]) if row else None


def count(db: Database, table: str) -> int:
    if table not in ("communities", "grids", "enterprises", "templates", "users"):
        raise ValueError(table)
    return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def search_enterprises(db: Database, query: str, limit: int = 50) -> list[Enterprise]:
    """By name, credit code, address, contact or phone, as the user types.

    Three characters or more use the FTS5 trigram index; shorter queries (common in
    Chinese: 两个字) scan with LIKE, which is fast enough for one sub-district.
    """
    q = query.strip()
    if not q:
        rows = db.execute("SELECT data FROM enterprises ORDER BY name LIMIT ?", [limit])
    elif len(q) >= 3:
        phrase = '"' + q.replace('"', '""') + '"'
        rows = db.execute(
            "SELECT e.data FROM enterprises_fts f JOIN enterprises e ON e.rowid = f.rowid "
            "WHERE enterprises_fts MATCH ? ORDER BY rank LIMIT ?",
            [phrase, limit],
        )
    else:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = db.execute(
            "SELECT data FROM enterprises WHERE name LIKE ?1 ESCAPE '\\' OR credit_code LIKE ?1 ESCAPE '\\' "
            "OR address LIKE ?1 ESCAPE '\\' OR contact_name LIKE ?1 ESCAPE '\\' "
            "OR contact_phone LIKE ?1 ESCAPE '\\' ORDER BY name LIMIT ?2",
            [like, limit],
        )
    return [Enterprise.model_validate_json(r[0]) for r in rows]
