"""A throw-away Bolt (Neo4j protocol) server for tests: ArcadeDB in a child process.

No Neo4j server can be installed on the project's machines, but ArcadeDB speaks
Bolt and OpenCypher and ships on PyPI (``arcadedb-embedded``) with its jars and
a Java runtime.  :class:`BoltTestServer` starts it as a *separate* Java process
(never in-process through JPype: that crashed the interpreter at exit), bound to
127.0.0.1 only, on free ports, in a temporary root directory::

    with BoltTestServer() as server:
        driver = neo4j.GraphDatabase.driver(server.uri, auth=server.auth)
        with driver.session(database=server.database) as session:
            session.run("RETURN 1").single()

The root password is random, passed to the server through a 0600 file (not the
command line) and never shown by ``repr``, logs or error messages.

:func:`server_from_env` returns the settings of an externally provided server
(``ORGGRAPH_NEO4J_URI`` / ``_USER`` / ``_PASSWORD`` / ``_DATABASE``), for
running the same tests against a real Neo4j.

See ``docs/arcadedb-notes.md`` for what ArcadeDB's Cypher does differently.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import weakref
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

__all__ = [
    "BoltSettings",
    "BoltTestServer",
    "BoltTestServerError",
    "arcadedb_home",
    "server_from_env",
]

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
DEFAULT_DATABASE = "orggraph"
DEFAULT_HEAP = "1g"

#: JVM flags. Serial GC: one collector thread, smallest footprint, fine for a
#: test server on a 2-core machine.  The --add-opens / --add-modules flags are
#: the ones ArcadeDB's own server.sh and arcadedb_embedded.jvm pass.
BASE_JVM_ARGS: tuple[str, ...] = (
    "-XX:+UseSerialGC",
    "-XX:+UseCompactObjectHeaders",
    "-Djava.awt.headless=true",
    "-Dfile.encoding=UTF-8",
    "-Dpolyglot.engine.WarnInterpreterOnly=false",
    "--add-modules=jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/java.nio.channels.spi=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
)

#: ArcadeDB settings (``-D`` system properties) that keep the test server quiet,
#: small and local.  Listener hosts are forced to 127.0.0.1 separately.
QUIET_SERVER_CONFIG: dict[str, str] = {
    "arcadedb.serverMetrics": "false",
    "arcadedb.server.healthCheck.enabled": "false",
    "arcadedb.support.autoRegister": "false",
    "arcadedb.backup.enabled": "false",
    "arcadedb.asyncWorkerThreads": "1",
    # No GraalVM scripting languages (js, python) as query engines: saves heap
    # and class loading; Cypher and SQL are unaffected.
    "arcadedb.polyglotEngineEnabled": "false",
}

_BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"


class BoltTestServerError(RuntimeError):
    """The test server could not be started, stopped or commanded."""


# --------------------------------------------------------------------------- #
# Connection settings
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class BoltSettings:
    """Where a Bolt server is and how to log in.  ``repr`` hides the password."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str | None = None

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)


def server_from_env(environ: Mapping[str, str] | None = None) -> BoltSettings | None:
    """Settings of an external server from the environment, or ``None``.

    ``ORGGRAPH_NEO4J_URI`` (required, e.g. ``neo4j://localhost:7687``),
    ``ORGGRAPH_NEO4J_USER`` (default ``neo4j``), ``ORGGRAPH_NEO4J_PASSWORD``
    (default empty) and ``ORGGRAPH_NEO4J_DATABASE`` (default: the server's
    home database, i.e. ``None``).
    """
    env = os.environ if environ is None else environ
    uri = (env.get("ORGGRAPH_NEO4J_URI") or "").strip()
    if not uri:
        return None
    return BoltSettings(
        uri=uri,
        user=env.get("ORGGRAPH_NEO4J_USER") or "neo4j",
        password=env.get("ORGGRAPH_NEO4J_PASSWORD") or "",
        database=(env.get("ORGGRAPH_NEO4J_DATABASE") or "").strip() or None,
    )


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #


def arcadedb_home() -> Path:
    """Directory of the installed ``arcadedb_embedded`` package (jars + jre).

    Located without importing the package, so no JVM is ever loaded here.
    """
    import importlib.util

    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise BoltTestServerError(
            "the PyPI package 'arcadedb-embedded' is not installed; it provides the "
            "ArcadeDB server used as a Bolt test server: "
            "pip install 'arcadedb-embedded==26.10.2.post1' (or pip install -e '.[dev]')"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _java_executable(home: Path) -> Path:
    exe = home / "jre" / "bin" / ("java.exe" if os.name == "nt" else "java")
    if not exe.exists():
        raise BoltTestServerError(f"no bundled Java runtime at {exe}")
    return exe


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _port_accepts(port: int, timeout: float = 0.25) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def _pdeathsig_preexec():  # pragma: no cover - runs in the child
    """Return a preexec_fn that makes Linux kill the child if we die.

    PR_SET_PDEATHSIG fires when the *thread* that forked exits, so it is only
    used when starting from the main thread.
    """
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # parent already gone
            os._exit(1)

    return preexec


# Servers still running at interpreter exit are stopped by atexit.
_LIVE: "weakref.WeakSet[BoltTestServer]" = weakref.WeakSet()


@atexit.register
def _stop_all_at_exit() -> None:  # pragma: no cover - exercised at exit
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.stop()


# --------------------------------------------------------------------------- #
# The server
# --------------------------------------------------------------------------- #


class ChildServer:
    """What the throw-away test servers share: a server process in a child (``_proc``), its folder
    (``root_dir``) and log (``LOG_NAME`` in it), and the context manager that starts and stops it.
    Subclasses provide ``start()`` and ``stop()``."""

    LOG_NAME = "server.log"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def log_path(self) -> Path | None:
        return self.root_dir / self.LOG_NAME if self.root_dir is not None else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self):
        if not self.is_running():
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class BoltTestServer(ChildServer):
    """ArcadeDB (Bolt + HTTP) in a child Java process, for tests.

    Parameters
    ----------
    database:
        Database created at start (``None``: create none).  Default ``"orggraph"``.
    root_dir:
        Server root (databases, config, logs).  Default: a new temporary
        directory, deleted by :meth:`stop` unless ``keep_root_dir``.
    heap:
        JVM ``-Xmx`` value, default ``"1g"``.
    bolt_port, http_port:
        Fixed ports; default free ports picked on 127.0.0.1.
    startup_timeout:
        Seconds to wait for readiness before giving up.
    jvm_args, server_config:
        Extra JVM flags and extra ArcadeDB settings (``arcadedb.*`` keys).
    """

    user = "root"

    def __init__(
        self,
        database: str | None = DEFAULT_DATABASE,
        *,
        root_dir: str | os.PathLike[str] | None = None,
        heap: str = DEFAULT_HEAP,
        bolt_port: int | None = None,
        http_port: int | None = None,
        startup_timeout: float = 90.0,
        stop_timeout: float = 20.0,
        jvm_args: Iterable[str] = (),
        server_config: Mapping[str, Any] | None = None,
        keep_root_dir: bool = False,
    ) -> None:
        self.database = database
        self._own_root = root_dir is None
        self.root_dir = Path(root_dir) if root_dir is not None else None
        self.heap = heap
        self._fixed_ports = bolt_port is not None or http_port is not None
        self.bolt_port = bolt_port
        self.http_port = http_port
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.jvm_args = tuple(jvm_args)
        self.server_config = {k: str(v) for k, v in (server_config or {}).items()}
        self.keep_root_dir = keep_root_dir
        self._password = secrets.token_urlsafe(18)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file = None
        self._lock = threading.RLock()
        #: Seconds the last (re)start took until the server was ready.
        self.startup_seconds: float | None = None

    # ----------------------------------------------------------- properties

    @property
    def uri(self) -> str:
        if self.bolt_port is None:
            raise BoltTestServerError("server not started")
        return f"bolt://{HOST}:{self.bolt_port}"

    @property
    def http_url(self) -> str:
        if self.http_port is None:
            raise BoltTestServerError("server not started")
        return f"http://{HOST}:{self.http_port}"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self._password)

    @property
    def settings(self) -> BoltSettings:
        return BoltSettings(self.uri, self.user, self._password, self.database)

    def __repr__(self) -> str:
        uri = f"bolt://{HOST}:{self.bolt_port}" if self.bolt_port else "not started"
        return f"<BoltTestServer uri={uri!r} database={self.database!r}>"

    # ------------------------------------------------------------- lifecycle

    def start(self) -> "BoltTestServer":
        """Start the server, wait until it is ready, create :attr:`database`."""
        with self._lock:
            if self.is_running():
                raise BoltTestServerError(f"{self!r} is already running")
            if self.root_dir is None:
                self.root_dir = Path(tempfile.mkdtemp(prefix="orggraph-arcadedb-"))
            self.root_dir.mkdir(parents=True, exist_ok=True)
            attempts = 1 if self._fixed_ports else 3
            for attempt in range(1, attempts + 1):
                if not self._fixed_ports:
                    self.bolt_port = _free_port()
                    self.http_port = _free_port()
                    while self.http_port == self.bolt_port:
                        self.http_port = _free_port()
                try:
                    self._launch_and_wait()
                    break
                except BoltTestServerError:
                    # A port picked as free may have been taken meanwhile.
                    if attempt == attempts or "Address already in use" not in self.log_tail():
                        self._cleanup_failed_start()
                        raise
                    log.debug("port clash, retrying with other ports")
            _LIVE.add(self)
            if self.database is not None and self.database not in self.list_databases():
                self.create_database(self.database)
            return self

    def restart(self) -> "BoltTestServer":
        """Kill the process hard (SIGKILL) and start it again on the same root
        directory and ports, keeping the data (crash-recovery scenario)."""
        with self._lock:
            if self._proc is None:
                raise BoltTestServerError("server was never started")
            self._kill_hard()
            self._launch_and_wait()
            _LIVE.add(self)
            return self

    def kill(self) -> None:
        """Kill the process hard (SIGKILL), keeping the root dir, without restarting.

        Use :meth:`restart` afterwards to bring it back, or :meth:`stop` to clean up.
        """
        with self._lock:
            self._kill_hard()

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``stop_timeout``), close
        the log and delete a temporary root dir.  Idempotent."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                try:
                    proc.terminate()
                    proc.wait(timeout=self.stop_timeout)
                except subprocess.TimeoutExpired:
                    log.warning("%r did not stop within %ss: killing it", self, self.stop_timeout)
                    proc.kill()
                    proc.wait(timeout=30)
            self._close_log()
            _LIVE.discard(self)
            if (
                self._own_root
                and not self.keep_root_dir
                and self.root_dir is not None
                and self.root_dir.exists()
            ):
                shutil.rmtree(self.root_dir, ignore_errors=True)

    # ------------------------------------------------------------- databases

    def server_command(self, command: str) -> Any:
        """Run an ArcadeDB server command (``POST /api/v1/server``) as root."""
        body = json.dumps({"command": command}).encode()
        token = base64.b64encode(f"{self.user}:{self._password}".encode()).decode()
        request = urllib.request.Request(
            self.http_url + "/api/v1/server",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": "Basic " + token},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                payload = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            with contextlib.suppress(ValueError):
                parsed = json.loads(detail)
                detail = parsed.get("detail") or parsed.get("error") or detail
            raise BoltTestServerError(
                f"server command {command!r} failed (HTTP {exc.code}): {self._redact(detail)}"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            raise BoltTestServerError(f"server command {command!r} failed: {exc}") from None
        return payload.get("result")

    def list_databases(self) -> list[str]:
        return list(self.server_command("list databases") or [])

    def create_database(self, name: str) -> None:
        """Create an empty database (about 15 ms).  Errors if it exists."""
        self.server_command(f"create database {_check_name(name)}")

    def drop_database(self, name: str) -> None:
        """Drop a database and its files (about 15 ms).  Errors if it is missing."""
        self.server_command(f"drop database {_check_name(name)}")

    # ------------------------------------------------------------- internals

    def _command_line(self) -> list[str]:
        home = arcadedb_home()
        assert self.root_dir is not None
        config = {
            **QUIET_SERVER_CONFIG,
            **self.server_config,
            "arcadedb.server.rootPath": str(self.root_dir),
            "arcadedb.server.logsDirectory": str(self.root_dir / "log"),
            "arcadedb.server.rootPasswordPath": str(self._password_file()),
            "arcadedb.server.plugins": _BOLT_PLUGIN,
            "arcadedb.server.httpIncomingHost": HOST,
            "arcadedb.server.httpIncomingPort": str(self.http_port),
            "arcadedb.bolt.host": HOST,
            "arcadedb.bolt.port": str(self.bolt_port),
        }
        if self.database is not None:
            # A *new* Bolt connection without a database goes here.  (A pooled
            # connection keeps the database it last used: always pass database=.)
            config.setdefault("arcadedb.bolt.defaultDatabase", self.database)
        return [
            str(_java_executable(home)),
            f"-Xmx{self.heap}",
            *BASE_JVM_ARGS,
            f"-XX:ErrorFile={self.root_dir / 'log' / 'hs_err_pid%p.log'}",
            *self.jvm_args,
            "-cp",
            str(home / "jars" / "*"),
            *(f"-D{key}={value}" for key, value in config.items()),
            "com.arcadedb.server.ArcadeDBServer",
        ]

    def _password_file(self) -> Path:
        assert self.root_dir is not None
        path = self.root_dir / "root-password"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(self._password)
        return path

    def _launch_and_wait(self) -> None:
        assert self.root_dir is not None
        (self.root_dir / "log").mkdir(exist_ok=True)
        self._close_log()
        self._log_file = open(self.log_path, "ab")  # noqa: SIM115 - kept open
        self._log_file.write(f"\n=== starting server at {time.strftime('%H:%M:%S')} ===\n".encode())
        self._log_file.flush()
        t0 = time.monotonic()
        self._proc = subprocess.Popen(
            self._command_line(),
            cwd=self.root_dir,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal is ours to handle
            preexec_fn=_pdeathsig_preexec(),
        )
        log.debug("started %r pid=%s", self, self._proc.pid)
        deadline = t0 + self.startup_timeout
        while True:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._close_log()
                raise BoltTestServerError(
                    f"ArcadeDB exited with code {code} during start-up.\n"
                    f"--- last lines of {self.log_path} ---\n{self.log_tail()}"
                )
            if self._ready():
                break
            if time.monotonic() > deadline:
                self._kill_hard()
                raise BoltTestServerError(
                    f"ArcadeDB was not ready after {self.startup_timeout:.0f}s.\n"
                    f"--- last lines of {self.log_path} ---\n{self.log_tail()}"
                )
            time.sleep(0.05)
        self.startup_seconds = time.monotonic() - t0
        log.debug("%r ready in %.2fs", self, self.startup_seconds)

    def _ready(self) -> bool:
        assert self.http_port is not None and self.bolt_port is not None
        try:
            with urllib.request.urlopen(self.http_url + "/api/v1/ready", timeout=1) as r:
                if r.status not in (200, 204):
                    return False
        except (urllib.error.URLError, OSError):
            return False
        return _port_accepts(self.bolt_port)

    def _kill_hard(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        self._close_log()

    def _cleanup_failed_start(self) -> None:
        # The error message already carries the log tail.
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

    def _redact(self, text: str) -> str:
        return text.replace(self._password, "********") if self._password else text

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's console log (password redacted)."""
        path = self.log_path
        if path is None or not path.exists():
            return "(no log)"
        with open(path, encoding="utf-8", errors="replace") as fh:
            return self._redact("".join(deque(fh, maxlen=lines)))


def _check_name(name: str) -> str:
    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise ValueError(f"invalid database name {name!r}: use letters, digits, '_' and '-'")
    return name


def may_wipe(server) -> bool:
    """True for a throw-away test server, or an external one with ``ORGGRAPH_NEO4J_ALLOW_WIPE=1``."""
    return bool(getattr(server, "throwaway", False)) or os.environ.get("ORGGRAPH_NEO4J_ALLOW_WIPE") == "1"
