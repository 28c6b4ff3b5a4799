"""Sync on loopback: the real engine against the real server process, and a plain upload.

    .venv/bin/python -m bench.sync_loopback [--quick] [--repeats 3]

Scenarios: a day's work of one inspector (20 inspections, 60 photos, 40 signatures, 60
hazards) and a heavy week (200 inspections, 600 photos). Each is prepared once (server
seeded, device signed in and synced, work recorded on the device; ``bench.scenario``) and
cloned for every measured run, so all runs start from the same bytes.

- **engine**: ``SyncEngine.sync()`` of everything waiting: which blobs are missing, blob
  uploads (resumable chunks), record pushes, then the pull that follows.
- **plain upload** (the baseline): the same payload — every photo, signature and record's
  JSON, concatenated — sent as ONE ``PUT /blobs/{sha256}`` to the same server, which writes
  it to disk, fsyncs and checks its hash as it does any blob. That is what the bytes cost
  with no protocol around them.

Timed runs go straight to the server. A second pass through a counting relay
(``bench.link.Link`` with no limits) gives the bytes on the wire both ways (HTTP headers
and all) and the connections. Overhead ratio = engine time / plain upload time.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

import requests

from app.account import Account
from bench.common import Watch, header, median, table
from bench.link import Link
from bench.scenario import Prepared, SyncRun, clone, open_device, prepare, run_engine, server
from tests.server_process import ServerProcess


def payload(prepared: Prepared) -> bytes:
    """Every blob, then every record's JSON, as the device holds them (a photo first, so the
    server's content check sees a JPEG)."""
    account = open_device(prepared)
    try:
        work = prepared.work
        photos = [account.files.read(h) for h in work.blob_hashes]
        photos.sort(key=lambda b: not b.startswith(b"\xff\xd8\xff"))
        records = [
            r[0]
            for r in account.db.execute(
                "SELECT data FROM records WHERE origin = 'device' ORDER BY created_at"
            )
        ]
        return b"".join(photos) + "".join(records).encode("utf-8")
    finally:
        account.close()


def plain_upload(url: str, token: str, body: bytes) -> float:
    sha = hashlib.sha256(body).hexdigest()
    with requests.Session() as session:
        t = time.perf_counter()
        r = session.put(
            f"{url}/api/v1/blobs/{sha}",
            data=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/octet-stream",
            },
            timeout=120,
        )
        seconds = time.perf_counter() - t
    if r.status_code != 201:
        raise RuntimeError(f"plain upload answered {r.status_code}: {r.text[:300]}")
    return seconds


def measure(name: str, base: Prepared, tmp: Path, repeats: int) -> dict[str, object]:
    body = payload(base)
    engine_s, plain_s = [], []
    cpu: dict[str, list[float]] = {"engine server": [], "engine device": [], "plain server": []}
    run = None
    for i in range(repeats):
        c = clone(base, tmp / f"{name}-{i}")
        proc = server(c.server_dir).start()
        account = open_device(c)

        def engine(proc: ServerProcess = proc, account: Account = account) -> SyncRun:
            watch, device_cpu = Watch(proc).start(), time.process_time()
            result = run_engine(account, proc.url)
            watch.stop()
            cpu["engine server"].append(watch.cpu_seconds)
            cpu["engine device"].append(time.process_time() - device_cpu)
            return result

        def plain(proc: ServerProcess = proc, account: Account = account) -> float:
            watch = Watch(proc).start()
            seconds = plain_upload(proc.url, account.token or "", body)
            watch.stop()
            cpu["plain server"].append(watch.cpu_seconds)
            return seconds

        try:
            if i % 2:  # alternate which goes first
                plain_s.append(plain())
                run = engine()
            else:
                run = engine()
                plain_s.append(plain())
            engine_s.append(run.seconds)
        finally:
            account.close()
            proc.stop()

    # bytes on the wire: the same run once more, through a counting relay
    c = clone(base, tmp / f"{name}-wire")
    proc = server(c.server_dir).start()
    account = open_device(c)
    link = Link(proc.port)
    try:
        wire_run = run_engine(account, link.url)
        wire = link.reset_counts()
        plain_upload(link.url, account.token or "", body)
        time.sleep(0.2)
        plain_wire = link.reset_counts()
    finally:
        link.close()
        account.close()
        proc.stop()
    assert run is not None
    return {
        "work": base.work,
        "payload": len(body),
        "engine_s": engine_s,
        "plain_s": plain_s,
        "run": run,
        "wire_run": wire_run,
        "wire": wire,
        "plain_wire": plain_wire,
        "cpu": cpu,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the day only, one repeat")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per scenario")
    args = parser.parse_args(argv)
    scenarios = [("day", 20)] if args.quick else [("day", 20), ("week", 200)]
    repeats = 1 if args.quick else args.repeats

    header("sync on loopback: SyncEngine vs one plain upload of the same bytes")
    results = {}
    with tempfile.TemporaryDirectory(prefix="gridcheck-bench-") as tmp_name:
        tmp = Path(tmp_name)
        for name, inspections in scenarios:
            t = time.perf_counter()
            base = prepare(tmp / f"{name}-base", inspections)
            w = base.work
            print(
                f"\n[{name}] {w.inspections} inspections, {w.hazards} hazards, {w.photos} photos, "
                f"{w.signatures} signatures: {w.payload_bytes / 1e6:.2f} MB "
                f"(photos {w.photo_bytes / 1e6:.2f} MB, signatures {w.signature_bytes / 1e3:.0f} KB, "
                f"records {w.record_bytes / 1e3:.0f} KB); prepared in {time.perf_counter() - t:.0f} s; "
                f"first sign-in pull: {base.first_pull_changes} changes in {base.first_pull_seconds * 1000:.0f} ms"
            )
            results[name] = measure(
                name, base, tmp, repeats if name == "day" else max(1, repeats - 1)
            )

    rows = []
    for name, r in results.items():
        w = r["work"]
        run, wire, plain_wire = r["run"], r["wire"], r["plain_wire"]
        e, p = median(r["engine_s"]), median(r["plain_s"])
        rows.append(
            [
                name,
                f"{e:.2f} s",
                f"{p:.2f} s",
                f"{e / p:.2f}×",
                f"{w.records / e:.0f}",
                f"{r['payload'] / e / 1e6:.1f}",
                f"{r['payload'] / p / 1e6:.1f}",
                str(run.requests),
                f"{wire.up / 1e6:.2f} / {wire.down / 1e6:.2f}",
                f"{wire.up / plain_wire.up:.3f}×",
                str(wire.connections),
            ]
        )
    print(
        f"\ntimed runs: median of {repeats} (day), {max(1, repeats - 1)} (week), engine and plain upload alternating"
    )
    table(
        rows,
        [
            "scenario",
            "engine",
            "plain",
            "overhead",
            "records/s",
            "engine MB/s",
            "plain MB/s",
            "requests",
            "wire MB up/down",
            "wire up vs plain",
            "conns",
        ],
    )
    for name, r in results.items():
        run, cpu = r["run"], r["cpu"]
        print(
            f"  {name}: engine runs {', '.join(f'{s:.2f}' for s in r['engine_s'])} s; plain "
            f"{', '.join(f'{s:.2f}' for s in r['plain_s'])} s; created {run.report.created}, "
            f"blobs {run.report.blobs_uploaded}, pulled back {run.report.pulled} changes"
        )
        print(
            f"    CPU (median): engine {median(cpu['engine server']):.2f} s in the server + "
            f"{median(cpu['engine device']):.2f} s on the device = "
            f"{(median(cpu['engine server']) + median(cpu['engine device'])) / run.requests * 1000:.1f} ms "
            f"per request; plain upload {median(cpu['plain server']):.2f} s in the server"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
