"""Write a `Book` to .xlsx with xlsxwriter: styles, number formats, cached values, names, layout."""
from __future__ import annotations

import io
import zipfile
from collections import namedtuple
from contextlib import contextmanager

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellFormulaTuple, Worksheet

from .book import chart_bottom, gc_paused
from .shared import shared_groups
from ..data.bounds import bound_text
from ..calc.formula import PREFIX, Rng, a1, check_length, decimal_text, quote_sheet

INPUT_FILL, INPUT_BLUE, LINK_GREEN, NAVY = "#FFF2CC", "#0000FF", "#008000", "#1F3864"
# actual-column figures that are not reported ones (model/workbook/provenance.py): derived by the model where the
# data leave a figure blank (orange, italic), or resting on an assumption the data mark as one (purple, italic;
# an assumed input: blue on lilac)
DERIVED, ASSUMED, ASSUMED_FILL = "#C55A11", "#7030A0", "#E4DFEC"
MASTER = "MasterCheck"  # the defined name the status cells follow

FORMATS = {
    "general": "General",
    "amount": '#,##0.00_);(#,##0.00);"–"_);@_)',
    "amount3": '#,##0.000_);(#,##0.000);"–"_);@_)',
    "amount4": '#,##0.0000_);(#,##0.0000);"–"_);@_)',
    "pct": '0.0%_);(0.0%);"–"_);@_)',
    "pct2": '0.00%_);(0.00%);"–"_);@_)',
    "x": '0.00"x"_);(0.00"x");"–"_);@_)',
    "int": '0_);(0);0_);@_)',
    "flag": '0_);(0);0_);@_)',
    "rate": '0.0000_);(0.0000);"–"_);@_)',
    "days": '0.0_);(0.0);"–"_);@_)',
    "years": '0.00_);(0.00);"–"_);@_)',
    "shares": '#,##0.000_);(#,##0.000);"–"_);@_)',
    "share_price": '#,##0.00_);(#,##0.00);"–"_);@_)',
    "year": '"FY"0;;;@',
    "text": "@",
    # the unit build's kinds (model/calc/units.py)
    "tokens": '#,##0.00_);(#,##0.00);"–"_);@_)',
    "tokens_year": '#,##0_);(#,##0);"–"_);@_)',
    "price": '#,##0.0000_);(#,##0.0000);"–"_);@_)',
    "count": '0.0_);(0.0);"–"_);@_)',
    "heads": '#,##0_);(#,##0);"–"_);@_)',
    "per_head": '#,##0.000_);(#,##0.000);"–"_);@_)',
    "customers": '#,##0_);(#,##0);"–"_);@_)',
    "per_customer": '#,##0.000_);(#,##0.000);"–"_);@_)',
    # the compute build's kinds (model/calc/compute.py)
    "per_hour": '#,##0.00_);(#,##0.00);"–"_);@_)',
    "throughput": '#,##0_);(#,##0);"–"_);@_)',
    "accelerators": '#,##0.0_);(#,##0.0);"–"_);@_)',
    "acc_hours": '#,##0.0_);(#,##0.0);"–"_);@_)',
    "per_accelerator": '#,##0_);(#,##0);"–"_);@_)',
    "years": '0.00_);(0.00);"–"_);@_)',
    "hours": '#,##0_);(#,##0);"–"_);@_)',
}

ROLES = {
    "title": {"bold": True, "font_size": 14, "font_color": NAVY},
    "subtitle": {"italic": True, "font_color": "#595959"},
    "status": {"bold": True, "align": "left"},  # green or red by conditional format (MasterCheck)
    "link": {"font_color": "#0563C1", "underline": 1},
    "section": {"bold": True, "font_color": "#FFFFFF", "bg_color": NAVY},
    "subsection": {"bold": True, "italic": True},
    "head": {"bold": True, "align": "center", "valign": "vcenter", "bottom": 1, "bg_color": "#D9E1F2"},
    "head_wrap": {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "bottom": 1,
                  "bg_color": "#D9E1F2"},
    "subhead": {"italic": True, "align": "center", "font_color": "#595959"},
    "label": {},
    "detail_label": {"indent": 1},
    "total_label": {"bold": True},
    "memo_label": {"italic": True, "font_color": "#595959"},
    **{f"{k}_wrap": {**v, "text_wrap": True, "valign": "top"} for k, v in (
        ("label", {}), ("detail_label", {"indent": 1}), ("total_label", {"bold": True}),
        ("memo_label", {"italic": True, "font_color": "#595959"}))},
    "unit": {"align": "center", "font_color": "#595959", "shrink": True},   # a long unit (RMB/百万Token) fits its column
    "note": {"italic": True, "font_color": "#7F7F7F"},
    "note_wrap": {"italic": True, "font_color": "#7F7F7F", "text_wrap": True, "valign": "top"},
    "text": {},
    "text_wrap": {"text_wrap": True, "valign": "top"},
    "user": {"locked": False},   # what the user typed on a tab, carried over by a rebuild: theirs to edit
    "input": {"font_color": INPUT_BLUE, "bg_color": INPUT_FILL, "locked": False, "border": 1, "border_color": "#BFBFBF"},
    "input_assumed": {"font_color": INPUT_BLUE, "bg_color": ASSUMED_FILL, "locked": False, "border": 1,
                      "border_color": "#BFBFBF", "italic": True},
    "derived": {"align": "right", "italic": True, "font_color": DERIVED},
    "derived_total": {"align": "right", "italic": True, "font_color": DERIVED, "bold": True, "top": 1},
    "assumed": {"align": "right", "italic": True, "font_color": ASSUMED},
    "assumed_total": {"align": "right", "italic": True, "font_color": ASSUMED, "bold": True, "top": 1},
    "calc": {"align": "right"},
    "calc_left": {"align": "left"},  # a value beside its label (Cover)
    "calc_top": {"align": "left", "valign": "top"},   # a verdict level with its wrapped label (Claims Audit)
    "sentence": {"align": "left", "valign": "top", "text_wrap": True},   # a sentence built by formula (Cover)
    "calc_total": {"align": "right", "bold": True, "top": 1},
    "centre": {"align": "right", "bold": True, "border": 2, "border_color": "#1F3864"},
    "check": {"bold": True, "align": "right"},
    "check_total": {"bold": True, "align": "right", "top": 1, "bottom": 6},
    "legend_input": {"font_color": INPUT_BLUE, "bg_color": INPUT_FILL, "border": 1, "border_color": "#BFBFBF", "align": "right",
                     "valign": "top"},
    "legend_calc": {"align": "right", "valign": "top"},
    "legend_link": {"font_color": LINK_GREEN, "align": "right", "valign": "top"},
    "legend_check": {"bold": True, "align": "right", "valign": "top"},
    "legend_input_assumed": {"font_color": INPUT_BLUE, "bg_color": ASSUMED_FILL, "border": 1, "border_color": "#BFBFBF",
                             "align": "right", "italic": True, "valign": "top"},
    "legend_derived": {"align": "right", "italic": True, "font_color": DERIVED, "valign": "top"},
    "legend_assumed": {"align": "right", "italic": True, "font_color": ASSUMED, "valign": "top"},
    # conditional highlights (Sheet.highlights)
    "good": {"font_color": "#006100", "bg_color": "#C6EFCE"},
    "bad": {"font_color": "#9C0006", "bg_color": "#FFC7CE"},
    "neutral": {"font_color": "#595959", "bg_color": "#EDEDED"},
}


# a difference that rounds to zero at the shown precision is written as a true zero is: "–"
DIFF = {"amount": ("#,##0.00", 0.005), "amount3": ("#,##0.000", 0.0005), "amount4": ("#,##0.0000", 0.00005),
        "pct": ("0.0%", 0.0005), "pct2": ("0.00%", 0.00005), "x": ('0.00"x"', 0.005), "int": ("0", 0.5)}


def number_format(key: str) -> str:
    if key.startswith("diff_"):   # diff_pct2: a difference shown as pct2, "–" when it rounds to zero
        body, half = DIFF[key[len("diff_"):]]
        return f'[>={decimal_text(half)}]{body}_);[<=-{decimal_text(half)}]({body});"–"_)'
    if key.startswith("as_period_"):   # a table's heading that reads a timeline's header, shown as it (the Trials tab);
        return number_format(key[len("as_"):]) + ";;;@"   # its sections tell a rebuild it is not a period header
    if key.startswith("period_"):  # period_FYA -> "FY"0"A"
        code = key[len("period_"):]
        return f'"{code[:-1]}"0"{code[-1]}"'
    return FORMATS[key]


class Styles:
    def __init__(self, wb):
        self.wb, self.cache, self.highlights = wb, {}, {}

    def highlight(self, role):
        if role not in self.highlights:
            self.highlights[role] = self.wb.add_format(ROLES[role])
        return self.highlights[role]

    def get(self, role, fmt, link=False):
        key = (role, fmt, link)
        if key not in self.cache:
            props = dict(ROLES[role])
            if link and role.startswith("calc"):
                props["font_color"] = LINK_GREEN
            if role in ("head",) and fmt.startswith("period_"):
                props.update({"bg_color": NAVY, "font_color": "#FFFFFF"})
            props["num_format"] = number_format(fmt)
            self.cache[key] = self.wb.add_format(props)
        return self.cache[key]


SharedFormula = namedtuple("SharedFormula", "formula format value si ref")
ERROR_CODES = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")


class FormulaWorksheet(Worksheet):
    """xlsxwriter's worksheet without its per-formula rewrite. xlsxwriter 3.2 ran some 30 regular
    expressions (130 with future functions) over every formula to prefix the functions Excel added
    after 2007 with _xlfn. (3.3 runs one); the model's formulas carry that prefix themselves (formula.PREFIX,
    checked against xlsxwriter's list once per write: `check_prefixes`), so the text goes in as it is. With
    3.2 this halved the time to write a workbook; tests/test_writer.py proves the sheets written are byte for
    byte those xlsxwriter's own rewrite gives."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        return formula[1:] if formula.startswith("=") else formula

    def _write_formula(self, row, col, formula, cell_format=None, value=0):
        """xlsxwriter's, without its search of every formula for dynamic-array functions (FILTER, SORT
        ...), which the portable functions never are: on the Trials tab's long formulas the search took
        longer than the writing (tests/test_model.py holds every formula to the portable set)."""
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = CellFormulaTuple(self._prepare_formula(formula), cell_format, value)
        return 0

    def write_shared(self, row, col, formula, cell_format, value, si, ref):
        """A cell of shared formula `si` (workbook/shared.py): its master, with the group's range `ref` and the
        formula's text, or (`ref` None) a follower, which holds only its cached value."""
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = SharedFormula(formula and self._prepare_formula(formula), cell_format, value, si, ref)
        return 0

    def _assemble_xml_file(self):
        """xlsxwriter's, then the sheet's table of cells let go: the workbook holds every sheet's XML until it is
        zipped, and no longer the cells as well (18 MB of the large unit build's peak)."""
        super()._assemble_xml_file()
        self.table.clear()

    def _write_cell(self, row, col, cell):
        cls = cell.__class__
        if cls is FollowerBand:
            self.fh.write(cell.row_xml(row))
        elif cls is SharedFormula:
            self._write_shared(row, col, cell)
        elif cell is not BAND_END:
            super()._write_cell(row, col, cell)

    def _write_shared(self, row, col, cell):
        """A cell of a shared formula, as xlsxwriter writes a formula cell (its style, its cached value's type)."""
        attr = f' r="{xl_rowcol_to_cell_fast(row, col)}"{_style(cell.format)}'
        value = cell.value
        if value.__class__ is float:   # the common case: no type, nothing to escape
            pass
        elif isinstance(value, bool):
            attr, value = attr + ' t="b"', int(value)
        elif isinstance(value, str):
            if value:
                attr += ' t="e"' if value in ERROR_CODES else ' t="str"'
            value = self._escape_data(value)
        if cell.ref:
            f = f'<f t="shared" ref="{cell.ref}" si="{cell.si}">{self._escape_data(cell.formula)}</f>'
        else:
            f = f'<f t="shared" si="{cell.si}"/>'
        self.fh.write(f"<c{attr}>{f}<v>{value}</v></c>")


class FollowerBand:
    """Columns of shared-formula followers (alike_followers) over the same rows, each value a plain number, the
    rows holding nothing else between them (the Trials tab's thousand trial rows): the sheet's table holds the band at a
    row's first column and BAND_END at its last (xlsxwriter's row spans see them), and each row is written as
    one piece of XML, the same XML as the cells one by one (FormulaWorksheet._write_shared)."""

    def __init__(self, first):
        self.first, self.cols = first, []   # the band's first row; (column, format, group, values from `first`)
        self.parts = None

    def row_xml(self, row):
        if self.parts is None:   # the styles' indexes once the sheet is written: their order is xlsxwriter's
            self.parts = [(f'<c r="{xl_col_to_name(c)}', f'"{_style(fmt)}><f t="shared" si="{si}"/><v>', values)
                          for c, fmt, si, values in self.cols]
        n, i = row + 1, row - self.first
        return "".join([f"{head}{n}{mid}{values[i]}</v></c>" for head, mid, values in self.parts])


BAND_END = object()   # the sheet's table at a band's last column: written with the band


def _style(fmt) -> str:
    return f' s="{fmt._get_xf_index()}"' if fmt else ""


class PrefixError(ValueError):
    """A function of the formula set is written without the _xlfn. prefix Excel needs for it."""


_checked: set = set()


def check_prefixes() -> None:
    """Every function of the formula set as xlsxwriter's own rewrite (future functions on) writes it:
    a function newer than Excel 2007 defined without its _xlfn. prefix is refused, before any file is
    written (Excel would show #NAME? where the engines, which read either, show the value)."""
    for name, prefix in PREFIX.items():
        if (name, prefix) in _checked:
            continue
        want = Worksheet._prepare_formula(Worksheet(), f"={name}(1)", True)
        if want != f"{prefix}{name}(1)":
            raise PrefixError(f"function {name} is written {prefix}{name}(...) but Excel needs {want[:-3]}(...): "
                              f"define it with prefix={want[:-len(name) - 3]!r} (model/calc/formula.py define)")
        _checked.add((name, prefix))


def ref_text(target) -> str:
    if isinstance(target, Rng):
        return "=" + target.xl(None)
    return f"={quote_sheet(target.sheet.name)}!{a1(target.row, target.col, True, True)}"


def _area(rng: Rng) -> list:
    return [rng.first.sheet.name, rng.first.row, rng.first.col, rng.last.row, rng.last.col]


def _new_chart(wb, options):
    """An xlsxwriter chart that keeps a text title or series name as text: xlsxwriter reads any text
    like "RMB 100m (see Notes!B2)" as a cell reference (a reference is given as a list)."""
    chart = wb.add_chart(options)
    process = chart._process_names
    chart._process_names = lambda name, formula: (name, formula) if isinstance(name, str) else process(name, formula)
    # the chart's cached points: a value that is not a number (#N/A in chart data) is left out, a gap, where
    # xlsxwriter would write 0 (readers that draw from the cache, LibreOffice's among them, plot it)
    cache = chart._write_num_cache
    chart._write_num_cache = lambda data: cache([v if _is_numeric(v) else None for v in data or []])
    return chart


def _is_numeric(v) -> bool:
    try:
        float(v)
        return True
    except (TypeError, ValueError):
        return False


def add_chart(wb, ws, chart):
    """A Book chart as an xlsxwriter chart: series of another kind are combined into the main one."""
    main = _new_chart(wb, {"type": chart.kind, **({"subtype": chart.subtype} if chart.subtype else {})})
    parts = {chart.kind: main}
    for s in chart.series:
        kind = s.kind or chart.kind
        if kind not in parts:
            parts[kind] = _new_chart(wb, {"type": kind})
        name = s.name if isinstance(s.name, str) else [s.name.sheet.name, s.name.row, s.name.col]
        opts = {"name": name, "values": _area(s.values), **s.style, **chart.options}
        if s.categories is not None:
            opts["categories"] = _area(s.categories)
        if s.y2:
            opts["y2_axis"] = True
        parts[kind].add_series(opts)
    for kind, part in parts.items():
        if part is not main:
            main.combine(part)
    main.set_title({"name": chart.title, "name_font": {"size": 11, "bold": True, "color": NAVY}})
    main.set_legend({"position": "bottom", "delete_series": [i for i, s in enumerate(chart.series) if not s.legend]})
    for axis, opts in chart.axes.items():
        opts = dict(opts)
        if "fmt" in opts:
            opts["num_format"] = number_format(opts.pop("fmt"))
        {"x": main.set_x_axis, "y": main.set_y_axis, "y2": main.set_y2_axis}[axis](opts)
    main.set_size({"width": chart.size[0], "height": chart.size[1]})
    # a point the chart data hold as #N/A (not available) is not plotted; empty cells are gaps: dispBlanksAs
    # written out ("gap" is xlsxwriter's default, which it leaves out, and readers differ on the missing element)
    main._write_disp_blanks_as = lambda: main._xml_empty_tag("c:dispBlanksAs", [("val", "gap")])
    ws.insert_chart(chart.anchor[0], chart.anchor[1], main, {"x_offset": 4, "y_offset": 4})


def validation(cell, rule, t) -> dict:
    """xlsxwriter options of an input cell's data validation: a list to pick from (a defined name), a
    data.Bound rendered as a custom formula, with messages saying what is allowed, or the options
    themselves (a dict: the Review tab's choice)."""
    if isinstance(rule, dict):
        return rule
    if isinstance(rule, str):
        return {"validate": "list", "source": "=" + rule, "input_title": t("bounds.scenario_title"),
                "input_message": t("bounds.scenario_message"), "error_title": t("bounds.error_title"),
                "error_message": t("bounds.scenario_error")}
    text = bound_text(rule, "pct" if cell.fmt.startswith("pct") else "amount", t.lang)
    return {"validate": "custom", "value": "=" + rule.rule(cell.ref()).xl(cell.sheet), "ignore_blank": True,
            "input_title": t("bounds.title"), "input_message": t("bounds.message", rule=text),
            "error_title": t("bounds.error_title"), "error_message": t("bounds.error", rule=text)}


def outline_levels(groups) -> dict[int, int]:
    """Row -> outline level: the number of groups (detail blocks, possibly nested) holding the row."""
    levels = {}
    for first, last in groups:
        for r in range(first, last + 1):
            levels[r] = levels.get(r, 0) + 1
    return levels


def print_extent(sh) -> tuple[int, int]:
    """(last row, last column) to print: the used cells and the charts placed below or beside them."""
    last_row, last_col = sh.last_row(), max([sh.last_col()] + [c2 for _, _, c2 in sh.merges])   # merged text whole
    for chart in sh.charts:
        col, width = chart.anchor[1], chart.size[0]
        last_row = max(last_row, chart_bottom(chart))
        while width > 0:                                          # columns of their set widths (~7 px a unit)
            width -= sh.widths.get(col, 8.43) * 7 + 5
            col += 1
        last_col = max(last_col, col - 1)
    return last_row, last_col


def collapsed_rows(sh) -> set[int]:
    """Rows hidden in a collapsed group (Sheet.collapsed): shown with the group's + button, printed when shown."""
    return {r for first, last in sh.groups if first in sh.collapsed for r in range(first, last + 1)}


def header_text(text: str) -> str:
    """Text for Excel's header codes: a literal & doubled, and the font code &"-,Regular" before it,
    which ends the preceding font size (&8), so that a leading digit ("3M") is not read as part of it."""
    return '&"-,Regular"' + text.replace("&", "&&")


# Sheet protection without a password: locked cells stay selectable, rows and columns can be resized
# or hidden (Excel keeps the outline +/- buttons off on any protected sheet: unprotect to use them).
PROTECTION = {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
              "format_rows": True}


def out_problem(path) -> str | None:
    """Why a workbook cannot be written at `path` ("PATH must end in .xlsx"), or None."""
    if path.suffix.lower() != ".xlsx":
        return f"{path} must end in .xlsx (an Excel workbook)"
    if path.exists() and not path.is_file():
        return f"{path} is {'a folder' if path.is_dir() else 'not a regular file'}; give a file name ending in .xlsx"
    return None


def edition_words(t):
    """The edition's words for the model's n/a and n.m. (不适用, 无意义), put in the file's formulas, cached
    results and texts alike (so that every engine recalculates what is cached): the formulas keep one tree
    for every edition, with "n/a" and "n.m." in it (formula.NA, formula.NM). Identity in English."""
    pairs = [(w, t(f"common.{k}")) for w, k in (("n/a", "na"), ("n.m.", "nm")) if t(f"common.{k}") != w]
    if not pairs:
        return lambda value: value

    def words(value):
        if isinstance(value, str):
            for w, local in pairs:
                value = value.replace(w, local)
        return value
    return words


def conditional_formats(role, good, bad) -> list[dict]:
    """The conditional formats of a cell of `role`: the master check's status turns green or red, a failing
    check count turns red; none for the others."""
    if role == "status":
        return [{"type": "formula", "criteria": f"={MASTER}=0", "format": good},
                {"type": "formula", "criteria": f"={MASTER}<>0", "format": bad}]
    if role.startswith("check"):
        return [{"type": "cell", "criteria": ">", "value": 0, "format": bad}]
    return []


def alike_followers(sh, shared) -> tuple[dict, set]:
    """The followers of each shared formula (shared.shared_groups) styled as their master and without a
    conditional format: their cells by the master's (row, col), and the set of their (row, col). These are
    written with their master, in one pass (the Trials tab's 120,000); the rest one by one in the sheet's order."""
    by_master, alike, cells = {}, set(), sh.cells
    for (r, c), (si, ref) in shared.items():   # each group's master first, then its followers
        cell = cells[(r, c)]
        if ref is not None:   # a follower styled as its master has its role: none if that has a conditional format
            style = None if conditional_formats(cell.role, None, None) else (cell.role, cell.fmt)
            mine = by_master.setdefault((r, c), [])
        elif (cell.role, cell.fmt) == style:
            mine.append(cell)
            alike.add((r, c))
    return by_master, alike


# zlib's level for the file's parts: 3 zips the default workbook in 0.11 s where xlsxwriter's (zlib's default, 6)
# takes 0.28 s, for a file 11% larger (2.9 MB against 2.6); 1 would save 0.02 s more for 10% more size
DEFLATE_LEVEL = 3


@contextmanager
def deflate_level(level):
    """For a while, xlsxwriter zips the file's parts at `level`: it gives each part a ZipInfo of its own, which
    leaves the level at zlib's default, and ZipFile.writestr takes a part's level from its ZipInfo."""
    import xlsxwriter.workbook as xw

    class Levelled(zipfile.ZipInfo):
        __slots__ = ()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._compresslevel = level

    xw.ZipInfo = Levelled
    try:
        yield
    finally:
        xw.ZipInfo = zipfile.ZipInfo


def put_followers(ws, sh, columns):
    """Into the sheet's table: the followers alike of each shared formula, `columns` of (column, format, group,
    followers, their values). Columns of numbers whose followers fill the same rows make a FollowerBand over
    the rows that hold nothing else from its first column to its last; the other followers go in cell by cell."""
    bands, single = {}, []
    for c, fmt, si, followers, values in columns:
        if followers[-1].row - followers[0].row == len(followers) - 1 and all(v.__class__ is float for v in values):
            bands.setdefault((followers[0].row, followers[-1].row), []).append((c, fmt, si, followers, values))
        else:
            single.append((c, fmt, si, followers, values))
    table = ws.table
    for (first, last), cols in bands.items():
        band, mixed = FollowerBand(first), set()
        band.cols = sorted((c, fmt, si, values) for c, fmt, si, _, values in cols)
        start, end = band.cols[0][0], band.cols[-1][0]
        within = {}   # row -> its cells from the band's first column to its last
        for r, c in sh.cells:
            if first <= r <= last and start <= c <= end:
                within[r] = within.get(r, 0) + 1
        for r in range(first, last + 1):
            if within[r] == len(cols):
                table[r][start] = band
                if end != start:
                    table[r][end] = BAND_END
            else:   # the row holds another cell too: its followers one by one
                mixed.add(r)
        if mixed:
            single += [(c, fmt, si, *zip(*[(f, v) for f, v in zip(followers, values) if f.row in mixed]))
                       for c, fmt, si, followers, values in cols]
    for c, fmt, si, followers, values in single:
        for f, v in zip(followers, values):
            table[f.row][c] = SharedFormula(None, fmt, v, si, None)


def write_book(book, path, protect=True):
    """Write `book` to `path` (the caller decides where: the CLI writes a temporary file first)."""
    with gc_paused():
        _write(book, path, protect)


def _write(book, path, protect):
    check_prefixes()
    # assembled in memory (no temporary part files either), then written in one go: a full disk fails in
    # our own write, which closes the file, instead of inside xlsxwriter's zip file, whose destructor
    # retried the write at exit and printed "Exception ignored ... Traceback" after the error message
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_numbers": False,
                                      "strings_to_urls": False, "in_memory": True})
    styles = Styles(wb)
    good, bad = styles.highlight("good"), styles.highlight("bad")
    t = book.t
    words = edition_words(t)
    for sh in book.sheets:
        ws = wb.add_worksheet(sh.name, FormulaWorksheet)
        shared = shared_groups(sh)
        with_master, alike = alike_followers(sh, shared)
        alike_columns = []
        for (r, c), cell in sorted(kv for kv in sh.cells.items() if kv[0] not in alike):
            fmt = styles.get(cell.role, cell.fmt, cell.links_out)
            group = shared.get((r, c))
            if group is not None and group[1] is None:   # a follower unlike its master: its value, its own style
                if ws._check_dimensions(r, c) == 0:
                    ws.table[r][c] = SharedFormula(None, fmt, words(cell.result()), group[0], None)
            elif group is not None:   # a master: the group's text and range, then the followers alike
                si, ref = group
                ws.write_shared(r, c, words("=" + cell.content.xl(sh)), fmt, words(cell.result()), si, ref)
                followers = with_master[(r, c)]
                if followers and ws._check_dimensions(followers[-1].row, c) == 0:   # the last row within bounds
                    alike_columns.append((c, fmt, si, followers, [words(f.result()) for f in followers]))
                    for f in followers:
                        if f.comment:
                            ws.write_comment(f.row, c, f.comment, {"x_scale": 2})
            elif cell.is_formula:
                text = check_length(words("=" + cell.content.xl(sh)), sh.name, r, c)
                if cell.content.array:
                    ws.write_array_formula(r, c, r, c, text, fmt, words(cell.result()))
                else:
                    ws.write_formula(r, c, text, fmt, words(cell.result()))
            elif isinstance(cell.content, (int, float)) and not isinstance(cell.content, bool):
                ws.write_number(r, c, cell.content, fmt)
            elif cell.content is None or cell.content == "":
                if cell.role != "label":
                    ws.write_blank(r, c, None, fmt)
            else:
                ws.write_string(r, c, words(str(cell.content)), fmt)
            if cell.comment:
                ws.write_comment(r, c, cell.comment, {"x_scale": 2})
            for rule in conditional_formats(cell.role, good, bad):
                ws.conditional_format(r, c, r, c, rule)
        put_followers(ws, sh, alike_columns)
        for r, c1, c2 in sh.merges:
            cell = sh.cell_at(r, c1)
            fmt = styles.get(cell.role, cell.fmt, cell.links_out)
            if cell.is_formula:   # a sentence built by formula across the columns: merged, then its formula
                ws.merge_range(r, c1, r, c2, "", fmt)
                ws.write_formula(r, c1, words("=" + cell.content.xl(sh)), fmt, words(cell.result()))
            else:
                ws.merge_range(r, c1, r, c2, words(cell.content), fmt)
        for chart in sh.charts:
            add_chart(wb, ws, chart)
        for rng, text, role in sh.highlights:
            ws.conditional_format(rng.first.row, rng.first.col, rng.last.row, rng.last.col,
                                  {"type": "cell", "criteria": "==", "value": '"' + words(text) + '"',
                                   "format": styles.highlight(role)})
        for cell, target, text in sh.links:
            ws.write_url(cell.row, cell.col, "internal:" + target, styles.get("link", "general"), text)
        for col, width in sh.widths.items():
            ws.set_column(col, col, width)
        if sh.freeze:
            ws.freeze_panes(*sh.freeze)
        for cell, rule in sh.validations:
            ws.data_validation(cell.row, cell.col, cell.row, cell.col, validation(cell, rule, t))
        for r, height in sh.heights.items():
            ws.set_row(r, height)
        hidden = collapsed_rows(sh)
        for r, level in outline_levels(sh.groups).items():
            ws.set_row(r, sh.heights.get(r), None, {"level": level, "hidden": r in hidden})
        for first in sh.collapsed:   # the +/- button sits on the row after the group
            last = next(b for a, b in sh.groups if a == first)
            ws.set_row(last + 1, sh.heights.get(last + 1), None, {"collapsed": True})
        if protect:
            ws.protect("", PROTECTION)
        if sh.kind == "hidden":  # the build record (meta.py): never shown, never printed
            ws.very_hidden()
            continue
        if sh.kind != "input":
            ws.hide_gridlines(2)
        # print: landscape A4, one page wide, header rows and label columns repeated, company / tab / page
        ws.set_landscape()
        ws.set_paper(9)
        if sh.print_bands:   # bands of columns at a readable scale, instead of one page wide
            scale, starts = sh.print_bands
            ws.set_print_scale(scale)
            ws.set_v_pagebreaks(starts)
            ws.set_margins(left=0.4, right=0.4)
            ws.print_across()
        else:
            ws.fit_to_pages(1, 1 if sh.one_page else 0)
        breaks = sorted(set(sh.page_breaks + ([sh.pack_end] if sh.pack_end else [])))
        if breaks:
            ws.set_h_pagebreaks(breaks)
        last_row, last_col = print_extent(sh)
        ws.print_area(0, 0, last_row, last_col if sh.print_cols is None else sh.print_cols)
        if sh.print_rows:
            ws.repeat_rows(*sh.print_rows)
        elif sh.freeze and sh.freeze[0]:
            ws.repeat_rows(0, sh.freeze[0] - 1)
        if sh.freeze and sh.freeze[1]:
            ws.repeat_columns(0, sh.freeze[1] - 1)
        ws.set_header(f"&L&8{header_text(t.company_name)}&R&8&A")
        ws.set_footer(f"&R&8{t('common.page')}")
    for name, target in book.names.items():
        wb.define_name(name, ref_text(target))
    try:
        with deflate_level(DEFLATE_LEVEL):
            wb.close()
    except xlsxwriter.exceptions.FileCreateError as e:  # an OSError while assembling: raised as itself
        raise e.args[0] if e.args and isinstance(e.args[0], OSError) else OSError(str(e)) from None
    with open(path, "wb") as f:
        f.write(buffer.getbuffer())
