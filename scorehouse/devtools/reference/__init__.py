"""An independent reference implementation of the acquisition lead-scoring model.

Written in plain Python from the documented method (docs/user-guide.md,
docs/configuration.md, `models/*_docs.md`, the seeds and their YAML, the domain brief), from
the raw files and the seeds, without running or importing the project's SQL.
`tests_py/test_reference.py` compares it with the dbt marts `lead_scores` and
`lead_score_breakdown`: any drift of the SQL from the method fails it.

    from scorehouse.devtools.reference import reference_scores
    scores = reference_scores(raw_dir, as_of=date(2026, 11, 1), loaded_at=datetime(...))
    scores.lead_scores, scores.breakdown
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scorehouse.contract import PROJECT_DIR

from .config import Config, load_config
from .scoring import Scores, score_contacts
from .staging import StagedData, stage_all

__all__ = ["Config", "Scores", "StagedData", "load_config", "reference_scores", "stage_all"]


def reference_scores(
    raw_dir: Path,
    as_of: dt.date,
    loaded_at: dt.datetime,
    *,
    project_dir: Path = PROJECT_DIR,
    model_id: str = "acquisition",
) -> Scores:
    """Score `model_id` as of `as_of` from the raw files loaded at `loaded_at` (the
    load time decides which event times are in the future), with the seeds and vars of
    the project at `project_dir`."""
    config = load_config(project_dir)
    staged = stage_all(Path(raw_dir), config.vars, loaded_at)
    return score_contacts(staged, config, as_of, model_id=model_id)
