"""Correcting a returned inspection (更正): a new inspection that ``supersedes`` the old one.

The office returns an inspection with a comment (退回意见); the review reaches the inspector
on the next sync and home lists it. Nothing is edited in place: the inspector starts a
correction, an ordinary visit draft (same screens, saved as it is typed) prefilled from the
returned inspection and marked ``supersedes=<old id>``; submitting seals a new
``inspection`` with ``supersedes`` set and queues it in one transaction, like any visit
(``VisitService.submit``). The office reviews the correction in place of the old one.

Decisions:

- **Who, what, when.** Only an inspector listed on the returned inspection may correct it;
  only when its latest review is ``returned`` (not approved, not unreviewed); and only while
  no correction of it is known on this device (made here or pulled). Starting again resumes
  the same draft. Each refusal is a ``VisitError`` in Chinese and writes nothing; the rules
  are checked again on submit.
- **Prefilled:** template (same code and version), kind, each item's result, note and photos,
  the summary, the location with its status, and the visit's start time. A correction
  describes the same visit, so the statistics date it like the original and the screens do
  not locate again (a correction is often made away from the site).
- **Photos** are the ones this device took. The device queues only records whose blobs it
  holds, so a photo no longer on the device cannot be carried; it is left out and the draft
  names it (``correction.missing_photos``, shown in the banner); the inspector may take it
  again.
- **Signatures are not carried, nor a recorded refusal:** a signature covers the content it
  was given for and the correction's content differs. The inspector signs again; the
  enterprise signs again, or its refusal is recorded again.
- **Hazards** reported in the original inspection are their own records with their own
  lifecycle (rectification, re-checks and supervision may be under way) and keep their
  隐患编号. The correction does not report them again — a second ``reported`` event would
  be a second hazard in the ledger. An inspector correcting paperwork still needs to see
  them, so the draft lists them read-only (``correction.prior_hazards``): a failed item one
  of them covers needs no new hazard, the checklist links each to its hazard page and the
  summary lists them. The statistics attribute them to the correction (``supersedes`` is
  followed). A hazard newly found in the correction (an item that now fails) is reported in
  it like in any visit; one that should not have been reported is voided by the office
  (作废), not by the correction.
- Co-inspectors of the original stay listed after the inspector correcting, who signs first.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from app.account import Account
from app.services.drafting import VisitError
from app.services.visit import DRAFT_KIND
from app.store import blobs, drafts, reference
from app.store import office as office_store
from app.store.records import hazard_state, number_of
from domain.ids import new_id
from domain.lifecycle import HazardStatus
from domain.records import Inspection, Review
from domain.reference import template_id


def correctable(db: Database, user_id: str, inspection_id: str) -> tuple[Inspection, Review]:
    """The returned inspection and the review that returned it, or a VisitError saying why
    ``user_id`` may not correct it."""
    record = office_store.inspection(db, inspection_id)
    if record is None:
        raise VisitError("本机没有这次检查，请先同步")
    if user_id not in record.inspector_ids:
        raise VisitError("只有这次检查的检查人才能提交更正")
    reviews = office_store.reviews_of(db, inspection_id)
    if not reviews:
        raise VisitError("这次检查没有被退回，无需更正")
    latest = reviews[-1]
    if latest.decision == "approved":
        raise VisitError("这次检查已审核通过，不能更正")
    if office_store.corrections_of(db, inspection_id):
        raise VisitError("这次检查已提交过更正，不能重复更正")
    return record, latest


def prior_hazards(db: Database, record: Inspection) -> list[dict[str, Any]]:
    """Hazards reported in this inspection (or in those it corrected) that are not voided."""
    out = []
    for hazard_id in office_store.hazards_of_visit(db, record):
        state = hazard_state(db, hazard_id)
        if state.reported is None or state.status == HazardStatus.voided:
            continue
        out.append(
            {
                "hazard_id": hazard_id,
                "title": state.reported.title,
                "item_code": state.reported.item_code,
                "level": str(state.reported.level),
                "inspection_id": state.reported.inspection_id,
            }
        )
    return out


class CorrectionService:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.db = account.db

    def draft_for(self, inspection_id: str) -> str | None:
        """The correction draft already started on this device for this inspection."""
        return drafts.find_draft(self.db, DRAFT_KIND, "supersedes", inspection_id)

    def start(self, inspection_id: str) -> str:
        """A visit draft correcting the returned inspection, or the one already started."""
        record, review = correctable(self.db, self.account.user.id, inspection_id)
        existing = self.draft_for(inspection_id)
        if existing is not None:
            return existing
        tid = template_id(record.template_code, record.template_version)
        if reference.template(self.db, tid) is None:
            raise VisitError("检查表不在本机，请联网同步")
        items: dict[str, dict[str, Any]] = {}
        missing: list[dict[str, str]] = []
        known = blobs.known(self.db, [sha for item in record.items for sha in item.photos])
        for item in record.items:
            kept = []
            for sha in item.photos:
                if sha in known and self.account.files.has(sha):
                    kept.append(sha)
                else:
                    missing.append({"item_code": item.item_code, "sha256": sha})
            items[item.item_code] = {"result": item.result.value, "note": item.note, "photos": kept}
        user_id = self.account.user.id
        draft = {
            "version": 1,
            "inspection_id": new_id(),
            "enterprise_id": record.enterprise_id,
            "template_id": tid,
            "inspection_kind": record.inspection_kind.value,
            "started_at": record.started_at.isoformat(),
            "location": record.location.model_dump() if record.location else None,
            "location_status": record.location_status,
            "location_tried": True,
            "items": items,
            "hazards": [],
            "summary": record.summary,
            "inspector_signature": None,
            "enterprise_signature": None,
            "refusal": None,
            "co_inspectors": [i for i in record.inspector_ids if i != user_id],
            "supersedes": record.id,
            "correction": {
                "number": number_of(self.db, record.id),
                "review_id": review.id,
                "comment": review.comment,
                "returned_at": review.at.isoformat(),
                "missing_photos": missing,
                "prior_hazards": prior_hazards(self.db, record),
            },
        }
        draft_id = new_id()
        drafts.save_draft(self.db, draft_id, DRAFT_KIND, record.enterprise_id, draft)
        return draft_id


def correction_info(draft: dict[str, Any]) -> dict[str, Any] | None:
    """What a correction draft carries about the returned inspection (None for a plain visit)."""
    if not draft.get("supersedes"):
        return None
    return draft.get("correction") or {}
