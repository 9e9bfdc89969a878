"""The benchmark's summary (`bench/run.py`'s `write_summary`): what a failed step hides
and what it leaves, read from the per-scale CSV files alone (no build)."""

from __future__ import annotations

import csv
import importlib
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture
def bench_run(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH_DIR))
    module = importlib.import_module("run")
    monkeypatch.setattr(module, "RESULTS_DIR", tmp_path)
    yield module
    sys.modules.pop("run", None)


def write_steps(module, path: Path, scale: int, steps: list[tuple[str, float, int]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=module.CSV_COLUMNS)
        writer.writeheader()
        for name, wall, code in steps:
            writer.writerow(
                {
                    "scale": scale, "step": name, "wall_s": wall, "cpu_s": wall, "dbt_s": "",
                    "peak_rss_mb": 1000, "events": 1_000_000 * scale, "events_per_s": 0,
                    "exit_code": code, "cores": 2, "memory_gb": 23.5, "cpu": "x",
                    "commit": "abc1234", "date_utc": "2026-11-24 20:00",
                }
            )  # fmt: skip


def summary_row(text: str, scale: int) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {scale} |"))


def test_failed_daily_run_keeps_the_full_build_and_its_ratio(bench_run, tmp_path):
    steps = [("full_build", 200.0, 0), ("baseline_full", 100.0, 0), ("incremental_build", 50.0, 1)]
    write_steps(bench_run, tmp_path / "scale-1.csv", 1, steps)
    row = summary_row(bench_run.write_summary()[1].read_text(), 1)
    assert "| 200.0 s |" in row and "2.0x" in row
    assert "**failed** after 50.0 s" in row


def test_daily_run_completed_by_retry_counts_both_parts(bench_run, tmp_path):
    steps = [
        ("full_build", 200.0, 0),
        ("baseline_full", 100.0, 0),
        ("incremental_build", 50.0, 1),
        ("incremental_build_retry", 30.0, 0),
    ]
    write_steps(bench_run, tmp_path / "scale-1.csv", 1, steps)
    row = summary_row(bench_run.write_summary()[1].read_text(), 1)
    assert "80.0 s" in row and "completed by `dbt retry` in 30.0 s" in row and "40%" in row


def test_failed_full_build_shows_the_failure_only(bench_run, tmp_path):
    write_steps(bench_run, tmp_path / "scale-1.csv", 1, [("full_build", 90.0, 1)])
    row = summary_row(bench_run.write_summary()[1].read_text(), 1)
    assert "**full_build failed** after 90.0 s" in row


def test_a_disk_too_small_for_the_scale_is_refused_up_front(bench_run, tmp_path, monkeypatch):
    monkeypatch.setattr(bench_run, "WORK_DIR", tmp_path / "work")
    usage = bench_run.shutil.disk_usage(tmp_path)
    monkeypatch.setattr(bench_run.shutil, "disk_usage", lambda path: usage._replace(free=int(40e9)))
    problem = bench_run.disk_problem(100, [])
    assert "scale 100 needs about 75 GB of free disk" in problem and "40 GB are free" in problem
    assert bench_run.disk_problem(10, []) is None
    assert bench_run.disk_problem(10, ["postgres"]) is None
    assert "scale 100 needs about 150 GB" in bench_run.disk_problem(100, ["postgres"])
