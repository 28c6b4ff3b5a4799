"""The server under load: 200 devices signing in and syncing at once, on loopback.

    .venv/bin/python -m bench.server_load [--devices 200] [--quick] [--runs load,kill,argon2]

The server runs as its own process (uvicorn, one worker: ``tests/server_process.py``); the
devices run in ``--workers`` (4) load-generator processes, one thread per device, all released
at once. (One process of 200-400 threads measured mostly its own GIL: its CPU, not the
server, set the pace.)
Each device is real: its own SQLite store and blob folder (``app.store``), 10 records
queued (2 inspections with the 33-item checklist and both signatures, 8 reported hazards)
with 3 photos (~250 KB, from the photo pipeline) and 4 signature PNGs. On the clock, each
device signs in (``POST /auth/login``) and runs ``SyncEngine.sync()``: which blobs are
missing, uploads, the push, then the pull of everything its inspector may see (its grid's
100 enterprises, 7 checklist templates, 201 users, the grid's records). Latency is timed
per call inside the client (``SyncClient._call``), so it includes waiting for the server's
thread pool and the load generator's own scheduling.

Runs:
1. **load**: the above, with cheap argon2 hashes (256 KiB, t=1) so login does not hide the
   sync calls; p50/p95/p99 per call type, errors (must be 0), the server's CPU and memory
   (``/proc/<pid>/stat`` and ``status``: utime+stime, VmRSS, VmHWM), this process's CPU.
2. **kill**: the same from the same bytes, and the server is SIGKILLed when 40% of the
   blob uploads are done and restarted on the same port. Devices retry (the engine's own
   back-off; sign-in retried the same way). Then the server's database is read: exactly the
   expected records (each once, one change row each), exactly the expected blobs (files
   present, sha256 of the bytes checked), nothing partial left, and every device's outbox
   empty.
3. **login at the default argon2 cost** (19 MiB, t=2: what production hashes carry):
   200 sign-ins at once, nothing else; latency, server CPU and peak memory.

Users are created before the server starts with ``sync_server.services.auth.save_user``
(through ``bench.org.prepare_server``); the hash's own parameters decide what a login
costs. The test server's environment also sets GRIDCHECK_ARGON2_MEMORY_KIB=256 and
GRIDCHECK_ARGON2_TIME_COST=1 (used only for unknown user names).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import multiprocessing
import random
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.store import outbox
from app.store.blobs import BlobFiles
from app.store.db import open_store
from app.sync.client import SyncClient, SyncError
from app.sync.engine import SyncEngine
from bench.common import Watch, header, percentile, table, verdict
from bench.org import PASSWORD, Org, build_org, inspector, prepare_server
from bench.workload import DAY, DeviceWriter, photos, signature_png
from domain.ids import new_id
from domain.reference import ChecklistTemplate, UserPublic
from sync_server.cli import DEFAULT_TEMPLATES
from tests import domain_factories as f
from tests.server_db import record_counts, server_rows
from tests.server_process import ServerProcess

RECORDS_PER_DEVICE = 10
PHOTOS_PER_DEVICE = 3
SIGNATURES_PER_DEVICE = 4

# ---------------------------------------------------------------- devices


@dataclass
class DevicePlan:
    index: int
    user: UserPublic
    root: Path
    record_ids: list[str]
    blob_hashes: list[str]


def _template() -> ChecklistTemplate:
    return ChecklistTemplate.model_validate_json(
        (DEFAULT_TEMPLATES / "GEN-SAFETY.json").read_text("utf-8")
    )


def build_device(
    root: Path,
    index: int,
    user: UserPublic,
    org: Org,
    pictures: list[Any],
    template: ChecklistTemplate,
) -> DevicePlan:
    """A device with its work queued: 2 inspections + 8 hazards, 3 photos, 4 signatures."""
    rng = random.Random(index)
    db = open_store(root / "gridcheck.db")
    device = DeviceWriter(db, BlobFiles(root / "blobs"))
    units = [e for e in org.enterprises if e.grid_id == user.grid_ids[0]]
    items = [i for s in template.sections for i in s.items]
    shots = iter(pictures)
    hazards_left = RECORDS_PER_DEVICE - 2
    for n, failed_count in enumerate((2, 1)):
        unit = units[(index * 2 + n) % len(units)]
        started = DAY + dt.timedelta(hours=n * 2, minutes=index % 50)
        finished = started + dt.timedelta(minutes=30)
        failed = dict.fromkeys(rng.sample(range(len(items)), failed_count))
        for k in failed:
            shot = next(shots)
            failed[k] = device.blob(shot.jpeg, "image/jpeg", shot.thumbnail)
        signatures = [
            f.signature(
                role,
                user_id=signer,
                name=name,
                signed_at=finished,
                png=device.blob(signature_png(rng), "image/png"),
            )
            for role, name, signer in (
                ("inspector", user.name, user.id),
                ("enterprise", unit.contact_name, None),
            )
        ]
        inspection = f.inspection_data(
            enterprise_id=unit.id,
            created_by=user.id,
            started_at=started,
            finished_at=finished,
            items=[
                f.item(item.code, "fail", note="现场发现问题", photos=[failed[k]])
                if k in failed
                else f.item(item.code)
                for k, item in enumerate(items)
            ],
            template_code=template.code,
            template_version=template.version,
            location={"lat": 30.27, "lon": 120.13, "accuracy_m": 8.0},
            summary=f"发现隐患{failed_count}处",
            signatures=signatures,
        )
        device.save("inspection", inspection)
        count = 4 if n == 0 else hazards_left - 4
        for h in range(count):
            photo = list(failed.values())[h] if h < len(failed) else None
            # otherwise as domain_factories reports one: 一楼仓库, general, 7 days to rectify
            hazard = f.event_data(
                "reported",
                hazard_id=new_id(),
                at=finished,
                enterprise_id=unit.id,
                created_by=user.id,
                title="消防通道堵塞" if photo else "安全警示标志缺失",
                responsible_name=unit.contact_name,
                responsible_phone=unit.contact_phone,
                photos=[photo] if photo else [],
                inspection_id=inspection["id"],
            )
            device.save("hazard_event", hazard)
    db.close()
    return DevicePlan(index, user, root, device.record_ids, device.blob_hashes)


@dataclass
class Prepared:
    server_dir: Path
    devices: list[DevicePlan]
    seconds: float


def prepare(root: Path, n: int, enterprises: int = 2000, grids: int = 20) -> Prepared:
    t = time.perf_counter()
    org = build_org(enterprises, grids)
    users = [inspector(i + 1, org.grids[i % grids].id) for i in range(n)]
    server_dir = root / "server"
    prepare_server(server_dir, org, users)
    pictures = photos(n * PHOTOS_PER_DEVICE)
    template = _template()
    plans = [
        build_device(
            root / "devices" / f"d{i:03d}",
            i,
            users[i],
            org,
            pictures[i * PHOTOS_PER_DEVICE : (i + 1) * PHOTOS_PER_DEVICE],
            template,
        )
        for i in range(n)
    ]
    return Prepared(server_dir, plans, time.perf_counter() - t)


def clone(prepared: Prepared, dest: Path) -> Prepared:
    shutil.copytree(prepared.server_dir, dest / "server")
    plans = []
    for p in prepared.devices:
        target = dest / "devices" / p.root.name
        shutil.copytree(p.root, target)
        plans.append(DevicePlan(p.index, p.user, target, p.record_ids, p.blob_hashes))
    return Prepared(dest / "server", plans, 0.0)


# ---------------------------------------------------------------- timing


CALLS = ("login", "missing", "put_blob", "push", "pull")


def call_name(method: str, path: str) -> str:
    if path.startswith("/auth/login"):
        return "login"
    if path.startswith("/blobs/missing"):
        return "missing"
    if path.startswith("/blobs/"):
        return "put_blob" if method == "PUT" else "get_blob"
    if path.startswith("/sync/push"):
        return "push"
    if path.startswith("/sync/pull"):
        return "pull"
    return path


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in CALLS})
    errors: list[tuple[float, str, str]] = field(default_factory=list)
    puts_done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    t0: float = 0.0
    shared_puts: Any = None  # a multiprocessing.Value the kill run watches

    def put_done(self) -> None:
        self.puts_done += 1
        if self.shared_puts is not None:
            with self.shared_puts.get_lock():
                self.shared_puts.value += 1


class TimedClient(SyncClient):
    """The real client, with each call timed by type (errors counted, not timed)."""

    tally: Tally

    def _call(self, method: str, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        name = call_name(method, path)
        start = time.perf_counter()
        try:
            response = super()._call(method, path, **kwargs)
        except SyncError as err:
            with self.tally.lock:
                self.tally.errors.append((start - self.tally.t0, name, str(err.code)))
            raise
        elapsed = time.perf_counter() - start
        with self.tally.lock:
            self.tally.latencies.setdefault(name, []).append(elapsed)
            if name == "put_blob":
                self.tally.put_done()
        return response


def timed_client(url: str, tally: Tally) -> TimedClient:
    client = TimedClient(url)
    client.tally = tally
    return client


# ---------------------------------------------------------------- one run


@dataclass
class DeviceOutcome:
    ok: bool = False
    error: str = ""
    sync_passes: int = 0
    login_tries: int = 0
    created: int = 0
    duplicate: int = 0
    left: outbox.Waiting | None = None


def run_device(
    plan: DevicePlan,
    url: str,
    tally: Tally,
    barrier: threading.Barrier,
    outcome: DeviceOutcome,
    login_only: bool,
) -> None:
    rng = random.Random(plan.index)
    client = timed_client(url, tally)
    db = None if login_only else open_store(plan.root / "gridcheck.db")
    try:
        barrier.wait()
        for attempt in range(1, 11):  # sign-in, retried as the app would after a network error
            outcome.login_tries = attempt
            try:
                client.login(plan.user.username, PASSWORD, f"bench-dev-{plan.index:03d}", "bench")
                break
            except SyncError as err:
                if err.code not in ("network", "server_error") or attempt == 10:
                    raise
                time.sleep(rng.uniform(0, min(8.0, 0.5 * 2**attempt)))
        if login_only or db is None:
            outcome.ok = True
            return
        engine = SyncEngine(
            db, BlobFiles(plan.root / "blobs"), client, f"bench-dev-{plan.index:03d}", rng=rng
        )
        passes = 0
        original = engine.run_once

        def counted():  # type: ignore[no-untyped-def]
            nonlocal passes
            passes += 1
            return original()

        engine.run_once = counted  # type: ignore[method-assign]
        report = engine.sync(max_attempts=10)
        outcome.sync_passes = passes
        outcome.created, outcome.duplicate = report.created, report.duplicate
        outcome.left = outbox.waiting(db)
        outcome.ok = report.ok and outcome.left.nothing and outcome.left.rejected == 0
        if not report.ok:
            outcome.error = f"{report.error!r}"
    except Exception as exc:  # reported, never silently lost
        outcome.error = f"{type(exc).__name__}: {exc}"
    finally:
        if db is not None:
            db.close()
        client.session.close()


@dataclass
class RunResult:
    name: str
    wall: float
    tally: Tally
    outcomes: list[DeviceOutcome]
    server_cpu: float
    server_rss_max: int
    server_hwm: int
    client_cpu: float
    killed_at: float | None = None
    down_for: float | None = None
    check: dict[str, Any] | None = None


def _worker(
    plans: list[DevicePlan],
    url: str,
    login_only: bool,
    ready: Any,
    start_at: Any,
    puts: Any,
    results: Any,
) -> None:
    """One load-generator process: a thread per device, released together."""
    tally = Tally(shared_puts=puts)
    barrier = threading.Barrier(len(plans) + 1)
    outcomes = [DeviceOutcome() for _ in plans]
    threads = [
        threading.Thread(
            target=run_device,
            args=(plan, url, tally, barrier, outcomes[i], login_only),
            daemon=True,
        )
        for i, plan in enumerate(plans)
    ]
    for t in threads:
        t.start()
    cpu0 = time.process_time()
    ready.wait()  # every process has its devices ready: go
    tally.t0 = start_at.value
    barrier.wait()
    for t in threads:
        t.join(900)
    results.put(
        {
            "latencies": tally.latencies,
            "errors": [(t - tally.t0, c, e) for t, c, e in tally.errors],
            "outcomes": outcomes,
            "cpu": time.process_time() - cpu0,
        }
    )


def run(
    name: str,
    prepared: Prepared,
    *,
    login_only: bool = False,
    kill_at_fraction: float | None = None,
    workers: int = 4,
) -> RunResult:
    """One run: the server in its process, the devices in `workers` processes of threads."""
    ctx = multiprocessing.get_context("spawn")
    proc = ServerProcess(prepared.server_dir).start()
    watch = Watch(proc).start()
    n = len(prepared.devices)
    workers = max(1, min(workers, n))
    ready = ctx.Barrier(workers + 1)
    start_at = ctx.Value("d", 0.0)
    puts = ctx.Value("i", 0)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=_worker,
            args=(
                prepared.devices[w::workers],
                proc.url,
                login_only,
                ready,
                start_at,
                puts,
                results,
            ),
            daemon=True,
        )
        for w in range(workers)
    ]
    for p in procs:
        p.start()
    killed_at = down_for = None
    start_at.value = time.perf_counter() + 0.05
    ready.wait()
    t0 = start_at.value
    if kill_at_fraction is not None:
        target = int(kill_at_fraction * n * (PHOTOS_PER_DEVICE + SIGNATURES_PER_DEVICE))
        while puts.value < target and any(p.is_alive() for p in procs):
            time.sleep(0.005)
        killed_at = time.perf_counter() - t0
        proc.kill()
        proc.start()
        down_for = time.perf_counter() - t0 - killed_at
    parts = [results.get(timeout=900) for _ in procs]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join(30)
    watch.stop()
    proc.stop()
    tally = Tally()
    outcomes: list[DeviceOutcome] = []
    for part in parts:
        for call, values in part["latencies"].items():
            tally.latencies.setdefault(call, []).extend(values)
        tally.errors.extend(part["errors"])
        outcomes.extend(part["outcomes"])
    wall = max(wall, 0.0)
    result = RunResult(
        name,
        wall,
        tally,
        outcomes,
        watch.cpu_seconds,
        watch.rss_max,
        watch.hwm,
        sum(p["cpu"] for p in parts),
        killed_at,
        down_for,
    )
    if not login_only:
        result.check = check_server(prepared)
    return result


def check_server(prepared: Prepared) -> dict[str, Any]:
    """What the server holds, read from its database and blob folder, against what was sent."""
    data = prepared.server_dir
    records = record_counts(data)  # record id → its rows in the change log
    blobs = dict(server_rows(data, "SELECT sha256, size FROM blobs"))
    expected_records = {r for p in prepared.devices for r in p.record_ids}
    expected_blobs = {h for p in prepared.devices for h in p.blob_hashes}
    bad_files = 0
    for sha in blobs:
        path = data / "blobs" / sha[:2] / sha[2:4] / sha
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            bad_files += 1
    partial = list((data / "blobs" / "partial").glob("*"))
    return {
        "records": len(records),
        "records_expected": len(expected_records),
        "records_match": set(records) == expected_records,
        "changes_once": all(v == 1 for v in records.values()),
        "blobs": len(blobs),
        "blobs_expected": len(expected_blobs),
        "blobs_match": set(blobs) == expected_blobs,
        "bad_files": bad_files,
        "partial_left": len(partial),
    }


# ---------------------------------------------------------------- report


def _ms(v: float) -> str:
    return f"{v * 1000:.0f}"


def print_run(r: RunResult) -> None:
    n = len(r.outcomes)
    calls = sum(len(v) for v in r.tally.latencies.values())
    print(
        f"\n[{r.name}] {n} devices, wall {r.wall:.1f} s, {calls} calls ({calls / r.wall:.0f}/s), "
        f"errors {len(r.tally.errors)}"
    )
    rows = []
    for name, values in r.tally.latencies.items():
        if not values:
            continue
        rows.append(
            [
                name,
                str(len(values)),
                _ms(percentile(values, 50)),
                _ms(percentile(values, 95)),
                _ms(percentile(values, 99)),
                _ms(max(values)),
            ]
        )
    table(rows, ["call", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"])
    print(
        f"  server: CPU {r.server_cpu:.1f} s ({r.server_cpu / r.wall * 100:.0f}% of one core), "
        f"peak RSS {r.server_hwm / 2**20:.0f} MiB (VmHWM; sampled RSS max {r.server_rss_max / 2**20:.0f} MiB); "
        f"load generator CPU {r.client_cpu:.1f} s"
    )
    failed = [o for o in r.outcomes if not o.ok]
    print(f"  devices finished: {n - len(failed)} of {n}")
    for o in failed[:5]:
        print(f"    failed: {o.error}")
    if r.killed_at is not None:
        errs: dict[str, int] = {}
        for _, call, code in r.tally.errors:
            errs[f"{call}:{code}"] = errs.get(f"{call}:{code}", 0) + 1
        passes = [o.sync_passes for o in r.outcomes]
        print(
            f"  SIGKILL at {r.killed_at:.1f} s, server answering again {r.down_for:.1f} s later; "
            f"failed calls during the outage: {errs or 'none'}; sync passes per device: "
            f"max {max(passes)}, devices needing more than one: {sum(p > 1 for p in passes)}; "
            f"created {sum(o.created for o in r.outcomes)} + duplicate {sum(o.duplicate for o in r.outcomes)}"
        )
    if r.check is not None:
        c = r.check
        ok = (
            c["records_match"]
            and c["changes_once"]
            and c["blobs_match"]
            and not c["bad_files"]
            and not c["partial_left"]
        )
        print(
            f"  server database: {c['records']} records (expected {c['records_expected']}, same ids: "
            f"{c['records_match']}, one change row each: {c['changes_once']}); {c['blobs']} blobs "
            f"(expected {c['blobs_expected']}, same hashes: {c['blobs_match']}, files failing their "
            f"sha256: {c['bad_files']}); partial uploads left: {c['partial_left']} -> {verdict(ok)}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="40 devices")
    parser.add_argument(
        "--runs",
        default="load,kill,argon2",
        help="which runs, comma-separated: load, kill, argon2 (default: all three)",
    )
    parser.add_argument("--workers", type=int, default=4, help="load-generator processes")
    args = parser.parse_args(argv)
    n = 40 if args.quick else args.devices
    runs = {r.strip() for r in args.runs.split(",")}

    header(f"server load: {n} devices at once on loopback (server: uvicorn, 1 process)")
    results = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="gridcheck-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if runs & {"load", "kill"}:
            proto = prepare(tmp / "proto", n)
            print(
                f"prepared {n} devices ({RECORDS_PER_DEVICE} records, {PHOTOS_PER_DEVICE} photos, "
                f"{SIGNATURES_PER_DEVICE} signatures each) and the server in {proto.seconds:.0f} s"
            )
        if "load" in runs:
            load = run("load", clone(proto, tmp / "load"), workers=args.workers)
            print_run(load)
            results.append(load)
            ok = ok and not load.tally.errors and all(o.ok for o in load.outcomes)
        if "kill" in runs:
            kill = run(
                "kill -9 mid-run",
                clone(proto, tmp / "kill"),
                kill_at_fraction=0.4,
                workers=args.workers,
            )
            print_run(kill)
            c = kill.check or {}
            ok = (
                ok
                and all(o.ok for o in kill.outcomes)
                and bool(c.get("records_match") and c.get("blobs_match") and not c.get("bad_files"))
            )
        if "argon2" in runs:
            t = time.perf_counter()
            org = build_org(2000, 20)
            users = [inspector(i + 1, org.grids[i % 20].id) for i in range(n)]
            argon_dir = tmp / "argon2" / "server"
            prepare_server(argon_dir, org, users, argon2_memory_kib=19 * 1024, argon2_time_cost=2)
            print(
                f"\n{n} users hashed at the default argon2 cost (19 MiB, t=2) in {time.perf_counter() - t:.0f} s"
            )
            plans = [DevicePlan(i, u, tmp / "argon2" / "none", [], []) for i, u in enumerate(users)]
            login = run(
                "sign-in at the default argon2 cost",
                Prepared(argon_dir, plans, 0),
                login_only=True,
                workers=args.workers,
            )
            print_run(login)
            ok = ok and not login.tally.errors
    print(f"\nno errors, every device finished, server holds exactly what was sent: {verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
