"""A throw-away Neo4j 5.26 Community server for tests (the real thing, not an imitation).

:class:`Neo4jTestServer` runs Neo4j Community Edition **5.26** (the LTS line;
Java 17+) in a separate Java process, bound to 127.0.0.1 on a free port, with
its store in its own temporary directory::

    with Neo4jTestServer() as server:
        driver = neo4j.GraphDatabase.driver(server.uri, auth=server.auth)
        driver.execute_query("RETURN 1", database_=server.database)

How it gets Neo4j: the jars come from **Maven Central**. The first start runs
``mvn dependency:build-classpath`` on the small ``neo4j_launcher/pom.xml``
shipped with orggraph (dependency ``org.neo4j:neo4j``, the Community DBMS),
which downloads about 170 MB into Maven's local repository (``~/.m2``) and
writes the classpath into the cache directory (``~/.cache/orggraph/neo4j-<version>``,
or ``$ORGGRAPH_NEO4J_CACHE``); later starts reuse it and need neither the
network nor Maven. ``neo4j_launcher/Launcher.java`` (compiled once into the
cache) starts the DBMS embedded with its Bolt connector on, prints a ready line
and shuts down when its stdin closes or on SIGTERM.

Why not ``org.neo4j.test:neo4j-harness``: its in-process builder puts the store
in a directory of its own choosing and cannot start again on the same data,
which the crash-recovery tests need (:meth:`Neo4jTestServer.restart` kills the
process hard and starts it on the same store).

Authentication is on: user ``neo4j`` with a random password that travels to the
server in a 0600 file (never on a command line) and is never shown by ``repr``,
logs or errors. Community Edition has one user database, ``neo4j``
(:attr:`Neo4jTestServer.database`); tests that need an empty database wipe it
(:meth:`Neo4jTestServer.wipe`).

Every server still running when the interpreter exits is stopped (``atexit``);
the Java process also dies with its parent (Linux ``PR_SET_PDEATHSIG``) and
when its stdin (a pipe from the parent) closes.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import weakref
from collections import deque
from pathlib import Path
from typing import Iterable

from orggraph.testing.bolt_server import HOST, ChildServer, _free_port, _pdeathsig_preexec, _port_accepts

__all__ = [
    "NEO4J_VERSION",
    "TEST_JVM_ARGS",
    "Neo4jTestServer",
    "Neo4jTestServerError",
    "neo4j_cache_dir",
    "neo4j_classpath",
    "neo4j_server_available",
]

log = logging.getLogger(__name__)

_LAUNCHER_DIR = Path(__file__).with_name("neo4j_launcher")
_POM = _LAUNCHER_DIR / "pom.xml"
_LAUNCHER = _LAUNCHER_DIR / "Launcher.java"


def _pom_version() -> str:
    match = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", _POM.read_text(encoding="utf-8"))
    if match is None:  # pragma: no cover - the pom ships with the package
        raise RuntimeError(f"no <neo4j.version> in {_POM}")
    return match.group(1)


#: the Neo4j release the test server runs (from ``neo4j_launcher/pom.xml``)
NEO4J_VERSION = _pom_version()

MIN_JAVA = 17
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE = "256m"
_READY = "ORGGRAPH-NEO4J-READY"

#: JVM flags: a subset of what Neo4j's own start script passes, plus the serial
#: collector (one GC thread: the test machines have two cores)
JVM_ARGS: tuple[str, ...] = (
    "-XX:+UseSerialGC",
    "-XX:-OmitStackTraceInFastThrow",
    "-Djava.awt.headless=true",
    "-Dfile.encoding=UTF-8",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)

#: The default extra flags of a test server: the quick C1 compiler only. The tests send hundreds of
#: different short statements, each a few times: the optimising C2 compiler spent more CPU compiling
#: than its code saved. Measured on the 2-core machine (load 3-5): a start ~8 s of CPU instead of
#: ~12 s; the random-graph differential 104 s instead of 132 s (pytest and server), three query and
#: conformance files 292 s instead of 310 s. A long run on large graphs (benchmarks/bench.py) passes
#: ``jvm_args=()`` to get the JIT of a production server, and so does the test session's own server
#: (pytest_plugin.bolt_server): in whole runs its heavy statements were much slower with C1 alone.
TEST_JVM_ARGS: tuple[str, ...] = ("-XX:TieredStopAtLevel=1",)


class Neo4jTestServerError(RuntimeError):
    """The Neo4j test server could not be set up, started or stopped."""


# --------------------------------------------------------------------------- what it needs


def neo4j_cache_dir() -> Path:
    """Where the classpath and the compiled launcher are kept: ``$ORGGRAPH_NEO4J_CACHE`` or
    ``~/.cache/orggraph/neo4j-<version>`` (``$XDG_CACHE_HOME`` honoured)."""
    env = os.environ.get("ORGGRAPH_NEO4J_CACHE", "").strip()
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "orggraph" / f"neo4j-{NEO4J_VERSION}"


def _java() -> Path:
    """The ``java`` executable (``$JAVA_HOME/bin/java``, else on ``PATH``), checked to be 17 or newer."""
    home = os.environ.get("JAVA_HOME", "").strip()
    candidates = [Path(home) / "bin" / "java"] if home else []
    found = shutil.which("java")
    if found:
        candidates.append(Path(found))
    exe = next((c for c in candidates if c.exists()), None)
    if exe is None:
        raise Neo4jTestServerError(
            f"Java {MIN_JAVA} or newer is needed to run the Neo4j {NEO4J_VERSION} test server, and none was found "
            "(no $JAVA_HOME/bin/java, no java on PATH): install a JDK, e.g. apt-get install openjdk-17-jdk-headless"
        )
    out = subprocess.run([str(exe), "-version"], capture_output=True, text=True, timeout=60)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    major = int(match.group(1)) if match else 0
    if major == 1 and match and match.group(2):  # "1.8.0" style
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise Neo4jTestServerError(
            f"Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA} or newer; {exe} is Java {major or '(unknown)'}: "
            "install a newer JDK or point JAVA_HOME at one"
        )
    return exe


def _pom_digest() -> str:
    return hashlib.sha256(_POM.read_bytes()).hexdigest()[:16]


def neo4j_classpath(*, fetch: bool = True, quiet: bool = True) -> str:
    """The Neo4j classpath, resolved through Maven on first use and cached.

    ``fetch=False`` only reads the cache (``Neo4jTestServerError`` when it is
    missing). The first resolution downloads the jars from Maven Central into
    ``~/.m2`` (a few minutes on a slow link).
    """
    cache = neo4j_cache_dir()
    cp_file = cache / f"classpath-{_pom_digest()}.txt"
    if cp_file.exists():
        classpath = cp_file.read_text(encoding="utf-8").strip()
        if classpath and all(Path(p).exists() for p in classpath.split(os.pathsep)):
            return classpath
    if not fetch:
        raise Neo4jTestServerError(f"the Neo4j {NEO4J_VERSION} jars are not fetched yet (no {cp_file})")
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jTestServerError(
            f"Maven (mvn) is needed once to fetch the Neo4j {NEO4J_VERSION} jars from Maven Central, and it is "
            "not on PATH: install it (e.g. apt-get install maven) or set ORGGRAPH_TEST_SERVER=arcadedb"
        )
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="resolve-", dir=cache))
    try:
        shutil.copy(_POM, work / "pom.xml")
        out_file = work / "classpath.txt"
        cmd = [mvn, "-B", "-q" if quiet else "-ntp", "dependency:build-classpath", f"-Dmdep.outputFile={out_file}"]
        log.info("fetching Neo4j %s through Maven (first start only)", NEO4J_VERSION)
        done = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=3600)
        if done.returncode != 0 or not out_file.exists():
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
            raise Neo4jTestServerError(
                f"Maven could not fetch Neo4j {NEO4J_VERSION} (exit code {done.returncode}); is Maven Central "
                f"reachable?\n{tail}"
            )
        tmp = cp_file.with_suffix(".tmp")
        tmp.write_text(out_file.read_text(encoding="utf-8").strip(), encoding="utf-8")
        tmp.replace(cp_file)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return cp_file.read_text(encoding="utf-8").strip()


def _launcher_classes(java: Path, classpath: str) -> list[str] | None:
    """``-cp`` entry and main class of the launcher compiled into the cache (``javac``), or ``None``
    when there is no ``javac`` (then it runs in source-file mode, a second slower per start)."""
    javac = java.with_name("javac")
    if not javac.exists():
        return None
    digest = hashlib.sha256(_LAUNCHER.read_bytes()).hexdigest()[:16]
    classes = neo4j_cache_dir() / f"launcher-{digest}"
    if not (classes / "Launcher.class").exists():
        tmp = Path(tempfile.mkdtemp(prefix="launcher-", dir=neo4j_cache_dir()))
        done = subprocess.run(
            [str(javac), "-nowarn", "-cp", classpath, "-d", str(tmp), str(_LAUNCHER)],
            capture_output=True, text=True, timeout=600,
        )
        if done.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise Neo4jTestServerError(f"could not compile {_LAUNCHER.name}:\n{done.stderr[-2000:]}")
        with contextlib.suppress(OSError):
            tmp.replace(classes)
        shutil.rmtree(tmp, ignore_errors=True)
    return [f"{classes}{os.pathsep}{classpath}", "Launcher"]


def neo4j_server_available() -> str | None:
    """``None`` when a :class:`Neo4jTestServer` can start here (Java 17+, and Maven or the jars
    already cached), else the reason it cannot."""
    try:
        _java()
        try:
            neo4j_classpath(fetch=False)
        except Neo4jTestServerError:
            if shutil.which("mvn") is None:
                raise Neo4jTestServerError(
                    f"Maven (mvn) is needed once to fetch the Neo4j {NEO4J_VERSION} jars and it is not on PATH"
                ) from None
    except Neo4jTestServerError as exc:
        return str(exc)
    return None


# --------------------------------------------------------------------------- the server

_LIVE: "weakref.WeakSet[Neo4jTestServer]" = weakref.WeakSet()


@atexit.register
def _stop_all_at_exit() -> None:  # pragma: no cover - exercised at exit
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.stop()


class Neo4jTestServer(ChildServer):
    """Neo4j Community 5.26 in a child Java process, for tests.

    Parameters
    ----------
    root_dir:
        The server's home (store, logs, settings). Default: a new temporary
        directory, deleted by :meth:`stop` unless ``keep_root_dir``.
    heap, pagecache:
        JVM ``-Xmx`` and Neo4j's page cache size (default ``"1g"``, ``"256m"``).
    jvm_args:
        Extra JVM flags after :data:`JVM_ARGS`; default :data:`TEST_JVM_ARGS` (the quick compiler
        only, cheaper for tests); ``()`` for the compilers of a production server.
    bolt_port:
        A fixed port; default a free port on 127.0.0.1.
    auth:
        ``True`` (default): user ``neo4j`` with a random password. ``False``:
        no authentication (:attr:`auth` is then ``None``).
    startup_timeout:
        Seconds to wait for Bolt once the JVM runs (the Maven fetch of a first
        start is not counted).
    """

    LOG_NAME = "console.log"

    user = "neo4j"
    #: Community Edition's one user database
    database = "neo4j"
    #: a throw-away server: tests may wipe its database
    throwaway = True

    def __init__(
        self,
        *,
        root_dir: str | os.PathLike[str] | None = None,
        heap: str = DEFAULT_HEAP,
        pagecache: str = DEFAULT_PAGECACHE,
        jvm_args: Iterable[str] = TEST_JVM_ARGS,
        bolt_port: int | None = None,
        auth: bool = True,
        startup_timeout: float = 180.0,
        stop_timeout: float = 30.0,
        keep_root_dir: bool = False,
    ) -> None:
        self._own_root = root_dir is None
        self.root_dir = Path(root_dir) if root_dir is not None else None
        self.heap = heap
        self.pagecache = pagecache
        self.jvm_args = tuple(jvm_args)
        self._fixed_port = bolt_port is not None
        self.bolt_port = bolt_port
        self._auth = auth
        self._password = secrets.token_urlsafe(18) if auth else ""
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.keep_root_dir = keep_root_dir
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file = None
        self._lock = threading.RLock()
        #: seconds the last (re)start took until Bolt answered (the jar fetch not included)
        self.startup_seconds: float | None = None
        #: seconds the first start spent fetching and compiling (0 when everything was cached)
        self.setup_seconds: float | None = None
        #: the server's agent string as the driver sees it, e.g. ``Neo4j/5.26.30``
        self.agent: str | None = None

    # ----------------------------------------------------------- properties

    @property
    def uri(self) -> str:
        if self.bolt_port is None:
            raise Neo4jTestServerError("server not started")
        return f"bolt://{HOST}:{self.bolt_port}"

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self._password) if self._auth else None

    def __repr__(self) -> str:
        uri = f"bolt://{HOST}:{self.bolt_port}" if self.bolt_port else "not started"
        return f"<Neo4jTestServer {NEO4J_VERSION} uri={uri!r} database={self.database!r}>"

    # ------------------------------------------------------------- lifecycle

    def start(self) -> "Neo4jTestServer":
        """Fetch Neo4j if needed, start it and wait until Bolt answers."""
        with self._lock:
            if self.is_running():
                raise Neo4jTestServerError(f"{self!r} is already running")
            t0 = time.monotonic()
            java = _java()
            classpath = neo4j_classpath()
            main = _launcher_classes(java, classpath)
            self.setup_seconds = time.monotonic() - t0
            self._java, self._main = java, main or [classpath, str(_LAUNCHER)]
            if self.root_dir is None:
                self.root_dir = Path(tempfile.mkdtemp(prefix="orggraph-neo4j-"))
            self.root_dir.mkdir(parents=True, exist_ok=True)
            attempts = 1 if self._fixed_port else 3
            for attempt in range(1, attempts + 1):
                if not self._fixed_port:
                    self.bolt_port = _free_port()
                try:
                    self._launch_and_wait()
                    break
                except Neo4jTestServerError:
                    if attempt == attempts or "Address already in use" not in self.log_tail(200):
                        self._cleanup_failed_start()
                        raise
                    log.debug("port clash, retrying with another port")
            _LIVE.add(self)
            return self

    def restart(self) -> "Neo4jTestServer":
        """Kill the process hard (SIGKILL) and start it again on the same store and port (crash recovery)."""
        with self._lock:
            if self._proc is None:
                raise Neo4jTestServerError("server was never started")
            self._kill_hard()
            self._launch_and_wait()
            _LIVE.add(self)
            return self

    def kill(self) -> None:
        """Kill the process hard (SIGKILL), keeping the store; :meth:`restart` brings it back."""
        with self._lock:
            self._kill_hard()

    def stop(self) -> None:
        """Stop the server (stdin closed + SIGTERM, then SIGKILL after ``stop_timeout``) and delete a
        temporary home. Idempotent."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
                try:
                    proc.terminate()
                    proc.wait(timeout=self.stop_timeout)
                except subprocess.TimeoutExpired:
                    log.warning("%r did not stop within %ss: killing it", self, self.stop_timeout)
                    proc.kill()
                    proc.wait(timeout=30)
            self._close_log()
            _LIVE.discard(self)
            if self._own_root and not self.keep_root_dir and self.root_dir is not None and self.root_dir.exists():
                shutil.rmtree(self.root_dir, ignore_errors=True)

    def wipe(self, batch: int = 10_000) -> None:
        """Delete every node and relationship of :attr:`database` (constraints and indexes stay)."""
        import neo4j

        with neo4j.GraphDatabase.driver(self.uri, auth=self.auth) as driver:
            with driver.session(database=self.database) as session:
                session.run(f"MATCH (n) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF {int(batch)} ROWS").consume()

    # ------------------------------------------------------------- internals

    def _settings(self) -> dict[str, str]:
        address = f"{HOST}:{self.bolt_port}"
        return {
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": address,
            "server.bolt.advertised_address": address,
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true" if self._auth else "false",
            "server.memory.pagecache.size": self.pagecache,
            "db.tx_log.rotation.retention_policy": "2 files",
            "dbms.usage_report.enabled": "false",
            # The tests wipe and reload the one database many times with graphs of very different sizes;
            # by default each big change of the counts makes Neo4j plan every cached statement again.
            # Plans change only the speed, never the answer: keep them.
            "dbms.cypher.statistics_divergence_threshold": "1.0",
            "dbms.cypher.min_replan_interval": "1h",
            # On shutdown the Bolt server waits 5 s for its connections and 5 s more for its thread pool,
            # even when nothing is connected: 10 s of every stop (and of every death of a parent, which
            # sends SIGTERM). A throw-away server has nothing to finish: stop at once.
            "internal.server.bolt.connection_shutdown_wait_time": "0s",
            "internal.server.bolt.thread_pool_shutdown_wait_time": "0s",
        }

    def _write_files(self) -> tuple[Path, Path | None]:
        assert self.root_dir is not None
        conf = self.root_dir / "neo4j.conf"
        conf.write_text("".join(f"{k}={v}\n" for k, v in self._settings().items()), encoding="utf-8")
        if not self._auth:
            return conf, None
        secret = self.root_dir / "password"
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(self._password)
        return conf, secret

    def _command_line(self, conf: Path, secret: Path | None) -> list[str]:
        assert self.root_dir is not None
        return [
            str(self._java),
            f"-Xmx{self.heap}",
            f"-Xms{self.heap}",
            *JVM_ARGS,
            *self.jvm_args,
            f"-XX:ErrorFile={self.root_dir / 'hs_err_pid%p.log'}",
            "-cp",
            self._main[0],
            self._main[1],
            str(self.root_dir / "home"),
            str(conf),
            *([str(secret)] if secret is not None else []),
        ]

    def _launch_and_wait(self) -> None:
        assert self.root_dir is not None
        conf, secret = self._write_files()
        self._close_log()
        self._log_file = open(self.log_path, "ab")  # noqa: SIM115 - kept open while the server runs
        start_offset = self._log_file.tell()
        t0 = time.monotonic()
        self._proc = subprocess.Popen(
            self._command_line(conf, secret),
            cwd=self.root_dir,
            stdin=subprocess.PIPE,  # closed by stop(), or by the OS when this process dies
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a Ctrl-C in the terminal is ours to handle
            preexec_fn=_pdeathsig_preexec(),
        )
        deadline = t0 + self.startup_timeout
        while True:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._close_log()
                raise Neo4jTestServerError(
                    f"Neo4j exited with code {code} during start-up.\n--- last lines of {self.log_path} ---\n"
                    f"{self.log_tail()}"
                )
            if self._ready(start_offset):
                break
            if time.monotonic() > deadline:
                self._kill_hard()
                raise Neo4jTestServerError(
                    f"Neo4j was not ready after {self.startup_timeout:.0f}s.\n--- last lines of {self.log_path} ---\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.1)
        self.startup_seconds = time.monotonic() - t0
        self.agent = self._agent()

    def _ready(self, offset: int) -> bool:
        assert self.log_path is not None and self.bolt_port is not None
        with open(self.log_path, "rb") as fh:
            fh.seek(offset)
            if _READY.encode() not in fh.read():
                return False
        return _port_accepts(self.bolt_port)

    def _agent(self) -> str | None:
        try:
            import neo4j
        except ImportError:  # pragma: no cover - the driver is a test dependency
            return None
        deadline = time.monotonic() + 30
        while True:
            try:
                with neo4j.GraphDatabase.driver(self.uri, auth=self.auth) as driver:
                    return driver.get_server_info().agent
            except neo4j.exceptions.ServiceUnavailable:
                if time.monotonic() > deadline:
                    raise Neo4jTestServerError(f"{self!r}: Bolt does not answer") from None
                time.sleep(0.2)

    def _kill_hard(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        if proc is not None and proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        self._close_log()

    def _cleanup_failed_start(self) -> None:
        self._kill_hard()
        self._proc = None
        if self._own_root and not self.keep_root_dir and self.root_dir is not None:
            shutil.rmtree(self.root_dir, ignore_errors=True)
            self.root_dir = None

    def _close_log(self) -> None:
        if self._log_file is not None:
            with contextlib.suppress(OSError):
                self._log_file.close()
            self._log_file = None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the console log and of Neo4j's ``debug.log`` (password redacted)."""
        parts = []
        for path in (self.log_path, self.root_dir / "home" / "logs" / "debug.log" if self.root_dir else None):
            if path is not None and path.exists():
                with open(path, encoding="utf-8", errors="replace") as fh:
                    parts.append(f"[{path.name}]\n" + "".join(deque(fh, maxlen=lines)))
        text = "\n".join(parts) or "(no log)"
        return text.replace(self._password, "********") if self._password else text
