"""What the user adds to the workbook survives every rebuild in the working workbook (issue 23): a
comment on one of our cells, a value typed into an empty cell of one of our tabs, each carried to the
same line item and period (by the build record's keys, never by address: the roll-forward moves rows
and columns); what has no place any more is listed on the Review tab with its old address and kept in
a kept copy. The user's sheets are in test_usersheets.py; through LibreOffice in
test_regenerate_engine.py."""
import openpyxl
import pytest
from openpyxl.comments import Comment

from conftest import ZHIPU_JAN, run
from model.regen import backup
from model.regen.userbook import header_period
from test_regenerate import add_full_year_and_drop_bear, data_copy


def at(ws, label, period):
    """The cell of the row labelled `label` (its first) in the column headed `period` (FY2027E)."""
    cols = {"".join(header_period(c.value, c.number_format)): c.column for row in ws.iter_rows(max_row=10)
            for c in row if header_period(c.value, c.number_format)}
    row = next(c.row for c in ws["A"] if c.value == label)
    return ws.cell(row, cols[period])


def comments(ws):
    return {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}


def build(data, out):
    res = run("build", "--data", data, "--out", out)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    return res


@pytest.fixture()
def annotated(tmp_path):
    """A January workbook with the user's notes: comments on FY2027E and 2H2025E revenue and on a
    sourced actual (after our own comment), and a value typed into an empty cell of a driver row."""
    out, data = tmp_path / "model.xlsx", data_copy(tmp_path, ZHIPU_JAN)
    build(data, out)
    wb = openpyxl.load_workbook(out)
    inc, inputs = wb["Income Statement"], wb["Inputs"]
    at(inc, "Total revenue", "FY2027E").comment = Comment("checked against the prospectus", "me")
    at(inc, "Total revenue", "2H2025E").comment = Comment("H2 looks light", "me")
    at(inc, "Revenue growth — Cloud / MaaS", "FY2023A").value = "no driver before FY2025"
    sourced = at(inputs, "Revenue", "FY2024A")
    ours = sourced.comment.text
    sourced.comment = Comment(ours + "\nties to the annual report p. 12", "me")
    wb.save(out)
    return out, data, ours


def test_notes_and_values_stay_put_through_six_rebuilds(annotated):
    out, data, ours = annotated
    for _ in range(6):
        res = build(data, out)
        assert "Carried over from model.xlsx: 3 comments, 1 value" in res.stdout, res.stdout
        assert "warning" not in res.stderr
    wb = openpyxl.load_workbook(out)
    inc = wb["Income Statement"]
    assert at(inc, "Total revenue", "FY2027E").comment.text == "checked against the prospectus"
    assert at(inc, "Total revenue", "2H2025E").comment.text == "H2 looks light"
    assert at(inc, "Revenue growth — Cloud / MaaS", "FY2023A").value == "no driver before FY2025"
    # the user's words follow ours once: not doubled by six rebuilds
    assert at(wb["Inputs"], "Revenue", "FY2024A").comment.text == ours + "\nties to the annual report p. 12"
    assert "Review" not in wb.sheetnames and backup.backups(out, "kept") == []


def test_a_roll_forward_moves_them_with_their_line_and_period_and_lists_what_has_no_place(annotated):
    out, data, _ = annotated
    before = openpyxl.load_workbook(out)["Income Statement"]
    old_rev, old_h2 = at(before, "Total revenue", "FY2027E").coordinate, at(before, "Total revenue", "2H2025E").coordinate
    add_full_year_and_drop_bear(data)   # FY2025 becomes an actual: the rest-of-year rows and 2H2025E go
    res = build(data, out)
    wb = openpyxl.load_workbook(out)
    inc = wb["Income Statement"]
    moved = at(inc, "Total revenue", "FY2027E")
    assert moved.coordinate != old_rev   # rows moved up: the revenue line is elsewhere, the comment with it
    assert moved.comment.text == "checked against the prospectus"
    assert f"comment  Income Statement!{old_rev} -> Income Statement!{moved.coordinate}" in res.stdout
    assert at(inc, "Revenue growth — Cloud / MaaS", "FY2023A").value == "no driver before FY2025"
    assert "H2 looks light" not in comments(inc).values()
    # ... the 2H2025E comment has no place: listed on the Review tab with its old address, and kept
    review = [[c.value for c in row] for row in wb["Review"].iter_rows()]
    row = next(r for r in review if r[1] == f"Income Statement!{old_h2}")
    assert row[0] == "Comment" and row[2] == "not carried" and row[3] == "H2 looks light"
    assert "its line or period is no longer on the tab" in row[4]
    kept, = backup.backups(out, "kept")
    assert row[4].endswith(f"It stays in the kept copy {kept.name}.")
    assert comments(openpyxl.load_workbook(kept)["Income Statement"])[old_h2] == "H2 looks light"
    assert f"Income Statement!{old_h2}: 'H2 looks light' not carried: its line or period is no longer on the tab" \
        in res.stderr
