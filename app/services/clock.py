"""Local time on the device: the sub-district's zone decides dates people reason about."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

ZONE = ZoneInfo(os.environ.get("GRIDCHECK_TIMEZONE", "Asia/Shanghai"))


def now() -> dt.datetime:
    return dt.datetime.now(ZONE).replace(microsecond=0)


def today() -> dt.date:
    return now().date()
