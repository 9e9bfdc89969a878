"""Compare the reference scores with the dbt marts, and explain any difference readably."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from .scoring import Scores

SCORE_COLUMNS = ["fit_score", "engagement_score", "total_score"]
EXACT_COLUMNS = [
    "account_id",
    "fit_grade",
    "engagement_level",
    "lead_grade",
    "lifecycle_stage",
    "is_mql",
    "is_sql",
    "sla_due_at",
    "top_reasons",
]
BREAKDOWN_NUMBERS = ["occurrences", "base_points", "decayed_points", "capped_points"]
BREAKDOWN_KEY = ["contact_id", "rule_id"]


@dataclass
class Marts:
    lead_scores: pd.DataFrame
    breakdown: pd.DataFrame


def read_marts(db_path: Path, model_id: str = "acquisition") -> Marts:
    """`lead_scores` and `lead_score_breakdown` of one model, from a built warehouse."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        scores = con.execute(
            "select * from marts.lead_scores where model_id = ? order by contact_id", [model_id]
        ).df()
        breakdown = con.execute(
            "select * from marts.lead_score_breakdown where model_id = ? "
            "order by contact_id, rule_id",
            [model_id],
        ).df()
    finally:
        con.close()
    return Marts(scores, breakdown)


def _short(value, width: int = 60) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _present(value) -> object:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _same(a, b) -> bool:
    a, b = _present(a), _present(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, pd.Timestamp) or isinstance(b, pd.Timestamp):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return a == b


@dataclass
class Comparison:
    """Differences between the marts and the reference for one model."""

    compared_rows: int = 0
    missing_in_reference: list[str] = field(default_factory=list)
    missing_in_marts: list[str] = field(default_factory=list)
    # (contact_id, column, marts value, reference value)
    differences: list[tuple[str, str, object, object]] = field(default_factory=list)
    # (contact_id, rule_id, column, marts value, reference value)
    breakdown_differences: list[tuple] = field(default_factory=list)
    example: str = ""

    @property
    def ok(self) -> bool:
        return not (
            self.missing_in_reference
            or self.missing_in_marts
            or self.differences
            or self.breakdown_differences
        )

    def report(self, limit: int = 10) -> str:
        if self.ok:
            return f"reference and marts agree on {self.compared_rows} contacts"
        lines = [f"reference and marts disagree ({self.compared_rows} contacts compared)"]
        if self.missing_in_reference:
            lines.append(
                f"  {len(self.missing_in_reference)} contact(s) in the marts only, e.g. "
                + ", ".join(self.missing_in_reference[:limit])
            )
        if self.missing_in_marts:
            lines.append(
                f"  {len(self.missing_in_marts)} contact(s) in the reference only, e.g. "
                + ", ".join(self.missing_in_marts[:limit])
            )
        if self.differences:
            columns = sorted({d[1] for d in self.differences})
            lines.append(
                f"  {len(self.differences)} value(s) differ, in columns {', '.join(columns)}:"
            )
            lines.append(f"    {'contact_id':<14} {'column':<18} {'marts':>22} {'reference':>22}")
            for contact, column, mart, ref in self.differences[:limit]:
                lines.append(f"    {contact:<14} {column:<18} {_short(mart):>22} {_short(ref):>22}")
        if self.breakdown_differences:
            lines.append(f"  {len(self.breakdown_differences)} breakdown value(s) differ:")
            for contact, rule, column, mart, ref in self.breakdown_differences[:limit]:
                lines.append(f"    {contact} {rule} {column}: marts {mart!s}, reference {ref!s}")
        if self.example:
            lines.append(self.example)
        return "\n".join(lines)


def _explain(contact: str, marts: Marts, reference: Scores) -> str:
    """Per-rule points of one contact, side by side."""
    columns = ["rule_id", *BREAKDOWN_NUMBERS]
    mart = marts.breakdown.loc[marts.breakdown["contact_id"] == contact, columns]
    ref = reference.breakdown.loc[reference.breakdown["contact_id"] == contact, columns]
    both = mart.merge(ref, on="rule_id", how="outer", suffixes=("_marts", "_ref"))
    both = both.sort_values("rule_id")
    shown = ["rule_id"] + [f"{c}_{side}" for c in BREAKDOWN_NUMBERS for side in ("marts", "ref")]
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        table = both[shown].to_string(index=False, float_format=lambda v: f"{v:.6f}")
    return f"  per-rule points of {contact} (marts vs reference):\n" + "\n".join(
        "    " + line for line in table.splitlines()
    )


def compare(
    reference: Scores,
    marts: Marts,
    *,
    tolerance: float = 1e-9,
    score_columns: list[str] | None = None,
    exact_columns: list[str] | None = None,
    breakdown_dimensions: list[str] | None = None,
) -> Comparison:
    """Compare every contact: scores within `tolerance`, the other columns exactly, and
    the per-rule breakdown of `breakdown_dimensions` (all when None)."""
    score_columns = SCORE_COLUMNS if score_columns is None else score_columns
    exact_columns = EXACT_COLUMNS if exact_columns is None else exact_columns
    result = Comparison()
    mart_ids = set(marts.lead_scores["contact_id"])
    ref_ids = set(reference.lead_scores["contact_id"])
    result.missing_in_reference = sorted(mart_ids - ref_ids)
    result.missing_in_marts = sorted(ref_ids - mart_ids)
    joined = marts.lead_scores.merge(
        reference.lead_scores, on="contact_id", suffixes=("_marts", "_ref")
    ).sort_values("contact_id")
    result.compared_rows = len(joined)
    for row in joined.to_dict("records"):
        for column in score_columns:
            mart, ref = row[f"{column}_marts"], row[f"{column}_ref"]
            if not abs(float(mart) - float(ref)) <= tolerance:
                result.differences.append((row["contact_id"], column, mart, ref))
        for column in exact_columns:
            mart, ref = row[f"{column}_marts"], row[f"{column}_ref"]
            if not _same(mart, ref):
                result.differences.append((row["contact_id"], column, mart, ref))

    mart_parts, ref_parts = marts.breakdown, reference.breakdown
    if breakdown_dimensions is not None:
        mart_parts = mart_parts[mart_parts["dimension"].isin(breakdown_dimensions)]
        ref_parts = ref_parts[ref_parts["dimension"].isin(breakdown_dimensions)]
    parts = mart_parts.merge(
        ref_parts, on=BREAKDOWN_KEY, how="outer", suffixes=("_marts", "_ref"), indicator=True
    ).sort_values(BREAKDOWN_KEY)
    for row in parts.to_dict("records"):
        if row["_merge"] != "both":
            side = "marts only" if row["_merge"] == "left_only" else "reference only"
            result.breakdown_differences.append(
                (row["contact_id"], row["rule_id"], "row", side, "")
            )
            continue
        for column in BREAKDOWN_NUMBERS:
            mart, ref = row[f"{column}_marts"], row[f"{column}_ref"]
            if not abs(float(mart) - float(ref)) <= tolerance:
                result.breakdown_differences.append(
                    (row["contact_id"], row["rule_id"], column, mart, ref)
                )

    first = result.differences[:1] or result.breakdown_differences[:1]
    if first:
        result.example = _explain(first[0][0], marts, reference)
    return result
