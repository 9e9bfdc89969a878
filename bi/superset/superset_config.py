"""Superset's configuration for reading Scorehouse's publication (docs/superset.md).

Superset loads it from SUPERSET_CONFIG_PATH (bi/superset/run.sh sets it). Everything it
keeps lives in the folder SUPERSET_HOME, which Superset itself also uses for its files:
the metadata database (users, the "Scorehouse" database, its datasets, charts) and the
secret key. Nothing else differs from Superset's defaults but what is written below.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

if not os.environ.get("SUPERSET_HOME"):
    raise RuntimeError(
        "SUPERSET_HOME is not set: set it to the folder for Superset's metadata database "
        "and secret key (bi/superset/run.sh uses data/superset)"
    )
# Lowercase: Superset takes every uppercase name of this module as a setting.
home = Path(os.environ["SUPERSET_HOME"]).resolve()
home.mkdir(parents=True, exist_ok=True)


def _secret_key(home: Path) -> str:
    """SUPERSET_SECRET_KEY if set, else a random key made once per install.

    The key signs the login sessions and encrypts what the metadata database stores
    encrypted (database passwords; the publication has none). It must stay the same for
    as long as the metadata database does, and differ between installs: Superset refuses
    to start with its built-in default. A key generated on the first start and kept
    beside the metadata database (readable by its owner only) is both, and a local user
    has nothing to set. Set SUPERSET_SECRET_KEY where a deployment keeps its secrets
    elsewhere; changing the key later needs `superset re-encrypt-secrets`.
    """
    if os.environ.get("SUPERSET_SECRET_KEY"):
        return os.environ["SUPERSET_SECRET_KEY"]
    path = home / "secret_key"
    if not path.exists():
        # O_EXCL: of two first starts at once, one writes the key and the other reads it.
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: remove it to make a new key")
    return key


SECRET_KEY = _secret_key(home)

# The metadata database: a SQLite file (one user, one server; see docs/superset.md).
SQLALCHEMY_DATABASE_URI = f"sqlite:///{home / 'superset.db'}?check_same_thread=false"
# Examples are never loaded (`superset load-examples` is not run); should one be, they go
# into the same folder, not ~/.superset.
SQLALCHEMY_EXAMPLES_URI = f"sqlite:///{home / 'examples.db'}?check_same_thread=false"

# No telemetry. Superset's pages include an image from Scarf (apachesuperset.gateway.
# scarf.sh) that counts installs; its content security policy allows that host. The same
# policy as Superset's default, without the Scarf hosts, makes the browser refuse it.
scarf_hosts = ("https://apachesuperset.gateway.scarf.sh", "https://static.scarf.sh/")


def _without_scarf(config: dict) -> dict:
    policy = dict(config["content_security_policy"])
    policy["img-src"] = [source for source in policy["img-src"] if source not in scarf_hosts]
    return {**config, "content_security_policy": policy}


def _talisman_configs() -> tuple[dict, dict]:
    from superset import config as defaults

    return (
        _without_scarf(defaults.TALISMAN_CONFIG),
        _without_scarf(defaults.TALISMAN_DEV_CONFIG),
    )


TALISMAN_CONFIG, TALISMAN_DEV_CONFIG = _talisman_configs()

# DuckDB is not among the dialects that PREVENT_UNSAFE_DB_CONNECTIONS blocks, so the
# publication registers as it is; the database is registered with DuckDB's file access
# off (bi/superset/register.py), so SQL Lab reads the publication and no other file.
# Files cannot be uploaded into it either: it is read-only.
