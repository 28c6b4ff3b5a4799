"""Documents generated on the device, offline: the rectification notice and the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.account import Account
from app.reports.device import ledger_xlsx_from_store, notice_pdf_from_store
from app.store.records import number_of
from domain.errors import GridCheckError
from domain.labels import short_ref
from domain.ledger import LedgerFilter


@dataclass(frozen=True)
class Document:
    name: str  # the file name offered to the user
    data: bytes


class DocumentError(Exception):
    """A document the device cannot make; the message is for the user."""


def notice(account: Account, inspection_id: str) -> Document:
    """隐患整改通知书 of one inspection, named by its 文号 (or its temporary reference)."""
    try:
        data = notice_pdf_from_store(account.db, account.files, inspection_id)
    except GridCheckError as err:  # the device lacks the inspection or its unit
        raise DocumentError(f"无法生成整改通知书：{err.message}") from err
    number = number_of(account.db, inspection_id)
    return Document(f"整改通知书-{number or short_ref(inspection_id)}.pdf", data)


def ledger(account: Account, chosen: LedgerFilter, today: dt.date) -> Document:
    """隐患台账 for the filter on screen."""
    return Document(
        f"隐患台账-{today}.xlsx", ledger_xlsx_from_store(account.db, chosen, today=today)
    )
