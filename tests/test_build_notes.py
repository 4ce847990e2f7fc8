"""What every build reports beside the workbook (the loader's notes): values outside the usual range
that are accepted (growth above 1,000% a year), each with its file, row and column."""
from conftest import MERIDIAN, ZHIPU_UNITS, copy_folder, replace_in as replace, run


def test_twenty_fold_token_growth_is_accepted_and_noted(tmp_path):
    """MiniMax's tokens grew about 20x in 2026 (1,900%): the unit build's token growth takes it, the
    build notes it with the row, and the workbook's validation accepts the same value."""
    from model.data.company import load
    from model.workbook.build import build_book
    folder = copy_folder(ZHIPU_UNITS, tmp_path / "zhipu")
    replace(folder / "units.csv", "base,token_growth,110%", "base,token_growth,1900%")
    data = load(folder)
    row = next(n for n, line in enumerate((folder / "units.csv").read_text().splitlines(), 1)
               if line.startswith("base,token_growth"))
    assert f"units.csv, row {row}, column '2H2026': 1900% is above 1000%: accepted (real companies go there), noted " \
           "(check it is not 19% typed without the % sign)" in data.notes
    assert data.assumptions[("base", "token_growth")][0] == 19
    book = build_book(data)
    cell = book.names["Asm_base_token_growth"].first
    rule = next(r for c, r in cell.sheet.validations if c is cell)
    assert cell.content == 19 and rule.allows(19) and rule.rule(cell.ref()).value()
    out = run("build", "--data", folder, "--out", tmp_path / "m.xlsx")
    assert out.returncode == 0, out.stderr
    assert f"note: units.csv, row {row}, column '2H2026': 1900% is above 1000%" in out.stdout


def test_a_rate_typed_without_percent_is_built_and_noted(tmp_path):
    """Before, 217 typed for 217% stopped the build ('at most 1000%'); now it is accepted, the note says
    what to check, and nothing is refused."""
    folder = copy_folder(MERIDIAN, tmp_path / "meridian")
    replace(folder / "assumptions.csv", "base,growth_platform,5%,,33.4734%,33.4734%,,40%,", "base,growth_platform,5%,,33.4734%,33.4734%,,40,")
    out = run("build", "--data", folder, "--out", tmp_path / "m.xlsx")
    assert out.returncode == 0, out.stderr
    assert "note: assumptions.csv, row 2, column 'FY2028': 4000% is above 1000%: accepted (real companies go there), " \
           "noted (check it is not 40% typed without the % sign)" in out.stdout


def test_a_usual_value_is_not_noted(meridian):
    assert not [n for n in meridian.notes if "accepted" in n]
