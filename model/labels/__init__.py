"""Every user-visible text of the workbook, one file per language: `en.toml`, `zh.toml`.

The code refers to texts by id (`t("tabs.income")`, `t("cover.guide")`); a file holds every id, with
`{placeholders}` the code fills in. Texts of the company's own data (rationales, sources, scenario
names) are written as the data give them; for the zh edition the company's `*_zh` / `*_local` fields
are preferred where present (`name_local`, `unit_local`, a segment's `label_zh`, a claim's `claim_zh`, a
source's `title_zh` ...).
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

LANGS = ("en", "zh")
HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def table(lang: str) -> dict:
    """The flat id -> text table of one language (nested TOML tables joined with dots)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    flat = {}

    def walk(prefix, node):
        for key, value in node.items():
            if isinstance(value, dict):
                walk(prefix + key + ".", value)
            else:
                flat[prefix + key] = value
    walk("", tomllib.loads((HERE / f"{lang}.toml").read_text(encoding="utf-8")))
    return flat


class Labels:
    """The texts of one edition, with the company's own names in that edition's language."""

    def __init__(self, lang: str = "en", company: dict | None = None, base: str = ""):
        self.lang, self.texts = lang, table(lang)
        self.company = company or {}
        self.base = base  # the base year's code (FY2024): labels of the growth needed from it
        self._lines = {}  # (text, note, segment) -> (label, note) of a line
        self._editions = {}

    def __call__(self, key: str, **fill):
        if "scenario" in fill:
            fill["scenario"] = self.scenario(fill["scenario"])
        text = self.texts[key]
        if isinstance(text, list):
            return [s.format(**fill) for s in text]
        return text.format(**fill)  # a placeholder left unfilled is an error, not a stray "{unit}"

    def raw(self, key: str) -> str:
        """A text with its {placeholders} unfilled: a sentence whose parts are formulas (tabs/words.py)."""
        return self.texts[key]

    def edition(self, lang: str) -> "Labels":
        """The same company's texts in another edition (made once)."""
        if lang == self.lang:
            return self
        if lang not in self._editions:
            self._editions[lang] = Labels(lang, self.company, self.base)
        return self._editions[lang]

    def scenario(self, name: str) -> str:
        """A scenario's name as a row label: this edition's word for a common name (scenario_names:
        base -> 基准（base）), else the name as the data give it. The selector and ScenarioList keep
        the data's name, so that both editions select alike."""
        return name if self.lang == "en" else self.texts.get(f"scenario_names.{name.lower()}", name)

    def grade(self, grade: str) -> str:
        """A reliability grade in this edition's words: the letters (A-D) as the reference files give them,
        "assumption" as this edition's word for it."""
        return self("common.grade_assumption") if grade.lower() == "assumption" else grade

    def currency(self, code: str) -> str:
        """A currency code in this edition's words (USD -> 美元), else the code as the data give it."""
        return self.texts.get(f"currency_names.{code}", code)

    def data_text(self, fields: dict, key: str) -> str:
        """A text of the company's data in this edition's language: `<key>_<lang>` (for a non-English
        edition also `<key>_local`) where given, else `<key>`; "" when none is given."""
        if self.lang != "en":
            for k in (f"{key}_{self.lang}", f"{key}_local"):
                if fields.get(k):
                    return str(fields[k])
        return str(fields.get(key) or "")

    @property
    def unit(self) -> str:
        """The display unit of amounts (RMB 100m / 亿元)."""
        return self.data_text(self.company, "unit")

    @property
    def company_name(self) -> str:
        """Company name with its other-language name and ticker: Zhipu AI (智谱), HKEX 2513."""
        c = self.company
        name = self.data_text(c, "name")
        other = c["name"] if name != c["name"] else c.get("name_local")
        text = self("company.both", name=name, other=other) if other else name
        return text + (self("company.ticker", ticker=c["ticker"]) if c.get("ticker") else "")

    @property
    def adjustments(self) -> str:
        """The company's name for adjusted minus reported net income (Non-IFRS adjustments)."""
        return self.data_text(self.company, "adjustments_label") or self("lines.adjustments_default")

    def date(self, year: int, month: int, day: int) -> str:
        return self("common.date", year=year, month=self("common.months")[month - 1], day=day)

    def segment(self, key: str) -> str:
        seg = next(s for s in self.company["segments"] if s["key"] == key)
        return self.data_text(seg, "label")

    def unit_of(self, kind: str) -> str:
        """Unit-column text of a number kind: the company's unit for amounts, % for rates..."""
        return self.unit if kind.startswith("amount") else self(f"units.{kind}", currency=self.currency_name())

    def currency_name(self, code: str | None = None) -> str:
        """A currency as this edition writes it in a unit (RMB; 元 in the Chinese edition): the company's by default."""
        code = self.company.get("currency", "") if code is None else code
        return self.texts.get(f"currencies.{code}", code)

    def _names(self, thing) -> dict:
        """The company's names a label may hold: its segment's, the adjustments', the base year."""
        return {"segment": self.segment(thing.segment) if thing.segment else "", "adjustments": self.adjustments,
                "base": self.base}

    def item(self, section: str, thing) -> str:
        """The label of a historical item or driver (data.Item): `<section>.<text>`."""
        return self(f"{section}.{thing.text}", **self._names(thing))

    def line(self, ln) -> tuple[str, str]:
        """(label, note) of a line item of lines.py."""
        key = (ln.text, ln.note, ln.segment)
        if key not in self._lines:   # every block of a tab labels the same lines
            names = self._names(ln)
            self._lines[key] = self(f"lines.{ln.text}", **names), self.texts.get(f"notes.{ln.note}", "").format(**names)
        return self._lines[key]
