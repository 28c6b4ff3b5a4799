"""Checklist template files and the generated demo sub-district."""

from __future__ import annotations

import importlib.util
import io
import json
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PIL import Image

from domain.lifecycle import HazardState, HazardStatus, fold_all
from domain.permissions import Principal, may_emit, record_action
from domain.records import (
    AnyRecord,
    Inspection,
    Rechecked,
    Rectified,
    Reported,
    Review,
    integrity_problems,
    parse_record,
)
from domain.reference import Role, is_valid_uscc
from sync_server.seed.demo_data import (
    DEMO_PASSWORD,
    DEMO_TODAY,
    TZ,
    DemoData,
    build_demo,
)
from sync_server.seed.templates import TEMPLATES_DIR, load_template_files

REPO = Path(__file__).resolve().parents[1]
CHECKLISTS = REPO / "assets" / "templates" / "source" / "checklists.json"
UNVERIFIED_MARKS = ("[条号待核]", "[待核]", "[L]", "条号需复核")


def _source() -> list[dict[str, Any]]:
    return json.loads(CHECKLISTS.read_text(encoding="utf-8"))


def _source_items(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for section in raw["sections"] for item in section["items"]]


def _convert_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "convert_templates", REPO / "scripts" / "convert_templates.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- templates


def test_every_template_file_validates_at_version_1() -> None:
    templates = load_template_files(TEMPLATES_DIR)
    assert sorted(t.code for t in templates) == sorted(raw["code"] for raw in _source())
    assert {t.version for t in templates} == {1}
    assert sorted(p.stem for p in TEMPLATES_DIR.glob("*.json")) == sorted(t.code for t in templates)


def test_item_counts_equal_the_source() -> None:
    templates = {t.code: t for t in load_template_files(TEMPLATES_DIR)}
    for raw in _source():
        template = templates[raw["code"]]
        assert [len(s.items) for s in template.sections] == [
            len(s["items"]) for s in raw["sections"]
        ]
    assert sum(len(s.items) for t in templates.values() for s in t.sections) == 227


def test_items_keep_text_flags_and_unverified_markers() -> None:
    templates = {t.code: t for t in load_template_files(TEMPLATES_DIR)}
    for raw in _source():
        template = templates[raw["code"]]
        assert template.title == raw["title"]
        assert template.applies_to == raw["applies_to"]
        assert [s.title for s in template.sections] == [s["title"] for s in raw["sections"]]
        for source in _source_items(raw):
            item = template.item(source["code"].replace(".", "-"))
            assert item is not None, source["code"]
            assert (item.text, item.major_if_failed, item.basis) == (
                source["text"],
                source["major_if_failed"],
                source["basis"],
            )
            assert item.category is not None
            for mark in UNVERIFIED_MARKS:
                assert (mark in item.basis) == (mark in source["basis"])


def test_categories_follow_the_keyword_rule() -> None:
    templates = {t.code: t for t in load_template_files(TEMPLATES_DIR)}
    expected = {
        ("GEN-SAFETY", "GEN-1-01"): "A01",  # 证照
        ("GEN-SAFETY", "GEN-1-02"): "A03",  # 责任制
        ("GEN-SAFETY", "GEN-2-01"): "A05",  # 培训
        ("GEN-SAFETY", "GEN-5-01"): "A07",  # 应急预案
        ("GEN-SAFETY", "GEN-4-06"): "B04",  # 电气线路
        ("GEN-SAFETY", "GEN-4-10"): "B09",  # 有限空间
        ("GEN-SAFETY", "GEN-4-12"): "B01",  # 粉尘
        ("JX-FIRE", "JX-3-01"): "B03",  # 疏散
        ("JX-FIRE", "JX-5-01"): "B04",  # 电气线路 before 可燃
        ("CATERING-GAS", "CG-3-01"): "B06",  # 燃气
        ("CONSTRUCTION-SMALL", "CS-3-01"): "A11",  # 特种设备使用登记
    }
    for (code, item_code), category in expected.items():
        item = templates[code].item(item_code)
        assert item is not None and item.category == category, (item_code, item)


def test_notes_name_the_source_and_what_must_be_verified() -> None:
    for template in load_template_files(TEMPLATES_DIR):
        assert "checklists.json" in template.notes
        assert "[M]" in template.notes and "[待核]" in template.notes
        fire = any("GB 35181" in i.basis for s in template.sections for i in s.items)
        assert ("GB 35181-2025" in template.notes) == fire, template.code
    fire_codes = {t.code for t in load_template_files(TEMPLATES_DIR) if "GB 35181-2025" in t.notes}
    assert fire_codes == {"JX-FIRE", "FIRE-MAJOR-GB35181"}


def test_committed_files_are_what_the_script_writes(tmp_path: Path) -> None:
    written = _convert_script().write_templates(CHECKLISTS, tmp_path)
    assert len(written) == 7
    for path in written:
        assert path.read_bytes() == (TEMPLATES_DIR / path.name).read_bytes(), path.name


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_loader_names_the_file_and_the_problem(tmp_path: Path) -> None:
    good = (TEMPLATES_DIR / "JX-FIRE.json").read_text(encoding="utf-8")

    _write(tmp_path / "a", "JX-FIRE.json", good)
    _write(tmp_path / "a", "BROKEN.json", "{not json")
    with pytest.raises(ValueError, match=r"BROKEN\.json: cannot read JSON"):
        load_template_files(tmp_path / "a")

    data = json.loads(good)
    data["sections"][0]["items"][0]["code"] = "bad code"
    _write(tmp_path / "b", "JX-FIRE.json", json.dumps(data, ensure_ascii=False))
    with pytest.raises(
        ValueError, match=r"JX-FIRE\.json: invalid template: sections\.0\.items\.0\.code"
    ):
        load_template_files(tmp_path / "b")

    _write(tmp_path / "c", "OTHER.json", good)
    with pytest.raises(
        ValueError, match=r"OTHER\.json: file name does not match template code JX-FIRE"
    ):
        load_template_files(tmp_path / "c")

    (tmp_path / "d").mkdir()
    with pytest.raises(ValueError, match="no template files"):
        load_template_files(tmp_path / "d")


# ---------------------------------------------------------------- demo: reference data


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return build_demo()


@pytest.fixture(scope="module")
def parsed(demo: DemoData) -> list[AnyRecord]:
    return [parse_record(kind, wire) for kind, wire in demo.records]


@pytest.fixture(scope="module")
def states(parsed: list[AnyRecord]) -> dict[str, HazardState]:
    return fold_all(r for r in parsed if r.kind == "hazard_event")  # type: ignore[misc]


def test_territory_and_enterprises(demo: DemoData) -> None:
    assert len(demo.communities) >= 3
    assert len(demo.grids) >= 10
    assert len(demo.enterprises) >= 300
    communities = {c.id for c in demo.communities}
    grids = {g.id: g for g in demo.grids}
    assert all(g.community_id in communities for g in demo.grids)
    for e in demo.enterprises:
        assert grids[e.grid_id].community_id == e.community_id
    assert len({e.id for e in demo.enterprises}) == len(demo.enterprises)
    assert len({e.name for e in demo.enterprises}) == len(demo.enterprises)
    assert len({e.grid_id for e in demo.enterprises}) == len(demo.grids)  # every grid has units


def test_credit_codes_are_valid_and_unique(demo: DemoData) -> None:
    codes = [e.credit_code for e in demo.enterprises]
    assert all(code and is_valid_uscc(code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_contacts_sectors_and_risk(demo: DemoData) -> None:
    for e in demo.enterprises:
        assert len(e.contact_phone) == 11 and e.contact_phone[:2] in {"13", "15", "18"}
        assert 2 <= len(e.contact_name) <= 3
    sectors = {tag for e in demo.enterprises for tag in e.sector_tags}
    assert {
        "工贸",
        "危险化学品",
        "九小场所",
        "人员密集场所",
        "燃气用户",
        "建筑施工",
        "特种设备",
    } <= sectors
    assert {"仓储", "文化娱乐", "教育", "医疗", "养老", "餐饮", "住宿"} <= sectors
    specials = {tag for e in demo.enterprises for tag in e.special_tags}
    assert {"粉尘涉爆", "液氨制冷", "有限空间", "燃气使用"} <= specials
    colours = Counter(e.risk_color.value for e in demo.enterprises)
    assert set(colours) == {"red", "orange", "yellow", "blue"}
    assert colours["blue"] > colours["yellow"] > colours["orange"] > colours["red"]


def test_named_users(demo: DemoData) -> None:
    users = {u.public.username: u.public for u in demo.users}
    roles = {
        name: users[name].role
        for name in ("admin", "office1", "inspector1", "inspector2", "enterprise1")
    }
    assert roles == {
        "admin": Role.admin,
        "office1": Role.office,
        "inspector1": Role.inspector,
        "inspector2": Role.inspector,
        "enterprise1": Role.enterprise,
    }
    assert {u.password for u in demo.users} == {DEMO_PASSWORD}
    first = demo.communities[0].id
    assert sorted(users["inspector1"].grid_ids) == sorted(
        g.id for g in demo.grids if g.community_id == first
    )
    assert len(users["inspector1"].grid_ids) == 3
    assert not set(users["inspector1"].grid_ids) & set(users["inspector2"].grid_ids)
    covered = [g for u in users.values() if u.role == Role.inspector for g in u.grid_ids]
    assert sorted(covered) == sorted(g.id for g in demo.grids)  # one inspector per grid
    unit = next(e for e in demo.enterprises if e.id == users["enterprise1"].enterprise_id)
    assert unit.grid_id in users["inspector1"].grid_ids


def test_templates_are_the_project_files(demo: DemoData) -> None:
    assert demo.templates == load_template_files(TEMPLATES_DIR)


# ---------------------------------------------------------------- demo: records


def _when(record: AnyRecord) -> datetime:
    if isinstance(record, Inspection):
        return record.finished_at
    return record.at  # type: ignore[union-attr]


def test_every_record_revalidates_with_intact_hashes(
    demo: DemoData, parsed: list[AnyRecord]
) -> None:
    for (kind, wire), record in zip(demo.records, parsed, strict=True):
        assert record.kind == kind
        assert record.wire() == wire
        assert integrity_problems(record) == []
    assert len({r.id for r in parsed}) == len(parsed)
    kinds = Counter(kind for kind, _ in demo.records)
    assert kinds["inspection"] >= 1000 and kinds["hazard_event"] >= 1000 and kinds["review"] >= 10


def test_records_come_in_creation_order_within_history(parsed: list[AnyRecord]) -> None:
    times = [_when(r) for r in parsed]
    assert times == sorted(times)
    now = datetime.combine(DEMO_TODAY, time(23, 59), TZ)
    assert times[0] >= datetime(2023, 1, 1, tzinfo=TZ) and times[-1] <= now
    assert all(t.utcoffset() == timedelta(hours=8) for t in times)


def test_every_referenced_blob_is_there(demo: DemoData, parsed: list[AnyRecord]) -> None:
    refs = {sha for r in parsed for sha in r.blob_refs()}
    assert refs <= set(demo.blobs)
    assert set(demo.blobs) == refs  # nothing unreferenced either


def test_blobs_are_real_pngs_and_jpegs(demo: DemoData, parsed: list[AnyRecord]) -> None:
    signatures = {s.png_sha256 for r in parsed for s in r.signatures}
    photos = set(demo.blobs) - signatures
    assert len(signatures) > 100 and 20 <= len(photos) <= 60
    for sha in list(signatures)[:20]:
        with Image.open(io.BytesIO(demo.blobs[sha])) as image:
            assert (image.format, image.size) == ("PNG", (600, 240))
    for sha in photos:
        with Image.open(io.BytesIO(demo.blobs[sha])) as image:
            assert (image.format, image.size) == ("JPEG", (640, 480))


def test_every_record_is_one_its_creator_may_emit(demo: DemoData, parsed: list[AnyRecord]) -> None:
    principals = {
        u.public.id: Principal(
            u.public.id, u.public.role, frozenset(u.public.grid_ids), u.public.enterprise_id
        )
        for u in demo.users
    }
    grid_of_unit = {e.id: e.grid_id for e in demo.enterprises}
    seen: Counter[tuple[str, Role]] = Counter()
    for record in parsed:
        principal = principals[record.created_by]
        assert may_emit(principal, record, grid_of_unit[record.enterprise_id]) is None, record.id
        seen[(record_action(record), principal.role)] += 1
    assert seen[("rectified", Role.enterprise)] > 0 and seen[("rectified", Role.inspector)] > 0
    office_actions = {"review", "escalated", "deadline_extended", "closed", "voided"}
    assert {a for a, role in seen if role == Role.office} == office_actions


def test_inspections_use_real_items_and_are_signed(demo: DemoData, parsed: list[AnyRecord]) -> None:
    templates = {(t.code, t.version): t for t in demo.templates}
    units = {e.id: e for e in demo.enterprises}
    inspections = [r for r in parsed if isinstance(r, Inspection)]
    for insp in inspections:
        template = templates[(insp.template_code, insp.template_version)]
        codes = {i.code for s in template.sections for i in s.items}
        assert {i.item_code for i in insp.items} <= codes
        assert set(template.applies_to) & set(units[insp.enterprise_id].sector_tags)
        assert insp.inspector_ids[0] == insp.created_by
        own = [s for s in insp.signatures if s.role == "inspector"]
        assert own[0].signer_user_id == insp.created_by
        for sig in insp.signatures:
            if sig.role == "enterprise":
                assert sig.signer_name and sig.signer_title
    titles = {s.signer_title for r in inspections for s in r.signatures if s.role == "enterprise"}
    assert {"负责人", "店长", "安全员"} <= titles
    assert 0 < sum(r.refusal is not None for r in inspections) < len(inspections) / 10
    kinds = Counter(r.inspection_kind.value for r in inspections)
    assert {"routine", "special", "joint"} <= set(kinds)


def test_hazards_come_from_failed_items(parsed: list[AnyRecord]) -> None:
    inspections = {r.id: r for r in parsed if isinstance(r, Inspection)}
    for reported in (r for r in parsed if isinstance(r, Reported)):
        assert reported.inspection_id is not None
        source = inspections[reported.inspection_id]
        failed = {i.item_code: i for i in source.items if i.result.value == "fail"}
        assert reported.item_code in failed
        assert reported.photos == failed[reported.item_code].photos
        assert reported.enterprise_id == source.enterprise_id
        assert reported.at > source.finished_at


def test_signatures_on_hazard_events(parsed: list[AnyRecord]) -> None:
    for record in parsed:
        if isinstance(record, Rechecked):
            assert record.signatures[0].signer_user_id == record.created_by
        if isinstance(record, Rectified):
            assert record.signatures[0].role == "enterprise"


def test_every_hazard_state_exists(parsed: list[AnyRecord], states: dict[str, HazardState]) -> None:
    assert all(not s.superseded for s in states.values())  # the demo tells a consistent story
    statuses = Counter(s.status for s in states.values())
    assert set(statuses) == {
        HazardStatus.open,
        HazardStatus.rectified,
        HazardStatus.closed,
        HazardStatus.voided,
    }
    assert any(s.is_overdue(DEMO_TODAY) for s in states.values())
    assert any(
        s.status == HazardStatus.open and not s.is_overdue(DEMO_TODAY) for s in states.values()
    )
    assert any(s.status == HazardStatus.rectified and not s.recheck_passed for s in states.values())
    assert any(
        s.status == HazardStatus.closed and s.level.value == "general" for s in states.values()
    )


def test_majors_listed_closed_by_office_and_one_from_2023_still_open(
    parsed: list[AnyRecord], states: dict[str, HazardState]
) -> None:
    by_id = {r.id: r for r in parsed}
    majors = [s for s in states.values() if s.level is not None and s.level.value == "major"]
    closed = [s for s in majors if s.status == HazardStatus.closed]
    assert closed and all(s.escalation == "listed" for s in closed)
    for state in closed:
        closer = by_id[state.history[-1][0]]
        assert closer.type == "closed" and closer.created_by == "u-office1"  # type: ignore[union-attr]
    stock = [
        s
        for s in majors
        if s.reported and s.reported.at.year == 2023 and s.status == HazardStatus.open
    ]
    assert stock and all(s.is_overdue(DEMO_TODAY) and s.escalation == "listed" for s in stock)


def test_failed_recheck_sends_back_to_open(
    parsed: list[AnyRecord], states: dict[str, HazardState]
) -> None:
    by_id = {r.id: r for r in parsed}

    def failed_recheck(state: HazardState) -> bool:
        return any(
            isinstance(by_id[e], Rechecked) and not by_id[e].passed for e, _ in state.history
        )  # type: ignore[union-attr]

    assert any(failed_recheck(s) and s.status == HazardStatus.open for s in states.values())
    assert any(failed_recheck(s) and s.status == HazardStatus.closed for s in states.values())


def test_enterprise1_has_open_hazards(demo: DemoData, states: dict[str, HazardState]) -> None:
    unit = next(u.public.enterprise_id for u in demo.users if u.public.username == "enterprise1")
    own = [s for s in states.values() if s.reported and s.reported.enterprise_id == unit]
    assert any(s.status == HazardStatus.open and s.is_overdue(DEMO_TODAY) for s in own)
    assert any(s.status == HazardStatus.rectified for s in own)
    # the office's walk-through starts from an overdue major nobody has escalated yet
    assert any(
        s.level == "major" and s.is_overdue(DEMO_TODAY) and s.escalation is None for s in own
    )


def test_reviews(parsed: list[AnyRecord]) -> None:
    inspections = {r.id for r in parsed if isinstance(r, Inspection)}
    reviews = [r for r in parsed if isinstance(r, Review)]
    assert all(r.inspection_id in inspections for r in reviews)
    decisions = Counter(r.decision for r in reviews)
    assert decisions["approved"] >= 10 and decisions["returned"] == 1
    assert all(r.comment for r in reviews if r.decision == "returned")


def test_deterministic(demo: DemoData) -> None:
    assert build_demo() == demo


def test_another_seed_and_day_still_tell_every_story() -> None:
    other = build_demo(seed=7, today=date(2026, 3, 2))
    records = [parse_record(kind, wire) for kind, wire in other.records]
    states = fold_all(r for r in records if r.kind == "hazard_event")  # type: ignore[misc]
    assert {s.status for s in states.values()} == set(HazardStatus)
    assert all(_when(r).date() <= date(2026, 3, 2) for r in records)
    assert {sha for r in records for sha in r.blob_refs()} == set(other.blobs)


def test_today_must_leave_room_for_the_history() -> None:
    with pytest.raises(ValueError, match="2025-01-01"):
        build_demo(today=date(2024, 6, 1))
