"""Lint Cypher statements with Neo4j's own language-support package (Node.js).

ArcadeDB accepts some Cypher that Neo4j 5 rejects (and the reverse), so the
Neo4j backend's statements are checked against Neo4j's grammar and semantic
analysis, offline, through ``tools/cypher-lint/lint.mjs``::

    from orggraph.testing.cypher_lint import lint_statements, errors
    found = lint_statements({"by_id": ("MATCH (n:Community {id: $id}) RETURN n", ["id"])})
    assert not errors(found)

Severity numbers are the LSP ``DiagnosticSeverity`` used by the package:
1 = Error (syntax error, semantic error such as an undefined variable, removed
Neo4j 4 syntax, undeclared ``$parameter``), 2 = Warning (deprecations, unknown
label / relationship type / property key when a schema is given),
3 = Information, 4 = Hint.

Needs Node.js >= 18 and ``npm ci --prefix tools/cypher-lint`` once.  All
statements go to the linter as one JSON list on stdin and come back as one
result per statement, so a batch costs one Node start-up (~0.5 s); the cost is
Neo4j's semantic analysis (compiled to JS), about 0.1-0.2 s per statement, so
large batches are split over two processes on a machine with two cores.

Results are kept in ``node_modules/.orggraph-lint-cache`` of the linter (one
file per statement, named by a hash of the statement, its parameters, the
schema, ``lint.mjs``, the package lock and the Node version): a statement that
did not change is not linted again.  ``npm ci`` empties the cache with
``node_modules``; ``ORGGRAPH_CYPHER_LINT_CACHE=0`` turns it off.

:func:`lint_in_background` starts the same work in a background thread (one
Node process by default) and returns a future, so a test run can lint while
its other tests run (a cold lint is about a minute of CPU).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence, Union

__all__ = [
    "ERROR",
    "WARNING",
    "INFORMATION",
    "HINT",
    "CypherLintUnavailable",
    "Diagnostic",
    "errors",
    "find_lint_dir",
    "format_diagnostics",
    "lint_in_background",
    "lint_statements",
]

ERROR, WARNING, INFORMATION, HINT = 1, 2, 3, 4
_SEVERITY_NAMES = {ERROR: "error", WARNING: "warning", INFORMATION: "information", HINT: "hint"}

INSTALL_HINT = "npm ci --prefix tools/cypher-lint   (from the repository root; needs Node.js >= 18 and npm)"


class CypherLintUnavailable(RuntimeError):
    """Node.js or the linter's node_modules are missing."""


@dataclass(frozen=True)
class Diagnostic:
    severity: int  # LSP DiagnosticSeverity: 1 error, 2 warning, 3 information, 4 hint
    message: str
    start: int  # character offsets into the query
    end: int
    line: int  # 0-based, of the start
    column: int  # 0-based, of the start

    @property
    def severity_name(self) -> str:
        return _SEVERITY_NAMES.get(self.severity, str(self.severity))

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        return f"{self.line + 1}:{self.column + 1} {self.severity_name}: {self.message}"


Statement = Union[str, tuple[str, Iterable[str]]]


def find_lint_dir() -> Path:
    """``tools/cypher-lint`` of the checkout this package runs from.

    ``ORGGRAPH_CYPHER_LINT_DIR`` overrides; otherwise the parents of this file
    are searched (works for a ``src`` layout checkout and an editable install).
    """
    override = os.environ.get("ORGGRAPH_CYPHER_LINT_DIR")
    if override:
        path = Path(override)
        if not (path / "lint.mjs").is_file():
            raise CypherLintUnavailable(f"ORGGRAPH_CYPHER_LINT_DIR={override!r} has no lint.mjs")
        return path
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "tools" / "cypher-lint"
        if (candidate / "lint.mjs").is_file():
            return candidate
    raise CypherLintUnavailable(
        "tools/cypher-lint/lint.mjs not found above "
        f"{Path(__file__).resolve().parent}: the Cypher linter needs a source checkout "
        "(or set ORGGRAPH_CYPHER_LINT_DIR)"
    )


def _check_ready(lint_dir: Path) -> str:
    node = shutil.which("node")
    if node is None:
        raise CypherLintUnavailable(
            "Node.js ('node') is not on PATH; install it (e.g. apt-get install nodejs npm), then: " + INSTALL_HINT
        )
    if not (lint_dir / "node_modules" / "@neo4j-cypher" / "language-support" / "package.json").is_file():
        raise CypherLintUnavailable(
            f"the Cypher linter's packages are not installed in {lint_dir / 'node_modules'}; run: " + INSTALL_HINT
        )
    return node


def _run_node(node: str, lint_dir: Path, payload: dict[str, Any], timeout: float) -> list[dict[str, Any]]:
    try:
        proc = subprocess.run(
            [node, str(lint_dir / "lint.mjs")],
            input=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            capture_output=True,
            cwd=lint_dir,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"cypher-lint timed out after {timeout:.0f}s") from exc
    if proc.returncode != 0:
        raise RuntimeError(
            f"cypher-lint failed (exit {proc.returncode}): {proc.stderr.decode('utf-8', 'replace').strip()}"
        )
    return json.loads(proc.stdout)


def lint_statements(
    statements: Mapping[str, Statement],
    *,
    schema: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    timeout: float = 600.0,
) -> dict[str, list[Diagnostic]]:
    """Lint named Cypher statements; return ``{name: [Diagnostic, ...]}`` (empty list = clean).

    ``statements`` maps a name to ``(query, param_names)`` or to a bare query
    string (no parameters).  Parameter names may carry a leading ``$``.
    ``schema`` (optional) is the package's DbSchema: ``labels``,
    ``relationshipTypes``, ``propertyKeys`` (lists of names: others are then
    warned about), ``graphSchema``, ``defaultLanguage`` (default "CYPHER 5").
    ``jobs``: Node processes to use (default: up to 2, one per ~20 statements).
    """
    lint_dir = find_lint_dir()
    node = _check_ready(lint_dir)
    items: list[dict[str, Any]] = []
    for name, spec in statements.items():
        if isinstance(spec, str):
            query, params = spec, ()
        else:
            query, params = spec
        if not isinstance(query, str):
            raise TypeError(f"statement {name!r}: query must be a str, got {type(query).__name__}")
        items.append({"name": name, "query": query, "params": sorted({str(p).lstrip("$") for p in params})})
    if not items:
        return {}

    # Identical statements are linted once.
    unique: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
    for item in items:
        unique.setdefault((item["query"], tuple(item["params"])), {**item, "name": str(len(unique))})
    shared = dict(schema or {})
    cache = _Cache(lint_dir, node, shared)
    raw: dict[str, list[dict[str, Any]]] = {}
    work = []
    for entry in unique.values():
        hit = cache.get(entry)
        if hit is None:
            work.append(entry)
        else:
            raw[entry["name"]] = hit
    if work:
        if jobs is None:
            jobs = min(2, os.cpu_count() or 1, len(work) // 20)
        jobs = max(1, min(jobs, len(work)))
        chunks = [work[i::jobs] for i in range(jobs)]
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            outputs = list(pool.map(
                lambda c: _run_node(node, lint_dir, {"schema": shared, "statements": c}, timeout), chunks))
        linted = {entry["name"]: entry["diagnostics"] for out in outputs for entry in out}
        for entry in work:
            raw[entry["name"]] = linted[entry["name"]]
            cache.put(entry, linted[entry["name"]])
    return {
        item["name"]: [_diagnostic(d) for d in raw[unique[(item["query"], tuple(item["params"]))]["name"]]]
        for item in items
    }


def lint_in_background(
    statements: Mapping[str, Statement],
    *,
    schema: Mapping[str, Any] | None = None,
    jobs: int = 1,
    timeout: float = 1800.0,
) -> Future:
    """:func:`lint_statements` in a background thread: ``.result()`` is its answer, or raises its error.

    One Node process by default, so the other core stays with whatever runs meanwhile.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cypher-lint")
    try:
        return pool.submit(lint_statements, dict(statements), schema=schema, jobs=jobs, timeout=timeout)
    finally:
        pool.shutdown(wait=False)


class _Cache:
    """The linter's answers by a hash of everything they depend on; one JSON file per statement."""

    def __init__(self, lint_dir: Path, node: str, schema: Mapping[str, Any]) -> None:
        self.folder: Path | None = None
        if os.environ.get("ORGGRAPH_CYPHER_LINT_CACHE", "1") == "0":
            return
        node_version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout
        salt = hashlib.sha256()
        for part in (lint_dir / "lint.mjs", lint_dir / "package-lock.json"):
            salt.update(part.read_bytes() if part.is_file() else b"-")
        salt.update(node_version.encode())
        salt.update(json.dumps(schema, sort_keys=True, ensure_ascii=False).encode())
        self.salt = salt.hexdigest()
        self.folder = lint_dir / "node_modules" / ".orggraph-lint-cache"

    def _path(self, entry: Mapping[str, Any]) -> Path:
        assert self.folder is not None
        key = hashlib.sha256((self.salt + json.dumps([entry["query"], entry["params"]], ensure_ascii=False)).encode())
        return self.folder / f"{key.hexdigest()}.json"

    def get(self, entry: Mapping[str, Any]) -> list[dict[str, Any]] | None:
        if self.folder is None:
            return None
        try:
            return json.loads(self._path(entry).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, entry: Mapping[str, Any], diagnostics: list[dict[str, Any]]) -> None:
        if self.folder is None:
            return
        path = self._path(entry)
        try:
            self.folder.mkdir(exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(diagnostics, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:  # a read-only checkout lints every time
            pass


def _diagnostic(raw: Mapping[str, Any]) -> Diagnostic:
    offsets = raw.get("offsets") or {}
    start = (raw.get("range") or {}).get("start") or {}
    return Diagnostic(
        severity=int(raw.get("severity", ERROR)),
        message=str(raw.get("message", "")),
        start=int(offsets.get("start", 0)),
        end=int(offsets.get("end", 0)),
        line=int(start.get("line", 0)),
        column=int(start.get("character", 0)),
    )


def errors(result: Mapping[str, Sequence[Diagnostic]], *, min_severity: int = ERROR) -> dict[str, list[Diagnostic]]:
    """Only the statements with diagnostics at least as severe as ``min_severity``
    (1 = errors only, 2 = errors and warnings)."""
    out = {name: [d for d in diags if d.severity <= min_severity] for name, diags in result.items()}
    return {name: diags for name, diags in out.items() if diags}


def format_diagnostics(result: Mapping[str, Sequence[Diagnostic]],
                       queries: Mapping[str, Statement] | None = None) -> str:
    """Human-readable report, one block per statement that has diagnostics."""
    lines: list[str] = []
    for name, diags in result.items():
        if not diags:
            continue
        lines.append(f"{name}:")
        query = None
        if queries is not None and name in queries:
            spec = queries[name]
            query = spec if isinstance(spec, str) else spec[0]
        for d in diags:
            lines.append(f"  {d}")
            if query is not None:
                snippet = query[max(0, d.start - 30):d.end + 30].replace("\n", " ")
                lines.append(f"      near: {snippet}")
    return "\n".join(lines)
