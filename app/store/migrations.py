"""Device schema as ordered migrations (one database file per signed-in account)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("gridcheck-device")


@migrations()
def m001_initial(db: Database) -> None:
    # sqlite-utils 4 runs a script statement by statement inside the open transaction
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE communities (id TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE grids (id TEXT PRIMARY KEY, community_id TEXT NOT NULL, data TEXT NOT NULL);
        CREATE TABLE enterprises (
            id TEXT PRIMARY KEY,
            grid_id TEXT NOT NULL,
            community_id TEXT NOT NULL,
            name TEXT NOT NULL,
            credit_code TEXT,
            address TEXT NOT NULL,
            contact_name TEXT NOT NULL,
            contact_phone TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX enterprises_grid ON enterprises(grid_id);
        CREATE TABLE templates (
            id TEXT PRIMARY KEY, code TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL
        );
        CREATE TABLE users (id TEXT PRIMARY KEY, data TEXT NOT NULL);

        -- field records, own and pulled; never edited (only the server's meta is filled in)
        CREATE TABLE records (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            type TEXT,
            enterprise_id TEXT NOT NULL,
            hazard_id TEXT,
            inspection_id TEXT,
            created_by TEXT NOT NULL,
            data TEXT NOT NULL,
            origin TEXT NOT NULL,           -- 'device' (made here) or 'server' (pulled)
            number TEXT,                     -- 隐患编号 / 文号 from the server; provisional until then
            received_at TEXT,                -- when the server took it
            created_at TEXT NOT NULL
        );
        CREATE INDEX records_hazard ON records(hazard_id);
        CREATE INDEX records_enterprise ON records(enterprise_id, kind);
        CREATE INDEX records_inspection ON records(inspection_id);

        CREATE TABLE drafts (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            enterprise_id TEXT,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            record_id TEXT NOT NULL UNIQUE REFERENCES records(id),
            kind TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',   -- pending / sent / rejected / conflict
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            error_code TEXT,
            error_message TEXT,
            error_details TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE INDEX outbox_state ON outbox(state, seq);

        CREATE TABLE blobs (
            sha256 TEXT PRIMARY KEY,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            uploaded INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE record_blobs (
            record_id TEXT NOT NULL REFERENCES records(id),
            sha256 TEXT NOT NULL,
            PRIMARY KEY (record_id, sha256)
        );
        CREATE TABLE thumbnails (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL)
        """,
    )
    db["enterprises"].enable_fts(
        ["name", "credit_code", "address", "contact_name", "contact_phone"],
        create_triggers=True,
        tokenize="trigram",
    )
