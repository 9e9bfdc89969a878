"""Scorehouse: the Python side of the dbt project (demo data, loading, checks, CLI)."""

__version__ = "0.1.0"
