"""The Monte Carlo (issue 28): the HDR generator written so that every engine computes it exactly, its
draws uniform (a goodness-of-fit test) and tied by the shared factor as set, one trial against a hand
computation, the probabilities and fans counted from the trials, the trial shown like a scenario tied to
its row, bad risk data refused with file, row and column, the inputs carried over and written back, and
through LibreOffice and Gnumeric: every trial recomputed to its cached value (0 mismatches, 0 errors, both
editions), a planted wrong trial caught, and a widened range moving the probability as the model rebuilt
from the same change says."""
import copy
import math
import random
import shutil

import pytest

from conftest import copy_folder, ZHIPU_UNITS, plant_wrong_cache, require_engine, require_gnumeric, run
from model.calc.formula import MOD, Fn, Neg, Num, Op, XlError, a1, operate, percentile
from model.calc.risk import (MAX_SEED, MAX_TRIALS, MAX_VARIABLE, hdr, hdr_formula, hdr_uniform, triangular_value)
from model.calc.vector import Column, evaluate
from model.data.company import load
from model.workbook.build import build_book
from model.workbook.writer import write_book

CHI2_99 = 148.23   # the chi-square distribution's 99.9% point with 99 degrees of freedom
CHI2_19 = 43.82    # ... with 19


@pytest.fixture(scope="module")
def data():
    return load(ZHIPU_UNITS)


@pytest.fixture(scope="module")
def book(data):
    return build_book(data)


def trial(book, i: int) -> dict:
    """Trial i (1-based) as the Trials tab computed it: column key -> value."""
    values = book.tabs["trials"].values
    return {k: v[i - 1] for k, v in values.items()}


# --- the generator --------------------------------------------------------------------------------

CORNERS = [(1, 0, 0), (1, 1, 1), (MAX_TRIALS, MAX_VARIABLE, MAX_SEED), (MAX_TRIALS, 0, MAX_SEED),
           (1, MAX_VARIABLE, 0), (999_999, 7, 9_999_999)]


def test_the_formula_gives_the_published_generators_numbers():
    """hdr_formula, as every engine computes it, equals the published HDR 2.0 formula in exact integers,
    on the corners of what the inputs allow and on 20,000 random inputs."""
    rnd = random.Random(28)
    cases = CORNERS + [(rnd.randint(1, MAX_TRIALS), rnd.randint(0, MAX_VARIABLE), rnd.randint(0, MAX_SEED))
                       for _ in range(20_000)]
    cols = {k: [float(c[i]) for c in cases] for i, k in enumerate("ive")}
    got = evaluate(hdr_formula(Column("i", 0), Column("v", 1), Column("e", 2)), cols, len(cases))
    assert got == [hdr_uniform(*c) for c in cases]
    # the published formula itself, written out as its authors do (term by term)
    i, v, e = 5, 2, 1
    a = (999999999999989 % ((i * 2499997 + v * 1800451 + e * 2000371) % 7450589 * 4658 + 7450581) * 383) % 99991
    b = (999999999999989 % ((i * 2246527 + v * 2399993 + e * 2100869) % 7450987 * 7580 + 7560584) * 17669) % 7440893
    assert hdr(i, v, e) == (a * 7440893 + b) * 1343 % 4294967296


def test_a_table_column_computes_each_operator_as_a_cell_does():
    """vector.evaluate's fast paths over whole columns (a sum whose terms cancel to within 2^-48 is 0, a power
    of positive bases) give, element by element, what formula.operate gives one cell: on terms that cancel
    exactly, nearly (within and just outside 2^-48) and not at all, whole numbers, zeros, negative bases,
    an overflowing power and infinities. (Without the near-cancel rule a sum would give 1e-16, not 0.)"""
    rnd = random.Random(7)
    xs = [0.1 + 0.2, 1e6 / 3, 123.456, 2.0, 7.0, 1.5, 1e300, 0.5, float("inf")]
    pairs = [(x, -x) for x in xs] + [(x, -x * (1 + 2.0 ** -50)) for x in xs] + [(x, -x * (1 + 2.0 ** -46)) for x in xs]
    pairs += [(3.0, -3.0), (2.0 ** 53, -(2.0 ** 53 + 2)), (0.0, 0.0), (-4.0, 0.5), (-8.0, 3.0), (10.0, 400.0)]
    pairs += [(rnd.uniform(-5, 5), rnd.uniform(-5, 5)) for _ in range(500)]
    pairs += [(rnd.uniform(0.01, 9), rnd.uniform(-3, 3)) for _ in range(500)]
    cols = {"a": [float(a) for a, _ in pairs], "b": [float(b) for _, b in pairs]}
    positive = {k: [abs(v) + 0.5 for v in vals if math.isfinite(v)] for k, vals in cols.items()}
    for values in (cols, positive):
        n = len(values["a"])
        for op in ("+", "-", "*", "^", "<", ">=", "<=", ">"):
            got = evaluate(Op(op, Column("a", 0), Column("b", 1)), values, n)
            want = []
            for x, y in zip(values["a"], values["b"]):
                try:
                    want.append(float(operate(op, x, y)))
                except XlError as e:
                    want.append(e)
            same = [repr(g) == repr(w) for g, w in zip(got, want)]   # an error by its code, nan as nan
            assert all(same), (op, [(x, y, g, w) for x, y, g, w, ok in
                                    zip(values["a"], values["b"], got, want, same) if not ok][:3])


def mods(expr, out):
    """Every MOD of a formula tree with its dividend's and divisor's values."""
    if isinstance(expr, Fn):
        if expr.name == "MOD":
            out.append((expr.args[0].value(), expr.args[1].value()))
        for arg in expr.args:
            mods(arg, out)
    elif isinstance(expr, Op):
        mods(expr.a, out), mods(expr.b, out)
    elif isinstance(expr, Neg):
        mods(expr.a, out)
    return out


@pytest.mark.parametrize("inputs", CORNERS)
def test_every_mod_is_exact_in_every_engine(inputs):
    """Each MOD's dividend is a whole number below 1e14 (LibreOffice's MOD is exact there: its quotient
    rounded to 15 digits cannot reach the next integer) and its quotient below 2^27 (Excel's MOD refuses
    more); every number is whole and below 2^53."""
    found = mods(hdr_formula(*map(Num, inputs)), [])
    assert len(found) == 17
    for dividend, divisor in found:
        assert dividend == int(dividend) and divisor == int(divisor) and 0 <= dividend < 1e14
        assert dividend / divisor < 2 ** 27


def test_libreoffices_mod_fails_on_the_published_forms_dividends_and_not_on_ours(tmp_path):
    """The reason for the rewrite: LibreOffice 7.4 gives #VALUE! for a remainder just under the divisor
    when the dividend is near 1e15, as the published formula's are; at the largest dividends the rewrite
    makes (below 6e13) with the worst remainders it is exact. Gnumeric is exact on both."""
    require_engine()
    import xlsxwriter
    from model.engine import libreoffice as engine
    from model.engine.gnumeric import gnumeric_available, recalculate_file as gnumeric
    big = [(134_000_000 * 7440893 + r, 7440893) for r in (7440892, 7440891)] + [(232_000 * 2 ** 32 + 2 ** 32 - 1, 2 ** 32)]
    ours = [((5.65e10 - 1) * 1000 + 989, 5.65e10), (999 * 4294967296 + 4294967295, 4294967296),
            (7440892 * 17669, 7440893), (99990 * 7440893 + 7440892, 2 ** 32)]
    path = tmp_path / "mod.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for r, (n, d) in enumerate(big + ours):
        ws.write_formula(r, 0, f"=MOD({n:.0f},{d:.0f})", None, 0)
    wb.close()
    cells = engine.recalculate_file(path)["cells"]["S"]
    for r, (n, d) in enumerate(big):
        assert cells[f"A{r + 1}"]["e"] == "#VALUE!", (n, d)
    for r, (n, d) in enumerate(ours, start=len(big)):
        assert cells[f"A{r + 1}"]["v"] == MOD(n, d).value() == int(n) % int(d), (n, d)
    if gnumeric_available():
        cells = gnumeric(path)["cells"]["S"]
        assert [cells[f"A{r + 1}"]["v"] for r in range(len(big + ours))] == [int(n) % int(d) for n, d in big + ours]


# --- uniform draws (goodness of fit) ---------------------------------------------------------------

def chi_square(draws, bins):
    counts = [0] * bins
    for u in draws:
        counts[int(u * bins)] += 1
    expected = len(draws) / bins
    return sum((c - expected) ** 2 / expected for c in counts)


def test_the_generator_is_uniform_and_serially_independent():
    """100,000 draws (trials 1-20,000, five variables, seed 1): Pearson's chi-square over 100 equal bins
    is below the 99.9% point of its distribution, and a trial's draw says nothing of the next trial's."""
    draws = [hdr_uniform(i, v, 1) for v in range(1, 6) for i in range(1, 20_001)]
    assert chi_square(draws, 100) < CHI2_99
    assert abs(sum(draws) / len(draws) - 0.5) < 4 * math.sqrt(1 / 12 / len(draws))
    for v in range(5):
        xs = draws[v * 20_000:(v + 1) * 20_000]
        assert abs(correlation(xs[:-1], xs[1:])) < 4 / math.sqrt(len(xs))
    assert abs(correlation(draws[:20_000], draws[20_000:40_000])) < 4 / math.sqrt(20_000)   # two variables


def correlation(xs, ys):
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return sxy / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))


def test_the_workbooks_draws_are_uniform_and_tied_as_set(data, book):
    """Each driver's draw on the Trials tab, tied to the shared factor with weight 60%, is still uniform
    (chi-square, 20 bins); the Risk tab's measured correlation of two tied drivers is about 0.55 with the
    sign of their factor directions; with weight 0 the drivers are independent."""
    values = book.tabs["trials"].values
    ranges = data.risk.ranges
    for key in ["u0"] + [("u", r.driver) for r in ranges]:
        assert chi_square(values[key], 20) < CHI2_19, key
    risk = book.tabs["risk"]
    for a in ranges:
        for b in ranges:
            measured = risk.corr[(a.driver, b.driver)].result()
            assert measured == pytest.approx(correlation(values[("u", a.driver)], values[("u", b.driver)]), rel=1e-9)
            if a is not b:
                assert abs(measured - a.factor * b.factor * 0.55) < 0.1, (a.driver, b.driver, measured)
    loose = copy.deepcopy(data)
    loose.risk.factor_weight = 0.0
    values = build_book(loose).tabs["trials"].values
    assert all(abs(correlation(values[("u", a.driver)], values[("u", b.driver)])) < 4 / math.sqrt(1000)
               for a in ranges for b in ranges if a is not b)


# --- one trial, by hand ----------------------------------------------------------------------------

def shifted(data, shifts):
    """The data with the selected scenario's ranged drivers shifted, no Monte Carlo: a growth rate's growth
    factor x (1 + shift) a year, x (1 + shift) ^ (months / 12) in a half; a level (cost per accelerator-hour,
    throughput) x (1 + shift). A split year's full-year column holds no driver (its halves do)."""
    out = copy.deepcopy(data)
    out.risk = None
    for drv, d in shifts.items():
        growth = data.risk.range(drv).kind == "growth"
        out.assumptions[("base", drv)] = [
            None if g is None else (1 + g) * (1 + d) ** p.share - 1 if growth else g * (1 + d)
            for p, g in zip(data.forecast_periods, data.assumptions[("base", drv)], strict=True)]
    return out


def full_year_cash(book, sc):
    """Scenario sc's income lines and its cash-flow statement in full years, as every trial computes them (the
    trials keep their cash in full years, not along Cash & Funding's halves: tabs/trials.py; their finance
    income, finance cost and tax are that cash's), from the same line definitions on a scratch sheet of the
    rebuilt book: (income block, cash block)."""
    from model.calc.cashflow import cash_lines
    from model.workbook.layout import LineBlock
    cash, inputs = book.tabs["cash"], book.tabs["inputs"]
    tl = book.tabs["income"].lines.tl
    sheet, sb = book.add_sheet("cash", "output", "full years"), book.tabs["scenarios"].blocks[sc]
    income = LineBlock(sheet, tl, sb.lines, 10, sb.periods, inputs, drivers=sb.drivers, headers=sb.headers,
                       link_actuals=book.tabs["income"].lines)
    income.fill(notes=False)
    drivers = lambda name, p: cash.scalars[name] if name in cash.scalars else inputs.asm[(sc, name, p)]  # noqa: E731
    block = LineBlock(sheet, tl, cash_lines(cash.bridge_spec), income.last_row + 2,
                      [inputs.opening_period] + tl.forecast, inputs, source=income, drivers=drivers,
                      headers=cash.headers)
    block.fill(notes=False)
    income.link_cash(block)
    return income, block


@pytest.mark.parametrize("i", [1, 642])
def test_one_trial_equals_a_hand_computation(data, book, i):
    """Trial i: its draws computed by hand (the published generator, the Cauchy copula, the triangular
    inverse), and its forecast equal to the model rebuilt from the data with those shifts applied."""
    risk = data.risk
    row = trial(book, i)
    u0 = hdr_uniform(i, 1, risk.seed)
    assert row["u0"] == u0
    shifts = {}
    c0 = math.tan(math.pi * (u0 - 0.5))
    for k, r in enumerate(risk.ranges):
        u = hdr_uniform(i, k + 2, risk.seed)          # the generator's variables: 1 the factor, then the drivers
        w = risk.factor_weight * abs(r.factor)
        tied = 0.5 + math.atan(r.factor * risk.factor_weight * c0 + (1 - w) * math.tan(math.pi * (u - 0.5))) / math.pi
        assert row[("u", r.driver)] == pytest.approx(tied, abs=1e-13)
        shifts[r.driver] = triangular_value(tied, r.low, r.likely, r.high)
        assert row[("d", r.driver)] == pytest.approx(shifts[r.driver], abs=1e-12)
        assert r.low <= shifts[r.driver] <= r.high
    rebuilt = build_book(shifted(data, shifts), "base")
    income, cash = full_year_cash(rebuilt, "base")
    first_be = 0.0
    for p in book.tabs["risk"].tl.forecast:
        ani = income.cell("adjusted_net_income", p).result()
        assert row[("line", "revenue", p)] == pytest.approx(income.cell("revenue", p).result(), rel=1e-9)
        assert row[("line", "adjusted_net_income", p)] == pytest.approx(ani, rel=1e-9)
        for key in ("cash_before_plug", "closing_cash"):
            assert row[("line", key, p)] == pytest.approx(cash.cell(key, p).result(), rel=1e-9), (key, p)
        first_be = first_be or (p.year if ani >= 0 else 0.0)
    assert row["be"] == first_be


def test_the_trial_shown_is_its_row_and_the_check_can_fail(data):
    """The Risk tab's trial recomputed line by line (a full block of the same line definitions) equals its
    row of the Trials tab; the Checks row that ties them turns to 1 when the row is wrong."""
    shown = copy.deepcopy(data)
    shown.risk.shown_trial = 137
    b = build_book(shown)
    risk, row = b.tabs["risk"], trial(b, 137)
    for p in b.tabs["risk"].tl.forecast:
        assert risk.viewer.cell("revenue", p).result() == pytest.approx(row[("line", "revenue", p)], rel=1e-12)
        assert risk.viewer.bridge.cell("closing_cash", p).result() == pytest.approx(
            row[("line", "closing_cash", p)], rel=1e-12)
    assert b.tabs["checks"].master.result() == 0
    checks = b.tabs["checks"].sheet
    label = b.t("checks.risk_shown", risk=risk.sheet.name, trials=b.tabs["trials"].sheet.name)
    total = next(checks.cell_at(r, 1) for (r, c), cell in checks.cells.items() if c == 0 and cell.content == label)
    assert total.result() == 0
    trials = b.tabs["trials"]
    cell = trials.sheet.cell_at(trials.rows[136], trials.col[("line", "adjusted_net_income", risk.tl.forecast[2])])
    cell.content.result += 1.0
    cell._done = False
    for sh in b.sheets:   # ranges are read once: read them again
        sh.__dict__.pop("range_values", None)
    for c in [*checks.cells.values()]:
        c._done = False
    assert total.result() == 1


# --- what the Risk tab says, counted from the trials -----------------------------------------------

def test_the_probabilities_and_fans_count_the_trials(data, book):
    risk = book.tabs["risk"]
    values = book.tabs["trials"].values
    n = data.risk.trials
    assert n >= 1000 and book.names["RiskTrials"].result() == n == risk.used.result()
    fc = risk.tl.forecast
    be = values["be"]
    for p in fc:
        assert risk.be[p].result() == sum(1 for y in be if 0 < y <= p.year) / n
        ani = values[("line", "adjusted_net_income", p)]
        assert risk.positive[p].result() == sum(1 for a in ani if a >= 0) / n
        minimum = book.tabs["cash"].scalars["min_cash"].result()
        run_out = sum(1 for t in range(n) if any(values[("line", "cash_before_plug", q)][t] < minimum
                                                 for q in fc if q.year <= p.year))
        assert risk.runout[p].result() == run_out / n
        for key, _ in (("revenue", 0), ("adjusted_net_income", 0), ("closing_cash", 0)):
            column = sorted(values[("line", key, p)])
            assert risk.fans[(key, "p_low")][p].result() == pytest.approx(percentile(column, 0.1), rel=1e-12)
            assert risk.fans[(key, "p_high")][p].result() == pytest.approx(column[899] + 0.1 * (column[900] - column[899]),
                                                                          rel=1e-12)
    # the breakeven year in each trial is the first forecast year with adjusted net income of 0 or more
    for t in range(n):
        years = [p.year for p in fc if values[("line", "adjusted_net_income", p)][t] >= 0]
        assert be[t] == (years[0] if years else 0)
    prob = book.names["ProbBreakevenByTarget"].result()
    target = risk.target.result()
    assert 0 <= prob <= 1 and prob == risk.be[next(p for p in fc if p.year == target)].result()
    assert book.names["ProbBreakevenByTarget"].sheet.name == book.t("tabs.breakeven")
    cover = book.sheet(book.t("tabs.cover"))   # the headline shows it, by name
    shown = [c for c in cover.cells.values() if getattr(c.content, "name", None) == "ProbBreakevenByTarget"]
    assert len(shown) == 1 and shown[0].result() == prob and shown[0].fmt == "pct"


def test_the_named_scenarios_weighted_by_hand(data, book):
    risk = book.tabs["risk"]
    weights = data.risk.weights
    years = {sc: book.summary[sc][0].result() for sc in data.scenarios}   # a year, or "not reached"
    reached = {sc: not isinstance(y, str) for sc, y in years.items()}
    assert 0 < sum(reached.values()) < len(years)   # both kinds (bull FY2027, base FY2029; bear not reached)
    for p in risk.tl.forecast:
        want = sum(w for sc, w in weights.items() if reached[sc] and years[sc] <= p.year)
        assert risk.w_be[p].result() == pytest.approx(want)
    after = risk.tl.forecast[-1].year + 1
    mean = sum(w * (years[sc] if reached[sc] else after) for sc, w in weights.items())
    assert risk.w_mean.result() == pytest.approx(mean)
    missing = sum(w for sc, w in weights.items() if not reached[sc])
    assert risk.w_missing.result() == pytest.approx(missing) and (missing > 0) == ("lower bound" in risk.w_basis.result())


# --- bad data, carried over, written back ----------------------------------------------------------

@pytest.mark.parametrize("file,old,new,where", [
    ("risk.csv", "token_growth,-25%", "tokens_growth,-25%", "risk.csv, row 5, column 'driver': unknown driver"),
    ("risk.csv", "price_change,-20%,0%,10%", "price_change,-20%,15%,10%", "risk.csv, row 6, column 'high': likely"),
    ("risk.csv", "price_change,-20%", "price_change,-120%", "risk.csv, row 6, column 'low'"),
    ("risk.csv", "price_change,-20%,0%,10%,-1", "price_change,-20%,0%,10%,-2", "risk.csv, row 6, column 'factor'"),
    ("risk.csv", "headcount_growth,", "headcount_growth,-5%,0%,10%,1,R2,,\n", "risk.csv, row 9, column 'rationale'"),
    ("risk.csv", "headcount_growth,-5%,0%,10%,1,R2", "headcount_growth,-5%,0%,ten,1,R2", "risk.csv, row 9, column 'high'"),
    ("risk.csv", "token_growth,-25%,0%,20%,-1,R3", "token_growth,-25%,0%,20%,-1,R99", "risk.csv, row 5, column 'source'"),
    ("risk.toml", "trials = 1000", "trials = 50", "risk.toml, line 2, setting 'trials'"),
    ("risk.toml", "seed = 1 ", "seed = 1.5 ", "risk.toml, line 3, setting 'seed'"),
    ("risk.toml", "bear = 0.25", "bear = 0.2", "setting 'weights': the scenario weights add to 0.95"),
    ("risk.toml", "bear = 0.25", "beer = 0.25", "setting 'beer': unknown scenario 'beer'"),
    ("risk.toml", "p_mid = 0.5", "p_mid = 0.05", "setting 'p_mid': the fan's percentiles must rise"),
    ("risk.toml", "factor_weight = 0.6", "factor_weight = 1.6", "setting 'factor_weight'"),
])
def test_bad_risk_data_is_refused_with_file_row_and_column(tmp_path, file, old, new, where):
    folder = tmp_path / "zhipu"
    copy_folder(ZHIPU_UNITS, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    if new.endswith("\n"):   # the whole row
        lines = text.splitlines(keepends=True)
        text = "".join(new if line.startswith(old) else line for line in lines)
    else:
        text = text.replace(old, new, 1)
    (folder / file).write_text(text, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"previous")
    res = run("build", "--data", folder, "--out", out, "--reset")
    assert res.returncode == 2 and "Traceback" not in res.stderr and where in res.stderr, res.stderr
    assert out.read_bytes() == b"previous"


def test_one_risk_file_without_the_other_is_refused(tmp_path):
    folder = tmp_path / "zhipu"
    copy_folder(ZHIPU_UNITS, folder)
    (folder / "risk.toml").unlink()
    res = run("build", "--data", folder, "--out", tmp_path / "out.xlsx")
    assert res.returncode == 2 and "risk.toml: missing: risk.csv turns the Monte Carlo on" in res.stderr


def test_ranges_on_unit_drivers_without_the_unit_build_are_noted_not_used(tmp_path):
    """As units.csv without units.toml: each range on a unit-build driver is named in the build report and
    not used; with none left, no Risk tab."""
    folder = tmp_path / "zhipu"
    copy_folder(ZHIPU_UNITS, folder, ignore=shutil.ignore_patterns("units.toml"))
    data = load(folder)
    assert data.risk is None
    assert "risk.csv, row 5: the range on token_growth is not used: units.toml" in " ".join(data.notes)
    assert any("risk.csv and risk.toml not used (no Risk tab)" in n for n in data.notes)
    built = build_book(data)
    assert "ProbBreakevenByTarget" not in built.names
    assert not [c for c in built.sheet(built.t("tabs.cover")).cells.values() if "Probability of breakeven" in str(c.content)]


def test_risk_inputs_survive_a_rebuild_and_edits_apply_writes_them(tmp_path):
    """A range, a setting and a scenario weight edited in the workbook are carried over by a rebuild, and
    `edits --apply` writes them into risk.csv and risk.toml."""
    from test_regenerate import edit, named
    folder = tmp_path / "data" / "zhipu"
    copy_folder(ZHIPU_UNITS, folder)
    out = tmp_path / "model.xlsx"
    assert run("build", "--data", folder, "--out", out).returncode == 0
    edit(out, out, {("Risk_token_growth", 2): 0.35, ("RiskSeed", 0): 7, ("Weight_bull", 0): 0.3,
                    ("Weight_bear", 0): 0.2})
    res = run("build", "--data", folder, "--out", out)
    assert res.returncode == 0, res.stderr
    assert "4 kept, 0 dropped" in res.stdout
    assert named(out, "Risk_token_growth")[2] == 0.35 and named(out, "RiskSeed") == [7]
    res = run("edits", out, "--data", folder, "--apply")
    assert res.returncode == 0, res.stderr
    assert "token_growth,-25%,0%,35%,-1," in (folder / "risk.csv").read_text(encoding="utf-8")
    toml = (folder / "risk.toml").read_text(encoding="utf-8")
    assert "seed = 7 " in toml and "bull = 0.3\n" in toml and "bear = 0.2\n" in toml
    reloaded = load(folder)
    assert reloaded.risk.seed == 7 and reloaded.risk.range("token_growth").high == 0.35


# --- through the engines ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_libreoffice_and_gnumeric_recompute_every_trial(tmp_path, data, lang):
    """Both engines recompute all 75,000 formulas, 64,000 of them the trials', to the cached values: 0
    mismatches, 0 error values, MasterCheck 0; the generator's draws bit for bit."""
    require_engine()
    require_gnumeric()
    from model.engine import gnumeric, libreoffice
    from model.engine.verify import cached_values, compare
    b = build_book(data, lang=lang)
    path = tmp_path / f"model_{lang}.xlsx"
    write_book(b, path)
    cached = cached_values(path)
    trials = b.tabs["trials"]
    draws = [a1(r, trials.col["u0"]) for r in trials.rows]
    for result in (libreoffice.recalculate_file(path), gnumeric.recalculate_file(path)):
        rep = compare(cached, result)
        assert rep.formulas > 75_000 and rep.mismatches == [] and rep.errors == [] and rep.master == 0
        got = result["cells"][trials.sheet.name]
        assert [got[c]["v"] for c in draws] == [cached[trials.sheet.name][c] for c in draws] == trials.values["u0"]


def test_a_wrong_cached_trial_is_caught(tmp_path, book):
    require_engine()
    from model.engine import libreoffice
    trials = book.tabs["trials"]
    fy2028 = book.tabs["risk"].tl.forecast[2]
    cell = trials.sheet.cell_at(trials.rows[499], trials.col[("line", "adjusted_net_income", fy2028)])
    planted = plant_wrong_cache(book, cell, tmp_path / "tampered.xlsx")
    planted.assert_caught(libreoffice.recalculate_file(planted.path))


def test_widening_a_range_in_libreoffice_moves_the_probability(tmp_path, data, book):
    """Edited in LibreOffice as a user would: a wider high end of token growth raises the probability of
    breakeven, and every formula equals the model rebuilt from the same change; fewer trials counted
    (RiskTrials 500) give the share among the first 500 rows."""
    require_engine()
    from model.engine import libreoffice
    from test_engine import assert_engine_matches
    path = tmp_path / "model.xlsx"
    write_book(book, path)
    high = book.names["Risk_token_growth"].cells()[0][2]
    trials = book.names["RiskTrials"]
    wider = copy.deepcopy(data)
    wider.risk.range("token_growth").high = 0.6
    expected = build_book(wider)
    jobs = [{"path": path, "edits": [{"target": f"Inputs!{a1(high.row, high.col)}", "value": 0.6}]},
            {"path": path, "edits": [{"target": "RiskTrials", "value": 500}]}]
    wide, fewer = libreoffice.recalculate(jobs)
    assert wide["error"] is None and fewer["error"] is None
    assert assert_engine_matches(expected, wide) > 75_000
    last = book.tabs["risk"].tl.forecast[-1]
    before, after = book.tabs["risk"].be[last], expected.tabs["risk"].be[last]
    assert after.result() > before.result() + 0.05
    assert wide["names"]["MasterCheck"]["v"] == 0 and 0 <= wide["names"]["ProbBreakevenByTarget"]["v"] <= 1
    be = book.tabs["trials"].values["be"][:500]
    cell = fewer["cells"][book.tabs["risk"].sheet.name][a1(before.row, before.col)]
    assert cell["v"] == pytest.approx(sum(1 for y in be if 0 < y <= last.year) / 500, rel=1e-12)
    assert fewer["names"]["MasterCheck"]["v"] == 0 and trials.result() == 1000
