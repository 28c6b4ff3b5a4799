"""The office's reports over HTTP, against a real server that devices have synced to.

Three inspectors record field work dated 2025 (and one 2023 major hazard, 存量) on their own
devices with real photos and signatures and sync it; then the office reads the ledger and
the figures. The office's device, having pulled everything, makes the same ledger and the
same figures offline.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from app.reports.device import (
    ledger_xlsx_from_store,
    notice_pdf_from_store,
    summary_from_store,
)
from domain.ledger import HEADERS
from domain.ledger_xlsx import SHEET_TITLE, XLSX_MEDIA_TYPE
from domain.statistics import Summary
from tests import domain_factories as f
from tests.api import Api, error_code
from tests.devices import Device, device
from tests.domain_factories import cst
from tests.org import prepare
from tests.pdf_text import text_of
from tests.server_db import server_rows
from tests.server_process import ServerProcess

pytestmark = pytest.mark.slow

FORMULA_TITLE = "=1+2 配电箱未接地"


@dataclass
class World:
    server: ServerProcess
    office: Api
    hazards: dict[str, str]  # name → hazard id
    devices: dict[str, Device]
    inspection_a: str


def _report(d: Device, name: str, hazards: dict[str, str], **kw: Any) -> None:
    hazards[name] = f.uid()
    d.event("reported", hazards[name], **kw)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("reports")
    prepare(root / "server")
    server = ServerProcess(root / "server").start()
    names = {"insp1": f.INSPECTOR, "insp2": f.INSPECTOR_2, "insp3": "insp-3", "office": f.OFFICE}
    devices = {k: device(root / k, server.url, u) for k, u in names.items()}
    insp1, insp2, insp3, office = (devices[k] for k in names)
    hazards: dict[str, str] = {}
    try:
        a = insp1.inspect(f.ENTERPRISE, started_at=cst(2025, 3, 10))
        _report(
            insp1,
            "HA",
            hazards,
            at=cst(2025, 3, 10, 10),
            inspection_id=a.id,
            title=FORMULA_TITLE,
            place="配电间",
            deadline=dt.date(2025, 3, 17),
        )
        _report(
            insp1,
            "HB",
            hazards,
            at=cst(2025, 3, 10, 10),
            inspection_id=a.id,
            level="major",
            title="粉尘除尘系统未防爆",
            deadline=dt.date(2030, 6, 30),
        )
        insp1.inspect(f.ENTERPRISE, started_at=cst(2025, 6, 1))  # nothing found
        b = insp2.inspect("ent-2", started_at=cst(2025, 4, 2))
        _report(
            insp2,
            "HC",
            hazards,
            enterprise_id="ent-2",
            at=cst(2025, 4, 2, 10),
            inspection_id=b.id,
            title="燃气软管老化",
            deadline=dt.date(2025, 4, 9),
        )
        insp2.event("rectified", hazards["HC"], enterprise_id="ent-2", at=cst(2025, 4, 5))
        insp2.event("rechecked", hazards["HC"], enterprise_id="ent-2", at=cst(2025, 4, 8))
        c = insp3.inspect("ent-3", started_at=cst(2023, 5, 1))
        _report(insp3, "HD", hazards, enterprise_id="ent-3", at=cst(2023, 5, 1, 10),
                inspection_id=c.id, level="major", title="危化品仓库与宿舍同一建筑",
                deadline=dt.date(2023, 6, 1))  # fmt: skip
        for d in (insp1, insp2, insp3):
            report = d.sync()
            assert report.ok and report.rejected == 0 and d.waiting().nothing, report
        office.event("escalated", hazards["HD"], enterprise_id="ent-3", at=cst(2023, 7, 1),
                     mode="listed")  # fmt: skip
        assert office.sync().rejected == 0
        insp1.sync()  # the server's numbers come back to the inspector's device
        yield World(server, Api(server.url, f.OFFICE), hazards, devices, a.id)
    finally:
        for d in devices.values():
            d.account.close()
        server.stop()


def ledger(api: Api, **params: Any) -> Any:
    r = api.get("/reports/ledger.xlsx", params=params)
    assert r.status_code == 200, r.text
    return load_workbook(io.BytesIO(r.content))[SHEET_TITLE]


def ledger_ids(ws: Any) -> list[str]:
    return [ws.cell(row=r, column=len(HEADERS)).value for r in range(2, ws.max_row + 1)]


def sheet_values(ws: Any) -> list[list[Any]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_office_gets_the_ledger(world: World) -> None:
    r = world.office.get("/reports/ledger.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"] == XLSX_MEDIA_TYPE
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content))[SHEET_TITLE]
    assert [c.value for c in ws[1]] == list(HEADERS)
    h = world.hazards
    assert ledger_ids(ws) == [h["HD"], h["HA"], h["HB"], h["HC"]]  # in the order found
    rows = {ws.cell(r, len(HEADERS)).value: r for r in range(2, ws.max_row + 1)}
    col = {name: i + 1 for i, name in enumerate(HEADERS)}
    number = ws.cell(rows[h["HD"]], col["隐患编号"]).value
    assert re.fullmatch(r"310105001-YH-2023-\d{5}", number)  # given by the server
    assert ws.cell(rows[h["HD"]], col["督办"]).value == "挂牌督办"
    assert ws.cell(rows[h["HD"]], col["所属社区"]).value == "西山村"
    title = ws.cell(rows[h["HA"]], col["隐患名称"])
    assert title.value == FORMULA_TITLE and title.data_type == "s" and title.quotePrefix
    assert ws.cell(rows[h["HC"]], col["状态"]).value == "已销号"
    assert ws.cell(rows[h["HC"]], col["复查结果"]).value == "合格"
    assert ws.cell(rows[h["HA"]], col["检查人"]).value == "张三"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "major"}, ["HD", "HB"]),
        ({"overdue": "true"}, ["HD", "HA"]),
        ({"overdue": "false"}, ["HB", "HC"]),
        ({"community_id": "comm-2"}, ["HD"]),
        ({"grid_id": "grid-2"}, ["HC"]),
        ({"enterprise_id": "ent-1"}, ["HA", "HB"]),
        ({"status": "closed"}, ["HC"]),
        ({"status": "open", "level": "general"}, ["HA"]),
        ({"date_from": "2025-01-01", "date_to": "2025-03-31"}, ["HA", "HB"]),
        ({"sector": "工贸"}, ["HD", "HA", "HB", "HC"]),
        ({"source": "complaint"}, []),
    ],
)
def test_ledger_filters(world: World, params: dict[str, str], expected: list[str]) -> None:
    assert ledger_ids(ledger(world.office, **params)) == [world.hazards[n] for n in expected]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "huge"}, "level"),
        ({"status": "lost"}, "status"),
        ({"overdue": "maybe"}, "overdue"),
        ({"source": "rumour"}, "source"),
        ({"date_from": "2025-02-30"}, "date_from"),
        ({"date_from": "2025-05-01", "date_to": "2025-04-01"}, ""),
        ({"colour": "red"}, "colour"),
        ({"community_id": "no such!"}, "community_id"),
        ({"community_id": "comm-9"}, "community_id"),  # well formed, but not there
        ({"grid_id": "grid-9"}, "grid_id"),
    ],
)
def test_bad_ledger_filters_are_invalid(world: World, params: dict[str, str], field: str) -> None:
    r = world.office.get("/reports/ledger.xlsx", params=params)
    assert r.status_code == 422 and error_code(r) == "invalid", r.text
    fields = [e["field"] for e in r.json()["error"]["details"]["errors"]]
    assert any(field in x for x in fields), fields


@pytest.mark.parametrize("username", [f.INSPECTOR, f.ENTERPRISE_USER])
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/reports/ledger.xlsx", {}),
        ("/reports/ledger.xlsx", {"level": "huge"}),  # the role is checked first
        ("/reports/summary", {}),
        ("/reports/summary", {"year": "1999"}),
    ],
)
def test_only_the_office_reads_reports(
    world: World, username: str, path: str, params: dict[str, str]
) -> None:
    r = Api(world.server.url, username).get(path, params=params)
    assert r.status_code == 403 and error_code(r) == "forbidden"


def test_no_token_no_reports(world: World) -> None:
    for path in ("/reports/ledger.xlsx", "/reports/summary"):
        r = Api(world.server.url).get(path)
        assert r.status_code == 401 and error_code(r) == "unauthorized"


def test_the_admin_reads_reports_too(world: World) -> None:
    assert Api(world.server.url, f.ADMIN).get("/reports/summary").status_code == 200


def test_summary_figures(world: World) -> None:
    r = world.office.get("/reports/summary", params={"year": 2025})
    assert r.status_code == 200, r.text
    s = Summary.model_validate(r.json())
    y = s.subdistrict.year
    assert (y.enterprises_total, y.enterprises_due, y.enterprises_inspected) == (3, 3, 2)
    assert y.coverage == pytest.approx(2 / 3)
    assert (y.inspections, y.zero_hazard_inspections) == (3, 1)
    assert (y.hazards_found, y.general_found, y.major_found, y.closed) == (3, 2, 1, 1)
    assert y.rectification_rate == pytest.approx(1 / 3)
    assert (y.due_for_rectification, y.closed_on_time, y.on_time_rate) == (2, 1, 0.5)
    assert y.overdue == 1 and (y.majors.found, y.majors.in_treatment) == (1, 1)
    assert (s.subdistrict.major_stock, s.subdistrict.overdue_now) == (1, 2)
    assert s.subdistrict.dynamic_clearance is False
    by_id = {c.community_id: c for c in s.communities}
    assert by_id["comm-1"].dynamic_clearance is True  # its new major is within its deadline
    assert by_id["comm-2"].major_stock == 1 and by_id["comm-2"].dynamic_clearance is False
    assert [(e.rank, e.community_id) for e in s.ranking] == [(1, "comm-1"), (2, "comm-2")]
    assert [m.period for m in s.subdistrict.months] == [f"2025-{m:02d}" for m in range(1, 13)]


def test_summary_for_one_community_and_this_year(world: World) -> None:
    r = world.office.get("/reports/summary", params={"year": 2023, "community_id": "comm-2"})
    s = Summary.model_validate(r.json())
    assert [c.community_id for c in s.communities] == ["comm-2"]
    assert s.communities[0].year.major_found == 1 and s.communities[0].year.majors.listed == 1
    assert len(s.ranking) == 2  # the rank is among all communities
    now = world.office.get("/reports/summary").json()
    assert now["year"] == dt.datetime.now(ZoneInfo("Asia/Shanghai")).year


@pytest.mark.parametrize(
    "params",
    [{"year": "1999"}, {"year": "twenty"}, {"community_id": "comm-9"}, {"community_id": "a b"}],
)
def test_bad_summary_queries_are_invalid(world: World, params: dict[str, str]) -> None:
    r = world.office.get("/reports/summary", params=params)
    assert r.status_code == 422 and error_code(r) == "invalid", r.text


def test_reports_are_in_the_openapi_document(world: World) -> None:
    doc = world.office.get("/openapi.json").json()
    assert "/api/v1/reports/summary" in doc["paths"]
    ledger_op = doc["paths"]["/api/v1/reports/ledger.xlsx"]["get"]
    assert {"level", "overdue", "date_from", "community_id"} <= {
        p["name"] for p in ledger_op["parameters"]
    }
    assert {"Summary", "ScopeFigures", "PeriodFigures", "RankEntry"} <= set(
        doc["components"]["schemas"]
    )


def test_the_office_device_makes_the_same_reports_offline(world: World) -> None:
    office = world.devices["office"]
    assert office.sync().ok  # pulls every record the server holds
    served = ledger(world.office)
    offline = load_workbook(io.BytesIO(ledger_xlsx_from_store(office.db)))[SHEET_TITLE]
    assert sheet_values(offline) == sheet_values(served)
    figures = summary_from_store(office.db, year=2025)
    remote = Summary.model_validate(world.office.get("/reports/summary?year=2025").json())
    assert figures.communities == remote.communities and figures.ranking == remote.ranking
    assert figures.subdistrict.year == remote.subdistrict.year


def test_the_inspector_device_prints_the_server_number(world: World) -> None:
    insp1 = world.devices["insp1"]
    number = server_rows(
        world.server.data_dir, "SELECT number FROM records WHERE id = ?", (world.inspection_a,)
    )[0][0]
    assert re.fullmatch(r"310105001-TZ-2025-\d{5}", number)
    text = text_of(notice_pdf_from_store(insp1.db, insp1.account.files, world.inspection_a))
    assert f"文号：{number}" in text
    assert "东湖宏达机械加工厂" in text and "粉尘除尘系统未防爆" in text
    assert "2030年6月30日" in text and "未下载到本机" not in text
