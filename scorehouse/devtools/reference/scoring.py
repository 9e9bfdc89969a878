"""The acquisition lead-scoring method, written from the documentation (docs/user-guide.md,
"How scoring works", `models/_scoring__docs.md`, `seeds/_seeds.yml`, the domain brief), not
from the SQL.

For one scoring date `as_of`, counted at midnight UTC starting it:

1. Enrich the staged contacts with their staged account (industry via `industry_map`,
   size, revenue), their seniority and department (`job_title_map`, lowest priority
   number wins, then the pattern) and the type of their email domain (`email_domains`).
2. The population: contacts created before the scoring instant whose account is not a
   customer then (`prospects`).
3. Signals: fit attributes, and behaviour known before the instant (page views, direct or
   stitched from an anonymous visitor, email events, forms), plus `days_inactive`.
4. Rules match signals as data; repeat control keeps the first occurrence per repeat key;
   decay as of the date; rule cap, category cap (proportional scale-down), floor;
   rounding with the remainder on one rule, so the parts add up exactly.
5. Dimension scores, total, grades, MQL/SQL, lifecycle stage, service-level due time.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import Config
from .staging import StagedData

# --------------------------------------------------------------------------------------
# Decay and grades: small pure functions.
# --------------------------------------------------------------------------------------


def exponential_decay(age_days: float, half_life_days: float) -> float:
    """0.5 ** (age / half-life): 1 at age 0, 0.5 at the half-life."""
    return 0.5 ** (age_days / half_life_days)


def linear_decay(age_days: float, lifespan_days: float) -> float:
    """max(0, 1 - age / lifespan): 1 at age 0, 0 at and after the lifespan."""
    return max(0.0, 1.0 - age_days / lifespan_days)


def step_decay(age_days: float, windows: pd.DataFrame) -> float:
    """Weight of the window with min_age_days <= age < max_age_days (open max when
    empty); 0 when no window holds the age."""
    for window in windows.itertuples():
        upper_ok = math.isnan(window.max_age_days) or age_days < window.max_age_days
        if age_days >= window.min_age_days and upper_ok:
            return float(window.weight)
    return 0.0


def decay_factor(
    method: str, age_days: float, param: float = math.nan, windows: pd.DataFrame | None = None
) -> float:
    """Share of a signal's points left at `age_days`; a negative age never scores."""
    if age_days < 0:
        return 0.0
    if method == "none":
        return 1.0
    if method == "exponential":
        return exponential_decay(age_days, param)
    if method == "linear":
        return linear_decay(age_days, param)
    if method == "step":
        return step_decay(age_days, windows)
    raise ValueError(f"unknown decay method {method!r}")


def age_in_whole_days(occurred_at: dt.datetime, as_of: dt.date) -> int:
    """Whole days from the UTC date of `occurred_at` to the scoring date."""
    return (as_of - occurred_at.date()).days


def age_in_fractional_days(occurred_at: dt.datetime, as_of: dt.date) -> float:
    """Days, with a fraction, from `occurred_at` to midnight UTC starting the scoring date."""
    as_of_at = dt.datetime.combine(as_of, dt.time())
    return (as_of_at - occurred_at).total_seconds() / 86400.0


def grade_for(score: float, bands: pd.DataFrame) -> str | None:
    """The grade of the band holding `score`: min inclusive, max exclusive, an empty
    bound open."""
    for band in bands.itertuples():
        lower_ok = math.isnan(band.min_score) or score >= band.min_score
        upper_ok = math.isnan(band.max_score) or score < band.max_score
        if lower_ok and upper_ok:
            return band.grade
    return None


def round_half_away(value: float, decimals: int) -> float:
    from .parsing import round_points

    return round_points(value, decimals)


# --------------------------------------------------------------------------------------
# Entities.
# --------------------------------------------------------------------------------------


def enrich_accounts(staged: StagedData, config: Config) -> pd.DataFrame:
    accounts = staged.accounts.rows.copy()
    industries = dict(
        zip(config.industry_map["raw_industry"], config.industry_map["industry_id"], strict=True)
    )
    domains = dict(
        zip(config.email_domains["domain"], config.email_domains["domain_type"], strict=True)
    )
    accounts["industry_id"] = [
        None if industry is None else industries.get(industry.lower(), "other")
        for industry in accounts["industry"]
    ]
    accounts["domain_type"] = [domains.get(d, "business") for d in accounts["account_domain"]]
    return accounts.set_index("account_id", drop=False)


def _title_attribute(title: str | None, patterns: pd.DataFrame) -> str | None:
    if title is None:
        return None
    lowered = title.lower()
    hits = [
        (row.priority, row.pattern, row.mapped_value)
        for row in patterns.itertuples()
        if row.pattern in lowered
    ]
    return min(hits)[2] if hits else None


def enrich_contacts(staged: StagedData, accounts: pd.DataFrame, config: Config) -> pd.DataFrame:
    contacts = staged.contacts.rows.copy()
    domains = dict(
        zip(config.email_domains["domain"], config.email_domains["domain_type"], strict=True)
    )
    titles = config.job_title_map
    seniority = titles[titles["attribute"] == "seniority"]
    department = titles[titles["attribute"] == "department"]
    known = contacts["account_id"].isin(accounts.index)
    contacts["account_id"] = contacts["account_id"].where(known, None)
    account = accounts.reindex(contacts["account_id"].fillna("\x00")).reset_index(drop=True)
    contacts["industry_id"] = account["industry_id"].values
    contacts["employee_count"] = account["employee_count"].values
    contacts["annual_revenue"] = account["annual_revenue"].values
    contacts["country_code"] = [
        c if c is not None else a if isinstance(a, str) else None
        for c, a in zip(contacts["country_code"], account["country_code"], strict=True)
    ]
    account_domain_type = account["domain_type"].values
    email_types = []
    for email_domain, account_type in zip(
        contacts["email_domain"], account_domain_type, strict=True
    ):
        if email_domain in domains:
            email_types.append(domains[email_domain])
        elif account_type == "competitor":
            email_types.append("competitor")
        elif email_domain is not None:
            email_types.append("business")
        else:
            email_types.append(None)
    contacts["email_domain_type"] = email_types
    contacts["seniority"] = [_title_attribute(t, seniority) for t in contacts["job_title"]]
    contacts["department"] = [_title_attribute(t, department) for t in contacts["job_title"]]
    return contacts.set_index("contact_id", drop=False)


@dataclass
class AccountStage:
    is_customer: bool
    has_open_opportunity: bool


def account_stages(staged: StagedData, as_of_at: dt.datetime) -> dict[str, AccountStage]:
    """Each staged account's stage at the instant: a customer has won an opportunity or
    been invoiced before it, and has not lost a renewal since its last win; an account
    with an opportunity open at the instant is in the pipeline."""
    opportunities = staged.opportunities.rows
    invoices = staged.invoices.rows
    as_of = pd.Timestamp(as_of_at)
    stages = {}
    for account_id in staged.accounts.rows["account_id"]:
        opps = opportunities[opportunities["account_id"] == account_id]
        closed_before = opps["closed_at"] < as_of
        won = opps.loc[(opps["opportunity_stage"] == "won") & closed_before, "closed_at"]
        churned = opps.loc[
            (opps["opportunity_type"] == "renewal")
            & (opps["opportunity_stage"] == "lost")
            & closed_before,
            "closed_at",
        ]
        invoiced = invoices.loc[invoices["account_id"] == account_id, "invoice_date"]
        last_won = won.max() if len(won) else None
        last_churned = churned.max() if len(churned) else None
        was_customer = last_won is not None or (len(invoiced) and invoiced.min() < as_of)
        still = last_churned is None or (last_won is not None and last_churned < last_won)
        is_open = (opps["created_at"] < as_of) & (opps["closed_at"].isna() | ~closed_before)
        stages[account_id] = AccountStage(bool(was_customer and still), bool(is_open.any()))
    return stages


# --------------------------------------------------------------------------------------
# Signals.
# --------------------------------------------------------------------------------------

FIT_TEXT_SIGNALS = {
    "industry": "industry_id",
    "country": "country_code",
    "email_domain_type": "email_domain_type",
    "seniority": "seniority",
    "department": "department",
}
FIT_NUMBER_SIGNALS = {"employee_count": "employee_count", "annual_revenue": "annual_revenue"}
SIGNAL_COLUMNS = ["contact_id", "signal", "signal_text", "signal_number", "event_id", "occurred_at"]


def fit_signals(contacts: pd.DataFrame) -> pd.DataFrame:
    """One row per contact and present attribute; fit signals have no time."""
    frames = []
    for signal, column in {**FIT_TEXT_SIGNALS, **FIT_NUMBER_SIGNALS}.items():
        values = contacts[column]
        present = values.notna()
        is_text = signal in FIT_TEXT_SIGNALS
        frames.append(
            pd.DataFrame(
                {
                    "contact_id": contacts.loc[present, "contact_id"].values,
                    "signal": signal,
                    "signal_text": values[present].values if is_text else None,
                    "signal_number": np.nan if is_text else values[present].astype(float).values,
                    "event_id": signal,
                    "occurred_at": pd.NaT,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def identified_visitors(staged: StagedData, contacts: pd.DataFrame, forms: pd.DataFrame):
    """anonymous_id -> (contact_id, identified_at): the earliest identification by a
    form carrying a contact's email, or by a page view carrying a known contact id."""
    views = staged.page_views.rows
    by_form = forms.loc[
        forms["anonymous_id"].notna() & forms["contact_id"].notna(),
        ["anonymous_id", "contact_id", "occurred_at"],
    ]
    by_view = views.loc[
        views["contact_id"].isin(contacts.index), ["anonymous_id", "contact_id", "occurred_at"]
    ]
    both = pd.concat([by_form, by_view], ignore_index=True)
    both = both.sort_values(["anonymous_id", "occurred_at", "contact_id"], kind="stable")
    first = both.drop_duplicates("anonymous_id", keep="first")
    return first.rename(columns={"occurred_at": "identified_at"}).set_index("anonymous_id")


def attributed_forms(staged: StagedData, contacts: pd.DataFrame) -> pd.DataFrame:
    """Form submissions with the contact they name when it is known, else the contact
    of the same normalised email (lowest id)."""
    forms = staged.form_submissions.rows.copy()
    with_email = contacts[contacts["email"].notna()]
    owner = with_email.groupby("email")["contact_id"].min()
    named = forms["contact_id"].where(forms["contact_id"].isin(contacts["contact_id"]))
    forms["contact_id"] = named.fillna(forms["email"].map(owner))
    forms["contact_id"] = (
        forms["contact_id"].astype(object).where(forms["contact_id"].notna(), None)
    )
    return forms


def engagement_signals(staged: StagedData, contacts: pd.DataFrame) -> pd.DataFrame:
    """Every behavioural signal of a known contact, with the instant it could first be
    tied to the contact (`attributed_at`)."""
    forms = attributed_forms(staged, contacts)
    visitors = identified_visitors(staged, contacts, forms)
    views = staged.page_views.rows
    visitor = visitors.reindex(views["anonymous_id"]).reset_index(drop=True)
    direct = views["contact_id"].notna().values
    stitched_at = visitor["identified_at"].values
    occurred = views["occurred_at"].values
    web = pd.DataFrame(
        {
            "contact_id": np.where(
                direct, views["contact_id"].values, visitor["contact_id"].values
            ),
            "signal": "page_view",
            "signal_text": views["page_url"].values,
            "event_id": views["page_view_id"].values,
            "occurred_at": occurred,
            "attributed_at": np.where(direct | ~(stitched_at > occurred), occurred, stitched_at),
        }
    )
    web = web[pd.notna(web["contact_id"])]
    emails = staged.email_events.rows
    kinds = emails["email_event_type"]
    hard = (kinds == "bounce") & (emails["bounce_type"] == "hard")
    email_signal = np.where(
        kinds == "bounce",
        np.where(hard, "email_hard_bounce", "email_soft_bounce"),
        "email_" + kinds.astype(str),
    )
    mail = pd.DataFrame(
        {
            "contact_id": emails["contact_id"].values,
            "signal": email_signal,
            "signal_text": emails["campaign_id"].values,
            "event_id": emails["email_event_id"].values,
            "occurred_at": emails["occurred_at"].values,
            "attributed_at": emails["occurred_at"].values,
        }
    )
    known_forms = forms[forms["contact_id"].notna()]
    form = pd.DataFrame(
        {
            "contact_id": known_forms["contact_id"].values,
            "signal": "form_submission",
            "signal_text": known_forms["form_type"].values,
            "event_id": known_forms["form_submission_id"].values,
            "occurred_at": known_forms["occurred_at"].values,
            "attributed_at": known_forms["occurred_at"].values,
        }
    )
    signals = pd.concat([web, mail, form], ignore_index=True)
    signals["signal_number"] = np.nan
    return signals[signals["contact_id"].isin(contacts.index)].reset_index(drop=True)


def inactivity_signals(
    contacts: pd.DataFrame, known: pd.DataFrame, as_of_at: dt.datetime, activity: list[str]
) -> pd.DataFrame:
    """`days_inactive`: days from the last activity known at the instant (or, with none,
    the contact's creation) to the instant, for contacts created before it."""
    active = known[known["signal"].isin(activity)].groupby("contact_id")["occurred_at"].max()
    existing = contacts[contacts["created_at"] < pd.Timestamp(as_of_at)]
    last = active.reindex(existing.index).fillna(existing["created_at"])
    days = [age_in_fractional_days(t.to_pydatetime(), as_of_at.date()) for t in last]
    return pd.DataFrame(
        {
            "contact_id": existing["contact_id"].values,
            "signal": "days_inactive",
            "signal_text": None,
            "signal_number": days,
            "event_id": "inactivity",
            "occurred_at": last.values,
        }
    )


# --------------------------------------------------------------------------------------
# Rules, repeat control, decay.
# --------------------------------------------------------------------------------------


TRUE_WORDS = {"true", "t", "yes", "y", "1"}


def _normalized(text) -> str | None:
    return text.strip().lower() if isinstance(text, str) else None


def match_rule(rule, signals: pd.DataFrame) -> pd.DataFrame:
    """The signal rows a rule matches. Text comparisons ignore case and surrounding
    white space: `equals`, `in` (a `|`-separated list), `contains` (a literal
    substring), `is_true`; `between` on the number (min inclusive, max exclusive, an
    empty bound open); `is_present` on a non-empty text or a number; `any` on all.
    `equals_exact`, `in_exact` and `contains_exact` compare case and spaces as written."""
    candidates = signals[signals["signal"] == rule.signal]
    operator = rule.match_operator
    if operator == "any":
        return candidates
    if operator.endswith("_exact"):
        # Case and spaces as written.
        texts = [None if pd.isna(t) else str(t) for t in candidates["signal_text"]]
        value = str(rule.match_value)
        operator = operator.removesuffix("_exact")
        if operator == "in":
            hit = [t is not None and t in value.split("|") for t in texts]
            return candidates[np.array(hit, dtype=bool)]
    else:
        texts = [_normalized(t) for t in candidates["signal_text"]]
        value = _normalized(rule.match_value) or ""
    if operator == "equals":
        hit = [t is not None and t == value for t in texts]
    elif operator == "in":
        values = {v.strip() for v in value.split("|")}
        hit = [t is not None and t in values for t in texts]
    elif operator == "contains":
        hit = [t is not None and value in t for t in texts]
    elif operator == "is_true":
        hit = [t in TRUE_WORDS for t in texts]
    elif operator == "is_present":
        numbers = candidates["signal_number"].notna().to_numpy()
        hit = [bool(t) or n for t, n in zip(texts, numbers, strict=True)]
    elif operator == "between":
        number = candidates["signal_number"]
        ok = number.notna()
        if not math.isnan(rule.min_value):
            ok &= number >= rule.min_value
        if not math.isnan(rule.max_value):
            ok &= number < rule.max_value
        return candidates[ok]
    else:
        raise ValueError(f"unknown match operator {operator!r}")
    return candidates[np.array(hit, dtype=bool)]


def repeat_keys(rule, matched: pd.DataFrame) -> pd.Series:
    control = rule.repeat_control
    if control == "every":
        return matched["event_id"]
    if control == "once_per_day":
        return matched["occurred_at"].dt.strftime("%Y-%m-%d")
    if control == "once_per_value":
        return matched["signal_text"]
    if control == "once":
        return pd.Series("once", index=matched.index)
    raise ValueError(f"unknown repeat control {control!r}")


def counted_occurrences(rule, matched: pd.DataFrame) -> pd.DataFrame:
    """Repeat control: per contact and repeat key, the first occurrence (by time, then
    event id) counts."""
    matched = matched.assign(repeat_key=repeat_keys(rule, matched).fillna("\x00").values)
    ordered = matched.sort_values(["contact_id", "occurred_at", "event_id"], kind="stable")
    return ordered.drop_duplicates(["contact_id", "repeat_key"], keep="first")


def scored_occurrences(
    config: Config,
    model_id: str,
    signals: pd.DataFrame,
    as_of: dt.date,
) -> pd.DataFrame:
    """One row per contact, rule and counted occurrence, with its decay factor. Events
    age in whole days: an event is as old as its UTC date."""
    frames = []
    for rule in config.model_rules(model_id).itertuples():
        counted = counted_occurrences(rule, match_rule(rule, signals))
        if counted.empty:
            continue
        windows = config.step_windows[config.step_windows["window_set"] == rule.decay_windows]
        factor_list: list[float] = []
        for occurred_at in counted["occurred_at"]:
            if pd.isna(occurred_at):
                age = 0.0
            else:
                age = float(age_in_whole_days(occurred_at.to_pydatetime(), as_of))
            factor_list.append(decay_factor(rule.decay_method, age, rule.decay_param, windows))
        factors = np.array(factor_list, dtype=float)
        frames.append(
            pd.DataFrame(
                {
                    "contact_id": counted["contact_id"].values,
                    "rule_id": rule.rule_id,
                    "dimension": rule.dimension,
                    "category_id": rule.category_id,
                    "rule_cap": rule.rule_cap,
                    "qualifies_as": rule.qualifies_as,
                    "occurred_at": counted["occurred_at"].values,
                    "base_points": rule.points,
                    "decay_factor": factors,
                    "decayed_points": rule.points * factors,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------
# Caps, floor and rounding.
# --------------------------------------------------------------------------------------


@dataclass
class RulePoints:
    rule_id: str
    category_id: str
    decayed: float
    rule_cap: float
    after_rule_cap: float = 0.0
    after_category: float = 0.0
    capped: float = 0.0


def cap_dimension(rules: list[RulePoints], category_caps: dict[str, float], decimals: int):
    """Caps the rules of one contact and dimension in place:
    1. rule cap: a rule gives at most +/- its cap;
    2. category cap: when a category's positive points exceed its weight, its positive
       rules are scaled down proportionally; rounded, the largest rule (ties: lowest
       rule id) takes the remainder so that they add up to the weight exactly;
    3. floor: when the negatives exceed the positives of the dimension, the negatives
       are scaled down to cancel them exactly; the most negative rule takes the
       remainder."""
    for rule in rules:
        value = rule.decayed
        if not math.isnan(rule.rule_cap):
            value = min(max(value, -rule.rule_cap), rule.rule_cap)
        rule.after_rule_cap = value
    for category in {r.category_id for r in rules}:
        members = [r for r in rules if r.category_id == category]
        cap = category_caps[category]
        positive = sum(r.after_rule_cap for r in members if r.after_rule_cap > 0)
        scaled = []
        for rule in members:
            if rule.after_rule_cap > 0 and positive > cap:
                rule.after_category = round_half_away(
                    rule.after_rule_cap * cap / positive, decimals
                )
                scaled.append(rule)
            else:
                rule.after_category = round_half_away(rule.after_rule_cap, decimals)
        if scaled:
            largest = min(members, key=lambda r: (-r.after_rule_cap, r.rule_id))
            others = sum(r.after_category for r in scaled if r is not largest)
            largest.after_category = round_half_away(cap - others, decimals)
    positive = sum(r.after_category for r in rules if r.after_category > 0)
    negative = sum(-r.after_category for r in rules if r.after_category < 0)
    floored = []
    for rule in rules:
        if rule.after_category < 0 and negative > positive:
            rule.capped = round_half_away(rule.after_category * positive / negative, decimals)
            floored.append(rule)
        else:
            rule.capped = round_half_away(rule.after_category, decimals)
    if floored:
        most_negative = min(rules, key=lambda r: (r.after_category, r.rule_id))
        others = sum(r.capped for r in floored if r is not most_negative)
        most_negative.capped = round_half_away(-positive - others, decimals)


def rule_breakdown(config: Config, model_id: str, occurrences: pd.DataFrame) -> pd.DataFrame:
    """Per contact and rule: occurrences, base, decayed and capped points."""
    decimals = config.score_decimals
    nonzero_qualifying = occurrences["qualifies_as"].notna() & (occurrences["decayed_points"] != 0)
    occurrences = occurrences.assign(
        qualifying_at=occurrences["occurred_at"].where(nonzero_qualifying)
    )
    totals = (
        occurrences.groupby(["contact_id", "rule_id"], sort=True)
        .agg(
            dimension=("dimension", "first"),
            category_id=("category_id", "first"),
            rule_cap=("rule_cap", "max"),
            qualifies_as=("qualifies_as", "first"),
            occurrences=("rule_id", "size"),
            base_points=("base_points", "sum"),
            decayed_points=("decayed_points", "sum"),
            qualifying_event_at=("qualifying_at", "min"),
            last_occurred_at=("occurred_at", "max"),
        )
        .reset_index()
    )
    categories = config.categories[config.categories["model_id"] == model_id]
    caps = {(row.dimension, row.category_id): row.weight_pct for row in categories.itertuples()}
    capped = {}
    for (_contact, dimension), group in totals.groupby(["contact_id", "dimension"], sort=False):
        rules = [
            RulePoints(row.rule_id, row.category_id, row.decayed_points, row.rule_cap)
            for row in group.itertuples()
        ]
        dimension_caps = {c: w for (d, c), w in caps.items() if d == dimension}
        cap_dimension(rules, dimension_caps, decimals)
        for index, rule in zip(group.index, rules, strict=True):
            capped[index] = rule.capped
    totals["capped_points"] = pd.Series(capped)
    totals["base_points"] = round_half_away(totals["base_points"].values, decimals)
    totals["decayed_points"] = round_half_away(totals["decayed_points"].values, decimals)
    return totals


# --------------------------------------------------------------------------------------
# The whole model.
# --------------------------------------------------------------------------------------


@dataclass
class Scores:
    lead_scores: pd.DataFrame
    breakdown: pd.DataFrame


def _format_points(points: float) -> str:
    return f"{points:+.1f}"


def score_contacts(
    staged: StagedData,
    config: Config,
    as_of: dt.date,
    model_id: str = "acquisition",
) -> Scores:
    """Scores of a contact model as of `as_of`, shaped like `lead_scores` and
    `lead_score_breakdown`."""
    decimals = config.score_decimals
    as_of_at = dt.datetime.combine(as_of, dt.time())
    instant = pd.Timestamp(as_of_at)
    model = config.models.set_index("model_id").loc[model_id]
    accounts = enrich_accounts(staged, config)
    contacts = enrich_contacts(staged, accounts, config)
    stages = account_stages(staged, as_of_at)

    # Population.
    def stage_of(account_id) -> AccountStage:
        return stages.get(account_id, AccountStage(False, False))

    existing = contacts[contacts["created_at"] < instant]
    is_customer = existing["account_id"].map(lambda a: stage_of(a).is_customer).astype(bool)
    population = {
        "all": existing,
        "prospects": existing[~is_customer],
        "customers": existing[is_customer],
    }[model["population"]]

    # Signals known at the instant.
    engagement = engagement_signals(staged, contacts)
    known = engagement[
        (engagement["occurred_at"] < instant) & (engagement["attributed_at"] < instant)
    ]
    signals = pd.concat(
        [
            fit_signals(contacts),
            known[SIGNAL_COLUMNS],
            inactivity_signals(
                contacts, known, as_of_at, list(config.vars["scorehouse_activity_signals"])
            ),
        ],
        ignore_index=True,
    )
    signals = signals[signals["contact_id"].isin(population.index)]

    occurrences = scored_occurrences(config, model_id, signals, as_of)
    breakdown = rule_breakdown(config, model_id, occurrences)

    # Dimension scores, total, grades.
    dimensions = config.dimensions[config.dimensions["model_id"] == model_id]
    bands = config.grade_bands[config.grade_bands["model_id"] == model_id]
    points = breakdown.groupby(["contact_id", "dimension"])["capped_points"].sum()
    thresholds = config.thresholds[config.thresholds["model_id"] == model_id]
    threshold = dict(zip(thresholds["status"], thresholds["min_total_score"], strict=True))
    service = config.service_levels[config.service_levels["model_id"] == model_id]
    response_hours = dict(zip(service["lead_grade"], service["response_hours"], strict=True))
    descriptions = dict(
        zip(
            config.model_rules(model_id)["rule_id"],
            config.model_rules(model_id)["description"],
            strict=True,
        )
    )
    by_contact = {c: g for c, g in breakdown.groupby("contact_id")}

    rows = []
    for contact in population.itertuples():
        scores = {
            d: round_half_away(float(points.get((contact.contact_id, d), 0.0)), decimals)
            for d in dimensions["dimension"]
        }
        weighted = sum(
            scores[d] * w
            for d, w in zip(dimensions["dimension"], dimensions["weight_pct"], strict=True)
        )
        total = round_half_away(weighted / 100.0, decimals)
        fit_grade = grade_for(scores["fit"], bands[bands["dimension"] == "fit"])
        level = grade_for(scores["engagement"], bands[bands["dimension"] == "engagement"])
        assert fit_grade is not None and level is not None, "grade bands cover 0-100"
        lead_grade = fit_grade + level
        parts = by_contact.get(contact.contact_id)
        qualifying = (
            parts[parts["qualifying_event_at"].notna()] if parts is not None else pd.DataFrame()
        )
        qualifies_sql = bool(len(qualifying)) and (qualifying["qualifies_as"] == "sql").any()
        qualifies_mql = bool(len(qualifying))
        qualifying_at = qualifying["qualifying_event_at"].min() if len(qualifying) else None
        reaches = {s: total >= t for s, t in threshold.items()}
        is_sql = bool(qualifies_sql or reaches.get("sql", False))
        is_mql = bool(is_sql or qualifies_mql or reaches.get("mql", False))
        stage = stage_of(contact.account_id)
        if stage.is_customer:
            lifecycle = "customer"
        elif stage.has_open_opportunity:
            lifecycle = "opportunity"
        else:
            lifecycle = "sql" if is_sql else "mql" if is_mql else "lead"
        sla_due_at = None
        if is_mql and lead_grade in response_hours:
            start = qualifying_at if qualifying_at is not None else instant
            sla_due_at = start + pd.Timedelta(hours=int(response_hours[lead_grade]))
        top_reasons = None
        if parts is not None:
            reasons = parts[parts["capped_points"] != 0]
            reasons = reasons.assign(magnitude=reasons["capped_points"].abs())
            reasons = reasons.sort_values(["magnitude", "rule_id"], ascending=[False, True])
            reasons = reasons.head(int(config.vars["scorehouse_top_reasons_count"]))
            if len(reasons):
                top_reasons = "; ".join(
                    f"{descriptions[r.rule_id]} ({_format_points(r.capped_points)})"
                    for r in reasons.itertuples()
                )
        rows.append(
            {
                "contact_id": contact.contact_id,
                "account_id": contact.account_id,
                "model_id": model_id,
                "fit_grade": fit_grade,
                "engagement_level": level,
                "lead_grade": lead_grade,
                "lifecycle_stage": lifecycle,
                "top_reasons": top_reasons,
                "fit_score": scores["fit"],
                "engagement_score": scores["engagement"],
                "total_score": total,
                "is_mql": is_mql,
                "is_sql": is_sql,
                "sla_due_at": sla_due_at,
            }
        )
    lead_scores = pd.DataFrame(rows).sort_values("contact_id").reset_index(drop=True)
    breakdown = breakdown.assign(model_id=model_id)
    return Scores(lead_scores, breakdown)
