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

echo "== running the tests"
exec "$PY" -m pytest "$@"
