"""Import communities, grids and enterprises from one CSV or XLSX sheet. Pure: no database.

File format: the first row holds the column headers (Chinese, or the English aliases in
``COLUMNS``; a trailing note in brackets and a ``*`` are ignored, e.g. ``风险等级(红/橙/黄/蓝)*``),
then one row per enterprise:

    社区编码, 社区名称, 网格编码, 网格名称, 单位名称, 统一社会信用代码, 地址, 行业领域, 专项标签,
    联系人, 联系电话, 风险等级, 经营状态, 从业人数, 纬度, 经度, 单位编号

Optional columns: 统一社会信用代码, 专项标签, 经营状态 (default 在营), 从业人数, 纬度/经度 (both or
neither), 单位编号; ``序号`` and ``备注`` are allowed and ignored; any other column is an error.
行业领域 and 专项标签 hold several values separated by 、 , ; ， or ；. 风险等级 is 红/橙/黄/蓝 (also
红色…, 重大风险/较大风险/一般风险/低风险, or red/orange/yellow/blue).

Communities and grids are derived from the rows: a community's id is its code, a grid's id is
its code (grid codes are unique across the sub-district). One code with two names, or a grid
code under two communities, is an error.

Enterprise ids: the 单位编号 column when filled in; otherwise ``ent-<统一社会信用代码>``; otherwise
``ent-`` + the first 12 hex digits of sha1("<社区编码>|<网格编码>|<单位名称>") — stable across
re-imports as long as the unit keeps its name and grid (a credit code or 单位编号 is better).

Errors: ``RowError.row`` is the row number a person sees in the spreadsheet (the header is row
1; ``FILE_ROW`` = 0 means the file as a whole). A row with any problem contributes nothing, not
even its community or grid; the caller imports nothing while ``errors`` is non-empty.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from domain.reference import Community, Enterprise, Grid, RiskColor, is_valid_uscc

MAX_ROWS = 100_000
MAX_BYTES = 50 * 1024 * 1024
FILE_ROW = 0
HEADER_ROW = 1
MAX_TEXT = 200
MAX_TAGS = 20

REF_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
PHONE_RE = re.compile(r"^[0-9+\- ]{5,20}$")
TAG_SPLIT_RE = re.compile(r"[、,;，；]")

RISK_WORDS: dict[str, RiskColor] = {
    **dict.fromkeys(("红", "红色", "重大风险", "red"), RiskColor.red),
    **dict.fromkeys(("橙", "橙色", "较大风险", "orange"), RiskColor.orange),
    **dict.fromkeys(("黄", "黄色", "一般风险", "yellow"), RiskColor.yellow),
    **dict.fromkeys(("蓝", "蓝色", "低风险", "blue"), RiskColor.blue),
}
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(("在营", "营业", "正常", "存续", "open"), "open"),
    **dict.fromkeys(("停业", "停产", "歇业", "suspended"), "suspended"),
    **dict.fromkeys(("注销", "关闭", "吊销", "closed"), "closed"),
    **dict.fromkeys(("搬离", "迁出", "moved"), "moved"),
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class OrgImport:
    communities: list[Community] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...]
    required: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("community_code", "社区编码", ("社区代码", "村社区编码", "community_code")),
    Column("community_name", "社区名称", ("社区", "社区(村)", "community_name", "community")),
    Column("grid_code", "网格编码", ("网格代码", "grid_code")),
    Column("grid_name", "网格名称", ("网格", "grid_name", "grid")),
    Column("name", "单位名称", ("企业名称", "name", "enterprise_name")),
    Column("credit_code", "统一社会信用代码", ("信用代码", "credit_code", "uscc"), False),
    Column("address", "地址", ("经营地址", "单位地址", "address")),
    Column("sector_tags", "行业领域", ("行业", "sectors", "sector_tags", "sector")),
    Column("special_tags", "专项标签", ("标签", "special_tags", "tags"), False),
    Column("contact_name", "联系人", ("负责人", "contact_name", "contact")),
    Column("contact_phone", "联系电话", ("电话", "手机", "contact_phone", "phone")),
    Column("risk_color", "风险等级", ("风险颜色", "risk_color", "risk")),
    Column("status", "经营状态", ("状态", "status"), False),
    Column("employees", "从业人数", ("员工人数", "企业人数", "employees"), False),
    Column("lat", "纬度", ("lat", "latitude"), False),
    Column("lon", "经度", ("lon", "lng", "longitude"), False),
    Column("id", "单位编号", ("企业编号", "id", "enterprise_id"), False),
)
IGNORED_HEADERS = frozenset({"序号", "备注", "no", "remark", "remarks", "notes"})


def parse_org_file(path: Path) -> OrgImport:
    """Parse and validate one CSV or XLSX file; see the module docstring for the format."""
    problem = _file_problem(path)
    if problem:
        return OrgImport(errors=[RowError(FILE_ROW, "", problem)])
    try:
        with closing(_rows(path)) as rows:
            return _parse_rows(rows)
    except _FileError as exc:
        return OrgImport(errors=[RowError(FILE_ROW, "", str(exc))])


# ---------------------------------------------------------------- reading files


class _FileError(Exception):
    """The file as a whole cannot be read."""


def _file_problem(path: Path) -> str | None:
    try:
        size = path.stat().st_size
    except OSError:
        return "无法读取文件"
    if size > MAX_BYTES:
        return f"文件超过 {MAX_BYTES // (1024 * 1024)} MB 上限"
    return None


def _rows(path: Path) -> Iterator[list[str]]:
    if _is_xlsx(path):
        return _xlsx_rows(path)
    if path.suffix.lower() in {".csv", ".txt", ""}:
        return _csv_rows(path)
    raise _FileError("不支持的文件类型（应为 CSV 或 XLSX）")


def _is_xlsx(path: Path) -> bool:
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return True
    with path.open("rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def _csv_rows(path: Path) -> Iterator[list[str]]:
    text = _decode(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise _FileError(f"CSV 格式错误：{exc}") from exc


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _FileError("无法识别文件编码（应为 UTF-8 或 GB18030）")


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise _FileError("无法打开 XLSX 文件") from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


# ---------------------------------------------------------------- header


def _norm_header(text: str) -> str:
    text = re.sub(r"[（(\[【].*$", "", text)
    text = text.replace("*", "").replace("＊", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


_HEADER_KEYS: dict[str, Column] = {
    _norm_header(name): col for col in COLUMNS for name in (col.label, *col.aliases)
}


@dataclass(frozen=True)
class _Header:
    index: dict[str, int]  # column key → cell index
    labels: dict[str, str]  # column key → header text as written in the file

    def label(self, key: str) -> str:
        return self.labels.get(key) or next((c.label for c in COLUMNS if c.key == key), key)


def _parse_header(cells: list[str]) -> tuple[_Header, list[RowError]]:
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    errors = []
    for i, text in enumerate(cells):
        norm = _norm_header(text)
        if not norm or norm in IGNORED_HEADERS:
            continue
        column = _HEADER_KEYS.get(norm)
        if column is None:
            errors.append(RowError(HEADER_ROW, text, "无法识别的列（请改为标准列名或删除该列）"))
        elif column.key in index:
            errors.append(RowError(HEADER_ROW, text, f"与“{labels[column.key]}”是同一列，重复"))
        else:
            index[column.key], labels[column.key] = i, text
    errors += [
        RowError(HEADER_ROW, col.label, "缺少必需的列")
        for col in COLUMNS
        if col.required and col.key not in index
    ]
    return _Header(index, labels), errors


# ---------------------------------------------------------------- rows


def _parse_rows(rows: Iterator[list[str]]) -> OrgImport:
    header_cells = next(rows, None)
    if header_cells is None or not any(header_cells):
        return OrgImport(errors=[RowError(HEADER_ROW, "", "文件为空或第 1 行没有表头")])
    header, errors = _parse_header(header_cells)
    if errors:
        return OrgImport(errors=errors)
    builder = _Builder(header)
    data_rows = 0
    for row_number, cells in enumerate(rows, start=HEADER_ROW + 1):
        if not any(cells):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            builder.errors.append(RowError(row_number, "", f"数据超过 {MAX_ROWS} 行上限"))
            break
        builder.add(row_number, {key: _cell(cells, i) for key, i in header.index.items()})
    return builder.result()


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


@dataclass
class _Draft:
    """One row's values after field checks, before the cross-row checks."""

    community_code: str
    community_name: str
    grid_code: str
    grid_name: str
    enterprise: dict[str, object]
    id_given: bool


class _Builder:
    """Collects rows; a row is taken whole or not at all."""

    def __init__(self, header: _Header) -> None:
        self.header = header
        self.errors: list[RowError] = []
        self.communities: dict[str, tuple[Community, int]] = {}
        self.grids: dict[str, tuple[Grid, int]] = {}
        self.enterprises: dict[str, tuple[Enterprise, int]] = {}
        self.credit_codes: dict[str, int] = {}

    def add(self, row: int, values: dict[str, str]) -> None:
        draft, problems = _check_fields(values)
        if draft is not None:
            problems = self._cross_row_problems(draft)
            if not problems:
                self._take(row, draft)
                return
        self.errors += [RowError(row, self.header.label(k), r) for k, r in problems]

    def _cross_row_problems(self, draft: _Draft) -> list[tuple[str, str]]:
        problems = []
        community = self.communities.get(draft.community_code)
        if community and community[0].name != draft.community_name:
            reason = _renamed("社区编码", draft.community_code, community, draft.community_name)
            problems.append(("community_name", reason))
        grid = self.grids.get(draft.grid_code)
        if grid and grid[0].name != draft.grid_name:
            problems.append(
                ("grid_name", _renamed("网格编码", draft.grid_code, grid, draft.grid_name))
            )
        if grid and grid[0].community_id != draft.community_code:
            problems.append(
                (
                    "grid_code",
                    f"网格编码 {draft.grid_code} 在第 {grid[1]} 行属于社区 {grid[0].community_id}",
                )
            )
        return problems + self._duplicate_problems(draft)

    def _duplicate_problems(self, draft: _Draft) -> list[tuple[str, str]]:
        credit_code = draft.enterprise["credit_code"]
        if credit_code and credit_code in self.credit_codes:
            first = self.credit_codes[credit_code]
            return [("credit_code", f"统一社会信用代码与第 {first} 行重复")]
        existing = self.enterprises.get(str(draft.enterprise["id"]))
        if existing is None:
            return []
        if draft.id_given:
            return [("id", f"单位编号与第 {existing[1]} 行重复")]
        return [("name", f"与第 {existing[1]} 行是同一社区、网格内的同名单位（无信用代码可区分）")]

    def _take(self, row: int, draft: _Draft) -> None:
        try:
            enterprise = Enterprise.model_validate(draft.enterprise)
        except ValidationError as exc:  # a safety net: _check_fields should have caught it
            self.errors += [
                RowError(row, self.header.label(str(e["loc"][0])), f"数据不符合要求：{e['msg']}")
                for e in exc.errors()
            ]
            return
        code, name = draft.community_code, draft.community_name
        self.communities.setdefault(code, (Community(id=code, code=code, name=name), row))
        grid = Grid(
            id=draft.grid_code, code=draft.grid_code, name=draft.grid_name, community_id=code
        )
        self.grids.setdefault(draft.grid_code, (grid, row))
        self.enterprises[enterprise.id] = (enterprise, row)
        if enterprise.credit_code:
            self.credit_codes[enterprise.credit_code] = row

    def result(self) -> OrgImport:
        return OrgImport(
            communities=[c for c, _ in self.communities.values()],
            grids=[g for g, _ in self.grids.values()],
            enterprises=[e for e, _ in self.enterprises.values()],
            errors=self.errors,
        )


def _renamed(label: str, code: str, first: tuple[Community | Grid, int], name: str) -> str:
    """Why a row names a code otherwise than the row that gave it first."""
    return f"{label} {code} 在第 {first[1]} 行的名称为“{first[0].name}”，与此处“{name}”不一致"


# ---------------------------------------------------------------- field checks

_Result = tuple[object, str | None]  # (normalised value, reason when the value is refused)
_Check = Callable[[str], _Result]


def _check_fields(values: dict[str, str]) -> tuple[_Draft | None, list[tuple[str, str]]]:
    """The row's values normalised, or the (column key, reason) problems found."""
    problems: list[tuple[str, str]] = []

    def take(key: str, check: _Check) -> object:
        value, reason = check(values.get(key, ""))
        if reason:
            problems.append((key, reason))
        return value

    community_code = take("community_code", _code)
    community_name = take("community_name", _text)
    grid_code = take("grid_code", _code)
    grid_name = take("grid_name", _text)
    enterprise: dict[str, object] = {
        "name": take("name", _text),
        "credit_code": take("credit_code", _credit_code),
        "address": take("address", _text),
        "community_id": community_code,
        "grid_id": grid_code,
        "sector_tags": take("sector_tags", _required_tags),
        "special_tags": take("special_tags", _tags),
        "contact_name": take("contact_name", _text),
        "contact_phone": take("contact_phone", _phone),
        "risk_color": take("risk_color", _risk),
        "status": take("status", _status),
        "employees": take("employees", _employees),
        "lat": take("lat", _latitude),
        "lon": take("lon", _longitude),
    }
    given_id = take("id", _optional_code)
    problems += _lat_lon_pair(values)
    if problems:
        return None, problems
    credit_code = enterprise["credit_code"]
    enterprise["id"] = given_id or derived_enterprise_id(
        str(community_code),
        str(grid_code),
        str(enterprise["name"]),
        str(credit_code) if credit_code else None,
    )
    draft = _Draft(
        str(community_code),
        str(community_name),
        str(grid_code),
        str(grid_name),
        enterprise,
        bool(given_id),
    )
    return draft, []


def derived_enterprise_id(
    community_code: str, grid_code: str, name: str, credit_code: str | None
) -> str:
    """The id of a row without 单位编号 (see the module docstring)."""
    if credit_code:
        return f"ent-{credit_code}"
    key = f"{community_code}|{grid_code}|{name}".encode()
    return f"ent-{hashlib.sha1(key, usedforsecurity=False).hexdigest()[:12]}"


def _text(value: str) -> _Result:
    if not value:
        return None, "不能为空"
    if len(value) > MAX_TEXT:
        return None, f"超过 {MAX_TEXT} 个字符"
    return value, None


def _code(value: str) -> _Result:
    if not value:
        return None, "不能为空"
    return _optional_code(value)


def _optional_code(value: str) -> _Result:
    if value and not REF_ID_RE.fullmatch(value):
        return None, "编码只能由字母、数字和 . _ - 组成（以字母或数字开头，最长 64 位）"
    return value or None, None


def _credit_code(value: str) -> _Result:
    code = value.replace(" ", "").upper()
    if not code:
        return None, None
    if len(code) != 18:
        return None, f"统一社会信用代码应为 18 位，此处为 {len(code)} 位"
    if not is_valid_uscc(code):
        return None, "统一社会信用代码无效（含不允许的字符或校验位不符）"
    return code, None


def split_tags(value: str) -> list[str]:
    """Values separated by 、 , ; ， or ；, blanks dropped, each once, in order."""
    return list(dict.fromkeys(t.strip() for t in TAG_SPLIT_RE.split(value) if t.strip()))


def _tags(value: str) -> _Result:
    tags = split_tags(value)
    if len(tags) > MAX_TAGS:
        return None, f"最多 {MAX_TAGS} 项"
    if any(len(t) > MAX_TEXT for t in tags):
        return None, f"单项超过 {MAX_TEXT} 个字符"
    return tags, None


def _required_tags(value: str) -> _Result:
    if not split_tags(value):
        return None, "不能为空"
    return _tags(value)


def _phone(value: str) -> _Result:
    if not value:
        return None, "不能为空"
    if not PHONE_RE.fullmatch(value):
        return None, "联系电话格式不正确（5–20 位数字，可含 + - 和空格）"
    return value, None


def _risk(value: str) -> _Result:
    if not value:
        return None, "不能为空（红/橙/黄/蓝）"
    color = RISK_WORDS.get(value.lower())
    if color is None:
        return None, f"风险等级“{value}”无法识别（应为 红/橙/黄/蓝）"
    return color.value, None


def _status(value: str) -> _Result:
    if not value:
        return "open", None
    status = STATUS_WORDS.get(value.lower())
    if status is None:
        return None, f"经营状态“{value}”无法识别（在营/停业/注销/搬离）"
    return status, None


def _employees(value: str) -> _Result:
    if not value:
        return None, None
    if not value.isdigit() or int(value) > 1_000_000:
        return None, "从业人数应为 0–1000000 的整数"
    return int(value), None


def _coordinate(value: str, limit: float, what: str) -> _Result:
    if not value:
        return None, None
    try:
        number = float(value)
    except ValueError:
        return None, f"{what}应为数字"
    if not -limit <= number <= limit:
        return None, f"{what}应在 -{limit:g} 到 {limit:g} 之间"
    return number, None


def _latitude(value: str) -> _Result:
    return _coordinate(value, 90, "纬度")


def _longitude(value: str) -> _Result:
    return _coordinate(value, 180, "经度")


def _lat_lon_pair(values: dict[str, str]) -> list[tuple[str, str]]:
    lat, lon = values.get("lat", ""), values.get("lon", "")
    if bool(lat) == bool(lon):
        return []
    missing = "lon" if lat else "lat"
    return [(missing, "纬度和经度应同时填写或同时留空")]
