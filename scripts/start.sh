#!/usr/bin/env bash
# Start cone on http://127.0.0.1:5000 with SQLite in instance/: installs what is missing,
# applies the database migrations, creates a first administrator on a fresh install (and
# prints how to sign in), then serves the app with gunicorn. PORT, HOST and WORKERS may be set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh runtime
export FLASK_APP=app
export CONE_PUBLIC_URL="${CONE_PUBLIC_URL:-http://${HOST:-127.0.0.1}:${PORT:-5000}}"
.venv/bin/flask db upgrade
.venv/bin/flask cone bootstrap
echo "cone: serving $CONE_PUBLIC_URL (gunicorn, ${WORKERS:-2} workers; Ctrl-C stops it)"
exec .venv/bin/gunicorn --bind "${HOST:-127.0.0.1}:${PORT:-5000}" --workers "${WORKERS:-2}" app:app
