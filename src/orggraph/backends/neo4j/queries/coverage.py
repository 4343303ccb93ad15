"""Neo4j implementation of :mod:`orggraph.queries.coverage` (覆盖空白).

Each gap table is one statement returning only the gaps, with their location
computed in the database; one more statement counts the entities in scope
(the denominators). The numerators are ``denominator − gaps``.
"""

from __future__ import annotations

import pandas as pd

from ....queries.coverage import COVERAGE_INDICATORS, COVERAGE_TABLES
from .. import cypher
from ._common import COMMUNITY_PARTY_LEVELS

_DENOMINATOR = {
    "compounds_without_branch": "compounds",
    "property_companies_without_branch": "companies",
    "grids_without_worker": "grids",
    "communities_without_part_time_member": "communities",
    "units_not_reporting": "units",
    "communities_without_reports": "communities",
    "large_compounds_without_committee": "large",
}


class CoverageMixin:
    def coverage_gaps(self, *, large_compound, within, as_of) -> dict[str, pd.DataFrame]:
        out: dict[str, pd.DataFrame] = {}
        for name, stmt in cypher.COVERAGE_GAPS.items():
            params = {"within": within}
            if "as_of" in stmt.params:
                params["as_of"] = as_of
            if "large_compound" in stmt.params:
                params["large_compound"] = large_compound
            if "community_levels" in stmt.params:
                params["community_levels"] = COMMUNITY_PARTY_LEVELS
            out[name] = self.runner.frame(stmt, columns=COVERAGE_TABLES[name], **params)
        den = self.runner.records(cypher.COVERAGE_DENOMINATORS, within=within, large_compound=large_compound)[0]
        rows = []
        for name, (indicator, _, _) in COVERAGE_INDICATORS.items():
            d = int(den[_DENOMINATOR[name]])
            rows.append((indicator, d - len(out[name]), d))
        out["rates"] = pd.DataFrame(rows, columns=["indicator", "numerator", "denominator"])
        return out
