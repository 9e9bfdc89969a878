"""Small helpers for the SQL the package runs through DuckDB."""

from __future__ import annotations

from typing import Any

from scorehouse.errors import ScorehouseError


def one_row(result: Any) -> tuple:
    """The row of a query that returns exactly one (an aggregate, a one-row table), from
    its DuckDB result (`con.execute(...)`); none is an error, never a silent None."""
    row = result.fetchone()
    if row is None:
        raise ScorehouseError("a query that returns one row returned none")
    return row
