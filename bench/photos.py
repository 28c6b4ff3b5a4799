"""Photo pipeline: our ``process_photo`` against ``naive_process``, side by side in one run.

    .venv/bin/python -m bench.photos [--photos 12] [--rounds 3] [--quick]

Input: 12-megapixel camera JPEGs made by ``bench.camera`` (textured workshop scenes, EXIF
orientation 6/1/3/8 as phones write it, quality 92, ~2.2 MB each). Both pipelines get the
same bytes, interleaved (ours/naive, then naive/ours on the next photo) so neither gets a
warmer cache. Reported: wall time per photo (median, min, max over photos × rounds), output
bytes, and peak memory.

Peak memory is measured in a fresh subprocess per pipeline from the resident-set high-water
mark (``VmHWM`` in ``/proc/self/status``): Pillow allocates pixel storage with C ``malloc``,
which ``tracemalloc`` does not see, so tracemalloc's figure (printed beside it) is only the
Python-heap part. The child imports, reads the photos, resets the high-water mark (writing
5 to ``/proc/self/clear_refs``; when that is refused it subtracts the mark instead), runs the
pipeline on every photo and reports how far the mark rose: what the pipeline needs on top of
an app that already holds the bytes. (Not ``ru_maxrss``: across fork+exec Linux carries the
parent's RSS into the child's ``ru_maxrss``, which hides the child's own peak.)

Budgets (DESIGN.md): at least 2.5× faster than naive, median output ≤ 350 KB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.media.photos import ProcessedPhoto, WatermarkInfo, naive_process, process_photo
from bench.camera import camera_set
from bench.common import REPO, header, kb, median, table, verdict

CST = timezone(timedelta(hours=8))
INFO = WatermarkInfo(
    taken_at=datetime(2025, 5, 6, 10, 3, tzinfo=CST),
    place="31.230416,121.473701 ±8m 东湖路118号",
    inspector="张伟",
    enterprise="上海东湖宏达机械加工有限公司",
)
PIPELINES = {"ours": process_photo, "naive": naive_process}
SPEED_BUDGET = 2.5
SIZE_BUDGET = 350_000


def _memory_child(pipeline: str, folder: Path) -> None:
    """Run in a fresh interpreter: peak RSS growth and tracemalloc peak of one pipeline."""
    import gc
    import tracemalloc

    run = PIPELINES[pipeline]
    frames = [p.read_bytes() for p in sorted(folder.glob("*.jpg"))]
    gc.collect()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # high-water mark := current RSS
    before = _vm_kib("VmRSS")
    for data in frames:
        run(data, INFO)
    after = _vm_kib("VmHWM")
    tracemalloc.start()
    traced = 0
    for data in frames[:2]:
        tracemalloc.reset_peak()
        run(data, INFO)
        traced = max(traced, tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()
    print(json.dumps({"base_kib": before, "peak_kib": after, "tracemalloc_bytes": traced}))


def _vm_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _memory(pipeline: str, folder: Path) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.photos", "--memory-child", pipeline, str(folder)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=12, help="distinct camera frames")
    parser.add_argument("--rounds", type=int, default=3, help="times each frame is processed")
    parser.add_argument("--quick", action="store_true", help="4 frames, 2 rounds")
    parser.add_argument(
        "--memory-child", nargs=2, metavar=("PIPELINE", "DIR"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.memory_child:
        _memory_child(args.memory_child[0], Path(args.memory_child[1]))
        return 0
    if args.quick:
        args.photos, args.rounds = 4, 2

    header("photo pipeline: process_photo vs naive_process (12 MP camera JPEGs)")
    t0 = time.perf_counter()
    frames = camera_set(args.photos)
    sizes = sorted(len(f) for f in frames)
    print(
        f"input: {len(frames)} frames 4000×3000, EXIF orientation 6/1/3/8, "
        f"median {sizes[len(sizes) // 2] / 1e6:.2f} MB (made in {time.perf_counter() - t0:.1f} s)"
    )

    for run in PIPELINES.values():  # warm-up: font loading, first-call costs
        run(frames[0], INFO)
    times: dict[str, list[float]] = {name: [] for name in PIPELINES}
    outputs: dict[str, list[ProcessedPhoto]] = {name: [] for name in PIPELINES}
    for r in range(args.rounds):
        for i, data in enumerate(frames):
            order = list(PIPELINES) if (i + r) % 2 == 0 else list(PIPELINES)[::-1]
            for name in order:
                start = time.perf_counter()
                result = PIPELINES[name](data, INFO)
                times[name].append(time.perf_counter() - start)
                if r == 0:
                    outputs[name].append(result)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, data in enumerate(frames):
            (folder / f"{i:03d}.jpg").write_bytes(data)
        memory = {name: _memory(name, folder) for name in PIPELINES}

    rows = []
    for name in PIPELINES:
        t = times[name]
        jpeg = [len(o.jpeg) for o in outputs[name]]
        thumbs = [len(o.thumbnail) for o in outputs[name]]
        m = memory[name]
        rows.append(
            [
                name,
                f"{median(t) * 1000:.1f}",
                f"{min(t) * 1000:.1f}–{max(t) * 1000:.1f}",
                kb(median(jpeg)),
                kb(max(jpeg)),
                kb(median(thumbs)),
                f"{(m['peak_kib'] - m['base_kib']) / 1024:.1f} MiB",
                f"{m['tracemalloc_bytes'] / 2**20:.1f} MiB",
            ]
        )
    print(
        f"\n{len(frames)} frames × {args.rounds} rounds per pipeline; output long edge "
        f"{max(outputs['ours'][0].width, outputs['ours'][0].height)} px, JPEG q80"
    )
    table(
        rows,
        [
            "pipeline",
            "median ms",
            "range ms",
            "median out",
            "max out",
            "thumb",
            "peak RSS growth",
            "tracemalloc peak",
        ],
    )
    speed = median(times["naive"]) / median(times["ours"])
    out_median = median([len(o.jpeg) for o in outputs["ours"]])
    mem_ratio = (memory["naive"]["peak_kib"] - memory["naive"]["base_kib"]) / max(
        1, memory["ours"]["peak_kib"] - memory["ours"]["base_kib"]
    )
    print(
        f"\nspeed: ours is {speed:.2f}× faster than naive   (budget ≥ {SPEED_BUDGET}×: {verdict(speed >= SPEED_BUDGET)})"
    )
    print(
        f"median output: {kb(out_median)}   (budget ≤ {kb(SIZE_BUDGET)}: {verdict(out_median <= SIZE_BUDGET)})"
    )
    print(
        f"peak memory: naive needs {mem_ratio:.1f}× what ours needs (RSS growth, fresh process each)"
    )
    print("(tracemalloc sees only the Python heap: Pillow's pixel buffers are C malloc, hence RSS)")
    return 0 if speed >= SPEED_BUDGET and out_median <= SIZE_BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
