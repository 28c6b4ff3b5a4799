"""Writing the generated demo sub-district into a server's store."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from domain.canonical import sha256_hex
from domain.media import sniff_media_type
from sync_server.blobstore import BlobStore
from sync_server.config import ServerSettings
from sync_server.seed.demo_data import build_demo
from sync_server.seed.templates import load_template_files
from sync_server.services import reference as ref_service
from sync_server.store import reference as ref_store


def seed(db: Database, blobs: BlobStore, settings: ServerSettings, templates_dir: Path) -> dict:
    demo = build_demo()
    ref_service.load_templates(db, load_template_files(templates_dir))
    ref_service.import_org(db, demo.communities, demo.grids, demo.enterprises)
    for user in demo.users:
        ref_service.save_user(db, settings, user.public, user.password)
    for sha, data in demo.blobs.items():
        media_type = sniff_media_type(data[:8])
        if media_type is None or sha256_hex(data) != sha:
            raise ValueError(f"demo blob {sha} is not a JPEG/PNG with that hash")
        ref_service.store_blob_bytes(db, blobs, sha, data, media_type)
    tally = ref_service.store_records_as(db, settings, demo.records, device_id="seed-demo")
    return {**ref_store.counts(db), "records_stored": tally}
