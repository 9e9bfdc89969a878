"""The independent Python reference (scorehouse.devtools.reference) against the dbt marts.

One small generated dataset is built once for the module; the reference scores the same
raw files with the same seeds, and every acquisition score must agree to 1e-9, grades and
statuses exactly. A second build with a drifted decay macro proves the gate can fail.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from scorehouse.devtools.reference import load_config, reference_scores, stage_all
from scorehouse.devtools.reference.compare import compare, read_marts
from scorehouse.devtools.reference.parsing import parse_timestamp, round_points
from scorehouse.devtools.reference.scoring import (
    RulePoints,
    age_in_whole_days,
    cap_dimension,
    decay_factor,
    exponential_decay,
    grade_for,
    linear_decay,
    match_rule,
    step_decay,
)
from tests_py.conftest import NO_DATA_TESTS, copy_project

AS_OF = dt.date(2026, 11, 1)
LOADED_AT = "2026-11-02 06:00:00"
STAGED_TABLES = [
    "accounts",
    "contacts",
    "opportunities",
    "invoices",
    "page_views",
    "email_events",
    "form_submissions",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory, generated_raw):
    """The project built once on the small generated dataset (data tests excluded: the
    other tests run them)."""
    project = copy_project(tmp_path_factory.mktemp("reference") / "project")
    project.load(generated_raw, loaded_at=LOADED_AT)
    project.dbt("build", *NO_DATA_TESTS)
    return project


@pytest.fixture(scope="module")
def reference(generated_raw, built):
    return reference_scores(
        generated_raw,
        AS_OF,
        dt.datetime.fromisoformat(LOADED_AT),
        project_dir=built.path,
    )


def assert_agrees(reference_result, db: Path) -> None:
    comparison = compare(reference_result, read_marts(db))
    assert comparison.ok, "\n" + comparison.report()


def test_reference_matches_the_marts(built, reference):
    assert len(reference.lead_scores) > 100
    # The dataset exercises every part of the method, so agreement means something.
    assert reference.lead_scores["engagement_score"].gt(0).sum() > 50
    assert reference.lead_scores["is_mql"].any()
    assert reference.breakdown["capped_points"].lt(0).any()
    assert set(reference.lead_scores["fit_grade"]) >= {"A", "B", "C", "D"}
    assert_agrees(reference, built.db)


def test_reference_staging_matches_staging_row_counts(generated_raw, built):
    config = load_config(built.path)
    staged = stage_all(generated_raw, config.vars, dt.datetime.fromisoformat(LOADED_AT))
    expected = {
        (table, outcome): count
        for table, outcome, count in built.query(
            "select source_table, row_outcome, row_count from marts.staging_row_counts"
        )
        if table in STAGED_TABLES
    }
    mine = staged.quarantine_counts()
    for table in STAGED_TABLES:
        mine[(table, "staged")] = len(getattr(staged, table).rows)
    assert mine == expected


def test_reference_catches_sql_drift(tmp_path, built, reference):
    """Drift the SQL side only: exponential decay a tenth of a day older than the
    documented method. The comparison must fail, readably."""
    drifted = copy_project(tmp_path / "drifted")
    shutil.copy(built.db, drifted.db)
    macro = drifted.path / "macros" / "scoring" / "decay_exponential.sql"
    text = macro.read_text()
    original = "power(0.5, cast({{ age_days }} as {{ type_double() }}) / {{ half_life_days }})"
    assert original in text
    macro.write_text(
        text.replace(
            original,
            "power(0.5, (cast({{ age_days }} as {{ type_double() }}) + 0.1)"
            " / {{ half_life_days }})",
        )
    )
    drifted.dbt("run", "--select", "int_rule_points_decayed+")

    with pytest.raises(AssertionError) as failure:
        assert_agrees(reference, drifted.db)
    message = str(failure.value)
    assert "reference and marts disagree" in message
    assert "engagement_score" in message
    assert "per-rule points of CON-" in message
    # The fit dimension does not decay: it still agrees.
    fit_only = compare(
        reference,
        read_marts(drifted.db),
        score_columns=["fit_score"],
        exact_columns=["fit_grade"],
        breakdown_dimensions=["fit"],
    )
    assert fit_only.ok, fit_only.report()


# Pure functions of the reference, at their boundaries.


def test_exponential_decay_boundaries():
    assert exponential_decay(0, 14) == 1.0
    assert exponential_decay(14, 14) == 0.5
    assert exponential_decay(28, 14) == 0.25
    assert decay_factor("exponential", 30, 30) == 0.5


def test_linear_decay_boundaries():
    assert linear_decay(0, 90) == 1.0
    assert linear_decay(45, 90) == 0.5
    assert linear_decay(90, 90) == 0.0
    assert linear_decay(120, 90) == 0.0
    assert math.isclose(decay_factor("linear", 3, 90) * 9, 8.7)


def test_step_decay_windows_are_min_inclusive_max_exclusive():
    windows = load_config().step_windows
    standard = windows[windows["window_set"] == "standard"]
    assert step_decay(0, standard) == 1.0
    assert step_decay(6, standard) == 1.0
    assert step_decay(7, standard) == 0.75
    assert step_decay(14, standard) == 0.5
    assert step_decay(29, standard) == 0.5
    assert step_decay(30, standard) == 0.0
    assert step_decay(400, standard) == 0.0
    assert step_decay(3, standard.iloc[1:]) == 0.0  # no window holds the age


def test_negative_age_and_no_decay():
    assert decay_factor("exponential", -1, 14) == 0.0
    assert decay_factor("none", 0) == 1.0
    assert decay_factor("none", 1000) == 1.0
    with pytest.raises(ValueError, match="quadratic"):
        decay_factor("quadratic", 1)


def test_ages_are_whole_days_from_the_utc_date():
    assert age_in_whole_days(dt.datetime(2026, 10, 31, 23, 59, 59), AS_OF) == 1
    assert age_in_whole_days(dt.datetime(2026, 10, 31, 0, 0, 0), AS_OF) == 1
    assert age_in_whole_days(dt.datetime(2026, 10, 30, 23, 59, 59), AS_OF) == 2
    # An offset is honoured before the date is taken: 01:30+02:00 is the day before.
    parsed = parse_timestamp(pd.Series(["2026-10-31T01:30:00+02:00"])).iloc[0]
    assert parsed == pd.Timestamp("2026-10-30 23:30:00")
    assert age_in_whole_days(parsed.to_pydatetime(), AS_OF) == 2


def test_grades_on_band_edges():
    bands = load_config().grade_bands
    fit = bands[(bands["model_id"] == "acquisition") & (bands["dimension"] == "fit")]
    engagement = bands[(bands["model_id"] == "acquisition") & (bands["dimension"] == "engagement")]
    assert grade_for(75.0, fit) == "A"
    assert grade_for(74.999999, fit) == "B"
    assert grade_for(50.0, fit) == "B"
    assert grade_for(25.0, fit) == "C"
    assert grade_for(0.0, fit) == "D"
    assert grade_for(100.0, fit) == "A"
    assert grade_for(40.0, engagement) == "1"
    assert grade_for(8.0, engagement) == "3"
    assert grade_for(7.999999, engagement) == "4"


def test_rounding_is_half_away_from_zero():
    assert round_points(2.5e-6, 6) == 3e-6
    assert round_points(-2.5e-6, 6) == -3e-6
    assert round_points(1.0000004, 6) == 1.0
    assert math.copysign(1.0, round_points(-1e-9, 6)) == 1.0  # no negative zero


def test_caps_and_floor_keep_parts_adding_up():
    """The hand-checked numbers of the dbt unit test `caps_and_floor_keep_parts_adding_up`."""
    rules = [
        RulePoints("visits", "web", decayed=30.0, rule_cap=20.0),
        RulePoints("pricing", "web", decayed=40.0, rule_cap=math.nan),
        RulePoints("unsubscribe", "email", decayed=-80.0, rule_cap=100.0),
    ]
    cap_dimension(rules, {"web": 50.0, "email": 50.0}, decimals=6)
    assert [r.capped for r in rules] == [16.666667, 33.333333, -50.0]
    assert sum(r.capped for r in rules) == 0.0

    fit = [
        RulePoints("size_ok", "size", decayed=60.0, rule_cap=math.nan),
        RulePoints("free_mail", "role", decayed=-5.0, rule_cap=math.nan),
    ]
    cap_dimension(fit, {"size": 60.0, "role": 40.0}, decimals=6)
    assert [r.capped for r in fit] == [60.0, -5.0]


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("equals", "TRADE show", ["Trade Show", " trade show "]),
        ("equals_exact", "Trade Show", ["Trade Show"]),
        ("in", "partner | trade show", ["Trade Show", " trade show "]),
        ("in_exact", "Partner|Trade Show", ["Trade Show"]),
        ("contains", "SHOW", ["Trade Show", " trade show "]),
        ("contains_exact", "Show", ["Trade Show"]),
    ],
)
def test_the_reference_matches_text_as_the_sql_does(operator, value, expected):
    signals = pd.DataFrame(
        {
            "signal": ["contact.lead_source"] * 3,
            "signal_text": ["Trade Show", " trade show ", "web"],
            "signal_number": [math.nan] * 3,
        }
    )
    rule = SimpleNamespace(signal="contact.lead_source", match_operator=operator, match_value=value)
    assert list(match_rule(rule, signals)["signal_text"]) == expected
