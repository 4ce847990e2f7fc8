"""Splice sheets of another package into a workbook this tool wrote: a user's own sheets, carried over
by a rebuild, with everything the sheet's XML holds (values, formulas, number formats, fonts, fills,
borders, column widths, row heights, merged cells, frozen panes, data validation, conditional formats,
hyperlinks, protection) and the parts its relationships reach (comments and their drawing, drawings,
charts, tables).

The sheet's own XML is streamed through (expat, no tree in memory): its style indexes are remapped
into the new styles part (each font, fill, border, number format and cell format appended once), its
shared texts appended to the new shared-strings part, each cell the caller gives a new formula or a
new cached value rewritten, the formulas of conditional formats and validations replaced as given,
and the elements that point at a relationship not carried left out. Its parts get names of their own
in the new package, their relationships follow. The caller (regen/carry.py) gives plain data only.
"""
from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import fromstring
from xml.parsers import expat

from ..calc.excel import ErrorValue, a1

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET = RELS + "/worksheet"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# CT_Worksheet's children after legacyDrawing, in order: a new legacyDrawing goes before the first present
AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
                "extLst")
SKIPPED = ("oleObjects", "controls", "AlternateContent")   # embedded objects, ActiveX controls: not carried
FORMULA_ELEMENTS = ("formula", "formula1", "formula2", "f")


@dataclass
class SheetPart:
    """One sheet to splice in, as plain data."""
    name: str
    state: str                    # visible | hidden | veryHidden
    index: int                    # its place among the sheets of the final workbook
    part: str                     # its part in the package it comes from
    parts: dict                   # part -> bytes: the sheet, its relationships' parts and their .rels
    types: dict                   # part -> content type
    dropped: set = field(default_factory=set)   # ids of the sheet's relationships not carried
    cells: dict = field(default_factory=dict)   # (row, col) 0-based -> (formula text or None, value): rewritten
    notes: dict = field(default_factory=dict)   # (row, col) -> text of a comment to add
    texts: dict = field(default_factory=dict)   # formula text elsewhere (formats, validations, charts) -> new


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _attr(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# the order Excel writes (and the Open XML SDK expects) a font's properties in
FONT_ORDER = ["b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color", "name",
              "family", "charset", "scheme"]


def _element(el) -> str:
    """An element of the main namespace as XML without namespace prefixes (others' parts left out)."""
    if not el.tag.startswith("{" + MAIN + "}"):
        return ""
    attrs = "".join(f' {k}="{_attr(v)}"' for k, v in el.attrib.items() if not k.startswith("{"))
    children = list(el)
    if el.tag.endswith(("}font", "}rPr")):   # a text run's properties: the same order, rFont for name
        order = FONT_ORDER if el.tag.endswith("}font") else [n if n != "name" else "rFont" for n in FONT_ORDER]
        children.sort(key=lambda c: order.index(c.tag.rpartition("}")[2]) if c.tag.rpartition("}")[2] in order
                      else len(order))
    inner = (_text(el.text) if el.text else "") + "".join(_element(c) + (_text(c.tail) if c.tail else "") for c in children)
    name = el.tag.rpartition("}")[2]
    return f"<{name}{attrs}>{inner}</{name}>" if inner else f"<{name}{attrs}/>"


def _children(root, name: str) -> list:
    block = root.find(f"{{{MAIN}}}{name}")
    return list(block) if block is not None else []


class Styles:
    """The new styles part, to which the old package's cell formats are appended as a sheet needs them."""

    def __init__(self, new: bytes, old: bytes | None):
        self.xml = new.decode("utf-8")
        root = fromstring(new)
        self.lists = {name: [_element(e) for e in _children(root, name)]
                      for name in ("fonts", "fills", "borders", "cellXfs", "dxfs")}
        self.added = {name: [] for name in self.lists}
        self.formats = {e.get("formatCode"): int(e.get("numFmtId")) for e in _children(root, "numFmts")}
        self.new_formats: list[tuple[int, str]] = []
        old_root = fromstring(old) if old else None
        self.old = {name: _children(old_root, name) if old_root is not None else []
                    for name in ("fonts", "fills", "borders", "cellXfs", "dxfs", "numFmts")}
        self.old_formats = {int(e.get("numFmtId")): e.get("formatCode") for e in self.old["numFmts"]}
        self.map: dict = {}

    def _add(self, kind: str, xml: str) -> int:
        items = self.lists[kind]
        if xml in items:
            return items.index(xml)
        items.append(xml)
        self.added[kind].append(xml)
        return len(items) - 1

    def _format(self, old_id: int) -> int:
        if old_id < 164 or old_id not in self.old_formats:
            return old_id
        code = self.old_formats[old_id]
        if code not in self.formats:
            self.formats[code] = max([163, *self.formats.values()]) + 1
            self.new_formats.append((self.formats[code], code))
        return self.formats[code]

    def _part(self, kind: str, index) -> int | None:
        items = self.old[kind]
        if index is None or not 0 <= int(index) < len(items):
            return None
        return self._add(kind, _element(items[int(index)]))

    def cell(self, old: int) -> int:
        """The new cellXfs index of an old one."""
        key = ("xf", old)
        if key not in self.map:
            xfs = self.old["cellXfs"]
            if not 0 <= old < len(xfs):
                self.map[key] = 0
            else:
                xf = xfs[old]
                attrs = {k: v for k, v in xf.attrib.items() if not k.startswith("{")}
                attrs["numFmtId"] = str(self._format(int(attrs.get("numFmtId", 0))))
                for kind, name in (("fonts", "fontId"), ("fills", "fillId"), ("borders", "borderId")):
                    index = self._part(kind, attrs.get(name))
                    attrs[name] = str(index if index is not None else 0)
                attrs["xfId"] = "0"
                inner = "".join(_element(c) for c in xf)
                text = "<xf" + "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items()) + (f">{inner}</xf>" if inner else "/>")
                self.map[key] = self._add("cellXfs", text)
        return self.map[key]

    def dxf(self, old: int) -> int:
        key = ("dxf", old)
        if key not in self.map:
            index = self._part("dxfs", old)
            self.map[key] = index if index is not None else 0
        return self.map[key]

    def part(self) -> bytes:
        xml = self.xml
        if self.new_formats:
            items = "".join(f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>' for i, code in self.new_formats)
            if "<numFmts" in xml:
                xml = _append(xml, "numFmts", items, len(self.formats))
            else:
                xml = xml.replace("<fonts", f'<numFmts count="{len(self.new_formats)}">{items}</numFmts><fonts', 1)
        for kind in ("fonts", "fills", "borders", "cellXfs", "dxfs"):
            if self.added[kind]:
                xml = _append(xml, kind, "".join(self.added[kind]), len(self.lists[kind]))
        return xml.encode("utf-8")


def _append(xml: str, block: str, items: str, count: int) -> str:
    """Add items at the end of a list element (<fonts count="3">...</fonts>, or <dxfs count="0"/>)."""
    m = re.search(rf"<{block}\b([^>]*?)(/?)>", xml)
    attrs = re.sub(r'\s*count="\d+"', "", m.group(1))
    head = f'<{block} count="{count}"{attrs}>'
    if m.group(2):
        return xml[:m.start()] + head + items + f"</{block}>" + xml[m.end():]
    end = xml.index(f"</{block}>", m.end())
    return xml[:m.start()] + head + xml[m.end():end] + items + xml[end:]


class Strings:
    """The new shared-strings part, to which the old package's texts are appended as a sheet needs them."""

    def __init__(self, new: bytes | None, old: bytes | None):
        self.xml = new.decode("utf-8") if new else f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" count="0" uniqueCount="0"></sst>'
        self.count = len(re.findall(r"<si[\s>/]", self.xml))
        self.old = list(fromstring(old)) if old else []
        self.added: list[str] = []
        self.map: dict = {}

    def index(self, old: int) -> int:
        if old not in self.map:
            item = _element(self.old[old]) if 0 <= old < len(self.old) else "<si><t></t></si>"
            self.map[old] = self.count + len(self.added)
            self.added.append(item)
        return self.map[old]

    def part(self) -> bytes:
        total = self.count + len(self.added)
        xml = re.sub(r'uniqueCount="\d+"', f'uniqueCount="{total}"', self.xml, count=1)
        xml = re.sub(r'(<sst\b[^>]*?)\scount="\d+"', rf'\1 count="{total}"', xml, count=1)
        return xml.replace("</sst>", "".join(self.added) + "</sst>").encode("utf-8")


def _value_xml(value) -> tuple[str, str]:
    """(t attribute, <v> text) of a cell's cached value."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, (int, float)):
        value = float(value)
        return "", str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if value is None:
        return "", ""
    if isinstance(value, ErrorValue):
        return "e", str(value)
    return "str", str(value)


class _Sheet:
    """Streams one sheet's XML through, rewriting as SheetPart and the new styles and strings say."""

    def __init__(self, sheet: SheetPart, styles: Styles, strings: Strings, rel_prefix: str, legacy: str | None):
        self.sheet, self.styles, self.strings = sheet, styles, strings
        self.rid = f"{rel_prefix}:id" if rel_prefix else "r:id"
        self.rel_prefix = rel_prefix
        self.legacy = legacy        # the relationship id of a <legacyDrawing> to add (new comments), or None
        self.main = ""              # the prefix the file gives the main namespace ("" or "x:")
        self.out: list[str] = []
        self.pending = False        # a start tag written without its ">" yet
        self.skip = 0               # depth inside an element left out
        self.cell = None            # the overridden cell being replaced
        self.string_cell = False    # inside a t="s" cell: its <v> is a shared-string index
        self.in_value = False
        self.formula_text = None    # collecting the text of a formula element outside cells
        self.depth_names: list[str] = []

    def _close(self):
        if self.pending:
            self.out.append(">")
            self.pending = False

    def xml_decl(self, version, encoding, standalone):
        self.out.append(f'<?xml version="{version or "1.0"}" encoding="UTF-8"'
                        + (' standalone="yes"' if standalone == 1 else "") + "?>\n")

    def start(self, name, attrs):
        local = _local(name)
        parent = self.depth_names[-1] if self.depth_names else ""
        self.depth_names.append(local)
        if self.skip or self.cell is not None:
            self.skip += self.skip > 0
            return
        attrs = dict(zip(attrs[::2], attrs[1::2]))
        if local in SKIPPED or attrs.get(self.rid) in self.sheet.dropped:
            self.skip = 1
            return
        if local == "worksheet":
            self.main = name[:-len(local)]
        if self.legacy and local in AFTER_LEGACY and parent == "worksheet":
            self._add_legacy()
        if local == "c" and parent == "row":
            ref = attrs.get("r", "")
            key = _cell(ref)
            if "s" in attrs:
                attrs["s"] = str(self.styles.cell(int(attrs["s"])))
            if key in self.sheet.cells:
                self.cell = (key, attrs)
                return
            self.string_cell = attrs.get("t") == "s"
        elif local == "row" and "s" in attrs:
            attrs["s"] = str(self.styles.cell(int(attrs["s"])))
        elif local == "col" and "style" in attrs:
            attrs["style"] = str(self.styles.cell(int(attrs["style"])))
        elif "dxfId" in attrs:
            attrs["dxfId"] = str(self.styles.dxf(int(attrs["dxfId"])))
        elif local == "sheetView":
            attrs.pop("tabSelected", None)   # the workbook opens on the Cover: one selected tab
        elif local == "v" and self.string_cell:
            self.in_value = True
        elif local in FORMULA_ELEMENTS and parent != "c":
            self.formula_text = []
        self._close()
        self.out.append("<" + name + "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items()))
        self.pending = True

    def end(self, name):
        local = self.depth_names.pop()
        if self.skip:
            self.skip -= 1
            return
        if self.cell is not None:
            if local == "c":
                self._write_cell(name)
            return
        if local == "worksheet" and self.legacy:
            self._add_legacy()
        if self.formula_text is not None and local in FORMULA_ELEMENTS:
            text = "".join(self.formula_text)
            self.formula_text = None
            self._close()
            self.out.append(_text(self.sheet.texts.get(text, text)))
        if local == "c":
            self.string_cell = False
        if local == "v":
            self.in_value = False
        if self.pending:
            self.out.append("/>")
            self.pending = False
        else:
            self.out.append(f"</{name}>")

    def data(self, text):
        if self.skip or self.cell is not None:
            return
        if self.formula_text is not None:
            self.formula_text.append(text)
            return
        self._close()
        if self.in_value:
            text = str(self.strings.index(int(text)))
        self.out.append(_text(text))

    def _add_legacy(self):
        self._close()
        declare = "" if self.rel_prefix else f' xmlns:r="{RELS}"'
        self.out.append(f'<{self.main}legacyDrawing{declare} {self.rid}="{self.legacy}"/>')
        self.legacy = None

    def _write_cell(self, name):
        (row, col), attrs = self.cell
        self.cell = None
        formula, value = self.sheet.cells[(row, col)]
        kind, text = _value_xml(value)
        attrs.pop("t", None)
        prefix = name[:-1]   # the main namespace's prefix as the file writes it ("" or "x:")
        if kind == "str" and formula is None:   # a constant text: inline
            body = f"<{prefix}is><{prefix}t xml:space=\"preserve\">{_text(text)}</{prefix}t></{prefix}is>"
            attrs["t"] = "inlineStr"
        else:
            if kind:
                attrs["t"] = kind
            body = (f"<{prefix}f>{_text(formula)}</{prefix}f>" if formula is not None else "") + (
                f"<{prefix}v>{_text(text)}</{prefix}v>" if text != "" else "")
        self._close()
        self.out.append("<" + name + "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items()) + f">{body}</{name}>")

    def run(self, raw: bytes) -> bytes:
        p = expat.ParserCreate()
        p.ordered_attributes = True
        p.buffer_text = True
        p.XmlDeclHandler = self.xml_decl
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.data
        p.Parse(raw, True)
        return "".join(self.out).encode("utf-8")


_REF = re.compile(r"^([A-Z]+)([0-9]+)$")


def _cell(ref: str):
    m = _REF.match(ref.upper())
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _rels_of(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _relative(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source))


def _resolve(source: str, target: str) -> str:
    """The part a relationship of `source` points at (its target relative, or absolute from the root)."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


class _Package:
    """The new package's parts, in order, with new part names handed out as needed."""

    def __init__(self, path):
        with zipfile.ZipFile(path) as z:
            self.parts = {name: z.read(name) for name in z.namelist()}

    def fresh(self, old: str) -> str:
        """A new part name like `old` (its folder and stem) that the package does not have yet."""
        folder, base = posixpath.split(old)
        stem, ext = posixpath.splitext(base)
        stem = re.sub(r"\d+$", "", stem) or "part"
        n = 1
        while posixpath.join(folder, f"{stem}{n}{ext}") in self.parts:
            n += 1
        name = posixpath.join(folder, f"{stem}{n}{ext}")
        self.parts[name] = b""
        return name


def _comments_xml(existing: bytes | None, notes: dict) -> bytes:
    """A comments part with `notes` added (to the comment a cell already has, after a line break)."""
    if existing:
        xml = existing.decode("utf-8")
    else:
        xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN}"><authors>'
               "<author></author></authors><commentList></commentList></comments>")
    for (row, col), text in sorted(notes.items()):
        ref = a1(row, col)
        body = f'<r><t xml:space="preserve">{_text(text)}</t></r>'
        m = re.search(rf'<comment ref="{ref}"[^>]*>(.*?)</text>', xml, re.S)
        if m:
            xml = xml[:m.end() - len("</text>")] + f'<r><t xml:space="preserve">\n</t></r>{body}' + xml[m.end() - 7:]
        else:
            xml = xml.replace("</commentList>", f'<comment ref="{ref}" authorId="0"><text>{body}</text></comment>'
                              "</commentList>", 1)
    return xml.encode("utf-8")


_SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
              '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')


def _vml_xml(existing: bytes | None, notes: dict, first_id: int) -> bytes:
    """A VML drawing with a (hidden) note box for each cell of `notes`, as Excel wants beside comments."""
    if existing:
        xml = existing.decode("utf-8")
    else:
        xml = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
               f'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" '
               f'data="{first_id // 1024}"/></o:shapelayout></xml>')
    if "_x0000_t202" not in xml:
        xml = xml.replace("</xml>", _SHAPETYPE + "</xml>", 1)
    shapes = []
    for i, (row, col) in enumerate(sorted(notes)):
        if re.search(rf"<x:Row>{row}</x:Row>\s*<x:Column>{col}</x:Column>", xml):
            continue   # the cell has a note box already: its comment got the text
        shapes.append(
            f'<v:shape id="_x0000_s{first_id + i}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
            'margin-top:1.5pt;width:240pt;height:60pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" '
            'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
            '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left">'
            '</div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f'<x:Anchor>{col + 1}, 15, {row}, 2, {col + 5}, 15, {row + 4}, 16</x:Anchor><x:AutoFill>False</x:AutoFill>'
            f'<x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>')
    return xml.replace("</xml>", "".join(shapes) + "</xml>", 1).encode("utf-8")


def _rels_xml(rels: list[tuple[str, str, str, bool]]) -> bytes:
    body = "".join(f'<Relationship Id="{_attr(i)}" Type="{_attr(t)}" Target="{_attr(target)}"'
                   + (' TargetMode="External"' if external else "") + "/>" for i, t, target, external in rels)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_RELS}">{body}'
            "</Relationships>").encode("utf-8")


def _read_rels(raw: bytes) -> list[tuple[str, str, str, bool]]:
    return [(r.get("Id"), r.get("Type"), r.get("Target"), r.get("TargetMode") == "External")
            for r in fromstring(raw)]


def splice(path, sheets: list[SheetPart], styles: bytes | None = None, strings: bytes | None = None,
           names: list | None = None) -> None:
    """Rewrite the package at `path` with `sheets` spliced in, each at its index among the sheets; the old
    package's styles and shared-strings parts (`styles`, `strings`) are what the sheets' indexes point
    into. `names`: defined names to add, (name, the sheet it is local to or None, formula text, hidden)."""
    pkg = _Package(path)
    parts = pkg.parts
    st = Styles(parts["xl/styles.xml"], styles)
    ss = Strings(parts.get("xl/sharedStrings.xml"), strings)
    types_xml = parts["[Content_Types].xml"].decode("utf-8")
    overrides = []
    book_rels = _read_rels(parts["xl/_rels/workbook.xml.rels"])
    rid = max([int(m) for m in re.findall(r"\d+", " ".join(r[0] for r in book_rels))] + [0])
    new_sheets = []   # (index, name, state, rId)
    vml_id = 1024 * 200
    for sheet in sorted(sheets, key=lambda s: s.index):
        renamed = {old: pkg.fresh(old) for old in sheet.parts if not old.endswith(".rels")}
        root_xml = sheet.parts[sheet.part].decode("utf-8", "replace")[:4000]
        prefix = next((m.group(1) for m in re.finditer(r'xmlns:(\w+)="' + re.escape(RELS) + '"', root_xml)), "")
        sheet_rels = _read_rels(sheet.parts[_rels_of(sheet.part)]) if _rels_of(sheet.part) in sheet.parts else []
        legacy = None
        if sheet.notes:
            comments = next((_resolve(sheet.part, t) for _, ty, t, ext in sheet_rels if ty.endswith("/comments") and not ext),
                            None)
            vml = next((_resolve(sheet.part, t) for _, ty, t, ext in sheet_rels if ty.endswith("/vmlDrawing") and not ext),
                       None)
            if comments is None:
                comments = pkg.fresh("xl/comments1.xml")
                renamed[comments] = comments
                sheet.types[comments] = COMMENTS_TYPE
                sheet_rels.append(("rIdUserNotes1", RELS + "/comments", _relative(sheet.part, comments), False))
            if vml is None:
                vml = pkg.fresh("xl/drawings/vmlDrawing1.vml")
                renamed[vml] = vml
                sheet.types[vml] = VML_TYPE
                sheet_rels.append(("rIdUserNotes2", RELS + "/vmlDrawing", _relative(sheet.part, vml), False))
                legacy = "rIdUserNotes2"
            sheet.parts[comments] = _comments_xml(sheet.parts.get(comments), sheet.notes)
            sheet.parts[vml] = _vml_xml(sheet.parts.get(vml), sheet.notes, vml_id)
            vml_id += 1024
        for old, new in renamed.items():
            raw = sheet.parts[old]
            if old == sheet.part:
                raw = _Sheet(sheet, st, ss, prefix, legacy).run(raw)
            elif "/charts/" in old and sheet.texts:
                raw = _replace_chart_formulas(raw, sheet.texts)
            parts[new] = raw
            rels = sheet_rels if old == sheet.part else (
                _read_rels(sheet.parts[_rels_of(old)]) if _rels_of(old) in sheet.parts else [])
            if old == sheet.part:
                rels = [r for r in rels if r[0] not in sheet.dropped]
            if rels:
                fixed = []
                for i, ty, target, external in rels:
                    if not external:
                        target_old = _resolve(old, target)
                        if target_old not in renamed:
                            continue   # a part not carried: the element pointing at it is left out too
                        target = _relative(new, renamed[target_old])
                    fixed.append((i, ty, target, external))
                parts[_rels_of(new)] = _rels_xml(fixed)
            if sheet.types.get(old):
                overrides.append((new, sheet.types[old]))
        rid += 1
        book_rels.append((f"rId{rid}", WORKSHEET, _relative("xl/workbook.xml", renamed[sheet.part]), False))
        new_sheets.append((sheet.index, sheet.name, sheet.state, f"rId{rid}"))
    parts["xl/styles.xml"] = st.part()
    parts["xl/sharedStrings.xml"] = ss.part()
    if "xl/sharedStrings.xml" not in types_xml:
        overrides.append(("xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"))
        book_rels.append((f"rId{rid + 1}", RELS + "/sharedStrings", "sharedStrings.xml", False))
    types_xml = types_xml.replace("</Types>", "".join(
        f'<Override PartName="/{name}" ContentType="{_attr(t)}"/>' for name, t in overrides) + "</Types>", 1)
    parts["[Content_Types].xml"] = types_xml.encode("utf-8")
    parts["xl/_rels/workbook.xml.rels"] = _rels_xml(book_rels)
    parts["xl/workbook.xml"] = _workbook_xml(parts["xl/workbook.xml"].decode("utf-8"), new_sheets, names or [])
    if "docProps/app.xml" in parts:
        parts["docProps/app.xml"] = _app_xml(parts["docProps/app.xml"].decode("utf-8"), new_sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, raw in parts.items():
            z.writestr(name, raw)


def _replace_chart_formulas(raw: bytes, texts: dict) -> bytes:
    def swap(m):
        old = html.unescape(m.group(2))
        return f"<{m.group(1)}>{_text(texts.get(old, old))}</{m.group(1)}>"
    return re.sub(r"<((?:[\w.-]+:)?f)>([^<]*)</\1>", swap, raw.decode("utf-8")).encode("utf-8")


def _workbook_xml(xml: str, new_sheets: list, names: list) -> str:
    """workbook.xml with the new sheets in their places, local names moved with their sheets and `names`."""
    sheets = re.findall(r"<sheet\b[^>]*/>", xml)
    ids = [int(m) for m in re.findall(r'<sheet\b[^>]*\bsheetId="(\d+)"', xml)]
    final: list = list(sheets)
    next_id = max(ids + [0])
    for index, name, state, rid in sorted(new_sheets):
        next_id += 1
        state_attr = f' state="{state}"' if state in ("hidden", "veryHidden") else ""
        final.insert(index, f'<sheet name="{_attr(name)}" sheetId="{next_id}"{state_attr} r:id="{rid}"/>')
    position = {s: i for i, s in enumerate(final)}
    order = [position[s] for s in sheets]
    titles = [html.unescape(re.search(r'name="([^"]*)"', s).group(1)) for s in final]

    def move(m):
        return f'localSheetId="{order[int(m.group(1))]}"'
    xml = re.sub(r'localSheetId="(\d+)"', move, xml)
    start, end = xml.index("<sheets>") + len("<sheets>"), xml.index("</sheets>")
    xml = xml[:start] + "".join(final) + xml[end:]
    added = "".join(f'<definedName name="{_attr(n)}"'
                    + (f' localSheetId="{titles.index(sheet)}"' if sheet is not None else "")
                    + (' hidden="1"' if hidden else "") + f">{_text(text)}</definedName>"
                    for n, sheet, text, hidden in names if sheet is None or sheet in titles)
    if added:
        xml = xml.replace("</definedNames>", added + "</definedNames>", 1) if "</definedNames>" in xml else \
            xml.replace("</sheets>", "</sheets><definedNames>" + added + "</definedNames>", 1)
    return xml


def _app_xml(xml: str, new_sheets: list) -> str:
    """docProps/app.xml naming the new sheets among the worksheets (Excel shows these as document properties)."""
    m = re.search(r"<vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>(\d+)</vt:i4>", xml)
    titles = re.search(r'<TitlesOfParts><vt:vector size="(\d+)" baseType="lpstr">(.*?)</vt:vector>', xml, re.S)
    if not m or not titles:
        return xml
    count = int(m.group(1))
    items = re.findall(r"<vt:lpstr>.*?</vt:lpstr>", titles.group(2), re.S)
    sheets, rest = items[:count], items[count:]
    for index, name, _, _ in sorted(new_sheets):
        sheets.insert(index, f"<vt:lpstr>{_text(name)}</vt:lpstr>")
    xml = xml[:m.start(1)] + str(len(sheets)) + xml[m.end(1):]
    titles = re.search(r'<TitlesOfParts><vt:vector size="(\d+)" baseType="lpstr">(.*?)</vt:vector>', xml, re.S)
    return (xml[:titles.start(1)] + str(len(sheets) + len(rest)) + xml[titles.end(1):titles.start(2)]
            + "".join(sheets + rest) + xml[titles.end(2):])
