"""The office's supervision of a hazard (督办): escalate, extend the deadline, close, void.

Each action is one sealed hazard event created by the office user; the rules the screen
shows (in Chinese) are checked here against the hazard's current state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.account import Account
from app.services import clock
from app.services.drafting import VisitError
from app.services.event_time import new_event
from app.store.records import add_local_record, hazard_state
from domain.lifecycle import TERMINAL, HazardState, HazardStatus
from domain.records import AnyRecord

ESCALATION_MODES = ("reminder", "listed")


class SuperviseError(VisitError):
    """A supervision action that cannot be taken; ``fields`` names the field at fault."""


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


class SuperviseService:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.db = account.db

    def _live(self, hazard_id: str) -> HazardState:
        state = hazard_state(self.db, hazard_id)
        if state.reported is None:
            raise SuperviseError("本机没有该隐患")
        if state.status in TERMINAL:
            raise SuperviseError("该隐患已销号或已作废")
        return state

    def _emit(self, state: HazardState, event_type: str, **fields: Any) -> AnyRecord:
        assert state.reported is not None
        with self.db.atomic():  # timed after every event held here, and stored, at once
            data = new_event(
                self.db,
                event_type,
                state.hazard_id,
                state.reported.enterprise_id,
                self.account.user.id,
                **fields,
            )
            return add_local_record(self.db, "hazard_event", data)

    def escalate(self, hazard_id: str, mode: str, note: str = "") -> AnyRecord:
        """督办提醒 (reminder) or 挂牌督办 (listed)."""
        if mode not in ESCALATION_MODES:
            raise SuperviseError("请选择督办方式", {"mode": "请选择督办方式"})
        state = self._live(hazard_id)
        if state.escalation == "listed":
            raise SuperviseError("该隐患已挂牌督办")
        if state.escalation == mode:
            raise SuperviseError("该隐患已发出督办提醒")
        return self._emit(state, "escalated", mode=mode, note=note.strip())

    def extend(self, hazard_id: str, new_deadline: str | dt.date, reason: str) -> AnyRecord:
        """A later deadline, with the reason (延期)."""
        fields: dict[str, str] = {}
        day = new_deadline if isinstance(new_deadline, dt.date) else parse_date(new_deadline)
        state = self._live(hazard_id)
        if day is None:
            fields["new_deadline"] = "请填写新的整改期限（YYYY-MM-DD）"
        elif state.deadline is not None and day <= state.deadline:
            fields["new_deadline"] = f"新的整改期限须晚于原期限 {state.deadline.isoformat()}"
        elif day < clock.today():
            fields["new_deadline"] = "新的整改期限不能早于今天"
        if not reason.strip():
            fields["reason"] = "延期须写明理由"
        if fields:
            raise SuperviseError("；".join(fields.values()), fields)
        assert day is not None
        return self._emit(
            state, "deadline_extended", new_deadline=day.isoformat(), reason=reason.strip()
        )

    def close(self, hazard_id: str, note: str = "") -> AnyRecord:
        """销号: only a rectified hazard (for a major one, after its re-check)."""
        state = self._live(hazard_id)
        if state.status != HazardStatus.rectified:
            raise SuperviseError("只有已整改的隐患才能销号")
        return self._emit(state, "closed", note=note.strip())

    def void(self, hazard_id: str, reason: str) -> AnyRecord:
        """作废 (recorded in error), with the reason."""
        state = self._live(hazard_id)
        if not reason.strip():
            raise SuperviseError("作废须写明理由", {"reason": "作废须写明理由"})
        return self._emit(state, "voided", reason=reason.strip())
