"""What a device has to send: a day's (or a week's) work of one inspector, made for real.

Photos come out of the app's own pipeline (``process_photo``) from 12-MP camera frames
(``bench.camera``, cached in ``bench/.cache``): each frame is processed with a different
watermark (time, place), so every photo has its own bytes and a realistic size. Beyond
``REAL_PHOTOS`` distinct pipeline outputs, further photos are those bytes with a short JPEG
comment segment added (a valid JPEG, a new sha256, the same size): a week's 600 photos do
not cost 600 pipeline runs to prepare. Signatures are rendered from distinct pen strokes.

Records are built with ``tests.domain_factories``, then sealed and queued through the device
store (``add_local_record``, in ``DeviceWriter``), exactly as the app does when an inspector
submits: inspections with the full 33-item general checklist (three failed items with a photo
each), both signatures, and one reported hazard per failed item (the five must-haves, the
item's photo, the inspection it came from).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from app.media.photos import WatermarkInfo, process_photo
from app.media.signature import render_signature
from app.store.blobs import BlobFiles, add_blob
from app.store.records import add_local_record
from app.store.reference import template as stored_template
from bench.camera import ORIENTATIONS, camera_jpeg
from bench.common import REPO
from domain.canonical import canonical_json
from domain.ids import new_id
from domain.records import seal
from domain.reference import Enterprise, UserPublic
from tests import domain_factories as f

CACHE = REPO / "bench" / ".cache"
CAMERA_FRAMES = 6
REAL_PHOTOS = 60
DAY = dt.datetime(2025, 5, 6, 8, 30, tzinfo=f.CST)
FAILED_PER_INSPECTION = 3
NOTES = (
    "消防通道堆放杂物，堵塞疏散通道",
    "配电箱未上锁，箱内线路私拉乱接",
    "灭火器压力不足，超过检验有效期",
    "安全出口指示灯损坏不亮",
    "员工未按规定佩戴劳动防护用品",
    "危化品未分类存放，无安全技术说明书",
)


def camera_frames(count: int = CAMERA_FRAMES) -> list[bytes]:
    """12-MP camera frames, generated once and kept in bench/.cache."""
    folder = CACHE / "frames-v1"
    folder.mkdir(parents=True, exist_ok=True)
    frames = []
    for i in range(count):
        orientation = ORIENTATIONS[i % len(ORIENTATIONS)]
        path = folder / f"{i + 1:03d}-o{orientation}.jpg"
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(camera_jpeg(i + 1, orientation))
            tmp.replace(path)
        frames.append(path.read_bytes())
    return frames


def _with_comment(jpeg: bytes, tag: str) -> bytes:
    """The same JPEG with a COM segment after SOI: a valid file with another sha256."""
    text = tag.encode("ascii")
    return jpeg[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + jpeg[2:]


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    thumbnail: bytes


def photos(count: int, inspector: str = "网格员001") -> list[Photo]:
    """`count` distinct photos as the app stores them."""
    frames = camera_frames()
    made: list[Photo] = []
    for i in range(min(count, REAL_PHOTOS)):
        info = WatermarkInfo(
            taken_at=DAY + dt.timedelta(minutes=7 * i),
            place=f"30.{2735 + i * 17:06d},120.{1310 + i * 23:06d} ±{5 + i % 9}m",
            inspector=inspector,
            enterprise=f"第{i // FAILED_PER_INSPECTION + 1}家检查单位",
        )
        p = process_photo(frames[i % len(frames)], info)
        made.append(Photo(p.jpeg, p.thumbnail))
    for i in range(len(made), count):
        base = made[i % len(made)]
        made.append(Photo(_with_comment(base.jpeg, f"gridcheck-bench-{i:06d}"), base.thumbnail))
    return made


def signature_png(rng: random.Random) -> bytes:
    """A handwritten-looking name: three to five strokes of jittered points."""
    strokes = []
    x = 40.0
    for _ in range(rng.randint(3, 5)):
        points = []
        for _ in range(rng.randint(8, 20)):
            x += rng.uniform(2, 12)
            points.append((min(x, 580.0), rng.uniform(50, 200)))
        strokes.append(points)
        x += rng.uniform(10, 30)
    return render_signature(strokes)


@dataclass
class DeviceWriter:
    """Stores blobs and seals and queues records on a device, as the app does on submit,
    keeping what it wrote."""

    db: Database
    files: BlobFiles
    record_ids: list[str] = field(default_factory=list)
    blob_hashes: list[str] = field(default_factory=list)
    record_bytes: int = 0  # canonical JSON of the sealed records

    def blob(self, data: bytes, media_type: str, thumbnail: bytes | None = None) -> str:
        with self.db.atomic():
            sha = add_blob(self.db, self.files, data, media_type, thumbnail)
        self.blob_hashes.append(sha)
        return sha

    def save(self, kind: str, data: dict[str, Any]) -> None:
        sealed = seal(kind, data)
        add_local_record(self.db, kind, sealed)
        self.record_bytes += len(canonical_json(sealed))
        self.record_ids.append(sealed["id"])


@dataclass
class Work:
    inspections: int = 0
    hazards: int = 0
    photos: int = 0
    signatures: int = 0
    photo_bytes: int = 0
    signature_bytes: int = 0
    record_bytes: int = 0  # canonical JSON of the sealed records
    record_ids: list[str] = field(default_factory=list, repr=False)
    blob_hashes: list[str] = field(default_factory=list, repr=False)

    @property
    def records(self) -> int:
        return self.inspections + self.hazards

    @property
    def blobs(self) -> int:
        return self.photos + self.signatures

    @property
    def payload_bytes(self) -> int:
        return self.photo_bytes + self.signature_bytes + self.record_bytes


def do_work(
    db: Database,
    files: BlobFiles,
    user: UserPublic,
    enterprises: list[Enterprise],
    inspections: int,
    pictures: list[Photo],
    *,
    seed: int = 1,
    template_id: str = "GEN-SAFETY@1",
) -> Work:
    """Record `inspections` visits on the device, with photos, signatures and hazards."""
    rng = random.Random(seed)
    template = stored_template(db, template_id)
    if template is None:
        raise RuntimeError(f"{template_id} not on the device: sync reference data first")
    items = [i for s in template.sections for i in s.items]
    device = DeviceWriter(db, files)
    work = Work(record_ids=device.record_ids, blob_hashes=device.blob_hashes)
    photo_iter = iter(pictures)

    for n in range(inspections):
        unit = enterprises[n % len(enterprises)]
        started = DAY + dt.timedelta(days=n // 20, minutes=25 * (n % 20))
        finished = started + dt.timedelta(minutes=rng.randint(20, 45))
        failed = set(rng.sample(range(len(items)), FAILED_PER_INSPECTION))
        results = []
        found = []
        for k, item in enumerate(items):
            if k in failed:
                picture = next(photo_iter)
                sha = device.blob(picture.jpeg, "image/jpeg", picture.thumbnail)
                work.photos += 1
                work.photo_bytes += len(picture.jpeg)
                note = rng.choice(NOTES)
                results.append(f.item(item.code, "fail", note=note, photos=[sha]))
                found.append((item, note, sha))
            else:
                results.append(f.item(item.code, "na" if rng.random() < 0.15 else "pass"))
        signatures = []
        for role, name, signer in (
            ("inspector", user.name, user.id),
            ("enterprise", unit.contact_name, None),
        ):
            png = signature_png(rng)
            work.signatures += 1
            work.signature_bytes += len(png)
            sha = device.blob(png, "image/png")
            signatures.append(
                f.signature(role, user_id=signer, name=name, signed_at=finished, png=sha)
            )
        inspection = f.inspection_data(
            enterprise_id=unit.id,
            created_by=user.id,
            started_at=started,
            finished_at=finished,
            items=results,
            template_code=template.code,
            template_version=template.version,
            location={
                "lat": 30.2735 + rng.random() / 100,
                "lon": 120.131 + rng.random() / 100,
                "accuracy_m": 8.0,
            },
            summary=f"共检查{len(items)}项，发现隐患{len(found)}处，已当场告知企业并下达限期整改通知。",
            signatures=signatures,
        )
        device.save("inspection", inspection)
        work.inspections += 1
        for item, note, sha in found:
            hazard = f.event_data(
                "reported",
                hazard_id=new_id(),
                at=finished,
                enterprise_id=unit.id,
                created_by=user.id,
                title=item.text[:60],
                description=note,
                place=rng.choice(("一楼仓库", "生产车间", "配电房", "后厨", "楼梯间")),
                category=item.category or "A99",
                basis=item.basis,
                measures="立即清理整改，落实专人负责，整改完成后报网格员复查",
                responsible_name=unit.contact_name,
                responsible_phone=unit.contact_phone,
                deadline=finished.date() + dt.timedelta(days=rng.choice((3, 7, 15, 30))),
                funds_yuan=str(rng.choice((0, 200, 500, 1500))),
                photos=[sha],
                inspection_id=inspection["id"],
                item_code=item.code,
            )
            device.save("hazard_event", hazard)
            work.hazards += 1
    work.record_bytes = device.record_bytes
    return work


__all__ = [
    "DeviceWriter",
    "Photo",
    "Work",
    "camera_frames",
    "do_work",
    "photos",
    "signature_png",
]
