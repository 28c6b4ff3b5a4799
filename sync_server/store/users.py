"""Users, device tokens and login attempts: SQL only, no rules."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from domain.reference import UserPublic
from sync_server.store.db import first_row


def insert_user(db: Database, user: UserPublic, password_hash: str, now: str) -> None:
    db.execute(
        "INSERT INTO users (id, username, role, data, password_hash, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [user.id, user.username, user.role, user.model_dump_json(), password_hash, now],
    )


def update_user(db: Database, user: UserPublic, password_hash: str | None) -> None:
    """Replace the public fields (and the password when given); the scope version moves on."""
    db.execute(
        "UPDATE users SET role = ?, data = ?, scope_version = scope_version + 1, "
        "password_hash = COALESCE(?, password_hash) WHERE id = ?",
        [user.role, user.model_dump_json(), password_hash, user.id],
    )


def bump_all_scopes(db: Database) -> None:
    """Every device pulls everything again (after a change that moves records between scopes)."""
    db.execute("UPDATE users SET scope_version = scope_version + 1")


def user_row_by_username(db: Database, username: str) -> dict[str, Any] | None:
    return first_row(db, "SELECT * FROM users WHERE username = ?", [username])


def user_row(db: Database, user_id: str) -> dict[str, Any] | None:
    return first_row(db, "SELECT * FROM users WHERE id = ?", [user_id])


def public_user(row: dict[str, Any]) -> UserPublic:
    return UserPublic.model_validate_json(row["data"])


def insert_token(
    db: Database,
    token_hash: str,
    user_id: str,
    device_id: str,
    device_name: str,
    now: str,
    expires_at: str,
) -> None:
    db.execute(
        "INSERT INTO tokens (token_hash, user_id, device_id, device_name, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [token_hash, user_id, device_id, device_name, now, expires_at],
    )


def revoke_device_tokens(db: Database, user_id: str, device_id: str, now: str) -> None:
    db.execute(
        "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND device_id = ? AND revoked_at IS NULL",
        [now, user_id, device_id],
    )


def token_row(db: Database, token_hash: str) -> dict[str, Any] | None:
    return first_row(
        db,
        "SELECT t.*, u.data AS user_data, u.active, u.scope_version FROM tokens t "
        "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
        [token_hash],
    )


def record_login_attempt(db: Database, username: str, address: str, at: float, ok: bool) -> None:
    db.execute(
        "INSERT INTO login_attempts (username, address, at, ok) VALUES (?, ?, ?, ?)",
        [username, address, at, int(ok)],
    )
    if ok:  # a success clears the user's failure streak
        db.execute("DELETE FROM login_attempts WHERE username = ? AND ok = 0", [username])


def recent_failures(db: Database, column: str, value: str, since: float) -> tuple[int, float]:
    """(count, oldest time) of failed attempts by ``username`` or ``address`` since ``since``."""
    if column not in ("username", "address"):
        raise ValueError(column)
    row = db.execute(
        f"SELECT COUNT(*), MIN(at) FROM login_attempts WHERE {column} = ? AND ok = 0 AND at >= ?",
        [value, since],
    ).fetchone()
    return int(row[0]), float(row[1] or 0.0)
