"""The figures a 街道 reports: a hand-built sub-district with known answers, and properties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.records import Inspection, parse_record
from domain.reference import Community, Enterprise
from domain.report_data import ReportData
from domain.statistics import PeriodFigures, ScopeFigures, StatsRules, Summary, summarize
from sync_server.seed.demo_data import DEMO_TODAY, build_demo
from tests import domain_factories as f
from tests.report_set import ENTERPRISES, TODAY, YEAR, cst, report_data


@pytest.fixture(scope="module")
def summary() -> Summary:
    return summarize(report_data(), year=YEAR, today=TODAY)


def community(s: Summary, cid: str) -> ScopeFigures:
    return next(c for c in s.communities if c.community_id == cid)


def test_subdistrict_year(summary: Summary) -> None:
    y = summary.subdistrict.year
    assert (y.period, y.start, y.end) == ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (y.enterprises_total, y.enterprises_due) == (5, 4)  # e3 is closed down
    assert (y.enterprises_inspected, y.enterprises_inspected_due) == (4, 3)
    assert y.coverage == pytest.approx(0.75)
    # i1, i2c (i2 is replaced), i3, i4, i5; i6 is a self-check, i0 is 2023
    assert y.inspections == 5
    assert y.zero_hazard_inspections == 3 and y.zero_hazard_share == pytest.approx(0.6)
    # h1 h2 h3 h4 h6 (h5 voided, h0 2023, h7 2024)
    assert (y.hazards_found, y.general_found, y.major_found) == (5, 3, 2)
    assert (y.closed, y.rectified_pending, y.open) == (2, 0, 3)
    assert y.rectification_rate == pytest.approx(0.4)
    assert (y.due_for_rectification, y.closed_on_time) == (3, 1)  # h1 on time; h2 late; h3 due
    assert y.on_time_rate == pytest.approx(1 / 3)
    assert y.overdue == 1  # h3
    assert y.funds_yuan == Decimal("85300.50")  # h5's 999 is voided
    assert y.majors.model_dump() == {
        "found": 2,
        "listed": 1,
        "closed": 1,
        "in_treatment": 1,
        "overdue": 0,
    }


def test_stock_increment_and_dynamic_clearance(summary: Summary) -> None:
    s = summary.subdistrict
    assert s.major_stock == 1  # h0, found 2023, still open
    assert s.major_increment == 2
    assert s.overdue_now == 2  # h3 and h0
    assert s.overdue_majors_now == 1
    assert s.dynamic_clearance is False


def test_communities(summary: Summary) -> None:
    a, b, c = (community(summary, x) for x in ("comm-a", "comm-b", "comm-c"))
    assert [x.name for x in (a, b, c)] == ["东湖社区", "西山村", "南湾社区"]
    assert (a.year.enterprises_total, a.year.enterprises_due, a.year.coverage) == (3, 2, 1.0)
    assert (a.year.inspections, a.year.zero_hazard_inspections) == (4, 3)
    assert (a.year.hazards_found, a.year.closed) == (3, 2)
    assert a.year.rectification_rate == pytest.approx(2 / 3)
    assert a.year.on_time_rate == pytest.approx(1 / 3)
    # no stock, no overdue major, but h2 (new major) was closed after its deadline
    assert (a.major_stock, a.overdue_majors_now, a.dynamic_clearance) == (0, 0, False)

    assert (b.year.enterprises_due, b.year.enterprises_inspected, b.year.coverage) == (2, 1, 0.5)
    assert (b.year.inspections, b.year.zero_hazard_share) == (1, 0.0)  # i6 is a self-check
    assert (b.year.hazards_found, b.year.closed, b.year.rectification_rate) == (2, 0, 0.0)
    assert (b.year.due_for_rectification, b.year.on_time_rate) == (0, 1.0)  # nothing due yet
    assert (b.major_stock, b.overdue_majors_now, b.dynamic_clearance) == (1, 1, False)

    # nothing there: nothing to do counts as done, no inspection gives no zero-hazard share
    assert c.year.enterprises_total == 0 and c.year.hazards_found == 0
    assert (c.year.coverage, c.year.rectification_rate, c.year.on_time_rate) == (1.0, 1.0, 1.0)
    assert c.year.zero_hazard_share is None
    assert c.dynamic_clearance is True


def test_a_late_closure_breaks_clearance_only_by_rule() -> None:
    lenient = summarize(
        report_data(),
        year=YEAR,
        today=TODAY,
        rules=StatsRules(late_closure_breaks_clearance=False),
    )
    assert community(lenient, "comm-a").dynamic_clearance is True
    assert lenient.rules.late_closure_breaks_clearance is False
    later_stock = summarize(report_data(), year=YEAR, today=TODAY, rules=StatsRules(2022))
    assert later_stock.subdistrict.major_stock == 0  # h0 was found in 2023


def test_months_use_the_zone_and_stop_at_today(summary: Summary) -> None:
    months = {m.period: m for m in summary.subdistrict.months}
    assert list(months) == [f"2025-{m:02d}" for m in range(1, 7)]  # July has not begun
    assert months["2025-02"].inspections == 1  # i3
    march = months["2025-03"]
    assert (march.inspections, march.zero_hazard_inspections) == (2, 1)  # i1, i2c
    assert (march.hazards_found, march.closed, march.due_for_rectification) == (2, 2, 2)
    assert (march.rectification_rate, march.on_time_rate) == (1.0, 0.5)
    april = months["2025-04"]
    assert (april.inspections, april.zero_hazard_share, april.overdue) == (0, None, 1)
    # i5 began 2025-05-31 16:30 UTC, which is 1 June in Shanghai
    assert months["2025-05"].inspections == 1 and months["2025-06"].inspections == 1
    assert months["2025-06"].hazards_found == 1  # h6


def test_ranking(summary: Summary) -> None:
    ranking = [(r.rank, r.community_id) for r in summary.ranking]
    # C is clear; B has no overdue hazard of the year, A has one (h3)
    assert ranking == [(1, "comm-c"), (2, "comm-b"), (3, "comm-a")]


def test_ties_share_a_rank() -> None:
    twins = [Community(id=f"c{i}", code=f"C{i}", name=f"社区{i}") for i in range(3)]
    s = summarize(ReportData.of(communities=twins), year=YEAR, today=TODAY)
    assert [r.rank for r in s.ranking] == [1, 1, 1]


def test_a_past_year_has_all_months_a_future_year_none() -> None:
    data = report_data()
    assert len(summarize(data, year=2024, today=TODAY).subdistrict.months) == 12
    assert summarize(data, year=2026, today=TODAY).subdistrict.months == []
    y2024 = summarize(data, year=2024, today=TODAY).subdistrict.year
    assert (y2024.hazards_found, y2024.closed, y2024.closed_on_time) == (1, 1, 0)  # h7, late


def test_summary_is_json_ready(summary: Summary) -> None:
    again = Summary.model_validate_json(summary.model_dump_json())
    assert again == summary


# ---------------------------------------------------------------- properties

DAY0 = dt.date(2022, 1, 1)
COUNTS = (
    "enterprises_total",
    "enterprises_due",
    "enterprises_inspected",
    "enterprises_inspected_due",
    "inspections",
    "zero_hazard_inspections",
    "hazards_found",
    "general_found",
    "major_found",
    "closed",
    "rectified_pending",
    "open",
    "due_for_rectification",
    "closed_on_time",
    "overdue",
    "funds_yuan",
)


def _at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(DAY0 + dt.timedelta(days=day), dt.time(hour), tzinfo=f.CST)


STEPS = st.one_of(
    st.sampled_from(  # the usual paths, so that closing (on time or late) is common
        [[], ["rectified", "pass"], ["rectified", "closed"], ["pass"], ["listed", "rectified"]]
    ),
    st.lists(
        st.sampled_from(["rectified", "pass", "fail", "closed", "voided", "listed", "extend"]),
        max_size=4,
    ),
)
SPAN = 700  # days of history from DAY0: 2022 and most of 2023


@st.composite
def sub_districts(draw: st.DrawFn) -> tuple[ReportData, dt.date]:
    n_comm = draw(st.integers(1, 3))
    communities = [Community(id=f"c{i}", code=f"C{i}", name=f"社区{i}") for i in range(n_comm)]
    enterprises = [
        Enterprise(
            id=f"e{i}",
            name=f"单位{i}",
            address="路1号",
            community_id=f"c{draw(st.integers(0, n_comm - 1))}",
            grid_id="g",
            contact_name="王五",
            contact_phone="13900000000",
            status=draw(st.sampled_from(["open", "open", "closed", "suspended"])),
        )
        for i in range(draw(st.integers(1, 5)))
    ]
    today = DAY0 + dt.timedelta(days=draw(st.integers(300, SPAN + 100)))
    inspections: list[Inspection] = []
    for n in range(draw(st.integers(0, 6))):
        start = _at(draw(st.integers(0, SPAN)))
        inspections.append(
            f.inspection(  # type: ignore[arg-type]
                id=f.uid(n + 1),
                enterprise_id=draw(st.sampled_from(enterprises)).id,
                started_at=start,
                inspection_kind=draw(st.sampled_from(["routine", "self"])),
            )
        )
    events: list[Any] = []
    for n in range(draw(st.integers(0, 10))):
        hid, found = f.uid(1000 + n), draw(st.integers(0, SPAN))
        enterprise = draw(st.sampled_from(enterprises)).id
        linked = [i for i in inspections if i.enterprise_id == enterprise]
        kw: dict[str, Any] = {"hazard_id": hid, "enterprise_id": enterprise}
        events.append(
            f.reported(
                **kw,
                at=_at(found),
                level=draw(st.sampled_from(["general", "major"])),
                deadline=(_at(found) + dt.timedelta(days=draw(st.integers(0, 90)))).date(),
                inspection_id=draw(st.sampled_from([None, *[i.id for i in linked]])),
                funds_yuan=str(draw(st.integers(0, 5000))),
            )
        )
        for step_no, step in enumerate(draw(STEPS), start=1):
            at = _at(found + step_no * draw(st.integers(1, 30)))
            if step in ("pass", "fail"):
                events.append(f.rechecked(**kw, at=at, passed=step == "pass"))
            elif step == "listed":
                events.append(f.escalated(**kw, at=at, mode="listed"))
            elif step == "extend":
                new = at.date() + dt.timedelta(days=draw(st.integers(0, 60)))
                events.append(f.deadline_extended(**kw, at=at, new_deadline=new))
            else:
                events.append(f.event(step, **kw, at=at))
    data = ReportData.of(
        communities=communities, enterprises=enterprises, inspections=inspections, events=events
    )
    return data, today


def _periods(s: ScopeFigures) -> list[PeriodFigures]:
    return [s.year, *s.months]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=sub_districts(), year=st.integers(2022, 2024))
def test_rates_are_rates_and_totals_add_up(case: tuple[ReportData, dt.date], year: int) -> None:
    data, today = case
    s = summarize(data, year=year, today=today)
    for scope in [s.subdistrict, *s.communities]:
        for p in _periods(scope):
            for rate in (p.coverage, p.rectification_rate, p.on_time_rate):
                assert 0.0 <= rate <= 1.0
            assert p.zero_hazard_share is None or 0.0 <= p.zero_hazard_share <= 1.0
            assert p.hazards_found == p.closed + p.rectified_pending + p.open
            assert p.hazards_found == p.general_found + p.major_found
            assert p.closed_on_time <= min(p.closed, p.due_for_rectification)
            assert p.overdue <= p.open + p.rectified_pending
            assert p.majors.found == p.majors.closed + p.majors.in_treatment
        if scope.dynamic_clearance:
            assert scope.major_stock == 0 and scope.overdue_majors_now == 0
    # every enterprise belongs to one community: the communities add up to the whole
    for i, whole in enumerate(_periods(s.subdistrict)):
        parts = [_periods(c)[i] for c in s.communities]
        for name in COUNTS:
            assert getattr(whole, name) == sum(getattr(p, name) for p in parts), name
        for name in ("found", "listed", "closed", "in_treatment", "overdue"):
            assert getattr(whole.majors, name) == sum(getattr(p.majors, name) for p in parts)
    for name in ("major_stock", "major_increment", "overdue_now", "overdue_majors_now"):
        assert getattr(s.subdistrict, name) == sum(getattr(c, name) for c in s.communities)
    ranks = [r.rank for r in s.ranking]
    assert sorted(r.community_id for r in s.ranking) == sorted(c.id for c in data.communities)
    assert ranks == sorted(ranks) and (not ranks or ranks[0] == 1)


def test_the_demo_sub_district_keeps_its_promises() -> None:
    """The seeded demo: a 2023 major still open (存量), so no 动态清零 anywhere it lives."""
    demo = build_demo()
    records = [parse_record(k, d) for k, d in demo.records]
    data = ReportData.of(
        communities=demo.communities,
        grids=demo.grids,
        enterprises=demo.enterprises,
        users=[u.public for u in demo.users],
        inspections=[r for r in records if isinstance(r, Inspection)],
        events=[r for r in records if r.kind == "hazard_event"],  # type: ignore[misc]
    )
    s = summarize(data, year=DEMO_TODAY.year, today=DEMO_TODAY)
    assert s.subdistrict.major_stock >= 1 and s.subdistrict.dynamic_clearance is False
    assert s.subdistrict.year.enterprises_total == len(demo.enterprises)
    assert s.subdistrict.year.majors.listed >= 1
    assert len(s.ranking) == len(demo.communities)


def test_a_correction_inherits_the_hazards_of_the_inspection_it_replaces() -> None:
    old = f.inspection(id=f.uid(1), enterprise_id="e1", started_at=cst(2025, 3, 1))
    new = f.inspection(
        id=f.uid(2), enterprise_id="e1", started_at=cst(2025, 3, 1, 11), supersedes=old.id
    )
    found = f.reported(
        hazard_id=f.uid(3), enterprise_id="e1", at=cst(2025, 3, 1, 10), inspection_id=old.id
    )
    data = ReportData.of(enterprises=ENTERPRISES[:1], inspections=[old, new], events=[found])
    y = summarize(data, year=YEAR, today=TODAY).subdistrict.year
    assert (y.inspections, y.zero_hazard_inspections, y.hazards_found) == (1, 0, 1)


def test_two_corrections_of_one_inspection_count_as_one_visit() -> None:
    """Two phones corrected the same returned inspection offline: the newest stands."""
    old = f.inspection(id=f.uid(1), enterprise_id="e1", started_at=cst(2025, 3, 1))
    first, second = (
        f.inspection(
            id=f.uid(n), enterprise_id="e1", started_at=cst(2025, 3, 1, 11), supersedes=old.id
        )
        for n in (5, 4)  # the later id is the earlier correction: finished_at decides
    )
    second = second.model_copy(update={"finished_at": cst(2025, 3, 2, 9)})
    found = f.reported(
        hazard_id=f.uid(3), enterprise_id="e1", at=cst(2025, 3, 1, 10), inspection_id=old.id
    )
    for order in ([old, first, second], [second, first, old]):
        data = ReportData.of(enterprises=ENTERPRISES[:1], inspections=order, events=[found])
        y = summarize(data, year=YEAR, today=TODAY).subdistrict.year
        assert (y.inspections, y.zero_hazard_inspections, y.hazards_found) == (1, 0, 1)
