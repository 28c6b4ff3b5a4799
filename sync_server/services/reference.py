"""Loading reference data (organisation, templates) and the demo sub-district."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlite_utils import Database

from domain.errors import ErrorCode, GridCheckError
from domain.reference import ChecklistTemplate, Community, Enterprise, Grid
from domain.wire import PushRecord
from sync_server.blobstore import BlobStore
from sync_server.clock import now_iso
from sync_server.config import ServerSettings
from sync_server.services.auth import Authed, principal_of, save_user
from sync_server.services.push import accept_one
from sync_server.store import records as record_store
from sync_server.store import reference as ref_store
from sync_server.store import users as user_store
from sync_server.store.db import write


@dataclass
class ImportCounts:
    created_or_changed: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0


def import_org(
    db: Database,
    communities: Iterable[Community],
    grids: Iterable[Grid],
    enterprises: Iterable[Enterprise],
) -> ImportCounts:
    """Upsert the organisation in one transaction: all of it or nothing."""
    counts = ImportCounts({"community": 0, "grid": 0, "enterprise": 0})
    moved_any = False
    with write(db):
        for c in communities:
            _tally(counts, "community", ref_store.upsert_community(db, c))
        for g in grids:
            _tally(counts, "grid", ref_store.upsert_grid(db, g))
        for e in enterprises:
            changed, moved = ref_store.upsert_enterprise(db, e)
            moved_any = moved_any or moved
            _tally(counts, "enterprise", changed)
        if moved_any:  # records moved between grids: every device pulls afresh
            user_store.bump_all_scopes(db)
    return counts


def _tally(counts: ImportCounts, kind: str, changed: bool) -> None:
    if changed:
        counts.created_or_changed[kind] += 1
    else:
        counts.unchanged += 1


def load_templates(db: Database, templates: Iterable[ChecklistTemplate]) -> dict[str, int]:
    """Publish templates; a published code+version never changes (a change needs a new version)."""
    outcome = {"created": 0, "same": 0}
    with write(db):
        for t in templates:
            result = ref_store.insert_template(db, t)
            if result == "conflict":
                raise GridCheckError(
                    ErrorCode.conflict,
                    f"检查表 {t.id} 已发布且内容不同；修改须发布新版本",
                    {"template": t.id},
                )
            outcome[result] += 1
    return outcome


def store_blob_bytes(
    db: Database, store: BlobStore, sha256: str, data: bytes, media_type: str
) -> None:
    """Store bytes the server itself produced (demo data); the hash is checked all the same."""
    if store.has(sha256):
        return
    store.append(sha256, 0, data)
    if not store.finish(sha256):
        raise GridCheckError(ErrorCode.hash_mismatch, details={"sha256": sha256})
    with write(db):
        record_store.insert_blob(db, sha256, len(data), media_type, now_iso())


def store_records_as(
    db: Database, settings: ServerSettings, records: Iterable[tuple[str, dict]], device_id: str
) -> dict[str, int]:
    """Put records through the same checks as a push, each as its author."""
    tally: dict[str, int] = {}
    authed_by_user: dict[str, Authed] = {}
    with write(db):
        for kind, data in records:
            user_id = data["created_by"]
            if user_id not in authed_by_user:
                row = user_store.user_row(db, user_id)
                if row is None:
                    raise GridCheckError(ErrorCode.invalid, f"未知用户 {user_id}")
                user = user_store.public_user(row)
                authed_by_user[user_id] = Authed(principal_of(user), user, 0, "", device_id)
            result = accept_one(
                db,
                settings,
                authed_by_user[user_id],
                device_id,
                PushRecord(kind=kind, id=data["id"], data=data),
            )
            if result.status == "rejected":
                raise GridCheckError(
                    ErrorCode.invalid, f"演示数据记录 {data['id']} 被拒收: {result.error}", {}
                )
            tally[result.status] = tally.get(result.status, 0) + 1
    return tally


__all__ = ["import_org", "load_templates", "save_user", "store_blob_bytes", "store_records_as"]
