#!/usr/bin/env bash
# Install what cone needs on a fresh Debian machine: Debian packages (where missing),
# a virtual environment in .venv with the Python packages of the lock file (requirements.lock,
# or requirements-test.lock for test), then cone itself as an editable install.
# Usage: scripts/bootstrap.sh [runtime|test]   (test adds the test tools, Chromium, PostgreSQL)
# Idempotent: a second run installs nothing new (the venv keeps a stamp named by the lock's hash).
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"

runtime_debs=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig libreoffice-writer-nogui)
test_debs=(chromium postgresql poppler-utils wrk redis-server)
debs=("${runtime_debs[@]}")
[ "$profile" = test ] && debs+=("${test_debs[@]}")

missing=()
# npm may come with a non-Debian nodejs build: ask Debian for it only where there is no npm.
[ "$profile" = test ] && ! command -v npm >/dev/null && debs+=(nodejs npm)
for deb in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
lock=requirements.lock; [ "$profile" = test ] && lock=requirements-test.lock
stamp=".venv/.cone-$profile-$(cat "$lock" pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  echo "bootstrap: installing Python packages ($profile, from $lock)"
  pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
  quiet() { grep -v "^WARNING: Location" || true; }   # this machine's pip.conf names local indexes that may be absent
  "${pip[@]}" --require-hashes --no-deps -r "$lock" 2>&1 | quiet
  "${pip[@]}" --no-deps -e . 2>&1 | quiet
  .venv/bin/python -c "import cone, weasyprint, flask" # fail here, not later, if the install did not take
  rm -f .venv/.cone-"$profile"-*
  touch "$stamp"
fi

if [ "$profile" = test ] && [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "bootstrap: installing npm test tools (axe-core)"
  npm ci --no-audit --no-fund --silent
fi
