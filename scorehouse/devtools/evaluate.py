"""Compare scores with the demo generator's hidden truth (evaluation only).

The truth files hold what happened in the 90 days after the demo data ends: per contact,
whether a new-business opportunity was won; per customer account, whether it churned or
expanded. Scores never read them; this report does, to show that better grades convert
more often and that the models rank the right entities first.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from scorehouse.errors import ScorehouseError

BREAKDOWNS = {
    "fit grade": "fit_grade",
    "engagement level": "engagement_level",
    "lead grade": "lead_grade",
}

GRADE_QUERY = """
select
    {column} as grade,
    count(*) as leads,
    sum(case when truth.converted_90d then 1 else 0 end) as won,
    round(100.0 * avg(case when truth.converted_90d then 1.0 else 0.0 end), 2) as won_pct
from marts.lead_scores as scores
inner join read_csv(?, header = true, all_varchar = true) as truth
    on scores.contact_id = truth.contact_id
where scores.model_id = 'acquisition'
group by 1
order by 1
"""

# (model, mart, key, truth file, truth column): the outcome each model predicts.
RANKINGS = [
    ("acquisition", "lead_scores", "contact_id", "contacts.csv", "converted_90d"),
    ("retention", "account_scores", "account_id", "accounts.csv", "churned_90d"),
    ("expansion", "account_scores", "account_id", "accounts.csv", "expanded_90d"),
]

RANKING_QUERY = """
select scores.total_score, truth.{outcome} = 'true'
from marts.{mart} as scores
inner join read_csv(?, header = true, all_varchar = true) as truth
    on scores.{key} = truth.{key}
where scores.model_id = ?
"""


def roc_auc(pairs: list[tuple[float, bool]]) -> float | None:
    """Probability that a positive outranks a negative, ties counting one half."""
    ordered = sorted(pairs, key=lambda pair: pair[0])
    rank_sum, positives, start = 0.0, 0, 0
    while start < len(ordered):
        end = start
        while end < len(ordered) and ordered[end][0] == ordered[start][0]:
            end += 1
        average_rank = (start + 1 + end) / 2
        tied_positives = sum(1 for _, label in ordered[start:end] if label)
        rank_sum += average_rank * tied_positives
        positives += tied_positives
        start = end
    negatives = len(ordered) - positives
    if not positives or not negatives:
        return None
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def evaluate(db_path: Path, truth_dir: Path) -> str:
    for name in ("contacts.csv", "accounts.csv"):
        if not (truth_dir / name).exists():
            raise ScorehouseError(f"{truth_dir / name}: no truth file; run `scorehouse generate`")
    con = duckdb.connect(str(db_path), read_only=True)
    lines = []
    try:
        for title, column in BREAKDOWNS.items():
            rows = con.execute(
                GRADE_QUERY.format(column=column), [str(truth_dir / "contacts.csv")]
            ).fetchall()
            lines.append(f"{title:<18} {'leads':>8} {'won':>6} {'won %':>7}")
            lines += [f"{g:<18} {n:>8,} {w:>6,} {p:>7.2f}" for g, n, w, p in rows]
            lines.append("")
        lines.append(
            f"{'model':<14} {'outcome (90 days)':<18} {'entities':>9} {'positives':>10} {'AUC':>7}"
        )
        for model, mart, key, truth_file, outcome in RANKINGS:
            pairs = con.execute(
                RANKING_QUERY.format(mart=mart, key=key, outcome=outcome),
                [str(truth_dir / truth_file), model],
            ).fetchall()
            auc = roc_auc(pairs)
            positives = sum(1 for _, label in pairs if label)
            shown = f"{auc:.3f}" if auc is not None else "-"
            lines.append(f"{model:<14} {outcome:<18} {len(pairs):>9,} {positives:>10,} {shown:>7}")
    finally:
        con.close()
    return "\n".join(lines)
