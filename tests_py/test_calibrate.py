"""`scorehouse calibrate` and `scorehouse adopt`: points learned from outcomes, grade bands
chosen from data, no outcome after the as-of date read, and nothing lost on adoption."""

from __future__ import annotations

import csv

import duckdb
import numpy as np
import pandas as pd
import pytest

from scorehouse import calibrate as cal
from scorehouse.errors import ScorehouseError
from tests_py.conftest import NO_DATA_TESTS, copy_project, write_raw

SETTINGS = cal.Settings(
    dates=4,
    min_support=5,
    min_conversions=2,
    conversions_per_rule=5,
    max_values=3,
    numeric_bins=4,
    half_life_days=30,
    top_share_min=0.15,
    top_share_max=0.35,
    regularisation=(0.1, 1.0),
    horizon_days=90,
    spacing_days=30,
)


# --- grade bands from data --------------------------------------------------------------


def test_bands_fall_in_conversion_and_a_score_on_an_edge_is_in_the_upper_band():
    # Four score levels, 40 / 30 / 20 / 10 % of the entities, converting less the lower.
    scores = np.array([10.0] * 40 + [20.0] * 30 + [30.0] * 20 + [40.0] * 10)
    y = np.array([0] * 38 + [1] * 2 + [0] * 27 + [1] * 3 + [0] * 16 + [1] * 4 + [0] * 6 + [1] * 4)
    bands, note = cal.suggest_bands(scores, y, ["A", "B", "C", "D"], SETTINGS)
    # The best band must hold 15-35 %: scores of 30 and up (30 %); 30 itself is in A.
    assert bands == [("A", 30.0, None), ("B", 20.0, 30.0), ("C", 10.0, 20.0), ("D", None, 10.0)]
    assert "chosen" in note


def test_no_bands_when_conversion_cannot_fall_from_best_to_worst():
    scores = np.repeat([10.0, 20.0, 30.0, 40.0], 25)
    # Conversion rises as the score falls (80, 40, 0, 0 %): no edges can order it.
    y = np.concatenate([np.ones(20), np.zeros(5), np.ones(10), np.zeros(15), np.zeros(50)])
    y = y.astype(int)
    bands, note = cal.suggest_bands(scores, y, ["1", "2", "3", "4"], SETTINGS)
    assert bands == []
    assert "falling conversion" in note


def test_no_bands_without_a_conversion():
    bands, note = cal.suggest_bands(
        np.arange(100.0), np.zeros(100, dtype=int), list("ABCD"), SETTINGS
    )
    assert bands == [] and "no conversion" in note


# --- the fit ----------------------------------------------------------------------------


def _training(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 3000
    good = (rng.random(n) < 0.3).astype(float)
    noise = (rng.random(n) < 0.5).astype(float)
    visits = rng.poisson(1.0, n).astype(float)
    rare = np.zeros(n)
    rare[:3] = 1.0
    logit = -3.0 + 2.0 * good + 0.4 * visits
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    dates = np.repeat(["2026-01-01", "2026-02-01", "2026-03-01"], n // 3)
    return pd.DataFrame(
        {"as_of_date": dates, "is_converted": y, "good": good, "noise": noise, "visits": visits}
        | {"rare": rare}
    )


RULES = {
    "good": {"dimension": "fit", "category_id": "who"},
    "noise": {"dimension": "fit", "category_id": "what"},
    "rare": {"dimension": "fit", "category_id": "what"},
    "visits": {"dimension": "engagement", "category_id": "web"},
}
WEIGHTS = {"fit": 50.0, "engagement": 50.0}
CATEGORY_WEIGHTS = {("fit", "who"): 60.0, ("fit", "what"): 40.0, ("engagement", "web"): 100.0}


def test_points_follow_the_outcome_within_the_weights_and_are_deterministic():
    frame, columns = _training(), ["good", "noise", "rare", "visits"]
    points, caps, support, c = cal.fit_points(
        frame, columns, RULES, {}, WEIGHTS, CATEGORY_WEIGHTS, SETTINGS, seed=0
    )
    assert points["good"] > abs(points["noise"])
    assert points["visits"] > 0
    # A rule with fewer matches than calibration_min_support learns nothing.
    assert support["rare"] == (3, support["rare"][1]) and points["rare"] == 0
    # The category `who` (60 % of fit) holds `good` alone: its points stay within it.
    assert 0 < points["good"] <= 60
    assert c in SETTINGS.regularisation
    # Visits are capped at the 95th percentile of their matches, in points.
    assert caps["visits"] >= points["visits"]
    again = cal.fit_points(frame, columns, RULES, {}, WEIGHTS, CATEGORY_WEIGHTS, SETTINGS, seed=0)
    assert again[0] == points


def test_nothing_to_learn_is_refused_with_the_reason():
    frame = _training().assign(is_converted=0)
    with pytest.raises(ScorehouseError, match="not enough to learn"):
        cal.fit_points(frame, ["good"], RULES, {}, WEIGHTS, CATEGORY_WEIGHTS, SETTINGS, seed=0)


def test_a_model_without_an_outcome_or_unknown_is_refused(tmp_path):
    project = copy_project(tmp_path / "project")
    project.db.write_bytes(b"")
    for models, message in ((["adoption"], "only models with an outcome"), (["nope"], "nope")):
        with pytest.raises(ScorehouseError, match=message):
            cal.calibrate(models, db=project.db, as_of=None, name="x", project_dir=project.path)
    with pytest.raises(ScorehouseError, match="--name"):
        cal.calibrate(["all"], db=project.db, as_of=None, name="Bad name", project_dir=project.path)
    project.db.unlink()
    project.load(write_raw(tmp_path / "raw", {}))
    with pytest.raises(ScorehouseError, match="has not been built"):
        cal.calibrate(["all"], db=project.db, as_of=None, name="x", project_dir=project.path)


# --- calibrate on a real build, and no leakage ------------------------------------------

AS_OF = "2026-10-01"


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory, generated_raw):
    """A project built on the small generated data as of AS_OF as far as calibration reads
    it (what its backtests and probes need: calibrate.BACKTESTS), calibrated
    (acquisition), the candidate written into its seeds."""
    project = copy_project(tmp_path_factory.mktemp("calibrate") / "project")
    project.edit_seed(
        "../dbt_project.yml", "scorehouse_calibration_dates: 6", "scorehouse_calibration_dates: 5"
    )
    project.edit_seed(
        "../dbt_project.yml",
        "scorehouse_calibration_min_support: 30",
        "scorehouse_calibration_min_support: 10",
    )
    project.load(generated_raw)
    # A custom field and an activity type of the user's own, for calibration to try.
    contacts = [
        row[0]
        for row in project.query(
            "select contact_id from raw.contacts where contact_id like 'CON-%' order by contact_id "
            "limit 120"
        )
    ]
    fields = [
        {
            "record_type": "contact",
            "record_id": c,
            "field_name": "lead_source",
            "field_value": "referral" if i % 2 else "webinar",
            "observed_at": "",
        }
        for i, c in enumerate(contacts)
    ]
    calls = [
        {
            "activity_id": f"ACT-{i}",
            "contact_id": c,
            "email": "",
            "activity_type": "Call",
            "occurred_at": "2026-02-10 10:00:00",
        }
        for i, c in enumerate(contacts[:60])
    ]
    project.load(
        write_raw(project.path / "own", {"record_fields": fields, "activities": calls}),
        append=True,
    )
    project.dbt("build", "--select", cal.BACKTESTS, *NO_DATA_TESTS, as_of=AS_OF)
    report = project.path / "report.md"
    results, _ = cal.calibrate(
        ["acquisition"],
        db=project.db,
        as_of=AS_OF,
        name="learned",
        project_dir=project.path,
        report=report,
    )
    return project, results, report


def _rows(path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_calibrate_writes_a_candidate_whose_descriptions_state_their_points(calibrated):
    project, results, report = calibrated
    rows = [
        r
        for r in _rows(project.path / "seeds/scoring/scoring_rules_candidates.csv")
        if r["rule_set"] == "learned"
    ]
    current = [
        r
        for r in _rows(project.path / "seeds/scoring/scoring_rules.csv")
        if r["model_id"] == "acquisition"
    ]
    # Every current rule is in the candidate (0 points: dropped), and it may add rules.
    assert {r["rule_id"] for r in current} <= {r["rule_id"] for r in rows}
    for row in rows:
        points = float(row["points"])
        stated = "no longer scores" if points == 0 else f"calibrated {points:g} points"
        assert row["description"].endswith(stated) or stated in row["description"], row
    # The other candidate rule sets are kept.
    assert any(
        r["rule_set"] == "pricing_focus"
        for r in _rows(project.path / "seeds/scoring/scoring_rules_candidates.csv")
    )
    text = report.read_text()
    for part in (
        "## acquisition",
        "| current |",
        "| learned |",
        "out of time",
        "Volume effect",
        "Points, rule by rule",
    ):
        assert part in text
    result = results[0]
    assert result.test_date > max(result.train_dates)
    assert result.auc["learned"]["in_time"] is not None


def test_new_rules_are_tried_for_custom_field_values_and_activity_types(calibrated):
    project, _, _ = calibrated
    settings = cal.Settings.from_project(project.path)
    with duckdb.connect(str(project.db), read_only=True) as con:
        probes = cal.probe_rules(
            "acquisition", cal.Config.from_project(project.path), con, settings
        )
    tried = {
        (p["signal"], p["match_operator"], p["match_value"]) for p in probes if p.get("is_new")
    }
    assert ("contact.lead_source", "equals", "referral") in tried
    assert ("contact.lead_source", "equals", "webinar") in tried
    assert any(s.startswith("activity.") and op == "any" for s, op, _ in tried), tried
    # A number becomes steps ("at least"), each with a minimum and no maximum.
    steps = [p for p in probes if p.get("is_new") and p["signal"] == "employee_count"]
    assert steps and all(p["min_value"] is not None and p["max_value"] is None for p in steps)


@pytest.fixture(scope="module")
def rebuilt(calibrated, tmp_path_factory):
    """The calibrated project after wins that close after AS_OF are loaded, then built
    (every model, as of AS_OF) with the candidate as the what-if: one build that both the
    candidate's scoring and the leakage check read."""
    project, results, _ = calibrated
    contacts = project.query(
        "select contact_id, account_id from raw.contacts where account_id is not null "
        "order by contact_id limit 40"
    )
    won_later = [
        {
            "opportunity_id": f"OPP-LATE-{i}",
            "account_id": account,
            "contact_id": contact,
            "opportunity_type": "new_business",
            "stage": "won",
            "amount": "50000",
            "created_at": "2026-10-02 09:00:00",
            "closed_at": "2026-10-20 09:00:00",
        }
        for i, (contact, account) in enumerate(contacts)
    ]
    late = tmp_path_factory.mktemp("late")
    project.load(write_raw(late, {"opportunities": won_later}), append=True)
    project.dbt(
        "build", *NO_DATA_TESTS, as_of=AS_OF, vars={"scorehouse_candidate_rule_set": "learned"}
    )
    return project, results, late


def test_the_candidate_and_its_bands_score_in_a_normal_build(rebuilt):
    project, results, _ = rebuilt
    summary = project.query(
        "select rule_set, roc_auc_latest_date, fit_grades_monotone, engagement_levels_monotone "
        "from marts.model_performance_summary where model_id = 'acquisition' order by rule_set"
    )
    assert [row[0] for row in summary] == ["current", "learned"]
    # (On this small dataset, the latest date may hold one class only: no AUC then.)
    assert all(row[1] is None or 0 <= row[1] <= 1 for row in summary)
    bands = project.query(
        "select dimension, grade, min_score from intermediate.int_grade_bands "
        "where rule_set = 'learned' and model_id = 'acquisition' order by dimension, grade"
    )
    expected = {(b["dimension"], b["grade"], b["min_score"]) for b in results[0].bands}
    own = {d for d, _, _ in expected}
    # The candidate's own bands where it has some; the current ones for the other dimension.
    assert {(d, g, m) for d, g, m in bands if d in own} == expected
    current = project.query(
        "select dimension, grade, min_score from config.grade_bands "
        "where model_id = 'acquisition' and dimension in ('fit', 'engagement')"
    )
    assert {(d, g, m) for d, g, m in bands if d not in own} == {
        (d, g, m) for d, g, m in current if d not in own
    }


def test_outcomes_after_the_as_of_date_leave_the_learned_points_unchanged(rebuilt):
    project, results, late = rebuilt
    # The late wins are outcomes the engine reads (calibrate rebuilds from the raw data)...
    late_wins = project.query(
        "select count(distinct opportunity_id) from intermediate.int_outcomes "
        "where opportunity_id like 'OPP-LATE-%' and outcome = 'new_business_won'"
    )
    assert late_wins == [(40,)]
    # ... but after the as-of date: no backtest label includes them.
    again, _ = cal.calibrate(
        ["acquisition"],
        db=project.db,
        as_of=AS_OF,
        name="learned",
        project_dir=project.path,
        report=late / "again.md",
        write=False,
    )
    assert again[0].rules == results[0].rules
    assert again[0].bands == results[0].bands


# --- adopt ------------------------------------------------------------------------------


def test_adopt_makes_a_candidate_current_and_keeps_the_rules_it_replaced(tmp_path):
    project = copy_project(tmp_path / "project")
    scoring = project.path / "seeds" / "scoring"
    rules_before = _rows(scoring / "scoring_rules.csv")
    bands_before = _rows(scoring / "grade_bands.csv")
    base = {c: "" for c in cal.RULE_COLUMNS}
    sweet = next(r for r in rules_before if r["rule_id"] == "size_sweet_spot")
    candidate = [
        {**sweet, "rule_set": "tuned", "points": "40", "description": "Sweet spot, 40 points"},
        {
            **base,
            "rule_set": "tuned",
            "model_id": "acquisition",
            "rule_id": "new_rule",
            "dimension": "fit",
            "category_id": "industry",
            "signal": "country",
            "match_operator": "equals",
            "match_value": "se",
            "points": "3",
            "decay_method": "none",
            "repeat_control": "every",
            "description": "Sweden, 3 points",
        },
        {
            **next(r for r in rules_before if r["rule_id"] == "size_small"),
            "rule_set": "tuned",
            "points": "0",
        },
    ]
    cal.write_seed(
        scoring / "scoring_rules_candidates.csv",
        cal.RULE_COLUMNS,
        _rows(scoring / "scoring_rules_candidates.csv") + candidate,
    )
    new_bands = [
        {
            "rule_set": "tuned",
            "model_id": "acquisition",
            "dimension": "fit",
            "grade": g,
            "min_score": lo,
            "max_score": hi,
        }
        for g, lo, hi in (("A", "60", ""), ("B", "40", "60"), ("C", "20", "40"), ("D", "", "20"))
    ]
    cal.write_seed(scoring / "grade_bands_candidates.csv", cal.BAND_COLUMNS, new_bands)

    row = cal.adopt("tuned", project_dir=project.path, today="2026-12-01")

    rules = {
        r["rule_id"]: r
        for r in _rows(scoring / "scoring_rules.csv")
        if r["model_id"] == "acquisition"
    }
    assert rules["size_sweet_spot"]["points"] == "40"
    assert rules["new_rule"]["match_value"] == "se"
    assert "size_small" not in rules
    fit_bands = [
        b
        for b in _rows(scoring / "grade_bands.csv")
        if b["model_id"] == "acquisition" and b["dimension"] == "fit"
    ]
    assert {(b["grade"], b["min_score"]) for b in fit_bands} == {
        ("A", "60"),
        ("B", "40"),
        ("C", "20"),
        ("D", ""),
    }
    assert row["version"] == 2 and row["rule_set"] == "tuned" and row["models"] == "acquisition"
    assert row["config_hash"] == cal.config_hash(project.path)
    assert "1 rules changed, 1 added, 1 removed" in row["summary"]
    versions = _rows(scoring / "rule_set_versions.csv")
    assert [v["version"] for v in versions] == ["1", "2"]
    candidates = _rows(scoring / "scoring_rules_candidates.csv")
    assert not any(r["rule_set"] == "tuned" for r in candidates)

    # Nothing lost: adopting before_v2 gives back the rules and bands as they were.
    cal.adopt("before_v2", project_dir=project.path, today="2026-12-02")
    key = lambda r: (r["model_id"], r["rule_id"])  # noqa: E731
    assert sorted(_rows(scoring / "scoring_rules.csv"), key=key) == sorted(rules_before, key=key)
    band_key = lambda b: (b["model_id"], b["dimension"], b["grade"])  # noqa: E731
    assert sorted(_rows(scoring / "grade_bands.csv"), key=band_key) == sorted(
        bands_before, key=band_key
    )
    assert [v["version"] for v in _rows(scoring / "rule_set_versions.csv")] == ["1", "2", "3"]


def test_adopting_an_unknown_candidate_names_the_known_ones(tmp_path):
    project = copy_project(tmp_path / "project")
    with pytest.raises(ScorehouseError, match="there are: pricing_focus"):
        cal.adopt("nope", project_dir=project.path)
