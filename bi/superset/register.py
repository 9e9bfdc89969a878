"""Register Scorehouse's publication in a running Superset (docs/superset.md).

Run with the python of the Superset venv (requirements-superset.lock), as
bi/superset/run.sh does:

    .venv-superset/bin/python bi/superset/register.py data/published/scorehouse.duckdb \
        --url http://127.0.0.1:8088 --user admin      # password: SCOREHOUSE_SUPERSET_PASSWORD

It talks to Superset's REST API only. The publication becomes the database "Scorehouse"
(duckdb-engine, opened read-only, DuckDB's file access off), and every mart that the
publication records (`_publication_marts`) a dataset on its view in schema `marts`. A
second run updates them: the database takes the new path and settings, each dataset
re-reads its columns, and nothing is created twice. Exit 0 when done, 1 with one line
saying why not (no such file, not a publication, Superset unreachable or refusing).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

DATABASE_NAME = "Scorehouse"
SCHEMA = "marts"
# read_only: Superset never holds the publication open for writing, so `scorehouse
# publish` can rename a new file over it; each query opens the file again (Superset's
# connections are not pooled) and reads the latest publication. enable_external_access
# off: SQL Lab reads this file and no other (no read_csv('/etc/...'), ATTACH, COPY TO,
# extension downloads). Neither can be changed from SQL Lab once the file is open.
CONNECT_ARGS = {"read_only": True, "config": {"enable_external_access": False}}


class RegisterError(Exception):
    """What went wrong, in one line."""


class HTTPFailure(RegisterError):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def published_marts(publication: Path) -> list[str]:
    """The marts that `publication` records, once checked to be a Scorehouse publication."""
    if not publication.exists():
        raise RegisterError(
            f"{publication}: no such file; publish the marts first (`scorehouse publish`, "
            "or `make demo`), or give the path of a publication"
        )
    if not publication.is_file():
        raise RegisterError(f"{publication} is not a file: give the publication's DuckDB file")
    import duckdb

    try:
        con = duckdb.connect(str(publication), read_only=True)
    except duckdb.Error as error:
        reason = str(error).splitlines()[0]
        raise RegisterError(
            f"DuckDB {duckdb.__version__} cannot open {publication} (not a DuckDB file?): {reason}"
        ) from None
    try:
        relations = set(
            con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        )
        if ("main", "_publication_marts") not in relations:
            raise RegisterError(
                f"{publication} is not a Scorehouse publication: it has no _publication_marts "
                "table (`scorehouse publish` writes one)"
            )
        marts = [
            mart for (mart,) in con.execute("select mart from main._publication_marts").fetchall()
        ]
    finally:
        con.close()
    missing = [mart for mart in marts if (SCHEMA, mart) not in relations]
    if not marts or missing:
        raise RegisterError(
            f"{publication} is not a complete Scorehouse publication: no view "
            f"{SCHEMA}.<mart> for {', '.join(missing) or 'any mart'}"
        )
    return sorted(marts)


def rison(value: object) -> str:
    """Superset's query-string encoding (Rison) of dicts, lists, strings and integers."""
    if isinstance(value, bool):
        return "!t" if value else "!f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("!", "!!").replace("'", "!'") + "'"
    if isinstance(value, list | tuple):
        return "!(" + ",".join(rison(item) for item in value) + ")"
    if isinstance(value, dict):
        return "(" + ",".join(f"{key}:{rison(item)}" for key, item in value.items()) + ")"
    raise TypeError(f"cannot encode {value!r}")


class Superset:
    """A session with Superset's REST API: a bearer token, and the CSRF token that
    Superset wants (with its session cookie) on every request that changes something."""

    def __init__(self, url: str, timeout: float = 120):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.headers = {"Accept": "application/json"}
        cookies = urllib.request.HTTPCookieProcessor(CookieJar())
        self.opener = urllib.request.build_opener(cookies)

    def call(self, method: str, path: str, body: object = None, query: object = None) -> dict:
        url = self.url + path
        if query is not None:
            url += "?q=" + urllib.parse.quote(rison(query))
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            detail = " ".join(error.read().decode(errors="replace").split())[:600]
            raise HTTPFailure(
                f"Superset at {self.url} answered {error.code} to {method} {path}: {detail}",
                error.code,
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise RegisterError(f"cannot reach Superset at {self.url}: {reason}") from None
        try:
            return json.loads(text) if text.strip() else {}
        except ValueError:
            raise RegisterError(
                f"Superset at {self.url} answered {method} {path} with a page, not JSON "
                f"(is this Superset's address?): {' '.join(text.split())[:200]}"
            ) from None

    def wait_until_up(self, seconds: float) -> None:
        """Return once /health answers OK; RegisterError after `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            request = urllib.request.Request(self.url + "/health")
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    if response.read().strip() == b"OK":
                        return
                reason: object = "/health did not answer OK"
            except urllib.error.HTTPError as error:
                reason = f"{self.url}/health answered {error.code}: is this Superset's address?"
            except (urllib.error.URLError, OSError) as error:
                reason = getattr(error, "reason", error)
            if time.monotonic() >= deadline:
                waited = f" after {seconds:g} s" if seconds else ""
                raise RegisterError(f"cannot reach Superset at {self.url}{waited}: {reason}")
            time.sleep(1)

    def login(self, user: str, password: str) -> None:
        credentials = {"username": user, "password": password, "provider": "db", "refresh": False}
        try:
            token = self.call("POST", "/api/v1/security/login", credentials)["access_token"]
        except HTTPFailure as failure:
            if failure.status != 401:
                raise
            raise RegisterError(
                f"Superset at {self.url} refused the login of {user!r}: wrong user or password"
            ) from None
        self.headers["Authorization"] = f"Bearer {token}"
        csrf = self.call("GET", "/api/v1/security/csrf_token/")["result"]
        self.headers["X-CSRFToken"] = csrf
        self.headers["Referer"] = self.url

    def database_id(self, name: str = DATABASE_NAME) -> int | None:
        query = {"filters": [{"col": "database_name", "opr": "eq", "value": name}]}
        found = self.call("GET", "/api/v1/database/", query=query)["ids"]
        if len(found) > 1:
            raise RegisterError(f"Superset at {self.url} has {len(found)} databases named {name}")
        return found[0] if found else None

    def datasets(self, database_id: int, schema: str = SCHEMA) -> dict[str, int]:
        """The datasets on tables of `schema` in the database, by table name."""
        query = {
            "filters": [
                {"col": "database", "opr": "rel_o_m", "value": database_id},
                {"col": "schema", "opr": "eq", "value": schema},
            ],
            "columns": ["id", "table_name"],
            "page_size": 100,
        }
        rows = self.call("GET", "/api/v1/dataset/", query=query)["result"]
        return {row["table_name"]: row["id"] for row in rows}


def database_settings(publication: Path) -> dict:
    return {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": f"duckdb:///{publication}",
        "expose_in_sqllab": True,
        "allow_dml": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_file_upload": False,
        "allow_run_async": False,
        "extra": json.dumps({"engine_params": {"connect_args": CONNECT_ARGS}}),
    }


def register(superset: Superset, publication: Path, marts: list[str]) -> list[str]:
    """Create or update the database and its datasets; what was done, line by line."""
    settings = database_settings(publication)
    database_id = superset.database_id()
    if database_id is None:
        database_id = superset.call("POST", "/api/v1/database/", settings)["id"]
        done = [f'database "{DATABASE_NAME}" (id {database_id}) created: {publication}']
    else:
        superset.call("PUT", f"/api/v1/database/{database_id}", settings)
        done = [f'database "{DATABASE_NAME}" (id {database_id}) updated: {publication}']
    existing = superset.datasets(database_id)
    created, refreshed = [], []
    for mart in marts:
        if mart in existing:
            superset.call("PUT", f"/api/v1/dataset/{existing[mart]}/refresh")
            refreshed.append(mart)
        else:
            body = {"database": database_id, "schema": SCHEMA, "table_name": mart}
            superset.call("POST", "/api/v1/dataset/", body)
            created.append(mart)
    done.append(
        f"datasets in schema {SCHEMA}: {len(created)} created, {len(refreshed)} refreshed "
        f"({', '.join(marts)})"
    )
    others = sorted(set(existing) - set(marts))
    if others:
        done.append(f"left as they are, not marts of this publication: {', '.join(others)}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("publication", type=Path, help="the published DuckDB file")
    parser.add_argument(
        "--url", default=os.environ.get("SCOREHOUSE_SUPERSET_URL", "http://127.0.0.1:8088")
    )
    parser.add_argument("--user", default=os.environ.get("SCOREHOUSE_SUPERSET_USER", "admin"))
    parser.add_argument(
        "--wait", type=float, default=0, help="seconds to wait for Superset to answer"
    )
    parser.add_argument(
        "--check", action="store_true", help="only check the publication; Superset is not called"
    )
    args = parser.parse_args(argv)
    password = os.environ.get("SCOREHOUSE_SUPERSET_PASSWORD")
    try:
        publication = args.publication.expanduser().resolve()
        marts = published_marts(publication)
        if args.check:
            print(f"{publication}: a Scorehouse publication of {len(marts)} marts")
            return 0
        if not password:
            raise RegisterError("set SCOREHOUSE_SUPERSET_PASSWORD to the password of --user")
        superset = Superset(args.url)
        superset.wait_until_up(args.wait)
        superset.login(args.user, password)
        for line in register(superset, publication, marts):
            print(line)
    except RegisterError as error:
        print(f"register.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
