#!/usr/bin/env bash
# Start cone on http://127.0.0.1:5000 with SQLite in instance/: installs what is missing,
# applies the database migrations, creates a first administrator on a fresh install (and
# prints how to sign in), then serves the app. PORT and HOST may be set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh runtime
export FLASK_APP=app
export CONE_PUBLIC_URL="${CONE_PUBLIC_URL:-http://${HOST:-127.0.0.1}:${PORT:-5000}}"
.venv/bin/flask db upgrade
.venv/bin/flask cone bootstrap
exec .venv/bin/flask run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
