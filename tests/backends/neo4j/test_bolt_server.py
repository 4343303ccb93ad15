"""The Bolt test server itself: starts, answers, creates/drops databases,
survives a hard kill with its data, and leaves no Java process behind.

No mocks: every test talks to a real ArcadeDB process through the neo4j driver.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from orggraph.testing.bolt_server import (
    BoltSettings,
    BoltTestServer,
    BoltTestServerError,
    server_from_env,
)

neo4j = pytest.importorskip("neo4j")

SRC = Path(__file__).resolve().parents[3] / "src"


def _alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def _wait_dead(pid: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def _listening_addresses(pid: int) -> set[tuple[str, int]]:
    """(host, port) of every TCP socket in LISTEN state owned by ``pid`` (Linux /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] != "0A" or cols[9] not in inodes:  # 0A = LISTEN
                continue
            hex_addr, hex_port = cols[1].split(":")
            raw = bytes.fromhex(hex_addr)
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))  # per-word little endian
            found.add((socket.inet_ntop(family, raw), int(hex_port, 16)))
    return found


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _own_server(bolt_server):
    if not isinstance(bolt_server, BoltTestServer):
        pytest.skip("needs the ArcadeDB test server (ORGGRAPH_NEO4J_URI is set)")
    return bolt_server


# --------------------------------------------------------------------------- #
# No server needed
# --------------------------------------------------------------------------- #


def test_server_from_env_reads_the_four_variables():
    assert server_from_env({}) is None
    assert server_from_env({"ORGGRAPH_NEO4J_URI": "  "}) is None
    s = server_from_env({
        "ORGGRAPH_NEO4J_URI": "neo4j://db.example:7687",
        "ORGGRAPH_NEO4J_USER": "alice",
        "ORGGRAPH_NEO4J_PASSWORD": "s3cret-pw",
        "ORGGRAPH_NEO4J_DATABASE": "orgs",
    })
    assert s == BoltSettings("neo4j://db.example:7687", "alice", "s3cret-pw", "orgs")
    assert s.auth == ("alice", "s3cret-pw")
    assert "s3cret-pw" not in repr(s)
    d = server_from_env({"ORGGRAPH_NEO4J_URI": "bolt://h:1"})
    assert (d.user, d.password, d.database) == ("neo4j", "", None)


def test_unstarted_server_repr_and_invalid_database_name():
    server = BoltTestServer()
    assert repr(server) == "<BoltTestServer uri='not started' database='orggraph'>"
    with pytest.raises(BoltTestServerError):
        server.uri  # noqa: B018
    with pytest.raises(ValueError):
        server.create_database("bad name; drop")


# --------------------------------------------------------------------------- #
# Shared session server
# --------------------------------------------------------------------------- #


@pytest.mark.neo4j
def test_server_answers_return_1(neo4j_driver, bolt_server):
    records, _, _ = neo4j_driver.execute_query("RETURN 1 AS x", database_=bolt_server.database)
    assert [r["x"] for r in records] == [1]


@pytest.mark.neo4j
def test_listens_on_loopback_only_and_hides_the_password(bolt_server):
    server = _own_server(bolt_server)
    assert server.uri.startswith("bolt://127.0.0.1:")
    assert repr(server) == f"<BoltTestServer uri={server.uri!r} database='orggraph'>"
    password = server.auth[1]
    assert password not in repr(server) and password not in str(server)
    assert password not in server.log_tail(10_000)
    assert password not in " ".join(server._command_line())
    if sys.platform.startswith("linux"):
        listeners = _listening_addresses(server.pid)
        assert (server.bolt_port in {p for _, p in listeners}) and listeners
        assert {host for host, _ in listeners} <= {"127.0.0.1", "::ffff:127.0.0.1"}, listeners


@pytest.mark.neo4j
def test_create_and_drop_database(bolt_server, neo4j_driver):
    server = _own_server(bolt_server)
    name = f"cd_{os.getpid()}"
    t0 = time.perf_counter()
    server.create_database(name)
    created = time.perf_counter() - t0
    try:
        assert name in server.list_databases()
        neo4j_driver.execute_query("CREATE (:Probe {x: 1})", database_=name)
        records, _, _ = neo4j_driver.execute_query("MATCH (n:Probe) RETURN count(n) AS c", database_=name)
        assert records[0]["c"] == 1
        # the default database is untouched
        records, _, _ = neo4j_driver.execute_query(
            "MATCH (n:Probe) RETURN count(n) AS c", database_=server.database)
        assert records[0]["c"] == 0
        with pytest.raises(BoltTestServerError, match="already exists"):
            server.create_database(name)
    finally:
        t0 = time.perf_counter()
        server.drop_database(name)
        dropped = time.perf_counter() - t0
    assert name not in server.list_databases()
    with pytest.raises(neo4j.exceptions.Neo4jError):
        neo4j_driver.execute_query("RETURN 1", database_=name)
    assert created < 5 and dropped < 5


@pytest.mark.neo4j
def test_fresh_database_is_empty_and_isolated(fresh_database, neo4j_driver, bolt_server):
    records, _, _ = neo4j_driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=fresh_database)
    assert records[0]["c"] == 0
    neo4j_driver.execute_query("CREATE (:Only {here: true})", database_=fresh_database)
    if isinstance(bolt_server, BoltTestServer):
        assert fresh_database in bolt_server.list_databases()


# --------------------------------------------------------------------------- #
# Servers of their own (lifecycle)
# --------------------------------------------------------------------------- #


@pytest.mark.neo4j
def test_restart_after_hard_kill_keeps_committed_data():
    with BoltTestServer(database="keep") as server:
        uri, first_pid = server.uri, server.pid
        with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
            driver.execute_query("UNWIND range(1, 500) AS i CREATE (:Item {i: i})", database_="keep")
            with driver.session(database="keep") as session:
                tx = session.begin_transaction()
                tx.run("CREATE (:Item {i: -1})").consume()  # never committed
                server.restart()  # SIGKILL + start on the same dir and ports
                with pytest.raises(Exception):  # noqa: B017 - the connection is gone
                    tx.commit()
        assert not _alive(first_pid)
        assert server.pid != first_pid and server.uri == uri
        with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
            records, _, _ = driver.execute_query(
                "MATCH (n:Item) RETURN count(n) AS c, min(n.i) AS lo", database_="keep")
        assert (records[0]["c"], records[0]["lo"]) == (500, 1)
        assert server.list_databases() == ["keep"]


@pytest.mark.neo4j
def test_stop_leaves_no_process_no_port_and_no_files():
    server = BoltTestServer(database=None).start()
    pid, root, ports = server.pid, server.root_dir, (server.bolt_port, server.http_port)
    assert _alive(pid) and root.is_dir() and all(_port_open(p) for p in ports)
    server.stop()
    assert not _alive(pid)
    assert not root.exists()
    assert not any(_port_open(p) for p in ports)
    server.stop()  # idempotent


@pytest.mark.neo4j
def test_server_dies_with_a_killed_parent():
    """If the test process is SIGKILLed (no atexit), the Java child still goes."""
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(SRC)!r})
        from orggraph.testing.bolt_server import BoltTestServer
        s = BoltTestServer(database=None).start()
        print(s.pid, s.root_dir, flush=True)
        time.sleep(120)
    """)
    java_pid = root = None
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as parent:
        try:
            line = parent.stdout.readline().split()
            assert line, "child did not start a server"
            java_pid, root = int(line[0]), Path(line[1])
            assert _alive(java_pid)
            parent.kill()
            parent.wait(timeout=10)
            assert _wait_dead(java_pid), "Java server outlived its killed parent"
        finally:
            parent.kill()
            parent.wait(timeout=10)
            if java_pid is not None and _alive(java_pid):
                os.kill(java_pid, 9)
            if root is not None:
                shutil.rmtree(root, ignore_errors=True)


@pytest.mark.neo4j
def test_start_failure_raises_with_log_tail_and_leaves_nothing():
    server = BoltTestServer(jvm_args=["-XX:+UseParallelGC"])  # clashes with -XX:+UseSerialGC
    with pytest.raises(BoltTestServerError) as info:
        server.start()
    message = str(info.value)
    assert "exited with code" in message and "garbage collectors" in message
    assert server.auth[1] not in message
    assert server.pid is None
    assert server.root_dir is None  # the temporary root was removed
