"""Shared bits of the benchmarks: the machine they ran on, statistics, table printing."""

from __future__ import annotations

import math
import os
import platform
import sqlite3
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def machine() -> str:
    """One line: CPU model and count, memory, OS, Python, Pillow/libjpeg, SQLite."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 1024**2:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    from PIL import __version__ as pil_version
    from PIL import features

    jpeg = features.version("jpg") or "?"
    turbo = " (libjpeg-turbo)" if features.check_feature("libjpeg_turbo") else ""
    return (
        f"{cpu} × {os.cpu_count()}{mem}; {platform.system()} {platform.release()}; "
        f"Python {sys.version.split()[0]}; Pillow {pil_version}, libjpeg {jpeg}{turbo}; "
        f"SQLite {sqlite3.sqlite_version}"
    )


def header(title: str) -> None:
    print(f"\n=== {title}")
    print(f"machine: {machine()}")


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of `values`."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def table(rows: Sequence[Sequence[object]], head: Sequence[str]) -> None:
    cells = [[str(c) for c in head], *([str(c) for c in r] for r in rows)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    for n, r in enumerate(cells):
        print(
            "  "
            + "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def kb(n: float) -> str:
    return f"{n / 1000:.0f} KB"


def mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"
