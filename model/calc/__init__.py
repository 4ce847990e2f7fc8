"""The model's definitions: formula trees that render Excel text and compute the cached value
(`formula`), every line item defined once (`lines`), and the value-equality rule (`values`).

Imports nothing else of the model but `labels`: every other layer builds on this one."""
