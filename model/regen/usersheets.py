"""Read the user's own sheets (part of the read step): each added sheet as the package holds it (its
part and every part its relationships reach: comments, drawings, charts, tables), its cells, and
every formula on it with what of the model it reads -- a cell of one of our tabs by the key of its line
and period (cellkeys.py), an input by its slot, one of our defined names, INDEX over an input block
with literal indices by the slot those pick. The names the user defined, likewise. All plain data:
the carry step re-points each formula to the new layout and splices the sheet into the new package.
"""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import fromstring

from ..calc.excel import ErrorValue, a1, area_corners, shift, tokens
from ..workbook.cellkeys import column_key
from ..workbook.readback import relationships

# relationships of a user's sheet that are carried with it; any other (a pivot table, an ActiveX control,
# threaded replies) is named as not carried and stays in the kept copy
CARRIED = {"comments", "vmlDrawing", "drawing", "hyperlink", "printerSettings", "table"}
WORKBOOK_LEVEL = {"pivotCacheDefinition", "person", "externalLink", "connections"}  # never followed below a sheet
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# formulas outside cells: a conditional format's, a validation's (and their x14 twins, <xm:f>)
_OTHER_FORMULA = re.compile(rb"<((?:[\w.-]+:)?formula[12]?|[\w.-]+:f)(?:\s[^>]*)?>([^<]*)</\1>")
_CHART_FORMULA = re.compile(rb"<((?:[\w.-]+:)?f)>([^<]*)</\1>")


@dataclass(frozen=True)
class Target:
    """What of the model a reference in a user's formula reads."""
    kind: str                 # area: cells of one of our tabs | name: one of our names | index: INDEX(block, i, j)
    corners: tuple = ()       # area: per corner ("cell", row key, column key) or ("input", slot token); () : no key
    name: str = ""            # name, index: the defined name
    slot: str = ""            # index: the slot the literal indices pick
    what: str = ""            # area: what the cells held, as the user's workbook labelled them (Total revenue FY2025E)


@dataclass
class Formula:
    text: str                 # without "="
    reads: dict               # start of a token in the text -> Target
    cached: object = None     # its last value
    kind: str = ""            # "" | "array" | "dataTable": kinds kept as they are (an array formula's text is re-pointed)


@dataclass
class UserSheet:
    name: str
    state: str                # visible | hidden | veryHidden
    before: list              # the sheets before it in the user's workbook, nearest first
    part: str                 # its part in the user's package
    parts: dict = field(default_factory=dict)    # part -> bytes: the sheet and what its relationships reach
    types: dict = field(default_factory=dict)    # part -> content type
    dropped: list = field(default_factory=list)  # (relationship id, kind) of relationships not carried
    values: dict = field(default_factory=dict)   # (row, col) 0-based -> value (constants and cached results)
    formulas: dict = field(default_factory=dict)  # (row, col) -> Formula
    others: dict = field(default_factory=dict)   # text of a formula elsewhere (conditional format, validation,
    #                                              chart series) -> Formula
    refused: str = ""         # why it is not carried (too many cells), "" when it is


@dataclass
class UserName:
    name: str
    sheet: str | None         # the user's sheet a local name belongs to, None: workbook-level
    formula: Formula
    hidden: bool = False


class Reader:
    """Finds what of the model the references in a formula read, in the user's workbook as read."""

    def __init__(self, meta, tabs: dict, inputs_at: dict):
        self.meta, self.tabs, self.inputs_at = meta, tabs, inputs_at   # tabs: our tab -> TabMap
        self.ours = set(meta.names or ()) | set(meta.blocks)

    def corner(self, sheet, row, col):
        token = self.inputs_at.get((sheet, row, col))
        if token:
            return ("input", token)
        key = self.tabs[sheet].key(row, col) if sheet in self.tabs else None
        return ("cell", *key) if key else None

    def what(self, sheet, row, col) -> str:
        """A cell of ours as the user's workbook labels it: its row's label and its column's period."""
        tab = self.tabs.get(sheet)
        if tab is None:
            return f"{sheet}!{a1(row, col)}"
        label = tab.ws.cell(row + 1, 1).value
        period = column_key(tab.heads, row, col)
        return " ".join(p for p in (str(label).strip() if label else "", "" if period.startswith("#") else period) if p) \
            or f"{sheet}!{a1(row, col)}"

    def formula(self, text: str, sheet: str | None = None, cached=None, kind="") -> Formula:
        """`sheet`: the tab of ours the formula stands on (its unqualified references read it), else None."""
        toks = [t for t in tokens(text) if t.kind != "ws"]
        reads = {}
        for i, tok in enumerate(toks):
            if tok.kind == "ref":
                target_sheet = tok.sheet if tok.sheet is not None else sheet
                if target_sheet not in self.meta.layouts:
                    continue
                corners = area_corners(tok.area)
                found = tuple(self.corner(target_sheet, r, c) for r, c in corners) if corners else ()
                what = " to ".join(dict.fromkeys(self.what(target_sheet, r, c) for r, c in corners or ()))
                reads[tok.start] = Target("area", found if all(found) else (), what=what)
            elif tok.kind == "name" and tok.sheet is None and tok.text in self.ours:
                reads[tok.start] = self._index(toks, i) or Target("name", name=tok.text)
        return Formula(text, reads, cached, kind)

    def _index(self, toks, i):
        """INDEX(block, i[, j]) with literal indices over one of our input blocks: the slot they pick."""
        block = self.meta.blocks.get(toks[i].text)
        if not block or i < 2 or toks[i - 1].text != "(" or toks[i - 2].text.upper() != "INDEX":
            return None
        args = []
        for k in range(i + 1, len(toks), 2):
            if toks[k].text == ")":
                break
            if toks[k].text != "," or k + 1 >= len(toks) or toks[k + 1].kind != "num":
                return None
            args.append(int(float(toks[k + 1].text)))
        rows, cols = block["shape"]
        if len(args) == 1:
            args = [1, args[0]] if rows == 1 else [args[0], 1] if cols == 1 else []
        if len(args) != 2:
            return None
        slot = next((tok for r, c, tok, _ in block["cells"] if (r, c) == (args[0] - 1, args[1] - 1)), "")
        return Target("index", name=toks[i].text, slot=slot)


def content_types(parts: dict) -> tuple[dict, dict]:
    """(Default: extension -> type, Override: part -> type) of the package."""
    root = fromstring(parts["[Content_Types].xml"])
    defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in root.iter(CT_NS + "Default")}
    overrides = {o.get("PartName", "").lstrip("/"): o.get("ContentType") for o in root.iter(CT_NS + "Override")}
    return defaults, overrides


def _closure(parts: dict, part: str, sheet: UserSheet, types) -> None:
    """The sheet's part and every part its relationships reach (its own relationships limited to CARRIED)."""
    defaults, overrides = types
    todo, seen = [part], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in parts:
            continue
        seen.add(name)
        sheet.parts[name] = parts[name]
        sheet.types[name] = overrides.get(name) or defaults.get(posixpath.splitext(name)[1][1:].lower(), "")
        folder, base = posixpath.split(name)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels in parts:
            sheet.parts[rels] = parts[rels]
        for rid, kind, target in relationships(parts, name):
            if name == part and kind not in CARRIED:
                sheet.dropped.append((rid, kind))
            elif kind not in WORKBOOK_LEVEL and not target.startswith(("http:", "https:", "mailto:", "file:")):
                todo.append(target)


def _others(raw: bytes, pattern) -> list[str]:
    return [html.unescape(m.group(2).decode("utf-8")) for m in pattern.finditer(raw)]


def user_sheet(wb, ws, reader: Reader | None, user_sheets: set) -> UserSheet:
    """One of the user's sheets, as plain data. Without a reader (no build record) nothing is known of
    what its formulas read: a formula that reads one of our tabs or names then reads no key, and the
    carry keeps its value."""
    index = wb.sheetnames.index(ws.title)
    sheet = UserSheet(ws.title, ws.state, wb.sheetnames[:index][::-1], ws.part, refused=ws.refused)
    if ws.refused:
        return sheet
    _closure(wb.parts, ws.part, sheet, content_types(wb.parts))
    masters = {}
    for cell in ws.iter_cells():
        if cell.shared and cell.shared[0] == "shared" and cell.formula != "=":
            masters[cell.shared[1]] = (cell.row - 1, cell.column - 1, cell.formula[1:])
    read = reader.formula if reader else (lambda text, sheet=None, cached=None, kind="": Formula(text, {}, cached, kind))
    for cell in ws.iter_cells():
        r, c = cell.row - 1, cell.column - 1
        sheet.values[(r, c)] = ErrorValue(cell.value) if cell.error else cell.value
        if not cell.is_formula:
            continue
        text, kind = cell.formula[1:], (cell.shared or ("", None))[0]
        if kind == "shared":
            mr, mc, master = masters.get(cell.shared[1], (r, c, text))
            text, kind = shift(master, r - mr, c - mc), ""
        sheet.formulas[(r, c)] = read(text, None, sheet.values[(r, c)], kind)
        if reader is None:
            sheet.formulas[(r, c)].reads = {0: Target("area")} if _reads_model(text, wb, user_sheets) else {}
    for name, raw in sheet.parts.items():
        pattern = _CHART_FORMULA if "/charts/" in name else _OTHER_FORMULA if name == ws.part else None
        for text in _others(raw, pattern) if pattern else ():
            sheet.others[text] = read(text)
    return sheet


def _reads_model(text: str, wb, user_sheets: set) -> bool:
    """Without a build record: whether a formula reads a sheet that is not one of the user's, directly or by
    a defined name."""
    for t in tokens(text):
        if t.kind == "ref" and t.sheet is not None and t.sheet not in user_sheets:
            return True
        if t.kind == "name" and any(s not in user_sheets for s, _ in wb.defined_names.get(t.text, ())):
            return True
    return False


def user_names(wb, meta, reader: Reader | None, user_sheets: set) -> list[UserName]:
    """The defined names the user made: a workbook-level name the build record does not list, or a name
    local to one of the user's sheets (its print area, its filter)."""
    ours = set(meta.names or ()) | set(meta.blocks) if meta else set()
    known = meta is not None and meta.names is not None   # an older record does not list our names
    out = []
    for name, local, text, hidden in wb.names:
        sheet = wb.sheetnames[local] if local is not None and local < len(wb.sheetnames) else None
        mine = name not in ours and not name.startswith("_xlnm.") and (
            known or all(s in user_sheets for s, _ in wb.defined_names.get(name, ())))
        if (local is None and mine) or sheet in user_sheets:
            formula = reader.formula(text) if reader else Formula(
                text, {0: Target("area")} if _reads_model(text, wb, user_sheets) else {})
            out.append(UserName(name, sheet if local is not None else None, formula, hidden))
    return out

