"""Independent references for the eight main record-based indicators.

Each module computes, with one engine and without calling chitieu's counting
code, the numerators and denominators of the indicators in :data:`common.EIGHT`
by commune and by commune x each dimension, one dimension at a time, in the
long format of :data:`common.LONG_COLUMNS`. They are written from the counting
rules of ``docs/semantics.md``; :func:`common.compare` checks them against the
table of :func:`chitieu.report`.

- :mod:`references.pandas_ref`: idiomatic pandas (``groupby``, ``merge``);
- :mod:`references.polars_ref`: polars lazy frames;
- :mod:`references.duckdb_ref`: DuckDB SQL over the pandas frames.
"""
