"""Re-check (复查) of an open hazard: after-photos, passed or not, a note, the signature."""

from __future__ import annotations

from app.services.event_time import after_events
from app.services.evidence import EvidenceDraft
from app.services.visit import VisitError
from app.store import drafts
from app.store.records import hazard_state
from app.store.reference import enterprise
from domain.lifecycle import TERMINAL
from domain.records import AnyRecord, seal

DRAFT_KIND = "recheck"


class RecheckService(EvidenceDraft):
    kind = DRAFT_KIND
    signer_role = "inspector"

    def start(self, hazard_id: str) -> str:
        state = hazard_state(self.db, hazard_id)
        if state.reported is None or state.status in TERMINAL:
            raise VisitError("该隐患已销号或不存在，无需复查")
        user = self.account.user
        if str(user.role) != "inspector":
            raise VisitError("只有网格员可以复查")
        unit = enterprise(self.db, state.reported.enterprise_id)
        if unit is None or unit.grid_id not in user.grid_ids:
            raise VisitError("该单位不在您的网格内，不能复查")
        return self._create(hazard_id, state.reported.enterprise_id, passed=None)

    def set_result(self, draft_id: str, passed: bool, note: str) -> None:
        self._update(draft_id, passed=passed, note=note)

    def problems(self, draft_id: str, signing: bool = False) -> list[str]:
        """What is still missing; ``signing``: a signature is drawn and goes in on submit."""
        draft = self.load(draft_id)
        out = []
        if draft["passed"] is None:
            out.append("请选择复查结论（合格 / 不合格）")
        if draft["passed"] is False and not draft["note"].strip():
            out.append("复查不合格须写明原因")
        if not draft["signature"] and not signing:
            out.append("复查人尚未签名")
        return out

    def submit(self, draft_id: str) -> AnyRecord:
        problems = self.problems(draft_id)
        if problems:
            raise VisitError("；".join(problems))
        draft = self.load(draft_id)
        at, event_id = after_events(self.db, draft["hazard_id"])
        event = seal(
            "hazard_event",
            {
                "kind": "hazard_event",
                "type": "rechecked",
                "id": event_id,
                "hazard_id": draft["hazard_id"],
                "enterprise_id": draft["enterprise_id"],
                "created_by": self.account.user.id,
                "at": at,
                "passed": draft["passed"],
                "note": draft["note"].strip(),
                "photos": draft["photos"],
                "signatures": [draft["signature"]],
            },
        )
        return drafts.submit_draft(self.db, draft_id, [("hazard_event", event)])[0]
