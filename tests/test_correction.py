"""A returned inspection reaches its inspector on the next sync, who submits a correction
(更正) that supersedes it — over a real server on loopback, each role on its own device."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
import pytest

from app.services.correction import CorrectionService
from app.services.overview import inspections_of
from app.services.rectify import RectifyService
from app.services.review import ReviewService, returned_to
from app.services.visit import VisitError, VisitService
from app.store.drafts import list_drafts, load_draft
from app.store.records import hazard_state
from app.ui.views.home import HomeView
from app.ui.views.office import ReviewQueueView, ReviewView
from app.ui.views.summary import SummaryView
from app.ui.views.visit import VisitView
from domain.records import Inspection
from tests import domain_factories as f
from tests.api import Api
from tests.photo_visits import WHERE
from tests.role_devices import STROKES, answer_all, device_ui, identifiers, sync, walk
from tests.server_db import server_rows
from tests.ui_double import RecordingUi

COMMENT = "企业签字人职务未填写，第二项结果有误，请更正"


def inspect(ui: RecordingUi) -> dict[str, Any]:
    """A visit of ent-1: the first item fails (note, photo, a hazard from the item), the rest
    pass; located, summarised, signed by both; submitted. What a test needs comes back."""
    service = VisitService(ui.account)
    draft = service.start(f.ENTERPRISE)
    service.set_location(draft, WHERE, "ok")
    codes = answer_all(service, draft)
    service.set_result(draft, codes[0], "fail")
    service.set_note(draft, codes[0], "灭火器压力不足")
    assert ui.photo is not None
    photo = service.add_item_photo(draft, codes[0], ui.photo)
    key = service.add_hazard(draft, codes[0])
    service.update_hazard(
        draft, key, place="前台", measures="更换灭火器", interim_measures="设置警示，专人看护"
    )
    service.set_summary(draft, "发现灭火器压力不足一处，已告知限期整改。")
    service.sign_inspector(draft, STROKES)
    service.sign_enterprise(draft, "王五", "", STROKES)
    records = service.submit(draft)
    return {
        "id": records[0].id,
        "hazard_id": records[1].hazard_id,  # type: ignore[union-attr]
        "codes": codes,
        "photo": photo,
    }


def written(ui: RecordingUi) -> dict[str, int]:
    """How many rows the device holds where a correction could write."""
    db = ui.account.db
    return {
        table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("drafts", "records", "outbox", "blobs")
    }


def find(view: object, identifier: str) -> Any:
    return next(c for c in walk(view) if getattr(c, "identifier", None) == identifier)


def texts(control: object) -> list[str]:
    return [str(c.value) for c in walk(control) if isinstance(c, ft.Text)]


def test_a_returned_inspection_is_corrected_reviewed_and_counted_once(
    tmp_path: Path, server
) -> None:
    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=1)
    old = inspect(inspector)
    codes = old["codes"]
    sync(inspector)

    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)
    page = ReviewView(office, id=old["id"])
    page.comment.value = COMMENT
    assert page.send_back()
    sync(office)

    sync(inspector)
    [(record, review)] = returned_to(inspector.account.db, f.INSPECTOR)
    assert (record.id, review.comment) == (old["id"], COMMENT)

    # the correction: prefilled from the returned inspection, signatures to be given again
    draft_id = CorrectionService(inspector.account).start(old["id"])
    visits = VisitService(inspector.account)
    draft = visits.load(draft_id)
    assert draft["supersedes"] == old["id"]
    assert draft["enterprise_id"] == f.ENTERPRISE
    assert draft["template_id"] == f"{record.template_code}@{record.template_version}"
    assert draft["items"][codes[0]] == {
        "result": "fail",
        "note": "灭火器压力不足",
        "photos": [old["photo"]],
    }
    assert {draft["items"][c]["result"] for c in codes[1:]} == {"pass"}
    assert draft["summary"] == "发现灭火器压力不足一处，已告知限期整改。"
    assert (draft["location"], draft["location_status"]) == (WHERE, "ok")
    assert draft["started_at"] == record.started_at.isoformat()
    assert (draft["inspector_signature"], draft["enterprise_signature"], draft["refusal"]) == (
        None,
        None,
        None,
    )
    # the hazard stays its own record: shown read-only, not copied into the draft
    assert draft["hazards"] == []
    prior = draft["correction"]["prior_hazards"]
    assert [(h["hazard_id"], h["item_code"]) for h in prior] == [(old["hazard_id"], codes[0])]
    assert draft["correction"]["comment"] == COMMENT
    assert draft["correction"]["missing_photos"] == []
    # the failed item is covered by that hazard: only the signatures are missing
    assert visits.problems(draft_id) == ["检查人尚未签名", "被检查单位尚未签字（或记录拒签）"]

    visits.set_result(draft_id, codes[1], "na")
    visits.sign_inspector(draft_id, STROKES)
    visits.sign_enterprise(draft_id, "王五", "厂长", STROKES)
    records = visits.submit(draft_id)
    assert len(records) == 1  # the inspection only: no hazard reported twice
    correction = records[0]
    assert isinstance(correction, Inspection)
    assert correction.supersedes == old["id"] and correction.inspector_ids == [f.INSPECTOR]
    assert {i.item_code: str(i.result) for i in correction.items}[codes[1]] == "na"
    assert [s.signer_title for s in correction.signatures] == [None, "厂长"]
    assert load_draft(inspector.account.db, draft_id) is None
    assert returned_to(inspector.account.db, f.INSPECTOR) == []  # at once, on this device
    sync(inspector)

    # the office: the correction is a new item, marked as such; the old one is not listed
    sync(office)
    queue = ReviewQueueView(office)
    assert [e.inspection_id for e in queue.entries] == [correction.id]
    entry = queue.entries[0]
    assert entry.supersedes is not None and entry.supersedes.id == old["id"]
    old_number = entry.supersedes.number
    assert old_number is not None and "-TZ-" in old_number  # the 文号 the server gave
    built = queue.build()
    assert {"review-0", "review-correction-0"} <= identifiers(built)
    assert f"更正（替代 {old_number}）" in texts(find(built, "review-correction-0"))

    detail = ReviewView(office, id=correction.id)
    view = detail.build()
    assert detail.detail.supersedes is not None
    assert detail.detail.supersedes.id == old["id"]
    # the hazards hang on the original; the office sees them with the correction
    hazard_deadline = hazard_state(office.account.db, old["hazard_id"]).deadline
    assert detail.detail.hazard_ids == [old["hazard_id"]]
    assert detail.detail.hazard_lines[0].endswith(f" · 一般隐患 · 期限 {hazard_deadline}")
    assert office.account and ReviewQueueView(office).entries[0].hazards == 1
    assert texts(find(view, "review-supersedes")) == [f"更正（替代 {old_number}）"]
    assert {"review-approve", "review-return"} <= identifiers(view)
    earlier = ReviewView(office, id=old["id"])
    earlier_view = earlier.build()
    [later] = earlier.detail.superseded_by
    assert later.id == correction.id and later.number and later.number != old_number
    assert texts(find(earlier_view, "review-superseded-by-0")) == [f"已被更正 {later.number} 取代"]
    assert "review-approve" not in identifiers(earlier_view)

    assert detail.approve()
    sync(office)

    # the server holds both, linked; the hazard once; the figures count one inspection
    rows = server_rows(
        server.data_dir,
        "SELECT id, json_extract(data, '$.supersedes') FROM records WHERE kind = 'inspection'",
    )
    assert sorted(rows, key=lambda r: r[0]) == [(old["id"], None), (correction.id, old["id"])]
    reviews = server_rows(
        server.data_dir,
        "SELECT inspection_id, json_extract(data, '$.decision') FROM records "
        "WHERE kind = 'review' ORDER BY inspection_id",
    )
    assert sorted(reviews) == sorted([(old["id"], "returned"), (correction.id, "approved")])
    assert server_rows(
        server.data_dir,
        "SELECT hazard_id FROM records WHERE kind = 'hazard_event' AND type = 'reported'",
    ) == [(old["hazard_id"],)]
    figures = Api(server.url, f.OFFICE).get("/reports/summary").json()["subdistrict"]["year"]
    assert figures["inspections"] == 1
    assert figures["enterprises_inspected"] == 1
    assert figures["hazards_found"] == 1
    assert figures["zero_hazard_inspections"] == 0  # the hazard counts with the correction

    # the inspector: nothing returned any more, and it cannot be corrected again
    sync(inspector)
    assert returned_to(inspector.account.db, f.INSPECTOR) == []
    assert not {"returned-0", "correct-0"} & identifiers(HomeView(inspector).build())
    with pytest.raises(VisitError, match="这次检查已审核通过，不能更正"):
        CorrectionService(inspector.account).start(correction.id)
    with pytest.raises(VisitError, match="这次检查已提交过更正，不能重复更正"):
        CorrectionService(inspector.account).start(old["id"])
    # the enterprise's history keeps both, the old one marked as replaced
    history = {h["id"]: h for h in inspections_of(inspector.account.db, f.ENTERPRISE)}
    assert history[old["id"]]["superseded"] and not history[old["id"]]["correction"]
    assert history[correction.id]["correction"] and not history[correction.id]["superseded"]


def test_what_cannot_be_corrected_is_refused_and_nothing_written(tmp_path: Path, server) -> None:
    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=1)
    approved = inspect(inspector)["id"]
    returned = inspect(inspector)["id"]
    unreviewed = inspect(inspector)["id"]
    sync(inspector)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)
    ReviewService(office.account).approve(approved)
    ReviewService(office.account).send_back(returned, COMMENT)
    sync(office)
    sync(inspector)

    before = written(inspector)
    for target, message in (
        (approved, "这次检查已审核通过，不能更正"),
        (unreviewed, "这次检查没有被退回，无需更正"),
        ("01900000-0000-7000-8000-000000000000", "本机没有这次检查，请先同步"),
    ):
        with pytest.raises(VisitError, match=message):
            CorrectionService(inspector.account).start(target)
    assert written(inspector) == before

    # another inspector of the same grid holds the inspection, but it is not theirs
    other = device_ui(tmp_path, server.url, f.INSPECTOR_2, seed=3)
    assert CorrectionService(other.account).draft_for(returned) is None
    before_other = written(other)
    with pytest.raises(VisitError, match="只有这次检查的检查人才能提交更正"):
        CorrectionService(other.account).start(returned)
    home = HomeView(other)
    assert not home.correct(returned)
    assert other.toasts[-1] == "只有这次检查的检查人才能提交更正" and other.routes == []
    assert returned_to(other.account.db, f.INSPECTOR_2) == []
    assert written(other) == before_other

    # twice: the same draft, resumed
    first = CorrectionService(inspector.account).start(returned)
    assert CorrectionService(inspector.account).start(returned) == first
    home = HomeView(inspector)
    assert home.correct(returned) and inspector.routes[-1] == f"/visit/{first}"
    assert [d["id"] for d in list_drafts(inspector.account.db)] == [first]

    # the same inspector corrects it on a second phone first: this phone's draft is refused
    # on submit once that correction has reached it, and nothing is written
    phone_b = device_ui(tmp_path / "second-phone", server.url, f.INSPECTOR, seed=4)
    service_b = VisitService(phone_b.account)
    draft_b = CorrectionService(phone_b.account).start(returned)
    service_b.sign_inspector(draft_b, STROKES)
    service_b.record_refusal(draft_b, "负责人不在场", "赵六")
    [correction_b] = service_b.submit(draft_b)
    sync(phone_b)
    visits = VisitService(inspector.account)
    visits.sign_inspector(first, STROKES)
    visits.sign_enterprise(first, "王五", "厂长", STROKES)
    sync(inspector)
    before = written(inspector)
    with pytest.raises(VisitError, match="这次检查已提交过更正，不能重复更正"):
        visits.submit(first)
    assert written(inspector) == before
    assert returned_to(inspector.account.db, f.INSPECTOR) == []
    assert server_rows(
        server.data_dir,
        "SELECT id FROM records WHERE json_extract(data, '$.supersedes') = ?",
        (returned,),
    ) == [(correction_b.id,)]


def test_home_tile_banner_and_draft_routes(tmp_path: Path, server) -> None:
    inspector = device_ui(tmp_path, server.url, f.INSPECTOR, seed=1)
    old = inspect(inspector)
    codes = old["codes"]
    sync(inspector)
    office = device_ui(tmp_path, server.url, f.OFFICE, seed=2)
    ReviewService(office.account).send_back(old["id"], COMMENT)
    sync(office)
    sync(inspector)
    # a rectification recorded on the enterprise's behalf, left as a draft
    rectify_draft = RectifyService(inspector.account).start(old["hazard_id"])
    # the photo is no longer on this phone
    inspector.account.files.path(old["photo"]).unlink()

    home = HomeView(inspector)
    view = home.build()
    assert {"returned-0", "correct-0"} <= identifiers(view)
    assert f"东湖宏达机械加工厂 · 退回意见：{COMMENT}" in texts(find(view, "returned-0"))
    button = find(view, "correct-0").content
    assert button.content == "提交更正"
    button.on_click(None)
    route = inspector.routes[-1]
    draft_id = route.rsplit("/", 1)[1]
    assert route == f"/visit/{draft_id}"
    draft = load_draft(inspector.account.db, draft_id)
    assert draft is not None and draft["items"][codes[0]]["photos"] == []
    assert draft["correction"]["missing_photos"] == [
        {"item_code": codes[0], "sha256": old["photo"]}
    ]

    visit = VisitView(inspector, draft=draft_id)
    screen = visit.build()
    banner = texts(find(screen, "correction-banner"))
    assert banner[0] == f"更正：退回意见「{COMMENT}」"
    assert texts(find(screen, "correction-missing-photos")) == [
        "原检查有 1 张照片不在本机，未能带入更正，如需请重新拍摄"
    ]
    ids = identifiers(screen)
    assert f"item-{codes[0]}-prior-hazard-0" in ids  # read-only, links to the hazard
    assert f"item-{codes[0]}-report" not in ids  # not reported a second time
    find(screen, f"item-{codes[0]}-prior-hazard-0").content.on_click(None)
    assert inspector.routes[-1] == f"/hazard/{old['hazard_id']}"

    summary = SummaryView(inspector, draft=draft_id)
    screen = summary.build()
    assert texts(find(screen, "correction-banner"))[0] == f"更正：退回意见「{COMMENT}」"
    assert "summary-prior-hazard-0" in identifiers(screen)
    assert "原检查已登记的隐患 1 处（继续有效，不重复登记）" in texts(screen)

    # a plain visit has no banner
    plain = VisitService(inspector.account).start(f.ENTERPRISE)
    assert "correction-banner" not in identifiers(VisitView(inspector, draft=plain).build())
    assert "correction-banner" not in identifiers(SummaryView(inspector, draft=plain).build())

    # each kind of draft opens its own screen
    drafts_view = HomeView(inspector).build()
    routes, labels = set(), set()
    for i in range(3):
        tile = find(drafts_view, f"draft-{i}").content
        labels.add(str(tile.title.value))
        tile.on_click(None)
        routes.add(inspector.routes[-1])
    assert routes == {f"/visit/{draft_id}", f"/visit/{plain}", f"/rectify/{rectify_draft}"}
    assert labels == {
        "东湖宏达机械加工厂 的更正草稿",
        "东湖宏达机械加工厂 的检查草稿",
        "整改上报 · 东湖宏达机械加工厂",
    }
