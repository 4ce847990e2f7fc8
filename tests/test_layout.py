"""What moves a line of a shifted forecast (layout.moved_by): the Sensitivity tab and the trials keep a cell of
their own only for the lines a shift moves, directly or through what they read."""
from types import SimpleNamespace

from model.workbook.layout import moved_by


def reads(drivers=(), own=(), other=(), cash=()):
    return SimpleNamespace(drivers=set(drivers), own=set(own), other=set(other), cash_reads=set(cash))


def test_a_shift_reaches_every_line_that_reads_it_directly_or_not_through_cycles():
    read = {
        "price": reads(drivers={"price_change"}),
        "revenue": reads(own={"price", "tokens"}),             # tokens is not a line of this block: ignored
        "balance": reads(own={"balance", "loss"}),             # a balance reads itself (a cycle)
        "loss": reads(own={"revenue", "balance"}),             # ... and the balance reads the loss: a longer one
        "staff": reads(drivers={"headcount_growth", "not_shifted"}),
        "margin": reads(other={"costs"}),                      # through the block `at` reads
        "tax": reads(cash={"interest"}),                       # through the cash bridge
        "fixed": reads(drivers={"not_shifted"}, own={"fixed"}),
        "p": reads(own={"q"}), "q": reads(own={"p"}, drivers={"headcount_growth"}),
    }
    shifts = {"price_change": 1, "headcount_growth": 2}
    got = moved_by(read, shifts, source={"costs": frozenset({("cost_change", 7)})},
                   cash={"interest": frozenset({("rate", 3)})})
    price, heads = ("price_change", 1), ("headcount_growth", 2)
    assert got == {"price": {price}, "revenue": {price}, "balance": {price}, "loss": {price}, "staff": {heads},
                   "margin": {("cost_change", 7)}, "tax": {("rate", 3)}, "fixed": set(), "p": {heads}, "q": {heads}}
    assert all(isinstance(v, frozenset) for v in got.values())
