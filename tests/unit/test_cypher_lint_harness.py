"""The Cypher lint harness (Neo4j's language-support package run by Node.js)
really flags broken Cypher and passes good Cypher.

Needs ``npm ci --prefix tools/cypher-lint``; without it these tests fail with
that instruction rather than being skipped silently.
"""

from __future__ import annotations

import pytest

from orggraph.testing.cypher_lint import (
    ERROR,
    WARNING,
    Diagnostic,
    errors,
    format_diagnostics,
    lint_statements,
)

GOOD = "MATCH (n:Community {id: $id}) RETURN n.name AS name"
BAD = "MATCH (n RETURN n"


@pytest.fixture(scope="module")
def linted():
    statements = {
        "good": (GOOD, ["id"]),
        "bad": (BAD, []),
        "param_missing": (GOOD, []),
        "param_with_dollar": (GOOD, ["$id"]),
        "undefined_variable": "MATCH (n) RETURN m",
        "removed_in_neo4j5": "MATCH (o) WHERE exists(o.score) RETURN o",
        "deprecated_id": "MATCH (o) RETURN id(o) AS i",
        "neo4j5_subqueries": (
            "MATCH (o:Org) WHERE EXISTS { MATCH (p)-[:MEMBER_OF]->(o) WHERE p.role = $role } "
            "CALL (o) { MATCH (o)-[:CONTAINS*0..]->(d) RETURN count(d) AS n } "
            "RETURN o {.id, n: n, m: COUNT { (o)<-[:MEMBER_OF]-() }} AS row",
            ["role"],
        ),
        "same_as_good": (GOOD, ["id"]),  # deduplicated internally
    }
    return statements, lint_statements(statements)


def test_good_statement_is_clean(linted):
    _, result = linted
    assert result["good"] == []
    assert result["param_with_dollar"] == []
    assert result["same_as_good"] == []
    assert result["neo4j5_subqueries"] == [], format_diagnostics(result)


def test_syntax_error_is_an_error_with_offsets(linted):
    _, result = linted
    (diag,) = result["bad"]
    assert isinstance(diag, Diagnostic)
    assert diag.severity == ERROR and diag.is_error and diag.severity_name == "error"
    assert "Invalid input 'RETURN'" in diag.message
    assert BAD[diag.start:diag.end] == "RETURN"
    assert (diag.line, diag.column) == (0, BAD.index("RETURN"))


def test_undeclared_parameter_is_an_error(linted):
    _, result = linted
    assert [d.message for d in result["param_missing"]] == ["Parameter $id is not defined."]
    assert result["param_missing"][0].severity == ERROR


def test_semantic_errors_and_removed_syntax(linted):
    _, result = linted
    assert any("Variable `m` not defined" in d.message and d.is_error for d in result["undefined_variable"])
    assert any(d.is_error and "IS NOT NULL" in d.message for d in result["removed_in_neo4j5"])
    assert [d.severity for d in result["deprecated_id"]] == [WARNING]


def test_errors_filter_and_report(linted):
    statements, result = linted
    failing = errors(result)
    assert set(failing) == {"bad", "param_missing", "undefined_variable", "removed_in_neo4j5"}
    assert "deprecated_id" in errors(result, min_severity=WARNING)
    report = format_diagnostics(failing, statements)
    assert "bad:" in report and "near: MATCH (n RETURN n" in report


def test_schema_flags_unknown_labels_types_and_keys():
    result = lint_statements(
        {"typo": ("MATCH (n:Comunity {id: $id})-[:CONTAINZ]->(m) RETURN n.nme", ["id"]),
         "ok": ("MATCH (n:Community {id: $id})-[:CONTAINS]->(m) RETURN n.name", ["id"])},
        schema={"labels": ["Community"], "relationshipTypes": ["CONTAINS"], "propertyKeys": ["id", "name"]},
    )
    assert result["ok"] == []
    messages = " | ".join(d.message for d in result["typo"])
    assert all(d.severity == WARNING for d in result["typo"])
    assert "Label Comunity" in messages and "CONTAINZ" in messages and "nme" in messages


def test_empty_input_and_bad_query_type():
    assert lint_statements({}) == {}
    with pytest.raises(TypeError):
        lint_statements({"x": (42, [])})


def test_missing_node_modules_says_how_to_install(tmp_path, monkeypatch):
    from pathlib import Path

    from orggraph.testing import cypher_lint

    lint_dir = tmp_path / "cypher-lint"
    lint_dir.mkdir()
    (lint_dir / "lint.mjs").write_text((cypher_lint.find_lint_dir() / "lint.mjs").read_text())
    monkeypatch.setenv("ORGGRAPH_CYPHER_LINT_DIR", str(lint_dir))
    assert cypher_lint.find_lint_dir() == Path(lint_dir)
    with pytest.raises(cypher_lint.CypherLintUnavailable, match=r"npm ci --prefix tools/cypher-lint"):
        lint_statements({"good": (GOOD, ["id"])})


def test_results_are_cached_by_content(monkeypatch):
    import json
    import uuid

    from orggraph.testing import cypher_lint

    monkeypatch.delenv("ORGGRAPH_CYPHER_LINT_CACHE", raising=False)
    # a statement no other test lints (the comment makes it unique), so its cache file is this test's own
    query = f"// {uuid.uuid4().hex}\nMATCH (n RETURN n"
    first = lint_statements({"q": (query, [])})["q"]
    assert [d.severity for d in first] == [ERROR]
    lint_dir = cypher_lint.find_lint_dir()
    node = cypher_lint._check_ready(lint_dir)
    paths = [cypher_lint._Cache(lint_dir, node, schema)._path({"query": query, "params": params})
             for params, schema in (([], {}), (["id"], {}), ([], {"labels": ["A"]}))]
    path = paths[0]
    assert json.loads(path.read_text(encoding="utf-8"))[0]["message"] == first[0].message
    try:
        # the second run reads the file instead of linting: a planted answer comes back
        planted = [{"severity": WARNING, "message": "from the cache", "offsets": {"start": 0, "end": 1}}]
        path.write_text(json.dumps(planted), encoding="utf-8")
        assert [d.message for d in lint_statements({"q": (query, [])})["q"]] == ["from the cache"]
        # other parameters or another schema are another key: linted afresh
        assert [d.severity for d in lint_statements({"q": (query, ["id"])})["q"]] == [ERROR]
        assert [d.severity for d in lint_statements({"q": (query, [])}, schema={"labels": ["A"]})["q"]] == [ERROR]
        # and the cache can be turned off
        monkeypatch.setenv("ORGGRAPH_CYPHER_LINT_CACHE", "0")
        assert [d.message for d in lint_statements({"q": (query, [])})["q"]] == [first[0].message]
    finally:
        for p in paths:
            p.unlink(missing_ok=True)
