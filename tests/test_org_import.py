"""Importing communities, grids and enterprises from CSV and XLSX files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from domain.reference import RiskColor, is_valid_uscc, uscc_check_char
from sync_server.seed import org_import
from sync_server.seed.org_import import FILE_ROW, OrgImport, RowError, parse_org_file

EXAMPLE = Path(__file__).resolve().parents[1] / "assets" / "demo" / "org-example.csv"
HEADER = "社区编码,社区名称,网格编码,网格名称,单位名称,统一社会信用代码,地址,行业领域,专项标签,联系人,联系电话,风险等级"


def uscc(n: int) -> str:
    first17 = f"9133010600000{n:04d}"
    return first17 + uscc_check_char(first17)


def row(name: str, code: str = "", *, community: str = "QX01,青溪社区", risk: str = "蓝") -> str:
    return f"{community},QX01-G1,青溪社区第一网格,{name},{code},青溪路1号,商贸、九小场所,,王伟,13800000000,{risk}"


def write(
    tmp_path: Path, lines: list[str], *, name: str = "org.csv", encoding: str = "utf-8"
) -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def where(result: OrgImport) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


# ---------------------------------------------------------------- the example file


def test_example_file_imports_cleanly() -> None:
    result = parse_org_file(EXAMPLE)
    assert result.errors == [] and result.ok
    assert len(result.enterprises) == 10
    assert [c.name for c in result.communities] == ["青溪社区", "柳岸社区", "东湖村"]
    assert [g.id for g in result.grids] == ["QX01-G1", "QX01-G2", "QX02-G1", "QX02-G2", "QX03-G1"]
    assert all(g.community_id == g.id.split("-")[0] for g in result.grids)
    units = {e.name: e for e in result.enterprises}
    factory = units["杭州青溪精工机械有限公司"]
    assert factory.id == f"ent-{factory.credit_code}"
    assert factory.sector_tags == ["工贸", "机械"]
    assert factory.special_tags == ["有限空间", "危化品使用"]
    assert (factory.risk_color, factory.employees, factory.lat, factory.lon) == (
        RiskColor.yellow,
        46,
        30.2731,
        120.1302,
    )
    cold_store = units["杭州柳岸冷链仓储有限公司"]
    assert cold_store.special_tags == ["液氨制冷", "有限空间"]  # full-width ； splits too
    assert cold_store.risk_color == RiskColor.red
    assert units["杭州华茂服饰有限公司"].status == "suspended"
    centre = units["东湖村老年活动中心"]
    assert (centre.id, centre.credit_code, centre.employees, centre.lat) == (
        "QX03-LNHD",
        None,
        None,
        None,
    )
    assert centre.contact_phone == "0571-86012345"


def test_xlsx_imports_the_same_as_csv(tmp_path: Path) -> None:
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    numeric = {rows[0].index(h) for h in ("联系电话", "从业人数", "纬度", "经度")}
    sheet.append(rows[0])
    for cells in rows[1:]:
        sheet.append([_number(c) if i in numeric else c for i, c in enumerate(cells)])
    path = tmp_path / "org.xlsx"
    workbook.save(path)
    assert parse_org_file(path) == parse_org_file(EXAMPLE)


def _number(cell: str) -> object:
    """As a spreadsheet holds phones, head counts and coordinates: numbers, where they are."""
    if cell.isdigit():
        return int(cell)
    try:
        return float(cell)
    except ValueError:
        return cell or None


def test_credit_code_stored_as_a_number_in_excel_is_refused(tmp_path: Path) -> None:
    """Excel keeps numbers as doubles: an all-digit code loses its last digits."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    mangled = {c: str(int(float(c))) for c in map(uscc, range(100)) if c.isdigit()}
    code = next(c for c, m in mangled.items() if m != c and not is_valid_uscc(m))
    cells = ["QX01", "青溪社区", "QX01-G1", "一网格", "甲店", float(code), "青溪路1号", "商贸"]
    sheet.append([*cells, None, "王伟", 13800000000, "蓝"])
    path = tmp_path / "org.xlsx"
    workbook.save(path)
    assert where(parse_org_file(path)) == [(2, "统一社会信用代码")]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "org.csv"
    path.write_bytes(text.encode(encoding))
    assert parse_org_file(path) == parse_org_file(EXAMPLE)


def test_english_headers_and_header_notes(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").splitlines()
    text[0] = (
        "community_code,Community Name,grid_code,grid_name,name,credit_code,address,sectors,"
        "tags,contact,phone,风险等级(红/橙/黄/蓝)*,status,employees,lat,lon,id"
    )
    assert parse_org_file(write(tmp_path, text)) == parse_org_file(EXAMPLE)


# ---------------------------------------------------------------- bad rows


def test_bad_rows_are_reported_with_their_row_numbers_and_nothing_else(tmp_path: Path) -> None:
    bad_check_char = uscc(2)[:-1] + ("0" if uscc(2)[-1] != "0" else "1")
    path = write(
        tmp_path,
        [
            HEADER,
            row("好再来便利店", uscc(1)),  # 2: fine
            row("宏达五金店", bad_check_char),  # 3: bad credit code
            row("", uscc(3)),  # 4: missing name
            row("鑫源超市", uscc(4), risk="紫"),  # 5: unknown risk colour
            row("恒丰水果店", uscc(1)),  # 6: same credit code as row 2
            row("老王面馆", uscc(5), community="QX01,青溪村"),  # 7: conflicting community name
            row("利民日杂店", uscc(6), risk="橙色"),  # 8: fine
        ],
    )
    result = parse_org_file(path)
    assert where(result) == [
        (3, "统一社会信用代码"),
        (4, "单位名称"),
        (5, "风险等级"),
        (6, "统一社会信用代码"),
        (7, "社区名称"),
    ]
    reasons = [e.reason for e in result.errors]
    assert "校验位" in reasons[0]
    assert "不能为空" in reasons[1]
    assert "紫" in reasons[2]
    assert "第 2 行重复" in reasons[3]
    assert "青溪社区" in reasons[4] and "青溪村" in reasons[4] and "第 2 行" in reasons[4]
    assert [e.name for e in result.enterprises] == ["好再来便利店", "利民日杂店"]
    assert result.enterprises[1].risk_color == RiskColor.orange
    assert len(result.communities) == 1 and len(result.grids) == 1


def test_a_bad_row_contributes_nothing(tmp_path: Path) -> None:
    line = "QX09,新村,QX09-G1,新村第一网格,新村小卖部,,新村1号,商贸,,王伟,13800000000,绿"
    result = parse_org_file(write(tmp_path, [HEADER, line]))
    assert where(result) == [(2, "风险等级")]
    assert (result.communities, result.grids, result.enterprises) == ([], [], [])


def test_every_problem_of_a_row_is_listed(tmp_path: Path) -> None:
    line = "QX 01,青溪社区,QX01-G1,,某店,12345,,,,王伟,phone,蓝"
    result = parse_org_file(write(tmp_path, [HEADER, line]))
    assert where(result) == [
        (2, "社区编码"),
        (2, "网格名称"),
        (2, "统一社会信用代码"),
        (2, "地址"),
        (2, "行业领域"),
        (2, "联系电话"),
    ]
    assert "18 位" in result.errors[2].reason


def test_duplicate_ids_and_same_name_in_one_grid(tmp_path: Path) -> None:
    header = HEADER + ",单位编号"
    path = write(
        tmp_path,
        [
            header,
            row("甲店") + ",E-1",
            row("乙店") + ",E-1",  # 3: the same explicit id
            row("丙店") + ",",
            row("丙店") + ",",  # 5: same name, same grid, no credit code: the same derived id
            row("丙店", community="QX01,青溪社区").replace(
                "QX01-G1,青溪社区第一网格", "QX01-G2,青溪社区第二网格"
            )
            + ",",
        ],
    )
    result = parse_org_file(path)
    assert where(result) == [(3, "单位编号"), (5, "单位名称")]
    assert "第 2 行" in result.errors[0].reason and "第 4 行" in result.errors[1].reason
    assert len(result.enterprises) == 3  # the other 丙店 is in another grid


def test_grid_conflicts(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            HEADER,
            row("甲店"),
            row("乙店").replace("青溪社区第一网格", "青溪社区一网格"),  # 3: other grid name
            "QX02,柳岸社区,QX01-G1,青溪社区第一网格,丙店,,柳岸街1号,商贸,,王伟,13800000000,蓝",  # 4
        ],
    )
    assert where(parse_org_file(path)) == [(3, "网格名称"), (4, "网格编码")]


def test_optional_fields(tmp_path: Path) -> None:
    header = HEADER + ",经营状态,从业人数,纬度,经度"
    path = write(
        tmp_path,
        [
            header,
            row("甲店") + ",注销,12,30.1,120.2",
            row("乙店") + ",倒闭,,,",  # 3: unknown status
            row("丙店") + ",,约20,,",  # 4: not a number
            row("丁店") + ",,,30.1,",  # 5: latitude without longitude
            row("戊店") + ",,,91,120",  # 6: latitude out of range
        ],
    )
    result = parse_org_file(path)
    assert where(result) == [(3, "经营状态"), (4, "从业人数"), (5, "经度"), (6, "纬度")]
    assert result.enterprises[0].status == "closed"


def test_blank_rows_are_skipped_but_keep_their_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, row("甲店"), ",,,,,,,,,,,", "", row("乙店", risk="")])
    result = parse_org_file(path)
    assert where(result) == [(5, "风险等级")]
    assert len(result.enterprises) == 1


# ---------------------------------------------------------------- header and file problems


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    header = HEADER.replace(",联系电话", "").replace("地址", "详细住址") + ",序号,备注"
    result = parse_org_file(write(tmp_path, [header, row("甲店")]))
    assert result.errors == [
        RowError(1, "详细住址", "无法识别的列（请改为标准列名或删除该列）"),
        RowError(1, "地址", "缺少必需的列"),
        RowError(1, "联系电话", "缺少必需的列"),
    ]
    assert result.enterprises == []


def test_duplicate_column(tmp_path: Path) -> None:
    result = parse_org_file(write(tmp_path, [HEADER + ",电话", row("甲店") + ",13900000000"]))
    assert where(result) == [(1, "电话")]


def test_empty_file(tmp_path: Path) -> None:
    result = parse_org_file(write(tmp_path, [""]))
    assert where(result) == [(1, "")]


def test_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, [HEADER, row("甲店")])
    monkeypatch.setattr(org_import, "MAX_BYTES", path.stat().st_size - 1)
    result = parse_org_file(path)
    assert where(result) == [(FILE_ROW, "")] and "MB" in result.errors[0].reason


def test_too_many_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(org_import, "MAX_ROWS", 2)
    path = write(tmp_path, [HEADER, row("甲店"), row("乙店"), row("丙店"), row("丁店")])
    result = parse_org_file(path)
    assert where(result) == [(4, "")] and "上限" in result.errors[0].reason


def test_unreadable_files(tmp_path: Path) -> None:
    broken = tmp_path / "org.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert where(parse_org_file(broken)) == [(FILE_ROW, "")]
    other = tmp_path / "org.pdf"
    other.write_bytes(b"%PDF-1.7")
    assert "不支持" in parse_org_file(other).errors[0].reason
    undecodable = tmp_path / "org.csv"
    undecodable.write_bytes(HEADER.encode("utf-16"))
    result = parse_org_file(undecodable)
    assert where(result) == [(FILE_ROW, "")] and "编码" in result.errors[0].reason


def test_xlsx_cells_of_every_type(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([*HEADER.split(","), "从业人数"])
    sheet.append(
        [
            "QX01",
            "青溪社区",
            "QX01-G1",
            "一网格",
            "甲店",
            None,
            "青溪路1号",
            "商贸",
            None,
            "王伟",
            13800000000,
            "blue",
            12.0,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "org.xlsx"
    path.write_bytes(buffer.getvalue())
    result = parse_org_file(path)
    assert result.errors == []
    unit = result.enterprises[0]
    assert (unit.contact_phone, unit.employees, unit.credit_code) == ("13800000000", 12, None)
    assert unit.id.startswith("ent-") and len(unit.id) == 16
