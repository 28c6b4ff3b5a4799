"""The hazard lifecycle as a pure fold of its events.

States: open → rectified → closed; a failed re-check sends it back to open; ``voided`` ends
it. An event that is not allowed at its position is kept and reported as superseded, never
dropped.

Order (``causal_order``): each event names the event it ``follows`` (the latest its device
knew), so the events form a tree; they are folded in a topological order of it, ready
events taken by the server's receipt sequence (received ones first, then the device's own
unsent ones, then by id). A decision is therefore always folded after every event it saw,
whatever time a device's clock claimed; ``at`` is a claim kept beside the receipt time, and
never decides the order. Events recorded before ``follows`` existed follow the event before
them in the old (``at``, ``id``) order, so old data folds as it always did. Every device that
holds the same events and receipts computes the same state, whatever order they came in.

A passed re-check is accepted while the hazard is still open too (found fixed on the
spot, or the enterprise fixed it without reporting). Closing rules: a passed re-check
closes a general hazard; a major hazard is closed only by
the office (a ``closed`` event), after a rectification or a passed re-check.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from domain.records import (
    Closed,
    DeadlineExtended,
    Escalated,
    HazardEventRecord,
    HazardLevel,
    Rechecked,
    Rectified,
    Reported,
    Voided,
)


class HazardStatus(StrEnum):
    open = "open"  # 待整改
    rectified = "rectified"  # 已整改待复查 / 待销号
    closed = "closed"  # 已销号
    voided = "voided"  # 已作废


TERMINAL = frozenset({HazardStatus.closed, HazardStatus.voided})


@dataclass(frozen=True)
class HazardState:
    hazard_id: str
    status: HazardStatus | None  # None: no `reported` event yet (only orphans known)
    reported: Reported | None = None
    level: HazardLevel | None = None
    deadline: dt.date | None = None
    escalation: str | None = None  # None / "reminder" / "listed"
    recheck_passed: bool = False  # a major hazard waiting for the office to close it
    applied: tuple[str, ...] = ()
    superseded: tuple[str, ...] = ()
    closed_at: dt.datetime | None = None  # claimed times (``at``) of the deciding events
    rectified_at: dt.datetime | None = None
    history: tuple[tuple[str, str], ...] = field(default=())  # (event id, status after)
    closed_by: HazardEventRecord | None = None  # the event that closed it
    rectified_by: HazardEventRecord | None = None  # the event that rectified it

    def is_overdue(self, today: dt.date) -> bool:
        """Derived, never stored: the deadline has passed and the hazard is not closed."""
        return (
            self.status is not None
            and self.status not in TERMINAL
            and self.deadline is not None
            and today > self.deadline
        )

    def days_left(self, today: dt.date) -> int | None:
        """Days until the deadline (negative when overdue); None when closed or unknown."""
        if self.status is None or self.status in TERMINAL or self.deadline is None:
            return None
        return (self.deadline - today).days


@dataclass(frozen=True)
class Receipt:
    """When the server took an event in: its receipt sequence and time."""

    seq: int
    at: dt.datetime


def event_order(event: HazardEventRecord) -> tuple[dt.datetime, str]:
    """The old order, by claimed time: only to place events that name no ``follows``."""
    return (event.at, event.id)


def causal_order(
    events: Iterable[HazardEventRecord], receipts: Mapping[str, Receipt] | None = None
) -> list[HazardEventRecord]:
    """The events (ids unique) in the order the fold applies them; see the module text."""
    receipts = receipts or {}
    by_id = {e.id: e for e in events}
    parent: dict[str, str | None] = {}
    previous: str | None = None
    for e in sorted(by_id.values(), key=event_order):
        named = e.follows if e.follows is not None else previous
        parent[e.id] = named if named in by_id and named != e.id else None
        previous = e.id
    children: dict[str, list[str]] = {}
    for eid, p in parent.items():
        if p is not None:
            children.setdefault(p, []).append(eid)

    def key(eid: str) -> tuple[int, int, str]:
        receipt = receipts.get(eid)
        return (0, receipt.seq, eid) if receipt is not None else (1, 0, eid)

    ready = [key(eid) for eid, p in parent.items() if p is None]
    heapq.heapify(ready)
    done: set[str] = set()
    out: list[HazardEventRecord] = []
    while len(out) < len(by_id):
        if not ready:  # a loop of names (only forged data makes one): break it at its least
            heapq.heappush(ready, min(key(eid) for eid in by_id if eid not in done))
        eid = heapq.heappop(ready)[2]
        if eid in done:
            continue
        done.add(eid)
        out.append(by_id[eid])
        for child in children.get(eid, ()):
            if child not in done:
                heapq.heappush(ready, key(child))
    return out


def latest_event(
    events: Iterable[HazardEventRecord], receipts: Mapping[str, Receipt] | None = None
) -> HazardEventRecord | None:
    """The last event in the fold's order: what a new event of this hazard follows."""
    ordered = causal_order(events, receipts)
    return ordered[-1] if ordered else None


def fold(
    hazard_id: str,
    events: Iterable[HazardEventRecord],
    receipts: Mapping[str, Receipt] | None = None,
) -> HazardState:
    """The state of one hazard from all of its events, in any order, and their receipts."""
    unique = {e.id: e for e in events if e.hazard_id == hazard_id}  # an event counts once
    ordered = causal_order(unique.values(), receipts)
    state = _Acc(hazard_id)
    for event in ordered:
        if state.apply(event):
            state.applied.append(event.id)
            state.history.append((event.id, str(state.status)))
        else:
            state.superseded.append(event.id)
    return state.freeze()


@dataclass
class _Acc:
    hazard_id: str
    status: HazardStatus | None = None
    reported: Reported | None = None
    deadline: dt.date | None = None
    escalation: str | None = None
    recheck_passed: bool = False
    closed_at: dt.datetime | None = None
    rectified_at: dt.datetime | None = None
    closed_by: HazardEventRecord | None = None
    rectified_by: HazardEventRecord | None = None
    applied: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)

    def apply(self, event: HazardEventRecord) -> bool:
        if isinstance(event, Reported):
            if self.status is not None:
                return False
            self.status, self.reported, self.deadline = HazardStatus.open, event, event.deadline
            return True
        if self.status is None or self.status in TERMINAL:
            return False
        if isinstance(event, Rectified):
            if self.status != HazardStatus.open:
                return False
            self.status, self.rectified_at = HazardStatus.rectified, event.at
            self.rectified_by = event
            return True
        if isinstance(event, Rechecked):
            if not event.passed:
                self.status, self.recheck_passed, self.rectified_at = HazardStatus.open, False, None
                self.rectified_by = None
                return True
            if self.rectified_by is None:  # found fixed: the re-check is the rectification
                self.rectified_by = event
            if self.is_major:
                self.status, self.recheck_passed = HazardStatus.rectified, True
                self.rectified_at = self.rectified_at or event.at
            else:
                self.status, self.closed_at, self.closed_by = HazardStatus.closed, event.at, event
            return True
        if isinstance(event, DeadlineExtended):
            self.deadline = event.new_deadline
            return True
        if isinstance(event, Escalated):
            if self.escalation != "listed":  # a listed hazard is not demoted by a reminder
                self.escalation = event.mode
            return True
        if isinstance(event, Closed):
            if self.status != HazardStatus.rectified:
                return False
            self.status, self.closed_at, self.closed_by = HazardStatus.closed, event.at, event
            return True
        if isinstance(event, Voided):
            self.status = HazardStatus.voided
            return True
        return False

    @property
    def is_major(self) -> bool:
        return self.reported is not None and self.reported.level == HazardLevel.major

    def freeze(self) -> HazardState:
        return HazardState(
            hazard_id=self.hazard_id,
            status=self.status,
            reported=self.reported,
            level=self.reported.level if self.reported else None,
            deadline=self.deadline,
            escalation=self.escalation,
            recheck_passed=self.recheck_passed,
            applied=tuple(self.applied),
            superseded=tuple(self.superseded),
            closed_at=self.closed_at,
            rectified_at=self.rectified_at,
            history=tuple(self.history),
            closed_by=self.closed_by,
            rectified_by=self.rectified_by,
        )


def fold_all(
    events: Iterable[HazardEventRecord], receipts: Mapping[str, Receipt] | None = None
) -> dict[str, HazardState]:
    """States of every hazard that the events mention."""
    by_hazard: dict[str, list[HazardEventRecord]] = {}
    for event in events:
        by_hazard.setdefault(event.hazard_id, []).append(event)
    return {hid: fold(hid, evs, receipts) for hid, evs in by_hazard.items()}
