"""The reports on the device, from its local store, offline: what a screen calls.

Each function loads the account's data once (``app.store.reports``; a notice only its
unit's) and runs the shared domain functions, so a device and the server compute the same
figures and write the same ledger. An inspector's device holds only its grids, an enterprise's only itself: the
reports cover what the device holds.
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from app.reports.notice_pdf import notice_pdf
from app.store.blobs import BlobFiles
from app.store.records import get_record
from app.store.reports import load_report_data
from domain.ledger import LedgerFilter, ledger_rows
from domain.ledger_xlsx import ledger_xlsx
from domain.notice import DEFAULT_ISSUER, notice_for
from domain.report_data import DEFAULT_ZONE, ReportData
from domain.statistics import StatsRules, Summary, summarize


def _now(tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.now(tz).replace(tzinfo=None, second=0, microsecond=0)


def ledger_xlsx_from_store(
    db: Database,
    ledger_filter: LedgerFilter | None = None,
    *,
    today: dt.date | None = None,
    tz: dt.tzinfo = DEFAULT_ZONE,
    issuer: str = DEFAULT_ISSUER,
) -> bytes:
    """The hazard ledger (XLSX bytes) of what this device holds, filtered."""
    data = load_report_data(db)
    now = _now(tz)
    day = today or now.date()
    chosen = ledger_filter or LedgerFilter()
    return ledger_xlsx(
        ledger_rows(data, chosen, today=day, tz=tz),
        filter_lines=chosen.describe(data),
        generated_at=now,
        today=day,
        issuer=issuer,
    )


def notice_pdf_from_store(
    db: Database,
    files: BlobFiles,
    inspection_id: str,
    *,
    tz: dt.tzinfo = DEFAULT_ZONE,
    issuer: str = DEFAULT_ISSUER,
) -> bytes:
    """The notice of one inspection (PDF bytes); photos and signatures from the blob folder.

    Raises ``GridCheckError(not_found)`` when the device lacks the inspection or its unit.
    """
    row = get_record(db, inspection_id)
    # what a notice names (its hazards, the inspections it corrects) is its unit's: read only that
    data = load_report_data(db, enterprise_id=row["enterprise_id"]) if row else ReportData()
    notice = notice_for(data, inspection_id, issuer=issuer)

    def blob(sha256: str) -> bytes | None:
        return files.read(sha256) if files.has(sha256) else None

    return notice_pdf(notice, blob, tz=tz)


def summary_from_store(
    db: Database,
    *,
    year: int | None = None,
    today: dt.date | None = None,
    tz: dt.tzinfo = DEFAULT_ZONE,
    rules: StatsRules | None = None,
) -> Summary:
    """The figures of ``year`` (default: this year) over what this device holds."""
    day = today or _now(tz).date()
    return summarize(load_report_data(db), year=year or day.year, today=day, tz=tz, rules=rules)
