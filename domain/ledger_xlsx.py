"""The hazard ledger as an XLSX workbook (openpyxl). Pure: rows in, bytes out.

Lives in ``domain`` because the device and the server both write it and may import only
``domain`` in common; it needs nothing but openpyxl and does no I/O.

Formula injection (OWASP "CSV injection"): text that begins with ``= + - @``, a tab or a
carriage return is written as a *string cell* marked ``quotePrefix`` — the spreadsheet
shows it, and keeps it, as text even when someone edits the cell, and the text itself is
not altered (the ledger is a record of what was written in the field). No cell of the
workbook is ever a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.ledger import COLUMNS, LedgerRow

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE = "隐患排查治理台账"

_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)
_FORMATS = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "int": "0",
    "money": "#,##0.00",
}


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def clean_text(text: str) -> str:
    """Characters XML cannot carry (control characters) become U+FFFD; the rest is kept."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def set_text(cell: Cell, text: str) -> None:
    """Put ``text`` into ``cell`` as a string, never a formula."""
    cell.value = clean_text(text)
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    if looks_like_formula(text):
        cell.quotePrefix = True


def _set(cell: Cell, value: object, kind: str) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, int | Decimal | dt.date | dt.datetime):
        cell.value = value
        cell.number_format = _FORMATS.get(kind, "General")
    else:
        set_text(cell, str(value))


def _ledger_sheet(ws: Worksheet, rows: Sequence[LedgerRow]) -> None:
    ws.title = SHEET_TITLE
    for col, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col)
        set_text(cell, column.header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.row_dimensions[1].height = 32
    for r, row in enumerate(rows, start=2):
        for col, (column, value) in enumerate(zip(COLUMNS, row.values(), strict=True), start=1):
            cell = ws.cell(row=r, column=col)
            _set(cell, value, column.kind)
            cell.alignment = _WRAP if column.kind == "wrap" else _TOP
            cell.border = _BORDER
    last = get_column_letter(len(COLUMNS))
    ws.freeze_panes = "D2"  # header row, and 序号 / 隐患编号 / 单位名称 stay in view
    ws.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _notes_sheet(
    ws: Worksheet,
    rows: Sequence[LedgerRow],
    filter_lines: Sequence[tuple[str, str]],
    generated_at: dt.datetime,
    today: dt.date,
    issuer: str,
) -> None:
    ws.title = "导出说明"
    lines: list[tuple[str, str]] = [
        ("台账名称", SHEET_TITLE),
        ("导出单位", issuer),
        ("导出时间", generated_at.strftime("%Y-%m-%d %H:%M")),
        ("状态与逾期计算日", today.isoformat()),
        ("隐患条数", str(len(rows))),
        *[(f"筛选：{k}", v) for k, v in filter_lines],
        ("说明", "状态、逾期天数由各隐患的全部处理记录即时推算，不另行存储。"),
        ("说明", "隐患编号以“待同步-”开头者为本机临时编号，同步至服务器后由服务器统一编号。"),
        ("说明", "检查日期为所属检查的开始日期（无检查记录时为登记日期），按街道所在时区计。"),
    ]
    for r, (key, value) in enumerate(lines, start=1):
        set_text(ws.cell(row=r, column=1), key)
        ws.cell(row=r, column=1).font = Font(bold=True)
        set_text(ws.cell(row=r, column=2), value)
        ws.cell(row=r, column=2).alignment = _WRAP
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 80


def ledger_xlsx(
    rows: Sequence[LedgerRow],
    *,
    filter_lines: Sequence[tuple[str, str]] = (),
    generated_at: dt.datetime,
    today: dt.date,
    issuer: str = "",
) -> bytes:
    """The workbook's bytes: the ledger sheet (one row per hazard) and a notes sheet.

    ``generated_at`` is a wall-clock time in the sub-district's zone (shown as it is).
    """
    wb = Workbook()
    _ledger_sheet(wb.active, rows)
    _notes_sheet(wb.create_sheet(), rows, filter_lines, generated_at, today, issuer)
    wb.properties.title = SHEET_TITLE
    wb.properties.creator = "GridCheck 网格安全巡查"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
