"""Typed cells of the data files that several files share: a period code, a date, the source ids a
row cites."""
from __future__ import annotations

import datetime
import re

from .files import DataError, unknown
from .periods import parse_period, Period, period_problem


def read_period(text, path, row, column) -> Period:
    period = parse_period(text)
    if period is None:
        raise DataError(path, period_problem(text), row, column)
    return period


def check_sources(text, ids, path, row, column):
    """Each id in a `source` cell ('S1; S3; note') must be a source of sources.csv."""
    for sid in (t.strip() for t in re.split(r"[;,]", text)):
        if sid and sid not in ids:
            listed = unknown("source", sid, sorted(ids)) + " (ids of sources.csv)" if ids else \
                f"unknown source {sid!r}: sources.csv lists no sources yet; add it there"
            raise DataError(path, listed, row, column)


def valid_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
        return True
    except ValueError:
        return False


def read_date(text, path, row, column) -> datetime.date:
    if not valid_date(text.strip()):
        raise DataError(path, f"expected a date such as 2026-07-13, found {text!r}", row, column)
    return datetime.date.fromisoformat(text.strip())
