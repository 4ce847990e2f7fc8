"""Excel formula text (model/calc/excel.py): the tokens a rebuild re-points, a shared formula's follower
moved from its master, and the values a user's formula gives, by hand. That these values are the
engines' own is shown where it counts: tests/test_usersheets_engine.py recalculates carried sheets in
LibreOffice and Gnumeric."""
import pytest

from model.calc.excel import ErrorValue, Evaluator, Unsupported, parse, shift, tokens


def kinds(text):
    return [(t.kind, t.text, t.sheet, t.area) for t in tokens(text) if t.kind != "ws"]


def test_references_names_and_functions_are_told_apart():
    assert kinds("'Income Statement'!H33*2") == [("ref", "'Income Statement'!H33", "Income Statement", "H33"),
                                                 ("op", "*", None, ""), ("num", "2", None, "")]
    assert kinds("INDEX(Asm_base_growth_cloud,1,2)")[:3] == [("func", "INDEX", None, ""), ("punct", "(", None, ""),
                                                             ("name", "Asm_base_growth_cloud", None, "")]
    # LOG10 is a function, FY2026 a cell (column FY), R2D2 a name; a quoted sheet keeps its doubled quote
    assert [k[0] for k in kinds("LOG10(FY2026)+R2D2")] == ["func", "punct", "ref", "punct", "op", "name"]
    assert kinds("'Bob''s'!$A:$C")[0] == ("ref", "'Bob''s'!$A:$C", "Bob's", "$A:$C")
    assert kinds('"a ""b"" A1"&Inputs!C10:C12')[:2] == [("str", '"a ""b"" A1"', None, ""), ("op", "&", None, "")]
    assert kinds("Sheet1!#REF!+1")[0][0] == "err"


def test_a_shared_formula_follower_moves_its_relative_references():
    assert shift("A1+$B$2+C$3+$D4+'X'!E5+SUM(F6:G7)", 2, 1) == "B3+$B$2+D$3+$D6+'X'!F7+SUM(G8:H9)"


class Cells:
    """A sheet S: B1..B3 = 1, 2, 0.1; A1 = "a"; the name Growth = S!B1:B3."""
    cells = {("S", 0, 1): 1.0, ("S", 1, 1): 2.0, ("S", 2, 1): 0.1, ("S", 0, 0): "a",
             ("S", 3, 1): ErrorValue("#DIV/0!")}

    def area(self, sheet, first, last):
        return [[self.cells.get((sheet, r, c)) for c in range(first[1], last[1] + 1)] for r in range(first[0], last[0] + 1)]

    def name(self, name):
        return {"Growth": ("S", "B1:B3")}.get(name)


@pytest.mark.parametrize("formula, value", [
    ("SUM(B1:B3)", 3.1), ("AVERAGE(Growth)", 3.1 / 3), ("-2^2", 4.0), ("2^-1", 0.5), ("B3+0.2", 0.1 + 0.2),
    ('"x"&(B3+0.2)', "x0.3"), ("INDEX(Growth,2)", 2.0), ("INDEX(Growth,3,1)", 0.1), ("MATCH(2,Growth,0)", 2.0),
    ('IF(B1>0,A1,"no")', "a"), ("IFERROR(B1/0,7)", 7.0), ("B1/0", ErrorValue("#DIV/0!")), ("B4+1", ErrorValue("#DIV/0!")),
    ("ISERROR(B4)", True), ("ISBLANK(C9)", True), ("C9", 0.0), ("C9+1", 1.0), ("ROUND(2.5,0)+ROUND(-2.5,0)", 0.0),
    ("50%*B2", 1.0), ("MIN(Growth)-MAX(Growth)", 0.1 - 2.0), ('A1="A"', True), ("1-0.9-0.1", 0.0),
    ("SUMPRODUCT(B1:B3,B1:B3)", 1 + 4 + 0.01), ("Nope", ErrorValue("#NAME?")),
])
def test_values_by_hand(formula, value):
    got = Evaluator(Cells(), "S").value(parse(formula))
    assert type(got) is type(value) and (got == pytest.approx(value, rel=1e-15) if isinstance(value, float)
                                         else got == value), (formula, got)


@pytest.mark.parametrize("formula", ["TEXT(B1,\"0\")", "OFFSET(B1,1,0)", "{1,2}", "B1:B2 B2", "SUM(A:A)",
                                     "trials Z500*2", "SUM(B1 B2)", "(B1", "B1+", "MATCH(1,B1:B3,1)"])
def test_what_is_not_computed_says_so(formula):
    """The message names what is not computed, as the rebuild report words it ("this build does not compute
    ..."): a noun phrase, not a sentence of its own."""
    with pytest.raises(Unsupported) as e:
        Evaluator(Cells(), "S").value(parse(formula))
    what = str(e.value)
    assert what.split()[0] in ("a", "an", "the", "MATCH") and " is not " not in what, what
