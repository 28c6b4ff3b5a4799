"""Enterprise search on the device, as you type: FTS5 trigram index vs a plain LIKE scan.

    .venv/bin/python -m bench.search [--enterprises 10000] [--quick]

A device store (``app.store``) holds 10,000 enterprises of a sub-district (``bench.org``:
names like 杭州市西湖区鑫源机械制造有限公司 or 老王面馆, valid credit codes, mobiles,
addresses, contact names), applied as a first sync applies them (``apply_reference``;
its rate is printed). Then people type, one character at a time, and every prefix is a
search (``app.store.reference.search_enterprises``, 50 results, parsed into models):

- a unit's full name, and its name without the city prefix (brand + trade: 鑫源机械…),
- its 18-character credit code, its contact's mobile number, its contact's name.

Baseline: the same question as one LIKE scan over the five columns with the same
ORDER BY name LIMIT 50 and the same parsing — what the store does below three characters,
applied to every keystroke. Latency per keystroke: median, p95 and max, by kind and by
query length; the answers of both are compared where both return fewer than 50 hits.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from app.store.db import open_store
from app.store.pulled import apply_page
from app.store.reference import like_search, search_enterprises
from bench.common import header, percentile, table, verdict
from bench.org import build_org
from domain.reference import Enterprise
from domain.wire import Change

KEYSTROKE_BUDGET = 0.050  # 50 ms: well inside the gap between two key presses


def typing(units: list[Enterprise], people: int, seed: int = 3) -> list[tuple[str, str]]:
    """(kind, query) for every keystroke of `people` searches of each kind."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    for e in rng.sample(units, people):
        short = e.name
        for prefix in ("杭州市西湖区", "杭州市", "杭州", "西湖区"):
            if short.startswith(prefix):
                short = short[len(prefix) :]
                break
        for kind, text in (
            ("full name", e.name),
            ("name w/o city", short),
            ("credit code", e.credit_code or ""),
            ("mobile", e.contact_phone),
            ("contact", e.contact_name),
        ):
            out += [(kind, text[:n]) for n in range(1, len(text) + 1)]
    return out


def timed(
    fn: Callable[[Database, str], list[Enterprise]], db: Database, q: str
) -> tuple[float, list[Enterprise]]:
    t = time.perf_counter()
    result = fn(db, q)
    return time.perf_counter() - t, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=20, help="searches of each kind")
    parser.add_argument("--quick", action="store_true", help="5 searches of each kind")
    args = parser.parse_args(argv)
    people = 5 if args.quick else args.people

    header(f"enterprise search as you type: {args.enterprises:,} enterprises on the device")
    org = build_org(args.enterprises)
    with tempfile.TemporaryDirectory(prefix="gridcheck-bench-") as tmp:
        db = open_store(Path(tmp) / "gridcheck.db")
        changes = [
            Change(kind="enterprise", id=e.id, data=e.model_dump(mode="json"))
            for e in org.enterprises
        ]
        t = time.perf_counter()
        for start in range(0, len(changes), 500):  # as pulled: pages of 500, each with its cursor
            apply_page(db, changes[start : start + 500], f"1.{start + 500}")
        applied = time.perf_counter() - t
        print(
            f"applied {len(changes):,} pulled enterprises (with the FTS5 index) in {applied:.2f} s "
            f"({len(changes) / applied:,.0f}/s)"
        )
        keystrokes = typing(org.enterprises, people)
        for q in ("杭州", "有限公司", "138"):  # warm the page cache for both
            search_enterprises(db, q)
            like_search(db, q)
        ours: dict[str, list[tuple[int, float]]] = {}
        base: dict[str, list[tuple[int, float]]] = {}
        agree = compared = 0
        slowest: list[tuple[float, str, str]] = []
        for i, (kind, q) in enumerate(keystrokes):
            pair = [(search_enterprises, ours), (like_search, base)]
            if i % 2:
                pair.reverse()
            answers = {}
            for fn, sink in pair:
                seconds, result = timed(fn, db, q)
                sink.setdefault(kind, []).append((len(q), seconds))
                answers[fn] = result
                if fn is search_enterprises:
                    slowest.append((seconds, kind, q))
            a, b = answers[search_enterprises], answers[like_search]
            if len(a) < 50 and len(b) < 50:
                compared += 1
                agree += {e.id for e in a} == {e.id for e in b}
        db.close()

    def stats(values: list[float]) -> tuple[str, str, str]:
        return (
            f"{statistics.median(values) * 1000:.2f}",
            f"{percentile(values, 95) * 1000:.2f}",
            f"{max(values) * 1000:.2f}",
        )

    rows = []
    for kind in ours:
        o = [s for _, s in ours[kind]]
        b = [s for _, s in base[kind]]
        rows.append(
            [
                kind,
                str(len(o)),
                *stats(o),
                *stats(b),
                f"{statistics.median(b) / statistics.median(o):.1f}×",
            ]
        )
    all_o = [s for v in ours.values() for _, s in v]
    all_b = [s for v in base.values() for _, s in v]
    rows.append(
        [
            "all keystrokes",
            str(len(all_o)),
            *stats(all_o),
            *stats(all_b),
            f"{statistics.median(all_b) / statistics.median(all_o):.1f}×",
        ]
    )
    print(f"\nper keystroke, ms ({people} people typing each kind, prefix by prefix)")
    table(rows, ["typing", "keys", "ours p50", "p95", "max", "LIKE p50", "p95", "max", "p50 ratio"])

    by_len: dict[str, tuple[list[float], list[float]]] = {}
    for kind in ours:
        for (n, so), (_, sb) in zip(ours[kind], base[kind], strict=True):
            bucket = (
                "1"
                if n == 1
                else "2"
                if n == 2
                else "3–5"
                if n <= 5
                else "6–11"
                if n <= 11
                else "12+"
            )
            by_len.setdefault(bucket, ([], []))[0].append(so)
            by_len[bucket][1].append(sb)
    order = ["1", "2", "3–5", "6–11", "12+"]
    rows = [
        [k, str(len(by_len[k][0])), *stats(by_len[k][0]), *stats(by_len[k][1])]
        for k in order
        if k in by_len
    ]
    print("\nby query length (characters typed)")
    table(rows, ["length", "keys", "ours p50", "p95", "max", "LIKE p50", "p95", "max"])
    slowest.sort(reverse=True)
    print(
        "\nslowest keystrokes (ours): "
        + ", ".join(f"{q!r} ({k}) {s * 1000:.1f} ms" for s, k, q in slowest[:5])
    )
    print(f"answers identical where both found < 50: {agree} of {compared}")
    p95 = percentile(all_o, 95)
    print(
        f"p95 per keystroke {p95 * 1000:.1f} ms   (budget ≤ {KEYSTROKE_BUDGET * 1000:.0f} ms: {verdict(p95 <= KEYSTROKE_BUDGET)})"
    )
    return 0 if p95 <= KEYSTROKE_BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
