"""The rectification notice's content (隐患整改通知书, DOMAIN.md §4.4), gathered from records.

Pure: what the notice says, from ``ReportData``; ``app.reports.notice_pdf`` lays it out.
One notice per inspection: the hazards reported from it (voided ones left out), with the
deadline set at the time and, when the office extended it since, the deadline in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.errors import ErrorCode, GridCheckError
from domain.labels import INSPECTION_KIND_ZH, short_ref
from domain.records import Inspection, Reported
from domain.reference import Enterprise
from domain.report_data import ReportData

DEFAULT_ISSUER = "街道安全生产委员会办公室"
DEFAULT_RECHECK_DAYS = 10  # DOMAIN.md §4.6: typical 复查时限 (verify locally [M])


@dataclass(frozen=True)
class NoticeHazard:
    reported: Reported
    number: str | None  # 隐患编号 from the server
    deadline_in_force: dt.date

    @property
    def extended(self) -> bool:
        return self.deadline_in_force != self.reported.deadline


@dataclass(frozen=True)
class Notice:
    inspection: Inspection
    enterprise: Enterprise
    number: str | None  # 文号 from the server; None until synced
    inspectors: tuple[str, ...]
    community: str
    grid: str
    hazards: tuple[NoticeHazard, ...]
    issuer: str = DEFAULT_ISSUER
    recheck_days: int = DEFAULT_RECHECK_DAYS
    replaces: tuple[str, ...] = ()  # 文号 (or temporary refs) of the notices a correction replaces

    @property
    def number_text(self) -> str:
        return self.number or f"待同步（临时编号 {short_ref(self.inspection.id)}）"

    @property
    def kind_text(self) -> str:
        return INSPECTION_KIND_ZH.get(self.inspection.inspection_kind, "")


def notice_for(
    data: ReportData,
    inspection_id: str,
    *,
    issuer: str = DEFAULT_ISSUER,
    recheck_days: int = DEFAULT_RECHECK_DAYS,
) -> Notice:
    """The notice of one inspection; ``not_found`` when the store lacks it or its enterprise."""
    inspection = data.inspection_by_id.get(inspection_id)
    enterprise = data.enterprise_by_id.get(inspection.enterprise_id) if inspection else None
    if inspection is None or enterprise is None:
        raise GridCheckError(ErrorCode.not_found, details={"inspection_id": inspection_id})
    # a correction keeps the hazards of the inspection(s) it replaces: they hang on those
    replaced: list[str] = []
    earlier = inspection.supersedes
    while earlier is not None and earlier not in replaced and earlier != inspection_id:
        replaced.append(earlier)
        previous = data.inspection_by_id.get(earlier)
        earlier = previous.supersedes if previous else None
    covered = {inspection_id, *replaced}
    hazards = tuple(
        NoticeHazard(
            reported=case.reported,
            number=case.number,
            deadline_in_force=case.state.deadline or case.reported.deadline,
        )
        for case in data.cases
        if case.reported.inspection_id in covered and not case.is_voided
    )
    return Notice(
        inspection=inspection,
        enterprise=enterprise,
        number=data.numbers.get(inspection_id),
        inspectors=data.inspector_names(inspection),
        community=data.community_name(enterprise.community_id),
        grid=data.grid_name(enterprise.grid_id),
        hazards=hazards,
        issuer=issuer,
        recheck_days=recheck_days,
        replaces=tuple(data.numbers.get(i) or f"临时编号 {short_ref(i)}" for i in replaced),
    )
