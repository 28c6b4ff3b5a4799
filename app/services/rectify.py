"""Rectification report (整改完成上报) by the enterprise: after-photos, a note, its signature."""

from __future__ import annotations

from app.services.event_time import after_events
from app.services.evidence import EvidenceDraft
from app.services.visit import VisitError
from app.store import drafts
from app.store.records import hazard_state
from domain.lifecycle import HazardStatus
from domain.records import AnyRecord, seal

DRAFT_KIND = "rectify"


class RectifyService(EvidenceDraft):
    """A draft saved as it is typed; submit seals a ``rectified`` event in one transaction."""

    kind = DRAFT_KIND
    signer_role = "enterprise"

    def _require_open(self, hazard_id: str) -> str:
        state = hazard_state(self.db, hazard_id)
        if state.reported is None:
            raise VisitError("本机没有该隐患")
        if state.status != HazardStatus.open:
            raise VisitError("只有待整改的隐患才能上报整改完成")
        user = self.account.user
        if user.enterprise_id is not None and state.reported.enterprise_id != user.enterprise_id:
            raise VisitError("不是本单位的隐患")
        return state.reported.enterprise_id

    def start(self, hazard_id: str) -> str:
        """A new draft, or the one already started for this hazard."""
        enterprise_id = self._require_open(hazard_id)
        for row in drafts.list_drafts(self.db):
            if row["kind"] == DRAFT_KIND:
                existing = drafts.load_draft(self.db, row["id"])
                if existing is not None and existing["hazard_id"] == hazard_id:
                    return str(row["id"])
        return self._create(hazard_id, enterprise_id)

    def set_note(self, draft_id: str, note: str) -> None:
        self._update(draft_id, note=note)

    def problems(self, draft_id: str) -> list[str]:
        draft = self.load(draft_id)
        out = []
        if not draft["note"].strip():
            out.append("请填写整改情况说明")
        if not draft["photos"]:
            out.append("请上传至少一张整改后照片")
        if not draft["signature"]:
            out.append("单位负责人尚未签名")
        return out

    def submit(self, draft_id: str) -> AnyRecord:
        problems = self.problems(draft_id)
        if problems:
            raise VisitError("；".join(problems))
        draft = self.load(draft_id)
        self._require_open(draft["hazard_id"])
        at, event_id = after_events(self.db, draft["hazard_id"])
        event = seal(
            "hazard_event",
            {
                "kind": "hazard_event",
                "type": "rectified",
                "id": event_id,
                "hazard_id": draft["hazard_id"],
                "enterprise_id": draft["enterprise_id"],
                "created_by": self.account.user.id,
                "at": at,
                "note": draft["note"].strip(),
                "photos": draft["photos"],
                "signatures": [draft["signature"]],
            },
        )
        return drafts.submit_draft(self.db, draft_id, [("hazard_event", event)])[0]
