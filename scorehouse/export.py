"""`scorehouse export`: send the scores that changed to the CRM, exactly once per change.

Sales reps work in HubSpot or Salesforce, so the scores must reach them there. The
export reads the published marts (`scorehouse publish`: always one complete, checked
build), never the build's warehouse, and sends each record (a contact or an account,
per scoring model) whose exported fields changed since the last delivery to the same
destination: as HubSpot import CSVs, Salesforce Bulk API 2.0 upsert CSVs, or JSON
batches POSTed to a webhook. docs/crm-export.md is the user's guide.

Why the state is kept as it is, in the build's warehouse (schema `scorehouse_meta`):

- `export_state` holds, per destination and record, the fingerprint (a hash of the
  exported fields, the scoring date left out so that an unchanged score is not resent
  every day) of the version last delivered. A record is "changed" when its fingerprint
  differs. It advances only for the records of a batch that was delivered.
- `export_batches` holds every batch, with its exact payload, before it is sent, and
  `export_batch_records` the records (and fingerprints) in it. A batch not yet
  delivered (`pending`: not tried, or its run was killed; `failed`: its tries failed)
  is sent again by the next run, first and in order, with the same idempotency key and
  byte for byte the same content, so a receiver that applied it already (its answer
  lost) can drop the repeat, and nothing is lost or applied out of order. Only then are
  new changes looked for; their records are therefore never in two undelivered batches.
- The idempotency key is a hash of the destination and the batch's content (which
  holds the scoring date), so a batch sent again keeps its key, and a later batch with
  the same values but another date is not mistaken for a repeat.

The export holds the warehouse's lock (scorehouse/lock.py) from start to end, so two
exports never send the same change twice, and a build never runs meanwhile. HTTP uses
the standard library only (urllib.request), without following redirects: urllib would
turn a redirected POST into a GET and report success.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import http.client
import io
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from scorehouse.contract import PROJECT_DIR
from scorehouse.errors import ScorehouseError, read_settings_file
from scorehouse.sql import one_row

DEFAULT_CONFIG = PROJECT_DIR / "crm_export.yml"
FORMATS = ("hubspot", "salesforce", "webhook")
FILE_FORMATS = ("hubspot", "salesforce")

STATE_SCHEMA = "scorehouse_meta"
BATCHES = f"{STATE_SCHEMA}.export_batches"
BATCH_RECORDS = f"{STATE_SCHEMA}.export_batch_records"
STATE = f"{STATE_SCHEMA}.export_state"

# The fields of an exported record, in the order of a webhook record. `grade` is the
# combined grade (lead_grade, account_grade); `reasons` the shortened top reasons.
RECORD_FIELDS = (
    "entity_type",
    "contact_id",
    "account_id",
    "model_id",
    "total_score",
    "fit_grade",
    "engagement_level",
    "grade",
    "is_mql",
    "is_sql",
    "expected_conversion_rate",
    "scored_as_of",
    "reasons",
)
# Left out of the fingerprint: a new scoring date alone is not a change worth sending.
UNFINGERPRINTED = ("scored_as_of",)

# The fields of a file row: the entity's own (one column each) and its models' (one
# column per model, `{model}` in the name). Accounts have no MQL/SQL status.
ENTITY_FIELDS = {"contact": ("account_id", "scored_as_of"), "account": ("scored_as_of",)}
_KEY_FIELDS = ("entity_type", "contact_id", "model_id")
_CONTACT_MODEL_FIELDS = tuple(
    name for name in RECORD_FIELDS if name not in _KEY_FIELDS + ENTITY_FIELDS["contact"]
)
MODEL_FIELDS = {
    "contact": _CONTACT_MODEL_FIELDS,
    "account": tuple(name for name in _CONTACT_MODEL_FIELDS if name not in ("is_mql", "is_sql")),
}
# Each file format's objects (config keys) and the entity type each one gets.
FILE_OBJECTS = {
    "hubspot": {"contacts": "contact", "companies": "account"},
    "salesforce": {"contacts": "contact", "accounts": "account"},
}
ID_KEY = {"hubspot": "id_column", "salesforce": "external_id_field"}
# How a null reads in each file format: HubSpot's import leaves a property with an empty
# cell as it was; Bulk API 2.0 leaves an empty field as it was and sets `#N/A` to null.
NULL_TEXT = {"hubspot": "", "salesforce": "#N/A"}

REASON_SEPARATOR = "; "
MODEL_PLACEHOLDER = "{model}"
# The shortest `reasons.max_length`: room for one short reason and the cut mark.
MIN_REASONS_LENGTH = 20

STATUSES = ("pending", "failed", "sent", "dropped")


# ---------------------------------------------------------------------------------------
# Configuration


@dataclass(frozen=True)
class FileObject:
    """One CRM object of a file format (e.g. HubSpot companies): its id column, the
    models it gets (None: all) and each field's column name (None: left out)."""

    key: str  # the config key: contacts, companies, accounts
    label: str  # in file names and messages: contacts, companies, Lead, Account
    entity_type: str
    id_column: str
    models: tuple[str, ...] | None
    fields: dict[str, str | None]


@dataclass(frozen=True)
class WebhookSettings:
    batch_size: int
    attempts: int
    retry_base_seconds: float
    retry_max_seconds: float
    timeout_seconds: float


@dataclass(frozen=True)
class RunDestination:
    """A destination that `scorehouse run` (and Dagster's crm_export asset) sends to
    after each publication: a webhook `url`, or an `out_dir` for the file formats."""

    format: str
    url: str | None = None
    out_dir: Path | None = None

    @property
    def destination(self) -> str:
        return default_destination(self.format, self.url, self.out_dir)


@dataclass(frozen=True)
class ExportConfig:
    path: Path
    reasons_max_length: int
    webhook: WebhookSettings
    objects: dict[str, tuple[FileObject, ...]]  # per file format
    run_destinations: tuple[RunDestination, ...] = ()


def _mapping(value: Any, where: str, keys: set[str]) -> dict:
    """`value` as a mapping with exactly `keys`: a missing or unknown key is an error,
    so that a typo never silently drops a setting."""
    if not isinstance(value, dict):
        raise ScorehouseError(f"{where}: expected a mapping with {', '.join(sorted(keys))}")
    missing, unknown = keys - set(value), set(value) - keys
    if unknown:
        raise ScorehouseError(
            f"{where}: unknown key {sorted(unknown)[0]!r} (expected {', '.join(sorted(keys))})"
        )
    if missing:
        raise ScorehouseError(f"{where}: missing key {sorted(missing)[0]!r}")
    return value


def _number(value: Any, where: str, *, minimum: float, integer: bool = False) -> Any:
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or value < minimum:
        kind = "an integer" if integer else "a number"
        raise ScorehouseError(f"{where}: expected {kind} >= {minimum:g}, got {value!r}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScorehouseError(f"{where}: expected a non-empty name, got {value!r}")
    if any(c in value for c in ',"\r\n'):
        raise ScorehouseError(f"{where}: {value!r} may not hold a comma, a quote or a newline")
    return value


def _file_object(fmt: str, key: str, entity_type: str, entry: Any, where: str) -> FileObject:
    id_key = ID_KEY[fmt]
    keys = {id_key, "models", "fields"} | ({"object"} if fmt == "salesforce" else set())
    entry = _mapping(entry, where, keys)
    models = entry["models"]
    if models is not None and (
        not isinstance(models, list)
        or not models
        or not all(isinstance(m, str) and m for m in models)
        or len(set(models)) != len(models)
    ):
        raise ScorehouseError(f"{where}.models: expected null or a list of distinct model ids")
    allowed = ENTITY_FIELDS[entity_type] + MODEL_FIELDS[entity_type]
    fields = _mapping(entry["fields"], f"{where}.fields", set(allowed))
    names: dict[str, str | None] = {}
    for name in allowed:
        column = fields[name]
        if column is None:
            names[name] = None
            continue
        column = _text(column, f"{where}.fields.{name}")
        per_model = name in MODEL_FIELDS[entity_type]
        if not per_model and MODEL_PLACEHOLDER in column:
            raise ScorehouseError(
                f"{where}.fields.{name}: {column!r} is the entity's own field, one column: "
                f"it may not hold {MODEL_PLACEHOLDER}"
            )
        if per_model and MODEL_PLACEHOLDER not in column and (models is None or len(models) > 1):
            raise ScorehouseError(
                f"{where}.fields.{name}: {column!r} needs {MODEL_PLACEHOLDER} (one column per "
                "model), unless `models` lists one model"
            )
        names[name] = column
    label = _text(entry["object"], f"{where}.object") if fmt == "salesforce" else key
    return FileObject(
        key=key,
        label=label,
        entity_type=entity_type,
        id_column=_text(entry[id_key], f"{where}.{id_key}"),
        models=tuple(models) if models is not None else None,
        fields=names,
    )


def load_config(path: Path = DEFAULT_CONFIG) -> ExportConfig:
    """Read and check the export settings (crm_export.yml): every problem is one line
    that names the file and the key."""
    path = Path(path)
    doc = read_settings_file(path, "export settings file")
    doc = _mapping(doc, str(path), {"reasons", "webhook", "run_destinations", *FILE_FORMATS})
    reasons = _mapping(doc["reasons"], f"{path}: reasons", {"max_length"})
    max_length = _number(
        reasons["max_length"],
        f"{path}: reasons.max_length",
        minimum=MIN_REASONS_LENGTH,
        integer=True,
    )
    hook = _mapping(
        doc["webhook"],
        f"{path}: webhook",
        {"batch_size", "attempts", "retry_base_seconds", "retry_max_seconds", "timeout_seconds"},
    )
    webhook = WebhookSettings(
        batch_size=_number(
            hook["batch_size"], f"{path}: webhook.batch_size", minimum=1, integer=True
        ),
        attempts=_number(hook["attempts"], f"{path}: webhook.attempts", minimum=1, integer=True),
        retry_base_seconds=float(
            _number(hook["retry_base_seconds"], f"{path}: webhook.retry_base_seconds", minimum=0)
        ),
        retry_max_seconds=float(
            _number(hook["retry_max_seconds"], f"{path}: webhook.retry_max_seconds", minimum=0)
        ),
        timeout_seconds=float(
            _number(hook["timeout_seconds"], f"{path}: webhook.timeout_seconds", minimum=0.001)
        ),
    )
    objects = {}
    for fmt in FILE_FORMATS:
        entries = _mapping(doc[fmt], f"{path}: {fmt}", set(FILE_OBJECTS[fmt]))
        objects[fmt] = tuple(
            _file_object(fmt, key, entity_type, entries[key], f"{path}: {fmt}.{key}")
            for key, entity_type in FILE_OBJECTS[fmt].items()
        )
    return ExportConfig(
        path, max_length, webhook, objects, _run_destinations(doc["run_destinations"], path)
    )


def _run_destinations(entries: Any, path: Path) -> tuple[RunDestination, ...]:
    """`run_destinations`: a list (empty: `scorehouse run` exports nothing) of
    `{format: webhook, url: ...}` or `{format: hubspot|salesforce, out_dir: ...}`; a
    relative out_dir is taken from the settings file's folder."""
    where = f"{path}: run_destinations"
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise ScorehouseError(f"{where}: expected a list of destinations (or [] for none)")
    destinations = []

    def expanded(value: Any, at: str) -> Any:
        """`${NAME}` replaced by the environment variable (a URL with a secret in it need
        not be written in the file); an unset one is an error, not an empty string."""
        if not isinstance(value, str):
            return value
        text = os.path.expandvars(value)
        if "$" in text:
            raise ScorehouseError(f"{at}: {value!r} names an environment variable that is not set")
        return text

    for number, entry in enumerate(entries, start=1):
        at = f"{where}[{number}]"
        fmt = entry.get("format") if isinstance(entry, dict) else None
        if fmt not in FORMATS:
            raise ScorehouseError(f"{at}.format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
        if fmt == "webhook":
            entry = _mapping(entry, at, {"format", "url"})
            url = expanded(entry["url"], f"{at}.url")
            if not isinstance(url, str):
                raise ScorehouseError(f"{at}.url: expected the address to POST to, got {url!r}")
            try:
                check_url(url)
            except ScorehouseError as exc:
                raise ScorehouseError(f"{at}.url: {exc}") from exc
            destinations.append(RunDestination(fmt, url=url))
        else:
            entry = _mapping(entry, at, {"format", "out_dir"})
            out_dir = expanded(entry["out_dir"], f"{at}.out_dir")
            if not isinstance(out_dir, str) or not out_dir.strip():
                raise ScorehouseError(f"{at}.out_dir: expected a folder, got {out_dir!r}")
            destinations.append(RunDestination(fmt, out_dir=(path.parent / out_dir).resolve()))
    names = [d.destination for d in destinations]
    for name in names:
        if names.count(name) > 1:
            raise ScorehouseError(f"{where}: {name} is listed twice")
    return tuple(destinations)


# ---------------------------------------------------------------------------------------
# Records of the publication


def shorten_reasons(text: str | None, max_length: int) -> str | None:
    """`text` (reasons joined by `; `) in at most `max_length` characters: as many whole
    reasons as fit, then `; +N more` for the N left out, so a rep sees that there is
    more and never half a reason. When not even the first reason fits with that mark,
    it is cut to fit (as much of it as fits, then `...`)."""
    if text is None or len(text) <= max_length:
        return text
    reasons = text.split(REASON_SEPARATOR)
    for kept in range(len(reasons) - 1, 0, -1):
        shortened = (
            REASON_SEPARATOR.join(reasons[:kept]) + f"{REASON_SEPARATOR}+{len(reasons) - kept} more"
        )
        if len(shortened) <= max_length:
            return shortened
    return reasons[0][: max_length - 3] + "..."


def fingerprint(record: dict[str, Any]) -> str:
    """The hash of a record's exported fields (JSON values, as a webhook receives them),
    without the scoring date: what "changed" compares."""
    kept = {k: v for k, v in record.items() if k not in UNFINGERPRINTED}
    text = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Record:
    """One exported record: a contact's or an account's score of one model."""

    entity_type: str
    entity_id: str
    model_id: str
    values: dict[str, Any]  # RECORD_FIELDS, as JSON values (the date as YYYY-MM-DD)
    fingerprint: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.entity_type, self.entity_id, self.model_id)


# The marts' columns behind each field. Account reasons: the marts list none, so they
# are the account's rules by absolute points as the lead mart orders and writes them
# (macro format_points), as many as fit the field.
LEADS_SQL = """
select contact_id, account_id, model_id, total_score, fit_grade, engagement_level,
    lead_grade, is_mql, is_sql, expected_conversion_rate, scored_as_of, top_reasons
from lead_scores
order by contact_id, model_id
"""
ACCOUNTS_SQL = """
with reasons as (
    select
        account_id,
        model_id,
        string_agg(
            rule_description || ' (' || printf('%+.1f', capped_points) || ')', '; '
            order by abs(capped_points) desc, rule_id
        ) as reasons
    from account_score_breakdown
    where capped_points <> 0
    group by account_id, model_id
)
select scores.account_id, scores.model_id, scores.total_score, scores.fit_grade,
    scores.engagement_level, scores.account_grade, scores.expected_conversion_rate,
    scores.scored_as_of, reasons.reasons
from account_scores as scores
left join reasons
    on scores.account_id = reasons.account_id and scores.model_id = reasons.model_id
order by scores.account_id, scores.model_id
"""


@dataclass(frozen=True)
class Publication:
    path: Path
    scored_as_of: dt.date
    records: tuple[Record, ...]


def _record(entity_type: str, entity_id: str, values: dict[str, Any]) -> Record:
    values = {name: values.get(name) for name in RECORD_FIELDS}
    values["entity_type"] = entity_type
    if isinstance(values["scored_as_of"], dt.date):
        values["scored_as_of"] = values["scored_as_of"].isoformat()
    return Record(entity_type, entity_id, values["model_id"], values, fingerprint(values))


def read_publication(published_db: Path, reasons_max_length: int) -> Publication:
    """The records of the published marts (read-only: BI may be reading it too)."""
    published_db = Path(published_db)
    if not published_db.exists():
        raise ScorehouseError(
            f"{published_db}: no publication to export; run `scorehouse run` first "
            "(or pass --published-db)"
        )
    con = duckdb.connect(str(published_db), read_only=True)
    try:
        try:
            (scored_as_of,) = one_row(con.execute("select scored_as_of from _publication"))
            leads = con.execute(LEADS_SQL).fetchall()
            accounts = con.execute(ACCOUNTS_SQL).fetchall()
        except duckdb.CatalogException as exc:
            detail = str(exc).splitlines()[0]
            raise ScorehouseError(
                f"{published_db}: not a Scorehouse publication ({detail}); pass the file "
                "that `scorehouse publish` writes"
            ) from exc
    finally:
        con.close()
    records = []
    for row in leads:
        contact_id, account_id, model_id, total, fit, level, grade, mql, sql, rate, on, why = row
        values = {
            "contact_id": contact_id,
            "account_id": account_id,
            "model_id": model_id,
            "total_score": total,
            "fit_grade": fit,
            "engagement_level": level,
            "grade": grade,
            "is_mql": mql,
            "is_sql": sql,
            "expected_conversion_rate": rate,
            "scored_as_of": on,
            "reasons": shorten_reasons(why, reasons_max_length),
        }
        records.append(_record("contact", contact_id, values))
    for row in accounts:
        account_id, model_id, total, fit, level, grade, rate, on, why = row
        values = {
            "account_id": account_id,
            "model_id": model_id,
            "total_score": total,
            "fit_grade": fit,
            "engagement_level": level,
            "grade": grade,
            "expected_conversion_rate": rate,
            "scored_as_of": on,
            "reasons": shorten_reasons(why, reasons_max_length),
        }
        records.append(_record("account", account_id, values))
    if scored_as_of is None:
        raise ScorehouseError(f"{published_db}: the publication has no scoring date")
    return Publication(published_db, scored_as_of, tuple(records))


# ---------------------------------------------------------------------------------------
# Batches: what each format sends


@dataclass
class Batch:
    """One delivery: a webhook POST or one file, with its records."""

    crm_object: str  # records (webhook), or the file's object
    payload: str
    records: list[Record]
    batch_id: str = ""
    file_name: str | None = None


def batch_key(destination: str, fmt: str, crm_object: str, full: bool, payload: str) -> str:
    """The idempotency key: a hash of the destination and the batch's content (a full
    re-send is content of its own, so that a receiver does not drop it as a repeat of
    the incremental batch with the same rows)."""
    head = f"scorehouse-export-v1\n{destination}\n{fmt}\n{crm_object}\n{full}\n"
    return hashlib.sha256((head + payload).encode()).hexdigest()


def webhook_batches(records: list[Record], batch_size: int, full: bool) -> list[Batch]:
    """The changed records in JSON batches of at most `batch_size`, in record order."""
    batches = []
    for start in range(0, len(records), batch_size):
        chunk = records[start : start + batch_size]
        body = {"full_resend": full, "records": [r.values for r in chunk]}
        payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        batches.append(Batch("records", payload, chunk))
    return batches


def _number_text(value: float) -> str:
    """A number as plain decimal text: CRM imports do not all read `1e-05`."""
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text.lower() else text


def _cell(value: Any, fmt: str) -> str:
    if value is None:
        return NULL_TEXT[fmt]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number_text(value)
    return str(value)


def file_batch(
    fmt: str, obj: FileObject, records: list[Record], changed: set[tuple[str, str, str]]
) -> Batch | None:
    """The CSV of one object: a row per entity with a changed record, holding every
    model of the object (missing ones null), so that one row carries the entity's whole
    state and a file never names an entity twice (an upsert refuses duplicate ids).
    The columns are the object's models present in the publication, changed or not, so
    that the header stays the same from day to day. None when no entity changed."""
    mine = [
        r
        for r in records
        if r.entity_type == obj.entity_type and (obj.models is None or r.model_id in obj.models)
    ]
    models = list(obj.models) if obj.models else sorted({r.model_id for r in mine})
    entities: dict[str, dict[str, Record]] = {}
    for record in mine:
        entities.setdefault(record.entity_id, {})[record.model_id] = record
    rows_of = sorted(
        entity_id
        for entity_id, by_model in entities.items()
        if any(r.key in changed for r in by_model.values())
    )
    if not rows_of:
        return None
    names = {f: name for f, name in obj.fields.items() if name is not None}
    entity_fields = [f for f in ENTITY_FIELDS[obj.entity_type] if f in names]
    model_fields = [f for f in MODEL_FIELDS[obj.entity_type] if f in names]
    header = [obj.id_column] + [names[f] for f in entity_fields]
    header += [names[f].replace(MODEL_PLACEHOLDER, m) for m in models for f in model_fields]
    seen = set()
    for column in header:
        if column in seen:
            raise ScorehouseError(
                f"{fmt}.{obj.key}: two columns are named {column!r}; give each field its "
                "own name in the export settings"
            )
        seen.add(column)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    batch_records: list[Record] = []
    for entity_id in rows_of:
        by_model = entities[entity_id]
        any_record = next(iter(by_model.values()))
        row = [entity_id] + [_cell(any_record.values[f], fmt) for f in entity_fields]
        for model in models:
            found = by_model.get(model)
            row += [_cell(found.values[f] if found else None, fmt) for f in model_fields]
        writer.writerow(row)
        batch_records.extend(by_model[m] for m in sorted(by_model))
    return Batch(obj.label, out.getvalue(), batch_records)


# ---------------------------------------------------------------------------------------
# Delivery


@dataclass
class Outcome:
    """How one try went: `retry` says whether another try may succeed."""

    ok: bool
    http_status: int | None = None
    error: str | None = None
    retry: bool = False
    retry_after: float | None = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would follow one of a POST with a GET, without the body,
    and its 200 would count as delivered."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _retry_after(headers: Any) -> float | None:
    try:
        return max(0.0, float(headers.get("Retry-After")))
    except (TypeError, ValueError, AttributeError):
        return None


def _excerpt(data: bytes) -> str:
    text = " ".join(data.decode("utf-8", "replace").split())
    return f": {text[:200]}" if text else ""


def post_once(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """One POST: 2xx is delivered; connection errors, timeouts, 429 and 5xx may succeed
    on another try; any other answer (4xx, a redirect) will not."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
            return Outcome(True, http_status=response.status)
    except urllib.error.HTTPError as exc:
        try:
            detail = _excerpt(exc.read())
        except (OSError, http.client.HTTPException):
            detail = ""
        status = exc.code
        return Outcome(
            False,
            http_status=status,
            error=f"HTTP {status} {exc.reason}{detail}",
            retry=status == 429 or status >= 500,
            retry_after=_retry_after(exc.headers),
        )
    except urllib.error.URLError as exc:
        return Outcome(False, error=f"connection failed ({exc.reason})", retry=True)
    except (OSError, http.client.HTTPException) as exc:
        detail = str(exc) or "no answer"
        return Outcome(
            False, error=f"connection failed ({type(exc).__name__}: {detail})", retry=True
        )


def check_url(url: str) -> str:
    """The webhook URL, refused unless http(s) with a host; returned without its user
    info and query, as the default destination name (no secret stored)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ScorehouseError(f"--url must be an http:// or https:// address, got {url!r}")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"


@dataclass
class WebhookSender:
    """POSTs a batch with its Idempotency-Key, trying again with exponential backoff."""

    url: str
    settings: WebhookSettings
    token: str | None = None
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed try number `attempt` (1-based)."""
        wait = self.settings.retry_base_seconds * 2 ** (attempt - 1)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return min(wait, self.settings.retry_max_seconds)

    def deliver(self, batch: BatchRow, on_try: Callable[[Outcome], None]) -> Outcome:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": batch.batch_id,
            "User-Agent": "scorehouse-export",
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = batch.payload.encode()
        for attempt in range(1, self.settings.attempts + 1):
            outcome = post_once(self.url, body, headers, self.settings.timeout_seconds)
            on_try(outcome)
            if outcome.ok or not outcome.retry or attempt == self.settings.attempts:
                return outcome
            self.sleep(self.delay(attempt, outcome.retry_after))
        raise AssertionError("unreachable: the loop returns on its last try")


@dataclass
class FileWriter:
    """Writes a batch's file into `out_dir`: to a temporary file, then renamed, so that
    a file with the final name is always complete."""

    out_dir: Path

    def deliver(self, batch: BatchRow, on_try: Callable[[Outcome], None]) -> Outcome:
        assert batch.file_name, "a file format's batch has a file name"
        target = self.out_dir / batch.file_name
        staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            with open(staging, "w", encoding="utf-8", newline="") as handle:
                handle.write(batch.payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(staging, target)
            outcome = Outcome(True)
        except OSError as exc:
            staging.unlink(missing_ok=True)
            outcome = Outcome(False, error=f"cannot write {target} ({exc.strerror or exc})")
        on_try(outcome)
        return outcome


# ---------------------------------------------------------------------------------------
# State in the warehouse


STATE_DDL = f"""
create schema if not exists {STATE_SCHEMA};
create table if not exists {BATCHES} (
    destination varchar not null,
    batch_id varchar not null,
    batch_number bigint not null,
    export_format varchar not null,
    crm_object varchar not null,
    file_name varchar,
    scored_as_of date not null,
    is_full boolean not null,
    record_count integer not null,
    payload varchar not null,
    status varchar not null,
    attempt_count integer not null,
    created_at timestamp not null,
    first_attempt_at timestamp,
    last_attempt_at timestamp,
    http_status integer,
    last_error varchar,
    primary key (destination, batch_id)
);
create table if not exists {BATCH_RECORDS} (
    destination varchar not null,
    batch_id varchar not null,
    entity_type varchar not null,
    entity_id varchar not null,
    model_id varchar not null,
    fingerprint varchar not null,
    primary key (destination, batch_id, entity_type, entity_id, model_id)
);
create table if not exists {STATE} (
    destination varchar not null,
    entity_type varchar not null,
    entity_id varchar not null,
    model_id varchar not null,
    fingerprint varchar not null,
    batch_id varchar not null,
    delivered_at timestamp not null,
    primary key (destination, entity_type, entity_id, model_id)
);
"""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def open_state(db: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse, with the export's tables (created on first use)."""
    db = Path(db)
    if not db.exists():
        raise ScorehouseError(
            f"{db}: no warehouse to keep the export's state in; pass the build's warehouse "
            "(--db or SCOREHOUSE_DB)"
        )
    con = duckdb.connect(str(db))
    con.execute(STATE_DDL)
    return con


@dataclass
class BatchRow:
    """A stored batch, as the next try sends it."""

    batch_id: str
    batch_number: int
    export_format: str
    crm_object: str
    file_name: str | None
    record_count: int
    payload: str
    status: str
    attempt_count: int


BATCH_COLUMNS = (
    "batch_id, batch_number, export_format, crm_object, file_name, record_count, payload, "
    "status, attempt_count"
)


def undelivered(con: duckdb.DuckDBPyConnection, destination: str) -> list[BatchRow]:
    """The destination's batches not yet delivered, oldest first."""
    rows = con.execute(
        f"select {BATCH_COLUMNS} from {BATCHES} where destination = ? "
        "and status in ('pending', 'failed') order by batch_number",
        [destination],
    ).fetchall()
    return [BatchRow(*row) for row in rows]


def delivered_fingerprints(
    con: duckdb.DuckDBPyConnection, destination: str
) -> dict[tuple[str, str, str], str]:
    rows = con.execute(
        f"select entity_type, entity_id, model_id, fingerprint from {STATE} where destination = ?",
        [destination],
    ).fetchall()
    return {(t, e, m): f for t, e, m, f in rows}


def store_batches(
    con: duckdb.DuckDBPyConnection,
    destination: str,
    fmt: str,
    scored_as_of: dt.date,
    full: bool,
    batches: list[Batch],
) -> list[BatchRow]:
    """Record the batches, with their payloads and records, as pending, in one
    transaction: from here on, nothing of them can be lost. A batch already recorded
    (the same key: the same content, e.g. a second `--full` of one publication) is made
    pending again, its tries kept."""
    now = _now()
    con.begin()
    try:
        (number,) = one_row(
            con.execute(
                f"select coalesce(max(batch_number), 0) from {BATCHES} where destination = ?",
                [destination],
            )
        )
        for batch in batches:
            number += 1
            con.execute(
                f"""
                insert into {BATCHES} (destination, batch_id, batch_number, export_format,
                    crm_object, file_name, scored_as_of, is_full, record_count, payload,
                    status, attempt_count, created_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)
                on conflict (destination, batch_id) do update
                    set status = 'pending', batch_number = excluded.batch_number
                """,
                [
                    destination,
                    batch.batch_id,
                    number,
                    fmt,
                    batch.crm_object,
                    batch.file_name,
                    scored_as_of,
                    full,
                    len(batch.records),
                    batch.payload,
                    now,
                ],
            )
            # One statement per batch (lists unnested side by side), not one per record.
            con.execute(
                f"""
                insert into {BATCH_RECORDS}
                select ?, ?, unnest(?), unnest(?), unnest(?), unnest(?)
                on conflict do nothing
                """,
                [
                    destination,
                    batch.batch_id,
                    [r.entity_type for r in batch.records],
                    [r.entity_id for r in batch.records],
                    [r.model_id for r in batch.records],
                    [r.fingerprint for r in batch.records],
                ],
            )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    ids = [b.batch_id for b in batches]
    return [b for b in undelivered(con, destination) if b.batch_id in ids]


def record_try(
    con: duckdb.DuckDBPyConnection, destination: str, batch_id: str, outcome: Outcome
) -> None:
    """Record one try's outcome; a success also advances the state of the batch's
    records to the fingerprints it carried, in the same transaction."""
    now = _now()
    con.begin()
    try:
        con.execute(
            f"""
            update {BATCHES}
            set attempt_count = attempt_count + 1,
                first_attempt_at = coalesce(first_attempt_at, ?),
                last_attempt_at = ?,
                http_status = ?,
                last_error = ?,
                status = ?
            where destination = ? and batch_id = ?
            """,
            [
                now,
                now,
                outcome.http_status,
                outcome.error,
                "sent" if outcome.ok else "failed",
                destination,
                batch_id,
            ],
        )
        if outcome.ok:
            con.execute(
                f"""
                insert into {STATE}
                select destination, entity_type, entity_id, model_id, fingerprint,
                    batch_id, ? as delivered_at
                from {BATCH_RECORDS}
                where destination = ? and batch_id = ?
                on conflict (destination, entity_type, entity_id, model_id) do update
                    set fingerprint = excluded.fingerprint,
                        batch_id = excluded.batch_id,
                        delivered_at = excluded.delivered_at
                """,
                [now, destination, batch_id],
            )
        con.commit()
    except BaseException:
        con.rollback()
        raise


# ---------------------------------------------------------------------------------------
# The export


@dataclass
class ExportResult:
    destination: str
    scored_as_of: dt.date
    sent: list[BatchRow] = field(default_factory=list)
    retried: int = 0  # of `sent` and `failed`: batches of earlier runs
    unchanged: int = 0
    failed: BatchRow | None = None
    failure: str | None = None
    left_pending: int = 0
    files: list[Path] = field(default_factory=list)

    @property
    def records_sent(self) -> int:
        return sum(b.record_count for b in self.sent)

    def describe(self) -> str:
        """One line: where, which scoring date, what was delivered and left unchanged."""
        earlier = f" ({self.retried} of an earlier run)" if self.retried else ""
        return (
            f"export to {self.destination}, scored as of {self.scored_as_of}: "
            f"{len(self.sent)} batch(es), {self.records_sent:,} records delivered{earlier}; "
            f"{self.unchanged:,} unchanged"
        )

    def failure_line(self) -> str:
        return (
            f"export stopped: {self.failure}; {self.left_pending} batch(es) wait for the next run"
        )


def default_destination(fmt: str, url: str | None, out_dir: Path | None) -> str:
    if fmt == "webhook":
        return f"webhook:{check_url(url or '')}"
    if out_dir is None:
        raise ScorehouseError(f"--format {fmt} writes files: give --out-dir")
    return f"{fmt}:{Path(out_dir).resolve()}"


def _failure_message(fmt: str, target: str, batch: BatchRow, outcome: Outcome) -> str:
    of = "" if fmt == "webhook" else f" of {batch.crm_object}"
    what = f"batch {batch.batch_id} ({batch.record_count:,} records{of})"
    if fmt != "webhook":
        return f"{what} not written: {outcome.error}; fix it, then run the export again"
    if outcome.retry:
        return (
            f"{target} did not take {what} after {batch.attempt_count} tries in all: "
            f"{outcome.error}; the next `scorehouse export` sends it again with the same "
            "Idempotency-Key, before any new change"
        )
    return (
        f"{target} refused {what}: {outcome.error}; not retried (a 4xx other than 429 "
        "will not change by itself): fix the receiver or its settings, then run the export "
        "again, which resends it with the same Idempotency-Key (or drop it: --drop-batch)"
    )


def new_batches(
    fmt: str,
    config: ExportConfig,
    destination: str,
    publication: Publication,
    delivered: dict[tuple[str, str, str], str],
    full: bool,
) -> tuple[list[Batch], int]:
    """The batches of the records whose fingerprint differs from `delivered` (keyed and,
    for files, named), and how many exportable records are left out as unchanged."""
    records = sorted(publication.records, key=lambda r: r.key)
    changed = {r.key for r in records if delivered.get(r.key) != r.fingerprint}
    if fmt == "webhook":
        batches = webhook_batches(
            [r for r in records if r.key in changed], config.webhook.batch_size, full
        )
        exportable = len(records)
    else:
        objects = config.objects[fmt]
        for obj in objects:
            present = {r.model_id for r in records if r.entity_type == obj.entity_type}
            unknown = sorted(set(obj.models or ()) - present)
            if unknown:
                raise ScorehouseError(
                    f"{config.path}: {fmt}.{obj.key}.models: no model {unknown[0]!r} "
                    f"scores {obj.entity_type}s in {publication.path} (it has "
                    f"{', '.join(sorted(present)) or 'none'})"
                )
        batches = [b for obj in objects if (b := file_batch(fmt, obj, records, changed))]
        exportable = sum(
            1
            for r in records
            for obj in objects
            if r.entity_type == obj.entity_type and (obj.models is None or r.model_id in obj.models)
        )
    for batch in batches:
        batch.batch_id = batch_key(destination, fmt, batch.crm_object, full, batch.payload)
        if fmt != "webhook":
            batch.file_name = (
                f"{fmt}-{batch.crm_object.lower()}-{publication.scored_as_of}-"
                f"{batch.batch_id[:12]}.csv"
            )
    in_batches = {r.key for b in batches for r in b.records}
    return batches, exportable - len(in_batches)


def _sender(
    fmt: str,
    url: str | None,
    out_dir: Path | None,
    config: ExportConfig,
    token: str | None,
    sleep: Callable[[float], None],
) -> tuple[WebhookSender | FileWriter, str]:
    """What delivers the batches of format `fmt`, and how failure messages name it; bad
    combinations of options refused."""
    if fmt not in FORMATS:
        raise ScorehouseError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "webhook":
        if not url:
            raise ScorehouseError("--format webhook needs --url, the address to POST to")
        shown = check_url(url)
        return WebhookSender(url, config.webhook, token, sleep), f"webhook {shown}"
    if url:
        raise ScorehouseError(f"--url is for --format webhook; {fmt} writes files (--out-dir)")
    if out_dir is None:
        raise ScorehouseError(f"--format {fmt} needs --out-dir, the folder to write to")
    return FileWriter(Path(out_dir)), str(out_dir)


def _refuse_older_scores(con, destination: str, scored_as_of, published_db: Path) -> None:
    """Refuse to send scores older than those the destination already has."""
    (last_sent,) = one_row(
        con.execute(
            f"select max(scored_as_of) from {BATCHES} where destination = ? and status = 'sent'",
            [destination],
        )
    )
    if last_sent is not None and scored_as_of < last_sent:
        raise ScorehouseError(
            f"{published_db} is scored as of {scored_as_of}, before the "
            f"scores already delivered to {destination} (as of {last_sent}): nothing was "
            "sent; publish a current build (`scorehouse run`) first"
        )


def _refuse_other_formats(earlier: list[BatchRow], destination: str, fmt: str) -> None:
    """Refuse to export in `fmt` while batches of another format wait for `destination`."""
    for batch in earlier:
        if batch.export_format != fmt:
            raise ScorehouseError(
                f"{destination} has batch {batch.batch_id} of format "
                f"{batch.export_format} not yet delivered: run the export with --format "
                f"{batch.export_format} first (or another --destination)"
            )


def export(
    fmt: str,
    *,
    db: Path,
    published_db: Path,
    config: ExportConfig,
    url: str | None = None,
    out_dir: Path | None = None,
    destination: str | None = None,
    full: bool = False,
    token: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ExportResult:
    """Deliver to the destination, in order: its undelivered batches of earlier runs
    (same key, same content), then the records whose fingerprint changed (all of them
    with `full`). Stops at the first batch that still fails after its tries, leaving it
    and the batches after it pending for the next run; `result.failed` then says which."""
    sender, target = _sender(fmt, url, out_dir, config, token, sleep)
    destination = destination or default_destination(fmt, url, out_dir)
    publication = read_publication(published_db, config.reasons_max_length)
    con = open_state(db)
    try:
        result = ExportResult(destination, publication.scored_as_of)
        _refuse_older_scores(con, destination, publication.scored_as_of, published_db)

        def deliver(batch: BatchRow) -> bool:
            def on_try(outcome: Outcome) -> None:
                record_try(con, destination, batch.batch_id, outcome)
                batch.attempt_count += 1

            outcome = sender.deliver(batch, on_try)
            if outcome.ok:
                result.sent.append(batch)
                if batch.file_name and out_dir is not None:
                    result.files.append(Path(out_dir) / batch.file_name)
                return True
            result.failed = batch
            result.failure = _failure_message(fmt, target, batch, outcome)
            return False

        earlier = undelivered(con, destination)
        _refuse_other_formats(earlier, destination, fmt)
        for number, batch in enumerate(earlier):
            result.retried += 1
            if not deliver(batch):
                result.left_pending = len(earlier) - number
                return result

        delivered = {} if full else delivered_fingerprints(con, destination)
        batches, result.unchanged = new_batches(
            fmt, config, destination, publication, delivered, full
        )
        stored = store_batches(con, destination, fmt, publication.scored_as_of, full, batches)
        for number, batch in enumerate(stored):
            if not deliver(batch):
                result.left_pending = len(stored) - number
                return result
        return result
    finally:
        con.close()


def export_to(
    target: RunDestination, *, db: Path, published_db: Path, config: ExportConfig
) -> ExportResult:
    """Export to one of the settings' `run_destinations` (the token from
    SCOREHOUSE_EXPORT_TOKEN), as `scorehouse run` and the Dagster asset do."""
    return export(
        target.format,
        db=db,
        published_db=published_db,
        config=config,
        url=target.url,
        out_dir=target.out_dir,
        token=os.environ.get("SCOREHOUSE_EXPORT_TOKEN") or None,
    )


def drop_batch(db: Path, destination: str, batch_id: str) -> BatchRow:
    """Give up on an undelivered batch that its receiver will never take (it stays in
    the table, payload and all, as `dropped`). Its records' state does not advance, so
    the next export sends their current values again (unchanged ones: the same batch,
    under the same key, made pending again)."""
    con = open_state(db)
    try:
        rows = con.execute(
            f"select {BATCH_COLUMNS} from {BATCHES} where destination = ? and batch_id = ?",
            [destination, batch_id],
        ).fetchall()
        if not rows:
            raise ScorehouseError(f"{destination} has no batch {batch_id!r} to drop")
        batch = BatchRow(*rows[0])
        if batch.status not in ("pending", "failed"):
            raise ScorehouseError(
                f"batch {batch_id} of {destination} is {batch.status}, not waiting to be "
                "sent: nothing to drop"
            )
        con.execute(
            f"update {BATCHES} set status = 'dropped' where destination = ? and batch_id = ?",
            [destination, batch_id],
        )
        batch.status = "dropped"
        return batch
    finally:
        con.close()
