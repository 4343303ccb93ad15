#!/usr/bin/env bash
# The test command (README): installs everything the tests need from the project's own files,
# then runs the whole suite. Extra arguments go to pytest (e.g. `bash scripts/test.sh -k ledger`).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}

echo "== installing orggraph with its test dependencies (pip, from pyproject.toml)"
"$PY" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -e ".[dev]"

echo "== installing Neo4j's Cypher front end (npm, from tools/cypher-lint/package-lock.json)"
npm ci --prefix tools/cypher-lint --no-audit --no-fund --loglevel=error >/dev/null

echo "== installing a CJK font and a headless browser (Debian: fonts-noto-cjk, chromium) for the plot and report tests"
_apt_updated=""
_apt() {  # install Debian packages when apt-get is there (CI runs as root on Debian); skipped when already present
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "   apt-get is not available: install $* yourself (the Chinese-font and browser tests need them)"
        return 0
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi
    if [ -z "$_apt_updated" ]; then $sudo apt-get update -qq || true; _apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null \
        || echo "   could not install $* (the Chinese-font and browser tests will fail)"
}
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || _apt fonts-noto-cjk fontconfig
command -v chromium >/dev/null 2>&1 || _apt chromium

echo "== running the tests"
exec "$PY" -m pytest "$@"
