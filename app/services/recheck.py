"""Re-check (复查) of an open hazard: after-photos, passed or not, a note, the signature."""

from __future__ import annotations

from typing import Any

from app.account import Account
from app.media.photos import WatermarkInfo, process_photo
from app.media.signature import render_signature
from app.services import clock
from app.services.event_time import after_events
from app.services.visit import VisitError
from app.store import drafts, reference
from app.store.blobs import add_blob
from app.store.records import hazard_state
from domain.ids import new_id
from domain.lifecycle import TERMINAL
from domain.records import AnyRecord, seal

DRAFT_KIND = "recheck"


class RecheckService:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.db = account.db

    def start(self, hazard_id: str) -> str:
        state = hazard_state(self.db, hazard_id)
        if state.reported is None or state.status in TERMINAL:
            raise VisitError("该隐患已销号或不存在，无需复查")
        draft_id = new_id()
        draft = {
            "hazard_id": hazard_id,
            "enterprise_id": state.reported.enterprise_id,
            "passed": None,
            "note": "",
            "photos": [],
            "signature": None,
        }
        drafts.save_draft(self.db, draft_id, DRAFT_KIND, draft["enterprise_id"], draft)
        return draft_id

    def load(self, draft_id: str) -> dict[str, Any]:
        draft = drafts.load_draft(self.db, draft_id)
        if draft is None:
            raise VisitError("草稿不存在或已提交")
        return draft

    def _update(self, draft_id: str, **fields: Any) -> dict[str, Any]:
        draft = {**self.load(draft_id), **fields}
        drafts.save_draft(self.db, draft_id, DRAFT_KIND, draft["enterprise_id"], draft)
        return draft

    def set_result(self, draft_id: str, passed: bool, note: str) -> None:
        self._update(draft_id, passed=passed, note=note)

    def add_photo(self, draft_id: str, src: bytes) -> str:
        draft = self.load(draft_id)
        enterprise = reference.enterprise(self.db, draft["enterprise_id"])
        info = WatermarkInfo(
            taken_at=clock.now(),
            place=enterprise.address if enterprise else "",
            inspector=self.account.user.name,
            enterprise=enterprise.name if enterprise else "",
        )
        photo = process_photo(src, info)
        with self.db.atomic():
            sha = add_blob(self.db, self.account.files, photo.jpeg, "image/jpeg", photo.thumbnail)
        self._update(draft_id, photos=[*draft["photos"], sha])
        return sha

    def sign(self, draft_id: str, strokes: list[list[tuple[float, float]]]) -> None:
        png = render_signature(strokes)
        with self.db.atomic():
            sha = add_blob(self.db, self.account.files, png, "image/png")
        user = self.account.user
        self._update(
            draft_id,
            signature={
                "role": "inspector",
                "signer_name": user.name,
                "signer_title": None,
                "signer_user_id": user.id,
                "signed_at": clock.now().isoformat(),
                "png_sha256": sha,
                "content_hash": "0" * 64,
            },
        )

    def problems(self, draft_id: str) -> list[str]:
        draft = self.load(draft_id)
        out = []
        if draft["passed"] is None:
            out.append("请选择复查结论（合格 / 不合格）")
        if draft["passed"] is False and not draft["note"].strip():
            out.append("复查不合格须写明原因")
        if not draft["signature"]:
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
