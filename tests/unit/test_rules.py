"""The domain rules (:mod:`orggraph.rules`): their definitions, and the Cypher checked against them.

That both backends *follow* a changed rule is tested on both backends in
``tests/conformance/test_rules_followed.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import orggraph
from orggraph import rules
from orggraph.backends.neo4j import cypher

D = dt.date


def _dates(*values):
    return pd.Series(pd.to_datetime(list(values)))


# --------------------------------------------------------------------------- the current-post rule


@pytest.mark.parametrize(
    "start, end, day, current",
    [
        ("2020-01-01", "2021-01-01", D(2020, 1, 1), True),  # the first day counts
        ("2020-01-01", "2021-01-01", D(2020, 12, 31), True),
        ("2020-01-01", "2021-01-01", D(2021, 1, 1), False),  # the end day does not (half-open)
        ("2020-01-01", "2021-01-01", D(2019, 12, 31), False),
        (None, "2021-01-01", D(1990, 1, 1), True),  # no start: held since before the ledger
        ("2020-01-01", None, D(2099, 1, 1), True),  # no end: still held
        (None, None, D(2000, 1, 1), True),
    ],
)
def test_current_post_is_half_open(start, end, day, current):
    assert rules.is_current(start, end, day) is current
    # the same on datetime64 columns and on object columns (a frame being edited)
    s, e = _dates(start), _dates(end)
    assert rules.current_mask(s, e, day).tolist() == [current]
    assert rules.current_mask(s.astype(object), e.astype(object), day).tolist() == [current]


def test_runs_on_and_reports():
    end = _dates("2021-01-01", None, "2021-01-02")
    assert rules.runs_on(end, D(2021, 1, 1)).tolist() == [False, True, True]
    # one day per row
    assert rules.runs_on(end, np.array(["2020-12-31", "2020-01-01", "2021-01-02"], dtype="datetime64[ns]")).tolist() == [
        True, True, False,
    ]
    assert rules.reported_mask(_dates("2021-01-01", None, "2021-01-02"), D(2021, 1, 1)).tolist() == [True, True, False]


def test_community_party_org():
    level = pd.Series(["committee", "general_branch", "committee", "branch", None], dtype=object)
    unit = pd.Series([None, None, "coop1", None, None], dtype=object)
    assert rules.is_community_party_org(level, unit).tolist() == [True, True, False, False, False]


def test_universes():
    areas = pd.DataFrame({"kind": ["compound", "compound", "building", "compound"], "households": [600, 499, 900, None]})
    large = rules.COVERAGE_UNIVERSES["large_compounds_without_committee"]
    assert rules.universe_mask(large, areas, 500).tolist() == [True, False, False, False]
    every = rules.COVERAGE_UNIVERSES["compounds_without_org"]
    assert rules.universe_mask(every, areas, 500).tolist() == [True, True, False, True]
    from orggraph.queries.coverage import COVERAGE_INDICATORS

    assert set(rules.COVERAGE_UNIVERSES) == set(COVERAGE_INDICATORS)


# --------------------------------------------------------------------------- the Cypher, checked against the rules

QUERY_AREAS = ("appointments.", "coverage.", "norms.", "interlocks.", "boundaries.", "chains.")
QUERY_STATEMENTS = {n: text for n, (text, _) in cypher.all_statements().items() if n.startswith(QUERY_AREAS)}

#: quoted words a query statement may use that are not domain rules: row statuses, weightings, the
#: territory slots of the chain, labels returned as values
NOT_RULES = {"unassigned", "assigned", "contested", "jaccard", "cosine", "newman", "street", "community", "grid",
             "PartyOrg", "Unit", "Grid", "Area"}


def _rule_words() -> set[str]:
    words = set()
    for name in rules.__all__:
        value = getattr(rules, name)
        values = value if isinstance(value, tuple) else (value,)
        words |= {v for v in values if isinstance(v, str)}
    for u in rules.COVERAGE_UNIVERSES.values():
        words.add(u.value)
    return words


def test_query_statements_exist():
    assert len(QUERY_STATEMENTS) >= 15


@pytest.mark.parametrize("name", sorted(QUERY_STATEMENTS))
def test_statement_words_are_rules(name):
    """Every quoted word in a query statement is a rule constant (spliced from rules.py) or not a rule at all."""
    text = QUERY_STATEMENTS[name]
    words = set(re.findall(r"'([A-Za-z_]+)'", text))
    unknown = words - _rule_words() - NOT_RULES
    assert not unknown, f"{name}: words that are not from orggraph.rules: {sorted(unknown)}"


@pytest.mark.parametrize("name", sorted(QUERY_STATEMENTS))
def test_changeable_rules_are_parameters(name):
    """The rules a user may change travel as $parameters, never as literals in the text."""
    text = QUERY_STATEMENTS[name]
    for key, value in rules.cypher_params().items():
        for v in value if isinstance(value, list) else [value]:
            assert f"'{v}'" not in text, f"{name}: {v!r} is spelled out; pass ${key}"


@pytest.mark.parametrize("name", sorted(QUERY_STATEMENTS))
def test_current_post_operators(name):
    text = QUERY_STATEMENTS[name]
    for var, op in re.findall(r"(\w+)\.start IS NULL OR \1\.start (\S+) \$as_of", text):
        assert op == rules.CURRENT_START_OP, name
    for var, op in re.findall(r"(\w+)\.end IS NULL OR \1\.end (\S+) \$as_of", text):
        assert op == rules.CURRENT_END_OP, name
    # no other comparison of a post's dates with $as_of
    assert len(re.findall(r"\.(?:start|end) \S+ \$as_of", text)) == 2 * text.count(".start IS NULL OR ")


# --------------------------------------------------------------------------- written once


SRC = Path(orggraph.__file__).parent

#: spellings of a rule outside rules.py that would be a second definition
SECOND_DEFINITIONS = [
    r"""\(\s*["']committee["'],\s*["']general_branch["']\s*\)""",
    r"""\[\s*["']committee["'],\s*["']general_branch["']\s*\]""",
    r"""\bCOMMUNITY_PARTY_LEVELS\s*=""",
    r"""\bCOMMITTEE_ROLES\s*=\s*\(""",
    r"""\[\s*["']end["']\s*\]\s*>""",
    r"""\[\s*["']start["']\s*\]\s*<=""",
    r"""["']kind["']\]\s*==\s*["'](?:property_company|resident_unit|workstation)["']""",
]


def test_rules_are_written_once():
    hits = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "rules.py" or "synthetic" in path.name:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in SECOND_DEFINITIONS:
            for m in re.finditer(pattern, text):
                hits.append(f"{path.relative_to(SRC)}: {m.group(0)}")
    assert not hits, "a rule of orggraph.rules written again:\n" + "\n".join(hits)
