"""The pull query: changes after a cursor, filtered by the user's scope, with their data."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from domain.permissions import Principal
from domain.reference import Role
from sync_server.store.reference import enterprise_grid

FIELD_KINDS = ("inspection", "hazard_event", "review")
_REFERENCE_TABLES = {
    "community": "communities",
    "grid": "grids",
    "enterprise": "enterprises",
    "template": "templates",
    "user": "users",
}


def _marks(values: list[str]) -> str:
    return ",".join("?" * len(values)) or "NULL"


def scope_clause(db: Database, p: Principal) -> tuple[str, list[Any]]:
    """SQL condition on ``changes`` for what ``p`` may see (mirrors domain.permissions).

    - office, admin: everything;
    - inspector: templates, office and inspector users, their grids and communities, and
      enterprises and field records in their grids;
    - enterprise: templates, itself as a user, its own enterprise, grid and community, and
      its inspections and hazard events (not the office's reviews).
    """
    if p.role in (Role.office, Role.admin):
        return "1", []
    if p.role == Role.inspector:
        grids = sorted(p.grid_ids)
        communities = [
            r[0]
            for r in db.execute(
                f"SELECT DISTINCT community_id FROM grids WHERE id IN ({_marks(grids)})", grids
            )
        ]
        sql = (
            "(kind = 'template'"
            " OR (kind = 'user' AND (role IN ('inspector', 'office') OR record_id = ?))"
            f" OR (kind = 'community' AND community_id IN ({_marks(communities)}))"
            f" OR (kind IN ('grid', 'enterprise', 'inspection', 'hazard_event', 'review')"
            f"     AND grid_id IN ({_marks(grids)})))"
        )
        return sql, [p.user_id, *communities, *grids]
    place = enterprise_grid(db, p.enterprise_id) if p.enterprise_id else None
    grid_id, community_id = place or (None, None)
    sql = (
        "(kind = 'template'"
        " OR (kind = 'user' AND record_id = ?)"
        " OR (kind = 'community' AND community_id = ?)"
        " OR (kind = 'grid' AND grid_id = ?)"
        " OR (kind IN ('enterprise', 'inspection', 'hazard_event') AND enterprise_id = ?))"
    )
    return sql, [p.user_id, community_id, grid_id, p.enterprise_id]


def max_seq(db: Database) -> int:
    return int(db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0])


def changes_after(
    db: Database, p: Principal, after: int, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """Up to ``limit`` visible changes after ``after``, in server order, and whether more remain.

    Each change's ``data`` is the JSON text as stored (the server wrote it; nobody parses it
    only to write it out again)."""
    clause, params = scope_clause(db, p)
    rows = db.execute_returning_dicts(
        f"SELECT seq, kind, record_id FROM changes WHERE seq > ? AND {clause} ORDER BY seq LIMIT ?",
        [after, *params, limit + 1],
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return _with_data(db, rows), more


def blob_visible(db: Database, p: Principal, sha256: str) -> bool:
    """Whether ``p`` may see a field record that references the blob."""
    clause, scope_params = scope_clause(db, p)
    row = db.execute(
        "SELECT 1 FROM changes WHERE kind IN ('inspection', 'hazard_event', 'review') "
        "AND record_id IN (SELECT record_id FROM blob_refs WHERE sha256 = ?) "
        f"AND {clause} LIMIT 1",
        [sha256, *scope_params],
    ).fetchone()
    return row is not None


def _with_data(db: Database, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_kind: dict[str, list[str]] = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(r["record_id"])
    found: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            found.update(_fetch(db, kind, part))
    out = []
    for r in rows:
        data, meta = found[(r["kind"], r["record_id"])]
        out.append(
            {
                "kind": r["kind"],
                "id": r["record_id"],
                "data": data,
                "meta": {**meta, "seq": r["seq"]},
            }
        )
    return out


def _fetch(
    db: Database, kind: str, ids: list[str]
) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    marks = _marks(ids)
    if kind in FIELD_KINDS:
        rows = db.execute(
            f"SELECT id, data, number, received_at FROM records WHERE id IN ({marks})", ids
        )
        return {
            (kind, rid): (data, {"number": number, "received_at": received})
            for rid, data, number, received in rows
        }
    table = _REFERENCE_TABLES[kind]
    rows = db.execute(f"SELECT id, data FROM {table} WHERE id IN ({marks})", ids)
    return {(kind, rid): (data, {}) for rid, data in rows}
