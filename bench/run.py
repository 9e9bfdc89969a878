"""Scorehouse benchmark: full build, daily incremental run and the speed-of-light baseline.

    .venv/bin/python bench/run.py                 # scale 1 (about 1M events)
    .venv/bin/python bench/run.py --scales 1,10   # 1M and 10M events
    make bench SCALES=1,10

For each scale factor S (1 = about 1M raw event rows; accounts and contacts scale with
it, see `scorehouse generate --scale`):

1. generate the raw files, split off the last day (`scorehouse split`) into `base/` and
   the day's increment;
2. full build: load `base/` into an empty warehouse, `dbt build` as of the day, models
   only (seeds, models, no data or unit tests); then, unless `--no-tests`, the data and
   unit tests of the project (`dbt test`), timed apart;
3. baseline: `bench/baseline.sql` on the same `base/` files as of the same date, then
   the equality check of its output with `marts.lead_scores` (acquisition);
4. incremental run: `load --append` the day, `dbt build` as of the next day (models only);
   the baseline and the check again, on every file, as of that date.

Every step runs as its own process under `/usr/bin/time -v`: wall time and the peak
resident memory (RSS) of the step's process tree come from there. Results go to
`bench/results/` (Markdown and CSV), stamped with the machine's cores and memory.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import peers

from scorehouse import build_state
from scorehouse.dbt import AS_OF_ENV, warehouse_setting

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
BIN = Path(sys.executable).parent
RESULTS_DIR = BENCH_DIR / "results"
WORK_DIR = BENCH_DIR / ".work"

SPLIT_DAY = dt.date(2026, 10, 30)  # the generator's data end on 2026-10-31 (exclusive)
EVENT_TABLES = ["page_views", "email_events", "form_submissions", "product_usage_events"]
ALLOWED_SCALES = {1, 10, 100}
# Free disk a scale needs at its peak, in GB: the split files, the warehouse and DuckDB's
# spill files (measured at 100M: 20 + 28 + 29 GB; the smaller scales in proportion).
DISK_NEEDED_GB = {1: 2, 10: 10, 100: 75}
NO_TESTS = ["--exclude", "resource_type:test", "resource_type:unit_test"]
ROWS_PROCESSED = re.compile(r"rows processed: (\S+) (\d+) of (\d+) rows")


@dataclass
class Step:
    """One measured process."""

    scale: int
    name: str
    wall_s: float
    peak_rss_mb: float
    events: int
    exit_code: int
    cpu_s: float = 0.0
    dbt_s: float | None = None
    notes: str = ""
    rows_processed: list[tuple[str, int, int]] = field(default_factory=list)
    model_times: list[tuple[str, float]] = field(default_factory=list)

    @property
    def top_models(self) -> list[tuple[str, float]]:
        return self.model_times[:8]

    @property
    def events_per_s(self) -> float:
        return self.events / self.wall_s if self.wall_s > 0 else 0.0


def machine() -> dict[str, str]:
    """Cores, memory and CPU of this machine."""
    memory_kb = 0
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cores": str(os.cpu_count()),
        "memory_gb": f"{memory_kb / 1024 / 1024:.1f}",
        "cpu": cpu,
        "python": platform.python_version(),
        "commit": commit,
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "dbt_threads": os.environ.get("SCOREHOUSE_THREADS", "2"),
        "duckdb_memory_limit": os.environ.get("SCOREHOUSE_DUCKDB_MEMORY", "6GB"),
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "nice": str(os.nice(0)),
    }


def measure(command: list[str], log: Path, env: dict[str, str]) -> tuple[float, float, float, int]:
    """Run `command` under `/usr/bin/time -v`; returns wall seconds, CPU seconds (user +
    system), peak RSS in MB and the exit code. Output (and time's report) goes to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    report = log.with_suffix(".time")
    start = time.perf_counter()
    with log.open("w") as out:
        code = subprocess.call(
            ["/usr/bin/time", "-v", "-o", str(report), *command],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    wall = time.perf_counter() - start
    peak_kb, cpu = 0, 0.0
    for line in report.read_text().splitlines():
        if "Maximum resident set size" in line:
            peak_kb = int(line.rsplit(":", 1)[1])
        if "User time (seconds)" in line or "System time (seconds)" in line:
            cpu += float(line.rsplit(":", 1)[1])
    return wall, cpu, peak_kb / 1024, code


def count_rows(path: Path) -> int:
    """Data rows of a CSV file (lines but the header; the generator writes no line breaks
    inside values)."""
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b"")) - 1


def count_events(raw_dir: Path) -> int:
    return sum(count_rows(raw_dir / f"{table}.csv") for table in EVENT_TABLES)


def model_times(run_results: Path) -> list[tuple[str, float]]:
    """Each model of the last dbt invocation (target/run_results.json) and its time, the
    slowest first."""
    if not run_results.exists():
        return []
    results = json.loads(run_results.read_text())["results"]
    times = [
        (r["unique_id"].split(".")[-1], float(r["execution_time"]))
        for r in results
        if r["unique_id"].startswith("model.")
    ]
    return sorted(times, key=lambda t: -t[1])


def statements_line(name: str, times: list[tuple[str, float]], top: int = 8) -> str:
    """Where a dbt step's time goes: the cost every statement pays (the median model,
    on an engine with a cost per statement) against the work of the slowest models."""
    seconds = sorted(t for _, t in times)
    median = seconds[len(seconds) // 2]
    slowest = sum(t for _, t in times[:top])
    return (
        f"- {name}: {len(seconds)} models, {sum(seconds):.1f} s in all; median model "
        f"{median:.2f} s ({len(seconds)} x median = {len(seconds) * median:.1f} s); "
        f"the {top} slowest {slowest:.1f} s"
    )


class Bench:
    def __init__(self, scale: int, tests: bool, keep: bool, peer_engines: list[str]) -> None:
        self.scale = scale
        self.tests = tests
        self.keep = keep
        self.peer_engines = peer_engines
        self.dir = WORK_DIR / f"scale-{scale}"
        self.logs = self.dir / "logs"
        self.db = self.dir / "warehouse.duckdb"
        self.env = {
            **os.environ,
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            # As `scorehouse` passes it (relative to the project): the bench's dbt commands
            # and its `scorehouse` commands then share one profile, and dbt's parse.
            "SCOREHOUSE_DB": warehouse_setting(self.db, PROJECT_DIR),
            "SCOREHOUSE_ENV": "demo",
            "DO_NOT_TRACK": "1",
            "GX_ANALYTICS_ENABLED": "false",
        }
        self.steps: list[Step] = []
        self.checks: list[str] = []
        self.failed = False

    def run(
        self,
        name: str,
        command: list[str],
        events: int,
        dbt: bool = False,
        env: dict[str, str] | None = None,
    ) -> Step:
        log = self.logs / f"{name}.log"
        print(f"[scale {self.scale}] {name}: {' '.join(command)}", flush=True)
        env = {**self.env, **(env or {})}
        run_results = PROJECT_DIR / env.get("DBT_TARGET_PATH", "target") / "run_results.json"
        if dbt and run_results.exists():
            run_results.unlink()
        wall, cpu, rss, code = measure(command, log, env)
        step = Step(self.scale, name, wall, rss, events, code, cpu_s=cpu)
        if dbt:
            text = log.read_text()
            step.rows_processed = [
                (m.group(1), int(m.group(2)), int(m.group(3)))
                for m in ROWS_PROCESSED.finditer(text)
            ]
            step.model_times = model_times(run_results)
            if run_results.exists():
                shutil.copy(run_results, self.logs / f"{name}.run_results.json")
            summary = re.findall(r"Done\. PASS=\d+ WARN=\d+ ERROR=\d+ SKIP=\d+[^\n]*", text)
            step.notes = summary[-1] if summary else ""
            finished = re.findall(r"Finished running .*\(([\d.]+)s\)", text)
            step.dbt_s = float(finished[-1]) if finished else None
        print(
            f"[scale {self.scale}] {name}: {wall:.1f} s, peak RSS {rss:.0f} MB, exit {code}",
            flush=True,
        )
        self.steps.append(step)
        if code != 0:
            raise SystemExit(f"{name} failed (exit {code}); see {log}")
        return step

    def dbt_build(self) -> list[str]:
        return [str(BIN / "dbt"), "build", *NO_TESTS]

    @staticmethod
    def dated(as_of: dt.date) -> dict[str, str]:
        """The scoring date as `scorehouse` passes it to dbt: by environment variable, not
        `--vars`, which would make every new date cost dbt a full parse of the project."""
        return {AS_OF_ENV: as_of.isoformat()}

    def baseline(self, name: str, raw_dirs: list[Path], as_of: dt.date, events: int) -> Path:
        out = self.dir / f"{name}.parquet"
        command = [str(BIN / "python"), str(BENCH_DIR / "baseline.py"), "--out", str(out)]
        command += ["--as-of", as_of.isoformat(), "--loads-from", str(self.db)]
        for raw in raw_dirs:
            command += ["--raw", str(raw)]
        self.run(name, command, events)
        return out

    def check(self, name: str, baseline: Path, as_of: dt.date) -> None:
        command = [str(BIN / "python"), str(BENCH_DIR / "check.py"), "--baseline", str(baseline)]
        command += ["--db", str(self.db), "--as-of", as_of.isoformat()]
        log = self.logs / f"{name}.log"
        code = subprocess.call(
            command, cwd=PROJECT_DIR, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        verdict = log.read_text().strip().splitlines()[-1] if log.exists() else "no output"
        self.checks.append(f"scale {self.scale}, {name}: {verdict}")
        print(f"[scale {self.scale}] {name}: {verdict}", flush=True)
        if code != 0:
            self.failed = True

    def peer(self, engine: str, events: int) -> None:
        """The same full build (models only) on `engine`, from the raw tables of the DuckDB
        warehouse, then every mart compared with DuckDB's (`scorehouse crosscheck`)."""
        sh = str(BIN / "scorehouse")
        with peers.environment(engine, self.dir / engine) as engine_env:
            # dbt's artefacts apart: another target's parse would replace the one the
            # DuckDB steps share, and the next of them would parse the project again.
            env = {**engine_env, "DBT_TARGET_PATH": f"target/bench-{engine}"}
            copy = [sh, "copy-raw", "--to", engine, "--db", str(self.db)]
            self.run(f"copy_raw_{engine}", copy, events, env=env)
            full = self.dbt_build()
            self.run(
                f"full_build_{engine}", full, events, dbt=True, env={**env, **self.dated(SPLIT_DAY)}
            )
            command = [sh, "crosscheck", "--with", engine, "--db", str(self.db)]
            log = self.logs / f"crosscheck_{engine}.log"
            with log.open("w") as out:
                code = subprocess.call(
                    command,
                    cwd=PROJECT_DIR,
                    env={**self.env, **env},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            lines = log.read_text().strip().splitlines()
            verdict = ("equal: " if code == 0 else "DIFFERENT: ") + (lines[-1] if lines else "")
            self.checks.append(f"scale {self.scale}, {engine} marts against DuckDB's: {verdict}")
            print(f"[scale {self.scale}] crosscheck {engine}: {verdict}", flush=True)
            if code != 0:
                self.failed = True

    def edit_loop(self, as_of: dt.date, events: int) -> None:
        """The rule-edit loop of marketing ops, twice: one rule's points changed
        (`pricing_page`, 15 -> 40), `scorehouse validate`, and the warehouse brought up to
        date with `scorehouse build --changed` (what the edit reaches, with its tests);
        then the edit undone the same way. The marts must then be what they were before.
        Each `validate` and `build --changed` reuses dbt's parse of the project, as they do
        for a user who runs the loop again and again."""
        sh = str(BIN / "scorehouse")
        # The incremental build above built every model as of `as_of`, in `self.env`:
        # record it, as `scorehouse build` records its own builds.
        build_state.record(self.db, as_of.isoformat(), [], env=self.env)
        before = marts_digest(self.db)
        rules = PROJECT_DIR / "seeds" / "scoring" / "scoring_rules.csv"
        original = rules.read_text()
        edited = original.replace(",/pricing,,,15,exponential,", ",/pricing,,,40,exponential,", 1)
        if edited == original:
            raise SystemExit(
                "edit loop: pricing_page (15 points, exponential) not in scoring_rules.csv"
            )
        validate = [sh, "validate", "--db", str(self.db)]
        build = [sh, "build", "--as-of", as_of.isoformat(), "--changed"]
        try:
            rules.write_text(edited)
            self.run("edit_validate", validate, events)
            self.run("edit_build", build, events, dbt=True)
        finally:
            rules.write_text(original)
        self.run("undo_validate", validate, events)
        self.run("undo_build", build, events, dbt=True)
        after = marts_digest(self.db)
        verdict = (
            f"EQUAL: {len(after)} marts as before the edit"
            if after == before
            else "DIFFERENT: " + ", ".join(t for t in sorted(after) if after[t] != before.get(t))
        )
        self.checks.append(f"scale {self.scale}, check_edit_undone: {verdict}")
        print(f"[scale {self.scale}] check_edit_undone: {verdict}", flush=True)
        if after != before:
            self.failed = True

    def resume(self) -> bool:
        """With --resume: keep the generated, split and loaded data of an interrupted run
        of this scale, and its measured steps up to the load, so that only the rest runs."""
        previous = RESULTS_DIR / f"scale-{self.scale}.csv"
        if not (self.db.exists() and (self.dir / "split").is_dir() and previous.exists()):
            raise SystemExit(f"--resume: no interrupted run of scale {self.scale} to resume")
        with previous.open(newline="") as handle:
            for row in csv.DictReader(handle):
                if row["step"] in ("generate", "split", "load_base"):
                    self.steps.append(
                        Step(
                            self.scale,
                            row["step"],
                            float(row["wall_s"]),
                            float(row["peak_rss_mb"]),
                            int(row["events"]),
                            int(row["exit_code"]),
                            cpu_s=float(row["cpu_s"]),
                            notes=f"from the run of {row['date_utc']} (resumed)",
                        )
                    )
        return True

    def execute(self, resume: bool = False) -> None:
        sh = str(BIN / "scorehouse")
        data, split = self.dir / "data", self.dir / "split"
        if not (resume and self.resume()):
            if self.dir.exists():
                shutil.rmtree(self.dir)
            self.logs.mkdir(parents=True)
            generate = [sh, "generate", "--out", str(data), "--scale", str(self.scale)]
            self.run("generate", generate, 0)
            self.run(
                "split",
                [sh, "split", "--input-dir", str(data / "raw"), "--out", str(split)]
                + ["--first-day", SPLIT_DAY.isoformat(), "--days", "1"],
                0,
            )
            if not self.keep:
                # Everything below reads the split files: the generated ones are not
                # needed, and at 100M events they take about 20 GB.
                shutil.rmtree(data / "raw")
        base, day = split / "base", split / SPLIT_DAY.isoformat()
        base_events, day_events = count_events(base), count_events(day)
        next_day = SPLIT_DAY + dt.timedelta(days=1)

        # Full build from an empty warehouse (resumed: from the loaded raw tables, every
        # model rebuilt with --full-refresh).
        if not resume:
            self.run("load_base", [sh, "load", "--input-dir", str(base)], base_events)
        build = self.dbt_build() + (["--full-refresh"] if resume else [])
        self.run("full_build", build, base_events, dbt=True, env=self.dated(SPLIT_DAY))
        if self.tests:
            test = [str(BIN / "dbt"), "test"]
            self.run("tests", test, base_events, dbt=True, env=self.dated(SPLIT_DAY))
        out = self.baseline("baseline_full", [base], SPLIT_DAY, base_events)
        self.check("check_full", out, SPLIT_DAY)
        for engine in self.peer_engines:
            self.peer(engine, base_events)

        # The daily run: one new day of events.
        self.run("load_day", [sh, "load", "--append", "--input-dir", str(day)], day_events)
        self.run(
            "incremental_build", self.dbt_build(), day_events, dbt=True, env=self.dated(next_day)
        )
        out = self.baseline("baseline_after_day", [base, day], next_day, base_events + day_events)
        self.check("check_after_day", out, next_day)
        self.edit_loop(next_day, base_events + day_events)
        if not self.keep:
            shutil.rmtree(data)
            shutil.rmtree(split)


def marts_digest(db: Path) -> dict[str, str]:
    """Each mart's rows, sorted, as one md5: two warehouses with the same digests hold the
    same marts."""
    import hashlib

    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
        digests = {}
        for (table,) in tables:
            rows = sorted(
                repr(row) for row in con.execute(f'select * from marts."{table}"').fetchall()
            )
            digests[table] = hashlib.md5("\n".join(rows).encode()).hexdigest()
        return digests
    finally:
        con.close()


def fmt(seconds: float) -> str:
    return f"{seconds:,.1f}"


CSV_COLUMNS = ["scale", "step", "wall_s", "cpu_s", "dbt_s", "peak_rss_mb", "events"] + [
    "events_per_s",
    "exit_code",
    "cores",
    "memory_gb",
    "cpu",
    "commit",
    "date_utc",
]


def write_scale(bench: Bench, stamp: dict[str, str]) -> None:
    """`results/scale-<S>.csv` and `.md`: every step of this scale's latest run."""
    RESULTS_DIR.mkdir(exist_ok=True)
    with (RESULTS_DIR / f"scale-{bench.scale}.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for s in bench.steps:
            writer.writerow(
                [s.scale, s.name, f"{s.wall_s:.2f}", f"{s.cpu_s:.2f}"]
                + ["" if s.dbt_s is None else f"{s.dbt_s:.2f}"]
                + [f"{s.peak_rss_mb:.0f}", s.events]
                + [f"{s.events_per_s:.0f}", s.exit_code]
                + [stamp["cores"], stamp["memory_gb"], stamp["cpu"], stamp["commit"]]
                + [stamp["date_utc"]]
            )
    lines = [
        f"# Benchmark, scale {bench.scale}",
        "",
        f"Machine: {stamp['cores']} cores, {stamp['memory_gb']} GB memory, {stamp['cpu']}; "
        f"Python {stamp['python']}; dbt threads {stamp['dbt_threads']}, DuckDB memory limit "
        f"{stamp['duckdb_memory_limit']}. Commit {stamp['commit']}, run {stamp['date_utc']} UTC "
        f"at nice {stamp['nice']}, load average {stamp['load_average']} at the start.",
        "",
        "| step | wall | CPU (user+sys) | dbt's own run | peak RSS | events | events/s | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in bench.steps:
        lines.append(
            f"| {s.name} | {fmt(s.wall_s)} s | {fmt(s.cpu_s)} s | "
            + ("" if s.dbt_s is None else f"{fmt(s.dbt_s)} s")
            + f" | {s.peak_rss_mb:,.0f} MB | {s.events:,} | {s.events_per_s:,.0f} | {s.notes} |"
        )
    lines += ["", "## Checks", ""]
    lines += [f"- {c}" for c in bench.checks]
    lines += ["", "## Slowest models (dbt `run_results.json` execution time)", ""]
    for s in bench.steps:
        if s.top_models and s.name != "tests":
            top = ", ".join(f"`{m}` {t:.1f} s" for m, t in s.top_models)
            lines.append(f"- {s.name}: {top}")
    lines += [
        "",
        "## Statements: what each model pays, against the work of the slowest",
        "",
    ]
    lines += [statements_line(s.name, s.model_times) for s in bench.steps if s.model_times]
    lines += ["", "## Rows processed (incremental models, from the dbt log)", ""]
    for s in bench.steps:
        for model, n, m in s.rows_processed:
            lines.append(f"- {s.name}: `{model}` {n:,} of {m:,} rows")
    (RESULTS_DIR / f"scale-{bench.scale}.md").write_text("\n".join(lines) + "\n")


def _daily_cells(scale: int, incr: dict | None, retry: dict | None, full_s: float) -> str:
    """The daily run's two cells of a summary row: its time (new events), and daily/full."""
    if incr and incr["exit_code"] != "0" and retry and retry["exit_code"] == "0":
        # Failed, then completed by `dbt retry` (the failed and skipped models):
        # the two runs together are an upper bound of one daily run.
        daily_s = float(incr["wall_s"]) + float(retry["wall_s"])
        return (
            f" | {fmt(daily_s)} s ({int(incr['events']):,}): failed after "
            f"{fmt(float(incr['wall_s']))} s, completed by `dbt retry` in "
            f"{fmt(float(retry['wall_s']))} s | {daily_s / full_s:.0%}"
        )
    if incr and incr["exit_code"] != "0":
        return f" | **failed** after {fmt(float(incr['wall_s']))} s: see `scale-{scale}.md` | "
    if incr:
        return (
            f" | {fmt(float(incr['wall_s']))} s ({int(incr['events']):,}) | "
            f"{float(incr['wall_s']) / full_s:.0%}"
        )
    return " | not run | "


def write_summary() -> tuple[Path, Path]:
    """`results/results.csv` (every scale's steps) and `results.md` (the ratios, the
    peers and the growth curve), from the latest run of each scale."""
    rows = []
    for path in sorted(RESULTS_DIR.glob("scale-*.csv"), key=lambda p: int(p.stem.split("-")[1])):
        with path.open(newline="") as handle:
            rows += list(csv.DictReader(handle))
    csv_path, md_path = RESULTS_DIR / "results.csv", RESULTS_DIR / "results.md"
    with csv_path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    by_scale: dict[int, dict[str, dict]] = {}
    for row in rows:
        by_scale.setdefault(int(row["scale"]), {})[row["step"]] = row
    lines = [
        "# Benchmark results",
        "",
        "The latest run of each scale (`bench/run.py --scales S`); each scale's steps, checks,",
        "slowest models and rows processed are in `scale-<S>.md`. Wall times are seconds on",
        "the machine named there; CPU is user + system seconds of the step's processes.",
        "",
        "| scale | events | full build (models) | + tests | daily run (new events) "
        "| daily / full | baseline | full / baseline (wall) | (CPU) "
        "| peak RSS full / daily / baseline | commit, date |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    curve = []
    for scale, steps in sorted(by_scale.items()):
        # A failed step hides what comes after it, not what came before: a daily run
        # that failed still leaves the full build, the baseline and their ratio.
        failed = [row for row in steps.values() if row["exit_code"] != "0"]
        if failed and not {"full_build", "baseline_full"} <= steps.keys() - {failed[0]["step"]}:
            row = failed[0]
            lines.append(
                f"| {scale} | {int(row['events']):,} | **{row['step']} failed** after "
                f"{fmt(float(row['wall_s']))} s (exit {row['exit_code']}, peak RSS "
                f"{float(row['peak_rss_mb']):,.0f} MB): see `scale-{scale}.md` "
                f"| | | | | | | | | {row['commit']}, {row['date_utc']} |"
            )
            continue
        if not {"full_build", "baseline_full"} <= steps.keys():
            continue
        full, base = steps["full_build"], steps["baseline_full"]
        incr, tests = steps.get("incremental_build"), steps.get("tests")
        retry = steps.get("incremental_build_retry")
        full_s, base_s = float(full["wall_s"]), float(base["wall_s"])
        curve.append((scale, int(full["events"]), full_s, float(base["wall_s"])))
        daily = _daily_cells(scale, incr, retry, full_s)
        daily_rss = None
        if incr:
            daily_rss = max(float(incr["peak_rss_mb"]), float(retry["peak_rss_mb"]) if retry else 0)
        lines.append(
            f"| {scale} | {int(full['events']):,} | {fmt(full_s)} s | "
            + (f"{fmt(full_s + float(tests['wall_s']))} s" if tests else "not run")
            + daily
            + f" | {fmt(base_s)} s | {full_s / base_s:.1f}x"
            + f" | {float(full['cpu_s']) / max(float(base['cpu_s']), 0.01):.1f}x"
            + f" | {float(full['peak_rss_mb']):,.0f} / "
            + (f"{daily_rss:,.0f}" if daily_rss is not None else "-")
            + f" / {float(base['peak_rss_mb']):,.0f} MB | {full['commit']}, {full['date_utc']} |"
        )
    peer_lines = []
    for scale, steps in sorted(by_scale.items()):
        for engine in peers.PEERS:
            build = steps.get(f"full_build_{engine}")
            if build and "full_build" in steps:
                duck = float(steps["full_build"]["wall_s"])
                copy = steps.get(f"copy_raw_{engine}")
                peer_lines.append(
                    f"| {scale} | {engine} | {fmt(float(build['wall_s']))} s | "
                    f"{fmt(duck)} s | {float(build['wall_s']) / duck:.1f}x | "
                    + (f"{fmt(float(copy['wall_s']))} s" if copy else "")
                    + " |"
                )
    if peer_lines:
        lines += [
            "",
            "## Peers: the same full build (models only) on the engines a user would pick instead",
            "",
            "Wall time only: the engine's own processes (the PostgreSQL server, Spark's JVM) are",
            "not all under `/usr/bin/time`, so their CPU and memory are not comparable.",
            "",
            "| scale | engine | full build | DuckDB full build | ratio to DuckDB "
            "| raw copy from DuckDB |",
            "|---|---|---|---|---|---|",
            *peer_lines,
        ]
    if len(curve) > 1:
        lines += [
            "",
            "## Growth: how the full build's time grows with the events",
            "",
            "The exponent k in time ~ events^k between consecutive scales: 1 is linear growth,",
            "under 1 means fixed costs (dbt start-up, seeds, small models) still weigh.",
            "",
            "| scale | events | full build | s per million events "
            "| k (full build) | k (baseline) |",
            "|---|---|---|---|---|---|",
        ]
        previous = None
        for scale, events, full_s, base_s in curve:
            k_full = k_base = ""
            if previous:
                grow = math.log(events / previous[1])
                k_full = f"{math.log(full_s / previous[2]) / grow:.2f}"
                k_base = f"{math.log(base_s / previous[3]) / grow:.2f}"
            lines.append(
                f"| {scale} | {events:,} | {fmt(full_s)} s | {full_s / events * 1e6:.1f} | "
                f"{k_full} | {k_base} |"
            )
            previous = (scale, events, full_s, base_s)
    md_path.write_text("\n".join(lines) + "\n")
    return csv_path, md_path


def disk_problem(scale: int, peer_engines: list[str]) -> str | None:
    """Why the largest scale cannot run on this disk, or None: without the room to
    spill, DuckDB fails late with `No space left on device`."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    # A peer engine holds its own copy of the raw data and of every table: as much again.
    needed = DISK_NEEDED_GB[scale] * (2 if peer_engines else 1)
    free = shutil.disk_usage(WORK_DIR).free / 1e9
    if free >= needed:
        return None
    peers_part = ", and the peers' own copies" if peer_engines else ""
    return (
        f"scale {scale} needs about {needed} GB of free disk under {WORK_DIR} (split files, "
        f"warehouse and DuckDB spill files{peers_part}); {free:.0f} GB are free. "
        "Free some, or pass --no-disk-check to try anyway."
    )


def parse_scales(text: str) -> list[int]:
    scales = [int(s) for s in text.split(",") if s.strip()]
    unknown = [s for s in scales if s not in ALLOWED_SCALES]
    if unknown or not scales:
        raise argparse.ArgumentTypeError(f"scales must be among {sorted(ALLOWED_SCALES)}")
    return scales


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scales",
        type=parse_scales,
        default=[1],
        help="comma-separated scale factors among 1, 10, 100 (about 1M, 10M, 100M events)",
    )
    parser.add_argument("--no-tests", action="store_true", help="skip the timed `dbt test`")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="resume an interrupted run after its load (keeps its data and first steps)",
    )
    parser.add_argument(
        "--no-disk-check",
        action="store_true",
        help="start even if the disk looks too small for the largest scale",
    )
    parser.add_argument(
        "--peers",
        type=lambda text: [e for e in text.split(",") if e],
        default=[],
        help="also build on these engines after the DuckDB full build: postgres, spark",
    )
    args = parser.parse_args(argv)
    unknown = [e for e in args.peers if e not in peers.PEERS]
    if unknown:
        expected = ", ".join(peers.PEERS)
        parser.error(f"unknown peer engine(s) {', '.join(unknown)}; expected {expected}")
    if not (args.no_disk_check or args.resume):
        problem = disk_problem(max(args.scales), args.peers)
        if problem:
            parser.exit(2, f"{problem}\n")
    stamp = machine()
    failed = False
    for scale in args.scales:
        bench = Bench(scale, tests=not args.no_tests, keep=args.keep, peer_engines=args.peers)
        try:
            bench.execute(resume=args.resume)
        finally:
            if bench.steps:
                write_scale(bench, stamp)
                write_summary()
        failed = failed or bench.failed
    csv_path, md_path = write_summary()
    print(f"results: {md_path} and {csv_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
