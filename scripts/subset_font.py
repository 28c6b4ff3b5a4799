"""Regenerate assets/fonts/NotoSansSC-Regular-subset.otf from Debian's Noto Sans CJK collection.

Needs fonttools (a build-time tool, not a runtime dependency of the app)::

    apt-get update && apt-get download fonts-noto-cjk
    dpkg-deb -x fonts-noto-cjk_*_all.deb /tmp/noto-cjk
    .venv/bin/pip install fonttools
    .venv/bin/python scripts/subset_font.py \
        /tmp/noto-cjk/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

The output is reproducible: same source file, same fonttools version, same bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

FAMILY = "Noto Sans CJK SC"
OUTPUT = Path(__file__).resolve().parents[1] / "assets" / "fonts" / "NotoSansSC-Regular-subset.otf"

# Blocks kept whole (only the code points the font actually has are kept).
RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement: punctuation, ° ± × ÷ · and accented letters
    (0x2000, 0x206F),  # general punctuation: — … ‘ ’ “ ” ‰ ※
    (0x2100, 0x214F),  # letterlike symbols: ℃ № ™
    (0x2150, 0x218F),  # number forms: Ⅰ–Ⅻ
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators: ≤ ≥ ≠ ≈ √ ∞
    (0x2460, 0x24FF),  # enclosed alphanumerics: ①–⑳ ⑴ ⒈
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes: ■ □ ● ○ △ ◎
    (0x2600, 0x26FF),  # miscellaneous symbols: ★ ☆
    (0x2700, 0x27BF),  # dingbats: ✓
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0xFFFD, 0xFFFD),  # replacement character
)


def gb2312_chars() -> Iterator[int]:
    """Every character of GB2312: all hanzi (levels 1 and 2) plus its symbol rows."""
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                text = bytes((high, low)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            yield ord(text)


def wanted_code_points() -> set[int]:
    points = {cp for start, end in RANGES for cp in range(start, end + 1)}
    points.update(gb2312_chars())
    return points


def open_sc_face(source: Path) -> TTFont:
    """The Simplified Chinese face, from a .ttc collection or a single .otf file."""
    if source.suffix.lower() not in {".ttc", ".otc"}:
        return TTFont(source, recalcTimestamp=False)
    collection = TTCollection(source, lazy=False)
    for index, face in enumerate(collection.fonts):
        if face["name"].getDebugName(1) == FAMILY:
            return TTFont(source, fontNumber=index, recalcTimestamp=False)
    raise SystemExit(f"{source}: no face named {FAMILY!r}")


def subset_font(source: Path, output: Path, code_points: Iterable[int]) -> None:
    font = open_sc_face(source)
    present = set(font.getBestCmap())
    options = subset.Options()
    options.name_IDs = ["*"]  # keep copyright, licence (13, 14) and trademark records
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    # `locl` maps the Simplified Chinese glyphs to Japanese, Korean and Traditional forms:
    # dropping it removes ~5,800 glyphs (about 40% of the file) that zh-Hans text never uses.
    options.layout_features = [tag for tag in options.layout_features if tag != "locl"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(present.intersection(code_points)))
    subsetter.subset(font)
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="NotoSansCJK-Regular.ttc (or a single OTF)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    subset_font(args.source, args.output, wanted_code_points())
    size = args.output.stat().st_size
    sys.stdout.write(f"{args.output}: {size} bytes\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
