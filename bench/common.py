"""Shared bits of the benchmarks: the machine they ran on, statistics, table printing."""

from __future__ import annotations

import math
import os
import platform
import sqlite3
import statistics
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CLK = os.sysconf("SC_CLK_TCK")


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


class Watch:
    """Samples the server process's CPU time and memory from /proc, following restarts."""

    def __init__(self, proc: Any, every: float = 0.2) -> None:
        self.proc, self.every = proc, every
        self.cpu_before: dict[int, float] = {}
        self.cpu_last: dict[int, float] = {}
        self.rss_max = 0
        self.hwm = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> Watch:
        self._sample()
        self._thread.start()
        return self

    def _sample(self) -> None:
        p = self.proc.proc
        if p is None or p.poll() is not None:
            return
        try:
            stat = Path(f"/proc/{p.pid}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{p.pid}/status").read_text()
        except OSError:
            return
        cpu = (int(stat[11]) + int(stat[12])) / CLK
        self.cpu_before.setdefault(p.pid, cpu)
        self.cpu_last[p.pid] = cpu
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                self.rss_max = max(self.rss_max, int(line.split()[1]) * 1024)
            elif line.startswith("VmHWM:"):
                self.hwm = max(self.hwm, int(line.split()[1]) * 1024)

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def stop(self) -> None:
        self._sample()
        self._stop.set()
        self._thread.join(5)

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu_last[pid] - self.cpu_before[pid] for pid in self.cpu_last)
