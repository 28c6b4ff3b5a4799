"""Hand-written signatures (签名) from a drawing pad, rendered to PNG.

The PNG is mode "LA": black ink on a transparent background. It then lies on a printed form's
signature line (PDF notices) without a white box covering the line or the text around it, and
takes whatever background the screen has. Where a target has no alpha (e.g. a JPEG), composite
it on white first. Hash the bytes with ``domain.canonical.sha256_hex``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from itertools import pairwise

from PIL import Image, ImageDraw

Point = tuple[float, float]

MAX_POINTS = 10_000
MIN_INK_LENGTH = 10.0  # pad pixels of line in all strokes together: less is a tap, not a name
_SUPERSAMPLE = 4  # draw at 4x and reduce: antialiased edges, still deterministic
_MAX_PAD_SIDE = 4000


class SignatureError(ValueError):
    """The strokes are not a signature this app accepts; the message is for the user."""


def render_signature(
    strokes: Sequence[Sequence[Point]],
    *,
    width: int = 600,
    height: int = 240,
    line_width: int = 4,
) -> bytes:
    """PNG of `strokes` (pad coordinates, 0..width × 0..height; points outside are clamped)."""
    _check_pad(width, height, line_width)
    clamped = [_clamp_stroke(stroke, width, height) for stroke in _checked(strokes)]
    if ink_length(clamped) < MIN_INK_LENGTH:
        raise SignatureError("签名为空，请在签名框内签名")
    alpha = _draw_alpha(clamped, width, height, line_width)
    ink = Image.new("L", (width, height), 0)
    out = io.BytesIO()
    Image.merge("LA", (ink, alpha)).save(out, "PNG", optimize=True)
    return out.getvalue()


def ink_length(strokes: Sequence[Sequence[Point]]) -> float:
    """Total length of the lines in `strokes`, in pad pixels (single points count 0)."""
    return sum(math.dist(a, b) for stroke in strokes for a, b in pairwise(stroke))


def _checked(strokes: Sequence[Sequence[Point]]) -> Sequence[Sequence[Point]]:
    if sum(len(stroke) for stroke in strokes) > MAX_POINTS:
        raise SignatureError(f"签名过于复杂（超过 {MAX_POINTS} 个点），请清除后重签")
    for stroke in strokes:
        for point in stroke:
            if len(point) != 2 or not all(math.isfinite(v) for v in point):
                raise SignatureError("签名数据无效，请清除后重签")
    return strokes


def _clamp_stroke(stroke: Sequence[Point], width: int, height: int) -> list[Point]:
    """Points clamped into the pad, with repeats of the same point dropped."""
    points: list[Point] = []
    for x, y in stroke:
        point = (min(max(float(x), 0.0), float(width)), min(max(float(y), 0.0), float(height)))
        if not points or points[-1] != point:
            points.append(point)
    return points


def _draw_alpha(
    strokes: list[list[Point]], width: int, height: int, line_width: int
) -> Image.Image:
    scale = _SUPERSAMPLE
    mask = Image.new("L", (width * scale, height * scale), 0)
    draw = ImageDraw.Draw(mask)
    pen = line_width * scale
    radius = pen / 2
    for stroke in strokes:
        points = [(x * scale, y * scale) for x, y in stroke]
        if len(points) > 1:
            draw.line(points, fill=255, width=pen, joint="curve")
        for x, y in (points[0], points[-1]) if points else ():  # round caps; a tap is a dot
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return mask.reduce(scale)


def _check_pad(width: int, height: int, line_width: int) -> None:
    if not (0 < width <= _MAX_PAD_SIDE and 0 < height <= _MAX_PAD_SIDE):
        raise ValueError(f"pad size must be within 1..{_MAX_PAD_SIDE}, got {width}x{height}")
    if not 0 < line_width <= min(width, height):
        raise ValueError(f"line_width must be positive and fit the pad, got {line_width}")
