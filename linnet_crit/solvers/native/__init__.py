"""The native, pip-only engine: a vectorized numpy path tracker and the structure-aware method."""
