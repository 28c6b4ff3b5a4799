"""The office's ledger and dashboard, from what the device holds (works offline)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlite_utils import Database

from app.reports.device import ledger_xlsx_from_store, notice_pdf_from_store, summary_from_store
from app.store.blobs import BlobFiles
from app.store.reports import load_report_data
from domain.ledger import LedgerFilter, LedgerRow, ledger_rows
from domain.lifecycle import HazardStatus
from domain.report_data import DEFAULT_ZONE
from domain.statistics import Summary


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


def make_filter(
    community_id: str | None = None,
    level: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
) -> LedgerFilter:
    """A ledger filter from the screen's choices (empty strings mean "any")."""
    return LedgerFilter(
        community_id=community_id or None,
        level=level or None,  # type: ignore[arg-type]
        status=status or None,  # type: ignore[arg-type]
        overdue=overdue,
    )


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
    )


def ledger_xlsx(db: Database, chosen: LedgerFilter, today: dt.date) -> bytes:
    return ledger_xlsx_from_store(db, chosen, today=today)


def notice_pdf(db: Database, files: BlobFiles, inspection_id: str) -> bytes:
    return notice_pdf_from_store(db, files, inspection_id)


def dashboard(db: Database, today: dt.date) -> Summary:
    return summary_from_store(db, today=today)
