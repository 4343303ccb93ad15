"""Every public query has hand-worked tests in tests/queries, so the quick subset (``pytest -m quick``) touches all.

The in-memory legs of tests/queries are in the quick subset (tests/conftest.py marks
them); a query added to ``orggraph.queries.QUERIES`` without a test here fails this.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orggraph.queries import QUERIES

HERE = Path(__file__).resolve().parent


def _called_queries() -> set[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py") if p.name != Path(__file__).name)
    return set(re.findall(r"\.([a-z_]+)\(", text))


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_query_is_called_by_the_query_tests(query):
    assert query in _called_queries(), f"no test in tests/queries calls {query}(): add hand-worked tests there"
