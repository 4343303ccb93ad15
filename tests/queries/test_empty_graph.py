"""Every query on the empty graph: no rows, and exactly the documented columns (on both backends).

One module for all of them, so the database leg loads the empty graph once.
"""

from __future__ import annotations

import pytest

import orggraph as og
from orggraph.queries import QUERIES
from orggraph.queries.coverage import COVERAGE_TABLES

TABLE_QUERIES = sorted(name for name in QUERIES if name != "coverage_gaps")


@pytest.fixture
def empty(on_backend):
    return on_backend("empty", og.OrgGraph)


@pytest.mark.parametrize("query", TABLE_QUERIES)
def test_a_query_on_the_empty_graph_has_no_rows_and_its_columns(empty, query):
    result = getattr(empty, query)(as_of="2024-01-01")
    default = next(iter(QUERIES[query].columns.values()))  # the first variant is the default (e.g. by="community")
    assert list(result.columns) == default and len(result) == 0


def test_coverage_of_the_empty_graph_has_nothing_to_count(empty):
    report = empty.coverage_gaps(as_of="2024-01-01")
    # ten rates: the seven tables' own, 组建率 over eligible compounds, 单位双报到率 over obliged units, 兼职网格员
    assert report.rates["denominator"].tolist() == [0] * 10 and report.rates["numerator"].tolist() == [0] * 10
    assert report.rates["rate"].isna().all()
    for name, frame in report.items():
        assert list(frame.columns) == COVERAGE_TABLES[name] and len(frame) == 0


def test_the_network_of_the_empty_graph(empty):
    assert empty.interlock_network(as_of="2024-01-01").number_of_nodes() == 0
    m = empty.interlock_metrics(as_of="2024-01-01")
    assert len(m) == 0 and m["degree"].dtype == "int64" and m["betweenness"].dtype == "float64"
