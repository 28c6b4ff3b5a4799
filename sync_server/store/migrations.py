"""Server schema as ordered migrations. Never edit an applied one; add a new one."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("gridcheck-server")


@migrations()
def m001_initial(db: Database) -> None:
    # sqlite-utils 4 runs a script statement by statement inside the open transaction
    db.executescript(
        """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL,
            data TEXT NOT NULL,              -- UserPublic as JSON
            password_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            scope_version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE tokens (
            token_hash TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id),
            device_id TEXT NOT NULL,
            device_name TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX tokens_user_device ON tokens(user_id, device_id);
        CREATE TABLE login_attempts (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL,
            address TEXT NOT NULL,
            at REAL NOT NULL,
            ok INTEGER NOT NULL
        );
        CREATE INDEX login_attempts_user ON login_attempts(username, at);
        CREATE INDEX login_attempts_address ON login_attempts(address, at);

        CREATE TABLE communities (id TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE grids (
            id TEXT PRIMARY KEY,
            community_id TEXT NOT NULL REFERENCES communities(id),
            data TEXT NOT NULL
        );
        CREATE TABLE enterprises (
            id TEXT PRIMARY KEY,
            grid_id TEXT NOT NULL REFERENCES grids(id),
            community_id TEXT NOT NULL REFERENCES communities(id),
            credit_code TEXT UNIQUE,
            data TEXT NOT NULL
        );
        CREATE INDEX enterprises_grid ON enterprises(grid_id);
        CREATE TABLE templates (
            id TEXT PRIMARY KEY,             -- code@version
            code TEXT NOT NULL,
            version INTEGER NOT NULL,
            data TEXT NOT NULL,
            UNIQUE (code, version)
        );

        -- field records: immutable once received
        CREATE TABLE records (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            type TEXT,
            enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
            hazard_id TEXT,
            inspection_id TEXT,
            created_by TEXT NOT NULL,
            device_id TEXT NOT NULL,
            data TEXT NOT NULL,
            record_hash TEXT NOT NULL,
            number TEXT,
            received_at TEXT NOT NULL
        );
        CREATE INDEX records_hazard ON records(hazard_id);
        CREATE INDEX records_inspection ON records(inspection_id);
        CREATE INDEX records_enterprise ON records(enterprise_id);

        -- the order in which devices pull; one row per record (the newest version)
        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            record_id TEXT NOT NULL,
            grid_id TEXT,
            community_id TEXT,
            enterprise_id TEXT,
            role TEXT,
            UNIQUE (kind, record_id)
        );
        CREATE INDEX changes_grid ON changes(grid_id, seq);
        CREATE INDEX changes_enterprise ON changes(enterprise_id, seq);

        CREATE TABLE blobs (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            media_type TEXT NOT NULL,
            stored_at TEXT NOT NULL
        );
        CREATE TABLE blob_refs (
            sha256 TEXT NOT NULL,
            record_id TEXT NOT NULL REFERENCES records(id),
            PRIMARY KEY (sha256, record_id)
        );
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """,
    )


@migrations()
def m002_receipt_order(db: Database) -> None:
    """The server's receipt sequence of each field record: the fold's tie-break."""
    db.execute("ALTER TABLE records ADD COLUMN receipt_seq INTEGER")
    db.execute(
        "UPDATE records SET receipt_seq = (SELECT c.seq FROM changes c "
        "WHERE c.kind = records.kind AND c.record_id = records.id)"
    )
