"""Camera-like 12-megapixel JPEGs for the benchmarks, made with Pillow alone.

A picture of a workshop as a phone would take it: a lit wall and a floor in perspective,
shelves, boxes, pipes and cables with shading, safety signs with Chinese text and labels
with digits, optical softness, vignetting and sensor noise (luma and some chroma grain).
Neither flat (JPEG would shrink it to nothing) nor pure noise (JPEG could not compress it
at all): at quality 92 a frame weighs ~2.2 MB (a phone's 12-MP JPEG: 2–5 MB), and the
pipeline's 1600-px output ~250 KB.

The sensor is landscape (4000×3000); the EXIF orientation says how the phone was held, and
the pixels are stored rotated accordingly, as a camera stores them.
"""

from __future__ import annotations

import io
import random
from datetime import datetime

from PIL import Image, ImageDraw, ImageFilter, ImageOps

from app.media.fonts import load_font

SENSOR = (4000, 3000)  # 12 MP
CAMERA_QUALITY = 92

# The transpose that turns an upright picture into what the sensor stores for an EXIF
# orientation (the inverse of what a viewer applies).
_STORE = {
    1: None,
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,  # viewer rotates 270 (90° clockwise) back
    8: Image.Transpose.ROTATE_270,
}

SIGNS = (
    "安全出口",
    "禁止烟火",
    "消防通道 严禁堵塞",
    "当心触电",
    "必须戴安全帽",
    "配电箱 非电工禁止操作",
    "灭火器 MFZ/ABC4",
    "危险化学品仓库",
    "注意安全",
    "严禁吸烟",
)


def _colour(rng: random.Random, lo: int = 30, hi: int = 230) -> tuple[int, int, int]:
    return (rng.randrange(lo, hi), rng.randrange(lo, hi), rng.randrange(lo, hi))


def _shade(c: tuple[int, int, int], k: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(v * k))) for v in c)  # type: ignore[return-value]


def scene(seed: int, size: tuple[int, int]) -> Image.Image:
    """An upright RGB picture of `size` (width, height)."""
    rng = random.Random(seed)
    w, h = size
    horizon = int(h * rng.uniform(0.45, 0.62))

    # wall and floor: two lit gradients, each with its own colour
    wall = ImageOps.colorize(
        Image.linear_gradient("L").resize((w, horizon)),
        _colour(rng, 60, 140),
        _colour(rng, 170, 240),
    )
    floor = ImageOps.colorize(
        Image.linear_gradient("L").resize((w, h - horizon)),
        _colour(rng, 90, 170),
        _colour(rng, 20, 80),
    )
    image = Image.new("RGB", size)
    image.paste(wall, (0, 0))
    image.paste(floor, (0, horizon))

    # concrete: low-frequency blotches over everything
    blotch = Image.effect_noise((w // 16, h // 16), 60).resize(size, Image.Resampling.BICUBIC)
    image = Image.blend(image, Image.merge("RGB", [blotch] * 3), 0.18)
    # surface grain a few pixels across (concrete, paint, dust): what JPEG has to keep
    grain = Image.effect_noise((w // 3, h // 3), 50).resize(size, Image.Resampling.BICUBIC)
    image = Image.blend(image, Image.merge("RGB", [grain] * 3), 0.10)

    draw = ImageDraw.Draw(image)
    vanish = (w // 2 + rng.randrange(-w // 6, w // 6), horizon)
    for i in range(-8, 9):  # floor tiles / lane markings in perspective
        x = w // 2 + i * w // 6
        draw.line(
            [vanish, (x, h)], fill=_shade(_colour(rng, 150, 230), 0.8), width=rng.randrange(3, 9)
        )
    for j in range(1, 9):
        y = horizon + int((h - horizon) * (j / 9) ** 1.8)
        draw.line([(0, y), (w, y)], fill=(70, 70, 70), width=2)

    # shelves with boxes, each box shaded (lit side, dark side, tape, label)
    for _ in range(rng.randrange(4, 7)):
        sx, sw = rng.randrange(0, w - w // 5), rng.randrange(w // 8, w // 3)
        top = rng.randrange(h // 10, horizon - h // 10)
        bottom = min(h - 10, horizon + rng.randrange(h // 20, h // 4))
        frame = _colour(rng, 20, 120)
        for x in (sx, sx + sw):
            draw.rectangle([x, top, x + w // 120, bottom], fill=frame)
        levels = rng.randrange(3, 6)
        for k in range(levels):
            y = top + (bottom - top) * k // levels
            draw.rectangle([sx, y, sx + sw, y + h // 150], fill=_shade(frame, 1.3))
            x = sx + 10
            while x < sx + sw - 40:
                bw = rng.randrange(w // 60, w // 18)
                bh = rng.randrange(h // 40, max(h // 40 + 1, (bottom - top) // levels - 12))
                c = _colour(rng, 90, 220)
                draw.rectangle([x, y - bh, x + bw, y], fill=c, outline=_shade(c, 0.5), width=3)
                draw.rectangle([x + bw * 3 // 4, y - bh, x + bw, y], fill=_shade(c, 0.7))
                draw.rectangle(
                    [x, y - bh // 2 - 6, x + bw * 3 // 4, y - bh // 2 + 6], fill=_shade(c, 1.2)
                )
                if rng.random() < 0.5:  # a printed label: digits and bars
                    lx, ly = x + bw // 8, y - bh + bh // 6
                    draw.rectangle([lx, ly, lx + bw // 2, ly + bh // 4], fill=(235, 235, 230))
                    for b in range(rng.randrange(8, 20)):
                        bx = lx + 4 + b * max(2, bw // 48)
                        draw.line(
                            [(bx, ly + 4), (bx, ly + bh // 8)],
                            fill=(20, 20, 20),
                            width=rng.randrange(1, 3),
                        )
                    if bh // 10 >= 10:
                        draw.text(
                            (lx + 4, ly + bh // 8 + 2),
                            f"{rng.randrange(10**6):06d}",
                            font=load_font(bh // 10),
                            fill=(30, 30, 30),
                        )
                x += bw + rng.randrange(4, 30)

    # pipes and cables along the wall
    for _ in range(rng.randrange(5, 12)):
        y = rng.randrange(0, horizon)
        thick = rng.randrange(6, 60)
        c = _colour(rng, 60, 200)
        for t in range(thick):  # a cylinder: lighter in the middle
            k = 0.6 + 0.6 * (1 - abs(t / thick - 0.5) * 2)
            draw.line([(0, y + t), (w, y + t + rng.randrange(-2, 3))], fill=_shade(c, k))
    for _ in range(rng.randrange(6, 16)):
        pts = [(rng.randrange(w), rng.randrange(h)) for _ in range(rng.randrange(3, 7))]
        draw.line(pts, fill=_colour(rng, 0, 90), width=rng.randrange(3, 12), joint="curve")

    # safety signs: coloured plates with Chinese text (sharp, high-contrast edges)
    for _ in range(rng.randrange(2, 5)):
        text = rng.choice(SIGNS)
        px = rng.randrange(h // 60, h // 30)
        font = load_font(px)
        tw = int(font.getlength(text))
        x, y = rng.randrange(0, max(1, w - tw - 40)), rng.randrange(0, max(1, horizon - px * 2))
        plate = rng.choice([(0, 130, 60), (200, 30, 30), (240, 200, 0), (20, 70, 160)])
        draw.rectangle(
            [x, y, x + tw + px, y + px * 2], fill=plate, outline=(250, 250, 250), width=px // 8
        )
        draw.text(
            (x + px // 2, y + px // 2),
            text,
            font=font,
            fill=(255, 255, 255) if plate[1] < 150 else (0, 0, 0),
        )

    # round things: fire extinguishers, gauges, drums
    for _ in range(rng.randrange(6, 14)):
        cx, cy, r = rng.randrange(w), rng.randrange(h), rng.randrange(h // 60, h // 12)
        c = _colour(rng)
        for k in range(6):
            rr = r * (6 - k) // 6
            draw.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=_shade(c, 0.7 + k * 0.08))
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(20, 20, 20), width=max(2, r // 15))

    # optics: a little softness; light falls off towards the corners
    image = image.filter(ImageFilter.GaussianBlur(1.1))
    vignette = Image.radial_gradient("L").resize(size, Image.Resampling.BILINEAR)
    vignette = ImageOps.invert(vignette).point(lambda v: 150 + v * 105 // 255)
    image = Image.composite(image, Image.new("RGB", size, (0, 0, 0)), vignette)

    # sensor noise: fine luma grain plus weaker, coarser chroma grain
    luma = Image.effect_noise(size, 22)
    image = Image.blend(image, Image.merge("RGB", [luma] * 3), 0.10)
    chroma = [Image.effect_noise((w // 2, h // 2), 18).resize(size) for _ in range(3)]
    return Image.blend(image, Image.merge("RGB", chroma), 0.05)


def camera_jpeg(seed: int, orientation: int = 1, size: tuple[int, int] = SENSOR) -> bytes:
    """A phone-camera JPEG: the sensor's pixels, with EXIF orientation, make, model, time."""
    if orientation not in _STORE:
        raise ValueError(f"orientation {orientation} not generated")
    upright_size = size if orientation in (1, 3) else (size[1], size[0])
    picture = scene(seed, upright_size)
    method = _STORE[orientation]
    stored = picture if method is None else picture.transpose(method)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Xiaomi"
    exif[0x0110] = "Redmi Note 12"
    exif[0x0132] = datetime(2025, 5, 6, 10, seed % 60, 0).strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=CAMERA_QUALITY, subsampling="4:2:0", exif=exif.tobytes())
    return out.getvalue()


ORIENTATIONS = (6, 1, 6, 3, 6, 8)  # phones are mostly held upright: 6 is the commonest


def camera_set(count: int, first_seed: int = 1) -> list[bytes]:
    """`count` distinct frames, with the orientations a day's photos have."""
    return [camera_jpeg(first_seed + i, ORIENTATIONS[i % len(ORIENTATIONS)]) for i in range(count)]
