"""`scorehouse calibrate`: learn rule points from outcomes, as a candidate rule set.

The training set comes from the backtest machinery: the engine scores a *probe* rule set
(every current rule of the model, and candidate rules for attribute values and behaviours
the current rules do not read, each worth 1 point, uncapped) as of `scorehouse_calibration_dates`
past dates, in a scratch copy of the project and of the warehouse. What each rule matched
at each date (its decayed occurrences, before any cap) is a feature; the label is the
model's outcome within `scorehouse_backtest_horizon_days` after the date. Every backtest date ends
its horizon by the as-of date, so no outcome after it is ever read.

A regularised logistic regression is fitted on the dates whose outcome horizon ends by the
newest date, which is left out for an out-of-time AUC: no outcome of the newest date's
horizon is in the training labels. Its coefficients become points: a rule's points are its
coefficient times one scale, divided by its dimension's weight, so that the total score
(dimensions weighted by `scoring_dimensions`) ranks like the model's log-odds, and the
scale is the largest at which every dimension and category stays within its weight
(`scoring_categories`). The candidate is then scored by the same engine, its grade bands
are chosen from its scores (conversion falling from A to D and from 1 to 4, the best band
holding a configured share), and a report compares it with the current rules. Nothing is
written to the project until every step has succeeded.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import math
import shutil
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml

from scorehouse.config_vars import PREFIX
from scorehouse.contract import PROJECT_DIR, copy_project
from scorehouse.errors import ScorehouseError
from scorehouse.sql import one_row

PROBE_SET = "calibration_probe"
SCORING = Path("seeds") / "scoring"
RULE_COLUMNS = [
    "rule_set",
    "model_id",
    "rule_id",
    "dimension",
    "category_id",
    "signal",
    "match_operator",
    "match_value",
    "min_value",
    "max_value",
    "points",
    "decay_method",
    "decay_param",
    "decay_windows",
    "rule_cap",
    "repeat_control",
    "qualifies_as",
    "description",
]
BAND_COLUMNS = ["rule_set", "model_id", "dimension", "grade", "min_score", "max_score"]
GRADES = {"fit": ["A", "B", "C", "D"], "engagement": ["1", "2", "3", "4"]}


@dataclasses.dataclass(frozen=True)
class Settings:
    """The calibration vars of dbt_project.yml (checked by scorehouse_var_checks there)."""

    dates: int
    min_support: int
    min_conversions: int
    conversions_per_rule: int
    max_values: int
    numeric_bins: int
    half_life_days: float
    top_share_min: float
    top_share_max: float
    regularisation: tuple[float, ...]
    horizon_days: int
    spacing_days: int

    @classmethod
    def from_project(cls, project_dir: Path) -> Settings:
        v = yaml.safe_load((project_dir / "dbt_project.yml").read_text())["vars"]
        return cls(
            dates=int(v["scorehouse_calibration_dates"]),
            min_support=int(v["scorehouse_calibration_min_support"]),
            min_conversions=int(v["scorehouse_calibration_min_conversions"]),
            conversions_per_rule=int(v["scorehouse_calibration_conversions_per_rule"]),
            max_values=int(v["scorehouse_calibration_max_values"]),
            numeric_bins=int(v["scorehouse_calibration_numeric_bins"]),
            half_life_days=float(v["scorehouse_calibration_half_life_days"]),
            top_share_min=float(v["scorehouse_calibration_top_share_min"]),
            top_share_max=float(v["scorehouse_calibration_top_share_max"]),
            regularisation=tuple(float(c) for c in v["scorehouse_calibration_regularisation"]),
            horizon_days=int(v["scorehouse_backtest_horizon_days"]),
            spacing_days=int(v["scorehouse_backtest_spacing_days"]),
        )


@dataclasses.dataclass(frozen=True)
class Config:
    """The scoring seeds calibration reads (rows as text, as in the CSV files)."""

    rules: list[dict]
    categories: list[dict]
    dimensions: list[dict]
    models: list[dict]
    signals: list[dict]

    @classmethod
    def from_project(cls, project_dir: Path) -> Config:
        scoring = project_dir / SCORING
        return cls(
            rules=read_seed(scoring / "scoring_rules.csv"),
            categories=read_seed(scoring / "scoring_categories.csv"),
            dimensions=read_seed(scoring / "scoring_dimensions.csv"),
            models=read_seed(scoring / "scoring_models.csv"),
            signals=read_seed(scoring / "signals.csv"),
        )

    def entity_type(self, model_id: str) -> str:
        return next(m["entity_type"] for m in self.models if m["model_id"] == model_id)

    def weights(self, model_id: str) -> dict[str, float]:
        """Dimension -> weight_pct of the model."""
        return {
            d["dimension"]: float(d["weight_pct"])
            for d in self.dimensions
            if d["model_id"] == model_id
        }

    def category_weights(self, model_id: str) -> dict[tuple[str, str], float]:
        """(dimension, category) -> weight_pct of the model."""
        return {
            (c["dimension"], c["category_id"]): float(c["weight_pct"])
            for c in self.categories
            if c["model_id"] == model_id
        }


@dataclasses.dataclass
class ModelResult:
    """What calibrating one model gave."""

    model_id: str
    rules: list[dict]  # the candidate rows (every rule of the model: new points, 0 = dropped)
    support: dict[str, tuple[int, int]]  # rule_id -> (matches, of which converted), training
    before: dict[str, float]  # rule_id -> current points
    bands: list[dict]  # the candidate grade bands (may be empty: the current ones stay)
    band_notes: list[str]
    regularisation: float
    train_dates: list[str]
    test_date: str
    train_rows: int
    test_rows: int
    auc: dict[str, dict[str, float | None]] = dataclasses.field(default_factory=dict)
    conversion: pd.DataFrame | None = None
    volume: pd.DataFrame | None = None


# --- reading and writing seeds ----------------------------------------------------------


def read_seed(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def write_seed(path: Path, columns: list[str], rows: list[dict]) -> None:
    """Write a seed atomically (a temporary file renamed over it)."""
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _cell(row.get(c)) for c in columns})
    tmp.replace(path)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        # The shortest text that reads back as the same number: a band edge must not move.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _number(text: str | float | None) -> float | None:
    return None if text is None or text == "" else float(text)


# --- the probe rule set -----------------------------------------------------------------


# The tables of dated metrics, per entity type, and their entity key.
METRIC_TABLES = {
    "contact": ("int_contact_metrics_dated", "contact_id"),
    "account": ("int_account_metrics_dated", "account_id"),
}


def _matched_by(signal, operator, value, low, high) -> tuple:
    """What a rule matches, to skip a new rule that a current one already is."""
    return (signal, operator, (value or "").strip().lower(), _number(low), _number(high))


def _category_for(
    own: list[dict], model_categories: list[dict], dimension: str, entity_level: str, signal: str
) -> str | None:
    """The category of a new rule: one where the model's rules (`own`) already read the
    signal at that entity level, else the heaviest of the dimension at that level."""
    reading = [
        r["category_id"] for r in own if r["signal"] == signal and r["dimension"] == dimension
    ]
    fitting = sorted(
        (c for c in model_categories if c["dimension"] == dimension),
        key=lambda c: (-float(c["weight_pct"]), c["category_id"]),
    )
    levels = {c["category_id"]: c["entity_level"] for c in fitting}
    for category in reading:
        if levels.get(category) == entity_level:
            return category
    return next((c["category_id"] for c in fitting if c["entity_level"] == entity_level), None)


def probe_rules(model_id: str, config: Config, con, settings: Settings) -> list[dict]:
    """The current rules of the model at 1 point, uncapped, and a candidate rule for each
    attribute value, numeric range and behaviour the current rules do not read, placed in
    a category of the right dimension and entity level (the one already reading the signal
    where there is one)."""
    rules, categories = config.rules, config.categories
    entity_type = config.entity_type(model_id)
    # The metrics of the model's entity type, and for a contact model its account's too
    # only where a category reads accounts (as for attributes).
    metrics = [
        s
        for s in config.signals
        if s["signal_kind"] == "metric"
        and s["entity_type"] in METRIC_TABLES
        and (s["entity_type"] == entity_type or entity_type == "contact")
    ]
    probes = []
    own = [r for r in rules if r["model_id"] == model_id]
    for rule in own:
        probes.append({**rule, "rule_set": PROBE_SET, "points": 1, "rule_cap": None})

    taken = {
        _matched_by(
            r["signal"], r["match_operator"], r["match_value"], r["min_value"], r["max_value"]
        )
        for r in own
    }
    model_categories = [c for c in categories if c["model_id"] == model_id]

    levels: dict[str, str] = {}  # signal -> the entity level its new rules read

    def add(rule_id, dimension, level, signal, operator, value=None, low=None, high=None, **kw):
        if (
            _matched_by(signal, operator, value, low, high) in taken
            or levels.get(signal, level) != level
        ):
            return
        category = _category_for(own, model_categories, dimension, level, signal)
        if category is None:
            return
        levels[signal] = level
        probes.append(
            {
                "rule_set": PROBE_SET,
                "model_id": model_id,
                "rule_id": rule_id,
                "dimension": dimension,
                "category_id": category,
                "signal": signal,
                "match_operator": operator,
                "match_value": value,
                "min_value": low,
                "max_value": high,
                "points": 1,
                "decay_method": kw.get("decay_method", "none"),
                "decay_param": kw.get("decay_param"),
                "repeat_control": kw.get("repeat_control", "every"),
                "description": kw["description"],
                "is_new": True,
            }
        )

    def add_thresholds(signal: str, dimension: str, level: str, edges: list[float]) -> None:
        """`signal` at least each edge: a rule per step, so that the points of a number
        add up step by step (and the penalty keeps neighbouring steps alike)."""
        for edge in sorted(edges):
            add(
                f"cal_{_slug(signal)}_from_{_slug(_fmt(edge))}",
                dimension,
                level,
                signal,
                "between",
                low=edge,
                description=f"{signal} at least {_fmt(edge)}",
            )

    top = settings.max_values
    support = settings.min_support
    # Attribute values (text): the most common values of each attribute.
    for level, signal, value in con.execute(
        """
        select entity_type, signal, signal_text
        from (
            select entity_type, signal, signal_text, count(distinct entity_id) as entities,
                row_number() over (
                    partition by entity_type, signal
                    order by count(distinct entity_id) desc, signal_text
                ) as value_rank
            from intermediate.int_fit_signals_unpivoted
            where signal_text is not null and signal_number is null
            group by entity_type, signal, signal_text
        )
        where value_rank <= ? and entities >= ?
        order by entity_type, signal, signal_text
        """,
        [top, support],
    ).fetchall():
        add(
            f"cal_{_slug(signal)}_{_slug(value)}",
            "fit",
            level,
            signal,
            "equals",
            value,
            description=f"{signal} is {value}",
        )
    # Attribute values (numbers): steps at the `numeric_bins` quantiles of each attribute.
    cuts = [k / settings.numeric_bins for k in range(1, settings.numeric_bins)]
    for level, signal, edges, entities in con.execute(
        f"""
        select entity_type, signal, list_distinct(quantile_disc(signal_number, {cuts})),
            count(distinct entity_id)
        from intermediate.int_fit_signals_unpivoted
        where signal_number is not null
        group by entity_type, signal
        having count(distinct entity_id) >= ?
        order by entity_type, signal
        """,
        [support],
    ).fetchall():
        add_thresholds(signal, "fit", level, _thin(edges, entities, support))
    # Metrics (numbers dated per run): steps at their quantiles over the backtest dates, in
    # the dimension of the current rules that read the metric, else engagement.
    for signal in metrics:
        level = signal["entity_type"]
        table, key = METRIC_TABLES[level]
        edges, entities = one_row(
            con.execute(
                f"""
            select list_distinct(quantile_disc(metrics.{signal["signal"]}, {cuts})),
                count(distinct metrics.{key})
            from intermediate.{table} as metrics
            inner join intermediate.int_scoring_runs as runs on metrics.run_id = runs.run_id
            where runs.run_type <> 'current' and metrics.{signal["signal"]} is not null
            """
            )
        )
        reading = [r["dimension"] for r in own if r["signal"] == signal["signal"]]
        dimension = reading[0] if reading else "engagement"
        add_thresholds(signal["signal"], dimension, level, _thin(edges or [], entities, support))
    # Behaviours: each behaviour signal, and its most common values.
    half_life = settings.half_life_days
    for level, signal, value in con.execute(
        """
        with per_value as (
            select entity_type, signal, signal_text, count(distinct entity_id) as entities,
                row_number() over (
                    partition by entity_type, signal
                    order by count(distinct entity_id) desc, signal_text
                ) as value_rank
            from intermediate.int_engagement_signals_unioned
            group by entity_type, signal, signal_text
        )
        select entity_type, signal, null from per_value
        group by entity_type, signal having sum(entities) >= ?
        union all
        select entity_type, signal, signal_text from per_value
        where value_rank <= ? and entities >= ? and signal_text is not null
        order by 1, 2, 3 nulls first
        """,
        [support, top, support],
    ).fetchall():
        shown = f"{signal} {value}" if value else f"any {signal}"
        add(
            f"cal_{_slug(signal)}_{_slug(value) if value else 'any'}",
            "engagement",
            level,
            signal,
            "equals" if value else "any",
            value,
            decay_method="exponential",
            decay_param=half_life,
            repeat_control="once_per_day",
            description=f"{shown}, half-life {_fmt(half_life)} days",
        )
    # Unique ids: a slug may repeat after shortening.
    seen: dict[str, int] = {}
    for probe in probes:
        base = probe["rule_id"][:60]
        seen[base] = seen.get(base, 0) + 1
        probe["rule_id"] = base if seen[base] == 1 else f"{base}_{seen[base]}"
    return probes


def _thin(edges: list[float], entities: int, min_support: int) -> list[float]:
    """At most one step per `min_support` distinct entities: with few accounts, fine
    steps of a number would tell the accounts apart rather than what converts."""
    edges = sorted(edges)
    steps = max(0, entities // max(min_support, 1) - 1)
    if steps == 0:
        return []
    if len(edges) <= steps:
        return edges
    return [edges[round(i * (len(edges) - 1) / max(steps - 1, 1))] for i in range(steps)]


def _slug(text: object) -> str:
    out = "".join(ch if ch.isalnum() else "_" for ch in str(text).lower()).strip("_")
    return "_".join(part for part in out.split("_") if part)[:40] or "x"


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.2f}"


# --- the fit ----------------------------------------------------------------------------


def training_frame(con, model_id: str, rule_set: str) -> tuple[pd.DataFrame, list[str]]:
    """One row per backtest date and entity of `rule_set`'s runs: the label, the date
    and one column per rule (its decayed occurrences before any cap)."""
    labels = con.execute(
        """
        select run_id, entity_id, as_of_date, is_converted
        from intermediate.int_backtest_outcomes_joined
        where rule_set = ? and model_id = ?
        """,
        [rule_set, model_id],
    ).df()
    features = con.execute(
        """
        select points.run_id, points.entity_id, points.rule_id, sum(points.decayed_points) as x
        from intermediate.int_rule_points_capped as points
        inner join intermediate.int_scoring_runs as runs on points.run_id = runs.run_id
        where runs.rule_set = ? and points.model_id = ? and runs.run_type <> 'current'
        group by all
        """,
        [rule_set, model_id],
    ).df()
    wide = features.pivot_table(
        index=["run_id", "entity_id"], columns="rule_id", values="x", aggfunc="sum", fill_value=0
    )
    frame = labels.set_index(["run_id", "entity_id"]).join(wide).fillna(0).sort_index()
    frame["as_of_date"] = frame["as_of_date"].astype(str)
    return frame, sorted(wide.columns)


def outcomes_known_by(dates: list[str], cutoff: str, horizon_days: int) -> list[str]:
    """The dates whose whole outcome horizon ends by `cutoff`: a date D is labelled with
    the outcomes in [D, D + horizon), so only those can train a model validated at
    `cutoff` without sharing an outcome with it."""
    end = dt.date.fromisoformat(cutoff)
    return [d for d in dates if dt.date.fromisoformat(d) + dt.timedelta(days=horizon_days) <= end]


def _contrast(matched: np.ndarray, y: np.ndarray) -> float:
    """How differently the matched entities convert from the others: the two-proportion
    z statistic, in absolute value (0 when a side is empty)."""
    n1, n0 = int(matched.sum()), int((~matched).sum())
    if n1 == 0 or n0 == 0:
        return 0.0
    p1, p0, p = y[matched].mean(), y[~matched].mean(), y.mean()
    spread = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n0))
    return abs(p1 - p0) / spread if spread > 0 else 0.0


def _auc(y: np.ndarray, score: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    if len(set(y.tolist())) < 2:
        return None
    return float(roc_auc_score(y, score))


def _cap_occurrences(x: np.ndarray, columns: list[str], caps: dict[str, float]) -> dict:
    """A rule's cap, in occurrences: the current cap, or the 95th percentile of its
    matches; the columns of `x` are capped in place."""
    cap_occurrences = {}
    for j, rule_id in enumerate(columns):
        matched = x[:, j][x[:, j] > 0]
        if rule_id in caps:
            cap_occurrences[rule_id] = caps[rule_id]
        elif len(matched):
            cap_occurrences[rule_id] = max(1.0, float(np.quantile(matched, 0.95)))
        if rule_id in cap_occurrences:
            x[:, j] = np.minimum(x[:, j], cap_occurrences[rule_id])
    return cap_occurrences


def _scale_limits(
    contributions: dict[str, np.ndarray],
    probes: dict[str, dict],
    weights: dict[str, float],
    category_weights: dict[tuple[str, str], float],
    rows: int,
) -> list[float]:
    """The largest scales at which the 99th percentile of each dimension's, and each
    category's, positive points stays within its weight."""

    def high(rule_ids: list[str]) -> float:
        total = sum((contributions[r] for r in rule_ids), np.zeros(rows))
        return float(np.quantile(total, 0.99)) if len(total) else 0.0

    limits = []
    for dimension, weight in weights.items():
        in_dimension = [r for r in contributions if probes[r]["dimension"] == dimension]
        if (q := high(in_dimension)) > 0:
            limits.append(weight / q)
        for (dim, category), category_weight in category_weights.items():
            in_category = [r for r in in_dimension if probes[r]["category_id"] == category]
            if dim == dimension and (q := high(in_category)) > 0:
                limits.append(category_weight * weight / 100 / q)
    return limits


def fit_points(
    frame: pd.DataFrame,
    columns: list[str],
    probes: dict[str, dict],
    caps: dict[str, float],
    weights: dict[str, float],
    category_weights: dict[tuple[str, str], float],
    settings: Settings,
    seed: int,
) -> tuple[dict[str, float], dict[str, float], dict[str, tuple[int, int]], float]:
    """Points per rule (0: dropped) and caps (in points) from a logistic regression fitted
    on the training rows of `frame`; also each rule's support and the chosen C."""
    from sklearn.linear_model import LogisticRegression

    y = frame["is_converted"].to_numpy().astype(int)
    x = frame[columns].to_numpy(dtype=float, copy=True)
    cap_occurrences = _cap_occurrences(x, columns, caps)
    matches = (x > 0).sum(axis=0)
    support = {
        rule_id: (int(matches[j]), int(((x[:, j] > 0) & (y == 1)).sum()))
        for j, rule_id in enumerate(columns)
    }
    # A rule is learned with `min_support` matches or more; a new rule also needs
    # `min_conversions` of them converted, so that a small population tries few new rules.
    keep = [
        j
        for j, rule_id in enumerate(columns)
        if matches[j] >= settings.min_support
        and (not probes[rule_id].get("is_new") or support[rule_id][1] >= settings.min_conversions)
    ]
    # At most one rule per `conversions_per_rule` conversions: the current rules first,
    # then the new rules whose matches convert most differently from the rest.
    room = int(y.sum()) // settings.conversions_per_rule
    current = [j for j in keep if not probes[columns[j]].get("is_new")]
    new = sorted(
        (j for j in keep if probes[columns[j]].get("is_new")),
        key=lambda j: (-_contrast(x[:, j] > 0, y), columns[j]),
    )
    keep = sorted(current + new[: max(0, room - len(current))])
    if not keep or len(set(y.tolist())) < 2:
        raise ScorehouseError(
            "not enough to learn from: the training dates need entities that converted and "
            f"some that did not, and rules with {settings.min_support} matches or more "
            "(var scorehouse_calibration_min_support)"
        )
    # Not standardised: the penalty then weighs on the points themselves, and a rule that
    # rarely matches needs more evidence for many points.
    z = x[:, keep]
    dates = frame["as_of_date"].to_numpy()
    newest = max(dates)
    horizon_before_newest = set(
        outcomes_known_by(sorted(set(dates)), newest, settings.horizon_days)
    )

    def model(c: float, rows: np.ndarray) -> LogisticRegression:
        return LogisticRegression(C=c, max_iter=5000, random_state=seed).fit(z[rows], y[rows])

    # C: the one that ranks the newest training date best when fitted on the older ones.
    # (Trained on the dates whose outcome horizon ends by the newest, as the fit itself is.)
    inner_train, inner_test = np.isin(dates, list(horizon_before_newest)), dates == newest
    best_c, best_auc = settings.regularisation[0], -1.0
    if inner_train.any() and len(set(y[inner_train].tolist())) == 2:
        for c in settings.regularisation:
            auc = _auc(y[inner_test], model(c, inner_train).decision_function(z[inner_test]))
            if auc is not None and auc > best_auc + 1e-9:
                best_c, best_auc = c, auc
    beta = model(best_c, np.ones(len(y), dtype=bool)).coef_[0]
    coefficient = {columns[j]: float(b) for j, b in zip(keep, beta, strict=True)}

    # One scale for every rule: points = coefficient * scale * 100 / dimension weight, the
    # largest scale at which the 99th percentile of each dimension's and category's
    # positive points stays within its weight.
    contributions = {
        rule_id: np.maximum(x[:, columns.index(rule_id)] * b, 0)
        for rule_id, b in coefficient.items()
    }
    limits = _scale_limits(contributions, probes, weights, category_weights, len(y))
    scale = min(limits) if limits else 0.0
    points, rule_caps = {}, {}
    for rule_id in columns:
        dimension = probes[rule_id]["dimension"]
        b = coefficient.get(rule_id, 0.0)
        value = round(b * scale * 100 / weights[dimension], 2) if weights.get(dimension) else 0.0
        points[rule_id] = 0.0 if value == 0 else value
        if points[rule_id] and rule_id in cap_occurrences:
            cap = round(abs(points[rule_id]) * cap_occurrences[rule_id], 2)
            rule_caps[rule_id] = cap if cap > 0 else abs(points[rule_id])
    return points, rule_caps, support, best_c


def suggest_bands(
    scores: np.ndarray, y: np.ndarray, grades: list[str], settings: Settings
) -> tuple[list[tuple[str, float | None, float | None]], str]:
    """Band edges for one dimension: conversion falling from the best band to the worst,
    the best band holding between `top_share_min` and `top_share_max` of the entities,
    and among those, the edges that rank best (AUC of the four bands). Returns the bands
    (grade, min, max) best first, or none with the reason."""
    n = len(scores)
    if n == 0 or y.sum() == 0:
        return [], "no conversion in the training dates"
    quantiles = np.quantile(scores, np.arange(0.05, 1.0, 0.05), method="lower")
    cuts = {round(float(q), 6) for q in quantiles}
    positive = scores[scores > 0]
    if len(positive):
        cuts.add(round(float(positive.min()), 6))
    edges = sorted(e for e in cuts if e > 0)
    positives, negatives = y.sum(), n - y.sum()
    best, best_key = None, None
    for low, mid, high in itertools.combinations(edges, 3):
        top_share = float((scores >= high).mean())
        if not settings.top_share_min <= top_share <= settings.top_share_max:
            continue
        band = np.digitize(scores, [low, mid, high])  # 0 worst ... 3 best
        counts = [
            (int((band == b).sum()), int(((band == b) & (y == 1)).sum())) for b in (3, 2, 1, 0)
        ]
        rates = [conv / size for size, conv in counts if size]
        if any(later > earlier for earlier, later in itertools.pairwise(rates)):
            continue
        # AUC of the band order (ties count one half).
        auc, worse_negatives = 0.0, 0
        for size, conv in reversed(counts):
            neg = size - conv
            auc += conv * (worse_negatives + 0.5 * neg)
            worse_negatives += neg
        key = (auc / (positives * negatives), -abs(top_share - 0.25), high, mid, low)
        if best_key is None or key > best_key:
            best, best_key = (low, mid, high), key
    if best is None:
        return [], (
            "no edges give falling conversion with a best band of "
            f"{settings.top_share_min:.0%}-{settings.top_share_max:.0%}"
        )
    low, mid, high = best
    return [
        (grades[0], high, None),
        (grades[1], mid, high),
        (grades[2], low, mid),
        (grades[3], None, low),
    ], "chosen from the candidate's scores on the training dates"


# --- the engine runs --------------------------------------------------------------------


# What the scratch builds rebuild. The first, everything the backtests need, from the
# raw data on (the copied warehouse may hold raw rows loaded since its last build); the
# next ones, only what the candidate seeds change.
BACKTESTS = "+int_backtest_outcomes_joined"
RESCORE = [
    "scoring_rules_candidates",
    "grade_bands_candidates",
    f"int_scoring_runs+,{BACKTESTS}",
    f"scoring_rules_candidates+,{BACKTESTS}",
    f"grade_bands_candidates+,{BACKTESTS}",
]
REGRADE = ["grade_bands_candidates", f"grade_bands_candidates+,{BACKTESTS}"]


def _build(
    work: Path, work_db: Path, as_of: str, settings: Settings, rule_set: str, select: list[str]
) -> None:
    from scorehouse.dbt import run_dbt

    code = run_dbt(
        [
            "build",
            "--quiet",
            "--select",
            *select,
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
        ],
        as_of=as_of,
        vars={
            "scorehouse_backtest_count": settings.dates,
            "scorehouse_candidate_rule_set": rule_set,
        },
        project_dir=work,
        db=work_db,
    )
    if code != 0:
        raise ScorehouseError(
            f"the backtest build of rule set {rule_set} failed (dbt exit {code}); the project "
            "was left as it was"
        )


def _scored(con, model_id: str, rule_set: str) -> pd.DataFrame:
    """The backtest scores of `rule_set` for a model, one row per date and entity, with
    the grade, the label and whether the entity is an MQL and is due a call."""
    return (
        con.execute(
            """
        select joined.as_of_date, joined.entity_id, joined.is_converted, joined.total_score,
            graded.fit_score, graded.engagement_score, graded.fit_grade, graded.engagement_level,
            graded.grade, graded.qualifies_mql, graded.qualifies_sql
        from intermediate.int_backtest_outcomes_joined as joined
        inner join intermediate.int_scores_graded as graded
            on joined.run_id = graded.run_id and joined.model_id = graded.model_id
            and joined.entity_type = graded.entity_type and joined.entity_id = graded.entity_id
        where joined.rule_set = ? and joined.model_id = ?
        order by joined.as_of_date, joined.entity_id
        """,
            [rule_set, model_id],
        )
        .df()
        .assign(as_of_date=lambda f: f["as_of_date"].astype(str))
    )


def _volume(scored: pd.DataFrame, model_id: str, project: Path) -> dict[str, float]:
    """MQLs per backtest date, and new MQLs and new calls per day between dates: an MQL
    whose grade has a service level (`service_levels`) is a call sales must make."""
    thresholds = {
        r["status"]: float(r["min_total_score"])
        for r in read_seed(project / SCORING / "qualification_thresholds.csv")
        if r["model_id"] == model_id
    }
    due = {
        r["lead_grade"]
        for r in read_seed(project / SCORING / "service_levels.csv")
        if r["model_id"] == model_id
    }
    mql = scored["qualifies_mql"] | scored["qualifies_sql"]
    for status in ("mql", "sql"):
        if status in thresholds:
            mql = mql | (scored["total_score"] >= thresholds[status])
    frame = scored.assign(is_mql=mql, is_call=mql & scored["grade"].isin(due))
    dates = sorted(frame["as_of_date"].unique())
    per_date = frame.groupby("as_of_date")[["is_mql", "is_call"]].sum()
    new_mql, new_calls, days = 0, 0, 0
    for earlier, later in itertools.pairwise(dates):
        before = frame[frame["as_of_date"] == earlier].set_index("entity_id")
        after = frame[frame["as_of_date"] == later].set_index("entity_id")
        was = before.reindex(after.index)
        new_mql += int((after["is_mql"] & ~was["is_mql"].fillna(False).astype(bool)).sum())
        new_calls += int((after["is_call"] & ~was["is_call"].fillna(False).astype(bool)).sum())
        days += (dt.date.fromisoformat(later) - dt.date.fromisoformat(earlier)).days
    return {
        "mqls_per_date": float(per_date["is_mql"].mean()) if len(per_date) else 0.0,
        "new_mqls_per_day": new_mql / days if days else float("nan"),
        "new_calls_per_day": new_calls / days if days else float("nan"),
    }


def _conversion(scored: pd.DataFrame, rule_set: str) -> pd.DataFrame:
    rows = []
    for dimension, column in (("fit", "fit_grade"), ("engagement", "engagement_level")):
        for grade, part in scored.dropna(subset=[column]).groupby(column):
            rows.append(
                {
                    "rule_set": rule_set,
                    "dimension": dimension,
                    "grade": grade,
                    "entities": len(part),
                    "conversions": int(part["is_converted"].sum()),
                    "conversion_rate": float(part["is_converted"].mean()),
                }
            )
    return pd.DataFrame(rows)


# --- the command ------------------------------------------------------------------------


def _description(rule: dict, points: float, support: tuple[int, int] | None) -> str:
    base = rule["description"] or rule["rule_id"]
    for marker in (", calibrated ", ", no longer scores"):
        base = base.split(marker)[0]
    if points == 0:
        matches = support[0] if support else 0
        return f"{base}, no longer scores (calibrated: {matches} matches in the backtests)"
    return f"{base}, calibrated {points:g} points"


def _models_to_calibrate(model_ids: list[str], name: str, project_dir: Path) -> list[str]:
    """The models asked for (`all`: every model with an outcome); a bad request refused."""
    import os

    if os.environ.get("SCOREHOUSE_TARGET", "duckdb") != "duckdb":
        raise ScorehouseError(
            "calibrate runs on the DuckDB warehouse (SCOREHOUSE_TARGET is "
            f"{os.environ['SCOREHOUSE_TARGET']}); unset SCOREHOUSE_TARGET"
        )
    if not name.replace("_", "").isalnum() or not name.islower() or name in ("current", PROBE_SET):
        raise ScorehouseError(
            f"--name must be lower-case letters, digits and _, not current or {PROBE_SET}; "
            f"got {name!r}"
        )
    models = read_seed(project_dir / SCORING / "scoring_models.csv")
    with_outcome = sorted(m["model_id"] for m in models if m["outcome"])
    if model_ids == ["all"]:
        return with_outcome
    unknown = [m for m in model_ids if m not in with_outcome]
    if unknown:
        raise ScorehouseError(
            f"cannot calibrate {', '.join(unknown)}: only models with an outcome in "
            f"scoring_models can be, here {', '.join(with_outcome)} (or all)"
        )
    return model_ids


def _fit_model(
    con, model_id: str, name: str, probes: dict, config: Config, settings: Settings, seed: int
) -> ModelResult:
    """Fit one model on the probe set's backtest dates but the newest; its candidate rows
    are every current rule (new points; 0: dropped) and the new rules that score."""
    frame, columns = training_frame(con, model_id, PROBE_SET)
    dates = sorted(frame["as_of_date"].unique())
    if len(dates) < 2:
        raise ScorehouseError(
            f"{model_id}: {len(dates)} backtest date(s) scored; calibration needs two or "
            "more (var scorehouse_calibration_dates), the newest kept out of the fit"
        )
    train_dates = outcomes_known_by(dates[:-1], dates[-1], settings.horizon_days)
    if not train_dates:
        raise ScorehouseError(
            f"{model_id}: no backtest date ends its {settings.horizon_days}-day outcome horizon "
            f"by the newest, {dates[-1]}: raise var scorehouse_calibration_dates"
        )
    train = frame[frame["as_of_date"].isin(train_dates)]
    current = {r["rule_id"]: r for r in config.rules if r["model_id"] == model_id}
    caps = {
        rule_id: float(r["rule_cap"]) / abs(float(r["points"]))
        for rule_id, r in current.items()
        if r["rule_cap"] and float(r["points"] or 0) != 0
    }
    model_probes = {r: probes[(model_id, r)] for r in columns}
    points, rule_caps, support, c = fit_points(
        train,
        columns,
        model_probes,
        caps,
        config.weights(model_id),
        config.category_weights(model_id),
        settings,
        seed,
    )
    rows = []
    for rule_id in sorted(set(current) | {r for r in columns if points.get(r)}):
        source = current.get(rule_id) or model_probes[rule_id]
        new = points.get(rule_id, 0.0)
        rows.append(
            {
                **source,
                "rule_set": name,
                "points": new,
                "rule_cap": rule_caps.get(rule_id),
                "description": _description(source, new, support.get(rule_id)),
            }
        )
    return ModelResult(
        model_id=model_id,
        rules=rows,
        support=support,
        before={r: float(current[r]["points"]) for r in current},
        bands=[],
        band_notes=[],
        regularisation=c,
        train_dates=train_dates,
        test_date=dates[-1],
        train_rows=len(train),
        test_rows=int((frame["as_of_date"] == dates[-1]).sum()),
    )


def _suggest_model_bands(
    con, result: ModelResult, name: str, config: Config, settings: Settings
) -> None:
    """Fill `result.bands` from the candidate's engine scores on the training dates, for
    a model graded fit x engagement."""
    if not {"fit", "engagement"} <= set(config.weights(result.model_id)):
        result.band_notes.append("none: the model has no fit and engagement grades")
        return
    scored = _scored(con, result.model_id, name)
    train = scored[scored["as_of_date"].isin(result.train_dates)]
    for dimension in ("fit", "engagement"):
        bands, note = suggest_bands(
            train[f"{dimension}_score"].to_numpy(dtype=float),
            train["is_converted"].to_numpy().astype(int),
            GRADES[dimension],
            settings,
        )
        result.band_notes.append(f"{dimension}: {note}")
        result.bands += [
            {
                "rule_set": name,
                "model_id": result.model_id,
                "dimension": dimension,
                "grade": grade,
                "min_score": low,
                "max_score": high,
            }
            for grade, low, high in bands
        ]


def _compare(con, result: ModelResult, name: str, project: Path) -> None:
    """Current rules against the candidate: AUC in and out of time, conversion by grade
    and volume, from the engine's backtest scores."""
    conversions, volumes = [], []
    for rule_set in ("current", name):
        scored = _scored(con, result.model_id, rule_set)
        y = scored["is_converted"].to_numpy().astype(int)
        score = scored["total_score"].to_numpy(dtype=float)
        in_time = scored["as_of_date"].isin(result.train_dates).to_numpy()
        out_of_time = (scored["as_of_date"] == result.test_date).to_numpy()
        result.auc[rule_set] = {
            "in_time": _auc(y[in_time], score[in_time]),
            "out_of_time": _auc(y[out_of_time], score[out_of_time]),
        }
        conversions.append(_conversion(scored, rule_set))
        volumes.append({"rule_set": rule_set, **_volume(scored, result.model_id, project)})
    result.conversion = pd.concat(conversions, ignore_index=True)
    result.volume = pd.DataFrame(volumes)


def calibrate(
    model_ids: list[str],
    *,
    db: Path,
    as_of: str | None,
    name: str,
    seed: int = 0,
    project_dir: Path = PROJECT_DIR,
    report: Path | None = None,
    write: bool = True,
    wait: float | None = None,
) -> tuple[list[ModelResult], Path]:
    """Calibrate the models as of `as_of` (default: the warehouse's scoring date), write
    the candidate rule set `name` (rules and grade bands) into the project's candidate
    seeds unless `write` is false, and the report; returns what each model gave and the
    report's path. Everything runs in a scratch copy of the project and the warehouse;
    the warehouse is locked only while it is copied."""
    from scorehouse.lock import warehouse_lock

    project_dir = Path(project_dir)
    model_ids = _models_to_calibrate(model_ids, name, project_dir)
    if not Path(db).exists():
        raise ScorehouseError(f"no warehouse at {db}: load and build first")
    settings, config = Settings.from_project(project_dir), Config.from_project(project_dir)
    candidates_seed = SCORING / "scoring_rules_candidates.csv"
    bands_seed = SCORING / "grade_bands_candidates.csv"
    other_rules = [r for r in read_seed(project_dir / candidates_seed) if r["rule_set"] != name]
    other_bands = [r for r in read_seed(project_dir / bands_seed) if r["rule_set"] != name]

    with tempfile.TemporaryDirectory(prefix="scorehouse-calibrate-") as tmp:
        work = copy_project(Path(tmp) / "project", project_dir)
        work_db = Path(tmp) / "warehouse.duckdb"
        with warehouse_lock(Path(db), "scorehouse calibrate (copying the warehouse)", wait=wait):
            shutil.copy(db, work_db)
        with duckdb.connect(str(work_db), read_only=True) as con:
            built = {
                row[0]
                for row in con.execute(
                    "select table_name from information_schema.tables "
                    "where table_schema = 'intermediate'"
                ).fetchall()
            }
            missing = sorted({"int_scoring_runs", "int_fit_signals_unpivoted"} - built)
            if missing:
                raise ScorehouseError(
                    f"the warehouse {db} has not been built ({', '.join(missing)} missing): "
                    "run scorehouse build first"
                )
            if as_of is None:
                as_of = str(
                    one_row(
                        con.execute(
                            "select cast(max(as_of_at) as date) from intermediate.int_scoring_runs "
                            "where run_type = 'current'"
                        )
                    )[0]
                )
            # 1. The probe rule set, scored as of every calibration date.
            probes = [p for m in model_ids for p in probe_rules(m, config, con, settings)]
        write_seed(work / candidates_seed, RULE_COLUMNS, other_rules + probes)
        write_seed(work / bands_seed, BAND_COLUMNS, other_bands)
        _build(work, work_db, as_of, settings, PROBE_SET, [BACKTESTS])

        # 2. The fit, model by model, on every date but the newest.
        by_id = {(p["model_id"], p["rule_id"]): p for p in probes}
        with duckdb.connect(str(work_db), read_only=True) as con:
            results = [_fit_model(con, m, name, by_id, config, settings, seed) for m in model_ids]
        candidate_rules = [row for r in results for row in r.rules]

        # 3. The candidate scored by the engine; its grade bands from its training scores.
        write_seed(work / candidates_seed, RULE_COLUMNS, other_rules + candidate_rules)
        _build(work, work_db, as_of, settings, name, RESCORE)
        with duckdb.connect(str(work_db), read_only=True) as con:
            for result in results:
                _suggest_model_bands(con, result, name, config, settings)
        candidate_bands = [band for r in results for band in r.bands]
        write_seed(work / bands_seed, BAND_COLUMNS, other_bands + candidate_bands)
        _build(work, work_db, as_of, settings, name, REGRADE)

        # 4. Current against candidate, in time and out of time, by grade, by volume.
        with duckdb.connect(str(work_db), read_only=True) as con:
            for result in results:
                _compare(con, result, name, work)

    report_path = report or project_dir / "data" / "reports" / f"calibration-{name}.md"
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(
        render_report(results, name=name, as_of=as_of, seed=seed, settings=settings)
    )
    if write:
        write_seed(project_dir / candidates_seed, RULE_COLUMNS, other_rules + candidate_rules)
        write_seed(project_dir / bands_seed, BAND_COLUMNS, other_bands + candidate_bands)
    return results, report_path


# --- the report -------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return (
        "n/a"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else f"{value:.1%}"
    )


def _num(value: float | None, digits: int = 3) -> str:
    return (
        "n/a"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else f"{value:.{digits}f}"
    )


def _verdict(gain: float | None) -> str:
    if gain is None:
        return "No verdict: the newest date has one class only (no AUC)."
    if gain > 0:
        return "The candidate ranks better on a date it never saw: consider adopting it."
    return "The candidate does not rank better on a date it never saw: keep the current rules."


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    """A Markdown table."""
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows),
    ]


def render_report(
    results: list[ModelResult], *, name: str, as_of: str, seed: int, settings: Settings
) -> str:
    """The calibration report (Markdown), one section per model."""
    lines = [
        f"# Calibration report: candidate rule set `{name}`",
        "",
        f"Scored as of {as_of}, on {settings.dates} backtest dates {settings.spacing_days} days "
        f"apart; outcome horizon {settings.horizon_days} days; seed {seed}. The candidate was "
        "fitted on the dates whose outcome horizon ends by the newest date, which is out of "
        "time: the fit saw none of its outcomes.",
        "",
        f"Adopt it with `scorehouse adopt {name}`; compare it in the dashboard with "
        f"`--vars '{{scorehouse_candidate_rule_set: {name}}}'`; reject it by deleting its "
        "rows from seeds/scoring/scoring_rules_candidates.csv and grade_bands_candidates.csv.",
    ]
    for r in results:
        current, candidate = r.auc.get("current", {}), r.auc.get(name, {})
        new_auc, old_auc = candidate.get("out_of_time"), current.get("out_of_time")
        gain = new_auc - old_auc if new_auc is not None and old_auc is not None else None
        lines += [
            "",
            f"## {r.model_id}",
            "",
            f"Training: {r.train_rows:,} entity-dates on {', '.join(r.train_dates)}; "
            f"out of time: {r.test_rows:,} on {r.test_date}. "
            f"Regularisation C = {r.regularisation:g}.",
            "",
            "### Ranking (ROC AUC of the total score)",
            "",
            *_table(
                ["rule set", "in time", "out of time"],
                [
                    [rule_set, _num(auc.get("in_time")), _num(auc.get("out_of_time"))]
                    for rule_set, auc in (("current", current), (name, candidate))
                ],
            ),
            "",
            f"Out-of-time gain: {_num(gain, 3) if gain is not None else 'n/a'}. " + _verdict(gain),
            "",
            "### Conversion by grade (every backtest date)",
            "",
            *_table(
                ["rule set", "dimension", "grade", "entity-dates", "conversions", "conversion"],
                [
                    [
                        c.rule_set,
                        c.dimension,
                        c.grade,
                        f"{c.entities:,}",
                        f"{c.conversions:,}",
                        _pct(c.conversion_rate),
                    ]
                    for c in (r.conversion.itertuples() if r.conversion is not None else [])
                ],
            ),
            "",
            "Suggested bands: "
            + ("; ".join(r.band_notes) or "none (no fit and engagement grades)"),
        ]
        for band in r.bands:
            low = "-inf" if band["min_score"] is None else f"{band['min_score']:g}"
            high = "+inf" if band["max_score"] is None else f"{band['max_score']:g}"
            lines.append(f"- {band['dimension']} {band['grade']}: [{low}, {high})")
        rules = sorted(r.rules, key=lambda x: (-abs(float(x["points"])), x["rule_id"]))
        lines += [
            "",
            "### Points, rule by rule",
            "",
            "Support: matches on the training dates (entity-dates), and how many of those "
            "converted.",
            "",
            *_table(
                ["rule", "signal", "before", "after", "matches", "converted"],
                [
                    [
                        rule["rule_id"],
                        rule["signal"],
                        "new"
                        if rule["rule_id"] not in r.before
                        else f"{r.before[rule['rule_id']]:g}",
                        f"{float(rule['points']):g}",
                        *(f"{n:,}" for n in r.support.get(rule["rule_id"], (0, 0))),
                    ]
                    for rule in rules
                ],
            ),
            "",
            "### Volume effect",
            "",
            "MQLs: entities at or above the MQL threshold or qualified by a rule; calls: MQLs "
            "whose grade has a service level (`service_levels`). New per day: those that were "
            "not so on the previous backtest date, over the days between dates.",
            "",
            *_table(
                ["rule set", "MQLs per date", "new MQLs per day", "new calls per day"],
                [
                    [
                        v.rule_set,
                        f"{v.mqls_per_date:,.1f}",
                        _num(v.new_mqls_per_day, 2),
                        _num(v.new_calls_per_day, 2),
                    ]
                    for v in (r.volume.itertuples() if r.volume is not None else [])
                ],
            ),
        ]
    return "\n".join(lines) + "\n"


# What each model's rule-set version covers, as models/intermediate/config/
# int_rule_set_versions.sql hashes it in the warehouse: per seed, its section name, and its
# columns in line order, each `text` (as written, null written as nothing) or `number`
# (six decimal places). The versions must agree, so that a version recorded by `adopt` is
# the one the marts show (`rule_set_version`); tests_py/test_rule_set_versions.py checks it.
VERSION_SECTIONS = [
    ("scoring_models.csv", "model", [("entity_type", "text"), ("population", "text")]),
    ("scoring_dimensions.csv", "dimension", [("dimension", "text"), ("weight_pct", "number")]),
    (
        "scoring_categories.csv",
        "category",
        [
            ("dimension", "text"),
            ("category_id", "text"),
            ("entity_level", "text"),
            ("weight_pct", "number"),
        ],
    ),
    (
        "scoring_rules.csv",
        "rule",
        [
            ("rule_id", "text"),
            ("dimension", "text"),
            ("category_id", "text"),
            ("signal", "text"),
            ("match_operator", "text"),
            ("match_value", "text"),
            ("min_value", "number"),
            ("max_value", "number"),
            ("points", "number"),
            ("decay_method", "text"),
            ("decay_param", "number"),
            ("decay_windows", "text"),
            ("rule_cap", "number"),
            ("repeat_control", "text"),
            ("qualifies_as", "text"),
        ],
    ),
    (
        "grade_bands.csv",
        "band",
        [
            ("dimension", "text"),
            ("grade", "text"),
            ("min_score", "number"),
            ("max_score", "number"),
        ],
    ),
    (
        "qualification_thresholds.csv",
        "threshold",
        [("status", "text"), ("min_total_score", "number")],
    ),
]
WINDOW_COLUMNS = [
    ("window_set", "text"),
    ("min_age_days", "number"),
    ("max_age_days", "number"),
    ("weight", "number"),
]


def _version_value(text: str | None, kind: str) -> str:
    """A seed cell as the warehouse writes it in the configuration text: dbt loads an
    empty cell or `null` as null (written as nothing), and canonical_number writes a
    number with six decimals."""
    if text is None or text.strip().lower() in ("", "null"):
        return ""
    if kind == "number":
        return format(float(text) + 0.0, ".6f")
    return text


def _version_line(section: str, row: dict, columns: list[tuple[str, str]]) -> str:
    return "|".join([section, *(_version_value(row.get(c), kind) for c, kind in columns)])


def config_texts(project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    """Each model's canonical configuration text, as int_rule_set_versions writes it:
    its seed rows and the vars of `scorehouse_rule_set_version_vars` (with the values written
    in dbt_project.yml, named without their prefix; a run given other values has other
    versions), one line each, in byte order."""
    project_dir = Path(project_dir)
    scoring = project_dir / SCORING
    declared = yaml.safe_load((project_dir / "dbt_project.yml").read_text())["vars"]
    var_lines = [
        f"var|{name.replace(PREFIX, '', 1)}|{json.dumps(declared[name], sort_keys=True)}"
        for name in declared.get("scorehouse_rule_set_version_vars", [])
    ]
    models = [r["model_id"] for r in read_seed(scoring / "scoring_models.csv")]
    lines: dict[str, list[str]] = {m: list(var_lines) for m in models}
    for seed, section, columns in VERSION_SECTIONS:
        for row in read_seed(scoring / seed):
            if row["model_id"] in lines:
                lines[row["model_id"]].append(_version_line(section, row, columns))
    windows = read_seed(scoring / "decay_step_windows.csv")
    for row in read_seed(scoring / "scoring_rules.csv"):
        named = _version_value(row.get("decay_windows"), "text")
        if named and row["model_id"] in lines:
            lines[row["model_id"]] += [
                _version_line("window", w, WINDOW_COLUMNS)
                for w in windows
                if w["window_set"] == named
            ]
    # A window set named by several rules is one set of lines (the SQL selects distinct).
    return {
        model: "\n".join(sorted(set(found), key=lambda line: line.encode()))
        for model, found in lines.items()
    }


def rule_set_versions(project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    """Each model's rule-set version: the first 12 hex digits of the md5 of its
    configuration text, the value of `rule_set_version` in the marts."""
    return {
        model: hashlib.md5(text.encode()).hexdigest()[:12]
        for model, text in config_texts(project_dir).items()
    }


def config_hash(project_dir: Path = PROJECT_DIR) -> str:
    """Every model's rule-set version, `model:version` space-separated in model order:
    what `rule_set_versions.csv` records, so that a mart row's `rule_set_version` can be
    found there (the row whose `config_hash` holds `<model_id>:<rule_set_version>`)."""
    return " ".join(f"{m}:{v}" for m, v in sorted(rule_set_versions(project_dir).items()))


# --- adopting a candidate ---------------------------------------------------------------

VERSION_COLUMNS = ["version", "adopted_on", "rule_set", "models", "config_hash", "summary"]


def adopt(name: str, *, project_dir: Path = PROJECT_DIR, today: str | None = None) -> dict:
    """Make candidate rule set `name` the current rules of the models it names: its rules
    replace theirs (a rule at 0 points is removed) and its grade bands, if any, theirs.
    The rules and bands it replaces are kept as candidate rule set `before_v<N>` (adopt
    that to go back), and `rule_set_versions` gets version N with the new configuration's
    hash and what changed. Returns that row."""
    scoring = Path(project_dir) / SCORING
    candidates = read_seed(scoring / "scoring_rules_candidates.csv")
    chosen = [r for r in candidates if r["rule_set"] == name]
    if not chosen:
        known = sorted({r["rule_set"] for r in candidates})
        raise ScorehouseError(
            f"no candidate rule set {name!r} in seeds/scoring/scoring_rules_candidates.csv; "
            f"there are: {', '.join(known) or 'none'}"
        )
    versions = read_seed(scoring / "rule_set_versions.csv")
    version = max((int(v["version"]) for v in versions), default=0) + 1
    kept_as = f"before_v{version}"
    models = sorted({r["model_id"] for r in chosen})
    rules = read_seed(scoring / "scoring_rules.csv")
    rule_columns = list(rules[0].keys()) if rules else RULE_COLUMNS[1:]
    replaced = [r for r in rules if r["model_id"] in models]
    by_id = {(r["model_id"], r["rule_id"]): r for r in replaced}
    changed, added, removed = 0, 0, 0
    overlaid = dict(by_id)
    for row in chosen:
        key = (row["model_id"], row["rule_id"])
        new = {c: row.get(c, "") for c in rule_columns}
        old = by_id.get(key)
        if _number(row["points"]) == 0:
            removed += old is not None
            overlaid.pop(key, None)
            continue
        if old is None:
            added += 1
        elif any(str(old.get(c, "")) != str(new.get(c, "")) for c in rule_columns):
            changed += 1
        overlaid[key] = new
    new_rules = [r for r in rules if r["model_id"] not in models] + sorted(
        overlaid.values(), key=lambda r: (r["model_id"], r["rule_id"])
    )

    bands = read_seed(scoring / "grade_bands.csv")
    band_candidates = read_seed(scoring / "grade_bands_candidates.csv")
    chosen_bands = [b for b in band_candidates if b["rule_set"] == name]
    band_keys = {(b["model_id"], b["dimension"]) for b in chosen_bands}
    old_bands = [b for b in bands if (b["model_id"], b["dimension"]) in band_keys]
    new_bands = [b for b in bands if (b["model_id"], b["dimension"]) not in band_keys] + [
        {c: b[c] for c in BAND_COLUMNS[1:]} for b in chosen_bands
    ]
    # Nothing lost: the replaced rules and bands become candidate rule set before_v<N>.
    kept_rules = [{"rule_set": kept_as, **r} for r in replaced]
    # A rule the candidate adds is switched off in before_v<N>, so that adopting it undoes all.
    kept_rules += [
        {**{c: row.get(c, "") for c in RULE_COLUMNS}, "rule_set": kept_as, "points": 0}
        for row in chosen
        if (row["model_id"], row["rule_id"]) not in by_id and _number(row["points"]) != 0
    ]
    new_candidates = [r for r in candidates if r["rule_set"] != name] + kept_rules
    new_band_candidates = [b for b in band_candidates if b["rule_set"] != name] + [
        {"rule_set": kept_as, **b} for b in old_bands
    ]
    write_seed(scoring / "scoring_rules.csv", rule_columns, new_rules)
    write_seed(scoring / "grade_bands.csv", BAND_COLUMNS[1:], new_bands)
    write_seed(scoring / "scoring_rules_candidates.csv", RULE_COLUMNS, new_candidates)
    write_seed(scoring / "grade_bands_candidates.csv", BAND_COLUMNS, new_band_candidates)
    summary = (
        f"{changed} rules changed, {added} added, {removed} removed"
        + (
            f"; new bands for {', '.join(f'{m} {d}' for m, d in sorted(band_keys))}"
            if band_keys
            else ""
        )
        + f"; the previous rules are candidate {kept_as}"
    )
    row = {
        "version": version,
        "adopted_on": today or dt.datetime.now(dt.UTC).date().isoformat(),
        "rule_set": name,
        "models": " ".join(models),
        "config_hash": config_hash(project_dir),
        "summary": summary,
    }
    write_seed(scoring / "rule_set_versions.csv", VERSION_COLUMNS, [*versions, row])
    return row
