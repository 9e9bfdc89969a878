"""Staging, from the raw files: parse, give each row a quarantine reason, keep the rest.

Reason codes follow docs/configuration.md ("Staging and quarantine"): the first matching
check wins, and a row with no reason is staged. Duplicates are ranked among all the rows of
a table that share the id (including rows quarantined for another reason), in delivery order
(`_loaded_at`, `_source_file`, `_source_row`): events keep the first copy, CRM records the
latest. One load stamps every row of a file with the same `_loaded_at`, so the order is the
row order of the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from scorehouse.contract import accepted_values, load_contract

from .parsing import (
    clean_text,
    contains_any,
    email_domain,
    is_unparseable,
    lower,
    normalize_email,
    parse_date,
    parse_integer,
    parse_number,
    parse_timestamp,
    upper,
)

DELIMITERS = [",", ";", "\t", "|"]


def read_raw(raw_dir: Path, table: str) -> pd.DataFrame:
    """One raw table as text, with the contract's columns (absent ones empty) and
    `_source_row` (1-based row number in the file)."""
    columns = load_contract()[table].column_names
    raw_dir = Path(raw_dir)
    parquet = raw_dir / f"{table}.parquet"
    if parquet.exists():
        frame = pd.read_parquet(parquet).astype(object)
    else:
        path = next(
            p for p in (raw_dir / f"{table}.csv", raw_dir / f"{table}.csv.gz") if p.exists()
        )
        opener = pd.io.common.get_handle(path, "r", compression="infer", encoding="utf-8-sig")
        with opener as handle:
            header = handle.handle.readline()
        delimiter = max(DELIMITERS, key=header.count)
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            sep=delimiter,
            encoding="utf-8-sig",
        )
    frame.columns = [c.lower() for c in frame.columns]
    out = pd.DataFrame({c: frame.get(c, None) for c in columns}, index=frame.index)
    out = out.astype(object).where(out.notna(), None)
    out["_source_row"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)


def copy_number(keys: pd.Series, keep: str) -> pd.Series:
    """1 for the copy of each id that staging keeps, 2, 3... for the other copies."""
    order = pd.Series(np.arange(len(keys)), index=keys.index)
    if keep == "latest":
        order = -order
    ranks = order.groupby(keys.fillna("\x00"), sort=False).rank(method="first")
    return ranks.astype(int)


def first_reason(checks: list[tuple[str, pd.Series]], index: pd.Index) -> pd.Series:
    """The first reason whose check holds, per row (None when none holds)."""
    reason = pd.Series([None] * len(index), index=index, dtype=object)
    for code, mask in checks:
        mask = mask.fillna(False).astype(bool)
        reason = reason.where(reason.notna() | ~mask, code)
    return reason


def mark_duplicates(reason: pd.Series, keys: pd.Series, keep: str) -> pd.Series:
    """`duplicate` for every usable row (no other reason) but the one kept per id: copies
    with another problem do not count, so a usable later copy is not lost."""
    usable = reason.isna()
    duplicate = pd.Series(False, index=reason.index)
    duplicate[usable] = copy_number(keys[usable], keep) > 1
    return reason.where(~duplicate, "duplicate")


@dataclass
class Staged:
    """The staged rows of one raw table and the count of rows per quarantine reason."""

    rows: pd.DataFrame
    quarantined: dict[str, int] = field(default_factory=dict)


def _split(frame: pd.DataFrame, reason: pd.Series) -> Staged:
    counts = reason.dropna().value_counts().to_dict()
    rows = frame[reason.isna()].reset_index(drop=True)
    return Staged(rows, {k: int(v) for k, v in counts.items()})


def _is_future(occurred_at: pd.Series, loaded_at: dt.datetime, tolerance_hours: float):
    return occurred_at > pd.Timestamp(loaded_at) + pd.Timedelta(hours=tolerance_hours)


def stage_accounts(raw: pd.DataFrame, variables: dict) -> Staged:
    f = pd.DataFrame(
        {
            "account_id": clean_text(raw["account_id"]),
            "account_name": clean_text(raw["account_name"]),
            "account_domain": lower(clean_text(raw["domain"])),
            "industry": clean_text(raw["industry"]),
            "country_code": upper(clean_text(raw["country"])),
            "employee_count": parse_integer(raw["employee_count"]),
            "annual_revenue": parse_number(raw["annual_revenue"]),
            "created_at": parse_timestamp(raw["created_at"]),
        }
    )
    reason = first_reason(
        [
            ("missing_key", f["account_id"].isna()),
            ("unparseable_timestamp", is_unparseable(raw["created_at"], f["created_at"])),
            (
                "unparseable_value",
                is_unparseable(raw["employee_count"], f["employee_count"])
                | is_unparseable(raw["annual_revenue"], f["annual_revenue"]),
            ),
            ("missing_value", f["created_at"].isna()),
            ("invalid_value", (f["employee_count"] < 0) | (f["annual_revenue"] < 0)),
            (
                "internal_or_test",
                contains_any(f["account_name"], variables["scorehouse_test_account_patterns"])
                | f["account_domain"].isin(variables["scorehouse_internal_domains"]),
            ),
        ],
        f.index,
    )
    reason = mark_duplicates(reason, f["account_id"], "latest")
    return _split(f, reason)


def stage_contacts(raw: pd.DataFrame, variables: dict) -> Staged:
    f = pd.DataFrame(
        {
            "contact_id": clean_text(raw["contact_id"]),
            "account_id": clean_text(raw["account_id"]),
            "email": normalize_email(raw["email"]),
            "job_title": clean_text(raw["job_title"]),
            "country_code": upper(clean_text(raw["country"])),
            "created_at": parse_timestamp(raw["created_at"]),
        }
    )
    f["email_domain"] = email_domain(f["email"])
    reason = first_reason(
        [
            ("missing_key", f["contact_id"].isna()),
            ("unparseable_timestamp", is_unparseable(raw["created_at"], f["created_at"])),
            ("invalid_email", is_unparseable(raw["email"], f["email"])),
            ("missing_value", f["created_at"].isna()),
            (
                "internal_or_test",
                f["email_domain"].isin(variables["scorehouse_internal_domains"])
                | contains_any(f["email"], variables["scorehouse_test_account_patterns"]),
            ),
        ],
        f.index,
    )
    reason = mark_duplicates(reason, f["contact_id"], "latest")
    return _split(f, reason)


def stage_opportunities(raw: pd.DataFrame, variables: dict, loaded_at: dt.datetime) -> Staged:
    f = pd.DataFrame(
        {
            "opportunity_id": clean_text(raw["opportunity_id"]),
            "account_id": clean_text(raw["account_id"]),
            "opportunity_type": lower(clean_text(raw["opportunity_type"])),
            "opportunity_stage": lower(clean_text(raw["stage"])),
            "amount": parse_number(raw["amount"]),
            "created_at": parse_timestamp(raw["created_at"]),
            "closed_at": parse_timestamp(raw["closed_at"]),
        }
    )
    tolerance = variables["scorehouse_future_tolerance_hours"]
    stage = f["opportunity_stage"]
    reason = first_reason(
        [
            ("missing_key", f["opportunity_id"].isna() | f["account_id"].isna()),
            (
                "unparseable_timestamp",
                is_unparseable(raw["created_at"], f["created_at"])
                | is_unparseable(raw["closed_at"], f["closed_at"]),
            ),
            ("unparseable_value", is_unparseable(raw["amount"], f["amount"])),
            (
                "missing_value",
                f["created_at"].isna() | f["opportunity_type"].isna() | stage.isna(),
            ),
            (
                "future_timestamp",
                _is_future(f["created_at"], loaded_at, tolerance)
                | _is_future(f["closed_at"], loaded_at, tolerance),
            ),
            (
                "unknown_type",
                ~f["opportunity_type"].isin(["new_business", "expansion", "renewal"])
                | ~stage.isin(["open", "won", "lost"]),
            ),
            (
                "invalid_value",
                (f["amount"] < 0)
                | ((stage == "open") & f["closed_at"].notna())
                | ((stage != "open") & f["closed_at"].isna())
                | (f["closed_at"] < f["created_at"]),
            ),
        ],
        f.index,
    )
    reason = mark_duplicates(reason, f["opportunity_id"], "latest")
    return _split(f, reason)


def stage_invoices(raw: pd.DataFrame) -> Staged:
    f = pd.DataFrame(
        {
            "invoice_id": clean_text(raw["invoice_id"]),
            "account_id": clean_text(raw["account_id"]),
            "invoice_amount": parse_number(raw["amount"]),
            "invoice_date": parse_date(raw["invoice_date"]),
            "due_date": parse_date(raw["due_date"]),
            "paid_date": parse_date(raw["paid_date"]),
        }
    )
    reason = first_reason(
        [
            ("missing_key", f["invoice_id"].isna() | f["account_id"].isna()),
            (
                "unparseable_timestamp",
                is_unparseable(raw["invoice_date"], f["invoice_date"])
                | is_unparseable(raw["due_date"], f["due_date"])
                | is_unparseable(raw["paid_date"], f["paid_date"]),
            ),
            ("unparseable_value", is_unparseable(raw["amount"], f["invoice_amount"])),
            (
                "missing_value",
                f["invoice_date"].isna() | f["due_date"].isna() | f["invoice_amount"].isna(),
            ),
            ("invalid_value", (f["invoice_amount"] < 0) | (f["due_date"] < f["invoice_date"])),
        ],
        f.index,
    )
    reason = mark_duplicates(reason, f["invoice_id"], "latest")
    return _split(f, reason)


def stage_page_views(raw: pd.DataFrame, variables: dict, loaded_at: dt.datetime) -> Staged:
    f = pd.DataFrame(
        {
            "page_view_id": clean_text(raw["page_view_id"]),
            "anonymous_id": clean_text(raw["anonymous_id"]),
            "contact_id": clean_text(raw["contact_id"]),
            "page_url": lower(clean_text(raw["url"])),
            "user_agent": clean_text(raw["user_agent"]),
            "occurred_at": parse_timestamp(raw["occurred_at"]),
            "received_at": parse_timestamp(raw["received_at"]),
        }
    )
    reason = first_reason(
        [
            ("missing_key", f["page_view_id"].isna() | f["anonymous_id"].isna()),
            (
                "unparseable_timestamp",
                is_unparseable(raw["occurred_at"], f["occurred_at"])
                | is_unparseable(raw["received_at"], f["received_at"]),
            ),
            ("missing_value", f["occurred_at"].isna() | f["page_url"].isna()),
            (
                "future_timestamp",
                _is_future(
                    f["occurred_at"], loaded_at, variables["scorehouse_future_tolerance_hours"]
                ),
            ),
            (
                "bot_traffic",
                contains_any(f["user_agent"], variables["scorehouse_bot_user_agent_patterns"]),
            ),
        ],
        f.index,
    )
    reason = mark_duplicates(reason, f["page_view_id"], "first")
    return _split(f, reason)


EMAIL_EVENT_TYPES = accepted_values("email_events", "event_type")
FORM_TYPES = accepted_values("form_submissions", "form_type")


def stage_email_events(raw: pd.DataFrame, variables: dict, loaded_at: dt.datetime) -> Staged:
    f = pd.DataFrame(
        {
            "email_event_id": clean_text(raw["email_event_id"]),
            "contact_id": clean_text(raw["contact_id"]),
            "campaign_id": clean_text(raw["campaign_id"]),
            "email_event_type": lower(clean_text(raw["event_type"])),
            "bounce_type": lower(clean_text(raw["bounce_type"])),
            "occurred_at": parse_timestamp(raw["occurred_at"]),
            "received_at": parse_timestamp(raw["received_at"]),
        }
    )
    reason = first_reason(
        [
            ("missing_key", f["email_event_id"].isna() | f["contact_id"].isna()),
            (
                "unparseable_timestamp",
                is_unparseable(raw["occurred_at"], f["occurred_at"])
                | is_unparseable(raw["received_at"], f["received_at"]),
            ),
            (
                "missing_value",
                f["occurred_at"].isna() | f["email_event_type"].isna() | f["campaign_id"].isna(),
            ),
            (
                "future_timestamp",
                _is_future(
                    f["occurred_at"], loaded_at, variables["scorehouse_future_tolerance_hours"]
                ),
            ),
            ("unknown_type", ~f["email_event_type"].isin(EMAIL_EVENT_TYPES)),
            ("invalid_value", f["bounce_type"].notna() & ~f["bounce_type"].isin(["hard", "soft"])),
        ],
        f.index,
    )
    reason = mark_duplicates(reason, f["email_event_id"], "first")
    return _split(f, reason)


def stage_form_submissions(raw: pd.DataFrame, variables: dict, loaded_at: dt.datetime) -> Staged:
    f = pd.DataFrame(
        {
            "form_submission_id": clean_text(raw["form_submission_id"]),
            "email": normalize_email(raw["email"]),
            "contact_id": clean_text(raw["contact_id"]),
            "anonymous_id": clean_text(raw["anonymous_id"]),
            "form_type": lower(clean_text(raw["form_type"])),
            "occurred_at": parse_timestamp(raw["occurred_at"]),
            "received_at": parse_timestamp(raw["received_at"]),
        }
    )
    reason = first_reason(
        [
            ("missing_key", f["form_submission_id"].isna()),
            (
                "unparseable_timestamp",
                is_unparseable(raw["occurred_at"], f["occurred_at"])
                | is_unparseable(raw["received_at"], f["received_at"]),
            ),
            ("invalid_email", is_unparseable(raw["email"], f["email"])),
            (
                "missing_value",
                f["occurred_at"].isna()
                | (f["email"].isna() & f["contact_id"].isna())
                | f["form_type"].isna(),
            ),
            (
                "future_timestamp",
                _is_future(
                    f["occurred_at"], loaded_at, variables["scorehouse_future_tolerance_hours"]
                ),
            ),
            ("unknown_type", ~f["form_type"].isin(FORM_TYPES)),
            (
                "internal_or_test",
                email_domain(f["email"]).isin(variables["scorehouse_internal_domains"]),
            ),
        ],
        f.index,
    )
    reason = mark_duplicates(reason, f["form_submission_id"], "first")
    return _split(f, reason)


@dataclass
class StagedData:
    accounts: Staged
    contacts: Staged
    opportunities: Staged
    invoices: Staged
    page_views: Staged
    email_events: Staged
    form_submissions: Staged

    def quarantine_counts(self) -> dict[tuple[str, str], int]:
        """(raw table, reason) -> rows, for the tables the reference stages."""
        return {
            (table, code): n
            for table, staged in self.__dict__.items()
            for code, n in staged.quarantined.items()
        }


def stage_all(raw_dir: Path, variables: dict, loaded_at: dt.datetime) -> StagedData:
    return StagedData(
        accounts=stage_accounts(read_raw(raw_dir, "accounts"), variables),
        contacts=stage_contacts(read_raw(raw_dir, "contacts"), variables),
        opportunities=stage_opportunities(read_raw(raw_dir, "opportunities"), variables, loaded_at),
        invoices=stage_invoices(read_raw(raw_dir, "invoices")),
        page_views=stage_page_views(read_raw(raw_dir, "page_views"), variables, loaded_at),
        email_events=stage_email_events(read_raw(raw_dir, "email_events"), variables, loaded_at),
        form_submissions=stage_form_submissions(
            read_raw(raw_dir, "form_submissions"), variables, loaded_at
        ),
    )
