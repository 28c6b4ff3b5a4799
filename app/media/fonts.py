"""The bundled CJK font (assets/fonts), for watermarks and anything else Pillow draws."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_FILE = "NotoSansSC-Regular-subset.otf"


def cjk_font_path() -> Path:
    """Path of the bundled Noto Sans SC subset, resolved from the repository root."""
    return Path(__file__).resolve().parents[2] / "assets" / "fonts" / FONT_FILE


@lru_cache(maxsize=32)
def load_font(size: int) -> ImageFont.FreeTypeFont:
    """The CJK font at `size` pixels, loaded once per size.

    Basic layout (no raqm): Chinese and Latin need no shaping, and the drawn pixels then do
    not depend on whether this Pillow build has libraqm (phone builds often do not).
    """
    if size < 1:
        raise ValueError(f"font size must be positive, got {size}")
    return ImageFont.truetype(str(cjk_font_path()), size, layout_engine=ImageFont.Layout.BASIC)
