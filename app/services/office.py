"""The office's ledger and dashboard, from what the device holds (works offline).

Each public function reads the store's report data once (``load_report_data``: every record
held here) and works on it; a screen that needs several answers asks for them together
(``dashboard_page``) rather than reading the store once per answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlite_utils import Database

from app.store.reports import load_report_data
from domain.ledger import LedgerFilter, LedgerRow, ledger_rows
from domain.lifecycle import HazardStatus
from domain.report_data import DEFAULT_ZONE, ReportData
from domain.statistics import PeriodFigures, ScopeFigures, Summary, summarize

LEDGER_PAGE = 200  # rows shown on screen; the export holds every row


@dataclass(frozen=True)
class LedgerCounts:
    total: int = 0
    open: int = 0
    rectified: int = 0
    closed: int = 0
    voided: int = 0
    overdue: int = 0
    major: int = 0


@dataclass(frozen=True)
class Ledger:
    rows: list[LedgerRow]
    counts: LedgerCounts
    communities: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    grids: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    sectors: list[str] = field(default_factory=list)


class FilterError(ValueError):
    """A ledger filter the screen or a link could not take; the message is for the user."""


FILTER_FIELDS = tuple(LedgerFilter.model_fields)


def make_filter(**choices: object) -> LedgerFilter:
    """A ledger filter from the screen's choices or a link's query (empty means "any").

    Unknown names and values that do not parse raise ``FilterError`` with a Chinese message.
    """
    given = {k: v for k, v in choices.items() if v not in (None, "")}
    unknown = sorted(set(given) - set(FILTER_FIELDS))
    if unknown:
        raise FilterError(f"不认识的筛选条件：{'、'.join(unknown)}")
    try:
        return LedgerFilter.model_validate(given)
    except ValidationError as err:
        names = sorted({str(e["loc"][0]) for e in err.errors() if e["loc"]})
        if not names:
            raise FilterError("开始日期晚于结束日期") from err
        raise FilterError(f"筛选条件有误：{'、'.join(names)}") from err


def filter_query(chosen: LedgerFilter) -> str:
    """The filter as a route query (``?level=major&overdue=true``), for links to the ledger."""
    parts = []
    for name, value in chosen.model_dump(exclude_none=True).items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        parts.append(f"{name}={text}")
    return "?" + "&".join(parts) if parts else ""


def ledger(
    db: Database, chosen: LedgerFilter, today: dt.date, tz: dt.tzinfo = DEFAULT_ZONE
) -> Ledger:
    data = load_report_data(db)
    cases = [c for c in data.cases if chosen.matches(c, today, tz)]
    statuses = [c.state.status for c in cases]
    counts = LedgerCounts(
        total=len(cases),
        open=statuses.count(HazardStatus.open),
        rectified=statuses.count(HazardStatus.rectified),
        closed=statuses.count(HazardStatus.closed),
        voided=statuses.count(HazardStatus.voided),
        overdue=sum(1 for c in cases if c.state.is_overdue(today)),
        major=sum(1 for c in cases if c.reported.level == "major"),
    )
    return Ledger(
        rows=ledger_rows(data, chosen, today=today, tz=tz),
        counts=counts,
        communities=[(c.id, c.name) for c in data.communities],
        grids=[(g.id, g.name) for g in data.grids],
        sectors=sorted({t for e in data.enterprises for t in e.sector_tags}),
    )


SORT_KEYS = {
    "number": lambda r: r.number,
    "enterprise": lambda r: r.enterprise_name,
    "community": lambda r: r.community,
    "found": lambda r: r.inspected_on,
    "level": lambda r: r.level,
    "deadline": lambda r: (r.deadline is None, r.deadline or dt.date.max),
    "status": lambda r: r.status,
    "overdue": lambda r: r.overdue_days or 0,
}


def sort_rows(rows: list[LedgerRow], key: str, ascending: bool) -> list[LedgerRow]:
    """The ledger's rows sorted by one column; ties keep the order found."""
    return sorted(rows, key=SORT_KEYS[key], reverse=not ascending)


def _years(data: ReportData, today: dt.date) -> list[int]:
    years = {today.year}
    years |= {i.started_at.astimezone(DEFAULT_ZONE).year for i in data.inspections}
    years |= {c.found_on(DEFAULT_ZONE).year for c in data.cases}
    return sorted(years, reverse=True)


def scope_of(summary: Summary, community_id: str | None) -> ScopeFigures:
    """The sub-district's figures, or one community's."""
    if community_id:
        for scope in summary.communities:
            if scope.community_id == community_id:
                return scope
    return summary.subdistrict


@dataclass(frozen=True)
class MonthBar:
    """One month of the dashboard's chart."""

    label: str  # "3月"
    general: int
    major: int
    closed: int
    inspections: int


def month_bars(months: list[PeriodFigures]) -> list[MonthBar]:
    return [
        MonthBar(
            label=f"{int(m.period[-2:])}月",
            general=m.general_found,
            major=m.major_found,
            closed=m.closed,
            inspections=m.inspections,
        )
        for m in months
    ]


def _overdue_majors(
    data: ReportData, today: dt.date, community_id: str | None, limit: int
) -> list[LedgerRow]:
    chosen = make_filter(level="major", overdue=True, community_id=community_id)
    rows = ledger_rows(data, chosen, today=today, tz=DEFAULT_ZONE)
    return sort_rows(rows, "overdue", ascending=False)[:limit]


@dataclass(frozen=True)
class DashboardPage:
    """What the dashboard shows, from one read of the store."""

    years: list[int]  # years held, newest first (always this year)
    year: int  # the year shown
    summary: Summary
    community_id: str | None  # the community shown; None: the sub-district
    scope: ScopeFigures
    overdue_majors: list[LedgerRow]


def dashboard_page(
    db: Database,
    today: dt.date,
    year: int | None = None,
    community_id: str | None = None,
    limit: int = 20,
) -> DashboardPage:
    """The dashboard for ``year`` and ``community_id`` as asked: a year not held shows this
    year, a community the figures do not know shows the sub-district."""
    data = load_report_data(db)
    years = _years(data, today)
    shown = year if year in years else today.year
    summary = summarize(data, year=shown, today=today, tz=DEFAULT_ZONE)
    known = {c.community_id for c in summary.communities}
    chosen = community_id if community_id in known else None
    return DashboardPage(
        years=years,
        year=shown,
        summary=summary,
        community_id=chosen,
        scope=scope_of(summary, chosen),
        overdue_majors=_overdue_majors(data, today, chosen, limit),
    )
