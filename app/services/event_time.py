"""When a new hazard event happens: after every event the device already holds."""

from __future__ import annotations

from sqlite_utils import Database

from app.services import clock
from app.store.records import hazard_events
from domain.ids import new_id
from domain.lifecycle import event_order


def after_events(db: Database, hazard_id: str) -> tuple[str, str]:
    """``at`` (RFC 3339) and id for a new event of this hazard that sorts after every event
    this device holds: a fold orders by (at, id), and two actions within one millisecond
    must not swap places."""
    events = hazard_events(db, hazard_id)
    at = clock.now()
    if not events:
        return at.isoformat(), new_id()
    last = max(events, key=event_order)
    if last.at > at:
        at = last.at
    if at != last.at:
        return at.isoformat(), new_id()
    last_ms = int(last.id.replace("-", ""), 16) >> 80
    event_id = new_id()
    while event_id <= last.id:
        last_ms += 1
        event_id = new_id(now_ms=last_ms)
    return at.isoformat(), event_id
