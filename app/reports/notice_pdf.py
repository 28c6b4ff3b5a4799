"""The rectification notice (隐患整改通知书) as an A4 PDF, with fpdf2 and the bundled CJK font.

Free of flet and of any store: it takes a ``domain.notice.Notice`` and a callable that
returns a blob's bytes by sha256 (the device passes its ``BlobFiles``, a server its
``BlobStore``), so it runs offline on a phone and anywhere else. Signatures are transparent
PNGs: each is laid on white before it is placed. Photos are downscaled to thumbnails.
Characters the bundled font lacks (outside GB2312) print as □ rather than vanish.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image, UnidentifiedImageError

from app.media.fonts import cjk_font_path
from domain.labels import LEVEL_ZH
from domain.notice import Notice
from domain.records import Signature
from domain.report_data import DEFAULT_ZONE, local_minute

BlobSource = Callable[[str], bytes | None]

FONT = "noto"
MARGIN = 18.0
PAGE_WIDTH = 210.0
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN
LINE = 6.0
HAZARD_COLUMNS = (
    ("序号", 10),
    ("隐患描述", 44),
    ("部位", 20),
    ("判定依据", 30),
    ("等级", 13),
    ("整改要求", 35),
    ("整改期限", 22),
)
PHOTO_SIDE_PX = 900
PHOTO_COLUMNS = 3
PHOTO_GAP = 4.0
MAX_PHOTOS = 24
MISSING = "□"

INTERIM_TEXT = (
    "整改期间，你单位应当采取有效的临时管控措施，落实专人负责，防止事故发生；"
    "隐患排除前或者排除过程中无法保证安全的，应当从危险区域内撤出作业人员，"
    "疏散可能危及的其他人员，设置警戒标志，必要时暂时停产停业或者停止使用相关设施、设备。"
)
WARNING_TEXT = (
    "逾期未整改或者整改不到位的，本单位将依法移交应急管理、消防救援等有关部门依法处理；"
    "由此引发生产安全事故的，依法追究有关单位和人员的责任。"
)


def date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def minute_zh(moment: dt.datetime, tz: dt.tzinfo) -> str:
    local = local_minute(moment, tz)
    return f"{date_zh(local.date())} {local:%H:%M}"


def _on_white(png: bytes) -> tuple[bytes, float]:
    """A transparent signature laid on white (PNG bytes) and its width / height ratio."""
    with Image.open(io.BytesIO(png)) as image:
        rgba = image.convert("RGBA")
    white = Image.new("RGB", rgba.size, (255, 255, 255))
    white.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    white.save(out, "PNG", optimize=True)
    return out.getvalue(), rgba.width / max(1, rgba.height)


def _thumbnail(data: bytes) -> tuple[bytes, float]:
    """A photo downscaled to a JPEG thumbnail, and its width / height ratio."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (PHOTO_SIDE_PX, PHOTO_SIDE_PX))
        small = image.convert("RGB")
    small.thumbnail((PHOTO_SIDE_PX, PHOTO_SIDE_PX))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=72, optimize=True)
    return out.getvalue(), small.width / max(1, small.height)


def _fetch(blob: BlobSource, sha256: str) -> bytes | None:
    try:
        return blob(sha256)
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class _Image:
    data: bytes
    ratio: float  # width / height


def _image(
    blob: BlobSource, sha256: str, convert: Callable[[bytes], tuple[bytes, float]]
) -> _Image | None:
    raw = _fetch(blob, sha256)
    if raw is None:
        return None
    try:
        data, ratio = convert(raw)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return _Image(data, ratio)


class _Doc(FPDF):
    def __init__(self, font_path: Path, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.add_font(FONT, "", str(font_path))
        self.set_font(FONT, size=10.5)
        self.glyphs: set[int] = set(self.fonts[FONT].cmap)

    def fit(self, text: str) -> str:
        """Text the font can print: tabs as spaces, unknown characters as □."""
        text = text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")
        return "".join(c if c == "\n" or ord(c) in self.glyphs else MISSING for c in text)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(110, 110, 110)
        self.cell(
            0,
            5,
            self.fit(f"{self.footer_text}    第 {self.page_no()} 页 共 {{nb}} 页"),
            align=Align.C,
        )
        self.set_text_color(0, 0, 0)

    def para(self, text: str, size: float = 10.5, align: Align = Align.L, h: float = LINE) -> None:
        self.set_font(FONT, size=size)
        self.multi_cell(
            0,
            h,
            self.fit(text),
            align=align,
            wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def heading(self, text: str) -> None:
        self.ln(2)
        self.para(text, size=11.5)

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.get_y() + height > self.h - MARGIN:
            self.add_page()


def _header(doc: _Doc, notice: Notice) -> None:
    doc.para(notice.issuer, size=13, align=Align.C, h=7)
    doc.para("隐患整改通知书", size=20, align=Align.C, h=11)
    doc.para(f"文号：{notice.number_text}", size=10, align=Align.R)
    if notice.replaces:
        doc.para(
            f"本通知书为更正，取代文号 {'、'.join(notice.replaces)} 的通知书",
            size=10,
            align=Align.R,
        )
    doc.ln(2)


def _facts(doc: _Doc, notice: Notice, tz: dt.tzinfo) -> None:
    e, insp = notice.enterprise, notice.inspection
    start, end = local_minute(insp.started_at, tz), local_minute(insp.finished_at, tz)
    period = f"{minute_zh(insp.started_at, tz)} 至 " + (
        f"{end:%H:%M}" if start.date() == end.date() else minute_zh(insp.finished_at, tz)
    )
    rows = [
        ("被检查单位", e.name),
        ("统一社会信用代码", e.credit_code or "（未登记）"),
        ("单位地址", e.address),
        ("负责人及电话", f"{e.contact_name}  {e.contact_phone}"),
        ("所属社区/网格", f"{notice.community} / {notice.grid}"),
        ("检查时间", period),
        ("检查类型", notice.kind_text),
        ("检查人员", "、".join(notice.inspectors)),
    ]
    doc.set_font(FONT, size=10)
    with doc.table(
        col_widths=(34, BODY_WIDTH - 34),
        first_row_as_headings=False,
        line_height=5.6,
        wrapmode=WrapMode.CHAR,
        text_align=(Align.L, Align.L),
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(doc.fit(label))
            row.cell(doc.fit(value))


def _hazards(doc: _Doc, notice: Notice) -> None:
    doc.ln(3)
    if not notice.hazards:
        doc.para("经检查，本次未发现需要整改的事故隐患。")
        return
    doc.para(
        f"经检查，你单位存在下列安全生产事故隐患（共 {len(notice.hazards)} 项），"
        "请按要求在期限内整改完毕："
    )
    doc.ln(1)
    doc.set_font(FONT, size=9)
    with doc.table(
        col_widths=tuple(w for _, w in HAZARD_COLUMNS),
        line_height=4.8,
        wrapmode=WrapMode.CHAR,
        headings_style=FontFace(emphasis="", fill_color=(228, 232, 240)),
        text_align=Align.L,
        v_align="TOP",
        padding=(1, 1.2),
        repeat_headings=1,
    ) as table:
        head = table.row()
        for title, _ in HAZARD_COLUMNS:
            head.cell(title)
        for i, h in enumerate(notice.hazards, start=1):
            r = h.reported
            described = r.title + (f"\n{r.description}" if r.description else "")
            deadline = date_zh(r.deadline)
            if h.extended:
                deadline += f"\n（已延期至{date_zh(h.deadline_in_force)}）"
            row = table.row()
            for text in (
                str(i),
                described,
                r.place,
                r.basis or "—",
                LEVEL_ZH[r.level],
                r.measures,
                deadline,
            ):
                row.cell(doc.fit(text))


def _requirements(doc: _Doc, notice: Notice) -> None:
    doc.heading("一、整改期间安全措施要求")
    doc.para(INTERIM_TEXT)
    for i, h in enumerate(notice.hazards, start=1):
        if h.reported.interim_measures:
            doc.para(f"隐患{i}：{h.reported.interim_measures}")
    doc.heading("二、整改回复与复查安排")
    doc.para(
        "请你单位在整改期限届满前完成整改，并通过“网格安全巡查”APP 或者书面形式向本单位回复"
        "整改情况（附整改后照片等材料）。本单位将在收到整改回复或者整改期限届满之日起 "
        f"{notice.recheck_days} 日内组织复查。"
    )
    doc.heading("三、告知事项")
    doc.para(WARNING_TEXT)


def _signature_image(doc: _Doc, image: _Image | None, x: float, y: float) -> float:
    """Place a signature (or say it is missing) at (x, y); returns the height used."""
    height = 16.0
    if image is None:
        doc.set_xy(x, y)
        doc.set_font(FONT, size=9)
        doc.cell(80, height, doc.fit("（签名图片未下载到本机）"))
        return height
    width = min(80.0, height * image.ratio)
    doc.image(io.BytesIO(image.data), x=x, y=y, w=width, h=width / image.ratio)
    return width / image.ratio


def _column(doc: _Doc, x: float, y: float, lines: list[str], size: float = 10) -> float:
    doc.set_font(FONT, size=size)
    for line in lines:
        doc.set_xy(x, y)
        doc.multi_cell(
            84, 5.5, doc.fit(line), wrapmode=WrapMode.CHAR, new_x=XPos.LEFT, new_y=YPos.NEXT
        )
        y = doc.get_y()
    return y


def _signed_line(sig: Signature, tz: dt.tzinfo) -> str:
    title = f"（{sig.signer_title}）" if sig.signer_title else ""
    return f"{sig.signer_name}{title}  {minute_zh(sig.signed_at, tz)}"


def _signatures(doc: _Doc, notice: Notice, blob: BlobSource, tz: dt.tzinfo) -> None:
    doc.ln(4)
    doc.room(62)
    top = doc.get_y()
    left, right = MARGIN, MARGIN + BODY_WIDTH / 2 + 2
    insp = notice.inspection
    y = _column(doc, left, top, ["检查人员（签名）："])
    for sig in (s for s in insp.signatures if s.role == "inspector"):
        y += _signature_image(doc, _image(blob, sig.png_sha256, _on_white), left, y) + 1
        y = _column(doc, left, y, [_signed_line(sig, tz)], size=9)
    left_end = y
    enterprise_sig = next((s for s in insp.signatures if s.role == "enterprise"), None)
    if enterprise_sig is not None:
        y = _column(doc, right, top, ["被检查单位负责人（签收）："])
        y += _signature_image(doc, _image(blob, enterprise_sig.png_sha256, _on_white), right, y) + 1
        y = _column(doc, right, y, [_signed_line(enterprise_sig, tz)], size=9)
    elif insp.refusal is not None:
        ref = insp.refusal
        witness = ref.witness_name + (f"（{ref.witness_title}）" if ref.witness_title else "")
        y = _column(
            doc,
            right,
            top,
            [
                "被检查单位负责人（签收）：拒绝签收",
                f"拒签原因：{ref.reason}",
                f"见证人：{witness}",
                f"记录时间：{minute_zh(ref.recorded_at, tz)}",
            ],
        )
    else:
        y = _column(doc, right, top, ["被检查单位负责人（签收）：未签收"])
    doc.set_xy(MARGIN, max(left_end, y) + 6)
    doc.para(f"出具单位：{notice.issuer}（盖章）", align=Align.R)
    doc.para(date_zh(local_minute(insp.finished_at, tz).date()), align=Align.R)


def _photos(doc: _Doc, notice: Notice, blob: BlobSource) -> None:
    wanted = [
        (f"隐患{i} 照片{j}", sha)
        for i, h in enumerate(notice.hazards, start=1)
        for j, sha in enumerate(h.reported.photos, start=1)
    ]
    if not wanted:
        return
    doc.add_page()
    doc.para("附：隐患照片", size=12)
    if len(wanted) > MAX_PHOTOS:
        doc.para(f"（共 {len(wanted)} 张，此处列出前 {MAX_PHOTOS} 张）", size=9)
    width = (BODY_WIDTH - PHOTO_GAP * (PHOTO_COLUMNS - 1)) / PHOTO_COLUMNS
    box = width * 0.75
    for n, (caption, sha) in enumerate(wanted[:MAX_PHOTOS]):
        column = n % PHOTO_COLUMNS
        if column == 0:
            doc.room(box + 10)
            row_top = doc.get_y() + 2
        x = MARGIN + column * (width + PHOTO_GAP)
        image = _image(blob, sha, _thumbnail)
        if image is None:
            doc.set_xy(x, row_top)
            doc.set_font(FONT, size=9)
            doc.cell(width, box, doc.fit("（照片未下载到本机）"), border=1, align=Align.C)
        else:
            w, h = (
                (width, width / image.ratio)
                if image.ratio >= width / box
                else (box * image.ratio, box)
            )
            doc.image(
                io.BytesIO(image.data), x=x + (width - w) / 2, y=row_top + (box - h) / 2, w=w, h=h
            )
        doc.set_xy(x, row_top + box + 1)
        doc.set_font(FONT, size=8.5)
        doc.cell(width, 4.5, doc.fit(caption), align=Align.C)
        if column == PHOTO_COLUMNS - 1 or n == min(len(wanted), MAX_PHOTOS) - 1:
            doc.set_xy(MARGIN, row_top + box + 7)


def notice_pdf(
    notice: Notice,
    blob: BlobSource,
    *,
    tz: dt.tzinfo = DEFAULT_ZONE,
    font_path: Path | None = None,
) -> bytes:
    """The notice as PDF bytes (A4 portrait; photos appended on their own page)."""
    doc = _Doc(font_path or cjk_font_path(), f"隐患整改通知书 {notice.number_text}")
    doc.set_title(doc.fit(f"隐患整改通知书 {notice.enterprise.name}"))
    doc.set_creator("GridCheck 网格安全巡查")
    doc.add_page()
    _header(doc, notice)
    _facts(doc, notice, tz)
    _hazards(doc, notice)
    _requirements(doc, notice)
    _signatures(doc, notice, blob, tz)
    _photos(doc, notice, blob)
    return bytes(doc.output())
