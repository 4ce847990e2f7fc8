"""How a rebuild finds the model's rows in a user's file (cellkeys._align): by their labels, so that rows the
user inserted or moved do not shift what is carried."""
import difflib

from model.workbook.cellkeys import _align


def by_difflib(recorded, found):   # the matching blocks alone, as SequenceMatcher gives them
    sm = difflib.SequenceMatcher(None, recorded, found, autojunk=False)
    return {b + i: a + i for a, b, n in sm.get_matching_blocks() for i in range(n)}


def test_an_unchanged_tab_maps_each_row_to_itself_as_difflib_does():
    trials = ["Trials", None, "Variable", "Factor", "Low", "Likely", "High", None, "Trial"] + [None] * 1000
    assert _align(trials, list(trials)) == {i: i for i in range(len(trials))} == by_difflib(trials, trials)


def test_inserted_and_moved_rows_are_matched_by_label():
    recorded = ["Revenue", "Cost", "Gross profit", "Tax", "Net income"]
    found = ["Revenue", "My row", "Cost", "Gross profit", "Net income", "Tax"]   # a row inserted, one moved
    assert _align(recorded, found) == {0: 0, 2: 1, 3: 2, 4: 4, 5: 3}
