"""Reading a server's database directly, to check what it holds — not what it says."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def server_rows(data_dir: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{data_dir / 'server.db'}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def record_counts(data_dir: Path) -> dict[str, int]:
    """How many times each record id is stored (a primary key makes >1 impossible, and
    the change log must hold exactly one row per record too)."""
    rows = server_rows(
        data_dir,
        "SELECT r.id, (SELECT COUNT(*) FROM changes c WHERE c.record_id = r.id) FROM records r",
    )
    return dict(rows)
