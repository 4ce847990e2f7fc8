"""Excel formula text, as a file holds it (A1 references, English function names, commas): split into
tokens, parsed into a tree and evaluated with the model's own semantics (formula.py: the engine's
cancellation to 0, compensated SUM, comparisons), for the formulas a user writes on their own sheets.

A rebuild re-points a user's formula that reads the model (the references are tokens with their place
in the text, so the text is rewritten in place and keeps its spacing) and caches the value the formula
now gives. Functions outside the set below raise Unsupported: such a formula keeps its last value.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .formula import GapValue, XlError, _round, _text, a1, compensated_sum, num, operate

_START = "A-Za-z_\\\\\u00a1-\uffff"          # a name or an unquoted sheet name starts with a letter, _ or \
_REST = _START + "0-9."
_SHEET = rf"(?:'(?:[^']|'')+'|[{_START}][{_REST}]*(?::[{_START}][{_REST}]*)?)"
_CELL = r"\$?[A-Za-z]{1,3}\$?[0-9]+"
_AREA = rf"{_CELL}(?::{_CELL})?|\$?[A-Za-z]{{1,3}}:\$?[A-Za-z]{{1,3}}|\$?[0-9]+:\$?[0-9]+"
_TOKEN = re.compile(rf"""
    (?P<ws>\s+)
  | (?P<str>"(?:[^"]|"")*")
  | (?P<err>(?:{_SHEET}!)?\#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA))
  | (?P<ref>(?:(?P<sheet>{_SHEET})!)?(?P<area>{_AREA})(?![{_REST}(\[!]))
  | (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[Ee][+-]?[0-9]+)?)
  | (?P<name>(?:(?P<nsheet>{_SHEET})!)?[{_START}][{_REST}?]*)
  | (?P<op><>|<=|>=|[-+*/^&=<>%])
  | (?P<punct>[(),;{{}}])
  | (?P<other>.)
""", re.VERBOSE)
_A1 = re.compile(r"^(\$?)([A-Za-z]{1,3})(\$?)([0-9]+)$")


@dataclass
class Token:
    kind: str          # ws str err ref num name func op punct other
    text: str
    start: int
    end: int
    sheet: str | None = None   # ref / name: the sheet it names, unquoted (None: this sheet)
    area: str = ""             # ref: A1, $A$1:B2, C:C, 5:5


def unquote(sheet: str) -> str:
    return sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet


@lru_cache(maxsize=1 << 16)   # a rebuild reads, re-points and evaluates each formula: one split for the three
def tokens(text: str) -> tuple[Token, ...]:
    """The tokens of a formula's text (without its leading "="); a name followed by "(" is a function.
    The tokens are shared: never change them."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup   # the alternative that matched: its inner groups close before it
        tok = Token(kind, m.group(0), m.start(), m.end())
        if kind == "ref":
            tok.sheet = unquote(m.group("sheet")) if m.group("sheet") else None
            tok.area = m.group("area")
        elif kind == "name":
            if m.group("nsheet"):
                tok.sheet = unquote(m.group("nsheet"))
            if m.end() < len(text) and text[m.end()] == "(" and not tok.sheet:
                tok.kind = "func"
        out.append(tok)
    return tuple(out)


def cell_ref(text: str) -> tuple[int, int, bool, bool]:
    """(row, column, row absolute, column absolute) of A1 / $A$1, 0-based."""
    m = _A1.match(text)
    col = 0
    for ch in m.group(2).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(4)) - 1, col - 1, bool(m.group(3)), bool(m.group(1))


def area_corners(area: str):
    """((row, col), (row, col)) of a cell or a range, 0-based; None for whole rows or columns."""
    parts = area.split(":")
    if not all(_A1.match(p) for p in parts):
        return None
    (r1, c1, *_), (r2, c2, *_) = cell_ref(parts[0]), cell_ref(parts[-1])
    return (min(r1, r2), min(c1, c2)), (max(r1, r2), max(c1, c2))


def shift(text: str, drow: int, dcol: int) -> str:
    """A formula's text moved by rows and columns, as a shared formula's follower reads its master's:
    relative references move, absolute ones ($) stay."""
    out, last = [], 0
    for tok in tokens(text):
        if tok.kind != "ref" or not area_corners(tok.area):
            continue
        parts = []
        for part in tok.area.split(":"):
            r, c, ar, ac = cell_ref(part)
            parts.append(a1(r if ar else r + drow, c if ac else c + dcol, ar, ac))
        out += [text[last:tok.start], tok.text[:len(tok.text) - len(tok.area)], ":".join(parts)]
        last = tok.end
    return "".join(out) + text[last:]


# --- parsing --------------------------------------------------------------------------------------

class Unsupported(Exception):
    """The formula uses something this evaluator does not (a function, an operator): it keeps its value. The
    message names what, as the rebuild report words it: "this build does not compute <message>"."""


_BINARY = [("=", "<>", "<", ">", "<=", ">="), ("&",), ("+", "-"), ("*", "/"), ("^",)]
_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


def parse(text: str):
    """The formula's tree: ("num", v) ("str", s) ("bool", b) ("err", code) ("ref", sheet, area)
    ("name", name) ("call", NAME, [args]) ("bin", op, a, b) ("neg", a) ("pct", a)."""
    toks = [t for t in tokens(text.lstrip("=")) if t.kind != "ws"]
    pos = 0

    def peek():
        return toks[pos] if pos < len(toks) else None

    def take():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def binary(level):
        if level == len(_BINARY):
            return unary()
        node = binary(level + 1)
        while (t := peek()) is not None and t.kind == "op" and t.text in _BINARY[level]:
            take()
            node = ("bin", t.text, node, binary(level + 1))
        return node

    def unary():
        t = peek()
        if t is not None and t.kind == "op" and t.text in "+-":
            take()
            inner = unary()
            return ("neg", inner) if t.text == "-" else inner
        node = primary()
        while (t := peek()) is not None and t.kind == "op" and t.text == "%":
            take()
            node = ("pct", node)
        return node

    def primary():
        t = peek()
        if t is None:
            raise Unsupported("a formula that ends too soon")
        take()
        if t.kind == "num":
            return ("num", float(t.text))
        if t.kind == "str":
            return ("str", t.text[1:-1].replace('""', '"'))
        if t.kind == "err":
            return ("err", t.text[t.text.index("#"):])
        if t.kind == "ref":
            return ("ref", t.sheet, t.area)
        if t.kind == "name":
            if t.text.upper() in ("TRUE", "FALSE") and not t.sheet:
                return ("bool", t.text.upper() == "TRUE")
            return ("name", t.text)
        if t.kind == "func":
            take()   # (
            args = []
            if not (peek() is not None and peek().text == ")"):
                while True:
                    args.append(("blank",) if peek() is not None and peek().text in ",)" else binary(0))
                    t2 = take()
                    if t2.text == ")":
                        break
                    if t2.text != ",":
                        raise Unsupported(f"the term {t2.text!r} among a function's arguments")
            else:
                take()
            name = t.text.upper()
            return ("call", name[len("_XLFN."):] if name.startswith("_XLFN.") else name, args)
        if t.text == "(":
            node = binary(0)
            if take().text != ")":
                raise Unsupported("a formula with unbalanced brackets")
            return node
        raise Unsupported(f"the term {t.text!r}")

    try:
        tree = binary(0)
    except IndexError:
        raise Unsupported("a formula with unbalanced brackets") from None
    if pos != len(toks):
        raise Unsupported(f"the term {toks[pos].text!r} after a whole formula (an intersection?)")
    return tree


# --- evaluating -------------------------------------------------------------------------------------

class Area:
    """The values of a range, row by row."""

    def __init__(self, rows: list[list]):
        self.rows = rows

    def flat(self):
        return [v for row in self.rows for v in row]


def _raise_error(v):
    if isinstance(v, ErrorValue):
        raise XlError(str(v))
    if isinstance(v, GapValue):
        raise XlError("#N/A")
    return v


class ErrorValue(str):
    """A cell's error value (#DIV/0!), as a value: reading it raises the error."""


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _numbers(args, strict=True):
    """The numbers among function arguments: in a range only numbers count, a scalar must be one."""
    out = []
    for a in args:
        if isinstance(a, Area):
            for v in a.flat():
                _raise_error(v)
                if _is_number(v):
                    out.append(float(v))
        elif a is not None or strict:
            out.append(num(a))
    return out


def _index(area, r, c=None):
    rows = area.rows if isinstance(area, Area) else [[area]]
    r = int(num(r))
    if c is None:
        if len(rows) == 1:
            r, c = 1, r
        elif len(rows[0]) == 1:
            c = 1
        else:
            raise XlError("#REF!")
    c = int(num(c))
    if not (1 <= r <= len(rows) and 1 <= c <= len(rows[0])):
        raise XlError("#REF!")
    return rows[r - 1][c - 1]


def _match(x, area, kind=1.0):
    values = area.flat() if isinstance(area, Area) else [area]
    if int(num(kind)) != 0:
        raise Unsupported("MATCH with an approximate match")
    for i, v in enumerate(values):
        if (isinstance(x, str) and isinstance(v, str) and x.lower() == v.lower()) or (
                _is_number(x) and _is_number(v) and float(x) == float(v)):
            return float(i + 1)
    raise XlError("#N/A")


def _lookup(x, area, index, exact=True, by_row=False):
    if exact not in (0, 0.0, False):
        raise Unsupported("a lookup with an approximate match")
    rows = area.rows if not by_row else [list(col) for col in zip(*area.rows)]
    i = int(num(index))
    for row in rows:
        v = row[0]
        if (isinstance(x, str) and isinstance(v, str) and x.lower() == v.lower()) or (
                _is_number(x) and _is_number(v) and float(x) == float(v)):
            if not 1 <= i <= len(row):
                raise XlError("#REF!")
            return row[i - 1]
    raise XlError("#N/A")


def _round_to(x, n, how):
    q = 10.0 ** int(num(n))
    x = num(x)
    return math.copysign((math.ceil if how == "up" else math.floor)(abs(x) * q) / q, x)


def _mean(args):
    nums = _numbers(args)
    if not nums:
        raise XlError("#DIV/0!")
    return compensated_sum(nums) / len(nums)


def _sumproduct(*areas):
    arrays = [a.flat() if isinstance(a, Area) else [a] for a in areas]
    if len({len(x) for x in arrays}) != 1:
        raise XlError("#VALUE!")
    total = []
    for vals in zip(*arrays):
        p = 1.0
        for v in vals:
            _raise_error(v)
            p *= float(v) if _is_number(v) else 0.0
        total.append(p)
    return compensated_sum(total)


def _math(fn):
    def apply(x):
        try:
            return fn(num(x))
        except (ValueError, OverflowError):
            raise XlError("#NUM!") from None
    return apply


def _div(a, b):
    if num(b) == 0:
        raise XlError("#DIV/0!")
    return num(a) / num(b)


# name -> (function of evaluated arguments, which arguments stay ranges: "all" or a set of positions)
FUNCTIONS = {
    "SUM": (lambda *a: compensated_sum(_numbers(a)), "all"),
    "AVERAGE": (lambda *a: _mean(a), "all"),
    "MIN": (lambda *a: min(_numbers(a), default=0.0), "all"),
    "MAX": (lambda *a: max(_numbers(a), default=0.0), "all"),
    "COUNT": (lambda *a: float(sum(_is_number(v) for x in a for v in (x.flat() if isinstance(x, Area) else [x]))), "all"),
    "COUNTA": (lambda *a: float(sum(v not in (None,) for x in a for v in (x.flat() if isinstance(x, Area) else [x]))),
               "all"),
    "PRODUCT": (lambda *a: math.prod(_numbers(a)), "all"),
    "SUMPRODUCT": (_sumproduct, "all"),
    "ABS": (lambda x: abs(num(x)), set()),
    "SIGN": (lambda x: float((num(x) > 0) - (num(x) < 0)), set()),
    "ROUND": (lambda x, n: _round(num(x), int(num(n))), set()),
    "ROUNDUP": (lambda x, n: _round_to(x, n, "up"), set()),
    "ROUNDDOWN": (lambda x, n: _round_to(x, n, "down"), set()),
    "INT": (lambda x: float(math.floor(num(x))), set()),
    "MOD": (lambda a, b: num(a) - num(b) * math.floor(_div(a, b)), set()),
    "SQRT": (_math(math.sqrt), set()),
    "EXP": (_math(math.exp), set()),
    "LN": (_math(math.log), set()),
    "LOG10": (_math(math.log10), set()),
    "POWER": (lambda a, b: math.pow(num(a), num(b)), set()),
    "PI": (lambda: math.pi, set()),
    "AND": (lambda *a: all(num(v) for v in _numbers(a, strict=False)), "all"),
    "OR": (lambda *a: any(num(v) for v in _numbers(a, strict=False)), "all"),
    "NOT": (lambda x: not num(x), set()),
    "TRUE": (lambda: True, set()),
    "FALSE": (lambda: False, set()),
    "NA": (lambda: _raise_error(ErrorValue("#N/A")), set()),
    "INDEX": (_index, {0}),
    "MATCH": (_match, {1}),
    "VLOOKUP": (lambda x, a, i, exact=True: _lookup(x, a, i, exact), {1}),
    "HLOOKUP": (lambda x, a, i, exact=True: _lookup(x, a, i, exact, by_row=True), {1}),
    "ROWS": (lambda a: float(len(a.rows) if isinstance(a, Area) else 1), {0}),
    "COLUMNS": (lambda a: float(len(a.rows[0]) if isinstance(a, Area) else 1), {0}),
    "LEN": (lambda x: float(len(_text(x))), set()),
    "LEFT": (lambda x, n=1.0: _text(x)[:int(num(n))], set()),
    "RIGHT": (lambda x, n=1.0: _text(x)[len(_text(x)) - int(num(n)):] if int(num(n)) else "", set()),
    "MID": (lambda x, s, n: _text(x)[int(num(s)) - 1:int(num(s)) - 1 + int(num(n))], set()),
    "UPPER": (lambda x: _text(x).upper(), set()),
    "LOWER": (lambda x: _text(x).lower(), set()),
    "TRIM": (lambda x: re.sub(" +", " ", _text(x).strip(" ")), set()),
    "CONCATENATE": (lambda *a: "".join(_text(v) for v in a), set()),
}
LAZY = {"IF", "IFERROR", "IFNA", "ISNUMBER", "ISTEXT", "ISBLANK", "ISERROR", "ISERR", "ISNA", "CHOOSE"}


class Evaluator:
    """Evaluates parsed formulas against a workbook seen through `resolve`:
        resolve.area(sheet, (r1, c1), (r2, c2)) -> rows of values (sheet None: the formula's own)
        resolve.name(name) -> (sheet, area text) for a name over cells, or None (#NAME?)
    A value is a number, a text, a bool, None (blank) or an ErrorValue."""

    def __init__(self, resolve, sheet: str):
        self.resolve, self.sheet = resolve, sheet

    def value(self, tree):
        """The formula's value: a number, text or bool; an error as ErrorValue; Unsupported passes."""
        try:
            v = self.scalar(tree)
            return 0.0 if v is None else v
        except XlError as e:
            return ErrorValue(str(e))

    def _area(self, sheet, area):
        corners = area_corners(area)
        if corners is None:
            raise Unsupported("a whole row or column")
        return Area(self.resolve.area(sheet if sheet is not None else self.sheet, *corners))

    def arg(self, tree, keep_area):
        """An argument: a range stays an Area where the function takes ranges."""
        kind = tree[0]
        if kind == "ref" and keep_area:
            return self._area(tree[1], tree[2])
        if kind == "name" and keep_area:
            target = self.resolve.name(tree[1])
            if target is None:
                raise XlError("#NAME?")
            return self._area(*target)
        if kind == "blank":
            return None
        return self.scalar(tree)

    def scalar(self, tree):
        kind = tree[0]
        if kind in ("num", "str", "bool"):
            return tree[1]
        if kind == "err":
            raise XlError(tree[1])
        if kind in ("ref", "name"):
            area = self.arg(tree, True)
            if len(area.rows) != 1 or len(area.rows[0]) != 1:
                raise Unsupported("a range where one value is read (implicit intersection)")
            return _raise_error(area.rows[0][0])
        if kind == "neg":
            return -num(self.scalar(tree[1]))
        if kind == "pct":
            return num(self.scalar(tree[1])) / 100
        if kind == "bin":
            return operate(tree[1], self.scalar(tree[2]), self.scalar(tree[3]))
        if kind == "call":
            return self._call(tree[1], tree[2])
        raise Unsupported(f"a term of kind {kind}")


    def _call(self, name, args):
        if name in LAZY:
            return self._lazy(name, args)
        if name not in FUNCTIONS:
            raise Unsupported(f"the function {name}")
        fn, ranges = FUNCTIONS[name]
        values = [self.arg(a, ranges == "all" or i in ranges) for i, a in enumerate(args)]
        try:
            result = fn(*values)
        except TypeError:
            raise XlError("#VALUE!") from None
        return _raise_error(result)

    def _lazy(self, name, args):
        if name in ("IF", "CHOOSE"):
            if name == "IF":
                cond = self.scalar(args[0])
                if isinstance(cond, str):
                    raise XlError("#VALUE!")
                branch = args[1] if num(cond) else (args[2] if len(args) > 2 else ("bool", False))
            else:
                i = int(num(self.scalar(args[0])))
                if not 1 <= i < len(args):
                    raise XlError("#VALUE!")
                branch = args[i]
            return None if branch[0] == "blank" else self.scalar(branch)
        if name in ("IFERROR", "IFNA"):
            try:
                return self.scalar(args[0])
            except XlError as e:
                if name == "IFNA" and str(e) != "#N/A":
                    raise
                return self.scalar(args[1])
        try:
            v = self.arg(args[0], False)
        except XlError as e:
            return {"ISERROR": True, "ISERR": str(e) != "#N/A", "ISNA": str(e) == "#N/A"}.get(name, False)
        return {"ISNUMBER": _is_number(v), "ISTEXT": isinstance(v, str), "ISBLANK": v is None,
                "ISERROR": False, "ISERR": False, "ISNA": False}[name]
