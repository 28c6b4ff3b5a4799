"""Builders of valid, sealed field records for tests.

Every builder takes keyword arguments only and returns a *sealed* pydantic record (hashes and
signature copies filled in by ``domain.records.seal``); ``record.wire()`` gives the dict that
travels. The ``*_data`` variants return the raw, unsealed dict, for tests that want to break a
rule before validation::

    hid = uid()
    events = [
        reported(hazard_id=hid, at=when(0), level="major"),
        rectified(hazard_id=hid, at=when(1)),
        rechecked(hazard_id=hid, at=when(2), passed=True),
    ]
    insp = inspection(refused=True)
    bad = inspection_data(items=[item("GEN-1-01"), item("GEN-1-01")])  # validate it yourself

Times are aware datetimes at +08:00 (``when``, ``cst``); ids are UUIDv7 strings (``uid``); blobs
are fake but well-formed sha256 digests (``fake_sha``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from domain.ids import new_id
from domain.records import (
    AnyRecord,
    Closed,
    DeadlineExtended,
    Escalated,
    Inspection,
    Rechecked,
    Rectified,
    Reported,
    Review,
    Voided,
    parse_record,
    seal,
)

CST = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has no DST: a fixed offset is exact
T0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=CST)  # a Monday morning

# Reference ids the defaults use (a server-side fixture would create them).
ENTERPRISE = "ent-1"
GRID = "grid-1"
INSPECTOR = "insp-1"
INSPECTOR_2 = "insp-2"
ENTERPRISE_USER = "ent-1-user"
OFFICE = "office-1"
ADMIN = "admin-1"

# Who emits each hazard event type by default (matches domain.permissions).
EVENT_AUTHOR = {
    "reported": INSPECTOR,
    "rectified": ENTERPRISE_USER,
    "rechecked": INSPECTOR,
    "deadline_extended": OFFICE,
    "escalated": OFFICE,
    "closed": OFFICE,
    "voided": OFFICE,
}


def when(days: float = 0, hours: float = 0, minutes: float = 0) -> dt.datetime:
    """``T0`` plus an offset: an aware datetime at +08:00."""
    return T0 + dt.timedelta(days=days, hours=hours, minutes=minutes)


def cst(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    """That day at ``hour`` o'clock in Asia/Shanghai (+08:00)."""
    return dt.datetime(y, m, d, hour, tzinfo=CST)


def uid(n: int | None = None) -> str:
    """A fresh UUIDv7, or with ``n`` a deterministic one (ordering by ``n``: uid(1) < uid(2))."""
    if n is None:
        return new_id()
    return f"01900000-0000-7000-8000-{n:012x}"


def fake_sha(seed: object = "x") -> str:
    """A well-formed, deterministic 64-hex digest standing in for a photo or PNG."""
    return hashlib.sha256(f"fake-blob:{seed}".encode()).hexdigest()


def sealed(kind: str, data: dict[str, Any]) -> AnyRecord:
    """Seal ``data`` as a record of ``kind`` and return the validated model."""
    return parse_record(kind, seal(kind, data))


# ---------------------------------------------------------------- sign-off blocks


def signature(
    role: str = "inspector",
    *,
    user_id: str | None = INSPECTOR,
    name: str = "张三",
    signed_at: dt.datetime | None = None,
    png: str | None = None,
) -> dict[str, Any]:
    """A signature block (``content_hash`` is filled in by ``seal``)."""
    return {
        "role": role,
        "signer_name": name,
        "signer_user_id": user_id,
        "signed_at": signed_at or T0,
        "png_sha256": png or fake_sha(f"sig:{role}:{user_id}:{name}"),
        "content_hash": "0" * 64,
    }


def refusal(*, reason: str = "负责人拒绝签字", recorded_at: dt.datetime | None = None) -> dict:
    return {
        "reason": reason,
        "witness_name": "赵六",
        "witness_title": "社区网格长",
        "recorded_at": recorded_at or T0,
    }


# ---------------------------------------------------------------- inspection


def item(
    code: str, result: str = "pass", *, note: str = "", photos: list[str] | None = None
) -> dict[str, Any]:
    return {"item_code": code, "result": result, "note": note, "photos": photos or []}


def inspection_data(
    *,
    id: str | None = None,
    enterprise_id: str = ENTERPRISE,
    created_by: str = INSPECTOR,
    inspector_ids: list[str] | None = None,
    started_at: dt.datetime | None = None,
    finished_at: dt.datetime | None = None,
    items: list[dict] | None = None,
    refused: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    """An inspection signed by its first inspector and by the enterprise (or with a refusal)."""
    inspector_ids = inspector_ids or [created_by]
    started_at = started_at or T0
    finished_at = finished_at or started_at + dt.timedelta(minutes=40)
    if items is None:
        items = [
            item("GEN-1-01", "pass"),
            item("GEN-1-02", "fail", note="安全出口堵塞", photos=[fake_sha("item-photo-1")]),
            item("GEN-1-03", "na"),
        ]
    signatures = [signature("inspector", user_id=inspector_ids[0], signed_at=finished_at)]
    data: dict[str, Any] = {
        "kind": "inspection",
        "id": uid() if id is None else id,
        "enterprise_id": enterprise_id,
        "created_by": created_by,
        "template_code": "GEN-SAFETY",
        "template_version": 1,
        "inspection_kind": "routine",
        "inspector_ids": inspector_ids,
        "started_at": started_at,
        "finished_at": finished_at,
        "location": {"lat": 31.2304, "lon": 121.4737, "accuracy_m": 8.5},
        "items": items,
        "summary": "发现隐患1处，已告知企业限期整改。",
    }
    if refused:
        data["refusal"] = refusal(recorded_at=finished_at)
    else:
        signatures.append(signature("enterprise", user_id=None, name="王五", signed_at=finished_at))
    data["signatures"] = signatures
    data.update(fields)
    return data


def inspection(**kw: Any) -> Inspection:
    """A sealed inspection; same keywords as ``inspection_data``."""
    return sealed("inspection", inspection_data(**kw))


# ---------------------------------------------------------------- hazard events


def _type_defaults(type_: str, base: dict[str, Any]) -> dict[str, Any]:
    at: dt.datetime = base["at"]
    tag = base["id"]
    if type_ == "reported":
        return {
            "title": "消防通道堵塞",
            "description": "一楼仓库消防通道堆放纸箱",
            "place": "一楼仓库",
            "level": "general",
            "category": "A01",
            "basis": "《消防法》第二十八条",
            "handling": "deadline",
            "measures": "清理通道堆放物，保持畅通",
            "responsible_name": "李四",
            "responsible_phone": "13800138000",
            "deadline": at.date() + dt.timedelta(days=7),
            "funds_yuan": "0",
            "interim_measures": "设置警示标志，专人看护",
            "photos": [fake_sha(f"before:{tag}")],
        }
    if type_ == "rectified":
        return {
            "note": "已清理通道",
            "photos": [fake_sha(f"after:{tag}")],
            "signatures": [
                signature("enterprise", user_id=base["created_by"], name="王五", signed_at=at)
            ],
        }
    if type_ == "rechecked":
        return {
            "passed": True,
            "note": "现场复查",
            "photos": [fake_sha(f"recheck:{tag}")],
            "signatures": [signature("inspector", user_id=base["created_by"], signed_at=at)],
        }
    if type_ == "deadline_extended":
        return {"new_deadline": at.date() + dt.timedelta(days=14), "reason": "企业申请延期"}
    if type_ == "escalated":
        return {"mode": "reminder", "note": "督办提醒"}
    if type_ == "closed":
        return {"note": "同意销号"}
    if type_ == "voided":
        return {"reason": "重复登记"}
    raise ValueError(f"unknown hazard event type {type_!r}")


def event_data(
    type_: str,
    *,
    hazard_id: str,
    id: str | None = None,
    at: dt.datetime | None = None,
    created_by: str | None = None,
    enterprise_id: str = ENTERPRISE,
    **fields: Any,
) -> dict[str, Any]:
    """A raw hazard event of ``type_`` with valid defaults; ``fields`` override them.

    Defaults: ``at`` = T0, author from ``EVENT_AUTHOR``, ``rectified`` signed by the
    enterprise, ``rechecked`` signed by its author, a ``reported`` deadline 7 days later.
    """
    base: dict[str, Any] = {
        "kind": "hazard_event",
        "type": type_,
        "id": uid() if id is None else id,
        "hazard_id": hazard_id,
        "at": T0 if at is None else at,
        "enterprise_id": enterprise_id,
        "created_by": EVENT_AUTHOR[type_] if created_by is None else created_by,
        "signatures": [],
    }
    base.update(_type_defaults(type_, base))
    base.update(fields)
    return base


def event(type_: str, **kw: Any) -> AnyRecord:
    """A sealed hazard event; same keywords as ``event_data``."""
    return sealed("hazard_event", event_data(type_, **kw))


def reported(*, hazard_id: str, level: str = "general", **kw: Any) -> Reported:
    return event("reported", hazard_id=hazard_id, level=level, **kw)


def rectified(*, hazard_id: str, **kw: Any) -> Rectified:
    return event("rectified", hazard_id=hazard_id, **kw)


def rechecked(*, hazard_id: str, passed: bool = True, **kw: Any) -> Rechecked:
    return event("rechecked", hazard_id=hazard_id, passed=passed, **kw)


def deadline_extended(*, hazard_id: str, new_deadline: dt.date, **kw: Any) -> DeadlineExtended:
    return event("deadline_extended", hazard_id=hazard_id, new_deadline=new_deadline, **kw)


def escalated(*, hazard_id: str, mode: str = "reminder", **kw: Any) -> Escalated:
    return event("escalated", hazard_id=hazard_id, mode=mode, **kw)


def closed(*, hazard_id: str, **kw: Any) -> Closed:
    return event("closed", hazard_id=hazard_id, **kw)


def voided(*, hazard_id: str, **kw: Any) -> Voided:
    return event("voided", hazard_id=hazard_id, **kw)


# ---------------------------------------------------------------- review


def review_data(
    *,
    inspection_id: str,
    id: str | None = None,
    enterprise_id: str = ENTERPRISE,
    created_by: str = OFFICE,
    decision: str = "approved",
    comment: str = "",
    at: dt.datetime | None = None,
    **fields: Any,
) -> dict[str, Any]:
    data = {
        "kind": "review",
        "id": uid() if id is None else id,
        "inspection_id": inspection_id,
        "enterprise_id": enterprise_id,
        "created_by": created_by,
        "decision": decision,
        "comment": comment,
        "at": when(days=1) if at is None else at,
    }
    data.update(fields)
    return data


def review(**kw: Any) -> Review:
    """A sealed review; same keywords as ``review_data``."""
    return sealed("review", review_data(**kw))


def one_of_each(hazard_id: str | None = None) -> list[AnyRecord]:
    """One sealed record of every kind and event type (inspections: signed and refused)."""
    hid = hazard_id or uid()
    insp = inspection()
    return [
        insp,
        inspection(refused=True),
        *(event(t, hazard_id=hid, at=when(hours=i)) for i, t in enumerate(EVENT_AUTHOR)),
        review(inspection_id=insp.id),
        review(inspection_id=insp.id, decision="returned", comment="照片不清晰，请补充"),
    ]
