"""Text to typed values, as the raw contract describes them (docs/configuration.md, "The raw
data contract").

Every raw value arrives as text. Text is trimmed of spaces, and an empty string means
"absent". Timestamps are ISO 8601 in UTC; an explicit offset (`Z`, `+02:00`) is honoured
and the result is a naive UTC timestamp. A value that is present but does not parse
becomes null here, and staging quarantines its row.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?)?"
    r"\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_EMAIL = re.compile(r"^.+@.+\..+$", re.DOTALL)


def is_null(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def map_text(values: pd.Series, function) -> pd.Series:
    """`function` applied to each present value; None stays None (object dtype)."""
    return pd.Series(
        [None if is_null(v) else function(v) for v in values], index=values.index, dtype=object
    )


def clean_text(values: pd.Series) -> pd.Series:
    """Text trimmed of spaces; empty or missing text is None."""
    return map_text(values, lambda v: str(v).strip(" ") or None)


def lower(values: pd.Series) -> pd.Series:
    return map_text(values, str.lower)


def upper(values: pd.Series) -> pd.Series:
    return map_text(values, str.upper)


def _offset(text: str | None) -> dt.timedelta:
    if not text or text.upper() in ("Z", "UTC"):
        return dt.timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    return sign * dt.timedelta(hours=hours, minutes=minutes)


def _timestamp(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    match = _TIMESTAMP.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        local = dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:
        return None
    return local - _offset(offset)


def parse_timestamp(values: pd.Series) -> pd.Series:
    """Cleaned text to naive UTC timestamps (NaT when absent or unparseable)."""
    text = clean_text(values)
    parsed = {v: _timestamp(v) for v in set(text.dropna())}
    return pd.to_datetime(map_text(text, parsed.get), errors="raise")


def parse_date(values: pd.Series) -> pd.Series:
    """Cleaned `YYYY-MM-DD` text to dates at midnight (NaT when absent or unparseable)."""

    def one(text: str) -> dt.datetime | None:
        match = _DATE.match(text)
        if not match:
            return None
        try:
            year, month, day = (int(g) for g in match.groups())
            return dt.datetime(year, month, day)
        except ValueError:
            return None

    return pd.to_datetime(map_text(clean_text(values), one))


def parse_integer(values: pd.Series) -> pd.Series:
    """Cleaned text to integers as floats (NaN when absent or unparseable)."""
    text = clean_text(values)
    return pd.Series(
        [float(int(v)) if v is not None and _INTEGER.match(v) else np.nan for v in text],
        index=values.index,
        dtype=float,
    )


def parse_number(values: pd.Series) -> pd.Series:
    """Cleaned text to floats (NaN when absent or unparseable)."""
    text = clean_text(values)
    return pd.Series(
        [float(v) if v is not None and _NUMBER.match(v) else np.nan for v in text],
        index=values.index,
        dtype=float,
    )


def normalize_email(values: pd.Series) -> pd.Series:
    """Lower-cased, trimmed email; None unless it is `local@domain.tld` with no space."""

    def one(text: str) -> str | None:
        text = text.lower()
        if " " in text or text.count("@") != 1 or not _EMAIL.match(text):
            return None
        return text

    return map_text(clean_text(values), one)


def email_domain(values: pd.Series) -> pd.Series:
    """The text after the `@` of a normalised email."""
    return map_text(values, lambda v: v.rsplit("@", 1)[1])


def is_unparseable(raw: pd.Series, parsed: pd.Series) -> pd.Series:
    """Text present but its parsed value absent."""
    return clean_text(raw).notna() & parsed.isna()


def contains_any(values: pd.Series, patterns: list[str]) -> pd.Series:
    """Case-insensitive substring match of any pattern; absent text matches nothing."""
    lowered = [p.lower() for p in patterns]
    return pd.Series(
        [not is_null(v) and any(p in v.lower() for p in lowered) for v in values],
        index=values.index,
        dtype=bool,
    )


def round_points(values, decimals: int):
    """Round half away from zero at `decimals` places, on binary doubles: the value is
    scaled by 10**decimals, rounded to the nearest integer (a tie goes away from zero)
    and scaled back. -0.0 becomes 0.0."""
    scale = 10.0**decimals
    scaled = np.asarray(values, dtype=float) * scale
    whole = np.trunc(scaled)
    rounded = whole + np.sign(scaled) * (np.abs(scaled - whole) >= 0.5)
    result = rounded / scale + 0.0
    if np.ndim(result) == 0:
        return float(result)
    return result
