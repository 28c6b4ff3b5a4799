"""The field visit: a draft saved as it is typed, turned into sealed records on submit.

Photos and signature images are stored as blobs the moment they are taken; the draft keeps
their hashes (``app.services.drafting``).

A correction of a returned inspection (``app.services.correction``) is such a draft too,
marked ``supersedes``; it also carries ``correction`` (the office's comment, the hazards the
original reported, which stay and are not reported again) and is sealed by the same submit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from app.account import Account
from app.media.photos import WatermarkInfo, process_photo
from app.services import clock
from app.services.drafting import DraftService, Strokes, VisitError
from app.store import drafts, reference
from app.store.blobs import add_blob
from domain.ids import new_id
from domain.records import AnyRecord, Reported, seal
from domain.reference import ChecklistTemplate, Enterprise

DRAFT_KIND = "visit"
DEADLINE_PRESETS = (0, 3, 7, 15, 30)  # 立即, 3/7/15/30 天 [L]
DEFAULT_TEMPLATE = "GEN-SAFETY"


def suggest_template(
    enterprise: Enterprise, templates: list[ChecklistTemplate]
) -> ChecklistTemplate:
    """The template whose ``applies_to`` shares most tags with the enterprise's sectors."""
    tags = set(enterprise.sector_tags) | set(enterprise.special_tags)

    def score(t: ChecklistTemplate) -> tuple[int, int, str]:
        return (len(tags & set(t.applies_to)), t.code == DEFAULT_TEMPLATE, t.code)

    return max(templates, key=score)


def all_templates(account: Account) -> list[ChecklistTemplate]:
    """The latest version of each checklist template held here."""
    return list({t.code: t for t in reference.templates(account.db)}.values())


class VisitService(DraftService):
    kind = DRAFT_KIND

    # ------------------------------------------------------------ the draft

    def start(
        self, enterprise_id: str, template_id: str | None = None, kind: str = "routine"
    ) -> str:
        enterprise = self._enterprise(enterprise_id)
        templates = all_templates(self.account)
        if not templates:
            raise VisitError("本机还没有检查表，请先联网同步一次")
        template = next((t for t in templates if t.id == template_id), None) or suggest_template(
            enterprise, templates
        )
        return self._new(
            {
                "version": 1,
                "inspection_id": new_id(),
                "enterprise_id": enterprise_id,
                "template_id": template.id,
                "inspection_kind": kind,
                "started_at": clock.now().isoformat(),
                "location": None,
                "location_status": "unavailable",
                "items": {},
                "hazards": [],
                "summary": "",
                "inspector_signature": None,
                "enterprise_signature": None,
                "refusal": None,
            }
        )

    def template(self, draft: dict[str, Any]) -> ChecklistTemplate:
        t = reference.template(self.db, draft["template_id"])
        if t is None:
            raise VisitError("检查表不在本机，请联网同步")
        return t

    def _enterprise(self, enterprise_id: str) -> Enterprise:
        e = reference.enterprise(self.db, enterprise_id)
        if e is None:
            raise VisitError("本机没有该单位")
        return e

    def set_kind(self, draft_id: str, kind: str) -> None:
        self._change(draft_id, lambda d: d.update(inspection_kind=kind))

    def set_template(self, draft_id: str, template_id: str) -> None:
        def change(d: dict[str, Any]) -> None:
            if d["items"]:
                raise VisitError("已开始填写检查项，不能更换检查表")
            d["template_id"] = template_id

        self._change(draft_id, change)

    def set_location(self, draft_id: str, location: dict[str, float] | None, status: str) -> None:
        """Where the visit happened, or why that is not known (never blocks the visit)."""
        if status not in ("ok", "denied", "unavailable"):
            raise VisitError("无效的定位状态")
        self._change(
            draft_id,
            lambda d: d.update(location=location, location_status=status, location_tried=True),
        )

    def set_section(self, draft_id: str, section: int) -> None:
        self._change(draft_id, lambda d: d.update(section=section))

    # ------------------------------------------------------------ items

    def _item(self, d: dict[str, Any], code: str) -> dict[str, Any]:
        return d["items"].setdefault(code, {"result": None, "note": "", "photos": []})

    def set_result(self, draft_id: str, code: str, result: str) -> None:
        if result not in ("pass", "fail", "na"):
            raise VisitError("无效的检查结果")
        self._change(draft_id, lambda d: self._item(d, code).update(result=result))

    def set_note(self, draft_id: str, code: str, note: str) -> None:
        self._change(draft_id, lambda d: self._item(d, code).update(note=note))

    def set_summary(self, draft_id: str, summary: str) -> None:
        self._change(draft_id, lambda d: d.update(summary=summary))

    def _photo(self, draft: dict[str, Any], src: bytes) -> str:
        enterprise = self._enterprise(draft["enterprise_id"])
        loc = draft.get("location")
        place = f"{loc['lat']:.5f},{loc['lon']:.5f}" if loc else enterprise.address
        info = WatermarkInfo(
            taken_at=clock.now(),
            place=place,
            inspector=self.account.user.name,
            enterprise=enterprise.name,
        )
        photo = process_photo(src, info)
        with self.db.atomic():
            return add_blob(self.db, self.account.files, photo.jpeg, "image/jpeg", photo.thumbnail)

    def add_item_photo(self, draft_id: str, code: str, src: bytes) -> str:
        sha = self._photo(self.load(draft_id), src)
        self._change(draft_id, lambda d: self._item(d, code)["photos"].append(sha))
        return sha

    def remove_item_photo(self, draft_id: str, code: str, sha: str) -> None:
        self._change(draft_id, lambda d: self._item(d, code)["photos"].remove(sha))

    # ------------------------------------------------------------ hazards

    def add_hazard(self, draft_id: str, item_code: str | None = None) -> str:
        """A new hazard, pre-filled from the failed item when there is one."""
        draft = self.load(draft_id)
        item = self.template(draft).item(item_code) if item_code else None
        answer = draft["items"].get(item_code, {}) if item_code else {}
        unit = self._enterprise(draft["enterprise_id"])
        key = new_id()
        hazard = {
            "key": key,
            "hazard_id": new_id(),
            "item_code": item_code,
            "title": item.text[:60] if item else "",
            "description": answer.get("note", ""),
            "place": "",
            "level": "major" if item and item.major_if_failed else "general",
            "category": (item.category if item and item.category else "B99"),
            "basis": item.basis if item else "",
            "handling": "deadline",
            "measures": "",
            "responsible_name": unit.contact_name,
            "responsible_phone": unit.contact_phone,
            "deadline_days": 7,
            "deadline": None,
            "funds_yuan": "0",
            "interim_measures": "",
            "photos": list(answer.get("photos", [])),
        }
        self._change(draft_id, lambda d: d["hazards"].append(hazard))
        return key

    def hazard(self, draft: dict[str, Any], key: str) -> dict[str, Any]:
        found = next((h for h in draft["hazards"] if h["key"] == key), None)
        if found is None:
            raise VisitError("隐患不存在")
        return found

    def update_hazard(self, draft_id: str, key: str, **fields: Any) -> None:
        self._change(draft_id, lambda d: self.hazard(d, key).update(fields))

    def remove_hazard(self, draft_id: str, key: str) -> None:
        self._change(
            draft_id, lambda d: d.update(hazards=[h for h in d["hazards"] if h["key"] != key])
        )

    def add_hazard_photo(self, draft_id: str, key: str, src: bytes) -> str:
        sha = self._photo(self.load(draft_id), src)
        self._change(draft_id, lambda d: self.hazard(d, key)["photos"].append(sha))
        return sha

    def remove_hazard_photo(self, draft_id: str, key: str, sha: str) -> None:
        self._change(draft_id, lambda d: self.hazard(d, key)["photos"].remove(sha))

    def hazard_deadline(self, hazard: dict[str, Any], found: dt.date) -> dt.date | None:
        if hazard.get("deadline"):
            return dt.date.fromisoformat(hazard["deadline"])
        days = hazard.get("deadline_days")
        return None if days is None else found + dt.timedelta(days=int(days))

    def hazard_problems(self, draft: dict[str, Any], hazard: dict[str, Any]) -> dict[str, str]:
        """Field → message for everything the five must-haves still lack (empty when complete)."""
        data = self._reported_data(draft, hazard, clock.now())
        try:
            Reported.model_validate({**data, "content_hash": "0" * 64, "signatures": []})
        except ValidationError as exc:
            return explain(exc)
        return {}

    def _reported_data(
        self, draft: dict[str, Any], hazard: dict[str, Any], at: dt.datetime
    ) -> dict[str, Any]:
        try:
            funds = str(Decimal(str(hazard.get("funds_yuan") or "0").strip()))
        except InvalidOperation:
            funds = "invalid"
        deadline = self.hazard_deadline(hazard, at.date())
        return {
            "kind": "hazard_event",
            "type": "reported",
            "id": hazard.get("event_id") or new_id(),
            "hazard_id": hazard["hazard_id"],
            "enterprise_id": draft["enterprise_id"],
            "created_by": self.account.user.id,
            "at": at.isoformat(),
            "title": hazard["title"],
            "description": hazard["description"],
            "place": hazard["place"],
            "level": hazard["level"],
            "category": hazard["category"],
            "basis": hazard["basis"],
            "handling": hazard["handling"],
            "measures": hazard["measures"],
            "responsible_name": hazard["responsible_name"],
            "responsible_phone": hazard["responsible_phone"],
            "deadline": deadline.isoformat() if deadline else None,
            "funds_yuan": funds,
            "interim_measures": hazard["interim_measures"],
            "source": "grid_patrol",
            "photos": hazard["photos"],
            "inspection_id": draft["inspection_id"],
            "item_code": hazard.get("item_code"),
            "signatures": [],
        }

    # ------------------------------------------------------------ sign-off

    def sign_inspector(self, draft_id: str, strokes: Strokes) -> None:
        user = self.account.user
        block = self._signature(strokes, "inspector", user.name, user_id=user.id)
        self._change(draft_id, lambda d: d.update(inspector_signature=block))

    def sign_enterprise(self, draft_id: str, name: str, title: str, strokes: Strokes) -> None:
        if not name.strip():
            raise VisitError("请填写签字人姓名", {"signer_name": "必填"})
        block = self._signature(strokes, "enterprise", name.strip(), title.strip() or None)
        self._change(draft_id, lambda d: d.update(enterprise_signature=block, refusal=None))

    def record_refusal(
        self, draft_id: str, reason: str, witness_name: str, witness_title: str = ""
    ) -> None:
        problems = {
            k: "必填"
            for k, v in (("reason", reason), ("witness_name", witness_name))
            if not v.strip()
        }
        if problems:
            raise VisitError("拒签须记录原因和见证人", problems)
        refusal = {
            "reason": reason.strip(),
            "witness_name": witness_name.strip(),
            "witness_title": witness_title.strip() or None,
            "recorded_at": clock.now().isoformat(),
        }
        self._change(draft_id, lambda d: d.update(refusal=refusal, enterprise_signature=None))

    # ------------------------------------------------------------ submit

    def problems(self, draft_id: str) -> list[str]:
        """What still stands between this draft and submitting it, in the inspector's words.

        In a correction, a failed item covered by a hazard the original inspection reported
        needs no new one (that hazard stays in force)."""
        draft = self.load(draft_id)
        covered = {h.get("item_code") for h in prior_hazards(draft)}
        template = self.template(draft)
        out = []
        unanswered = [
            i.code
            for s in template.sections
            for i in s.items
            if not draft["items"].get(i.code, {}).get("result")
        ]
        if unanswered:
            out.append(f"还有 {len(unanswered)} 项未填写结果")
        for hazard in draft["hazards"]:
            if self.hazard_problems(draft, hazard):
                out.append(f"隐患「{hazard['title'] or '未命名'}」信息不完整")
        failed_without_hazard = [
            code
            for code, item in draft["items"].items()
            if item.get("result") == "fail"
            and code not in covered
            and not any(h.get("item_code") == code for h in draft["hazards"])
        ]
        if failed_without_hazard:
            out.append(f"{len(failed_without_hazard)} 个不符合项还没有登记隐患")
        if not draft["inspector_signature"]:
            out.append("检查人尚未签名")
        if not draft["enterprise_signature"] and not draft["refusal"]:
            out.append("被检查单位尚未签字（或记录拒签）")
        return out

    def submit(self, draft_id: str) -> list[AnyRecord]:
        """Seal the inspection and its hazards and queue them, in one transaction with the draft.

        A correction is checked again (still returned, still this inspector's, not corrected
        meanwhile) and sealed with ``supersedes``."""
        draft = self.load(draft_id)
        supersedes = draft.get("supersedes")
        user_id = self.account.user.id
        if supersedes:
            from app.services.correction import correctable  # it imports this module

            correctable(self.db, user_id, supersedes)
        problems = self.problems(draft_id)
        if problems:
            raise VisitError("；".join(problems))
        finished = clock.now()
        items = [
            {
                "item_code": code,
                "result": item["result"],
                "note": item["note"],
                "photos": item["photos"],
            }
            for code, item in draft["items"].items()
            if item.get("result")
        ]
        template = self.template(draft)
        signatures = [draft["inspector_signature"]]
        if draft["enterprise_signature"]:
            signatures.append(draft["enterprise_signature"])
        inspection = {
            "kind": "inspection",
            "id": draft["inspection_id"],
            "enterprise_id": draft["enterprise_id"],
            "created_by": self.account.user.id,
            "template_code": template.code,
            "template_version": template.version,
            "inspection_kind": draft["inspection_kind"],
            "inspector_ids": [
                user_id,
                *(i for i in draft.get("co_inspectors", []) if i != user_id),
            ],
            "started_at": draft["started_at"],
            "finished_at": finished.isoformat(),
            "location": draft["location"],
            "location_status": draft["location_status"],
            "items": items,
            "summary": draft["summary"]
            or _default_summary(items, len(draft["hazards"]) + len(prior_hazards(draft))),
            "refusal": draft["refusal"],
            "supersedes": supersedes,
            "signatures": signatures,  # seal() puts the content hash in each
        }
        records = [("inspection", seal("inspection", inspection))]
        for hazard in draft["hazards"]:
            records.append(
                ("hazard_event", seal("hazard_event", self._reported_data(draft, hazard, finished)))
            )
        return drafts.submit_draft(self.db, draft_id, records)

    def discard(self, draft_id: str) -> None:
        drafts.discard_draft(self.db, draft_id)


def prior_hazards(draft: dict[str, Any]) -> list[dict[str, Any]]:
    """In a correction: the hazards the original inspection reported (read-only here)."""
    if not draft.get("supersedes"):
        return []
    return list((draft.get("correction") or {}).get("prior_hazards", []))


def _default_summary(items: list[dict[str, Any]], hazards: int) -> str:
    failed = sum(1 for i in items if i["result"] == "fail")
    if not hazards:
        return f"共检查 {len(items)} 项，未发现隐患。"
    return (
        f"共检查 {len(items)} 项，不符合 {failed} 项，登记隐患 {hazards} 处，已告知单位限期整改。"
    )


FIELD_MESSAGES = {
    "missing": "必填",
    "string_too_short": "必填",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "decimal_parsing": "请输入金额（元）",
    "greater_than_equal": "不能为负数",
    "date_from_datetime_parsing": "请选择日期",
    "date_type": "请选择期限",
    "date_parsing": "请选择期限",
}


def explain(exc: ValidationError) -> dict[str, str]:
    """Pydantic's errors as field → message in Chinese (the first error per field)."""
    out: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        field = str(error["loc"][-1]) if error["loc"] else ""
        message = FIELD_MESSAGES.get(error["type"])
        if error["type"] == "value_error":
            text = str(error.get("msg", ""))
            if "interim_measures" in text:
                field, message = "interim_measures", "非现场整改的隐患须填写临时管控措施"
            elif "deadline" in text:
                field, message = "deadline", "整改期限不能早于发现日期"
        if field and field not in out:
            out[field] = message or "填写有误"
    return out
