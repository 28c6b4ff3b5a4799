"""The figures a 街道 reports (DOMAIN.md §7), per sub-district, community, year and month.

Pure: from ``ReportData`` (enterprises, inspections, hazard events), ``today`` (a date in
the sub-district's zone) and the zone. Every hazard's state comes from the fold; nothing
derived is stored. Definitions (one place, also returned with the figures):

- **应检单位 (due)**: enterprises in business (``status == "open"``) in the scope, by the
  reference data as it is now (an enterprise counts where it belongs today).
- **已检查单位 (inspected)**: distinct enterprises with at least one counted inspection in the
  period; **coverage** = inspected enterprises that are due / due (1.0 when none is due).
- **counted inspection**: not an enterprise self-check (``inspection_kind == "self"``) and not
  replaced by a correction (``supersedes``); dated by its start in the zone.
- **found**: hazards with a ``reported`` event whose 发现日期 (the inspection's day, else the
  report's) falls in the period; voided hazards (作废: 非隐患/重复登记) are not counted at all.
  Rates below are for this cohort, by the state it has ``today``.
- **整改率** = closed (已销号) / found; 1.0 when nothing was found.
- **按期整改率** = closed on or before the deadline in force (after approved extensions) /
  hazards that are due (the deadline has passed, or closed); 1.0 when none is due.
- **overdue**: the fold's ``is_overdue(today)``: deadline passed and not closed.
- **zero-hazard share** = counted inspections that recorded no (non-voided) hazard / counted
  inspections; None when there was no inspection (no signal, not 100%).
- **majors**: found / listed (挂牌督办) / closed / in treatment (在治: not closed) / overdue.
- **存量** [S]: majors found in ``rules.stock_until_year`` (2023) or earlier, not closed today.
  **增量**: majors found in the year asked for.
- **动态清零** [L, local practice, configurable through ``StatsRules``]: no major hazard is
  overdue today (whatever year it was found), 存量 = 0, and every major found in the year is
  closed on time or still within its deadline (a late closure breaks it when
  ``late_closure_breaks_clearance``).
- **晾晒 ranking** [L]: communities ordered by 动态清零 first, then fewer overdue hazards of
  the year, higher 整改率, higher 按期整改率, higher coverage, more hazards found ("查不出问题
  就是问题"); equal figures share a rank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.lifecycle import HazardStatus
from domain.records import HazardLevel, Inspection, InspectionKind
from domain.report_data import DEFAULT_ZONE, HazardCase, ReportData, local_date

STOCK_UNTIL_YEAR = 2023


@dataclass(frozen=True)
class StatsRules:
    """Local practice [L]; the defaults follow DOMAIN.md §7."""

    stock_until_year: int = STOCK_UNTIL_YEAR
    late_closure_breaks_clearance: bool = True


class Figures(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MajorFigures(Figures):
    found: int = 0
    listed: int = 0  # 挂牌督办
    closed: int = 0
    in_treatment: int = 0  # 在治: found, not closed
    overdue: int = 0


class PeriodFigures(Figures):
    period: str = Field(description="'2025' for a year, '2025-03' for a month")
    start: dt.date
    end: dt.date
    enterprises_total: int
    enterprises_due: int = Field(description="应检单位: in business (status open)")
    enterprises_inspected: int = Field(description="distinct enterprises inspected")
    enterprises_inspected_due: int
    coverage: float = Field(ge=0, le=1, description="inspected due / due; 1 when none due")
    inspections: int
    zero_hazard_inspections: int
    zero_hazard_share: float | None = Field(default=None, ge=0, le=1)
    hazards_found: int
    general_found: int
    major_found: int
    closed: int = Field(description="已销号 among the hazards found")
    rectified_pending: int = Field(description="已整改, waiting for re-check or close-out")
    open: int = Field(description="待整改")
    rectification_rate: float = Field(ge=0, le=1, description="整改率 = closed / found")
    due_for_rectification: int = Field(description="deadline passed, or closed")
    closed_on_time: int
    on_time_rate: float = Field(ge=0, le=1, description="按期整改率")
    overdue: int
    funds_yuan: Decimal = Field(description="整改资金 of the hazards found")
    majors: MajorFigures


class ScopeFigures(Figures):
    scope: Literal["subdistrict", "community"]
    community_id: str | None = None
    name: str
    year: PeriodFigures
    months: list[PeriodFigures]
    major_stock: int = Field(description="存量: majors found in the stock years, not closed")
    major_increment: int = Field(description="增量: majors found in the year")
    overdue_now: int = Field(description="hazards overdue today, whatever year found")
    overdue_majors_now: int
    dynamic_clearance: bool = Field(description="动态清零 [L]")


class RankEntry(Figures):
    rank: int
    community_id: str
    name: str
    dynamic_clearance: bool
    overdue: int
    rectification_rate: float
    on_time_rate: float
    coverage: float
    hazards_found: int
    major_found: int


class RulesOut(Figures):
    stock_until_year: int
    late_closure_breaks_clearance: bool


class Summary(Figures):
    year: int
    today: dt.date
    rules: RulesOut
    subdistrict: ScopeFigures
    communities: list[ScopeFigures]
    ranking: list[RankEntry]


# ---------------------------------------------------------------- facts per record


@dataclass(frozen=True)
class _Hazard:
    community_id: str
    found: dt.date
    major: bool
    status: HazardStatus
    closed_on: dt.date | None
    deadline: dt.date
    overdue: bool
    listed: bool
    funds: Decimal
    inspection_id: str | None

    @property
    def closed(self) -> bool:
        return self.status == HazardStatus.closed

    @property
    def closed_on_time(self) -> bool:
        return self.closed_on is not None and self.closed_on <= self.deadline

    def due(self, today: dt.date) -> bool:
        return self.closed or today > self.deadline


@dataclass(frozen=True)
class _Visit:
    id: str
    enterprise_id: str
    community_id: str
    day: dt.date


def _hazard_facts(
    cases: Iterable[HazardCase], today: dt.date, tz: dt.tzinfo, replaced: dict[str, str]
) -> list[_Hazard]:
    out = []
    for case in cases:
        if case.enterprise is None or case.is_voided or case.state.deadline is None:
            continue
        state = case.state
        inspection_id = _latest(case.reported.inspection_id, replaced)
        out.append(
            _Hazard(
                community_id=case.enterprise.community_id,
                found=case.found_on(tz),
                major=case.reported.level == HazardLevel.major,
                status=state.status or HazardStatus.open,
                closed_on=local_date(state.closed_at, tz) if state.closed_at else None,
                deadline=state.deadline,
                overdue=state.is_overdue(today),
                listed=state.escalation == "listed",
                funds=case.reported.funds_yuan,
                inspection_id=inspection_id,
            )
        )
    return out


def _latest(inspection_id: str | None, replaced: dict[str, str]) -> str | None:
    """The correction that stands for an inspection now (a chain is followed, a loop is not)."""
    seen: set[str] = set()
    while inspection_id in replaced and inspection_id not in seen:
        seen.add(inspection_id)
        inspection_id = replaced[inspection_id]
    return inspection_id


def _replacements(inspections: Iterable[Inspection]) -> dict[str, str]:
    """Inspection id → the id of the correction that supersedes it.

    Two corrections of one inspection (two phones, both offline) stand for one visit: the
    newest (by finished_at, then id) replaces the original and the other correction too.
    """
    by_original: dict[str, list[Inspection]] = {}
    for i in inspections:
        if i.supersedes:
            by_original.setdefault(i.supersedes, []).append(i)
    out: dict[str, str] = {}
    for original, corrections in by_original.items():
        newest = max(corrections, key=lambda c: (c.finished_at, c.id))
        out[original] = newest.id
        out.update({c.id: newest.id for c in corrections if c.id != newest.id})
    return out


def _visits(data: ReportData, tz: dt.tzinfo, replaced: dict[str, str]) -> list[_Visit]:
    out = []
    for insp in data.inspections:
        enterprise = data.enterprise_by_id.get(insp.enterprise_id)
        if enterprise is None or insp.id in replaced:
            continue
        if insp.inspection_kind == InspectionKind.self_check:
            continue
        out.append(
            _Visit(
                insp.id,
                insp.enterprise_id,
                enterprise.community_id,
                local_date(insp.started_at, tz),
            )
        )
    return out


# ---------------------------------------------------------------- periods


def _rate(part: int, whole: int) -> float:
    """A duty-style rate: nothing to do counts as all done (1.0)."""
    return 1.0 if whole == 0 else part / whole


def _period(
    label: str,
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date,
    enterprise_status: dict[str, str],
    hazards: list[_Hazard],
    visits: list[_Visit],
) -> PeriodFigures:
    found = [h for h in hazards if start <= h.found <= end]
    counted = [v for v in visits if start <= v.day <= end]
    with_hazard = {h.inspection_id for h in hazards if h.inspection_id}
    inspected = {v.enterprise_id for v in counted}
    due_units = {eid for eid, status in enterprise_status.items() if status == "open"}
    majors = [h for h in found if h.major]
    due = [h for h in found if h.due(today)]
    closed = sum(h.closed for h in found)
    on_time = sum(h.closed_on_time for h in found)
    zero = sum(v.id not in with_hazard for v in counted)
    return PeriodFigures(
        period=label,
        start=start,
        end=end,
        enterprises_total=len(enterprise_status),
        enterprises_due=len(due_units),
        enterprises_inspected=len(inspected),
        enterprises_inspected_due=len(inspected & due_units),
        coverage=_rate(len(inspected & due_units), len(due_units)),
        inspections=len(counted),
        zero_hazard_inspections=zero,
        zero_hazard_share=zero / len(counted) if counted else None,
        hazards_found=len(found),
        general_found=len(found) - len(majors),
        major_found=len(majors),
        closed=closed,
        rectified_pending=sum(h.status == HazardStatus.rectified for h in found),
        open=sum(h.status == HazardStatus.open for h in found),
        rectification_rate=_rate(closed, len(found)),
        due_for_rectification=len(due),
        closed_on_time=on_time,
        on_time_rate=_rate(on_time, len(due)),
        overdue=sum(h.overdue for h in found),
        funds_yuan=sum((h.funds for h in found), Decimal("0.00")),
        majors=MajorFigures(
            found=len(majors),
            listed=sum(h.listed for h in majors),
            closed=sum(h.closed for h in majors),
            in_treatment=sum(not h.closed for h in majors),
            overdue=sum(h.overdue for h in majors),
        ),
    )


def _months(year: int, today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The months of ``year`` that have begun by ``today``."""
    out = []
    for month in range(1, 13):
        start = dt.date(year, month, 1)
        if start > today:
            break
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        out.append((f"{year}-{month:02d}", start, following - dt.timedelta(days=1)))
    return out


def _scope(
    *,
    scope: Literal["subdistrict", "community"],
    community_id: str | None,
    name: str,
    year: int,
    today: dt.date,
    rules: StatsRules,
    enterprise_status: dict[str, str],
    hazards: list[_Hazard],
    visits: list[_Visit],
) -> ScopeFigures:
    common = {
        "today": today,
        "enterprise_status": enterprise_status,
        "hazards": hazards,
        "visits": visits,
    }
    figures = _period(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), **common)
    months = [_period(label, s, e, **common) for label, s, e in _months(year, today)]
    majors = [h for h in hazards if h.major]
    stock = sum(h.found.year <= rules.stock_until_year and not h.closed for h in majors)
    overdue_majors = sum(h.overdue for h in majors)
    new_majors = [h for h in majors if h.found.year == year]
    in_order = all(
        (h.closed_on_time or not rules.late_closure_breaks_clearance) if h.closed else not h.overdue
        for h in new_majors
    )
    return ScopeFigures(
        scope=scope,
        community_id=community_id,
        name=name,
        year=figures,
        months=months,
        major_stock=stock,
        major_increment=len(new_majors),
        overdue_now=sum(h.overdue for h in hazards),
        overdue_majors_now=overdue_majors,
        dynamic_clearance=overdue_majors == 0 and stock == 0 and in_order,
    )


def rank_communities(communities: Iterable[ScopeFigures]) -> list[RankEntry]:
    """晾晒: best first (see the module's definitions); equal figures share a rank."""

    def key(c: ScopeFigures) -> tuple[object, ...]:
        y = c.year
        return (
            not c.dynamic_clearance,
            y.overdue,
            -y.rectification_rate,
            -y.on_time_rate,
            -y.coverage,
            -y.hazards_found,
        )

    ordered = sorted(communities, key=lambda c: (key(c), c.name, c.community_id or ""))
    out: list[RankEntry] = []
    for position, c in enumerate(ordered, start=1):
        tied = position > 1 and key(ordered[position - 2]) == key(c)
        out.append(
            RankEntry(
                rank=out[-1].rank if tied else position,
                community_id=c.community_id or "",
                name=c.name,
                dynamic_clearance=c.dynamic_clearance,
                overdue=c.year.overdue,
                rectification_rate=c.year.rectification_rate,
                on_time_rate=c.year.on_time_rate,
                coverage=c.year.coverage,
                hazards_found=c.year.hazards_found,
                major_found=c.year.major_found,
            )
        )
    return out


def summarize(
    data: ReportData,
    *,
    year: int,
    today: dt.date,
    tz: dt.tzinfo = DEFAULT_ZONE,
    rules: StatsRules | None = None,
    subdistrict_name: str = "街道",
) -> Summary:
    """The figures of ``year`` as they stand ``today``: the sub-district, each community, a ranking.

    Communities are those of the reference data plus any an enterprise names; records of an
    enterprise this store does not know are left out (so community totals add up).
    """
    rules = rules or StatsRules()
    replaced = _replacements(data.inspections)
    hazards = _hazard_facts(data.cases, today, tz, replaced)
    visits = _visits(data, tz, replaced)
    status = {e.id: e.status for e in data.enterprises}
    community_ids = list(dict.fromkeys([c.id for c in data.communities]))
    community_ids += sorted({e.community_id for e in data.enterprises} - set(community_ids))
    common = {"year": year, "today": today, "rules": rules}
    whole = _scope(
        scope="subdistrict",
        community_id=None,
        name=subdistrict_name,
        enterprise_status=status,
        hazards=hazards,
        visits=visits,
        **common,
    )
    parts = [
        _scope(
            scope="community",
            community_id=cid,
            name=data.community_name(cid),
            enterprise_status={e.id: e.status for e in data.enterprises if e.community_id == cid},
            hazards=[h for h in hazards if h.community_id == cid],
            visits=[v for v in visits if v.community_id == cid],
            **common,
        )
        for cid in community_ids
    ]
    return Summary(
        year=year,
        today=today,
        rules=RulesOut(
            stock_until_year=rules.stock_until_year,
            late_closure_breaks_clearance=rules.late_closure_breaks_clearance,
        ),
        subdistrict=whole,
        communities=parts,
        ranking=rank_communities(parts),
    )
