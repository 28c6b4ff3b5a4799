"""The office's review of synced inspections: the queue, one inspection in full, the decision.

A correction (更正) of a returned inspection is a new inspection that ``supersedes`` it: it
comes into the queue as a new item marked as a correction of the earlier one, and the
earlier one is no longer listed to its inspector as needing work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlite_utils import Database

from app.account import Account
from app.services import clock
from app.services.drafting import VisitError
from app.store import office as office_store
from app.store import reference
from app.store.blobs import BlobFiles
from app.store.records import add_local_record, hazard_state, number_of
from app.store.reports import record_numbers
from domain.ids import new_id
from domain.labels import LEVEL_ZH, short_ref
from domain.records import Inspection, Review, integrity_problems, seal
from domain.reference import template_id

INTEGRITY_OK = "签名校验通过"
INTEGRITY_BAD = "内容与签名不一致"


@dataclass(frozen=True)
class InspectionRef:
    """Another inspection named on a screen: its 文号 once the server gave one."""

    id: str
    number: str | None

    @property
    def label(self) -> str:
        return self.number or short_ref(self.id)


@dataclass(frozen=True)
class QueueEntry:
    inspection_id: str
    enterprise_name: str
    finished_at: dt.datetime
    number: str | None
    passed: int
    failed: int
    na: int
    hazards: int
    photos: int
    refused: bool
    supersedes: InspectionRef | None = None  # set when this is a correction (更正)


@dataclass(frozen=True)
class ItemLine:
    code: str
    text: str
    result: str
    note: str
    photos: list[str]


@dataclass(frozen=True)
class InspectionDetail:
    inspection: Inspection
    enterprise_name: str
    number: str | None
    inspector_names: list[str]
    items: list[ItemLine]
    hazard_ids: list[str]
    hazard_lines: list[str]
    integrity_ok: bool
    integrity_text: str
    reviews: list[Review]
    supersedes: InspectionRef | None = None  # the inspection this correction replaces
    superseded_by: list[InspectionRef] = field(default_factory=list)  # its correction(s)


def _counts(record: Inspection) -> tuple[int, int, int]:
    results = [str(i.result) for i in record.items]
    return results.count("pass"), results.count("fail"), results.count("na")


def _enterprise_name(db: Database, enterprise_id: str) -> str:
    e = reference.enterprise(db, enterprise_id)
    return e.name if e else enterprise_id


def _ref(db: Database, inspection_id: str | None) -> InspectionRef | None:
    return (
        None
        if inspection_id is None
        else InspectionRef(inspection_id, number_of(db, inspection_id))
    )


def review_queue(db: Database) -> list[QueueEntry]:
    """Synced inspections without a review (a superseded one is not), newest first; a
    correction says which inspection it replaces."""
    names, numbers = reference.enterprise_names(db), record_numbers(db)  # once, not per entry
    out = []
    for record in office_store.unreviewed_inspections(db):
        passed, failed, na = _counts(record)
        replaced = record.supersedes
        out.append(
            QueueEntry(
                inspection_id=record.id,
                enterprise_name=names.get(record.enterprise_id, record.enterprise_id),
                finished_at=record.finished_at.astimezone(clock.ZONE),
                number=numbers.get(record.id),
                passed=passed,
                failed=failed,
                na=na,
                hazards=len(office_store.hazards_of_visit(db, record)),
                photos=len(record._photo_refs()),
                refused=record.refusal is not None,
                supersedes=InspectionRef(replaced, numbers.get(replaced)) if replaced else None,
            )
        )
    out.sort(key=lambda e: (e.finished_at, e.inspection_id), reverse=True)
    return out


def _hazard_line(db: Database, hazard_id: str) -> str:
    """「title · level · deadline」 of a hazard found in the visit, as it stands now."""
    state = hazard_state(db, hazard_id)
    if state.reported is None:
        return short_ref(hazard_id)
    level = LEVEL_ZH.get(state.reported.level, "")
    return f"{state.reported.title} · {level} · 期限 {state.deadline}"


def inspection_detail(db: Database, inspection_id: str) -> InspectionDetail:
    record = office_store.inspection(db, inspection_id)
    if record is None:
        raise VisitError("本机没有这次检查")
    template = reference.template(db, template_id(record.template_code, record.template_version))
    texts = {}
    if template is not None:
        texts = {i.code: i.text for s in template.sections for i in s.items}
    problems = integrity_problems(record)
    names = reference.user_names(db, record.inspector_ids)
    hazard_ids = office_store.hazards_of_visit(db, record)
    return InspectionDetail(
        inspection=record,
        enterprise_name=_enterprise_name(db, record.enterprise_id),
        number=number_of(db, record.id),
        inspector_names=[names.get(u, u) for u in record.inspector_ids],
        items=[
            ItemLine(i.item_code, texts.get(i.item_code, ""), str(i.result), i.note, list(i.photos))
            for i in record.items
        ],
        hazard_ids=hazard_ids,
        hazard_lines=[_hazard_line(db, h) for h in hazard_ids],
        integrity_ok=not problems,
        integrity_text=INTEGRITY_OK if not problems else INTEGRITY_BAD,
        reviews=office_store.reviews_of(db, record.id),
        supersedes=_ref(db, record.supersedes),
        superseded_by=[
            InspectionRef(c.id, number_of(db, c.id))
            for c in office_store.corrections_of(db, record.id)
        ],
    )


def blob_bytes(files: BlobFiles, sha256: str) -> bytes | None:
    """The full-size photo or signature when this device holds it."""
    return files.read(sha256) if files.has(sha256) else None


def returned_to(db: Database, user_id: str) -> list[tuple[Inspection, Review]]:
    """Inspections by this inspector that the office returned and no correction replaces yet
    (newest review first)."""
    out = []
    superseded = office_store.superseded_ids(db)
    for review in office_store.all_reviews(db):
        if review.decision != "returned" or review.inspection_id in superseded:
            continue
        record = office_store.inspection(db, review.inspection_id)
        if record is not None and user_id in record.inspector_ids:
            out.append((record, review))
    out.sort(key=lambda p: p[1].at, reverse=True)
    return out


class ReviewService:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.db = account.db

    def decide(self, inspection_id: str, decision: str, comment: str = "") -> Review:
        """Approve, or return with a comment: a sealed ``review`` by the office user."""
        if decision not in ("approved", "returned"):
            raise VisitError("无效的审核结论")
        comment = comment.strip()
        if decision == "returned" and not comment:
            raise VisitError("退回须填写意见", {"comment": "退回须填写意见"})
        record = office_store.inspection(self.db, inspection_id)
        if record is None:
            raise VisitError("本机没有这次检查")
        if office_store.reviews_of(self.db, inspection_id):
            raise VisitError("这次检查已经审核过")
        if office_store.corrections_of(self.db, inspection_id):
            raise VisitError("这次检查已被更正取代，请审核更正后的检查")
        data = seal(
            "review",
            {
                "kind": "review",
                "id": new_id(),
                "inspection_id": inspection_id,
                "enterprise_id": record.enterprise_id,
                "created_by": self.account.user.id,
                "decision": decision,
                "comment": comment,
                "at": clock.now().isoformat(),
            },
        )
        saved = add_local_record(self.db, "review", data)
        assert isinstance(saved, Review)
        return saved

    def approve(self, inspection_id: str) -> Review:
        return self.decide(inspection_id, "approved")

    def send_back(self, inspection_id: str, comment: str) -> Review:
        return self.decide(inspection_id, "returned", comment)
