"""A device in a test: a real account store, real photos and signatures, the real sync engine."""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw
from sqlite_utils import Database

from app.account import Account, sign_in
from app.media.photos import WatermarkInfo, process_photo
from app.media.signature import render_signature
from app.store import outbox
from app.store.blobs import add_blob
from app.store.records import add_local_record, hazard_states
from app.sync.engine import SyncEngine, SyncReport
from domain.records import AnyRecord, seal
from tests import domain_factories as f
from tests.org import PASSWORD


def camera_jpeg(seed: int, size: tuple[int, int] = (1200, 900)) -> bytes:
    """A small but busy JPEG, distinct per seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.rectangle(
            [x, y, x + rng.randrange(20, 300), y + rng.randrange(20, 200)],
            fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)),
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@dataclass
class Device:
    account: Account
    session_headers: dict[str, str] = field(default_factory=dict)
    _seed: int = 0

    @property
    def db(self) -> Database:
        return self.account.db

    @property
    def user_id(self) -> str:
        return self.account.user.id

    def engine(self, **kwargs: Any) -> SyncEngine:
        client = self.account.client(timeout=10)
        client.session.headers.update(self.session_headers)
        return SyncEngine(self.db, self.account.files, client, self.account.device_id, **kwargs)

    def sync(self, **kwargs: Any) -> SyncReport:
        return self.engine(**kwargs).run_once()

    def photo(self) -> str:
        self._seed += 1
        info = WatermarkInfo(
            taken_at=dt.datetime.now(f.CST),
            place="31.2304,121.4737 ±8m",
            inspector=self.account.user.name,
            enterprise="东湖宏达机械加工厂",
        )
        processed = process_photo(camera_jpeg(hash((self.user_id, self._seed)) & 0xFFFF), info)
        with self.db.atomic():
            return add_blob(
                self.db, self.account.files, processed.jpeg, "image/jpeg", processed.thumbnail
            )

    def signature(self, role: str, name: str, user_id: str | None) -> dict[str, Any]:
        self._seed += 1
        wobble = self._seed * 7 % 50
        png = render_signature([[(20, 120), (120, 60 + wobble), (220, 150), (320, 80), (450, 130)]])
        with self.db.atomic():
            sha = add_blob(self.db, self.account.files, png, "image/png")
        return f.signature(
            role, user_id=user_id, name=name, png=sha, signed_at=dt.datetime.now(f.CST)
        )

    def save(self, kind: str, data: dict[str, Any]) -> AnyRecord:
        return add_local_record(self.db, kind, seal(kind, data))

    # ---- the usual field work, with real photos and signatures

    def inspect(self, enterprise_id: str = f.ENTERPRISE, **kw: Any) -> AnyRecord:
        photo = self.photo()
        items = kw.pop("items", None) or [
            f.item("GEN-1-01", "pass"),
            f.item("GEN-1-02", "fail", note="未公示安全生产责任制", photos=[photo]),
        ]
        data = f.inspection_data(
            enterprise_id=enterprise_id, created_by=self.user_id, items=items, **kw
        )
        sigs = [self.signature("inspector", self.account.user.name, self.user_id)]
        if "refusal" not in data:
            sigs.append(self.signature("enterprise", "王五", None))
        data["signatures"] = sigs
        return self.save("inspection", data)

    def event(
        self, type_: str, hazard_id: str, enterprise_id: str = f.ENTERPRISE, **kw: Any
    ) -> AnyRecord:
        data = f.event_data(
            type_,
            hazard_id=hazard_id,
            created_by=self.user_id,
            enterprise_id=enterprise_id,
            at=kw.pop("at", dt.datetime.now(f.CST)),
            **kw,
        )
        if "photos" in data:
            data["photos"] = [self.photo()] if data["photos"] else []
        if type_ == "rectified":
            data["signatures"] = [self.signature("enterprise", "王五", self.user_id)]
        elif type_ == "rechecked":
            data["signatures"] = [self.signature("inspector", self.account.user.name, self.user_id)]
        return self.save("hazard_event", data)

    def waiting(self) -> outbox.Waiting:
        return outbox.waiting(self.db)

    def states(self) -> dict[str, str]:
        return {hid: str(s.status) for hid, s in hazard_states(self.db).items()}

    def record_ids(self, kind: str | None = None) -> set[str]:
        sql = "SELECT id FROM records" + (" WHERE kind = ?" if kind else "")
        return {r[0] for r in self.db.execute(sql, [kind] if kind else [])}


def device(root: Path, server_url: str, username: str, *, connection_close: bool = False) -> Device:
    account = sign_in(root, server_url, username, PASSWORD, device_name=f"test {username}")
    return Device(account, {"Connection": "close"} if connection_close else {})
