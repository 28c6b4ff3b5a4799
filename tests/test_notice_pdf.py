"""The rectification notice as PDF: its text read back with pypdf, its images, and the device
making it (and the ledger, and the figures) from its local store with no network."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.media.photos import WatermarkInfo, process_photo
from app.media.signature import render_signature
from app.reports.device import ledger_xlsx_from_store, notice_pdf_from_store, summary_from_store
from app.reports.notice_pdf import notice_pdf
from app.store.blobs import BlobFiles, add_blob
from app.store.db import open_store
from app.store.records import add_local_record
from app.store.reference import apply_reference
from domain.errors import GridCheckError
from domain.ledger import HEADERS, LedgerFilter
from domain.ledger_xlsx import SHEET_TITLE
from domain.notice import Notice, notice_for
from domain.records import seal
from tests import domain_factories as f
from tests.devices import camera_jpeg
from tests.pdf_text import text_of
from tests.report_set import COMMUNITIES, ENTERPRISES, GRIDS, I1, I4, USERS, H, cst, report_data


def signature_png(seed: int = 0) -> bytes:
    return render_signature([[(20, 120), (120, 60 + seed), (220, 150), (320, 80), (450, 130)]])


def photo_jpeg(seed: int) -> bytes:
    info = WatermarkInfo(
        taken_at=dt.datetime(2025, 3, 10, 9, 30, tzinfo=f.CST),
        place="31.2304,121.4737 ±8m",
        inspector="张三",
        enterprise="东湖宏达机械加工厂",
    )
    return process_photo(camera_jpeg(seed, (1600, 1200)), info).jpeg


def blobs_for(notice: Notice) -> Callable[[str], bytes | None]:
    """Real PNGs and JPEGs standing in for every blob the notice's records name."""
    found: dict[str, bytes] = {}
    for n, sig in enumerate(notice.inspection.signatures):
        found[sig.png_sha256] = signature_png(n * 9)
    for n, h in enumerate(notice.hazards):
        for sha in h.reported.photos:
            found[sha] = photo_jpeg(n)
    return found.get


def test_notice_names_the_enterprise_hazards_and_deadlines() -> None:
    notice = notice_for(report_data(), I1.id, issuer="青溪街道安全生产委员会办公室")
    pdf = notice_pdf(notice, blobs_for(notice))
    text = text_of(pdf)
    for expected in (
        "隐患整改通知书",
        "文号：310105001-TZ-2025-00001",
        "东湖宏达机械加工厂",
        ENTERPRISES[0].credit_code,
        "东湖路1号",
        "王五13900000000",
        "2025年3月10日09:00至09:40",
        "检查人员张三",
        "消防通道堵塞",
        "粉尘涉爆除尘系统未防爆",
        "应急管理部令第10号第十一条(三)",
        "2025年3月17日",
        "2025年4月30日",
        "一般隐患",
        "重大隐患",
        "整改期间安全措施要求",
        "设置警示标志，专人看护",  # the hazard's own interim measures
        "10日内组织复查",
        "依法移交",
        "出具单位：青溪街道安全生产委员会办公室（盖章）",
        "隐患1照片1",
    ):
        assert expected in text, expected
    assert "拒绝签收" not in text and "未下载到本机" not in text
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4
    assert len(reader.pages) >= 2  # photos on their own page


def test_signatures_are_placed_on_white() -> None:
    notice = notice_for(report_data(), I1.id)
    reader = PdfReader(io.BytesIO(notice_pdf(notice, blobs_for(notice))))
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 2 + 2  # two signatures, one photo per hazard
    for img in images:
        assert img.image is not None and img.image.mode == "RGB"  # no alpha channel left
        assert "/SMask" not in img.indirect_reference.get_object()  # type: ignore[union-attr]


def test_a_refusal_is_printed_instead_of_a_signature() -> None:
    notice = notice_for(report_data(), I4.id)
    text = text_of(notice_pdf(notice, blobs_for(notice)))
    assert "拒绝签收" in text and "拒签原因：负责人拒绝签字" in text
    assert "见证人：赵六（社区网格长）" in text
    assert "配电箱未接地" in text
    # the deadline written at the time, and the one the office has since allowed
    assert "2025年7月1日（已延期至2025年7月15日）" in text
    assert "待同步（临时编号" in text  # i4 has no server number yet


def test_missing_blobs_and_missing_glyphs_are_shown_not_dropped() -> None:
    data = report_data()
    notice = notice_for(data, I1.id)
    odd = notice.enterprise.model_copy(update={"name": "王喆机械加工厂"})  # 喆 is not in GB2312
    pdf = notice_pdf(Notice(**{**notice.__dict__, "enterprise": odd}), lambda _sha: None)
    text = text_of(pdf)
    assert "王□机械加工厂" in text
    assert "（签名图片未下载到本机）" in text and "（照片未下载到本机）" in text


def test_no_notice_for_an_unknown_inspection() -> None:
    with pytest.raises(GridCheckError) as err:
        notice_for(report_data(), f.uid(424_242))
    assert err.value.code == "not_found"


def test_voided_hazards_are_left_off_the_notice() -> None:
    data = report_data()
    assert [h.reported.hazard_id for h in notice_for(data, I1.id).hazards] == [H["h1"], H["h2"]]
    assert [h.reported.hazard_id for h in notice_for(data, I4.id).hazards] == [H["h4"]]
    void = f.voided(hazard_id=H["h4"], enterprise_id="e4", at=cst(2025, 6, 2))
    again = report_data(events=[*data.events, void])
    assert notice_for(again, I4.id).hazards == ()


# ---------------------------------------------------------------- on the device, offline


@pytest.fixture
def device_store(tmp_path: Path) -> Any:
    """A real device store (SQLite, blob folder) with reference data and sealed records."""
    db = open_store(tmp_path / "gridcheck.db")
    files = BlobFiles(tmp_path / "blobs")
    with db.atomic():
        for kind, items in (
            ("community", COMMUNITIES),
            ("grid", GRIDS),
            ("enterprise", ENTERPRISES),
            ("user", USERS),
        ):
            for item in items:
                apply_reference(db, kind, item.model_dump(mode="json"))
        photo = add_blob(db, files, photo_jpeg(1), "image/jpeg")
        sig_inspector = add_blob(db, files, signature_png(1), "image/png")
        sig_enterprise = add_blob(db, files, signature_png(30), "image/png")
    start = dt.datetime(2025, 3, 10, 9, 0, tzinfo=f.CST)
    data = f.inspection_data(
        enterprise_id="e1",
        started_at=start,
        items=[f.item("GEN-1-01"), f.item("GEN-1-02", "fail", photos=[photo])],
    )
    data["signatures"] = [
        f.signature("inspector", user_id=f.INSPECTOR, name="张三", png=sig_inspector),
        f.signature("enterprise", user_id=None, name="王五", png=sig_enterprise),
    ]
    inspection = add_local_record(db, "inspection", seal("inspection", data))
    hazard = f.uid()
    reported = f.event_data(
        "reported",
        hazard_id=hazard,
        enterprise_id="e1",
        at=start,
        inspection_id=inspection.id,
        title="配电箱门缺失",
        deadline=dt.date(2025, 3, 20),
        photos=[photo],
    )
    add_local_record(db, "hazard_event", seal("hazard_event", reported))
    yield db, files, inspection.id, hazard
    db.close()


def test_the_device_makes_the_notice_from_its_store(device_store: Any) -> None:
    db, files, inspection_id, _ = device_store
    text = text_of(notice_pdf_from_store(db, files, inspection_id, issuer="青溪街道安办"))
    assert "东湖宏达机械加工厂" in text and "配电箱门缺失" in text and "2025年3月20日" in text
    assert "待同步（临时编号" in text and "出具单位：青溪街道安办（盖章）" in text
    assert "未下载到本机" not in text  # signatures and the photo came from the blob folder


def test_the_device_makes_the_ledger_and_the_figures_from_its_store(device_store: Any) -> None:
    db, _, _, hazard = device_store
    today = dt.date(2025, 4, 1)
    content = ledger_xlsx_from_store(db, LedgerFilter(overdue=True), today=today)
    ws = load_workbook(io.BytesIO(content))[SHEET_TITLE]
    assert ws.max_row == 2
    row = {h: ws.cell(row=2, column=i + 1).value for i, h in enumerate(HEADERS)}
    assert row["隐患名称"] == "配电箱门缺失" and row["逾期天数"] == 12
    assert str(row["隐患编号"]).startswith("待同步-") and row["隐患标识(UUID)"] == hazard
    figures = summary_from_store(db, year=2025, today=today)
    assert figures.subdistrict.year.hazards_found == 1
    assert figures.subdistrict.year.overdue == 1
    assert figures.subdistrict.year.inspections == 1


def test_a_corrections_notice_keeps_the_hazards_and_names_the_notice_it_replaces() -> None:
    """The hazards hang on the returned inspection; the correction's notice still lists them."""
    from domain.labels import short_ref
    from tests.report_set import EVENTS, I2, I2C

    found = f.reported(
        hazard_id=f.uid(990),
        enterprise_id="e2",
        at=cst(2025, 3, 12, 10),
        inspection_id=I2.id,
        title="配电箱未接地",
    )
    data = report_data(events=[*EVENTS, found])
    original = notice_for(data, I2.id)
    assert [h.reported.title for h in original.hazards] == ["配电箱未接地"]
    assert original.replaces == ()
    correction = notice_for(data, I2C.id)
    assert [h.reported.id for h in correction.hazards] == [found.id]
    assert correction.replaces == (f"临时编号 {short_ref(I2.id)}",)

    numbered = notice_for(
        report_data(events=[*EVENTS, found], numbers={I2.id: "310105001-TZ-2025-00002"}), I2C.id
    )
    text = text_of(notice_pdf(numbered, blobs_for(numbered)))
    assert "本通知书为更正，取代文号310105001-TZ-2025-00002的通知书" in text  # spaces dropped
    assert "配电箱未接地" in text
