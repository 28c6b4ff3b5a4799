"""Reports for the office: the hazard ledger (XLSX) and the figures, from the server's store.

Only the office and the admin may read them (everyone else: ``forbidden``); they cover the
whole sub-district. The computing is the shared domain code the device runs too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from domain.errors import ErrorCode, GridCheckError
from domain.ledger import LedgerFilter, ledger_rows
from domain.ledger_xlsx import ledger_xlsx
from domain.notice import DEFAULT_ISSUER
from domain.reference import Role
from domain.report_data import local_minute
from domain.statistics import Summary, summarize
from sync_server.clock import utcnow
from sync_server.config import ServerSettings
from sync_server.services.auth import Authed
from sync_server.store import reports as report_store

REPORT_ROLES = frozenset({Role.office, Role.admin})


@dataclass(frozen=True)
class LedgerFile:
    content: bytes
    filename: str


def require_office(authed: Authed) -> Authed:
    if authed.principal.role not in REPORT_ROLES:
        raise GridCheckError(
            ErrorCode.forbidden, details={"reason": "reports are for the office and the admin"}
        )
    return authed


def now_local(settings: ServerSettings) -> dt.datetime:
    """The wall-clock time in the sub-district (naive, to the minute)."""
    return local_minute(utcnow(), ZoneInfo(settings.timezone))


def _check_references(db: Database, **ids: str | None) -> None:
    """``invalid`` for the first ``<kind>_id`` given that names nothing on the server."""
    for field, value in ids.items():
        kind = field.removesuffix("_id")
        if value is not None and not report_store.exists(db, kind, value):
            raise GridCheckError(
                ErrorCode.invalid,
                details={"errors": [{"field": field, "problem": f"no such {kind}: {value}"}]},
            )


def ledger_file(
    db: Database, settings: ServerSettings, authed: Authed, ledger_filter: LedgerFilter
) -> LedgerFile:
    """The ledger of the hazards that match ``ledger_filter``, as of today in the zone."""
    require_office(authed)
    _check_references(
        db,
        community_id=ledger_filter.community_id,
        grid_id=ledger_filter.grid_id,
        enterprise_id=ledger_filter.enterprise_id,
    )
    tz = ZoneInfo(settings.timezone)
    now = now_local(settings)
    data = report_store.load_report_data(
        db, community_id=ledger_filter.community_id, grid_id=ledger_filter.grid_id
    )
    content = ledger_xlsx(
        ledger_rows(data, ledger_filter, today=now.date(), tz=tz),
        filter_lines=ledger_filter.describe(data),
        generated_at=now,
        today=now.date(),
        issuer=DEFAULT_ISSUER,
    )
    return LedgerFile(content, f"隐患台账-{settings.subdistrict_code}-{now:%Y%m%d-%H%M}.xlsx")


def summary(
    db: Database,
    settings: ServerSettings,
    authed: Authed,
    *,
    year: int | None,
    community_id: str | None,
) -> Summary:
    """The figures of ``year`` (default: this year) as they stand today.

    With ``community_id``, ``communities`` holds that community only; the sub-district's
    figures and the ranking stay whole (a rank only means something among its peers).
    """
    require_office(authed)
    _check_references(db, community_id=community_id)
    today = now_local(settings).date()
    figures = summarize(
        report_store.load_report_data(db),
        year=year or today.year,
        today=today,
        tz=ZoneInfo(settings.timezone),
        subdistrict_name=f"街道 {settings.subdistrict_code}",
    )
    if community_id is None:
        return figures
    chosen = [c for c in figures.communities if c.community_id == community_id]
    return figures.model_copy(update={"communities": chosen})
