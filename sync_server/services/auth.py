"""Sign-in, device tokens and users: passwords hashed with argon2id, tokens stored hashed."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from domain.errors import ErrorCode, GridCheckError
from domain.permissions import Principal
from domain.reference import USERNAME_RE, Role, UserPublic
from domain.wire import LoginRequest, LoginResponse
from sync_server.clock import iso, now_iso, utcnow
from sync_server.config import ServerSettings
from sync_server.store import reference as ref_store
from sync_server.store import users as user_store
from sync_server.store.db import write

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class Authed:
    """Who is calling: the principal the rules check, and the token's device."""

    principal: Principal
    user: UserPublic
    scope_version: int
    token_hash: str
    device_id: str


def hasher(settings: ServerSettings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib, parallelism=1
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def principal_of(user: UserPublic) -> Principal:
    return Principal(
        user_id=user.id,
        role=user.role,
        grid_ids=frozenset(user.grid_ids),
        enterprise_id=user.enterprise_id,
    )


def check_user_fields(user: UserPublic) -> None:
    if user.role == Role.enterprise and not user.enterprise_id:
        raise GridCheckError(ErrorCode.invalid, "企业账号必须绑定单位", {"field": "enterprise_id"})
    if user.role == Role.inspector and not user.grid_ids:
        raise GridCheckError(ErrorCode.invalid, "网格员账号必须分配网格", {"field": "grid_ids"})


def save_user(
    db: Database, settings: ServerSettings, user: UserPublic, password: str | None
) -> str:
    """Create or update a user; returns 'created' or 'updated'. Password needed to create."""
    check_user_fields(user)
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise GridCheckError(
            ErrorCode.invalid, f"密码至少 {MIN_PASSWORD_LENGTH} 位", {"field": "password"}
        )
    password_hash = hasher(settings).hash(password) if password is not None else None
    with write(db):
        existing = user_store.user_row(db, user.id)
        by_name = user_store.user_row_by_username(db, user.username)
        if by_name is not None and by_name["id"] != user.id:
            raise GridCheckError(ErrorCode.conflict, "用户名已被占用", {"field": "username"})
        if existing is None:
            if password_hash is None:
                raise GridCheckError(ErrorCode.invalid, "新用户需要密码", {"field": "password"})
            user_store.insert_user(db, user, password_hash, now_iso())
            outcome = "created"
        else:
            user_store.update_user(db, user, password_hash)
            outcome = "updated"
        ref_store.touch_user(db, user)
    return outcome


def login(db: Database, settings: ServerSettings, req: LoginRequest, address: str) -> LoginResponse:
    username = req.username.strip().lower()
    _refuse_when_throttled(db, settings, username, address)
    row = user_store.user_row_by_username(db, username) if USERNAME_RE.match(username) else None
    ok = _verify(settings, row["password_hash"] if row else None, req.password)
    ok = ok and row is not None and bool(row["active"])
    if not ok or row is None:
        with write(db):  # the failure is kept: it counts towards the rate limit
            user_store.record_login_attempt(db, username, address, time.time(), False)
        raise GridCheckError(ErrorCode.bad_credentials)
    with write(db):
        user_store.record_login_attempt(db, username, address, time.time(), True)
        token = secrets.token_urlsafe(32)
        expires = utcnow() + dt.timedelta(days=settings.token_ttl_days)
        user_store.revoke_device_tokens(db, row["id"], req.device_id, now_iso())
        user_store.insert_token(
            db,
            token_digest(token),
            row["id"],
            req.device_id,
            req.device_name,
            now_iso(),
            iso(expires),
        )
    return LoginResponse(token=token, expires_at=expires, user=user_store.public_user(row))


_DUMMY_HASH: dict[tuple[int, int], str] = {}

# argon2 is memory-hard: each check holds its memory (19 MiB by default) for its whole run.
# The request thread pool would run 40 at once (760 MiB, and the C allocator keeps much of it
# in each thread's arena afterwards) and finish them no sooner than one per core does. So
# checks run on these few threads, one per core, whichever request thread asks.
_KDF_THREADS = ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1), thread_name_prefix="kdf")


def _verify(settings: ServerSettings, stored: str | None, password: str) -> bool:
    """Check a password; an unknown user costs the same time as a known one."""
    return _KDF_THREADS.submit(_verify_now, settings, stored, password).result()


def _verify_now(settings: ServerSettings, stored: str | None, password: str) -> bool:
    ph = hasher(settings)
    if stored is None:
        key = (settings.argon2_time_cost, settings.argon2_memory_kib)
        stored = _DUMMY_HASH.setdefault(key, ph.hash(secrets.token_hex(16)))
        password = password + "\x00never"
    try:
        return ph.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _refuse_when_throttled(
    db: Database, settings: ServerSettings, username: str, address: str
) -> None:
    window = settings.login_window_seconds
    since = time.time() - window
    for column, value, limit in (
        ("username", username, settings.login_max_failures),
        ("address", address, settings.login_max_failures_per_address),
    ):
        count, oldest = user_store.recent_failures(db, column, value, since)
        if count >= limit:
            retry_after = max(1, int(oldest + window - time.time()) + 1)
            raise GridCheckError(
                ErrorCode.too_many_attempts, details={"retry_after_seconds": retry_after}
            )


def authenticate(db: Database, authorization: str | None) -> Authed:
    """The caller behind an ``Authorization: Bearer`` header, or ``unauthorized``."""
    if not authorization or not authorization.startswith("Bearer "):
        raise GridCheckError(ErrorCode.unauthorized)
    token_hash = token_digest(authorization.removeprefix("Bearer ").strip())
    row = user_store.token_row(db, token_hash)
    if row is None or row["revoked_at"] is not None or not row["active"]:
        raise GridCheckError(ErrorCode.unauthorized)
    if dt.datetime.fromisoformat(row["expires_at"]) <= utcnow():
        raise GridCheckError(ErrorCode.unauthorized, details={"reason": "expired"})
    user = UserPublic.model_validate_json(row["user_data"])
    return Authed(principal_of(user), user, int(row["scope_version"]), token_hash, row["device_id"])


def logout(db: Database, authed: Authed) -> None:
    with write(db):
        user_store.revoke_device_tokens(db, authed.user.id, authed.device_id, now_iso())
