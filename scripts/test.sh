#!/usr/bin/env bash
# Run the whole test suite on a fresh or used machine: installs what is missing, starts a
# throwaway PostgreSQL on loopback, runs every test on SQLite, then the database tests again
# on PostgreSQL, then stops the server. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test

eval "$(scripts/pg.sh start)"
trap 'scripts/pg.sh stop "$CONE_PG_DIR"' EXIT

status=0
echo "== all tests (SQLite) =="
env -u CONE_TEST_DATABASE_URL .venv/bin/python -m pytest -n 2 -q "$@" || status=$?
if [ "$status" -eq 0 ] && [ -d tests/web ]; then
  echo "== database tests (PostgreSQL) =="
  .venv/bin/python -m pytest -n 2 -q -m db "$@" || status=$?
fi
exit "$status"
