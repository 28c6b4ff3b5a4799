"""A small, hand-built sub-district whose figures, ledger and notices the tests know by heart.

``TODAY`` is 2025-06-15 (Asia/Shanghai). Three communities: 东湖社区 (A: e1, e2 and e3, the
last one closed down), 西山村 (B: e4, e5) and 南湾社区 (C: no enterprise at all).

Inspections (counted unless said): i1 e1 03-10 → h1, h2; i2 e2 03-12, replaced by its
correction i2c (same day) → nothing; i3 e3 02-01 → nothing; i4 e4 05-20 → h4; i5 e1
2025-05-31T16:30Z = 06-01 00:30 in Shanghai → nothing; i6 e4 06-05, a self-check (not
counted); i0 e5 2023-04-01 → h0.

Hazards: h1 general (i1), deadline 03-17, rectified 03-15, re-check passed 03-16: closed on
time. h2 major (i1), deadline 04-30, listed 挂牌督办, rectified 05-10, closed by the office
05-12: late. h3 general, complaint, no inspection, found 04-02, deadline 04-09, open:
overdue 67 days. h4 general (i4), deadline 07-01 extended to 07-15, open. h5 general, e4,
05-21, voided. h6 major, e5, found 06-10, deadline 08-31, open. h0 major, e5, 2023-04-01,
deadline 2023-05-01, open: 存量 and overdue. h7 general, e2, 2024-11-05, closed 2024-11-20.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.lifecycle import HazardEventRecord
from domain.records import Inspection
from domain.reference import Community, Enterprise, Grid, Role, UserPublic
from domain.report_data import ReportData
from tests import domain_factories as f
from tests.domain_factories import cst
from tests.org import uscc

TODAY = dt.date(2025, 6, 15)
YEAR = 2025
UTC = dt.UTC

COMMUNITIES = [
    Community(id="comm-a", code="A", name="东湖社区"),
    Community(id="comm-b", code="B", name="西山村"),
    Community(id="comm-c", code="C", name="南湾社区"),
]
GRIDS = [
    Grid(id="grid-a1", code="A1", name="东湖一网格", community_id="comm-a"),
    Grid(id="grid-a2", code="A2", name="东湖二网格", community_id="comm-a"),
    Grid(id="grid-b1", code="B1", name="西山一网格", community_id="comm-b"),
]


def _enterprise(eid: str, n: int, name: str, grid: Grid, sector: str, status: str) -> Enterprise:
    return Enterprise(
        id=eid,
        name=name,
        credit_code=uscc(100 + n),
        address=f"东湖路{n}号",
        community_id=grid.community_id,
        grid_id=grid.id,
        sector_tags=[sector],
        contact_name="王五",
        contact_phone="13900000000",
        status=status,  # type: ignore[arg-type]
    )


ENTERPRISES = [
    _enterprise("e1", 1, "东湖宏达机械加工厂", GRIDS[0], "工贸", "open"),
    _enterprise("e2", 2, "东湖福满楼餐馆", GRIDS[1], "餐饮", "open"),
    _enterprise("e3", 3, "东湖旧货仓库", GRIDS[1], "商贸", "closed"),
    _enterprise("e4", 4, "西山建材有限公司", GRIDS[2], "工贸", "open"),
    _enterprise("e5", 5, "西山化工涂料厂", GRIDS[2], "危险化学品", "open"),
]
USERS = [
    UserPublic(id=f.INSPECTOR, username=f.INSPECTOR, name="张三", role=Role.inspector),
    UserPublic(id=f.OFFICE, username=f.OFFICE, name="安办陈主任", role=Role.office),
    UserPublic(id=f.ENTERPRISE_USER, username=f.ENTERPRISE_USER, name="王五", role=Role.enterprise),
]


def _inspection(n: int, enterprise: str, start: dt.datetime, **kw: Any) -> Inspection:
    return f.inspection(
        id=f.uid(n),
        enterprise_id=enterprise,
        started_at=start,
        finished_at=start + dt.timedelta(minutes=40),
        **kw,
    )  # type: ignore[return-value]


I1 = _inspection(1, "e1", cst(2025, 3, 10))
I2 = _inspection(2, "e2", cst(2025, 3, 12))
I2C = _inspection(3, "e2", cst(2025, 3, 12, 10), supersedes=I2.id)
I3 = _inspection(4, "e3", cst(2025, 2, 1))
I4 = _inspection(5, "e4", cst(2025, 5, 20), refused=True)
I5 = _inspection(6, "e1", dt.datetime(2025, 5, 31, 16, 30, tzinfo=UTC))
I6 = _inspection(7, "e4", cst(2025, 6, 5), inspection_kind="self")
I0 = _inspection(8, "e5", cst(2023, 4, 1))
INSPECTIONS = [I1, I2, I2C, I3, I4, I5, I6, I0]

H = {
    name: f.uid(100 + i) for i, name in enumerate(["h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7"])
}


def _report(hid: str, enterprise: str, at: dt.datetime, deadline: dt.date, **kw: Any) -> Any:
    return f.reported(
        hazard_id=hid,
        id=f.uid(200 + list(H.values()).index(hid)),
        enterprise_id=enterprise,
        at=at,
        deadline=deadline,
        **kw,
    )


def _events() -> list[HazardEventRecord]:
    h = H
    out: list[Any] = [
        _report(
            h["h1"],
            "e1",
            cst(2025, 3, 10, 10),
            dt.date(2025, 3, 17),
            inspection_id=I1.id,
            title="消防通道堵塞",
            funds_yuan="100",
        ),
        f.rectified(hazard_id=h["h1"], enterprise_id="e1", at=cst(2025, 3, 15)),
        f.rechecked(hazard_id=h["h1"], enterprise_id="e1", at=cst(2025, 3, 16)),
        _report(
            h["h2"],
            "e1",
            cst(2025, 3, 10, 10),
            dt.date(2025, 4, 30),
            inspection_id=I1.id,
            level="major",
            title="粉尘涉爆除尘系统未防爆",
            funds_yuan="5000",
            basis="应急管理部令第10号 第十一条(三)",
        ),
        f.escalated(hazard_id=h["h2"], enterprise_id="e1", at=cst(2025, 3, 20), mode="listed"),
        f.rectified(hazard_id=h["h2"], enterprise_id="e1", at=cst(2025, 5, 10)),
        f.closed(hazard_id=h["h2"], enterprise_id="e1", at=cst(2025, 5, 12)),
        _report(
            h["h3"],
            "e2",
            cst(2025, 4, 2),
            dt.date(2025, 4, 9),
            source="complaint",
            title="燃气软管老化",
            funds_yuan="0",
        ),
        _report(
            h["h4"],
            "e4",
            cst(2025, 5, 20, 10),
            dt.date(2025, 7, 1),
            inspection_id=I4.id,
            title="配电箱未接地",
            funds_yuan="200.50",
        ),
        f.deadline_extended(
            hazard_id=h["h4"],
            enterprise_id="e4",
            at=cst(2025, 6, 1),
            new_deadline=dt.date(2025, 7, 15),
            reason="设备到货延迟",
        ),
        _report(
            h["h5"],
            "e4",
            cst(2025, 5, 21),
            dt.date(2025, 5, 28),
            title="重复登记的隐患",
            funds_yuan="999",
        ),
        f.voided(hazard_id=h["h5"], enterprise_id="e4", at=cst(2025, 5, 22), reason="重复登记"),
        _report(
            h["h6"],
            "e5",
            cst(2025, 6, 10),
            dt.date(2025, 8, 31),
            level="major",
            title="储罐区可燃气体报警器失效",
            funds_yuan="80000",
        ),
        _report(
            h["h0"],
            "e5",
            cst(2023, 4, 1, 10),
            dt.date(2023, 5, 1),
            inspection_id=I0.id,
            level="major",
            title="危化品仓库与宿舍同一建筑",
        ),
        _report(h["h7"], "e2", cst(2024, 11, 5), dt.date(2024, 11, 12), title="灭火器过期"),
        f.rectified(hazard_id=h["h7"], enterprise_id="e2", at=cst(2024, 11, 10)),
        f.rechecked(hazard_id=h["h7"], enterprise_id="e2", at=cst(2024, 11, 20)),
    ]
    return out


EVENTS = _events()
# the server numbered what reached it: h1's report and i1
NUMBERS = {
    next(
        e.id for e in EVENTS if getattr(e, "hazard_id", None) == H["h1"]
    ): "310105001-YH-2025-00001",
    I1.id: "310105001-TZ-2025-00001",
}


def report_data(**overrides: Any) -> ReportData:
    parts: dict[str, Any] = {
        "communities": COMMUNITIES,
        "grids": GRIDS,
        "enterprises": ENTERPRISES,
        "users": USERS,
        "inspections": INSPECTIONS,
        "events": EVENTS,
        "numbers": NUMBERS,
    }
    parts.update(overrides)
    return ReportData.of(**parts)
