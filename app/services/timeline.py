"""A hazard's history for the screens: who did what, when and where; before and after photos.

Names come from the device's users table; a device that was not sent a user (an
enterprise's phone is sent only its own user) finds the name in a signature that user put
on this hazard or on the inspection it came from, and shows the id only when neither has it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from app.services import clock
from app.store import office as office_store
from app.store import reference
from app.store.records import hazard_events
from domain.lifecycle import HazardEventRecord, HazardState, event_order, fold
from domain.records import Location, Rectified


@dataclass(frozen=True)
class TimelineEntry:
    event: HazardEventRecord
    type: str
    at: dt.datetime  # in the sub-district's zone
    who: str  # the recorder's name
    where: str | None  # a place or coordinates, when the event has one
    detail: str  # note or reason
    on_behalf: bool  # a rectification an inspector recorded for the enterprise
    signer: str | None  # who signed it (name and title), when it carries a signature
    superseded: bool  # kept but not in effect (「未生效」)
    photos: list[str]
    signature_pngs: list[str]


@dataclass(frozen=True)
class Timeline:
    state: HazardState
    entries: list[TimelineEntry]
    before: list[str]  # the reported event's photos
    after: list[str]  # the latest rectification's photos (the one in effect, if any)
    after_event_id: str | None


def location_text(location: Location | None) -> str | None:
    if location is None:
        return None
    text = f"{location.lat:.5f}, {location.lon:.5f}"
    if location.accuracy_m is not None:
        text += f" ±{location.accuracy_m:.0f}m"
    return text


def _signature_names(records: list[object]) -> dict[str, str]:
    names: dict[str, str] = {}
    for record in records:
        for sig in getattr(record, "signatures", []):
            if sig.signer_user_id:
                names.setdefault(sig.signer_user_id, sig.signer_name)
    return names


def _signer_text(event: HazardEventRecord) -> str | None:
    if not event.signatures:
        return None
    sig = event.signatures[0]
    return f"{sig.signer_name}（{sig.signer_title}）" if sig.signer_title else sig.signer_name


def is_on_behalf(event: HazardEventRecord) -> bool:
    """A rectification signed by someone other than its recorder: recorded on behalf."""
    return isinstance(event, Rectified) and all(
        s.signer_user_id != event.created_by for s in event.signatures
    )


def hazard_timeline(db: Database, hazard_id: str) -> Timeline:
    events = sorted(hazard_events(db, hazard_id), key=event_order)
    state = fold(hazard_id, events)
    rep = state.reported
    inspection = (
        office_store.inspection(db, rep.inspection_id) if rep and rep.inspection_id else None
    )
    names = _signature_names([*events, *([inspection] if inspection else [])])
    names.update(reference.user_names(db, sorted({e.created_by for e in events})))
    superseded = set(state.superseded)
    entries = []
    for ev in events:
        where = location_text(getattr(ev, "location", None))
        if ev.type == "reported":
            coords = location_text(inspection.location) if inspection else None
            where = " · ".join(x for x in (getattr(ev, "place", ""), coords) if x) or None
        entries.append(
            TimelineEntry(
                event=ev,
                type=ev.type,
                at=ev.at.astimezone(clock.ZONE),
                who=names.get(ev.created_by, ev.created_by),
                where=where,
                detail=getattr(ev, "note", "") or getattr(ev, "reason", "") or "",
                on_behalf=is_on_behalf(ev),
                signer=_signer_text(ev),
                superseded=ev.id in superseded,
                photos=list(getattr(ev, "photos", [])),
                signature_pngs=[s.png_sha256 for s in ev.signatures],
            )
        )
    rectifications = [e for e in events if e.type == "rectified"]
    effective = [e for e in rectifications if e.id not in superseded]
    latest = (effective or rectifications or [None])[-1]
    return Timeline(
        state=state,
        entries=entries,
        before=list(rep.photos) if rep else [],
        after=list(getattr(latest, "photos", [])) if latest else [],
        after_event_id=latest.id if latest else None,
    )
