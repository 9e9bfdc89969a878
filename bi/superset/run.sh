#!/usr/bin/env bash
# Apache Superset on Scorehouse's publication (docs/superset.md): sets up Superset's
# metadata database on the first run, starts Superset on 127.0.0.1, registers the
# publication (bi/superset/register.py), then serves until Ctrl-C.
#
#   SCOREHOUSE_SUPERSET_PASSWORD=... bi/superset/run.sh [PUBLICATION]
#
# PUBLICATION defaults to data/published/scorehouse.duckdb. Environment:
#   SCOREHOUSE_SUPERSET_PASSWORD  the admin's password (required; set on the first run)
#   SCOREHOUSE_SUPERSET_USER      the admin's user name (admin)
#   SCOREHOUSE_SUPERSET_BIN       the Superset venv's bin folder (.venv-superset/bin)
#   SCOREHOUSE_SUPERSET_HOME      Superset's metadata database and secret key (data/superset)
#   SCOREHOUSE_SUPERSET_PORT      the port on 127.0.0.1 (8088)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
publication=${1:-$root/data/published/scorehouse.duckdb}
bin=${SCOREHOUSE_SUPERSET_BIN:-$root/.venv-superset/bin}
user=${SCOREHOUSE_SUPERSET_USER:-admin}
port=${SCOREHOUSE_SUPERSET_PORT:-8088}
: "${SCOREHOUSE_SUPERSET_PASSWORD:?set it to the Superset admin password (chosen on the first run)}"
export SUPERSET_HOME=${SCOREHOUSE_SUPERSET_HOME:-$root/data/superset}
export SUPERSET_CONFIG_PATH=$here/superset_config.py FLASK_APP=superset

if [[ ! -x $bin/superset ]]; then
    echo "run.sh: no $bin/superset: python3 -m venv .venv-superset &&" \
        ".venv-superset/bin/pip install -r requirements-superset.lock" >&2
    exit 1
fi
# A missing or foreign file, or a busy port, is refused before the slow part.
"$bin/python" "$here/register.py" --check "$publication"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "run.sh: port $port on 127.0.0.1 is taken: set SCOREHOUSE_SUPERSET_PORT" >&2
    exit 1
fi

# The metadata database, the admin and Superset's roles: once per Superset version.
version=$("$bin/python" -c 'import importlib.metadata as m; print(m.version("apache-superset"))')
stamp=$SUPERSET_HOME/.initialized-$version
if [[ ! -e $stamp ]]; then
    mkdir -p "$SUPERSET_HOME"
    "$bin/superset" db upgrade
    # An existing user keeps the password it has (Superset says "User already exists").
    "$bin/superset" fab create-admin --username "$user" --firstname Scorehouse \
        --lastname Admin --email "$user@localhost" --password "$SCOREHOUSE_SUPERSET_PASSWORD"
    "$bin/superset" init
    touch "$stamp"
fi

"$bin/superset" run --host 127.0.0.1 --port "$port" --with-threads &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    kill -0 "$server" 2>/dev/null || { echo "run.sh: Superset stopped (see above)" >&2; exit 1; }
    sleep 1
done
"$bin/python" "$here/register.py" "$publication" --url "http://127.0.0.1:$port" \
    --user "$user" --wait 120
echo "Superset is ready on http://127.0.0.1:$port (user $user); Ctrl-C stops it"
wait "$server"
