"""When two cell values count as the same: one rule for a cached value against the engine's
recalculation, a data value against a workbook's, and an old workbook's against a new one's."""
from __future__ import annotations

import math

REL_TOL = 1e-9
ABS_TOL = 1e-12  # for values that are zero up to floating-point noise


def same(cached, recalculated) -> bool:
    num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    if num(cached) and num(recalculated):
        return math.isclose(cached, recalculated, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if cached in (None, "") and recalculated in (None, ""):
        return True
    return cached == recalculated
