"""A visit whose hazard carries photos and a location, for the photo and timeline tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.services.visit import VisitService
from tests import domain_factories as f
from tests.devices import camera_jpeg
from tests.role_devices import STROKES, answer_all, device_ui, sync
from tests.ui_double import RecordingUi

WHERE = {"lat": 31.23, "lon": 121.47, "accuracy_m": 9.0}


@dataclass(frozen=True)
class Reported:
    inspection_id: str
    hazard_id: str
    hazard_photo: str  # sha256 of the hazard's photo
    item_photo: str  # sha256 of a checklist item's photo
    inspector_signature: str  # sha256 of the inspector's signature PNG


def report_with_photos(ui: RecordingUi, seed: int = 11, title: str = "配电箱门缺失") -> Reported:
    """The inspector visits ent-1 at a known place: an item photo, one hazard with a photo."""
    service = VisitService(ui.account)
    draft_id = service.start(f.ENTERPRISE)
    service.set_location(draft_id, WHERE, "ok")
    first = answer_all(service, draft_id)[0]
    item_photo = service.add_item_photo(draft_id, first, camera_jpeg(seed))
    key = service.add_hazard(draft_id)
    service.update_hazard(
        draft_id,
        key,
        title=title,
        place="配电室",
        measures="加装配电箱门并上锁",
        handling="deadline",
        level="general",
        interim_measures="设置警示，专人看护",
        deadline_days=7,
    )
    hazard_photo = service.add_hazard_photo(draft_id, key, camera_jpeg(seed + 1))
    service.sign_inspector(draft_id, STROKES)
    service.sign_enterprise(draft_id, "王五", "厂长", STROKES)
    records = service.submit(draft_id)
    inspection, hazard = records[0], records[1]
    sig = next(s for s in inspection.signatures if s.role == "inspector")
    return Reported(
        inspection_id=inspection.id,
        hazard_id=hazard.hazard_id,  # type: ignore[union-attr]
        hazard_photo=hazard_photo,
        item_photo=item_photo,
        inspector_signature=sig.png_sha256,
    )


def inspector_reported(root: Path, server_url: str) -> tuple[RecordingUi, Reported]:
    """The inspector's device reports a visit with photos (``report_with_photos``) and syncs."""
    inspector = device_ui(root, server_url, f.INSPECTOR, seed=1)
    visit = report_with_photos(inspector)
    sync(inspector)
    return inspector, visit
