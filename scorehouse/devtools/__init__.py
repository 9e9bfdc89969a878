"""Demo and test tooling, kept apart from what runs in production.

- `generate/`: the demo data generator (`python -m scorehouse.devtools.generate`, or
  `scorehouse generate`), with `generate/dirty_values.py` for the test data's extreme values;
- `reference/`: the independent Python reference scorer that the tests compare the marts with;
- `crosscheck.py`: the cross-engine check (`scorehouse crosscheck`: the marts of DuckDB and
  PostgreSQL or Spark, compared);
- `evaluate.py`: the evaluation of the scores against the generator's hidden truth
  (`scorehouse evaluate`);
- `increments.py`: a full export split into a base and daily increments (`scorehouse split`);
- `readers_check.py`: the readers check, a publication read by DuckDB 1.x in a venv of its own
  (`python -m scorehouse.devtools.readers_check`).

Production modules never import this package at module level
(tests_py/test_package_layout.py checks it); the CLI's demo and test commands import it
lazily, inside their functions. This file imports nothing: readers_check.py runs in a venv
that has only the standard library and duckdb, and `python -m` imports this package first.
"""
