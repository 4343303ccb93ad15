"""Neo4j implementation of :mod:`orggraph.queries.coverage` (覆盖空白).

Each gap table is one statement returning only the gaps, with their location
computed in the database; one more statement counts the entities in scope
(the denominators). The numerators are ``denominator − gaps``.
"""

from __future__ import annotations

import pandas as pd

from ....queries.coverage import COVERAGE_INDICATORS, COVERAGE_TABLES
from .. import cypher
from ._common import frame, records

class CoverageMixin:
    def coverage_gaps(self, *, large_compound, within, as_of) -> dict[str, pd.DataFrame]:
        out: dict[str, pd.DataFrame] = {}
        for name, stmt in cypher.COVERAGE_GAPS.items():
            params = {"within": within}
            if "as_of" in stmt.params:
                params["as_of"] = as_of
            if "large_compound" in stmt.params:
                params["large_compound"] = large_compound
            out[name] = frame(self.runner, stmt, COVERAGE_TABLES[name], **params)
        den = records(self.runner, cypher.COVERAGE_DENOMINATORS, within=within, as_of=as_of, large_compound=large_compound)[0]
        rows = []
        for name, (indicator, _, _) in COVERAGE_INDICATORS.items():
            d = int(den[name])  # the entities in scope: rules.COVERAGE_UNIVERSES[name]
            rows.append((indicator, d - len(out[name]), d))
        out["rates"] = pd.DataFrame(rows, columns=["indicator", "numerator", "denominator"])
        return out
