"""The hazard ledger: its filter, its rows, and the XLSX read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from domain.ledger import COLUMNS, HEADERS, LedgerFilter, LedgerRow, ledger_rows
from domain.ledger_xlsx import SHEET_TITLE, ledger_xlsx, looks_like_formula
from tests import domain_factories as f
from tests.report_set import EVENTS, TODAY, H, cst, report_data

NOW = dt.datetime(2025, 6, 15, 10, 30)


def titles(rows: list[LedgerRow]) -> list[str]:
    return [r.title for r in rows]


def rows_for(**filters: Any) -> list[LedgerRow]:
    return ledger_rows(report_data(), LedgerFilter(**filters), today=TODAY)


def by_hazard(name: str) -> LedgerRow:
    return next(r for r in ledger_rows(report_data(), today=TODAY) if r.hazard_id == H[name])


def test_one_row_per_hazard_in_the_order_found() -> None:
    rows = ledger_rows(report_data(), today=TODAY)
    assert [r.seq for r in rows] == list(range(1, 9))
    order = ["h0", "h7", "h1", "h2", "h3", "h4", "h5", "h6"]
    assert [r.hazard_id for r in rows] == [H[n] for n in order]
    assert len(COLUMNS) == len(LedgerRow.__dataclass_fields__)


def test_row_fields() -> None:
    h1 = by_hazard("h1")
    assert h1.number == "310105001-YH-2025-00001"  # from the server
    assert (h1.enterprise_name, h1.community, h1.grid) == (
        "东湖宏达机械加工厂",
        "东湖社区",
        "东湖一网格",
    )
    assert h1.inspected_on == dt.date(2025, 3, 10) and h1.inspectors == "张三"
    assert (h1.level, h1.handling, h1.source) == ("一般隐患", "限期整改", "网格巡查")
    assert h1.category == "A01 资质证照"
    assert h1.responsible == "李四" and h1.responsible_phone == "13800138000"
    assert (h1.status, h1.overdue_days, h1.funds_yuan) == ("已销号", None, Decimal("100.00"))
    assert (h1.recheck_by, h1.recheck_result) == ("张三", "合格")
    assert h1.recheck_at == dt.datetime(2025, 3, 16, 9, 0)
    assert (h1.closed_at, h1.closed_by) == (dt.datetime(2025, 3, 16, 9, 0), "张三")
    assert h1.rectified_at == dt.datetime(2025, 3, 15, 9, 0) and h1.rectification_note

    h2 = by_hazard("h2")
    assert (h2.level, h2.escalation, h2.closed_by) == ("重大隐患", "挂牌督办", "安办陈主任")
    assert h2.basis == "应急管理部令第10号 第十一条(三)"

    h3 = by_hazard("h3")
    assert h3.number.startswith("待同步-")  # not on the server yet
    assert (h3.status, h3.overdue_days, h3.source, h3.inspectors) == (
        "待整改",
        67,
        "投诉举报",
        "张三",
    )
    assert h3.inspected_on == dt.date(2025, 4, 2)  # no inspection: the day it was reported

    h4 = by_hazard("h4")
    assert h4.deadline == dt.date(2025, 7, 15)
    assert h4.extension == "已延期1次（原定 2025-07-01）：设备到货延迟"

    h5 = by_hazard("h5")
    assert (h5.status, h5.remark) == ("已作废", "作废：重复登记")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"community_id": "comm-a"}, ["h7", "h1", "h2", "h3"]),
        ({"grid_id": "grid-b1"}, ["h0", "h4", "h5", "h6"]),
        ({"enterprise_id": "e1"}, ["h1", "h2"]),
        ({"sector": "危险化学品"}, ["h0", "h6"]),
        ({"level": "major"}, ["h0", "h2", "h6"]),
        ({"status": "open"}, ["h0", "h3", "h4", "h6"]),
        ({"status": "closed"}, ["h7", "h1", "h2"]),
        ({"status": "voided"}, ["h5"]),
        ({"overdue": True}, ["h0", "h3"]),
        ({"overdue": False}, ["h7", "h1", "h2", "h4", "h5", "h6"]),
        ({"source": "complaint"}, ["h3"]),
        ({"date_from": "2025-03-01", "date_to": "2025-04-30"}, ["h1", "h2", "h3"]),
        ({"date_to": "2024-12-31"}, ["h0", "h7"]),
        ({"community_id": "comm-b", "level": "major", "overdue": False}, ["h6"]),
        ({"community_id": "comm-c"}, []),
    ],
)
def test_filters(filters: dict[str, Any], expected: list[str]) -> None:
    assert [r.hazard_id for r in rows_for(**filters)] == [H[n] for n in expected]


@pytest.mark.parametrize(
    "bad",
    [
        {"level": "huge"},
        {"status": "lost"},
        {"overdue": "maybe"},
        {"date_from": "2025-13-01"},
        {"date_from": "2025-05-01", "date_to": "2025-04-01"},
        {"community_id": "no spaces allowed"},
        {"colour": "red"},
    ],
)
def test_bad_filters_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        LedgerFilter(**bad)


def test_filter_in_words() -> None:
    data = report_data()
    words = LedgerFilter(community_id="comm-a", level="major", overdue=True).describe(data)
    assert words == [("所属社区", "东湖社区"), ("隐患级别", "重大隐患"), ("是否逾期", "仅逾期")]
    assert LedgerFilter().describe(data) == [("条件", "全部隐患")]


# ---------------------------------------------------------------- XLSX

NASTY = {
    "title": '=HYPERLINK("http://evil.example","点我")',
    "description": "+1+1 看似公式",
    "place": "@SUM(A1:A9)",
    "measures": "-2+3 清理通道",
    "basis": "\t=cmd|' /C calc'!A0",
    "interim_measures": "\x07响铃字符\x00不可见",
}


def nasty_data() -> Any:
    hid = f.uid(9_999)
    nasty = f.reported(hazard_id=hid, enterprise_id="e2", at=cst(2025, 6, 1), **NASTY)
    return report_data(events=[*EVENTS, nasty]), hid


def workbook(rows: list[LedgerRow], **kw: Any) -> tuple[bytes, Worksheet]:
    content = ledger_xlsx(rows, generated_at=NOW, today=TODAY, **kw)
    wb = load_workbook(io.BytesIO(content))
    return content, wb[SHEET_TITLE]


def test_xlsx_headers_rows_and_layout() -> None:
    rows = ledger_rows(report_data(), today=TODAY)
    _, ws = workbook(rows)
    assert [c.value for c in ws[1]] == list(HEADERS)
    assert ws.max_row == 1 + len(rows)
    values = {h: ws.cell(row=2, column=i + 1).value for i, h in enumerate(HEADERS)}  # h0
    assert values["单位名称"] == "西山化工涂料厂" and values["隐患级别"] == "重大隐患"
    assert values["检查日期"] == dt.datetime(2023, 4, 1)  # a real date cell
    assert values["逾期天数"] == (TODAY - dt.date(2023, 5, 1)).days
    assert values["整改资金（元）"] == 0
    assert ws.cell(row=2, column=HEADERS.index("检查日期") + 1).number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "D2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(HEADERS)).column_letter}9"
    assert ws.column_dimensions["M"].width == COLUMNS[12].width == 36  # 隐患描述
    assert ws.cell(row=2, column=13).alignment.wrap_text is True


def test_xlsx_notes_sheet_names_the_filter() -> None:
    data = report_data()
    chosen = LedgerFilter(level="major")
    content = ledger_xlsx(
        ledger_rows(data, chosen, today=TODAY),
        filter_lines=chosen.describe(data),
        generated_at=NOW,
        today=TODAY,
        issuer="青溪街道安办",
    )
    notes = load_workbook(io.BytesIO(content))["导出说明"]
    pairs = {r[0].value: r[1].value for r in notes.iter_rows()}
    assert pairs["筛选：隐患级别"] == "重大隐患"
    assert pairs["隐患条数"] == "3" and pairs["导出单位"] == "青溪街道安办"
    assert pairs["导出时间"] == "2025-06-15 10:30"


def test_formula_looking_text_stays_text() -> None:
    data, hid = nasty_data()
    rows = ledger_rows(data, LedgerFilter(enterprise_id="e2"), today=TODAY)
    content, ws = workbook(rows)
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, len(HEADERS)).value == hid)
    cell = {h: ws.cell(row=row, column=i + 1) for i, h in enumerate(HEADERS)}
    for header, text in [
        ("隐患名称", NASTY["title"]),
        ("隐患描述", NASTY["description"]),
        ("隐患部位", NASTY["place"]),
        ("整改措施", NASTY["measures"]),
        ("判定依据", NASTY["basis"]),
    ]:
        assert looks_like_formula(text)
        assert cell[header].value == text  # the words are not altered
        assert cell[header].data_type == "s" and cell[header].quotePrefix is True
    # control characters XML cannot carry are replaced, not a reason to fail the export
    assert cell["临时管控措施"].value == "\ufffd响铃字符\ufffd不可见"
    assert cell["隐患编号"].quotePrefix is False  # ordinary text is left alone
    # no formula anywhere in the file
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)
        assert b'quotePrefix="1"' in z.read("xl/styles.xml")
    wb = load_workbook(io.BytesIO(content))
    assert all(c.data_type != "f" for s in wb.worksheets for r in s.iter_rows() for c in r)


def test_an_empty_ledger_still_has_its_header() -> None:
    _, ws = workbook([])
    assert [c.value for c in ws[1]] == list(HEADERS) and ws.max_row == 1
    assert ws.auto_filter.ref.endswith("1")


def test_names_come_from_signatures_when_the_store_knows_no_users() -> None:
    """An enterprise's device holds no inspector: their signatures still name them."""
    rows = ledger_rows(report_data(users=[]), today=TODAY)
    h1 = next(r for r in rows if r.hazard_id == H["h1"])
    assert (h1.inspectors, h1.recheck_by, h1.closed_by) == ("张三", "张三", "张三")
    h2 = next(r for r in rows if r.hazard_id == H["h2"])
    assert h2.closed_by == f.OFFICE  # an office decision carries no signature: the id remains
