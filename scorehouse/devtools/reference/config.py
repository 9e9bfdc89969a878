"""The scoring configuration the reference reads: the seeds and the vars of `dbt_project.yml`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from scorehouse.contract import PROJECT_DIR

NUMERIC_SEED_COLUMNS = {
    "min_value",
    "max_value",
    "points",
    "decay_param",
    "rule_cap",
    "weight_pct",
    "min_age_days",
    "max_age_days",
    "weight",
    "min_score",
    "max_score",
    "min_total_score",
    "response_hours",
    "priority",
}


def read_seed(path: Path) -> pd.DataFrame:
    """A seed CSV: empty cells are None (text) or NaN (numbers)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in frame.columns:
        if column in NUMERIC_SEED_COLUMNS:
            frame[column] = pd.to_numeric(frame[column].replace("", None), errors="raise")
            frame[column] = frame[column].astype(float)
        else:
            frame[column] = frame[column].map(lambda v: v if v != "" else None).astype(object)
    return frame


@dataclass
class Config:
    """Seeds (data frames) and vars (a dict) of one copy of the project."""

    vars: dict
    rules: pd.DataFrame
    categories: pd.DataFrame
    dimensions: pd.DataFrame
    models: pd.DataFrame
    step_windows: pd.DataFrame
    grade_bands: pd.DataFrame
    thresholds: pd.DataFrame
    service_levels: pd.DataFrame
    industry_map: pd.DataFrame
    job_title_map: pd.DataFrame
    email_domains: pd.DataFrame

    @property
    def score_decimals(self) -> int:
        return int(self.vars["scorehouse_score_decimals"])

    def model_rules(self, model_id: str) -> pd.DataFrame:
        return self.rules[self.rules["model_id"] == model_id].reset_index(drop=True)


def load_config(project_dir: Path = PROJECT_DIR, overrides: dict | None = None) -> Config:
    project = yaml.safe_load((Path(project_dir) / "dbt_project.yml").read_text())
    variables = dict(project.get("vars", {}))
    variables.update(overrides or {})
    seeds = Path(project_dir) / "seeds"
    scoring, mappings = seeds / "scoring", seeds / "mappings"
    return Config(
        vars=variables,
        rules=read_seed(scoring / "scoring_rules.csv"),
        categories=read_seed(scoring / "scoring_categories.csv"),
        dimensions=read_seed(scoring / "scoring_dimensions.csv"),
        models=read_seed(scoring / "scoring_models.csv"),
        step_windows=read_seed(scoring / "decay_step_windows.csv"),
        grade_bands=read_seed(scoring / "grade_bands.csv"),
        thresholds=read_seed(scoring / "qualification_thresholds.csv"),
        service_levels=read_seed(scoring / "service_levels.csv"),
        industry_map=read_seed(mappings / "industry_map.csv"),
        job_title_map=read_seed(mappings / "job_title_map.csv"),
        email_domains=read_seed(mappings / "email_domains.csv"),
    )
