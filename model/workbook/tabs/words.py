"""Sentences built by formula: an edition's text with {placeholders} whose values are formulas, so that a
sentence on the Cover or the Claims Audit ("Base: no adjusted breakeven by FY2030 ...") follows every
edit as a figure does, in the word order of its language."""
from __future__ import annotations

import re

from ...calc.formula import FIXED, IF, ISNUMBER, ROUND, SUBSTITUTE, Expr, Text, lift

PLACEHOLDER = re.compile(r"\{(\w+\*?)\}")   # {name}, or {name*} (a list: thesis.csv)


def sentence(template: str, **parts) -> Expr:
    """`template` ("{scenario}: {verdict}.") with each placeholder replaced by its part: a plain text in
    place, a formula by SUBSTITUTE. The formula's shape depends only on which parts are formulas, never on
    where the edition's words put them, so that both editions write the same formula (their texts aside)."""
    used = set(PLACEHOLDER.findall(template))
    texts = {k: v for k, v in parts.items() if k in used and not isinstance(v, Expr)}
    out = PLACEHOLDER.sub(lambda m: str(texts[m.group(1)]) if m.group(1) in texts else m.group(0), template)
    formulas = sorted(k for k in used if k not in texts)
    if not formulas:
        return Text(out)
    expr = Text(out)
    for key in formulas:
        expr = SUBSTITUTE(expr, Text("{" + key + "}"), parts[key])
    return expr


def number(x, decimals: int = 1) -> Expr:
    """A figure as a sentence shows it: rounded to `decimals`, with thousands separators (3,202.9); a text
    (n/a) as it is."""
    x = lift(x)
    return IF(ISNUMBER(x), FIXED(ROUND(x, decimals), decimals), x)   # ROUND first: Gnumeric's FIXED rounds 255.15 down


def percent(x, decimals: int = 0) -> Expr:
    """A fraction as a percentage in a sentence (0.853 -> 85%); a text as it is."""
    x = lift(x)
    return IF(ISNUMBER(x), FIXED(ROUND(x * 100, decimals), decimals).cat(Text("%")), x)


def year(x) -> Expr:
    """A fiscal year as the period header writes it (2028 -> FY2028); a text (not reached) as it is."""
    x = lift(x)
    return IF(ISNUMBER(x), Text("FY").cat(x), x)
