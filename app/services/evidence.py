"""What a re-check and a rectification report share: a draft holding after-photos, a note and
one signature, saved as it is typed, and sealed into one hazard event on submit."""

from __future__ import annotations

from typing import Any, ClassVar

from app.media.photos import (
    INSPECTOR_LABEL,
    RECORDER_LABEL,
    REPORTER_LABEL,
    WatermarkInfo,
    process_photo,
)
from app.services import clock
from app.services.drafting import DraftService, Strokes, VisitError
from app.services.event_time import new_event
from app.store import drafts, reference
from app.store.blobs import add_blob
from domain.records import AnyRecord

_PERSON_LABEL = {"inspector": INSPECTOR_LABEL, "enterprise": REPORTER_LABEL}


class EvidenceDraft(DraftService):
    signer_role: ClassVar[str]  # "inspector" or "enterprise"

    def _create(self, hazard_id: str, enterprise_id: str, **fields: Any) -> str:
        return self._new(
            {
                "hazard_id": hazard_id,
                "enterprise_id": enterprise_id,
                "note": "",
                "photos": [],
                "signature": None,
                **fields,
            }
        )

    def _update(self, draft_id: str, **fields: Any) -> dict[str, Any]:
        return self._change(draft_id, lambda d: d.update(fields))

    def set_note(self, draft_id: str, note: str) -> None:
        """The note, saved as it is typed."""
        self._update(draft_id, note=note)

    def _in_my_grids(self, enterprise_id: str) -> bool:
        """Whether the signed-in inspector's grids hold this enterprise."""
        unit = reference.enterprise(self.db, enterprise_id)
        return unit is not None and unit.grid_id in self.account.user.grid_ids

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
            self._change(draft_id, lambda d: d["photos"].append(sha))
        return sha

    def remove_photo(self, draft_id: str, sha: str) -> None:
        self._change(draft_id, lambda d: d.update(photos=[p for p in d["photos"] if p != sha]))

    def sign(self, draft_id: str, strokes: Strokes) -> None:
        """The signed-in user signs."""
        user = self.account.user
        signature = self._signature(strokes, self.signer_role, user.name, user_id=user.id)
        self._update(draft_id, signature=signature)

    def problems(self, draft_id: str, signing: bool = False) -> list[str]:
        """What is still missing; ``signing``: a signature is drawn and goes in on submit."""
        raise NotImplementedError

    def _complete(self, draft_id: str) -> dict[str, Any]:
        """The draft, when nothing is missing from it."""
        problems = self.problems(draft_id)
        if problems:
            raise VisitError("；".join(problems))
        return self.load(draft_id)

    def _submit(
        self,
        draft_id: str,
        draft: dict[str, Any],
        event_type: str,
        signature: dict[str, Any],
        **fields: Any,
    ) -> AnyRecord:
        """Seal the draft as one hazard event and queue it; the draft goes in the same
        transaction, which also times the event after every other one held here."""
        with self.db.atomic():
            event = new_event(
                self.db,
                event_type,
                draft["hazard_id"],
                draft["enterprise_id"],
                self.account.user.id,
                note=draft["note"].strip(),
                photos=draft["photos"],
                signatures=[signature],
                **fields,
            )
            return drafts.submit_draft(self.db, draft_id, [("hazard_event", event)])[0]
