"""Benchmarks: `python -m bench.bus` (make bench-bus)."""
