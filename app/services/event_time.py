"""A new hazard event: sealed, and timed after every event of its hazard the device holds."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from app.services import clock
from app.store.records import hazard_events
from domain.ids import new_id
from domain.lifecycle import event_order
from domain.records import seal


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


def new_event(
    db: Database,
    event_type: str,
    hazard_id: str,
    enterprise_id: str,
    created_by: str,
    **fields: Any,
) -> dict[str, Any]:
    """A sealed hazard event (wire form) by ``created_by``, after every event held here.

    Call it in the transaction that stores the event: no other event of the hazard can then
    be stored here between the timing and the write."""
    at, event_id = after_events(db, hazard_id)
    return seal(
        "hazard_event",
        {
            "kind": "hazard_event",
            "type": event_type,
            "id": event_id,
            "hazard_id": hazard_id,
            "enterprise_id": enterprise_id,
            "created_by": created_by,
            "at": at,
            **fields,
        },
    )
