"""Formula expressions: one tree gives both the Excel formula text and its value.

Every calculated cell holds an `Expr`. `Expr.xl(sheet)` renders the formula as Excel writes it
(references qualified with the sheet name only when they point elsewhere) and `Expr.value()`
evaluates it with Excel's semantics for the small set of functions the model uses, so the cached
value written into the file and the engine's recalculation come from the same definition.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache


class XlError(Exception):
    """An Excel error value (#DIV/0!, #VALUE!, #N/A) met while evaluating."""


class GapValue(str):
    """The #N/A a chart-data cell holds on purpose (NA()): Excel's only gap marker in a chart. A cell's
    value, cached as the error; only charts and the error scans read it."""


GAP = GapValue("#N/A")


@lru_cache(maxsize=None)
def col_letter(col: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    s = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def a1(row: int, col: int, abs_row: bool = False, abs_col: bool = False) -> str:
    return f"{'$' if abs_col else ''}{col_letter(col)}{'$' if abs_row else ''}{row + 1}"


@lru_cache(maxsize=256)
def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it: bare only when plainly safe (ASCII letters, digits, _, not
    like a cell address); quoted otherwise, e.g. 'Income Statement' or '利润表'."""
    bare = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+", name)
    return name if bare else "'" + name.replace("'", "''") + "'"


def num(v) -> float:
    """Excel's coercion of an operand to a number: blank -> 0, TRUE -> 1, text -> #VALUE!."""
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    raise XlError("#VALUE!")


def lift(x) -> "Expr":
    if isinstance(x, Expr):
        return x
    if isinstance(x, str):
        return Text(x)
    if isinstance(x, (int, float)):
        return Num(x)
    raise TypeError(f"cannot use {x!r} in a formula")


def sum_terms(terms):
    """The sum of expressions in the order given (a + b + c), 0 when there are none."""
    total = lift(0)
    for i, term in enumerate(terms):
        total = term if i == 0 else total + term
    return total


class Expr:
    __slots__ = ()   # the subclasses built by the hundred thousand (Op, Ref, Fn, Num) hold no __dict__
    prec = 9  # atoms bind tightest
    array = False  # written as an array formula ({=...}), evaluated element by element

    def xl(self, sheet) -> str:
        raise NotImplementedError

    def value(self):
        raise NotImplementedError

    def refs(self):
        """Cells this expression reads (for styling cross-sheet links)."""
        return ()

    # operators build trees
    def __add__(self, o): return Op("+", self, lift(o))
    def __radd__(self, o): return Op("+", lift(o), self)
    def __sub__(self, o): return Op("-", self, lift(o))
    def __rsub__(self, o): return Op("-", lift(o), self)
    def __mul__(self, o): return Op("*", self, lift(o))
    def __rmul__(self, o): return Op("*", lift(o), self)
    def __truediv__(self, o): return Op("/", self, lift(o))
    def __rtruediv__(self, o): return Op("/", lift(o), self)
    def __pow__(self, o): return Op("^", self, lift(o))
    def __neg__(self): return Neg(self)
    def ge(self, o): return Op(">=", self, lift(o))
    def gt(self, o): return Op(">", self, lift(o))
    def le(self, o): return Op("<=", self, lift(o))
    def lt(self, o): return Op("<", self, lift(o))
    def eq(self, o): return Op("=", self, lift(o))
    def ne(self, o): return Op("<>", self, lift(o))
    def cat(self, o): return Op("&", self, lift(o))


class Num(Expr):
    """A universal constant (0, 1, 100...). Model figures are never typed into formulas."""
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def xl(self, sheet):
        return decimal_text(self.v) if isinstance(self.v, float) and not self.v.is_integer() else str(int(self.v))

    def value(self):
        return float(self.v)


def decimal_text(v: float) -> str:
    """A number as plain decimals, never in exponent form: 0.00005, not Python's 5e-05 (the form Excel
    documents for number-format conditions, and the one it writes in formulas)."""
    text = format(Decimal(repr(float(v))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Text(Expr):
    def __init__(self, s: str):
        self.s = s

    def xl(self, sheet):
        return '"' + self.s.replace('"', '""') + '"'

    def value(self):
        return self.s


class Ref(Expr):
    """A reference to one cell of the book."""
    __slots__ = ("cell", "abs_row", "abs_col")

    def __init__(self, cell, abs_row=False, abs_col=False):
        self.cell, self.abs_row, self.abs_col = cell, abs_row, abs_col

    def xl(self, sheet):
        addr = a1(self.cell.row, self.cell.col, self.abs_row, self.abs_col)
        return addr if self.cell.sheet is sheet else f"{quote_sheet(self.cell.sheet.name)}!{addr}"

    def value(self):
        return self.cell.result()

    def refs(self):
        return (self.cell,)


class Name(Expr):
    """A workbook-level defined name standing for one cell."""

    def __init__(self, name: str, cell):
        self.name, self.cell = name, cell

    def xl(self, sheet):
        return self.name

    def value(self):
        return self.cell.result()

    def refs(self):
        return (self.cell,)


class Rng(Expr):
    """A rectangular range of cells (first..last), used as a function argument."""

    def __init__(self, first, last, absolute=True, anchored=False, fixed_rows=False):
        assert first.sheet is last.sheet
        # absolute: $A$1:$B$2; anchored: $A$1:B2 (a running total's growing range);
        # fixed_rows: A$1:A$3 (rows fixed, the column moves with the formula across a timeline)
        self.first, self.last, self.absolute, self.anchored, self.fixed_rows = first, last, absolute, anchored, fixed_rows

    def cells(self):
        sh = self.first.sheet
        return [[sh.cell_at(r, c) for c in range(self.first.col, self.last.col + 1)]
                for r in range(self.first.row, self.last.row + 1)]

    def flat(self):
        return [v for row in self.values() for v in row]

    def values(self):
        """The range's values by row. Read once per range: a cell's value does not change once computed (the
        Trials tab's columns are read by dozens of formulas each)."""
        sheet = self.first.sheet
        key = (self.first.row, self.first.col, self.last.row, self.last.col)
        cache = sheet.__dict__.setdefault("range_values", {})
        if key not in cache:
            cache[key] = [[c.result() if c is not None else None for c in row] for row in self.cells()]
        return cache[key]

    def xl(self, sheet):
        ab, start, rows = self.absolute, self.absolute or self.anchored, self.absolute or self.fixed_rows
        s = a1(self.first.row, self.first.col, rows or start, start) + ":" + a1(self.last.row, self.last.col, rows, ab)
        return s if self.first.sheet is sheet else f"{quote_sheet(self.first.sheet.name)}!{s}"

    def value(self):
        raise XlError("#VALUE!")  # a bare range is not a scalar

    def refs(self):
        return (self.first,)


_PREC = {"=": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "<>": 1, "&": 1.5, "+": 2, "-": 2, "*": 3, "/": 3, "^": 5}


def _order(v, other):
    """Sort key of a value in an Excel comparison: numbers < text < booleans; blank acts as 0 or "".
    Two numbers that agree to 2^-48 compare as equal, as the spreadsheet engine compares them."""
    if v is None:
        v = "" if isinstance(other, str) else 0.0
    if isinstance(v, bool):
        return (2, float(v))
    if isinstance(v, str):
        return (1, v.lower())
    if _is_number(other) and approx_equal(v, other):
        return (0, min(float(v), float(other)))
    return (0, float(v))


# The engine's floating-point arithmetic (LibreOffice's rtl::math; Excel behaves alike): a sum or
# difference of two numbers that agree to within 2^-48 is exactly 0, not rounding noise, and SUM is
# compensated. Matching it keeps the cached values equal to the engine's where figures cancel.
APPROX = 2.0 ** -48


def approx_equal(a, b) -> bool:
    a, b = float(a), float(b)
    if a == b:
        return True
    if a == 0 or b == 0 or (a < 0) != (b < 0):
        return False
    d = abs(a - b)
    a, b = abs(a), abs(b)
    if not math.isfinite(d) or d >= a * APPROX or d >= b * APPROX:
        return False
    return not (a.is_integer() and b.is_integer() and a < 2.0 ** 53 and b < 2.0 ** 53)


def approx_add(a: float, b: float) -> float:
    return 0.0 if (a < 0 < b or b < 0 < a) and approx_equal(a, -b) else a + b


def compensated_sum(values) -> float:
    """Neumaier's compensated sum, as the engine's SUM."""
    total = err = 0.0
    for v in values:
        t = total + v
        err += (total - t) + v if abs(total) >= abs(v) else (v - t) + total
        total = t
    return approx_add(total, err)


def _text(v):
    """A value as text joins it (&): a number as the engine shows it in General format (15 digits)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.15g}"
    return str(v)


_CMP = {"=": lambda a, b: a == b, "<>": lambda a, b: a != b, "<": lambda a, b: a < b,
        ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}


def operate(op: str, a, b):
    """a op b, two values, as the engine computes it: the model's formulas and a user's (calc/excel.py)."""
    if op in _CMP:
        return _CMP[op](_order(a, b), _order(b, a))
    if op == "&":
        return _text(a) + _text(b)
    a, b = num(a), num(b)
    if op == "+":
        return approx_add(a, b)
    if op == "-":
        return approx_add(a, -b)
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            raise XlError("#DIV/0!")
        return a / b
    if a < 0 and not float(b).is_integer():
        raise XlError("#NUM!")
    try:
        return math.pow(a, b)
    except (OverflowError, ValueError, ZeroDivisionError):
        raise XlError("#NUM!" if a or b >= 0 else "#DIV/0!") from None


class Op(Expr):
    __slots__ = ("op", "a", "b", "prec")

    def __init__(self, op, a, b):
        self.op, self.a, self.b = op, a, b
        self.prec = _PREC[op]

    def xl(self, sheet):
        left = self.a.xl(sheet)
        if self.a.prec < self.prec or (self.op == "^" and isinstance(self.a, Neg)):
            left = f"({left})"
        right = self.b.xl(sheet)
        # a right operand of the same precedence keeps its brackets even for + and *: the engine works
        # left to right, and a+(b+c) rounds differently from (a+b)+c
        if self.b.prec <= self.prec:
            right = f"({right})"
        return f"{left}{self.op}{right}"

    def value(self):
        return operate(self.op, self.a.value(), self.b.value())

    def refs(self):
        return self.a.refs() + self.b.refs()


class Neg(Expr):
    prec = 4

    def __init__(self, a):
        self.a = a

    def xl(self, sheet):
        inner = self.a.xl(sheet)
        return f"-({inner})" if self.a.prec < 5 else f"-{inner}"

    def value(self):
        return -num(self.a.value())

    def refs(self):
        return self.a.refs()


def _numbers(args):
    """Numbers among function arguments: ranges skip text and blanks, scalars must be numbers."""
    out = []
    for a in args:
        if isinstance(a, Rng):
            out += [float(v) for v in a.flat() if isinstance(v, (int, float)) and not isinstance(v, bool)]
        else:
            out.append(num(a.value()))
    return out


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _match(x, rng):
    key = x.value()
    for i, v in enumerate(rng.flat()):
        if isinstance(key, str) and isinstance(v, str):
            if key.lower() == v.lower():
                return float(i + 1)
        elif _is_number(key) and _is_number(v) and float(key) == float(v):
            return float(i + 1)
    raise XlError("#N/A")


def _index(rng, r, c=None):
    vals = rng.values()
    r = int(num(r.value()))
    if c is None:
        flat = [v for row in vals for v in row]
        if not 1 <= r <= len(flat):
            raise XlError("#REF!")
        return flat[r - 1]
    c = int(num(c.value()))
    if not (1 <= r <= len(vals) and 1 <= c <= len(vals[0])):
        raise XlError("#REF!")
    return vals[r - 1][c - 1]


def _if(cond, yes, no=None):
    v = cond.value()
    if isinstance(v, str):
        raise XlError("#VALUE!")
    if num(v):
        return yes.value()
    return no.value() if no is not None else False


def _sumproduct(*rngs):
    arrays = [r.flat() if isinstance(r, Rng) else r.array() for r in rngs]
    total = 0.0
    for vals in zip(*arrays):
        p = 1.0
        for v in vals:
            p *= float(v) if _is_number(v) or isinstance(v, bool) else 0.0
        total += p
    return total


def _count_errors(rng, gaps=True):
    """Error values in a range: over the sheet's cells that stand in it (a scan of a whole tab)."""
    r0, r1, c0, c1 = rng.first.row, rng.last.row, rng.first.col, rng.last.col
    n = 0
    for (r, c), cell in rng.first.sheet.cells.items():
        if r0 <= r <= r1 and c0 <= c <= c1:
            try:
                n += gaps and isinstance(cell.result(), GapValue)
            except XlError:
                n += 1
    return float(n)


def _and(*args):   # every argument evaluated, as the engines do: an error in any one is the result
    return all([num(a.value()) for a in args])


def _or(*args):
    return any([num(a.value()) for a in args])


def _iferror(x, alt):
    try:
        return x.value()
    except XlError:
        return alt.value()


_FUNCS = {
    "SUM": lambda *a: compensated_sum(_numbers(a)),
    "MIN": lambda *a: min(_numbers(a)) if _numbers(a) else 0.0,
    "MAX": lambda *a: max(_numbers(a)) if _numbers(a) else 0.0,
    "COUNT": lambda *a: float(len(_numbers([x for x in a if isinstance(x, Rng)]))),
    "ABS": lambda a: abs(num(a.value())),
    "IF": _if,
    "ISNUMBER": lambda a: _is_number(a.value()),
    "INDEX": _index,
    "MATCH": lambda x, rng, _zero: _match(x, rng),
    "AND": _and,
    "OR": _or,
    "IFERROR": _iferror,
    "SUMPRODUCT": _sumproduct,
    "CHOOSE": lambda i, *opts: _choose(int(num(i.value())), opts),
    "ROWS": lambda rng: float(rng.last.row - rng.first.row + 1),
    "COLUMNS": lambda rng: float(rng.last.col - rng.first.col + 1),
    "ROUND": lambda x, n: _round(num(x.value()), int(num(n.value()))),
    "SUBSTITUTE": lambda text, old, new: _text(text.value()).replace(_text(old.value()), _text(new.value())),
    "FIXED": lambda x, n: f"{_round(num(x.value()), int(num(n.value()))) + 0.0:,.{int(num(n.value()))}f}",   # never -0.0
    "MOD": lambda n, d: mod(num(n.value()), num(d.value())),
    "SQRT": lambda x: sqrt(num(x.value())),
    "TAN": lambda x: math.tan(num(x.value())),
    "ATAN2": lambda x, y: atan2(num(x.value()), num(y.value())),
    "PI": lambda: math.pi,
    "COUNTIFS": lambda *pairs: _countifs(pairs),
    "CORREL": lambda a, b: correl(a.flat(), b.flat()),
}


def _choose(k, opts):
    """Excel's CHOOSE: the k-th option (k truncated), #VALUE! outside 1..the number of options."""
    if not 1 <= k <= len(opts):
        raise XlError("#VALUE!")
    return opts[k - 1].value()
def correl(xs, ys) -> float:
    """Excel's CORREL: Pearson's correlation over the pairs where both are numbers."""
    pairs = [(float(x), float(y)) for x, y in zip(xs, ys) if _is_number(x) and _is_number(y)]
    n = len(pairs)
    if n < 2:
        raise XlError("#DIV/0!")
    mx, my = sum(x for x, _ in pairs) / n, sum(y for _, y in pairs) / n
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    sxx, syy = sum((x - mx) ** 2 for x, _ in pairs), sum((y - my) ** 2 for _, y in pairs)
    if sxx == 0 or syy == 0:
        raise XlError("#DIV/0!")
    return sxy / math.sqrt(sxx * syy)


def mod(n: float, d: float) -> float:
    """Excel's MOD: the remainder with the sign of the divisor. Exact for whole numbers below 2^53 (fmod
    is exact); the model keeps every MOD's dividend below 1e14, where LibreOffice's is exact too."""
    if d == 0:
        raise XlError("#DIV/0!")
    r = math.fmod(n, d)
    return r + d if r and (r < 0) != (d < 0) else r


def atan2(x: float, y: float) -> float:
    """Excel's ATAN2(x, y): the angle of the point (x, y), in (-pi, pi]; #DIV/0! at the origin."""
    if x == 0 and y == 0:
        raise XlError("#DIV/0!")
    return math.atan2(y, x)


def sqrt(x: float) -> float:
    if x < 0:
        raise XlError("#NUM!")
    return math.sqrt(x)


_CRITERION = re.compile(r"\s*(<=|>=|<>|<|>|=)?\s*(.*)")


def _meets(v, criterion) -> bool:
    """COUNTIFS's test of one cell against a criterion such as "<0" or ">=12.5" (numbers only)."""
    op, text = _CRITERION.fullmatch(_text(criterion)).groups()
    try:
        x = float(text)
    except ValueError:
        raise XlError("#VALUE!") from None   # the model's criteria compare numbers only
    return _is_number(v) and _CMP[op or "="](float(v), x)


def _countifs(pairs):
    ranges = [r.flat() for r in pairs[0::2]]
    criteria = [c.value() for c in pairs[1::2]]
    return float(sum(all(_meets(v, c) for v, c in zip(row, criteria)) for row in zip(*ranges)))


def _round(x, n):
    """Excel's ROUND: halves away from zero."""
    q = 10.0 ** n
    return math.copysign(math.floor(abs(x) * q + 0.5) / q, x)


# Excel's longest formula, in characters (without its "="): a longer one is removed when Excel opens the file
# ("Removed Records: Formula"), where LibreOffice and Gnumeric compute it. The writer refuses one
# (workbook/writer.py), and a trial row keeps a line in a cell of its own rather than compose one
# (workbook/tabs/trials.py).
FORMULA_LIMIT = 8192


class FormulaTooLong(ValueError):
    """A formula longer than Excel reads (FORMULA_LIMIT)."""


def check_length(text: str, sheet: str, row: int, col: int) -> str:
    """`text` ("=..."), refused when Excel would remove it; the cell's sheet name and place for the message."""
    if len(text) - 1 > FORMULA_LIMIT:
        raise FormulaTooLong(f"{sheet}!{a1(row, col)}: the formula has {len(text) - 1:,} characters, more than the "
                             f"{FORMULA_LIMIT:,} Excel reads (it would remove it on opening the file)")
    return text


# Functions Excel added after 2007 (NORM.INV, XLOOKUP ...) are stored in the file with a prefix: the
# formula NORM.INV(p,m,s) is written _xlfn.NORM.INV(p,m,s), or Excel shows #NAME?. Function name ->
# the prefix its file text carries ("" for the pre-2010 functions above). The writer checks every
# function against xlsxwriter's own list of them and refuses one defined without its prefix.
PREFIX = {name: "" for name in _FUNCS}


def define(name: str, evaluate, prefix: str = "") -> None:
    """Add a function to the formula set: `evaluate(*args)` computes its cached value from the argument
    expressions (call .value() on them, as _FUNCS do); `prefix` is the text the file needs before its
    name: "_xlfn." for a function newer than Excel 2007 (NORM.INV), as xlsxwriter writes it."""
    _FUNCS[name] = evaluate
    PREFIX[name] = prefix


class Fn(Expr):
    __slots__ = ("name", "args")

    def __init__(self, name, *args):
        if name not in _FUNCS:
            raise ValueError(f"function {name} is not in the model's portable set")
        self.name, self.args = name, tuple(lift(a) for a in args)

    def xl(self, sheet):
        return f"{PREFIX[self.name]}{self.name}({','.join(a.xl(sheet) for a in self.args)})"

    def value(self):
        return _FUNCS[self.name](*self.args)

    def refs(self):
        return tuple(c for a in self.args for c in a.refs())


class CountErrors(Expr):
    """Number of error values in a range: the array formula {=SUM(IF(ISERROR(range),1,0))}.
    Excel, LibreOffice and Gnumeric all evaluate it cell by cell; SUMPRODUCT(--ISERROR(range)) is
    not portable: Gnumeric takes ISERROR of the one cell beside the formula. gaps=False counts the
    errors other than #N/A (ISERR): the scan of chart data, whose #N/A are gaps."""
    array = True

    def __init__(self, rng: Rng, gaps=True):
        self.rng, self.gaps = rng, gaps

    def xl(self, sheet):
        return f"SUM(IF({'ISERROR' if self.gaps else 'ISERR'}({self.rng.xl(sheet)}),1,0))"

    def value(self):
        return _count_errors(self.rng, self.gaps)

    def refs(self):
        return self.rng.refs()


def percentile(values, k: float) -> float:
    """Excel's PERCENTILE (inclusive): the k-th fraction of the sorted values, interpolating linearly."""
    xs = sorted(values)
    if not xs or not 0 <= k <= 1:
        raise XlError("#NUM!")
    h = (len(xs) - 1) * k
    i = int(h)
    return xs[i] if i + 1 >= len(xs) else xs[i] + (h - i) * (xs[i + 1] - xs[i])


class PercentileIf(Expr):
    """The k-th percentile of the values whose key is at most a limit: the array formula
    {=PERCENTILE(IF(keys<=limit,values),k)} (IF leaves FALSE where the key is above the limit, which
    PERCENTILE skips). Excel, LibreOffice and Gnumeric evaluate it alike."""
    array = True

    def __init__(self, values: Rng, keys: Rng, limit, k):
        self.values, self.keys, self.limit, self.k = values, keys, lift(limit), lift(k)

    def xl(self, sheet):
        return (f"PERCENTILE(IF({self.keys.xl(sheet)}<={self.limit.xl(sheet)},{self.values.xl(sheet)}),"
                f"{self.k.xl(sheet)})")

    def value(self):
        limit = num(self.limit.value())
        kept = [num(v) for key, v in zip(self.keys.flat(), self.values.flat()) if _is_number(key) and key <= limit]
        return percentile(kept, num(self.k.value()))

    def refs(self):
        return self.values.refs() + self.keys.refs() + self.limit.refs() + self.k.refs()


class Flags(Expr):
    """An array of 1/0 flags, --(range >= x) or similar, only as a SUMPRODUCT argument. Compares as
    Excel does: numbers with numbers, text with text (case-insensitive), mixed kinds by type order."""

    def __init__(self, rng: Rng, op: str, x):
        assert op in _CMP
        self.rng, self.op, self.x = rng, op, lift(x)

    def xl(self, sheet):
        return f"--({self.rng.xl(sheet)}{self.op}{self.x.xl(sheet)})"

    def array(self):
        x = self.x.value()
        return [1.0 if _CMP[self.op](_order(v, x), _order(x, v)) else 0.0 for v in self.rng.flat()]

    def refs(self):
        return self.rng.refs() + self.x.refs()


# Short constructors keep line-item definitions readable.
def IF(c, a, b): return Fn("IF", c, a, b)
def SUM(*a): return Fn("SUM", *a)
def MIN(*a): return Fn("MIN", *a)
def MAX(*a): return Fn("MAX", *a)
def ABS(a): return Fn("ABS", a)
def ISNUMBER(a): return Fn("ISNUMBER", a)
def AND(*a): return Fn("AND", *a)
def OR(*a): return Fn("OR", *a)
def INDEX(rng, r, c=None):
    """INDEX(range, r[, c]) in the forms every engine evaluates: over a one-row range k picks the
    column, INDEX(range,1,k); a single cell is CHOOSE(k, cell) (Gnumeric gives #REF! for
    INDEX(one-row range, k) and for any INDEX over a single cell)."""
    if c is None and isinstance(rng, Rng) and rng.first.row == rng.last.row:
        if rng.first.col == rng.last.col:
            return CHOOSE(r, Ref(rng.first, rng.absolute or rng.anchored or rng.fixed_rows, rng.absolute or rng.anchored))
        return Fn("INDEX", rng, 1, r)
    return Fn("INDEX", rng, r) if c is None else Fn("INDEX", rng, r, c)


def MATCH(x, rng): return Fn("MATCH", x, rng, 0)
def MOD(n, d): return Fn("MOD", n, d)
def SQRT(x): return Fn("SQRT", x)
def TAN(x): return Fn("TAN", x)
def ATAN2(x, y): return Fn("ATAN2", x, y)
def PI(): return Fn("PI")
def COUNTIFS(*pairs): return Fn("COUNTIFS", *pairs)
def CORREL(a, b): return Fn("CORREL", a, b)
def CHOOSE(i, *opts): return Fn("CHOOSE", i, *opts)
def IFERROR(a, b): return Fn("IFERROR", a, b)
def COUNT(*a): return Fn("COUNT", *a)
def ROWS(rng): return Fn("ROWS", rng)
def ROUND(x, digits): return Fn("ROUND", x, digits)
def SUMPRODUCT(*a): return Fn("SUMPRODUCT", *a)
def SUBSTITUTE(text, old, new): return Fn("SUBSTITUTE", text, old, new)
def FIXED(x, n): return Fn("FIXED", x, n)   # text: x rounded to n decimals, with thousands separators
NA = Text("n/a")


class NotAvailable(Expr):
    """NA(): #N/A, only in chart data (model/workbook/book.py chart_data), where a chart shows it as a gap."""

    def xl(self, sheet):
        return "NA()"

    def value(self):
        return GAP

    def refs(self):
        return ()


def gap_if_not_number(x):
    """A chart-data cell: the figure, or #N/A (a gap in the chart) where it is not a number (n/a, n.m.)."""
    return IF(ISNUMBER(x), x, NotAvailable())
NM = Text("n.m.")   # not meaningful: a ratio over a tiny base (the limit is an input)


def guard(inputs, expr, nonzero=()):
    """`expr` when every input is a number (and each divisor in `nonzero` is not 0), else the text
    n/a: an unknown figure never turns into zero."""
    tests = [ISNUMBER(lift(x)) for x in inputs] + [lift(d).ne(0) for d in nonzero]
    return IF(tests[0] if len(tests) == 1 else AND(*tests), expr, NA)


def ratio(a, b, limit=None):
    """a / b, or n/a when either is unknown or b is zero; with a `limit`, n.m. (not meaningful) when
    the ratio's size exceeds it: a figure over a tiny base."""
    if limit is None:
        return guard([a, b], a / b, nonzero=[b])
    return guard([a, b], IF(ABS(a).gt(limit * ABS(b)), NM, a / b), nonzero=[b])


def name_part(text: str) -> str:
    """A fragment usable inside an Excel defined name."""
    s = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return s if s and not s[0].isdigit() else "_" + s
