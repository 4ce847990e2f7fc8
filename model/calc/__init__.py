"""The model's definitions: formula trees that render Excel text and compute the cached value
(`formula`), every line item defined once (`lines`), the value-equality rule (`values`), and the
formula text a user writes, read and evaluated with the same semantics (`excel`).

Imports nothing else of the model but `labels`: every other layer builds on this one."""
