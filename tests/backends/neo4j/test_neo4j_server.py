"""The Neo4j 5.26 test server itself: a real Neo4j Community, local only, authenticated, survives a hard
kill with its data, dies with the process that started it, and names what is missing when it cannot start.

No mocks: a real server process, the neo4j driver, real environment variables.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from orggraph.testing.neo4j_server import (
    NEO4J_VERSION,
    Neo4jTestServer,
    Neo4jTestServerError,
    neo4j_server_available,
)

neo4j = pytest.importorskip("neo4j")

SRC = Path(__file__).resolve().parents[3] / "src"

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.slow,
    pytest.mark.skipif(neo4j_server_available() is not None, reason=f"{neo4j_server_available()}"),
]


@pytest.fixture(scope="module")
def server():
    s = Neo4jTestServer().start()
    yield s
    s.stop()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def _wait_dead(pid: int, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.2)
    return False


def test_it_is_neo4j_5_26_on_localhost_with_a_password(server):
    assert NEO4J_VERSION.startswith("5.26.")
    assert server.agent == f"Neo4j/{NEO4J_VERSION}"
    assert server.uri.startswith("bolt://127.0.0.1:")
    user, password = server.auth
    assert user == "neo4j" and len(password) >= 20
    assert password not in repr(server) and password not in server.log_tail(500)
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        rec = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition",
            database_=server.database,
        ).records[0]
        assert (rec["name"], rec["version"], rec["edition"]) == ("Neo4j Kernel", NEO4J_VERSION, "community")
    with neo4j.GraphDatabase.driver(server.uri, auth=(user, "wrong-password")) as driver:
        with pytest.raises(neo4j.exceptions.AuthError):
            driver.verify_connectivity()


def test_a_hard_kill_keeps_the_committed_data(server):
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        driver.execute_query("CREATE (:Probe {id: 'kept'})", database_=server.database)
    old_pid = server.pid
    server.restart()
    assert server.pid != old_pid and not _alive(old_pid)
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        found = driver.execute_query("MATCH (p:Probe) RETURN p.id AS id", database_=server.database).records
        assert [r["id"] for r in found] == ["kept"]
    server.wipe()
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        assert driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=server.database).records[0]["n"] == 0


def test_the_server_dies_with_the_process_that_started_it(tmp_path):
    """A Python process starts a server and dies without cleaning up (os._exit): the Java process ends too."""
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(SRC)!r})
        from orggraph.testing.neo4j_server import Neo4jTestServer
        s = Neo4jTestServer(root_dir={str(tmp_path / 'root')!r}).start()
        print(s.pid, flush=True)
        os._exit(3)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 3, done.stderr[-2000:]
    pid = int(done.stdout.split()[0])
    assert _wait_dead(pid), f"the Neo4j process {pid} outlived its parent"


def test_missing_java_and_missing_maven_are_named(tmp_path, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # neither java nor mvn on it
    reason = neo4j_server_available()
    assert reason is not None and "Java 17" in reason
    with pytest.raises(Neo4jTestServerError, match="Java 17"):
        Neo4jTestServer().start()
    # Java there, the jars not cached yet, no Maven: the message names Maven
    java = Path(os.path.realpath(subprocess.run(["which", "java"], capture_output=True, text=True,
                                                env={"PATH": os.defpath + ":/usr/bin"}).stdout.strip()))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "java").symlink_to(java)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("ORGGRAPH_NEO4J_CACHE", str(tmp_path / "empty-cache"))
    reason = neo4j_server_available()
    assert reason is not None and "Maven" in reason
    with pytest.raises(Neo4jTestServerError, match="Maven"):
        Neo4jTestServer().start()
