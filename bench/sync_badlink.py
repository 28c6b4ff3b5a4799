"""Sync over a bad link: 1 Mbit/s each way, 300 ms round trip, and the same with cuts.

    .venv/bin/python -m bench.sync_badlink [--quick] [--rate-mbit 1] [--rtt-ms 300]

The day's work of one inspector (``bench.scenario``: 20 inspections, 60 photos, 40
signatures, 60 hazards; ``--quick``: 5 inspections, 15 photos) goes through
``bench.link.Link``, a TCP proxy on loopback with a token bucket per direction, added
latency, a 32 KB modem queue and the TCP handshake's round trip, to the real server.

- **clean**: one ``engine.sync()``.
- **cut twice**: the same, from the same starting bytes, with the link cut at one third and
  at two thirds of the clean run's time (every open connection reset, new connections
  refused for ``--outage`` seconds); ``engine.sync()`` retries with its own back-off.

The physical bound is the payload (every photo, signature and record's JSON) at the link's
rate plus a handful (4) of round trips; the budget is 1.25× that bound for the clean run.
Also shown: the bound for the bytes that actually crossed (HTTP included), and for the cut
run the bytes sent twice (device → link bytes beyond the clean run's).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import header, table, verdict
from bench.link import Counts, Link
from bench.scenario import Prepared, SyncRun, clone, open_device, prepare, run_engine, server

BUDGET = 1.25
HANDFUL = 4  # round trips the bound allows: connect, missing, push, pull


def one_run(
    base: Prepared,
    dest: Path,
    rate_bits: float,
    rtt: float,
    cuts: list[float],
    outage: float,
) -> tuple[SyncRun, Counts, list[tuple[float, int]]]:
    c = clone(base, dest)
    proc = server(c.server_dir).start()
    account = open_device(c)
    link = Link(proc.port, rate_bits=rate_bits, rtt=rtt)
    fired: list[tuple[float, int]] = []
    timers = []
    t0 = time.perf_counter()

    def cut() -> None:
        fired.append((time.perf_counter() - t0, link.cut(outage)))

    for at in cuts:
        timer = threading.Timer(at, cut)
        timer.daemon = True
        timer.start()
        timers.append(timer)
    try:
        run = run_engine(account, link.url, max_attempts=8)
    finally:
        for timer in timers:
            timer.cancel()
        counts = link.reset_counts()
        link.close()
        account.close()
        proc.stop()
    return run, counts, fired


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 inspections, 15 photos")
    parser.add_argument("--rate-mbit", type=float, default=1.0)
    parser.add_argument("--rtt-ms", type=float, default=300.0)
    parser.add_argument("--outage", type=float, default=3.0, help="seconds the link stays down")
    parser.add_argument("--no-cuts", action="store_true")
    args = parser.parse_args(argv)
    inspections = 5 if args.quick else 20
    rate = args.rate_mbit * 1e6
    rtt = args.rtt_ms / 1000

    header(
        f"sync over a bad link: {args.rate_mbit:g} Mbit/s each way, {args.rtt_ms:.0f} ms round trip"
    )
    with tempfile.TemporaryDirectory(prefix="gridcheck-bench-") as tmp_name:
        tmp = Path(tmp_name)
        base = prepare(tmp / "base", inspections)
        w = base.work
        bound = w.payload_bytes * 8 / rate + HANDFUL * rtt
        print(
            f"work: {w.inspections} inspections, {w.hazards} hazards, {w.photos} photos, "
            f"{w.signatures} signatures = {w.payload_bytes / 1e6:.2f} MB payload; "
            f"bound = {w.payload_bytes * 8 / rate:.1f} s at the link's rate + {HANDFUL} × RTT "
            f"= {bound:.1f} s"
        )
        clean, clean_counts, _ = one_run(base, tmp / "clean", rate, rtt, [], args.outage)
        rows = [_row("clean", clean, clean_counts, bound, rate, rtt)]
        cut_run = None
        if not args.no_cuts:
            cuts = [clean.seconds / 3, 2 * clean.seconds / 3]
            cut_run, cut_counts, fired = one_run(base, tmp / "cut", rate, rtt, cuts, args.outage)
            rows.append(_row("cut twice", cut_run, cut_counts, bound, rate, rtt))

    print()
    table(
        rows,
        [
            "run",
            "time",
            "× bound",
            "× wire bound",
            "requests",
            "conns",
            "up MB",
            "down MB",
            "attempts",
            "back-off",
        ],
    )
    ratio = clean.seconds / bound
    print(f"\nclean run: {ratio:.2f}× the bound   (budget ≤ {BUDGET}×: {verdict(ratio <= BUDGET)})")
    if cut_run is not None:
        extra_up = cut_counts.up - clean_counts.up
        extra_body = cut_run.body_bytes - clean.body_bytes
        backoff = sum(cut_run.sleeps)
        print(
            f"cut twice: cuts at {', '.join(f'{t:.1f} s ({n} connections)' for t, n in fired)}, "
            f"{args.outage:g} s outage each; {cut_run.attempts} sync passes, back-off {backoff:.1f} s"
        )
        print(
            f"  bytes sent twice: {extra_up / 1e3:.0f} KB on the wire ({extra_body / 1e3:.0f} KB of "
            f"request bodies) = {extra_up / max(1, clean_counts.up) * 100:.1f}% of the clean run's upload"
        )
        lost = cut_run.seconds - clean.seconds
        print(
            f"  time lost to the cuts: {lost:.1f} s: the engine backed off {backoff:.1f} s in all "
            f"(the link was down {len(fired) * args.outage:g} s of it: jittered exponential "
            f"back-off waits past a short outage), resent bytes {extra_up * 8 / rate:.1f} s at "
            f"the link's rate"
        )
    return 0 if ratio <= BUDGET else 1


def _row(
    name: str, run: SyncRun, counts: Counts, bound: float, rate: float, rtt: float
) -> list[str]:
    up, down = counts.up, counts.down
    wire_bound = max(up, down) * 8 / rate + HANDFUL * rtt
    return [
        name,
        f"{run.seconds:.1f} s",
        f"{run.seconds / bound:.2f}×",
        f"{run.seconds / wire_bound:.2f}×",
        str(run.requests),
        str(counts.connections),
        f"{up / 1e6:.2f}",
        f"{down / 1e6:.2f}",
        str(run.attempts),
        f"{sum(run.sleeps):.1f} s",
    ]


if __name__ == "__main__":
    sys.exit(main())
