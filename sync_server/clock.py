"""The server's notion of now, in one place (UTC, RFC 3339 with offset)."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def now_iso() -> str:
    return iso(utcnow())
