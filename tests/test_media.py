"""The device's media: photo pipeline, signatures, bundled font. Real images, no mocks
(the watermark tests of re-check and rectification photos note the text the real pipeline
is given, on a real device store)."""

from __future__ import annotations

import io
import math
import random
import re
import struct
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageOps, ImageStat

from app.account import Account
from app.media.fonts import cjk_font_path, load_font
from app.media.photos import (
    REPORTER_LABEL,
    PhotoError,
    WatermarkInfo,
    apply_orientation,
    naive_process,
    process_photo,
)
from app.media.signature import SignatureError, render_signature
from app.services import clock, evidence
from app.services.recheck import RecheckService
from app.services.rectify import RectifyService
from app.store.blobs import BlobFiles
from app.store.db import open_store
from app.store.records import apply_server_record
from app.store.reference import apply_reference
from domain.canonical import sha256_hex
from domain.ids import new_id
from domain.records import seal
from domain.reference import UserPublic
from tests import domain_factories as f
from tests.org import ENTERPRISES, USERS

CST = timezone(timedelta(hours=8))
INFO = WatermarkInfo(
    taken_at=datetime(2026, 11, 29, 14, 3, tzinfo=CST),
    place="朝阳区望京街道 阜通东大街6号",
    inspector="张伟",
    enterprise="北京某某化工有限公司",
)
CJK = re.compile(r"[\u4e00-\u9fff]")
MARK = (230, 20, 20)  # solid block in the stored image's top-left corner


def textured(width: int, height: int, seed: int = 7) -> Image.Image:
    """A camera-like picture: gradients, noise and shapes (JPEG cannot compress it away)."""
    rnd = random.Random(seed)
    gradient = Image.linear_gradient("L")
    base = Image.merge(
        "RGB",
        [
            gradient.resize((width, height)),
            Image.radial_gradient("L").resize((width, height)),
            gradient.rotate(90).resize((width, height)),
        ],
    )
    noise = Image.effect_noise((width // 2, height // 2), 40).resize((width, height))
    image = Image.blend(base, Image.merge("RGB", [noise] * 3), 0.35)
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y, r = rnd.randrange(width), rnd.randrange(height), rnd.randrange(20, width // 8)
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        draw.ellipse((x - r, y - r, x + r, y + r), outline=colour, width=rnd.randrange(2, 12))
        draw.rectangle((x, y, x + r, y + r // 2), fill=colour[::-1])
    draw.rectangle((0, 0, width // 10, height // 10), fill=MARK)
    return image


def camera_exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "TestCam"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 59.0, 30.5), 3: "E", 4: (116.0, 28.0, 1.25)}  # GPSInfo
    return exif


def jpeg_bytes(image: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **params)
    return out.getvalue()


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def region_mean(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    return sum(ImageStat.Stat(image.convert("L").crop(box)).mean)


@pytest.fixture(scope="module")
def camera_jpeg() -> bytes:
    """12 MP landscape as stored by a phone held upright: orientation 6, GPS, ICC, comment."""
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = jpeg_bytes(
        textured(4000, 3000), exif=camera_exif(6), icc_profile=icc, comment=b"secret note"
    )
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)[1] == "N"  # the GPS really is in the input
    assert source.info["comment"] == b"secret note"
    return data


@pytest.fixture(scope="module")
def processed(camera_jpeg: bytes):
    return process_photo(camera_jpeg, INFO)


@pytest.fixture(scope="module")
def unwatermarked(camera_jpeg: bytes) -> Image.Image:
    """Reference: the same photo upright and downscaled, nothing drawn on it."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(camera_jpeg)))
    return image.convert("RGB").resize((1200, 1600), Image.Resampling.LANCZOS)


# --- photos: size, orientation, metadata, hashing ------------------------------------------------


def test_long_edge_is_1600_and_orientation_6_makes_a_portrait(processed) -> None:
    image = decode(processed.jpeg)
    assert image.format == "JPEG"
    assert image.size == (processed.width, processed.height) == (1200, 1600)


def test_orientation_6_turns_the_top_left_corner_to_the_top_right(processed) -> None:
    image = decode(processed.jpeg)
    top_right = ImageStat.Stat(image.crop((1200 - 120, 0, 1200 - 20, 100))).mean
    assert top_right[0] > 180 and top_right[1] < 80 and top_right[2] < 80


def test_draft_pipeline_matches_the_naive_one(camera_jpeg: bytes, processed) -> None:
    naive = naive_process(camera_jpeg, INFO)
    assert (naive.width, naive.height) == (processed.width, processed.height)
    fast, slow = decode(processed.jpeg), decode(naive.jpeg)
    mean_difference = sum(ImageStat.Stat(ImageChops.difference(fast, slow)).mean) / 3
    assert mean_difference < 8


def test_no_exif_gps_icc_or_comment_survives(processed) -> None:
    for data in (processed.jpeg, processed.thumbnail):
        image = decode(data)
        assert len(image.getexif()) == 0
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
        assert b"Exif\x00\x00" not in data and b"secret note" not in data


def test_sha256_is_of_the_final_bytes(processed) -> None:
    assert processed.sha256 == sha256_hex(processed.jpeg)


def test_same_input_gives_the_same_bytes(camera_jpeg: bytes, processed) -> None:
    again = process_photo(camera_jpeg, INFO)
    assert again == processed


def test_path_input_gives_the_same_bytes_as_bytes(
    camera_jpeg: bytes, processed, tmp_path: Path
) -> None:
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(camera_jpeg)
    assert process_photo(path, INFO).jpeg == processed.jpeg


def test_thumbnail_has_a_long_edge_of_320(processed) -> None:
    thumb = decode(processed.thumbnail)
    assert thumb.size == (processed.thumb_width, processed.thumb_height) == (240, 320)


def test_output_is_within_the_size_budget(processed) -> None:
    assert len(processed.jpeg) <= 350 * 1024


@pytest.mark.parametrize("orientation", range(1, 9))
def test_apply_orientation_agrees_with_exif_transpose(orientation: int) -> None:
    image = Image.frombytes("RGB", (40, 24), random.Random(orientation).randbytes(40 * 24 * 3))
    image.info["exif"] = camera_exif(orientation).tobytes()
    expected = ImageOps.exif_transpose(image)
    assert apply_orientation(image, orientation).tobytes() == expected.tobytes()


# --- photos: watermark ---------------------------------------------------------------------------


def test_watermark_darkens_the_bottom_left_and_leaves_the_rest(
    processed, unwatermarked: Image.Image
) -> None:
    image = decode(processed.jpeg)
    band = (0, 1600 - 40, 200, 1600)  # below the last line of text, inside the band
    assert region_mean(unwatermarked, band) > 150  # precondition: there is light to darken
    assert region_mean(image, band) < 0.6 * region_mean(unwatermarked, band)
    top_right = (1000, 200, 1200, 400)
    assert abs(region_mean(image, top_right) - region_mean(unwatermarked, top_right)) < 10


def test_watermark_text_is_white_on_the_band(processed) -> None:
    band = decode(processed.jpeg).convert("L").crop((0, 1400, 500, 1600))
    bright = sum(band.histogram()[230:])
    assert bright > 1000  # a dark band alone has no pixel this bright


def test_watermark_text_differs_only_bottom_left(camera_jpeg: bytes, processed) -> None:
    other = WatermarkInfo(INFO.taken_at, "海淀区", "李娜", "某某机械厂")
    changed = decode(process_photo(camera_jpeg, other).jpeg)
    box = ImageChops.difference(decode(processed.jpeg), changed).getbbox()
    assert box is not None
    left, top, right, _ = box  # the labels (时间, 地点, …) are the same: the values differ
    assert left < 200 and top > 1600 * 0.75 and right < 1200 * 0.75


def test_watermark_lines_show_time_in_its_own_offset() -> None:
    utc = WatermarkInfo(datetime(2026, 11, 29, 6, 3, tzinfo=UTC), "", "张伟", "某厂")
    local = WatermarkInfo(utc.taken_at.astimezone(CST), " 望京\n街道 ", "张伟", "某厂")
    assert utc.lines() == ("时间 2026-11-29 06:03", "地点 —", "检查人 张伟", "单位 某厂")
    assert local.lines()[:2] == ("时间 2026-11-29 14:03", "地点 望京 街道")


def test_watermark_time_must_be_aware() -> None:
    with pytest.raises(ValueError):
        WatermarkInfo(datetime(2026, 11, 29, 14, 3), "地点", "张伟", "某厂")


def test_watermark_calls_the_person_by_the_label_given() -> None:
    assert INFO.lines()[2] == "检查人 张伟"  # an inspector's photo, unless told otherwise
    reporter = WatermarkInfo(INFO.taken_at, "东湖路1号", "王五", "某厂", REPORTER_LABEL)
    assert reporter.lines() == (
        "时间 2026-11-29 14:03",
        "地点 东湖路1号",
        "上报人 王五",
        "单位 某厂",
    )
    with pytest.raises(ValueError):
        WatermarkInfo(INFO.taken_at, "地点", "张伟", "某厂", person_label=" ")


# --- watermark of re-check and rectification photos: who took them ----------------------------


def evidence_account(tmp_path: Path, user: UserPublic) -> tuple[Account, str]:
    """A device store holding the test enterprise and an open hazard there (as pulled)."""
    folder = tmp_path / user.id
    db = open_store(folder / "gridcheck.db")
    unit = next(e for e in ENTERPRISES if e.id == f.ENTERPRISE)
    apply_reference(db, "enterprise", unit.model_dump(mode="json"))
    hazard_id = new_id()
    event = seal("hazard_event", f.event_data("reported", hazard_id=hazard_id, at=clock.now()))
    apply_server_record(db, "hazard_event", event, {})
    account = Account(
        user.id, folder, db, BlobFiles(folder / "blobs"), "http://127.0.0.1:9", user, "t", "dev"
    )
    return account, hazard_id


@pytest.mark.parametrize(
    ("service", "user_id", "expected"),
    [
        (RectifyService, f.ENTERPRISE_USER, "上报人 王五"),  # the enterprise reports its own
        (RectifyService, f.INSPECTOR, "检查人 张三"),  # 代为上报: the inspector took them
        (RecheckService, f.INSPECTOR, "检查人 张三"),
    ],
)
def test_evidence_photos_name_who_took_them_by_role(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, service, user_id: str, expected: str
) -> None:
    user = next(u for u in USERS if u.id == user_id)
    account, hazard_id = evidence_account(tmp_path, user)
    burned: list[tuple[str, ...]] = []

    def recording(src: bytes, info: WatermarkInfo):  # the real pipeline; its text noted
        burned.append(info.lines())
        return process_photo(src, info)

    monkeypatch.setattr(evidence, "process_photo", recording)
    try:
        drafts = service(account)
        draft_id = drafts.start(hazard_id)
        sha = drafts.add_photo(draft_id, jpeg_bytes(textured(400, 300)))
        assert drafts.load(draft_id)["photos"] == [sha] and account.files.has(sha)
        assert len(burned) == 1
        place = f"地点 {ENTERPRISES[0].address}"
        assert burned[0][1:] == (place, expected, f"单位 {ENTERPRISES[0].name}")
        assert drafts.watermark(draft_id).lines()[1:] == burned[0][1:]
    finally:
        account.close()


# --- photos: other inputs ------------------------------------------------------------------------


def test_small_photo_is_not_upscaled() -> None:
    result = process_photo(jpeg_bytes(textured(300, 200)), INFO)
    assert (result.width, result.height) == (300, 200) == decode(result.jpeg).size
    assert (result.thumb_width, result.thumb_height) == (300, 200)


def test_png_input_with_transparency_lands_on_white() -> None:
    image = Image.new("RGBA", (2000, 1000), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 400, 400), fill=(0, 0, 200, 255))
    result = process_photo(png_bytes(image), INFO)
    output = decode(result.jpeg)
    assert output.size == (1600, 800)
    assert ImageStat.Stat(output.crop((1400, 20, 1580, 200))).mean == pytest.approx(
        [255, 255, 255], abs=3
    )
    assert ImageStat.Stat(output.crop((20, 20, 300, 300))).mean[2] > 180


def test_multi_picture_jpeg_is_accepted() -> None:
    frames = [textured(2400, 1800, seed=1), textured(640, 480, seed=2)]
    out = io.BytesIO()
    frames[0].save(out, "MPO", save_all=True, append_images=frames[1:], quality=85)
    result = process_photo(out.getvalue(), INFO)
    assert (result.width, result.height) == (1600, 1200)


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\x00" * 64, b"GIF89a" + b"\x00" * 64],
    ids=["empty", "text", "jpeg-header-only", "gif"],
)
def test_non_images_raise_photo_error_in_chinese(data: bytes) -> None:
    with pytest.raises(PhotoError) as info:
        process_photo(data, INFO)
    assert CJK.search(str(info.value))


def test_gif_is_not_accepted_even_when_valid() -> None:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(out, "GIF")
    with pytest.raises(PhotoError):
        process_photo(out.getvalue(), INFO)


def test_truncated_jpeg_raises_photo_error(camera_jpeg: bytes) -> None:
    with pytest.raises(PhotoError) as info:
        process_photo(camera_jpeg[: len(camera_jpeg) // 3], INFO)
    assert CJK.search(str(info.value))


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb's shape."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(8000, 7000), (30000, 30000)], ids=["56MP", "900MP"])
def test_decompression_bomb_is_refused_before_decoding(size: tuple[int, int]) -> None:
    for pipeline in (process_photo, naive_process):
        with pytest.raises(PhotoError) as info:
            pipeline(png_header_claiming(*size), INFO)
        assert "像素过多" in str(info.value)


def test_bad_settings_are_value_errors_not_photo_errors(processed) -> None:
    with pytest.raises(ValueError) as info:
        process_photo(processed.jpeg, INFO, quality=0)
    assert not isinstance(info.value, PhotoError)


# --- font ----------------------------------------------------------------------------------------


def test_bundled_font_is_a_single_opentype_font_under_4mb() -> None:
    path = cjk_font_path()
    assert path.read_bytes()[:4] in {b"OTTO", b"\x00\x01\x00\x00"}  # not a .ttc collection
    assert path.stat().st_size < 4 * 1024 * 1024
    assert (path.parent / "LICENSE-NotoSansCJK.txt").is_file()


def test_font_draws_chinese_not_boxes() -> None:
    font = load_font(40)
    assert load_font(40) is font

    def glyph(char: str) -> bytes:
        canvas = Image.new("L", (60, 60))
        ImageDraw.Draw(canvas).text((5, 5), char, font=font, fill=255)
        return canvas.tobytes()

    missing = glyph("\U000f0000")  # a private-use code point: drawn as .notdef
    text = "网格安全巡查 隐患整改 2026-11-29 ±8m①⑳℃"
    assert all(glyph(char) != missing for char in text if not char.isspace())
    assert len({glyph(char) for char in "网格安全巡查"}) == 6


# --- signature -----------------------------------------------------------------------------------


def wave(x0: float, x1: float, y: float) -> list[tuple[float, float]]:
    return [(x, y + 30 * math.sin(x / 20)) for x in range(int(x0), int(x1), 3)]


def alpha_of(png: bytes) -> Image.Image:
    image = decode(png)
    assert image.format == "PNG" and image.mode == "LA"
    return image.getchannel("A")


def test_signature_png_has_ink_on_the_strokes_only() -> None:
    strokes = [wave(40, 260, 120), [(320, 60), (420, 200), (520, 60)]]
    alpha = alpha_of(render_signature(strokes))
    assert alpha.size == (600, 240)
    for stroke in strokes:
        for x, y in stroke:
            assert alpha.getpixel((min(int(x), 599), min(int(y), 239))) > 128
    assert alpha.crop((0, 0, 30, 240)).getbbox() is None  # left margin: no ink
    assert alpha.crop((540, 0, 600, 240)).getbbox() is None  # right margin: no ink
    assert alpha.crop((270, 0, 310, 240)).getbbox() is None  # between the strokes
    assert alpha.crop((40, 60, 260, 180)).getextrema()[1] == 255
    assert sum(alpha.histogram()[1:255]) > 200  # antialiased edges, not a hard 0/255 mask


def test_signature_points_outside_the_pad_are_clamped() -> None:
    alpha = alpha_of(render_signature([[(-50, 120), (700, 120)]], width=300, height=100))
    assert alpha.size == (300, 100)
    assert alpha.crop((0, 0, 300, 90)).getbbox() is None
    assert min(alpha.getpixel((x, 99)) for x in range(300)) > 128  # along the bottom edge


def test_signature_is_deterministic() -> None:
    strokes = [wave(40, 560, 120), [(100.5, 30.25), (120.75, 200.5)]]
    first = render_signature(strokes)
    assert render_signature([list(s) for s in strokes]) == first
    assert sha256_hex(first) == sha256_hex(render_signature(strokes))


@pytest.mark.parametrize(
    "strokes",
    [[], [[]], [[(10, 10)]], [[(10, 10)], [(200, 100)]], [[(10, 10), (12, 11)]]],
    ids=["none", "empty-stroke", "one-tap", "two-taps", "a-speck"],
)
def test_empty_signature_is_refused(strokes: list[list[tuple[float, float]]]) -> None:
    with pytest.raises(SignatureError) as info:
        render_signature(strokes)
    assert CJK.search(str(info.value))


def test_too_many_points_are_refused() -> None:
    strokes = [[(i % 600, (i // 600) % 240) for i in range(10_001)]]
    with pytest.raises(SignatureError):
        render_signature(strokes)


def test_non_finite_points_are_refused() -> None:
    with pytest.raises(SignatureError):
        render_signature([[(10, 10), (math.nan, 40), (300, 200)]])
