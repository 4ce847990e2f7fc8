"""Monte Carlo draws in plain arithmetic, the same in Excel, LibreOffice, Gnumeric and Python.

- `hdr`: the uniform draw of a trial and a variable from the counter-based HDR generator (Hubbard
  Decision Research, "HDR 2.0"; D. W. Hubbard, "A Multi-Dimensional, Counter-Based Pseudo Random Number
  Generator as a Standard for Monte Carlo Simulations", Winter Simulation Conference 2019), published for
  spreadsheets: no state, no RAND(), the same number for the same (trial, variable, seed) everywhere.
- `triangular`: the inverse of the triangular distribution (low, likely, high), in closed form.
- `with_factor`: a shared factor that ties the drivers' draws together (a one-factor Cauchy copula: each
  driver's draw stays exactly uniform, so its own range is kept).

The published formula computes MOD(999999999999989, d) and MODs of numbers up to 1e15. LibreOffice's MOD
rounds the quotient to 15 significant digits, so there a remainder within a few units of the divisor
comes out as #VALUE! (MOD(997079669440892,7440893) does); Excel's MOD refuses a quotient of 2^27 or more.
`hdr_formula` writes the same generator with every MOD's dividend below 1e14 and every quotient below
2^27: 999999999999989 is reduced in three steps of three digits ((999999999 mod d)*1000+999 ...), and a
product is reduced before it is multiplied ((x mod m)*c mod m). The numbers are the published ones
(`hdr`, in exact integers, is the reference the tests hold it to).
"""
from __future__ import annotations

from .formula import ABS, ATAN2, IF, MAX, MOD, PI, SQRT, TAN, Expr, lift

# The HDR 2.0 constants (seeds 3 and 4 of the standard are 0 here and drop out)
T1, T2 = (2499997, 1800451, 2000371), (2246527, 2399993, 2100869)   # trial, variable, entity
A1, B1, C1, D1, E1, F1 = 7450589, 4658, 7450581, 383, 99991, 7440893
A2, B2, C2, D2, E2, F2 = 7450987, 7580, 7560584, 17669, 7440893, 1343
BIG = 999999999999989     # 10^15 - 11
M32 = 4294967296          # 2^32

# what the workbook's inputs may hold so that every MOD stays exact in every engine (see hdr_formula)
MAX_TRIALS = 1_000_000
MAX_VARIABLE = 1_000
MAX_SEED = 10_000_000


def hdr(trial: int, variable: int, seed: int) -> int:
    """The published HDR 2.0 generator in exact integer arithmetic: an integer in [0, 2^32)."""
    a = BIG % ((trial * T1[0] + variable * T1[1] + seed * T1[2]) % A1 * B1 + C1) * D1 % E1
    b = BIG % ((trial * T2[0] + variable * T2[1] + seed * T2[2]) % A2 * B2 + C2) * D2 % E2
    return (a * F1 + b) * F2 % M32


def hdr_uniform(trial: int, variable: int, seed: int) -> float:
    """The HDR uniform in (0, 1): (integer + 0.5) / 2^32, exact in a double."""
    return (hdr(trial, variable, seed) + 0.5) / M32


def _big_mod(d: Expr) -> Expr:
    """MOD(999999999999989, d) for d below 1e11, in three steps whose dividends stay below 1e14."""
    r = MOD(999999999, d)
    r = MOD(r * 1000 + 999, d)
    return MOD(r * 1000 + 989, d)


def hdr_formula(trial, variable, seed) -> Expr:
    """The HDR uniform as a formula of the cells holding the trial, the variable id and the seed. Its
    largest intermediate is below 6e13 (trial up to MAX_TRIALS, variable up to MAX_VARIABLE, seed up to
    MAX_SEED): every engine computes it exactly."""
    i, v, e = lift(trial), lift(variable), lift(seed)
    d1 = MOD(i * T1[0] + v * T1[1] + e * T1[2], A1) * B1 + C1        # at most 3.5e10
    d2 = MOD(i * T2[0] + v * T2[1] + e * T2[2], A2) * B2 + C2        # at most 5.7e10
    a = MOD(_big_mod(d1) * D1, E1)                                   # dividend below 1.4e13
    b = MOD(MOD(_big_mod(d2), E2) * D2, E2)                          # below 1.4e11
    r = MOD(MOD(a * F1 + b, M32) * F2, M32)                          # below 7.5e11, then 5.8e12
    return (r + 0.5) / M32


def cauchy(u) -> Expr:
    """The standard Cauchy variate of a uniform u in (0, 1): tan(pi (u - 1/2)) = -1/TAN(PI()*u)."""
    return -lift(1) / TAN(PI() * lift(u))


def cauchy_uniform(z) -> Expr:
    """The uniform of a standard Cauchy variate z, the inverse of `cauchy`: 1/2 + atan(z)/pi, written
    ATAN2(-z,1)/PI() (the angle of the point (-z, 1), in (0, pi))."""
    return ATAN2(-lift(z), 1) / PI()


def with_factor(u, factor_u, direction, weight) -> Expr:
    """A driver's uniform draw tied to the shared factor's: the uniform of direction x weight x C0 + (1 -
    |direction| x weight) x C, where C0 and C are the Cauchy variates of the two draws. A weighted sum of
    independent standard Cauchy variates whose weights' sizes add to 1 is standard Cauchy again, so the
    result is exactly uniform whatever the weight: the driver's range is kept. Weight 0: the driver's own
    draw; 1 with direction 1: the factor's (-1: its mirror image)."""
    d, w = lift(direction), lift(weight)
    return cauchy_uniform(d * w * cauchy(factor_u) + (1 - ABS(d) * w) * cauchy(u))


def triangular(u, low, likely, high) -> Expr:
    """The triangular distribution's inverse at u: low + sqrt(u (high-low)(likely-low)) below the mode's
    probability (likely-low)/(high-low), high - sqrt((1-u)(high-low)(high-likely)) above it. Written
    without a division, so that low = likely = high gives that value; MAX(0, ...) keeps a misordered range
    (a Checks row reports it) from turning into #NUM!."""
    u, a, c, b = lift(u), lift(low), lift(likely), lift(high)
    return IF((u * (b - a)).lt(c - a), a + SQRT(MAX(0, u * (b - a) * (c - a))),
              b - SQRT(MAX(0, (1 - u) * (b - a) * (b - c))))


def shifted(kind: str, base, delta, share=None) -> Expr:
    """A driver shifted by a drawn `delta`, the same in every forecast year (data/risk.py): a growth rate's
    yearly growth factor x (1 + delta), g + delta (1 + g); in a part of a year shown in parts (`share` of a
    year, timeline.share) the factor x (1 + delta) ^ share, so that a year of parts moves as a year does; a
    gross margin's cost of revenue x (1 - delta), m + delta (1 - m); any other level x (1 + delta)."""
    base, delta = lift(base), lift(delta)
    if kind == "growth":
        return base + ((1 + delta) ** share - 1) * (1 + base) if share else base + delta * (1 + base)
    if kind == "margin":
        return base + delta * (1 - base)
    return base * (1 + delta)


def triangular_value(u: float, low: float, likely: float, high: float) -> float:
    """The same inverse in plain Python (for tests and hand computations)."""
    if u * (high - low) < likely - low:
        return low + (u * (high - low) * (likely - low)) ** 0.5
    return high - ((1 - u) * (high - low) * (high - likely)) ** 0.5


# the published generator's constants: the only numbers other than 0 and 1 the workbook's formulas hold
HDR_CONSTANTS = {*T1, *T2, A1, B1, C1, D1, E1, F1, A2, B2, C2, D2, E2, F2, M32, 999999999, 1000, 999, 989, 0.5}
