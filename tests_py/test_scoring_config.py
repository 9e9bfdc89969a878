"""Scoring configuration lives in seeds: a bad configuration fails the build with a
message naming the seed row, and a changed point value or half-life changes the scores
with no SQL edited."""

from __future__ import annotations

import pytest

from tests_py.conftest import NO_DATA_TESTS, copy_project, write_raw

CONFIG_MODEL = ["--select", "+int_scoring_rules_checked", "--indirect-selection", "cautious"]


def config_project(folder):
    """A project copy with empty raw tables: the configuration check reads the custom
    fields of the data (the signal catalogue), so it needs the raw schema."""
    project = copy_project(folder)
    project.load(write_raw(folder / "raw", {}))
    return project


BAD_CONFIGS = [
    pytest.param(
        "scoring/scoring_categories.csv",
        "acquisition,engagement,web,contact,40,",
        "acquisition,engagement,web,contact,35,",
        "scoring_categories (model_id=acquisition, dimension=engagement): weight_pct sums to 95",
        id="weights-not-100",
    ),
    pytest.param(
        "scoring/scoring_rules.csv",
        "15,exponential,14,,30,once_per_day",
        "15,quadratic,14,,30,once_per_day",
        "scoring_rules (model_id=acquisition, rule_id=pricing_page): decay_method 'quadratic' is not one of: "
        "none, exponential, linear, step",
        id="unknown-decay-method",
    ),
    pytest.param(
        "scoring/grade_bands.csv",
        "acquisition,fit,B,50,75",
        "acquisition,fit,B,50,80",
        "grade_bands (model_id=acquisition, dimension=fit, grade=B): overlaps band A, which starts at 75",
        id="overlapping-bands",
    ),
    pytest.param(
        "scoring/grade_bands.csv",
        "acquisition,engagement,3,8,20",
        "acquisition,engagement,3,8,15",
        "grade_bands (model_id=acquisition, dimension=engagement, grade=3): leaves a gap: it ends at 15",
        id="gapped-bands",
    ),
    pytest.param(
        "scoring/scoring_rules.csv",
        "acquisition,customers_page,",
        "acquisition,pricing_page,",
        "scoring_rules (model_id=acquisition, rule_id=pricing_page): duplicate rows: 2 rows share "
        "model_id, rule_id",
        id="duplicate-rule-id",
    ),
]


@pytest.fixture(scope="module")
def config_builds(tmp_path_factory):
    """The configuration check built twice in one project copy: with the shipped seeds,
    then with every bad configuration of BAD_CONFIGS at once. Each one edits a different
    seed row and the check lists every problem, one line each, so one failed build shows
    them all (instead of one build per case); the shipped build, clean, shows that each
    problem listed comes from an edit."""
    project = config_project(tmp_path_factory.mktemp("config") / "project")
    shipped = project.dbt("build", *CONFIG_MODEL, check=False)
    for case in BAD_CONFIGS:
        seed, old, new, _ = case.values
        project.edit_seed(seed, old, new)
    bad = project.dbt("build", *CONFIG_MODEL, check=False)
    return shipped, bad


@pytest.mark.parametrize(("seed", "old", "new", "message"), BAD_CONFIGS)
def test_bad_configuration_fails_with_a_message_naming_the_row(
    config_builds, seed, old, new, message
):
    _, result = config_builds
    assert result.returncode != 0
    # One problem per edit: none of the edits hides or adds another's.
    assert f"Invalid scoring configuration, {len(BAD_CONFIGS)} problem(s)" in result.stdout
    assert message in result.stdout


def test_the_shipped_configuration_is_valid(config_builds):
    shipped, _ = config_builds
    assert shipped.returncode == 0, shipped.stdout[-6000:]


FIFTH_MODEL = {
    "scoring/scoring_models.csv": 'webinar_fans,contact,prospects,new_business_won,"Leads who come to webinars"\n',
    "scoring/scoring_dimensions.csv": "webinar_fans,fit,40,Company size\nwebinar_fans,engagement,60,Webinars\n",
    "scoring/scoring_categories.csv": (
        "webinar_fans,fit,size,account,100,Company size\n"
        "webinar_fans,engagement,events,contact,100,Webinars\n"
    ),
    "scoring/scoring_rules.csv": (
        "webinar_fans,wf_big,fit,size,employee_count,between,,200,,100,none,,,,every,,200+ employees\n"
        "webinar_fans,wf_small,fit,size,employee_count,between,,0,200,40,none,,,,every,,Under 200 employees\n"
        "webinar_fans,wf_webinar,engagement,events,form_submission,equals,webinar,,,40,linear,120,,100,every,,Webinar sign-up\n"
    ),
    "scoring/grade_bands.csv": (
        "webinar_fans,fit,A,80,\nwebinar_fans,fit,B,50,80\nwebinar_fans,fit,C,30,50\nwebinar_fans,fit,D,,30\n"
        "webinar_fans,engagement,1,60,\nwebinar_fans,engagement,2,30,60\n"
        "webinar_fans,engagement,3,10,30\nwebinar_fans,engagement,4,,10\n"
    ),
}


@pytest.fixture(scope="module")
def five_models(tmp_path_factory, generated_raw):
    """The generated data built in full, data tests included, with a fifth scoring model
    added in seed rows only."""
    project = copy_project(tmp_path_factory.mktemp("five_models") / "project")
    for seed, rows in FIFTH_MODEL.items():
        path = project.path / "seeds" / seed
        path.write_text(path.read_text() + rows)
    project.load(generated_raw)
    project.dbt("build")
    return project


def test_a_fifth_model_needs_seed_rows_only(five_models):
    project = five_models
    for mart in (
        "lead_scores",
        "lead_score_breakdown",
        "account_scores",
        "account_score_breakdown",
        "model_performance",
        "model_performance_summary",
    ):
        (rows,) = project.query(
            f"select count(*) from marts.{mart} where model_id = 'webinar_fans'"
        )[0:1]
        assert rows[0] > 0, f"the fifth model is missing from {mart}"
    # Its scores follow its own rules: fit is 100 or 40 (or 0 without a company size).
    fits = {
        r[0]
        for r in project.query(
            "select distinct fit_score from marts.lead_scores where model_id = 'webinar_fans'"
        )
    }
    assert fits <= {0.0, 40.0, 100.0} and len(fits) > 1


# What a changed rule can change in lead_score_breakdown, models only.
RULES_TO_BREAKDOWN = ["--select", "scoring_rules+,+lead_score_breakdown", *NO_DATA_TESTS]


def test_point_values_and_half_lives_come_from_the_seed(five_models):
    """On the fifth-model test's build (its rules are not the acquisition model's
    pricing_page rule, which this test changes)."""
    project = five_models
    query = (
        "select contact_id, occurrences, base_points, decayed_points, last_occurred_at "
        "from marts.lead_score_breakdown where rule_id = 'pricing_page' order by contact_id"
    )
    before = project.query(query)
    assert len(before) > 10

    project.edit_seed(
        "scoring/scoring_rules.csv", "/pricing,,,15,exponential,14", "/pricing,,,30,exponential,14"
    )
    project.dbt("build", *RULES_TO_BREAKDOWN)
    doubled = project.query(query)
    assert [r[0] for r in doubled] == [r[0] for r in before]
    for old, new in zip(before, doubled, strict=True):
        assert new[2] == pytest.approx(2 * old[2], abs=1e-6)
        assert new[3] == pytest.approx(2 * old[3], abs=1e-5)

    project.edit_seed(
        "scoring/scoring_rules.csv", "/pricing,,,30,exponential,14", "/pricing,,,30,exponential,7"
    )
    project.dbt("build", *RULES_TO_BREAKDOWN)
    faster = project.query(query)
    singles = [(old, new) for old, new in zip(doubled, faster, strict=True) if old[1] == 1]
    assert singles, "expected contacts with a single pricing-page day"
    for old, new in singles:
        # one occurrence: 30 * 0.5^(a/7) = (30 * 0.5^(a/14))^2 / 30
        assert new[3] == pytest.approx(old[3] ** 2 / 30, abs=1e-5)
    assert sum(n[3] for n in faster) < sum(o[3] for o in doubled)
