"""Every statement of the Neo4j backend passes Neo4j's own Cypher front end (syntax, semantics, parameters)."""

from __future__ import annotations

import re

import pytest

from orggraph.backends.neo4j import cypher
from orggraph.schema import EDGE_TYPES, NODE_KINDS

lint = pytest.importorskip("orggraph.testing.cypher_lint")


def _property_keys() -> list[str]:
    keys = {"id", *cypher.INTERNAL_PROPERTIES}
    for spec in NODE_KINDS.values():
        keys |= {a.name for a in spec.attrs}
    for spec in EDGE_TYPES.values():
        keys |= {a.name for a in spec.attrs}
    return sorted(keys)


def _schema() -> dict:
    return {"labels": sorted(NODE_KINDS), "relationshipTypes": sorted(EDGE_TYPES), "propertyKeys": _property_keys()}


_started = []


def prefetch():
    """Called by tests/conftest.py right after collection when a test of this module is selected: the lint
    (about a minute of CPU when nothing is cached, e.g. on CI) runs in a Node process while the other tests run."""
    _started.append(lint.lint_in_background(cypher.all_statements(), schema=_schema()))


def test_every_statement_lints_clean():
    statements = cypher.all_statements()
    try:
        if _started:
            found = _started[0].result()
            assert set(found) == set(statements), "the statements changed after the background lint started"
        else:
            found = lint.lint_statements(statements, schema=_schema())
    except lint.CypherLintUnavailable as exc:
        pytest.fail(f"the Cypher linter is not installed ({lint.INSTALL_HINT}): {exc}")
    errors = lint.errors(found)
    assert not errors, lint.format_diagnostics(errors)
    # with the schema declared, a warning about a label, type or property is a typo
    warnings = {
        name: [d for d in diags if re.search(r"label|relationship type|property", d.message, re.I)]
        for name, diags in lint.errors(found, min_severity=2).items()
    }
    warnings = {k: v for k, v in warnings.items() if v}
    assert not warnings, lint.format_diagnostics(warnings)


def test_statements_declare_exactly_their_parameters():
    for name, (text, params) in cypher.all_statements().items():
        assert set(params) == set(re.findall(r"\$([A-Za-z_]\w*)", text)), name


def test_templates_take_labels_and_types_only_from_the_schema():
    with pytest.raises(ValueError):
        cypher.node_stage("Community) DETACH DELETE (n")
    with pytest.raises(ValueError):
        cypher.edge_stage("CONTAINS", "Street", "`Evil`")
    names = cypher.all_statements()
    assert "load.node_stage[Community]" in names and "load.edge_stage[HOLDS_POST:Cadre>Grid]" in names
