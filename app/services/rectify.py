"""Rectification report (整改完成上报): after-photos, a note and the enterprise's signature.

The enterprise reports its own rectification. An inspector may record one on the
enterprise's behalf (代为上报, DESIGN.md): the record is then ``created_by`` the inspector,
while the signature stays the enterprise representative's — their name typed in, their
hand on the pad, no user id (they did not sign in). Either way the record carries exactly
one signature, of role ``enterprise``.
"""

from __future__ import annotations

from typing import Any

from app.services.drafting import Strokes, VisitError
from app.services.evidence import EvidenceDraft
from app.store.records import hazard_state
from domain.lifecycle import HazardStatus
from domain.records import AnyRecord

DRAFT_KIND = "rectify"
NAME_MISSING = "请填写单位负责人姓名"


class RectifyService(EvidenceDraft):
    """A draft saved as it is typed; submit seals a ``rectified`` event in one transaction."""

    kind = DRAFT_KIND
    signer_role = "enterprise"

    @property
    def on_behalf(self) -> bool:
        """True when an inspector records it for the enterprise."""
        return str(self.account.user.role) == "inspector"

    def _require_open(self, hazard_id: str) -> str:
        state = hazard_state(self.db, hazard_id)
        if state.reported is None:
            raise VisitError("本机没有该隐患")
        if state.status != HazardStatus.open:
            raise VisitError("只有待整改的隐患才能上报整改完成")
        user = self.account.user
        role = str(user.role)
        enterprise_id = state.reported.enterprise_id
        if role == "enterprise":
            if enterprise_id != user.enterprise_id:
                raise VisitError("不是本单位的隐患")
        elif role == "inspector":
            if not self._in_my_grids(enterprise_id):
                raise VisitError("该单位不在您的网格内，不能代为上报整改")
        else:
            raise VisitError("只有单位或网格员可以上报整改")
        return enterprise_id

    def may_start(self, hazard_id: str) -> bool:
        """Whether this user may report a rectification of this hazard now."""
        try:
            self._require_open(hazard_id)
        except VisitError:
            return False
        return True

    def start(self, hazard_id: str) -> str:
        """A new draft, or the one already started for this hazard."""
        enterprise_id = self._require_open(hazard_id)
        existing = self._find("hazard_id", hazard_id)
        if existing is not None:
            return existing
        return self._create(hazard_id, enterprise_id, signer_name="", signer_title="")

    def set_signer(self, draft_id: str, name: str, title: str = "") -> None:
        """On the enterprise's behalf: who signs for it (saved as typed)."""
        self._update(draft_id, signer_name=name, signer_title=title)

    def sign(self, draft_id: str, strokes: Strokes) -> None:
        """The enterprise signs: the signed-in enterprise user, or — recorded on its behalf —
        the representative whose name is on the draft (not the inspector)."""
        super().sign(draft_id, strokes)
        if self.on_behalf:
            self._change(draft_id, lambda d: d["signature"].update(self._representative(d)))

    def _representative(self, draft: dict[str, Any]) -> dict[str, Any]:
        name = str(draft.get("signer_name") or "").strip()
        title = str(draft.get("signer_title") or "").strip()
        return {"signer_name": name, "signer_title": title or None, "signer_user_id": None}

    def problems(self, draft_id: str, signing: bool = False) -> list[str]:
        """What is still missing; ``signing``: a signature is drawn and goes in on submit."""
        draft = self.load(draft_id)
        out = []
        if not draft["note"].strip():
            out.append("请填写整改情况说明")
        if not draft["photos"]:
            out.append("请上传至少一张整改后照片")
        if self.on_behalf and not str(draft.get("signer_name") or "").strip():
            out.append(NAME_MISSING)
        if not draft["signature"] and not signing:
            out.append("单位负责人尚未签名")
        return out

    def submit(self, draft_id: str) -> AnyRecord:
        draft = self._complete(draft_id)
        self._require_open(draft["hazard_id"])
        signature = dict(draft["signature"])
        if self.on_behalf:  # the name as it reads now, even if typed after signing
            signature.update(self._representative(draft))
        return self._submit(draft_id, draft, "rectified", signature)
