"""What the figures, the ledger and the notice are computed from, on the device or the server.

Both stores load the same ``ReportData`` (reference data, field records and the numbers the
server gave on receipt); everything derived — a hazard's state, overdue, days late — comes
from the fold in ``domain.lifecycle`` at the moment of asking, never from a stored value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from domain.lifecycle import HazardEventRecord, HazardState, HazardStatus, fold_all
from domain.records import (
    Closed,
    Inspection,
    Rechecked,
    Rectified,
    Reported,
    Signature,
    Voided,
)
from domain.reference import Community, Enterprise, Grid, UserPublic

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")


def local_date(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The calendar day of ``moment`` in the sub-district's zone."""
    return moment.astimezone(tz).date()


def local_minute(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """``moment`` as a naive wall-clock time in the zone, to the minute (for documents)."""
    return moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)


@dataclass(frozen=True)
class HazardCase:
    """One hazard as the documents need it: its folded state and what it hangs on."""

    state: HazardState
    reported: Reported
    events: tuple[HazardEventRecord, ...]  # the applied events, in fold order
    enterprise: Enterprise | None
    inspection: Inspection | None
    number: str | None  # 隐患编号 from the server; None until synced

    @property
    def hazard_id(self) -> str:
        return self.state.hazard_id

    def found_on(self, tz: dt.tzinfo) -> dt.date:
        """发现日期: the day the hazard was recorded (the inspection's day when known)."""
        if self.inspection is not None:
            return local_date(self.inspection.started_at, tz)
        return local_date(self.reported.at, tz)

    @property
    def last_recheck(self) -> Rechecked | None:
        checks = [e for e in self.events if isinstance(e, Rechecked)]
        return checks[-1] if checks else None

    @property
    def last_rectification(self) -> Rectified | None:
        fixes = [e for e in self.events if isinstance(e, Rectified)]
        return fixes[-1] if fixes else None

    @property
    def closing_event(self) -> Closed | Rechecked | None:
        """The event that closed the hazard: the office's ``closed`` or a passed re-check."""
        for event_id, status in self.state.history:
            if status == HazardStatus.closed:
                event = next(e for e in self.events if e.id == event_id)
                return event if isinstance(event, Closed | Rechecked) else None
        return None

    @property
    def void_event(self) -> Voided | None:
        return next((e for e in self.events if isinstance(e, Voided)), None)

    @property
    def is_voided(self) -> bool:
        return self.state.status == HazardStatus.voided

    @property
    def is_closed(self) -> bool:
        return self.state.status == HazardStatus.closed


@dataclass(frozen=True)
class ReportData:
    """Reference data and field records, as loaded from one store."""

    communities: tuple[Community, ...] = ()
    grids: tuple[Grid, ...] = ()
    enterprises: tuple[Enterprise, ...] = ()
    users: tuple[UserPublic, ...] = ()
    inspections: tuple[Inspection, ...] = ()
    events: tuple[HazardEventRecord, ...] = ()
    numbers: Mapping[str, str] = field(default_factory=dict)  # record id → server number

    @classmethod
    def of(
        cls,
        *,
        communities: Iterable[Community] = (),
        grids: Iterable[Grid] = (),
        enterprises: Iterable[Enterprise] = (),
        users: Iterable[UserPublic] = (),
        inspections: Iterable[Inspection] = (),
        events: Iterable[HazardEventRecord] = (),
        numbers: Mapping[str, str] | None = None,
    ) -> ReportData:
        return cls(
            tuple(communities),
            tuple(grids),
            tuple(enterprises),
            tuple(users),
            tuple(inspections),
            tuple(events),
            dict(numbers or {}),
        )

    @cached_property
    def community_by_id(self) -> dict[str, Community]:
        return {c.id: c for c in self.communities}

    @cached_property
    def grid_by_id(self) -> dict[str, Grid]:
        return {g.id: g for g in self.grids}

    @cached_property
    def enterprise_by_id(self) -> dict[str, Enterprise]:
        return {e.id: e for e in self.enterprises}

    @cached_property
    def user_by_id(self) -> dict[str, UserPublic]:
        return {u.id: u for u in self.users}

    @cached_property
    def inspection_by_id(self) -> dict[str, Inspection]:
        return {i.id: i for i in self.inspections}

    def user_name(self, user_id: str, signatures: Iterable[Signature] = ()) -> str:
        """The person's name: from the users this store holds, else from a signature they
        made (an enterprise's device knows no inspectors), else the id itself."""
        user = self.user_by_id.get(user_id)
        if user is not None:
            return user.name
        signed = (s.signer_name for s in signatures if s.signer_user_id == user_id)
        return next(signed, user_id)

    def inspector_names(self, inspection: Inspection) -> tuple[str, ...]:
        return tuple(self.user_name(u, inspection.signatures) for u in inspection.inspector_ids)

    def community_name(self, community_id: str) -> str:
        community = self.community_by_id.get(community_id)
        return community.name if community else community_id

    def grid_name(self, grid_id: str) -> str:
        grid = self.grid_by_id.get(grid_id)
        return grid.name if grid else grid_id

    @cached_property
    def cases(self) -> tuple[HazardCase, ...]:
        """Every hazard with a ``reported`` event, in the order found (time, then id)."""
        by_id = {e.id: e for e in self.events}
        out = []
        for state in fold_all(self.events).values():
            if state.reported is None:
                continue  # only orphan events known: nothing to report yet
            reported = state.reported
            out.append(
                HazardCase(
                    state=state,
                    reported=reported,
                    events=tuple(by_id[i] for i in state.applied),
                    enterprise=self.enterprise_by_id.get(reported.enterprise_id),
                    inspection=(
                        self.inspection_by_id.get(reported.inspection_id)
                        if reported.inspection_id
                        else None
                    ),
                    number=self.numbers.get(reported.id),
                )
            )
        out.sort(key=lambda c: (c.reported.at, c.hazard_id))
        return tuple(out)
