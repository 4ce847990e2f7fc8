"""A table whose rows share one formula per column: the formula tree is built once with `Column` leaves
(the cell of the same row in another column), its Excel text rendered once with a row placeholder, and
its values computed for every row at once, column by column, with the same semantics as `Expr.value`.

The Risk tab's trials use it: a thousand rows of the same formulas would otherwise build, render and
evaluate a thousand trees per column.
"""
from __future__ import annotations

import math
from itertools import repeat

from .formula import (_FUNCS, APPROX, Expr, Fn, Neg, Op, XlError, _is_number, approx_equal, atan2, col_letter,
                      compensated_sum, lift, mod, num, operate, sqrt)

ROW = "\x00"   # the row number's place in a rendered formula


class Column(Expr):
    """The cell of the current row in a column of the table (a relative reference: F12 on row 12)."""
    prec = 9

    def __init__(self, key, col: int):
        self.key, self.col = key, col

    def xl(self, sheet):
        return f"{col_letter(self.col)}{ROW}"

    def value(self):
        raise TypeError("a table column has one value per row: use vector.evaluate")


def render(expr: Expr, sheet) -> str:
    """The formula text of every row, with ROW where the row number goes (`on_row` fills it in)."""
    return "=" + expr.xl(sheet)


def on_row(text: str, row: int) -> str:
    """A rendered formula on a 0-based sheet row."""
    return text.replace(ROW, str(row + 1))


def _scalar(e: Expr):
    try:
        return e.value()
    except XlError as err:
        return err


def _each(f, args, n):
    """f over the elements of `args` (each a list of n values or one value); an error value in an
    argument, or one f raises, is the element's value."""
    cols = [a if isinstance(a, list) else [a] * n for a in args]
    out = []
    for vals in zip(*cols):
        err = next((v for v in vals if isinstance(v, XlError)), None)
        if err is not None:
            out.append(err)
            continue
        try:
            out.append(f(*vals))
        except XlError as e:
            out.append(e)
    return out


def _if(cond, yes, no=False):
    if isinstance(cond, str):
        raise XlError("#VALUE!")
    return yes if num(cond) else no


def _bool(v):
    return v if isinstance(v, bool) else num(v) != 0


# functions of plain values (the tree's Fn evaluates its Expr arguments lazily; here they are values)
_VALUE_FUNCS = {
    "MOD": lambda n, d: mod(num(n), num(d)),
    "SQRT": lambda x: sqrt(num(x)),
    "TAN": lambda x: math.tan(num(x)),
    "ATAN2": lambda x, y: atan2(num(x), num(y)),
    "ABS": lambda x: abs(num(x)),
    "MAX": lambda *a: max(num(x) for x in a),
    "MIN": lambda *a: min(num(x) for x in a),
    "AND": lambda *a: all(_bool(x) for x in a),
    "OR": lambda *a: any(_bool(x) for x in a),
}


_VALUE_FUNCS["SUM"] = lambda *a: compensated_sum([num(x) for x in a])


def _near(x, y):
    """Whether two floats may count as equal to the engine (approx_equal, tried only when close)."""
    return x == y or (abs(x - y) <= 1e-13 * max(abs(x), abs(y)) and approx_equal(x, y))


_CMP_NEAR = {"<": lambda x, y: x < y and not _near(x, y), ">": lambda x, y: x > y and not _near(x, y),
             "<=": lambda x, y: x <= y or _near(x, y), ">=": lambda x, y: x >= y or _near(x, y)}


def _pairs(a, b, n):
    return zip(a if isinstance(a, list) else repeat(a, n), b if isinstance(b, list) else repeat(b, n))


def _fast_op(op, a, b, n):
    """An operator over plain floats, or None when it needs the general path (a division by 0, a power)."""
    p = _pairs(a, b, n)
    # a sum of opposite signs is 0 when the two agree to within APPROX (approx_equal), which needs its
    # difference below APPROX times either (or not a number): the rest are plain sums, without the call
    if op == "+":
        return [0.0 if (x < 0 < y or y < 0 < x) and not abs(x + y) >= abs(x) * APPROX and approx_equal(x, -y) else x + y
                for x, y in p]
    if op == "-":
        return [0.0 if (x < 0 < -y or -y < 0 < x) and not abs(x - y) >= abs(x) * APPROX and approx_equal(x, y) else x - y
                for x, y in p]
    if op == "*":
        return [x * y for x, y in p]
    if op == "/" and not (b == 0 if isinstance(b, float) else 0.0 in b):
        return [x / y for x, y in p]
    if op == "<":
        return [x < y and not _near(x, y) for x, y in p]
    if op == ">":
        return [x > y and not _near(x, y) for x, y in p]
    if op == "<=":
        return [x <= y or _near(x, y) for x, y in p]
    if op == ">=":
        return [x >= y or _near(x, y) for x, y in p]
    if op == "^" and all(x > 0 for x in (a if isinstance(a, list) else (a,))):   # else #NUM! or #DIV/0! may arise
        try:
            return [math.pow(x, y) for x, y in p]
        except OverflowError:
            return None
    return None


def _fast_mod(a, d, n):
    if (d == 0 if isinstance(d, float) else 0.0 in d):
        return None
    fmod = math.fmod
    return [r + y if (r := fmod(x, y)) and (r < 0) != (y < 0) else r for x, y in _pairs(a, d, n)]


_FAST_FUNCS = {"TAN": math.tan, "ABS": abs}   # of one float argument


def _fast_func(name, args, n):
    """A function over plain floats, or None when it needs the general path (a negative square root ...)."""
    if name in _FAST_FUNCS:
        f = _FAST_FUNCS[name]
        return [f(x) for x in args[0]] if isinstance(args[0], list) else None
    cols = [a if isinstance(a, list) else repeat(a, n) for a in args]
    if name == "MAX":
        return [max(v) for v in zip(*cols)]
    if name == "MIN":
        return [min(v) for v in zip(*cols)]
    if name == "SQRT" and isinstance(args[0], list) and all(x >= 0 for x in args[0]):
        return [math.sqrt(x) for x in args[0]]
    if name == "ATAN2" and not any(x == 0 and y == 0 for x, y in zip(*cols)):
        return [math.atan2(y, x) for x, y in zip(*[a if isinstance(a, list) else repeat(a, n) for a in args])]
    if name == "SUM":
        return [compensated_sum(v) for v in zip(*cols)]
    return None


def evaluate(expr: Expr, columns: dict, n: int):
    """The values of `expr` on n rows: a list, or one value when it reads no Column. `columns` maps a
    Column's key to its n values. An error value is an XlError in the list (Excel's value of the cell)."""
    memo, reads, clean = {}, {}, {}

    def depends(e) -> bool:
        k = id(e)
        if k not in reads:
            if isinstance(e, (Column, RowFirst)):
                reads[k] = True
            elif isinstance(e, Op):
                reads[k] = depends(e.a) | depends(e.b)
            elif isinstance(e, Neg):
                reads[k] = depends(e.a)
            elif isinstance(e, Fn):
                reads[k] = any([depends(a) for a in e.args])
            else:
                reads[k] = False
        return reads[k]

    def floats(v) -> bool:
        """Every element a plain float (no error, text or flag): the fast paths apply."""
        if isinstance(v, float):
            return True
        if not isinstance(v, list):
            return False
        k = id(v)
        if k not in clean:
            clean[k] = all(type(x) is float for x in v)
        return clean[k]

    def ev(e):
        k = id(e)
        if k in memo:
            return memo[k]
        v = None
        if not depends(e):
            v = _scalar(e)
        elif isinstance(e, Column):
            v = columns[e.key]
        elif isinstance(e, RowFirst):
            x, years = ev(e.x), [ev(y) for y in e.years]
            rows = zip(*[columns[c.key] for c in e.cols])
            test = _CMP_NEAR[e.op]
            v = [min((y for a, y in zip(vals, years) if _is_number(a) and test(a, x)), default=0.0) for vals in rows]
        elif isinstance(e, Op):
            op, a, b = e.op, ev(e.a), ev(e.b)
            if floats(a) and floats(b):
                v = _fast_op(op, a, b, n)
                if v is not None and op in "+-*/":
                    clean[id(v)] = True   # plain floats in, plain floats out
            if v is None:
                v = _each(lambda x, y: operate(op, x, y), [a, b], n)
        elif isinstance(e, Neg):
            a = ev(e.a)
            v = [-x for x in a] if floats(a) else _each(lambda x: -num(x), [a], n)
            clean[id(v)] = floats(a)
        elif e.name == "IF":
            cond, yes = ev(e.args[0]), ev(e.args[1])
            no = ev(e.args[2]) if len(e.args) > 2 else False
            v = []
            for c, y, o in zip(*[x if isinstance(x, list) else [x] * n for x in (cond, yes, no)]):
                try:
                    v.append(c if isinstance(c, XlError) else _if(c, y, o))
                except XlError as err:
                    v.append(err)
        elif e.name == "ISNUMBER":   # an error is not a number: no error passes through
            arg = ev(e.args[0])
            v = [_is_number(x) for x in arg] if isinstance(arg, list) else _is_number(arg)
        else:
            args = [ev(a) for a in e.args]
            if all(floats(a) for a in args):
                v = _fast_mod(args[0], args[1], n) if e.name == "MOD" else _fast_func(e.name, args, n)
                if v is not None:
                    clean[id(v)] = True
            if v is None:
                if e.name not in _VALUE_FUNCS:
                    raise NotImplementedError(f"{e.name} over a table column")
                v = _each(_VALUE_FUNCS[e.name], args, n)
        memo[k] = v
        return v

    out = ev(lift(expr))
    return [float(x) if isinstance(x, bool) else x for x in out] if isinstance(out, list) else out


assert set(_VALUE_FUNCS) <= set(_FUNCS)


class RowFirst(Expr):
    """The first of `years` whose cell of the current row meets `op` against `x` (a value or an Expr), 0
    when none does: the array formula {=MIN(IF(G12:K12>=0,$G$5:$K$5))} (MIN skips the FALSE that IF leaves;
    MIN of nothing is 0). The years rise along the row, so the smallest is the first."""
    array = True
    prec = 9

    def __init__(self, cols: list, op: str, x, years: list):
        self.cols, self.op, self.x, self.years = cols, op, lift(x), years

    def xl(self, sheet):
        first, last = self.cols[0], self.cols[-1]
        span = f"{col_letter(first.col)}{ROW}:{col_letter(last.col)}{ROW}"
        years = f"{self.years[0].xl(sheet)}:{self.years[-1].xl(sheet).split('!')[-1]}"
        return f"MIN(IF({span}{self.op}{self.x.xl(sheet)},{years}))"

    def value(self):
        raise TypeError("a table column has one value per row: use vector.evaluate")

    def refs(self):
        return self.x.refs() + tuple(c for y in self.years for c in y.refs())


class Computed(Expr):
    """A cell of a table column: its formula is the column's text on this row, its value computed with the
    column's others (vector.evaluate). Written like any formula; `links` tells the writer whether it reads
    another sheet."""
    __slots__ = ("text", "row", "result", "array", "links")

    def __init__(self, text: str, row: int, result, array: bool, links: tuple):
        self.text, self.row, self.result, self.array, self.links = text, row, result, array, links

    def xl(self, sheet):
        return on_row(self.text, self.row)[1:]

    def value(self):
        if isinstance(self.result, XlError):
            raise self.result
        return self.result

    def refs(self):
        return self.links
