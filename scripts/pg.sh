#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server on loopback for the test suite.
#   eval "$(scripts/pg.sh start)"   -> exports CONE_TEST_DATABASE_URL and CONE_PG_DIR
#   scripts/pg.sh stop "$CONE_PG_DIR"
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL is not installed" >&2; exit 1; }
run() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/cone-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    run "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1
    run "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null
    run "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres cone_test
    echo "export CONE_PG_DIR=$dir"
    echo "export CONE_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$port/cone_test"
    ;;
  stop)
    dir="${2:?pg.sh stop DIR}"
    run "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: pg.sh start | stop DIR" >&2; exit 2 ;;
esac
