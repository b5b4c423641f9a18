"""The date the site treats as today.

Scheduling (and later, disclosure expiry) depends on it, so it comes from one place:
``PUFA_TODAY=YYYY-MM-DD`` when set (tests and reproducible builds), else the clock in
Asia/Shanghai. China has had no daylight saving time since 1991, so a fixed +08:00 offset
is exact and needs no time-zone database.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta, timezone

from pufa.shared.errors import PufaError

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ClockError(PufaError):
    """PUFA_TODAY is set to something that is not a date."""


def parse_iso_date(text: str) -> date:
    """Parse a strict YYYY-MM-DD date; ValueError says what was expected."""
    if not _ISO_DATE.match(text):
        raise ValueError(f"应为 YYYY-MM-DD 格式的日期（例如 2023-03-15），实际为 {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} 不是有效的日期") from None


def today(environ: dict[str, str] | None = None) -> date:
    """Today in Asia/Shanghai, unless PUFA_TODAY says otherwise."""
    env = os.environ if environ is None else environ
    value = env.get("PUFA_TODAY", "").strip()
    if value:
        try:
            return parse_iso_date(value)
        except ValueError as exc:
            raise ClockError(f"环境变量 PUFA_TODAY: {exc}") from None
    return datetime.now(SHANGHAI).date()
