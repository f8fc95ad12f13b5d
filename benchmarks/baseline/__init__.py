"""Baselines the benchmarks measure mcusplit against (not part of the product)."""
