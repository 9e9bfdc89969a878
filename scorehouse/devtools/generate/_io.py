"""Calendar sampling, text formatting, dirt injection and table writers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import _vocab as V

DAY = 86400
STR_NULL = pa.scalar(None, pa.string())


@dataclass(frozen=True)
class DirtRates:
    """Rates of injected dirt. Every injection is counted exactly in truth/dirt.json."""

    # Share of rows of the 4 event tables emitted twice (identical row, same id).
    duplicate_event: float = 0.01
    # Share of contact and form-submission emails written mixed-case or padded with spaces.
    messy_email: float = 0.08
    # Share of rows per table whose primary key is empty.
    null_key: float = 0.002
    # Share of email_events rows whose contact_id is empty.
    null_email_contact: float = 0.002
    # Share of rows per table whose main timestamp is unparseable text.
    bad_timestamp: float = 0.001
    # Share of event rows whose occurred_at is 1-3 years after end_date.
    future_timestamp: float = 0.001
    # Share of email/form/product rows with an event type outside the documented list.
    unknown_event_type: float = 0.002
    # Share of accounts that are test accounts or the vendor itself (internal domain).
    internal_account: float = 0.01
    # Share of page views made by bots (a few anonymous ids with bot user agents).
    bot_page_view: float = 0.03
    # Share of contacts whose account_id points at an account that does not exist.
    missing_account: float = 0.01
    # Share of event rows received 2-10 days after they occurred, written at the file end.
    late_event: float = 0.02
    # Share of NPS responses with a score outside 0-10.
    nps_out_of_range: float = 0.002
    # Share of invoices with a negative amount.
    negative_invoice: float = 0.001


DIRT = DirtRates()
ISO_Z_RATE = 0.05  # non-null timestamps written as 2026-03-01T10:00:00Z
OFFSET_RATE = 0.005  # non-null timestamps written with a UTC offset


def sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def calibrate(base: np.ndarray, target: float) -> float:
    """Intercept a such that mean(sigmoid(a + base)) == target (bisection, deterministic)."""
    if base.size == 0:
        return 0.0
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if sig(mid + base).mean() < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


class Calendar:
    """Days of the period [start, end]; weekday traffic weighs 3x a weekend day."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        self.t0 = int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp())
        self.n_days = (end - start).days + 1
        self.t1 = self.t0 + self.n_days * DAY
        dow = (np.arange(self.n_days) + start.weekday()) % 7
        self.cum = np.concatenate([[0.0], np.cumsum(np.where(dow >= 5, 1.0, 3.0))])
        self.months: list[tuple[int, int]] = []
        d = start
        while d <= end:
            nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
            self.months.append(((d - start).days, min((nxt - start).days, self.n_days)))
            d = nxt

    def weight(self, lo, hi):
        """Weighted number of days in [lo, hi) (day indices, clipped to the period)."""
        lo = np.clip(lo, 0, self.n_days)
        hi = np.clip(hi, 0, self.n_days)
        return np.maximum(self.cum[hi.astype(np.int64)] - self.cum[lo.astype(np.int64)], 0.0)

    def sample(self, rng, lo, hi) -> np.ndarray:
        """Epoch seconds in day ranges [lo, hi), weekday-weighted, with a diurnal profile."""
        n = len(lo)
        a = self.cum[np.clip(lo, 0, self.n_days).astype(np.int64)]
        b = self.cum[np.clip(hi, 0, self.n_days).astype(np.int64)]
        x = a + rng.random(n) * (b - a)
        day = np.clip(np.searchsorted(self.cum, x, side="right") - 1, 0, self.n_days - 1)
        return self.t0 + day * DAY + time_of_day(rng, n)


def time_of_day(rng, n) -> np.ndarray:
    """Seconds into the day: office hours (UTC) mostly, some uniform."""
    office = rng.normal(13.5 * 3600, 3.2 * 3600, n)
    uniform = rng.random(n) * DAY
    tod = np.where(rng.random(n) < 0.8, office, uniform)
    return np.mod(tod, DAY).astype(np.int64)


def ids(prefix: str, nums, width: int) -> pa.Array:
    s = pc.utf8_lpad(
        pc.cast(pa.array(np.asarray(nums, dtype=np.int64)), pa.string()), width=width, padding="0"
    )
    return pc.binary_join_element_wise(prefix, s, "")


def opt_ids(prefix: str, idx, width: int) -> pa.Array:
    """Ids for 0-based indices idx (id number idx + 1); null where idx < 0."""
    idx = np.asarray(idx, dtype=np.int64)
    return pc.if_else(pa.array(idx < 0), STR_NULL, ids(prefix, idx + 1, width))


def take(vocab, idx, null=None) -> pa.Array:
    """vocab[idx] as a string array; null where `null` is true or idx < 0."""
    idx = np.asarray(idx, dtype=np.int64)
    mask = idx < 0 if null is None else (np.asarray(null) | (idx < 0))
    arr = vocab if isinstance(vocab, pa.Array) else pa.array(vocab, pa.string())
    return arr.take(pa.array(np.where(mask, 0, idx), mask=mask))


def num_str(values, decimals: int | None = None, null=None) -> pa.Array:
    v = np.asarray(values)
    arr = pa.array(v.astype(np.int64)) if decimals is None else pa.array(np.round(v, decimals))
    out = pc.cast(arr, pa.string())
    if null is not None and np.any(null):
        out = pc.if_else(pa.array(np.asarray(null)), STR_NULL, out)
    return out


def fmt_ts(rng, secs, null=None) -> pa.Array:
    """Timestamps as text; ~5% ISO with Z, ~0.5% with an offset, nulls where `null`."""
    secs = np.asarray(secs, dtype=np.int64)
    n = len(secs)
    arr = pa.array(secs.astype("datetime64[s]"))
    out = pc.strftime(arr, format="%Y-%m-%d %H:%M:%S")
    u = rng.random(n)
    iso = u < ISO_Z_RATE
    if iso.any():
        sub = pc.strftime(arr.filter(pa.array(iso)), format="%Y-%m-%dT%H:%M:%SZ")
        out = pc.replace_with_mask(out, pa.array(iso), sub)
    off = (u >= ISO_Z_RATE) & (u < ISO_Z_RATE + OFFSET_RATE)
    if off.any():
        k = rng.integers(len(V.OFFSETS), size=int(off.sum()))
        mins = np.array([m for m, _ in V.OFFSETS])[k]
        local = pa.array((secs[off] + mins * 60).astype("datetime64[s]"))
        sub = pc.binary_join_element_wise(
            pc.strftime(local, format="%Y-%m-%dT%H:%M:%S"), take([s for _, s in V.OFFSETS], k), ""
        )
        out = pc.replace_with_mask(out, pa.array(off), sub)
    if null is not None and np.any(null):
        out = pc.if_else(pa.array(np.asarray(null)), STR_NULL, out)
    return out


def fmt_date(days_since_epoch, null=None) -> pa.Array:
    d = np.asarray(days_since_epoch, dtype=np.int64).astype("datetime64[D]")
    out = pc.cast(pa.array(d), pa.string())
    if null is not None and np.any(null):
        out = pc.if_else(pa.array(np.asarray(null)), STR_NULL, out)
    return out


class Writer:
    """Streams one raw table to CSV or Parquet, all columns as strings."""

    def __init__(self, out: Path, name: str, columns: list[str], fmt: str):
        self.name, self.columns = name, columns
        self.schema = pa.schema([(c, pa.string()) for c in columns])
        self.path = out / f"{name}.{fmt}"
        if fmt == "csv":
            self._w = pacsv.CSVWriter(str(self.path), self.schema)
        else:
            self._w = pq.ParquetWriter(str(self.path), self.schema)
        self.rows = 0
        self.late: list[pa.Table] = []

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self._w.write_table(table)
            self.rows += table.num_rows

    def close(self) -> None:
        for t in self.late:
            self.write(t)
        self.late = []
        self._w.close()


class Emitter:
    """Applies row-level dirt to a batch of rows and writes it, counting every injection."""

    def __init__(self, rng, cal: Calendar, writers: dict[str, Writer], dirt: dict):
        self.rng, self.cal, self.writers, self.dirt = rng, cal, writers, dirt

    def count(self, table: str, kind: str, n: int) -> None:
        d = self.dirt.setdefault(table, {})
        d[kind] = d.get(kind, 0) + int(n)

    def emit(self, table, pk, cols, times, main, event=False, extra=()):
        """Write rows of `table`.

        pk: (column, pa string array); cols: {column: pa string array};
        times: {column: (int64 epoch secs or epoch days, null mask or None, is_date)};
        main: the main time column; extra: [(dirt kind, rate, fn(cols, mask))].
        Returns the input row index of every row written (duplicates twice).
        """
        rng, w = self.rng, self.writers[table]
        pk_col, pk_arr = pk
        n = len(pk_arr)
        kinds = [("null_primary_key", DIRT.null_key), ("unparseable_timestamp", DIRT.bad_timestamp)]
        if event:
            kinds.append(("future_timestamp", DIRT.future_timestamp))
        kinds += [(k, r) for k, r, _ in extra]
        if event:
            kinds += [("late_arriving", DIRT.late_event), ("duplicate_rows", DIRT.duplicate_event)]
        u = rng.random(n)
        masks, lo = {}, 0.0
        for k, r in kinds:
            masks[k] = (u >= lo) & (u < lo + r)
            lo += r
            self.count(table, k, masks[k].sum())
        cols = dict(cols)
        for k, _, fn in extra:
            if masks[k].any():
                fn(cols, masks[k])
        cols[pk_col] = pc.if_else(pa.array(masks["null_primary_key"]), STR_NULL, pk_arr)
        times = dict(times)
        if event:
            occ, null, isd = times[main]
            fut = masks["future_timestamp"]
            occ = occ.copy()
            occ[fut] = self.cal.t1 + rng.integers(365 * DAY, 3 * 365 * DAY, size=int(fut.sum()))
            late = masks["late_arriving"]
            rec = times["received_at"][0].copy()
            rec[late] = times[main][0][late] + rng.integers(2 * DAY, 10 * DAY, size=int(late.sum()))
            times[main] = (occ, null, isd)
            times["received_at"] = (rec, None, False)
        for c, (v, null, isd) in times.items():
            cols[c] = fmt_date(v, null) if isd else fmt_ts(rng, v, null)
        bad = masks["unparseable_timestamp"]
        if bad.any():
            vocab = V.BAD_DATES if times[main][2] else V.BAD_TIMESTAMPS
            sub = take(vocab, rng.integers(len(vocab), size=int(bad.sum())))
            cols[main] = pc.replace_with_mask(cols[main], pa.array(bad), sub)
        # Optional contract columns the generator does not produce are written empty.
        empty = pa.nulls(n, pa.string())
        t = pa.table([cols.get(c, empty) for c in w.columns], schema=w.schema)
        if not event:
            w.write(t)
            return np.arange(n)
        keep = np.nonzero(~masks["late_arriving"])[0]
        written = np.repeat(keep, np.where(masks["duplicate_rows"][keep], 2, 1))
        w.write(t.take(pa.array(written)))
        late = np.nonzero(masks["late_arriving"])[0]
        if len(late):
            w.late.append(t.take(pa.array(late)))
        return np.concatenate([written, late])
