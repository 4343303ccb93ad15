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

echo "== fetching Neo4j 5.26 Community from Maven Central for the Bolt test server (once; cached in ~/.m2 and ~/.cache/orggraph)"
# Needs Java 17+ and Maven; without them the Neo4j tests run on ArcadeDB (orggraph.testing.BoltTestServer).
if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
    "$PY" -c "from orggraph.testing.neo4j_server import neo4j_classpath, NEO4J_VERSION as v; neo4j_classpath(); print('   Neo4j', v, 'ready')" \
        || echo "   could not fetch Neo4j: the Neo4j tests will run on ArcadeDB"
else
    echo "   java or mvn is missing: the Neo4j tests will run on ArcadeDB (install openjdk-17-jdk-headless and maven for the real server)"
fi

echo "== running the tests (Neo4j backend on ${ORGGRAPH_NEO4J_URI:+the server at ORGGRAPH_NEO4J_URI}${ORGGRAPH_NEO4J_URI:-${ORGGRAPH_TEST_SERVER:-the real Neo4j when it can run, else ArcadeDB}})"
status=0

# The full run also proves the Neo4j backend on the fallback server: the backend's own tests and the
# conformance suite again on ArcadeDB. Skipped when the arguments select tests (anything but output
# options such as -q, -v, -x: CI passes -q), with an external server or with a forced server kind.
full=1
for a in "$@"; do
    case "$a" in -q|-qq|-v|-vv|-x|-ra|-rA|--quiet|--verbose|--exitfirst) ;; *) full=0 ;; esac
done
if [ $full -eq 0 ] || [ -n "${ORGGRAPH_NEO4J_URI:-}" ] || [ -n "${ORGGRAPH_TEST_SERVER:-}" ]; then
    "$PY" -m pytest "$@" || status=$?
    exit $status
fi

arcadedb_pass=(-m neo4j tests/backends/neo4j tests/conformance tests/queries
    --ignore=tests/backends/neo4j/test_bolt_server.py --ignore=tests/backends/neo4j/test_neo4j_server.py)
if [ "${ORGGRAPH_TEST_PARALLEL:-1}" = "0" ]; then
    "$PY" -m pytest "$@" || status=$?
    echo "== the Neo4j backend's tests and the conformance suite on ArcadeDB (the fallback Bolt server)"
    ORGGRAPH_TEST_SERVER=arcadedb "$PY" -m pytest "$@" "${arcadedb_pass[@]}" || status=$?
    exit $status
fi

# The whole run as three pytest processes at the same time (docs/testing.md): each waits on its
# server much of the time, so together they keep both cores of a small machine busy. Every test
# runs exactly as in one process: the tests on the Bolt server (-m neo4j, with their own Neo4j
# server), all the others (-m "not neo4j": the two sets are complementary) and the ArcadeDB pass.
# Each writes to a log, shown when it ends; ORGGRAPH_TEST_PARALLEL=0 runs them one after another.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
names=("the tests on the Bolt server (Neo4j backend)" "all other tests" \
       "the Neo4j backend's tests and the conformance suite on ArcadeDB (the fallback Bolt server)")
"$PY" -m pytest "$@" -m neo4j >"$logs/0" 2>&1 & pids=($!)
"$PY" -m pytest "$@" -m "not neo4j" >"$logs/1" 2>&1 & pids+=($!)
ORGGRAPH_TEST_SERVER=arcadedb "$PY" -m pytest "$@" "${arcadedb_pass[@]}" >"$logs/2" 2>&1 & pids+=($!)
echo "   three pytest processes at once: ${names[0]}; ${names[1]}; the ArcadeDB pass (each shown when it ends)"
for i in 0 1 2; do
    rc=0
    wait "${pids[$i]}" || rc=$?
    echo "== ${names[$i]} (exit $rc)"
    cat "$logs/$i"
    if [ $rc -ne 0 ]; then status=$rc; fi
done
exit $status
