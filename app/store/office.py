"""Queries the office's screens need: inspections waiting for review, reviews of an inspection,
and which inspection a correction (``supersedes``) replaces."""

from __future__ import annotations

from sqlite_utils import Database

from app.store.records import records_where
from domain.records import Inspection, Review

_SUPERSEDED = (
    "SELECT json_extract(data, '$.supersedes') FROM records "
    "WHERE kind = 'inspection' AND json_extract(data, '$.supersedes') IS NOT NULL"
)


def unreviewed_inspections(db: Database) -> list[Inspection]:
    """Inspections the server has received that no review answers yet and no correction
    replaces (a correction is reviewed in their place)."""
    found = records_where(
        db,
        "kind = 'inspection' AND received_at IS NOT NULL AND id NOT IN "
        "(SELECT inspection_id FROM records WHERE kind = 'review' AND inspection_id IS NOT NULL) "
        f"AND id NOT IN ({_SUPERSEDED})",
    )
    return [r for r in found if isinstance(r, Inspection)]


def superseded_ids(db: Database) -> set[str]:
    """Ids of the inspections this device knows a correction of (made here or pulled)."""
    return {r[0] for r in db.execute(_SUPERSEDED)}


def corrections_of(db: Database, inspection_id: str) -> list[Inspection]:
    """The inspections that say they supersede this one (normally one), oldest first."""
    found = records_where(
        db, "kind = 'inspection' AND json_extract(data, '$.supersedes') = ?", [inspection_id]
    )
    return [r for r in found if isinstance(r, Inspection)]


def reviews_of(db: Database, inspection_id: str) -> list[Review]:
    found = records_where(db, "kind = 'review' AND inspection_id = ?", [inspection_id])
    return sorted((r for r in found if isinstance(r, Review)), key=lambda r: (r.at, r.id))


def all_reviews(db: Database) -> list[Review]:
    return [r for r in records_where(db, "kind = 'review'") if isinstance(r, Review)]


def inspection(db: Database, inspection_id: str) -> Inspection | None:
    found = records_where(db, "kind = 'inspection' AND id = ?", [inspection_id])
    return found[0] if found and isinstance(found[0], Inspection) else None


def hazards_reported_in(db: Database, inspection_id: str) -> list[str]:
    """Hazard ids reported by this inspection."""
    return [
        r[0]
        for r in db.execute(
            "SELECT hazard_id FROM records WHERE kind = 'hazard_event' AND type = 'reported' "
            "AND inspection_id = ? ORDER BY id",
            [inspection_id],
        )
    ]


def correction_chain(db: Database, record: Inspection) -> list[str]:
    """The inspection and those it corrected in turn (a loop is not followed)."""
    ids = [record.id]
    current: Inspection | None = record
    while current is not None and current.supersedes and current.supersedes not in ids:
        ids.append(current.supersedes)
        current = inspection(db, current.supersedes)
    return ids


def hazards_of_visit(db: Database, record: Inspection) -> list[str]:
    """Hazards reported in this inspection or in those it corrected (they hang on those)."""
    return [h for i in correction_chain(db, record) for h in hazards_reported_in(db, i)]
