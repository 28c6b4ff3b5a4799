"""Accepting pushed field records: validate, check rights and integrity, store once.

Same id + same content is a ``duplicate`` (a safe retry); same id + other content is a
``conflict``. One bad record never blocks the rest: each is stored or rejected on its own
(a savepoint each), and the batch commits once.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlite_utils import Database

from domain.canonical import record_hash_of
from domain.errors import ErrorCode, GridCheckError
from domain.permissions import may_emit
from domain.records import (
    AnyRecord,
    Inspection,
    RecordKind,
    Reported,
    Review,
    integrity_problems,
    parse_record,
)
from domain.reference import template_id
from domain.wire import (
    MAX_PUSH_RECORDS,
    ErrorBody,
    PushRecord,
    PushRequest,
    PushResponse,
    PushResult,
)
from sync_server.clock import now_iso
from sync_server.config import ServerSettings
from sync_server.services.auth import Authed
from sync_server.store import records as record_store
from sync_server.store import reference as ref_store
from sync_server.store.db import write

log = logging.getLogger(__name__)


def accept_push(
    db: Database, settings: ServerSettings, authed: Authed, req: PushRequest
) -> PushResponse:
    if len(req.records) > MAX_PUSH_RECORDS:
        raise GridCheckError(
            ErrorCode.too_many_records,
            details={"max_records": MAX_PUSH_RECORDS, "received": len(req.records)},
        )
    results: list[PushResult] = []
    with write(db):
        for item in req.records:
            results.append(accept_one(db, settings, authed, req.device_id, item))
    return PushResponse(results=results)


def accept_one(
    db: Database, settings: ServerSettings, authed: Authed, device_id: str, item: PushRecord
) -> PushResult:
    try:
        with db.atomic():
            return _store(db, settings, authed, device_id, item)
    except GridCheckError as err:
        return PushResult(
            id=item.id,
            status="rejected",
            error=ErrorBody(code=str(err.code), message=err.message, details=err.details),
        )
    except Exception:  # a fault of ours in one record: its savepoint is undone, the rest stored
        log.exception("push: record %s failed", item.id)
        err = GridCheckError(ErrorCode.server_error)
        return PushResult(
            id=item.id,
            status="rejected",
            error=ErrorBody(code=str(err.code), message=err.message, details={}),
        )


def _invalid(field: str, message_text: str | None = None, **details: Any) -> GridCheckError:
    return GridCheckError(ErrorCode.invalid, message_text, {"field": field, **details})


def validation_details(exc: ValidationError) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False)
    ][:50]


def _parse(item: PushRecord) -> AnyRecord:
    if item.kind not in tuple(RecordKind):
        raise _invalid("kind", "未知的记录类型", allowed=[str(k) for k in RecordKind])
    try:
        record = parse_record(item.kind, item.data)
    except ValidationError as exc:
        raise GridCheckError(
            ErrorCode.invalid, details={"errors": validation_details(exc)}
        ) from exc
    if record.id != item.id:
        raise _invalid("id", "记录编号与内容不一致")
    return record


def _store(
    db: Database, settings: ServerSettings, authed: Authed, device_id: str, item: PushRecord
) -> PushResult:
    record = _parse(item)
    place = ref_store.enterprise_grid(db, record.enterprise_id)
    if place is None:
        raise _invalid("enterprise_id", "服务器上没有该单位")
    reason = may_emit(authed.principal, record, place[0])
    if reason:
        raise GridCheckError(ErrorCode.forbidden, details={"reason": reason})
    wire = record.wire()
    problems = integrity_problems(record, wire)
    if problems:
        raise GridCheckError(ErrorCode.integrity, details={"fields": problems})
    record_hash = record_hash_of(wire)
    existing = record_store.record_row(db, record.id)
    if existing is not None:
        if existing["record_hash"] == record_hash and existing["kind"] == record.kind:
            return PushResult(id=record.id, status="duplicate", meta=_meta(existing))
        raise GridCheckError(ErrorCode.conflict, details={"id": record.id})
    _check_references(db, record)
    refs = record.blob_refs()
    present = record_store.blobs_present(db, refs)
    missing = [sha for sha in refs if sha not in present]
    if missing:
        raise GridCheckError(ErrorCode.missing_blobs, details={"missing": missing})
    row = {
        **record.index_columns(),
        "device_id": device_id,
        "data": record.model_dump_json(),
        "record_hash": record_hash,
        "number": _number(db, settings, record),
        "received_at": now_iso(),
    }
    record_store.insert_record(db, row=row, blob_refs=refs, grid_id=place[0], community_id=place[1])
    return PushResult(id=record.id, status="created", meta=_meta(row))


def _meta(row: dict[str, Any]) -> dict[str, Any]:
    return {"number": row["number"], "received_at": row["received_at"]}


def _check_references(db: Database, record: AnyRecord) -> None:
    if isinstance(record, Inspection):
        _check_template(db, record)
    elif isinstance(record, Review):
        _same_enterprise(db, record, record.inspection_id, "inspection_id", "inspection")
    elif isinstance(record, Reported):
        if record.inspection_id is not None:
            _same_enterprise(db, record, record.inspection_id, "inspection_id", "inspection")
    else:
        reported = record_store.hazard_reported_row(db, record.hazard_id)
        if reported is None:
            raise GridCheckError(
                ErrorCode.unknown_reference, details={"field": "hazard_id", "id": record.hazard_id}
            )
        if reported["enterprise_id"] != record.enterprise_id:
            raise _invalid("enterprise_id", "与隐患所属单位不一致")
    if record.supersedes is not None:
        original = _same_enterprise(db, record, record.supersedes, "supersedes", record.kind)
        if isinstance(record, Inspection):
            _check_correction(db, record, original)


def _check_correction(db: Database, record: Inspection, original: dict[str, Any]) -> None:
    """A correction answers a return: by one of the original's inspectors, of a returned one.

    Two corrections of the same return (two phones offline) are both kept; the figures count
    the newest (domain.statistics).
    """
    if record.created_by not in record_store.record_data(original).get("inspector_ids", []):
        raise GridCheckError(
            ErrorCode.forbidden, "只有原检查人可以更正这次检查", {"field": "supersedes"}
        )
    if "returned" not in record_store.review_decisions(db, original["id"]):
        raise _invalid("supersedes", "这次检查没有被退回，不能更正")


def _same_enterprise(
    db: Database, record: AnyRecord, ref_id: str, field: str, kind: str
) -> dict[str, Any]:
    """The stored row of the record referred to, of ``kind`` and the same enterprise."""
    row = record_store.record_row(db, ref_id)
    if row is None:
        raise GridCheckError(ErrorCode.unknown_reference, details={"field": field, "id": ref_id})
    if row["kind"] != kind or row["enterprise_id"] != record.enterprise_id:
        raise _invalid(field, "引用的记录类型或单位不一致")
    return row


def _check_template(db: Database, record: Inspection) -> None:
    template = ref_store.template(db, template_id(record.template_code, record.template_version))
    if template is None:
        raise _invalid("template_code", "服务器上没有该检查表版本")
    known = {item.code for section in template.sections for item in section.items}
    unknown = [i.item_code for i in record.items if i.item_code not in known]
    if unknown:
        raise _invalid("items", "检查项不属于该检查表", unknown=unknown)


def _number(db: Database, settings: ServerSettings, record: AnyRecord) -> str | None:
    """隐患编号 / 通知书文号: sub-district code, year, sequence — given on receipt."""
    if isinstance(record, Reported):
        prefix, moment = "YH", record.at
    elif isinstance(record, Inspection):
        prefix, moment = "TZ", record.finished_at
    else:
        return None
    year = moment.astimezone(ZoneInfo(settings.timezone)).year
    seq = record_store.next_counter(db, f"{prefix}-{year}")
    return f"{settings.subdistrict_code}-{prefix}-{year}-{seq:05d}"
