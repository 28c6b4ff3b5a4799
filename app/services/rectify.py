"""Rectification report (整改完成上报) by the enterprise: after-photos, a note, its signature."""

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
from domain.lifecycle import HazardStatus
from domain.records import AnyRecord, seal

DRAFT_KIND = "rectify"


class RectifyService:
    """A draft saved as it is typed; submit seals a ``rectified`` event in one transaction."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.db = account.db

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
        draft_id = new_id()
        draft = {
            "hazard_id": hazard_id,
            "enterprise_id": enterprise_id,
            "note": "",
            "photos": [],
            "signature": None,
        }
        drafts.save_draft(self.db, draft_id, DRAFT_KIND, enterprise_id, draft)
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

    def set_note(self, draft_id: str, note: str) -> None:
        self._update(draft_id, note=note)

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

    def remove_photo(self, draft_id: str, sha: str) -> None:
        draft = self.load(draft_id)
        self._update(draft_id, photos=[p for p in draft["photos"] if p != sha])

    def sign(self, draft_id: str, strokes: list[list[tuple[float, float]]]) -> None:
        png = render_signature(strokes)
        with self.db.atomic():
            sha = add_blob(self.db, self.account.files, png, "image/png")
        user = self.account.user
        self._update(
            draft_id,
            signature={
                "role": "enterprise",
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
