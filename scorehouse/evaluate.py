"""Compare lead grades with the demo generator's hidden truth (evaluation only).

The truth file holds, per contact, whether a new-business opportunity was won in the 90
days after the demo data ends. Scores never read it; this report does, to show that
better grades convert more often.
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

QUERY = """
select
    {column} as grade,
    count(*) as leads,
    sum(case when truth.converted_90d then 1 else 0 end) as won,
    round(100.0 * avg(case when truth.converted_90d then 1.0 else 0.0 end), 2) as won_pct
from marts.lead_scores as scores
inner join read_csv(?, header = true, columns = {{
    'contact_id': 'varchar', 'account_id': 'varchar', 'latent_fit': 'double',
    'latent_intent': 'double', 'converted_90d': 'boolean'
}}) as truth
    on scores.contact_id = truth.contact_id
where scores.model_id = 'acquisition'
group by 1
order by 1
"""


def won_rate_by_grade(db_path: Path, truth_csv: Path) -> dict[str, list[tuple]]:
    if not truth_csv.exists():
        raise ScorehouseError(f"{truth_csv}: no truth file; run `scorehouse generate` first")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {
            title: con.execute(QUERY.format(column=column), [str(truth_csv)]).fetchall()
            for title, column in BREAKDOWNS.items()
        }
    finally:
        con.close()


def format_report(report: dict[str, list[tuple]]) -> str:
    lines = []
    for title, rows in report.items():
        lines.append(f"{title:<18} {'leads':>8} {'won':>6} {'won %':>7}")
        lines += [
            f"{grade:<18} {leads:>8,} {won:>6,} {pct:>7.2f}" for grade, leads, won, pct in rows
        ]
        lines.append("")
    return "\n".join(lines)
