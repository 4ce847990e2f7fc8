"""Benchmarks: `python benchmarks/bench_build.py` (see benchmarks/README.md)."""
