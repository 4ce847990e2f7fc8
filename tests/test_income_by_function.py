"""The income statement by function: where the data give selling and G&A, each is forecast by its own driver
(a share of revenue plus a fixed part; other income and gains an amount), on a small company worked out by
hand, and through LibreOffice; where they do not, one derived line, refused where it starts as a net income
(a growth rate could never take it across zero); drivers of the other mode refused."""
import pytest

from conftest import require_engine, run
from model.data.company import load
from model.data.files import DataError
from model.data.periods import Period
from model.workbook.build import build_book
from test_analysis import HAND, write_company

FY = lambda y: Period(y, 12)  # noqa: E731

# Funco: the hand company of test_analysis (revenue 10 in FY2024, gross margin 50%, R&D 20 held flat, adjusted
# net income -20, net income -22) with its costs below R&D disclosed for FY2024: selling 2, G&A 3, other income
# and gains 0 (operating loss 5 - 20 - 2 - 3 = -20); forecast with selling at 10% of revenue + 1, G&A at 5% + 2,
# other income and gains 0.5 a year and no adjustments. double: revenue 20, 40, 80; slow: 12, 14.4, 17.28.
FUNCTIONS = "".join(f"{item},FY2024,{v}\n" for item, v in (("selling_marketing", 2), ("general_admin", 3),
                                                            ("other_income", 0)))
DRIVERS = "".join(f"{sc},{d},{v},{v},{v}\n" for sc in ("double", "slow") for d, v in (
    ("sm_share", "10%"), ("sm_fixed", "1"), ("ga_share", "5%"), ("ga_fixed", "2"), ("other_income", "0.5")))


def funco_files(**changes):
    files = dict(HAND)
    files["actuals.csv"] = HAND["actuals.csv"] + FUNCTIONS
    files["assumptions.csv"] = HAND["assumptions.csv"].replace("double,other_opex_growth,0,0,0\n", "").replace(
        "slow,other_opex_growth,0,0,0\n", "") + DRIVERS
    files.update(changes)
    return files


@pytest.fixture(scope="module")
def funco(tmp_path_factory):
    return load(write_company(tmp_path_factory.mktemp("funco") / "funco", funco_files()))


@pytest.fixture(scope="module")
def funco_book(funco):
    return build_book(funco)


def line(book, key, years=(2025, 2026, 2027), block=None):
    b = block or book.tabs["income"].lines
    return [b.cell(key, FY(y)).result() for y in years]


def test_the_data_decide_the_mode(funco, tmp_path):
    assert funco.by_function
    assert not load(write_company(tmp_path / "hand", HAND)).by_function     # no selling or G&A: one derived line


def test_by_function_by_hand(funco_book):
    b = funco_book   # double selected
    # history: the operating loss from its parts, and what lies below it (net income -22 less -20)
    assert line(b, "operating_profit", (2024,)) == [-20] and line(b, "below_operating", (2024,)) == [-2]
    assert line(b, "selling_marketing") == pytest.approx([0.1 * 20 + 1, 0.1 * 40 + 1, 0.1 * 80 + 1])
    assert line(b, "general_admin") == pytest.approx([0.05 * 20 + 2, 0.05 * 40 + 2, 0.05 * 80 + 2])
    assert line(b, "other_income") == pytest.approx([0.5, 0.5, 0.5])
    # gross profit 10, 20, 40 - R&D 20 - selling - G&A + 0.5
    operating = [10 - 20 - 3 - 3 + 0.5, 20 - 20 - 5 - 4 + 0.5, 40 - 20 - 9 - 6 + 0.5]
    assert line(b, "operating_profit") == pytest.approx(operating)
    # the operating result is the forecast's reported net income; adjusted adds the adjustments (0)
    assert line(b, "net_income") == pytest.approx(operating)
    assert line(b, "adjusted_net_income") == pytest.approx(operating)
    # other operating costs, net, are what the lines add up to: gross profit - R&D - adjusted net income
    assert line(b, "other_opex") == pytest.approx([3 + 3 - 0.5, 5 + 4 - 0.5, 9 + 6 - 0.5])
    assert b.names["BreakevenYear"].result() == 2027
    slow = b.tabs["scenarios"].blocks["slow"]
    assert line(b, "adjusted_net_income", block=slow) == pytest.approx(
        [6 - 20 - (1.2 + 1) - (0.6 + 2) + 0.5, 7.2 - 20 - (1.44 + 1) - (0.72 + 2) + 0.5,
         8.64 - 20 - (1.728 + 1) - (0.864 + 2) + 0.5])
    assert b.names["MasterCheck"].result() == 0


def test_by_function_in_libreoffice(funco_book, tmp_path):
    require_engine()
    from model.engine import libreoffice as engine
    from model.engine.verify import cached_values, compare
    from model.workbook.writer import write_book
    path = tmp_path / "funco.xlsx"
    write_book(funco_book, path)
    result, = engine.recalculate([{"path": path}])
    rep = compare(cached_values(path), result)
    assert rep.mismatches == [] and rep.errors == [] and rep.master == 0


@pytest.mark.parametrize("files, row_of, column, message", [
    # a net income below R&D (adjusted net income -14 > gross profit 5 - R&D 20): growth would keep it an income
    (lambda: dict(HAND, **{"actuals.csv": HAND["actuals.csv"].replace("adjusted_net_income,FY2024,-20",
                                                                     "adjusted_net_income,FY2024,-14")}),
     "double,other_opex_growth", "FY2025", "a net income, which a growth rate can never take across zero"),
    (lambda: funco_files(**{"assumptions.csv": funco_files()["assumptions.csv"] + "double,other_opex_growth,5%,5%,5%\n"}),
     "double,other_opex_growth,5%", "driver", "costs below R&D are forecast by function"),
    (lambda: dict(HAND, **{"assumptions.csv": HAND["assumptions.csv"] + "double,sm_share,10%,10%,10%\n"}),
     "double,sm_share", "driver", "applies when the income statement is forecast by function"),
])
def test_the_wrong_cost_drivers_are_refused(tmp_path, files, row_of, column, message):
    data = files()
    folder = write_company(tmp_path / "co", data)
    with pytest.raises(DataError) as err:
        load(folder)
    text = "\n".join(map(str, getattr(err.value, "problems", [err.value])))
    row = next(n for n, ln in enumerate(data["assumptions.csv"].splitlines(), start=1) if ln.startswith(row_of))
    assert f"assumptions.csv, row {row}, column '{column}'" in text and message in text, text
    res = run("build", "--data", folder, "--out", tmp_path / "out.xlsx")
    assert res.returncode == 2 and "Traceback" not in res.stderr and not (tmp_path / "out.xlsx").exists()
