"""What every draft service shares: a draft saved as it is typed, and the signatures on it.

A draft is plain JSON in the ``drafts`` table (one row, rewritten on every change), so killing
the app at any moment loses nothing. A change reads, changes and writes the row in one
transaction: a change saved meanwhile on another thread (the screens run handlers on a pool)
is built on, never overwritten with an older draft.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from app.account import Account
from app.media.signature import render_signature
from app.services import clock
from app.store import drafts
from app.store.blobs import add_blob
from domain.ids import new_id

Strokes = list[list[tuple[float, float]]]


class VisitError(ValueError):
    """Something the inspector must fix; ``fields`` maps a field to a message."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class DraftService:
    kind: ClassVar[str]  # the drafts table's kind

    def __init__(self, account: Account) -> None:
        self.account = account
        self.db = account.db

    def load(self, draft_id: str) -> dict[str, Any]:
        draft = drafts.load_draft(self.db, draft_id)
        if draft is None:
            raise VisitError("草稿不存在或已提交")
        return draft

    def _new(self, draft: dict[str, Any]) -> str:
        draft_id = new_id()
        drafts.save_draft(self.db, draft_id, self.kind, draft["enterprise_id"], draft)
        return draft_id

    def _change(self, draft_id: str, change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
        """Read, change and save the draft in one transaction: two handlers never lose one."""
        with self.db.atomic():
            draft = self.load(draft_id)
            change(draft)
            drafts.save_draft(self.db, draft_id, self.kind, draft["enterprise_id"], draft)
        return draft

    def _find(self, field: str, value: str) -> str | None:
        """The draft of this kind already started for ``value`` (of ``field``), if any."""
        return drafts.find_draft(self.db, self.kind, field, value)

    def _signature(
        self,
        strokes: Strokes,
        role: str,
        name: str,
        title: str | None = None,
        user_id: str | None = None,
    ) -> dict[str, Any]:
        """A signature block with its PNG stored; the content hash goes in when it is sealed."""
        png = render_signature(strokes)
        with self.db.atomic():
            sha = add_blob(self.db, self.account.files, png, "image/png")
        return {
            "role": role,
            "signer_name": name,
            "signer_title": title,
            "signer_user_id": user_id,
            "signed_at": clock.now().isoformat(),
            "png_sha256": sha,
        }
