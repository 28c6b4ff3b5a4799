"""What a re-check and a rectification report share: a draft holding after-photos, a note and
one signature, saved as it is typed."""

from __future__ import annotations

from typing import Any, ClassVar

from app.account import Account
from app.media.photos import (
    INSPECTOR_LABEL,
    RECORDER_LABEL,
    REPORTER_LABEL,
    WatermarkInfo,
    process_photo,
)
from app.media.signature import render_signature
from app.services import clock
from app.services.visit import VisitError
from app.store import drafts, reference
from app.store.blobs import add_blob
from domain.ids import new_id

Strokes = list[list[tuple[float, float]]]

_PERSON_LABEL = {"inspector": INSPECTOR_LABEL, "enterprise": REPORTER_LABEL}


class EvidenceDraft:
    kind: ClassVar[str]  # the drafts table's kind
    signer_role: ClassVar[str]  # "inspector" or "enterprise"

    def __init__(self, account: Account) -> None:
        self.account = account
        self.db = account.db

    def _create(self, hazard_id: str, enterprise_id: str, **fields: Any) -> str:
        draft_id = new_id()
        draft = {
            "hazard_id": hazard_id,
            "enterprise_id": enterprise_id,
            "note": "",
            "photos": [],
            "signature": None,
            **fields,
        }
        drafts.save_draft(self.db, draft_id, self.kind, enterprise_id, draft)
        return draft_id

    def load(self, draft_id: str) -> dict[str, Any]:
        draft = drafts.load_draft(self.db, draft_id)
        if draft is None:
            raise VisitError("草稿不存在或已提交")
        return draft

    def _update(self, draft_id: str, **fields: Any) -> dict[str, Any]:
        # read and write in one transaction: a change saved meanwhile on another thread (the
        # screens run handlers on a pool) is built on, never overwritten with an older draft
        with self.db.atomic():
            draft = {**self.load(draft_id), **fields}
            drafts.save_draft(self.db, draft_id, self.kind, draft["enterprise_id"], draft)
        return draft

    def watermark(self, draft_id: str) -> WatermarkInfo:
        """What a photo taken now for this draft carries burned in. The one who takes it is
        the signed-in user: an enterprise's contact reports (上报人) its own rectification; an
        inspector's photos — a re-check, or a rectification recorded on the enterprise's
        behalf — name the inspector (检查人), who took them."""
        draft = self.load(draft_id)
        enterprise = reference.enterprise(self.db, draft["enterprise_id"])
        user = self.account.user
        return WatermarkInfo(
            taken_at=clock.now(),
            place=enterprise.address if enterprise else "",
            inspector=user.name,
            enterprise=enterprise.name if enterprise else "",
            person_label=_PERSON_LABEL.get(str(user.role), RECORDER_LABEL),
        )

    def add_photo(self, draft_id: str, src: bytes) -> str:
        photo = process_photo(src, self.watermark(draft_id))
        with self.db.atomic():  # the photo and the draft that lists it, together
            sha = add_blob(self.db, self.account.files, photo.jpeg, "image/jpeg", photo.thumbnail)
            draft = self.load(draft_id)
            self._update(draft_id, photos=[*draft["photos"], sha])
        return sha

    def remove_photo(self, draft_id: str, sha: str) -> None:
        with self.db.atomic():
            draft = self.load(draft_id)
            self._update(draft_id, photos=[p for p in draft["photos"] if p != sha])

    def sign(self, draft_id: str, strokes: Strokes) -> None:
        """The signed-in user signs (the content hash is filled in when the record is sealed)."""
        png = render_signature(strokes)
        with self.db.atomic():
            sha = add_blob(self.db, self.account.files, png, "image/png")
        user = self.account.user
        self._update(
            draft_id,
            signature={
                "role": self.signer_role,
                "signer_name": user.name,
                "signer_title": None,
                "signer_user_id": user.id,
                "signed_at": clock.now().isoformat(),
                "png_sha256": sha,
                "content_hash": "0" * 64,
            },
        )
