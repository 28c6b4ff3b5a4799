"""A server and one signed-in device with work waiting, prepared once and cloned per run.

``prepare`` seeds a server folder, starts the server, signs an inspector in on a fresh
device, runs the first sync (reference data), records the work on the device and stops
the server. ``clone`` copies both folders, so each measured run (direct, through a link,
with cuts) starts from the same bytes.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from app.account import Account, known_accounts, open_account, sign_in
from app.store import outbox
from app.sync.client import SyncClient
from app.sync.engine import SyncEngine, SyncReport
from bench.org import PASSWORD, build_org, inspector, prepare_server
from bench.workload import Work, do_work, photos
from tests.server_process import ServerProcess

# The plain-upload baseline sends everything as one body: let the bench server take it.
BIG_BODY_ENV = {
    "GRIDCHECK_MAX_BLOB_BYTES": str(1 << 30),
    "GRIDCHECK_MAX_CHUNK_BYTES": str(1 << 30),
}


@dataclass
class Prepared:
    server_dir: Path
    device_root: Path
    work: Work
    first_pull_seconds: float
    first_pull_changes: int
    prepare_seconds: float


def server(data_dir: Path) -> ServerProcess:
    return ServerProcess(data_dir, **BIG_BODY_ENV)


def prepare(root: Path, inspections: int, *, enterprises: int = 2000, grids: int = 20) -> Prepared:
    t0 = time.perf_counter()
    org = build_org(enterprises, grids)
    user = inspector(1, org.grids[0].id)
    server_dir = root / "server"
    prepare_server(server_dir, org, [user])
    proc = server(server_dir).start()
    try:
        device_root = root / "device"
        account = sign_in(device_root, proc.url, user.username, PASSWORD, "bench phone")
        engine = SyncEngine(account.db, account.files, account.client(), account.device_id)
        t = time.perf_counter()
        first = engine.sync()
        first_seconds = time.perf_counter() - t
        if not first.ok:
            raise RuntimeError(f"first sync failed: {first.error}")
        mine = [e for e in org.enterprises if e.grid_id == user.grid_ids[0]]
        pictures = photos(inspections * 3, inspector=user.name)
        work = do_work(account.db, account.files, user, mine, inspections, pictures)
        account.close()
    finally:
        proc.stop()
    return Prepared(
        server_dir, device_root, work, first_seconds, first.pulled, time.perf_counter() - t0
    )


def clone(prepared: Prepared, dest: Path) -> Prepared:
    dest.mkdir(parents=True, exist_ok=True)
    server_dir = dest / "server"
    device_root = dest / "device"
    shutil.copytree(prepared.server_dir, server_dir)
    shutil.copytree(prepared.device_root, device_root)
    (server_dir / "server.log").unlink(missing_ok=True)
    return Prepared(
        server_dir,
        device_root,
        prepared.work,
        prepared.first_pull_seconds,
        prepared.first_pull_changes,
        0.0,
    )


def open_device(prepared: Prepared) -> Account:
    (key,) = known_accounts(prepared.device_root)
    return open_account(prepared.device_root, key)


@dataclass
class SyncRun:
    seconds: float
    report: SyncReport
    requests: int
    body_bytes: int
    sleeps: list[float]
    attempts: int


def run_engine(
    account: Account, url: str, *, max_attempts: int = 5, seed: int = 7, **engine_kwargs: object
) -> SyncRun:
    """One ``engine.sync()`` of everything waiting, against `url`, timed."""
    import random

    client = SyncClient(url, account.token)
    engine = SyncEngine(
        account.db,
        account.files,
        client,
        account.device_id,
        rng=random.Random(seed),
        **engine_kwargs,  # type: ignore[arg-type]
    )
    sleeps: list[float] = []
    runs = 0
    original = engine.run_once

    def counted() -> SyncReport:
        nonlocal runs
        runs += 1
        return original()

    engine.run_once = counted  # type: ignore[method-assign]

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        time.sleep(seconds)

    t = time.perf_counter()
    report = engine.sync(max_attempts=max_attempts, sleep=sleep)
    seconds = time.perf_counter() - t
    if not report.ok:
        raise RuntimeError(f"sync failed: {report.error!r} {report.error and report.error.details}")
    left = outbox.waiting(account.db)
    if left.records or left.blobs:
        raise RuntimeError(f"sync left work behind: {left}")
    return SyncRun(seconds, report, client.requests_made, client.bytes_sent, sleeps, runs)
