"""The hazard lifecycle as a pure fold of its events.

States: open → rectified → closed; a failed re-check sends it back to open; ``voided`` ends
it. Events are ordered by (``at``, ``id``), so every device that holds the same set of events
computes the same state, whatever order they arrived in. An event that is not allowed at
its position is kept and reported as superseded, never dropped.

A passed re-check is accepted while the hazard is still open too (found fixed on the
spot, or the enterprise fixed it without reporting). Closing rules: a passed re-check
closes a general hazard; a major hazard is closed only by
the office (a ``closed`` event), after a rectification or a passed re-check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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
    closed_at: dt.datetime | None = None
    rectified_at: dt.datetime | None = None
    history: tuple[tuple[str, str], ...] = field(default=())  # (event id, status after)

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


def event_order(event: HazardEventRecord) -> tuple[dt.datetime, str]:
    return (event.at, event.id)


def fold(hazard_id: str, events: Iterable[HazardEventRecord]) -> HazardState:
    """The state of one hazard from all of its events, in any order."""
    unique = {e.id: e for e in events if e.hazard_id == hazard_id}  # an event counts once
    ordered = sorted(unique.values(), key=event_order)
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
            return True
        if isinstance(event, Rechecked):
            if not event.passed:
                self.status, self.recheck_passed, self.rectified_at = HazardStatus.open, False, None
                return True
            if self.is_major:
                self.status, self.recheck_passed = HazardStatus.rectified, True
                self.rectified_at = self.rectified_at or event.at
            else:
                self.status, self.closed_at = HazardStatus.closed, event.at
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
            self.status, self.closed_at = HazardStatus.closed, event.at
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
        )


def fold_all(events: Iterable[HazardEventRecord]) -> dict[str, HazardState]:
    """States of every hazard that the events mention."""
    by_hazard: dict[str, list[HazardEventRecord]] = {}
    for event in events:
        by_hazard.setdefault(event.hazard_id, []).append(event)
    return {hid: fold(hid, evs) for hid, evs in by_hazard.items()}
