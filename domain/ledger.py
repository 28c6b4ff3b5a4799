"""The hazard ledger (隐患排查治理台账, DOMAIN.md §4.3): its filter and its rows. Pure.

The device (from its local store) and the server (from its store) build the same rows
from ``ReportData`` and write them with ``domain.ledger_xlsx``. State, overdue and days
late are derived from the fold on the day asked for, never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from domain.labels import (
    ESCALATION_ZH,
    HANDLING_ZH,
    LEVEL_ZH,
    SOURCE_ZH,
    category_zh,
    provisional_number,
    status_zh,
)
from domain.lifecycle import HazardStatus
from domain.records import DeadlineExtended, HazardLevel, HazardSource
from domain.reference import RefId
from domain.report_data import DEFAULT_ZONE, HazardCase, ReportData, local_minute

Sector = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class LedgerFilter(BaseModel):
    """Which hazards the ledger lists; every field narrows it, none means all."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    community_id: RefId | None = Field(default=None, description="所属社区(村)")
    grid_id: RefId | None = Field(default=None, description="网格")
    enterprise_id: RefId | None = Field(default=None, description="单位")
    sector: Sector | None = Field(default=None, description="行业领域 (one of the sector tags)")
    level: HazardLevel | None = Field(default=None, description="隐患级别")
    status: HazardStatus | None = Field(default=None, description="状态, from the fold")
    overdue: bool | None = Field(default=None, description="true: only overdue; false: none")
    source: HazardSource | None = Field(default=None, description="隐患来源")
    date_from: dt.date | None = Field(default=None, description="发现日期 from (inclusive)")
    date_to: dt.date | None = Field(default=None, description="发现日期 to (inclusive)")

    @model_validator(mode="after")
    def _range(self) -> LedgerFilter:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self

    def matches(self, case: HazardCase, today: dt.date, tz: dt.tzinfo = DEFAULT_ZONE) -> bool:
        enterprise, reported = case.enterprise, case.reported
        found = case.found_on(tz)
        checks = (
            self.community_id is None
            or (enterprise is not None and enterprise.community_id == self.community_id),
            self.grid_id is None or (enterprise is not None and enterprise.grid_id == self.grid_id),
            self.enterprise_id is None or reported.enterprise_id == self.enterprise_id,
            self.sector is None
            or (enterprise is not None and self.sector in enterprise.sector_tags),
            self.level is None or reported.level == self.level,
            self.status is None or case.state.status == self.status,
            self.overdue is None or case.state.is_overdue(today) == self.overdue,
            self.source is None or reported.source == self.source,
            self.date_from is None or found >= self.date_from,
            self.date_to is None or found <= self.date_to,
        )
        return all(checks)

    def describe(self, data: ReportData) -> list[tuple[str, str]]:
        """The filter in words, for the ledger's notes sheet."""
        out: list[tuple[str, str]] = []
        if self.community_id:
            out.append(("所属社区", data.community_name(self.community_id)))
        if self.grid_id:
            out.append(("网格", data.grid_name(self.grid_id)))
        if self.enterprise_id:
            e = data.enterprise_by_id.get(self.enterprise_id)
            out.append(("单位", e.name if e else self.enterprise_id))
        if self.sector:
            out.append(("行业领域", self.sector))
        if self.level:
            out.append(("隐患级别", LEVEL_ZH[self.level]))
        if self.status:
            out.append(("状态", _STATUS_FILTER_ZH[self.status]))
        if self.overdue is not None:
            out.append(("是否逾期", "仅逾期" if self.overdue else "未逾期"))
        if self.source:
            out.append(("隐患来源", SOURCE_ZH[self.source]))
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "不限"
            end = self.date_to.isoformat() if self.date_to else "不限"
            out.append(("发现日期", f"{start} 至 {end}"))
        return out or [("条件", "全部隐患")]


_STATUS_FILTER_ZH = {
    HazardStatus.open: "待整改",
    HazardStatus.rectified: "已整改待复查/待销号",
    HazardStatus.closed: "已销号",
    HazardStatus.voided: "已作废",
}

CellKind = Literal["text", "wrap", "date", "datetime", "int", "money"]


@dataclass(frozen=True)
class LedgerRow:
    """One hazard, one row; field order is the column order (see ``COLUMNS``)."""

    seq: int
    number: str
    enterprise_name: str
    credit_code: str
    community: str
    grid: str
    sectors: str
    inspected_on: dt.date
    inspectors: str
    source: str
    title: str
    place: str
    description: str
    level: str
    category: str
    basis: str
    handling: str
    measures: str
    responsible: str
    responsible_phone: str
    deadline: dt.date | None
    extension: str
    funds_yuan: Decimal
    interim_measures: str
    escalation: str
    status: str
    overdue_days: int | None
    rectified_at: dt.datetime | None
    rectification_note: str
    recheck_by: str
    recheck_at: dt.datetime | None
    recheck_result: str
    closed_at: dt.datetime | None
    closed_by: str
    remark: str
    hazard_id: str

    def values(self) -> list[object]:
        return [getattr(self, f.name) for f in fields(self)]


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: CellKind


COLUMNS: tuple[Column, ...] = (
    Column("序号", 6, "int"),
    Column("隐患编号", 24, "text"),
    Column("单位名称", 26, "wrap"),
    Column("统一社会信用代码", 21, "text"),
    Column("所属社区", 12, "text"),
    Column("网格", 14, "text"),
    Column("行业领域", 16, "wrap"),
    Column("检查日期", 12, "date"),
    Column("检查人", 14, "wrap"),
    Column("隐患来源", 10, "text"),
    Column("隐患名称", 26, "wrap"),
    Column("隐患部位", 16, "wrap"),
    Column("隐患描述", 36, "wrap"),
    Column("隐患级别", 10, "text"),
    Column("隐患类别", 22, "text"),
    Column("判定依据", 28, "wrap"),
    Column("处理方式", 12, "text"),
    Column("整改措施", 36, "wrap"),
    Column("整改责任人", 11, "text"),
    Column("责任人电话", 15, "text"),
    Column("整改期限", 12, "date"),
    Column("延期情况", 22, "wrap"),
    Column("整改资金（元）", 13, "money"),
    Column("临时管控措施", 30, "wrap"),
    Column("督办", 10, "text"),
    Column("状态", 14, "text"),
    Column("逾期天数", 9, "int"),
    Column("整改完成时间", 17, "datetime"),
    Column("整改情况", 28, "wrap"),
    Column("复查人", 11, "text"),
    Column("复查时间", 17, "datetime"),
    Column("复查结果", 10, "text"),
    Column("销号时间", 17, "datetime"),
    Column("销号人", 11, "text"),
    Column("备注", 22, "wrap"),
    Column("隐患标识(UUID)", 38, "text"),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)


def _when(moment: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    return local_minute(moment, tz) if moment is not None else None


def _extension(case: HazardCase) -> str:
    extensions = [e for e in case.events if isinstance(e, DeadlineExtended)]
    if not extensions:
        return ""
    last = extensions[-1]
    return f"已延期{len(extensions)}次（原定 {case.reported.deadline.isoformat()}）：{last.reason}"


def ledger_row(
    seq: int, case: HazardCase, data: ReportData, today: dt.date, tz: dt.tzinfo
) -> LedgerRow:
    state, reported, enterprise = case.state, case.reported, case.enterprise
    inspectors = (
        data.inspector_names(case.inspection)
        if case.inspection
        else (data.user_name(reported.created_by),)
    )
    recheck, closing, fix, void = (
        case.last_recheck,
        case.closing_event,
        case.last_rectification,
        case.void_event,
    )
    overdue_days = (
        (today - state.deadline).days if state.is_overdue(today) and state.deadline else None
    )
    rectified_at = state.rectified_at or (state.closed_at if case.is_closed else None)
    return LedgerRow(
        seq=seq,
        number=case.number or provisional_number(reported.id),
        enterprise_name=enterprise.name if enterprise else reported.enterprise_id,
        credit_code=(enterprise.credit_code or "") if enterprise else "",
        community=data.community_name(enterprise.community_id) if enterprise else "",
        grid=data.grid_name(enterprise.grid_id) if enterprise else "",
        sectors="、".join(enterprise.sector_tags) if enterprise else "",
        inspected_on=case.found_on(tz),
        inspectors="、".join(inspectors),
        source=SOURCE_ZH.get(reported.source, str(reported.source)),
        title=reported.title,
        place=reported.place,
        description=reported.description,
        level=LEVEL_ZH[reported.level],
        category=category_zh(reported.category),
        basis=reported.basis,
        handling=HANDLING_ZH[reported.handling],
        measures=reported.measures,
        responsible=reported.responsible_name,
        responsible_phone=reported.responsible_phone,
        deadline=state.deadline,
        extension=_extension(case),
        funds_yuan=reported.funds_yuan,
        interim_measures=reported.interim_measures,
        escalation=ESCALATION_ZH.get(state.escalation or "", ""),
        status=status_zh(state),
        overdue_days=overdue_days,
        rectified_at=_when(rectified_at, tz),
        rectification_note=fix.note if fix else "",
        recheck_by=data.user_name(recheck.created_by, recheck.signatures) if recheck else "",
        recheck_at=_when(recheck.at, tz) if recheck else None,
        recheck_result=("合格" if recheck.passed else "不合格") if recheck else "",
        closed_at=_when(state.closed_at, tz),
        closed_by=data.user_name(closing.created_by, closing.signatures) if closing else "",
        remark=f"作废：{void.reason}" if void else "",
        hazard_id=case.hazard_id,
    )


def ledger_rows(
    data: ReportData,
    ledger_filter: LedgerFilter | None = None,
    *,
    today: dt.date,
    tz: dt.tzinfo = DEFAULT_ZONE,
) -> list[LedgerRow]:
    """The ledger's rows for ``ledger_filter``, in the order found, numbered from 1."""
    chosen = ledger_filter or LedgerFilter()
    cases = [c for c in data.cases if chosen.matches(c, today, tz)]
    return [ledger_row(i, c, data, today, tz) for i, c in enumerate(cases, start=1)]
