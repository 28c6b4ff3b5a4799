"""Re-check (复查) of an open hazard: after-photos, passed or not, a note, the signature."""

from __future__ import annotations

from app.services.drafting import VisitError
from app.services.evidence import EvidenceDraft
from app.store.records import hazard_state
from domain.lifecycle import TERMINAL
from domain.records import AnyRecord

DRAFT_KIND = "recheck"


class RecheckService(EvidenceDraft):
    kind = DRAFT_KIND
    signer_role = "inspector"

    def start(self, hazard_id: str) -> str:
        state = hazard_state(self.db, hazard_id)
        if state.reported is None or state.status in TERMINAL:
            raise VisitError("该隐患已销号或不存在，无需复查")
        if str(self.account.user.role) != "inspector":
            raise VisitError("只有网格员可以复查")
        if not self._in_my_grids(state.reported.enterprise_id):
            raise VisitError("该单位不在您的网格内，不能复查")
        return self._create(hazard_id, state.reported.enterprise_id, passed=None)

    def set_result(self, draft_id: str, passed: bool, note: str) -> None:
        self._update(draft_id, passed=passed, note=note)

    def set_passed(self, draft_id: str, passed: bool) -> None:
        self._update(draft_id, passed=passed)

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
        draft = self._complete(draft_id)
        return self._submit(
            draft_id, draft, "rechecked", draft["signature"], passed=draft["passed"]
        )
