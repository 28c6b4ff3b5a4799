from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response

from domain.ledger import LedgerFilter
from domain.ledger_xlsx import XLSX_MEDIA_TYPE
from domain.reference import RefId
from domain.statistics import Summary
from domain.wire import ErrorResponse
from sync_server.deps import AuthedDep, DbDep, SettingsDep
from sync_server.services import reports as report_service
from sync_server.services.auth import Authed

router = APIRouter(prefix="/reports", tags=["reports"])


def office_only(authed: AuthedDep) -> Authed:
    """Checked before the query is validated: a wrong role hears 403, not 422."""
    return report_service.require_office(authed)


OfficeDep = Annotated[Authed, Depends(office_only)]
ERRORS: dict[int | str, dict] = {403: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


@router.get(
    "/ledger.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}, **ERRORS},
)
def ledger(
    filters: Annotated[LedgerFilter, Query()], authed: OfficeDep, db: DbDep, settings: SettingsDep
) -> Response:
    """The hazard ledger (隐患排查治理台账) as XLSX, one row per hazard, filtered."""
    file = report_service.ledger_file(db, settings, authed, filters)
    ascii_name = "ledger.xlsx"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file.filename)}"
    return Response(
        file.content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@router.get("/summary", response_model=Summary, responses=ERRORS)
def summary(
    authed: OfficeDep,
    db: DbDep,
    settings: SettingsDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    community_id: Annotated[RefId | None, Query()] = None,
) -> Summary:
    """The figures of a year (统计): sub-district, communities, months, 晾晒 ranking."""
    return report_service.summary(db, settings, authed, year=year, community_id=community_id)
