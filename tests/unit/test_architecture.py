"""What may import what (docs/architecture.md), read from the source: every import statement, also those inside functions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import orggraph

SRC = Path(orggraph.__file__).parent


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports() -> dict[str, set[str]]:
    """Module → the orggraph modules (and names in them) it imports anywhere in its text."""
    out: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        mod = _module(path)
        package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
        found = out.setdefault(mod, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                found |= {target} | {f"{target}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        out[mod] = {t for t in found if t.startswith("orggraph")}
    return out


#: the parts that must not import each other in a circle
PARTS = {
    "graph": "orggraph.graph",
    "connect": "orggraph.connect",
    "ledger": "orggraph.ledger",
    "scenarios": "orggraph.scenarios",
    "neo4j": "orggraph.backends.neo4j",
    "memory": "orggraph.backends.memory",
    "queries": "orggraph.queries",
}


def _part(name: str) -> str | None:
    for part, prefix in PARTS.items():
        if name == prefix or name.startswith(prefix + "."):
            return part
    return None


def _part_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {p: set() for p in PARTS}
    for mod, targets in _imports().items():
        a = _part(mod)
        if a is None:
            continue
        edges[a] |= {b for b in map(_part, targets) if b is not None and b != a}
    return edges


def test_parts_import_each_other_without_a_circle():
    edges = _part_graph()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(n):
        state[n] = 1
        path.append(n)
        for m in sorted(edges[n]):
            if state.get(m) == 1:
                raise AssertionError("import circle: " + " -> ".join(path[path.index(m):] + [m]))
            if m not in state:
                visit(m)
        path.pop()
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n)


def test_graph_depends_only_downwards():
    assert _part_graph()["graph"] <= {"memory", "queries"}


def test_no_private_reach_through():
    """Outside a backend, nothing uses its query helpers or the store's private names."""
    imports = _imports()
    offenders = []
    for mod, targets in imports.items():
        if mod.startswith("orggraph.backends.memory"):
            continue
        offenders += [f"{mod} imports {t}" for t in targets if t.startswith("orggraph.backends.memory.queries")]
        if not mod.startswith("orggraph.backends.neo4j"):
            offenders += [f"{mod} imports {t}" for t in targets if t.startswith("orggraph.backends.neo4j.queries")]
    private = re.compile(r"\._store\b|\b_concat\b|\b_typed\b|import _typed|import _concat")
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel in ("graph.py", "backends/memory/store.py"):
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if private.search(line):
                offenders.append(f"{rel}:{i}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_backends_do_not_import_the_facade():
    """A backend returns backends and frames; wrapping them in an OrgGraph is the facade's business."""
    edges = _part_graph()
    assert "graph" not in edges["neo4j"] and "graph" not in edges["memory"]


def test_the_bottom_layer_imports_only_the_bottom_layer():
    """errors, schema, _types, rules (and scope, compare, privacy) import nothing of the parts above them."""
    bottom = {"orggraph.errors", "orggraph.schema", "orggraph._types", "orggraph.rules", "orggraph.scope",
              "orggraph.compare", "orggraph.privacy"}
    allowed = {"orggraph", "orggraph.errors", "orggraph.schema", "orggraph._types", "orggraph.rules"}
    imports = _imports()
    for mod in bottom:
        # a name imported from an allowed module (orggraph.schema.ENUMS) is that module
        wrong = {t for t in imports[mod] if t not in allowed and t.rsplit(".", 1)[0] not in allowed}
        assert not wrong, f"{mod} imports {sorted(wrong)}"


def test_queries_reach_backends_only_through_dispatch():
    edges = _part_graph()
    assert "neo4j" not in edges["queries"] and "memory" not in edges["queries"]
    assert edges["neo4j"] <= {"memory", "queries"}
