"""Reference data pulled from the server, and enterprise search (FTS5, trigram)."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from domain.reference import ChecklistTemplate, Enterprise

REFERENCE_KINDS = ("community", "grid", "enterprise", "template", "user")
RANK_AT_MOST = 500  # matches worth ranking (bm25 over thousands of them: ~8 ms per keystroke)


_UPSERT = {
    table: (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT(id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    )
    for table, columns in (
        ("communities", ("id", "data")),
        ("grids", ("id", "community_id", "data")),
        (
            "enterprises",
            (
                "id",
                "grid_id",
                "community_id",
                "name",
                "credit_code",
                "address",
                "contact_name",
                "contact_phone",
                "data",
            ),
        ),
        ("templates", ("id", "code", "version", "data")),
        ("users", ("id", "data")),
    )
}


def apply_reference(db: Database, kind: str, data: dict[str, Any]) -> None:
    """Upsert one pulled reference row (the caller holds the transaction).

    Plain SQL: a first sync applies thousands of rows, and sqlite-utils' ``upsert`` reads the
    table's schema again for every row (several PRAGMA queries each).
    """
    text = json.dumps(data, ensure_ascii=False)
    if kind == "community":
        db.execute(_UPSERT["communities"], [data["id"], text])
    elif kind == "grid":
        db.execute(_UPSERT["grids"], [data["id"], data["community_id"], text])
    elif kind == "enterprise":
        e = Enterprise.model_validate(data)
        db.execute(
            _UPSERT["enterprises"],
            [
                e.id,
                e.grid_id,
                e.community_id,
                e.name,
                e.credit_code,
                e.address,
                e.contact_name,
                e.contact_phone,
                text,
            ],
        )
    elif kind == "template":
        t = ChecklistTemplate.model_validate(data)
        db.execute(_UPSERT["templates"], [t.id, t.code, t.version, text])
    elif kind == "user":
        db.execute(_UPSERT["users"], [data["id"], text])
    else:
        raise ValueError(f"unknown reference kind {kind}")


def enterprise(db: Database, enterprise_id: str) -> Enterprise | None:
    row = db.execute("SELECT data FROM enterprises WHERE id = ?", [enterprise_id]).fetchone()
    return Enterprise.model_validate_json(row[0]) if row else None


def template(db: Database, template_id: str) -> ChecklistTemplate | None:
    row = db.execute("SELECT data FROM templates WHERE id = ?", [template_id]).fetchone()
    return ChecklistTemplate.model_validate_json(row[0]) if row else None


def templates(db: Database) -> list[ChecklistTemplate]:
    """Every checklist template held here, by code, then version."""
    rows = db.execute("SELECT data FROM templates ORDER BY code, version")
    return [ChecklistTemplate.model_validate_json(r[0]) for r in rows]


def enterprises_in(db: Database, grid_ids: list[str]) -> list[Enterprise]:
    """The enterprises of these grids, by name."""
    marks = ",".join("?" * len(grid_ids)) or "NULL"
    rows = db.execute(
        f"SELECT data FROM enterprises WHERE grid_id IN ({marks}) ORDER BY name", grid_ids
    )
    return [Enterprise.model_validate_json(r[0]) for r in rows]


def enterprise_names(db: Database) -> dict[str, str]:
    return dict(db.execute("SELECT id, name FROM enterprises").fetchall())


def user_names(db: Database, user_ids: list[str]) -> dict[str, str]:
    """User id → name, for the users this device was sent (others are left out)."""
    if not user_ids:
        return {}
    marks = ",".join("?" * len(user_ids))
    sql = f"SELECT id, json_extract(data, '$.name') FROM users WHERE id IN ({marks})"
    return dict(db.execute(sql, user_ids).fetchall())


def count(db: Database, table: str) -> int:
    if table not in ("communities", "grids", "enterprises", "templates", "users"):
        raise ValueError(table)
    return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def search_enterprises(db: Database, query: str, limit: int = 50) -> list[Enterprise]:
    """By name, credit code, address, contact or phone, as the user types.

    Three characters or more use the FTS5 trigram index, best matches first; shorter
    queries (common in Chinese: 两个字) scan with LIKE, which is fast enough for one
    sub-district. When a query matches more than ``RANK_AT_MOST`` units (the first digits
    of a credit code: every unit of the district shares its area code), ranking them all
    costs more than it tells: the first ``limit`` found are returned instead.
    """
    q = query.strip()
    if 0 < len(q) < 3:
        return like_search(db, q, limit)
    if not q:
        rows = db.execute("SELECT data FROM enterprises ORDER BY name LIMIT ?", [limit])
    else:
        phrase = '"' + q.replace('"', '""') + '"'
        found = db.execute(
            "SELECT COUNT(*) FROM (SELECT rowid FROM enterprises_fts "
            "WHERE enterprises_fts MATCH ? LIMIT ?)",
            [phrase, RANK_AT_MOST + 1],
        ).fetchone()[0]
        order = "ORDER BY rank " if found <= RANK_AT_MOST else ""
        rows = db.execute(
            "SELECT e.data FROM enterprises_fts f JOIN enterprises e ON e.rowid = f.rowid "
            f"WHERE enterprises_fts MATCH ? {order}LIMIT ?",
            [phrase, limit],
        )
    return [Enterprise.model_validate_json(r[0]) for r in rows]


def like_search(db: Database, query: str, limit: int = 50) -> list[Enterprise]:
    """The same fields scanned with LIKE, by name (no index: short queries, and the
    benchmark's baseline)."""
    q = query.strip()
    like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = db.execute(
        "SELECT data FROM enterprises WHERE name LIKE ?1 ESCAPE '\\' OR credit_code LIKE ?1 ESCAPE '\\' "
        "OR address LIKE ?1 ESCAPE '\\' OR contact_name LIKE ?1 ESCAPE '\\' "
        "OR contact_phone LIKE ?1 ESCAPE '\\' ORDER BY name LIMIT ?2",
        [like, limit],
    )
    return [Enterprise.model_validate_json(r[0]) for r in rows]
