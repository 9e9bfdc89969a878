"""Demo-data generator: a synthetic B2B vendor's raw exports, with a hidden ground truth.

`generate(out_dir)` writes the 10 raw tables of the contract (`models/staging/*/_*__sources.yml`)
to `out_dir/raw/<table>.csv|parquet`, every value as text, and the latent truth the raw files
are drawn from to `out_dir/truth/` (`contacts.csv`, `accounts.csv`, `dirt.json`). The same
arguments give byte-identical files.

The world: accounts with a latent fit that drives firmographics; contacts whose fit combines
the account's with their title and email domain; a latent intent that rises in buying windows
(more /pricing, demo requests, webinars, email clicks); customers with a latent health that
drives usage trend, tickets, NPS, late payments, renewals and expansions. After `end_date`,
90-day outcomes (`converted_90d`, `churned_90d`, `expanded_90d`) are drawn from the latents
and written only to `truth/`.

Timestamps are `YYYY-MM-DD HH:MM:SS` UTC; ~5% are ISO with `Z` and ~0.5% carry an offset.

Injected dirt (`DirtRates`; exact counts per table in `truth/dirt.json`):

| Dirt                                   | Rate   | Tables                                  |
|----------------------------------------|--------|-----------------------------------------|
| duplicate rows (same id)               | 1%     | 4 event tables                          |
| mixed-case / space-padded emails       | 8%     | contacts, form_submissions              |
| empty primary key                      | 0.2%   | every table                             |
| empty contact_id                       | 0.2%   | email_events                            |
| unparseable main timestamp             | 0.1%   | every table                             |
| timestamp 1-3 years after end_date     | 0.1%   | 4 event tables                          |
| unknown event type                     | 0.2%   | email_events, form_submissions, product |
| internal / test accounts               | 1%     | accounts (and their contacts)           |
| bot page views                         | 3%     | page_views                              |
| account_id of a missing account        | 1%     | contacts                                |
| late-arriving (received 2-10 days late, at file end) | 2% | 4 event tables              |
| NPS score out of 0-10                  | 0.2%   | nps_responses                           |
| negative invoice amount                | 0.1%   | invoices                                |
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from scorehouse.contract import load_contract

from . import _vocab as V
from ._events import URLS, Events
from ._io import (
    DAY,
    DIRT,
    Calendar,
    DirtRates,
    Emitter,
    Writer,
    ids,
    num_str,
    opt_ids,
    sig,
    take,
    time_of_day,
)
from ._world import World

__all__ = ["DIRT", "DirtRates", "generate", "main"]

TABLES = [
    "accounts",
    "contacts",
    "opportunities",
    "page_views",
    "email_events",
    "form_submissions",
    "product_usage_events",
    "support_tickets",
    "nps_responses",
    "invoices",
]


def period_start(end_date: date, months: int) -> date:
    """First day of the month `months - 1` months before end_date's month."""
    k = end_date.year * 12 + end_date.month - 1 - (months - 1)
    return date(k // 12, k % 12 + 1, 1)


def generate(
    out_dir: Path,
    *,
    scale: float = 1.0,
    seed: int = 42,
    end_date: date = date(2026, 10, 31),
    months: int = 12,
    fmt: str = "csv",
) -> dict:
    """Write raw/ and truth/ under out_dir; return rows per table and dirt counts."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be csv or parquet, not {fmt!r}")
    if months < 1 or scale <= 0:
        raise ValueError("months must be >= 1 and scale > 0")
    out_dir = Path(out_dir)
    raw, truth = out_dir / "raw", out_dir / "truth"
    raw.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    for t in TABLES:  # a previous run in the other format would be picked up by the loader
        for ext in ("csv", "parquet"):
            (raw / f"{t}.{ext}").unlink(missing_ok=True)
    rng = np.random.default_rng(seed)
    cal = Calendar(period_start(end_date, months), end_date)
    contract = load_contract()
    writers = {t: Writer(raw, t, contract[t].column_names, fmt) for t in TABLES}
    dirt: dict[str, dict[str, int]] = {t: {} for t in TABLES}
    em = Emitter(rng, cal, writers, dirt)
    w = World(rng, cal, scale)
    try:
        _accounts(w, em)
        _contacts(w, em)
        _opportunities(w, em)
        _forms(w, em)
        _tickets(w, em)
        _nps(w, em)
        _invoices(w, em)
        Events(w, em).run()
    finally:
        for wr in writers.values():
            wr.close()
    rows = {t: writers[t].rows for t in TABLES}
    dirt = {t: dict(sorted(d.items())) for t, d in dirt.items()}
    _truth(w, truth, dirt)
    meta = {
        "seed": seed,
        "scale": scale,
        "format": fmt,
        "months": months,
        "start_date": cal.start.isoformat(),
        "end_date": end_date.isoformat(),
        "rows": rows,
    }
    (raw / "_generated.json").write_text(json.dumps(meta, indent=2) + "\n")
    return {**meta, "dirt": dirt}


def _secs(cal, days, rng):
    return cal.t0 + np.asarray(days, np.int64) * DAY + time_of_day(rng, len(days))


def _messy_emails(rng, emails: list[str]) -> tuple[list[str], int]:
    emails = list(emails)
    sel = np.nonzero(rng.random(len(emails)) < DIRT.messy_email)[0]
    variant = rng.integers(5, size=len(sel))
    for i, v in zip(sel, variant, strict=True):
        e = emails[i]
        emails[i] = [e.title(), e.upper(), " " + e, e + "  ", f" {e.title()} "][v]
    return emails, len(sel)


def _accounts(w: World, em: Emitter):
    rng, na = em.rng, w.na
    em.emit(
        "accounts",
        ("account_id", ids("ACC-", np.arange(1, na + 1), 6)),
        {
            "account_name": pa.array(w.acc_name, pa.string()),
            "domain": pa.array(w.acc_domain, pa.string()),
            "industry": take(w.industry_vocab, w.industry),
            "employee_count": num_str(w.employees),
            "annual_revenue": num_str(w.revenue, null=w.revenue_null),
            "country": take(V.COUNTRIES, w.country, rng.random(na) < 0.03),
        },
        {"created_at": (_secs(em.cal, w.acc_created, rng), None, False)},
        "created_at",
    )
    em.count("accounts", "internal_or_test_account", w.n_internal_accounts)


def _contacts(w: World, em: Emitter):
    rng, nc = em.rng, w.nc
    emails, n_messy = _messy_emails(rng, w.c_email)
    acc = pc.if_else(
        pa.array(w.c_acc == -2), ids("ACC-", w.missing_acc_id, 6), opt_ids("ACC-", w.c_acc, 6)
    )
    titles = pa.array([t or None for t in w.c_titles], pa.string())
    em.emit(
        "contacts",
        ("contact_id", ids("CON-", np.arange(1, nc + 1), 7)),
        {
            "account_id": acc,
            "email": pa.array(emails, pa.string()),
            "first_name": take(pa.array(w.c_first, pa.string()), np.arange(nc), w.c_first_null),
            "last_name": take(pa.array(w.c_last, pa.string()), np.arange(nc), w.c_last_null),
            "job_title": titles,
            "country": take(V.COUNTRIES, w.c_country),
            "lead_source": take(V.LEAD_SOURCES, w.c_source),
        },
        {"created_at": (w.c_created, None, False)},
        "created_at",
    )
    em.count("contacts", "messy_email", n_messy)
    em.count("contacts", "missing_account", int(w.c_missing.sum()))
    em.count("contacts", "internal_or_test_contact", w.n_internal_contacts)


def _opportunities(w: World, em: Emitter):
    o = w.opp
    n = len(o["acc"])
    em.emit(
        "opportunities",
        ("opportunity_id", ids("OPP-", np.arange(1, n + 1), 6)),
        {
            "account_id": ids("ACC-", o["acc"] + 1, 6),
            "contact_id": opt_ids("CON-", o["contact"], 7),
            "opportunity_type": take(["new_business", "expansion", "renewal"], o["type"]),
            "stage": take(["open", "won", "lost"], o["stage"]),
            "amount": num_str(o["amount"]),
        },
        {
            "created_at": (o["created"], None, False),
            "closed_at": (o["closed"], o["stage"] == 0, False),
        },
        "created_at",
    )


def _forms(w: World, em: Emitter):
    rng = em.rng
    n = len(w.f_c)
    emails, n_messy = _messy_emails(rng, [w.c_email[c] for c in w.f_c])
    cat, page = w.f_page
    rec = w.f_t + np.exp(rng.normal(2.0, 1.0, n)).astype(np.int64) + 1

    def unknown(cols, mask):
        cols["form_type"] = pc.replace_with_mask(
            cols["form_type"], pa.array(mask), pa.array(["job_application"] * int(mask.sum()))
        )

    em.emit(
        "form_submissions",
        ("form_submission_id", ids("FS-", np.arange(1, n + 1), 7)),
        {
            "email": pa.array(emails, pa.string()),
            "anonymous_id": take(ids("anon-", w.anon_label, 8), w.f_anon),
            "form_type": take(V.FORM_TYPES, w.f_type),
            "page_url": take(
                URLS, np.cumsum([0] + [len(c) for c in V.PAGE_CATEGORIES])[cat] + page
            ),
        },
        {"occurred_at": (w.f_t, None, False), "received_at": (rec, None, False)},
        "occurred_at",
        event=True,
        extra=[("unknown_event_type", DIRT.unknown_event_type, unknown)],
    )
    em.count("form_submissions", "messy_email", n_messy)


def _active(w: World):
    cust = np.nonzero(w.cust_from < w.D)[0]
    lo = np.maximum(w.cust_from[cust], 0)
    hi = np.minimum(w.cust_to[cust], w.D)
    ok = hi > lo
    return cust[ok], lo[ok], hi[ok]


def _tickets(w: World, em: Emitter):
    rng, cal = em.rng, em.cal
    cust, lo, hi = _active(w)
    h = w.health[cust]
    rate = 7.0 * (w.employees[cust] / 100.0) ** 0.2 * np.exp(-0.5 * h) * (hi - lo) / 365
    k = rng.poisson(rate)
    a, lo, hi = np.repeat(cust, k), np.repeat(lo, k), np.repeat(hi, k)
    t = cal.sample(rng, lo, hi)
    order = np.argsort(t, kind="stable")
    a, t = a[order], t[order]
    n, h = len(a), w.health[a]
    hi_prio = rng.random(n) < sig(-1.3 - 0.6 * h)
    prio = np.where(hi_prio, 2 + (rng.random(n) < 0.3), (rng.random(n) >= 0.4).astype(int))
    esc = rng.random(n) < sig(-2.6 - 0.8 * h + 1.2 * (prio >= 2))
    hours = np.exp(rng.normal(np.log(20) - 0.6 * (prio == 3), 1.2, n))
    resolved = t + (hours * 3600).astype(np.int64)
    open_ = (rng.random(n) < 0.08) | (resolved >= cal.t1)
    em.emit(
        "support_tickets",
        ("ticket_id", ids("TCK-", np.arange(1, n + 1), 6)),
        {
            "account_id": ids("ACC-", a + 1, 6),
            "contact_id": opt_ids("CON-", w._contact_of(a, 0.15), 7),
            "priority": take(V.PRIORITIES, prio),
            "is_escalated": take(["false", "true"], esc.astype(int)),
        },
        {"opened_at": (t, None, False), "resolved_at": (resolved, open_, False)},
        "opened_at",
    )


def _nps(w: World, em: Emitter):
    rng, cal = em.rng, em.cal
    parts = []
    for ms, _ in cal.months[::3]:
        day = ms + 10
        act = np.nonzero((w.cust_from <= day) & (day < w.cust_to))[0]
        a = np.repeat(act, rng.poisson(1.4, len(act)))
        t = cal.t0 + (day + rng.exponential(3.0, len(a))).astype(np.int64) * DAY
        parts.append((a, t + time_of_day(rng, len(a))))
    a = np.concatenate([p[0] for p in parts]).astype(np.int64)
    t = np.concatenate([p[1] for p in parts]).astype(np.int64)
    keep = np.nonzero(t < cal.t1)[0]
    order = keep[np.argsort(t[keep], kind="stable")]
    a, t = a[order], t[order]
    n = len(a)
    score = np.clip(np.round(7.3 + 1.8 * w.health[a] + rng.normal(0, 1.8, n)), 0, 10)

    def out_of_range(cols, mask):
        sub = take(V.NPS_OUT_OF_RANGE, rng.integers(len(V.NPS_OUT_OF_RANGE), size=int(mask.sum())))
        cols["score"] = pc.replace_with_mask(cols["score"], pa.array(mask), sub)

    em.emit(
        "nps_responses",
        ("nps_response_id", ids("NPS-", np.arange(1, n + 1), 6)),
        {
            "account_id": ids("ACC-", a + 1, 6),
            "contact_id": opt_ids("CON-", w._contact_of(a, 0.1), 7),
            "score": num_str(score),
        },
        {"responded_at": (t, None, False)},
        "responded_at",
        extra=[("score_out_of_range", DIRT.nps_out_of_range, out_of_range)],
    )


def _invoices(w: World, em: Emitter):
    rng, cal = em.rng, em.cal
    rows_a, rows_d = [], []
    for ms, me in cal.months:
        day = np.minimum(ms + w.renewal_day % 28, me - 1)
        act = (w.cust_from <= day) & (day < w.cust_to)
        rows_a.append(np.nonzero(act)[0])
        rows_d.append(day[act])
    a, day = np.concatenate(rows_a), np.concatenate(rows_d)
    order = np.lexsort((a, day))
    a, day = a[order], day[order]
    n, h = len(a), w.health[a]
    late = rng.random(n) < sig(-2.2 - 1.2 * h)
    unpaid = rng.random(n) < sig(-4.0 - 1.0 * h)
    paid = np.where(late, day + 30 + rng.integers(1, 61, n), day + rng.integers(0, 31, n))
    paid_null = unpaid | (paid >= cal.n_days)
    e0 = cal.t0 // DAY

    def negative(cols, mask):
        neg = pc.binary_join_element_wise("-", cols["amount"].filter(pa.array(mask)), "")
        cols["amount"] = pc.replace_with_mask(cols["amount"], pa.array(mask), neg)

    em.emit(
        "invoices",
        ("invoice_id", ids("INV-", np.arange(1, n + 1), 7)),
        {"account_id": ids("ACC-", a + 1, 6), "amount": num_str(w.acv[a] / 12, 2)},
        {
            "invoice_date": (e0 + day, None, True),
            "due_date": (e0 + day + 30, None, True),
            "paid_date": (e0 + paid, paid_null, True),
        },
        "invoice_date",
        extra=[("negative_amount", DIRT.negative_invoice, negative)],
    )


def _truth(w: World, truth: Path, dirt: dict) -> None:
    acc_id = pc.if_else(
        pa.array(w.c_acc == -2), ids("ACC-", w.missing_acc_id, 6), opt_ids("ACC-", w.c_acc, 6)
    )
    contacts = pa.table(
        {
            "contact_id": ids("CON-", np.arange(1, w.nc + 1), 7),
            "account_id": acc_id,
            "latent_fit": np.round(w.c_fit, 4),
            "latent_intent": np.round(w.c_intent30, 4),
            "converted_90d": w.c_conv,
        }
    )
    cust = w.active_end
    intent = np.where(np.isfinite(w.acc_intent), w.acc_intent, np.nan)
    accounts = pa.table(
        {
            "account_id": ids("ACC-", np.arange(1, w.na + 1), 6),
            "latent_fit": np.round(w.acc_fit, 4),
            "latent_intent": pa.array(np.round(intent, 4), from_pandas=True),
            "is_customer": cust,
            "latent_health": pa.array(
                np.where(cust, np.round(w.health, 4), np.nan), from_pandas=True
            ),
            "churned_90d": w.churned,
            "expanded_90d": w.expanded,
            "converted_90d": w.acc_conv,
        }
    )
    pacsv.write_csv(contacts, truth / "contacts.csv")
    pacsv.write_csv(accounts, truth / "accounts.csv")
    (truth / "dirt.json").write_text(json.dumps(dirt, indent=2, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m scorehouse.devtools.generate", description=__doc__.split("\n")[0]
    )
    p.add_argument("--out", type=Path, default=Path("data"), help="output directory")
    p.add_argument("--scale", type=float, default=1.0, help="volume multiplier (1.0 = ~1M events)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 10, 31))
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--format", choices=["csv", "parquet"], default="csv")
    a = p.parse_args(argv)
    summary = generate(
        a.out, scale=a.scale, seed=a.seed, end_date=a.end_date, months=a.months, fmt=a.format
    )
    for t, n in summary["rows"].items():
        print(f"{t:<22} {n:>10,}")
    return 0
