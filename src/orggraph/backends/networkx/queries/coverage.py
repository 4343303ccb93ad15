"""In-memory implementation of :mod:`orggraph.queries.coverage`.

Also holds the scope and location helpers :mod:`.norms` uses: which bodies
and territories a ``within`` covers, and the community and street an entity is
placed in (the smallest community id when it has two).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ....scope import descendants
from . import _common as c


# --------------------------------------------------------------------------- helpers


def _obj(values) -> pd.Index:
    return pd.Index(np.asarray(values, dtype=object), dtype=object)


def int_column(series: pd.Series) -> pd.Series:
    """A numeric attribute (stored as object, Int64 or float) as nullable Int64."""
    s = series.astype(object)
    s = s.where(s.notna(), np.nan)
    return pd.to_numeric(s, errors="coerce").astype("Int64")


def node_attr(store, kind: str, column: str) -> pd.Series:
    """Series id → attribute, keeping the column's dtype."""
    f = store.node_frame(kind)
    return pd.Series(f[column].to_numpy(), index=_obj(f["id"]), dtype=f[column].dtype)


def territory_street(store) -> pd.DataFrame:
    """Pairs ``territory, street``: each street with itself and every territory it contains."""

    from .boundaries import territory_street as shared

    return shared(store)  # one closure, cached once, for coverage, norms, boundaries and chains


def body_street(store) -> pd.DataFrame:
    """Pairs ``body, street``: a body covering a street or a territory inside it."""

    def build():
        cov = store.edge_frame("COVERS")
        f = pd.DataFrame({"body": cov["source"].to_numpy(dtype=object), "territory": cov["target"].to_numpy(dtype=object)})
        return f.merge(territory_street(store), on="territory")[["body", "street"]].drop_duplicates().reset_index(drop=True)

    return store.cached(("coverage", "body_street"), build)


def _smallest(pairs: pd.DataFrame, value: str) -> pd.Series:
    """For each ``key`` of ``pairs``: its smallest ``value`` (string order), as a Series key → value.

    Sorting then keeping the first row per key (a groupby ``min`` on strings runs per group in Python).
    """
    keys = pairs["key"].to_numpy(dtype=object)
    vals = pairs[value].to_numpy(dtype=object)
    order = np.lexsort((vals.astype(str), keys.astype(str)))
    first = pd.DataFrame({"key": keys[order], "value": vals[order]}).drop_duplicates("key", keep="first")
    return pd.Series(first["value"].to_numpy(dtype=object), index=_obj(first["key"]), dtype=object)


def _locate(store, ids, communities: pd.DataFrame, streets: pd.DataFrame) -> pd.DataFrame:
    """``community_id, community_name, street_id, street_name`` for ``ids``, indexed by id.

    ``communities`` and ``streets`` are pairs ``key, community`` / ``key, street``.
    The community is the smallest paired id; the street is that community's
    street, or, for an id with no community, the smallest paired street.
    Missing values are None.
    """
    ids = _obj(pd.unique(np.asarray(ids, dtype=object)))
    cp = communities[communities["key"].isin(ids)]
    comm = _smallest(cp, "community").reindex(ids).to_numpy(dtype=object)
    has_comm = pd.notna(comm)
    street = c.ref(store, "Community", "street_id").reindex(_obj(comm)).to_numpy(dtype=object)
    if (~has_comm).any():
        sp = streets[streets["key"].isin(ids[~has_comm])]
        fallback = _smallest(sp, "street").reindex(ids).to_numpy(dtype=object)
        street = np.where(has_comm, street, fallback)
    comm_name = c.names(store, "Community").reindex(_obj(comm)).to_numpy(dtype=object)
    street_name = c.names(store, "Street").reindex(_obj(street)).to_numpy(dtype=object)
    out = pd.DataFrame(
        {"community_id": comm, "community_name": comm_name, "street_id": street, "street_name": street_name},
        index=ids,
        dtype=object,
    )
    return out.where(out.notna(), None)


def locate_territories(store, ids) -> pd.DataFrame:
    tc = c.territory_community(store).rename(columns={"territory": "key"})
    ts = territory_street(store).rename(columns={"territory": "key"})
    return _locate(store, ids, tc, ts)


def locate_bodies(store, ids) -> pd.DataFrame:
    bc = c.body_community(store).rename(columns={"body": "key"})
    bs = body_street(store).rename(columns={"body": "key"})
    return _locate(store, ids, bc, bs)


class Scope:
    """The territories and bodies a ``within`` selects (everything when None)."""

    def __init__(self, store, within):
        self.store = store
        self.within = within
        self.inside = None if within is None else _obj(descendants(store, [within]))

    def territories(self, ids) -> pd.Index:
        ids = _obj(ids)
        return ids if self.inside is None else ids[ids.isin(self.inside)]

    def bodies(self, ids) -> pd.Index:
        """Bodies among ``ids`` that COVER a territory in scope (all of them when within is None)."""
        ids = _obj(ids)
        if self.inside is None:
            return ids
        cov = self.store.edge_frame("COVERS")
        hit = cov.loc[cov["target"].isin(self.inside), "source"]
        return ids[ids.isin(hit)]

    def kind(self, kind: str) -> pd.Index:
        return self.territories(self.store.node_frame(kind)["id"])


def _ids(store, kind: str, column: str, value: str) -> pd.Index:
    f = store.node_frame(kind)
    return _obj(f.loc[f[column] == value, "id"])


def _covered_by(store, bodies: pd.Index) -> pd.Index:
    """Territories that one of ``bodies`` COVERS directly."""
    cov = store.edge_frame("COVERS")
    return _obj(pd.unique(cov.loc[cov["source"].isin(bodies), "target"]))


def _counted_reports(store, as_of) -> pd.DataFrame:
    """REPORTS_TO edges counting at ``as_of``: ``reporter, community, rkind``."""
    e = store.edge_frame("REPORTS_TO")
    ok = c.current_mask(e["date"], None, as_of)
    f = pd.DataFrame({"reporter": e["source"].to_numpy(dtype=object)[ok], "community": e["target"].to_numpy(dtype=object)[ok]})
    f["rkind"] = store.kinds_of(f["reporter"]).to_numpy(dtype=object)
    return f



def _counts_for(pairs: pd.DataFrame, key: str, value: str, ids: pd.Index) -> np.ndarray:
    """Number of distinct ``value`` per ``key`` for each of ``ids`` (0 when none), as int64."""
    if not len(pairs):
        return np.zeros(len(ids), dtype="int64")
    n = pairs.drop_duplicates([key, value]).groupby(key).size()
    return n.reindex(ids).fillna(0).astype("int64").to_numpy()


def _sorted(ids: pd.Index) -> pd.Index:
    return _obj(np.sort(ids.to_numpy(dtype=object)))


def _table(ids: pd.Index, names: pd.Series, id_col: str, name_col: str, located: pd.DataFrame, extra: dict) -> pd.DataFrame:
    """A detail table: id, name, the ``extra`` columns (functions of the ids), then the location columns."""
    ids = _sorted(ids)
    out = {id_col: ids.to_numpy(dtype=object), name_col: names.reindex(ids).to_numpy(dtype=object)}
    out.update({k: f(ids) for k, f in extra.items()})
    where = located.reindex(ids)
    out.update({col: where[col].to_numpy(dtype=object) for col in where.columns})
    return pd.DataFrame(out)


def _community_table(ids: pd.Index, located: pd.DataFrame, column: str, count) -> pd.DataFrame:
    ids = _sorted(ids)
    out = located.reindex(ids).reset_index(drop=True)
    out[column] = count(ids)
    return out


# --------------------------------------------------------------------------- the query


class CoverageMixin:
    def coverage_gaps(self, *, large_compound, within, as_of) -> dict[str, pd.DataFrame]:
        store = self.store
        scope = Scope(store, within)
        party = store.node_frame("PartyOrg")
        cov = store.edge_frame("COVERS")
        posts = c.current_posts(store, as_of)
        reports = _counted_reports(store, as_of)
        all_compounds = _ids(store, "Area", "kind", "compound")
        area_hh = int_column(node_attr(store, "Area", "households"))

        # per indicator: (table, indicator, the entities in scope, mask of those that have it)
        checks = []

        # 小区党组织组建率: a compound branch (level branch, not inside a unit) COVERS the compound itself
        compounds = scope.territories(all_compounds)
        party = store.node_frame("PartyOrg")
        compound_branches = pd.Index(party.loc[(party["level"] == "branch") & party["unit_id"].isna(), "id"])
        with_branch = _covered_by(store, compound_branches)
        checks.append(("compounds_without_branch", "compound_branch_rate", compounds, compounds.isin(with_branch)))

        # 物业企业党组织组建率: some party organisation has the company as its unit_id
        companies = scope.bodies(_ids(store, "Unit", "kind", "property_company"))
        host_units = _obj(pd.unique(party["unit_id"].dropna()))
        checks.append(
            ("property_companies_without_branch", "property_company_branch_rate", companies, companies.isin(host_units))
        )

        # 网格员配备率: a current grid_worker post on the grid itself
        grids = scope.kind("Grid")
        workers = posts.loc[posts["role"] == "grid_worker", "body"]
        checks.append(("grids_without_worker", "grid_worker_rate", grids, grids.isin(workers)))

        # 大党委兼职委员覆盖率: a current part_time_member of the community's party organisation
        # who also holds a current post in a resident unit or in a party organisation inside one
        communities = scope.kind("Community")
        ptm = posts[posts["role"] == "part_time_member"]
        ptm = ptm.merge(c.community_party_orgs(store), on="body")[["community", "cadre"]]
        resident_units = _ids(store, "Unit", "kind", "resident_unit")
        ru_bodies = resident_units.union(_obj(party.loc[party["unit_id"].isin(resident_units), "id"]))
        from_units = posts.loc[posts["body"].isin(ru_bodies), "cadre"]
        qualifying = ptm.loc[ptm["cadre"].isin(from_units), "community"]
        checks.append(
            ("communities_without_part_time_member", "part_time_member_rate", communities, communities.isin(qualifying))
        )

        # 单位双报到率: the resident unit, or a party organisation inside it, reports somewhere
        units = scope.bodies(resident_units)
        via_party = party.loc[party["id"].isin(reports["reporter"]), "unit_id"].dropna()
        checks.append(
            ("units_not_reporting", "unit_report_rate", units, units.isin(reports["reporter"]) | units.isin(via_party))
        )

        # 社区双报到覆盖率: some unit or party organisation reports to the community
        by_bodies = reports.loc[reports["rkind"].isin(["Unit", "PartyOrg"]), "community"]
        member_reports = reports[reports["rkind"] == "Cadre"]
        checks.append(("communities_without_reports", "community_report_rate", communities, communities.isin(by_bodies)))

        # 500户以上小区居委会组建率: a residents' committee COVERS the large compound itself
        large = compounds[(area_hh.reindex(compounds) >= large_compound).fillna(False).to_numpy(dtype=bool)]
        with_rc = _covered_by(store, c.bodies_of(store, "residents_committee"))
        checks.append(("large_compounds_without_committee", "large_compound_committee_rate", large, large.isin(with_rc)))

        gaps = {name: universe[~has] for name, _, universe, has in checks}
        rates = pd.DataFrame(
            [(indicator, int(has.sum()), len(universe)) for _, indicator, universe, has in checks],
            columns=["indicator", "numerator", "denominator"],
        )

        # one location look-up per family of entities
        body_tables = ("property_companies_without_branch", "units_not_reporting")
        where_t = locate_territories(store, np.concatenate([v.to_numpy(dtype=object) for k, v in gaps.items() if k not in body_tables]))
        where_b = locate_bodies(store, np.concatenate([gaps[k].to_numpy(dtype=object) for k in body_tables]))

        def company_compounds(ids):
            pairs = pd.DataFrame({"body": cov["source"].to_numpy(dtype=object), "area": cov["target"].to_numpy(dtype=object)})
            return _counts_for(pairs[pairs["body"].isin(ids) & pairs["area"].isin(all_compounds)], "body", "area", ids)

        def households(values):
            return lambda ids: values.reindex(ids).to_numpy()

        area_names, unit_names = c.names(store, "Area"), c.names(store, "Unit")
        grid_hh = int_column(node_attr(store, "Grid", "households"))
        unit_territory = c.ref(store, "Unit", "territory_id")
        return {
            "compounds_without_branch": _table(
                gaps["compounds_without_branch"], area_names, "area_id", "area_name", where_t,
                {"households": households(area_hh)},
            ),
            "property_companies_without_branch": _table(
                gaps["property_companies_without_branch"], unit_names, "unit_id", "unit_name", where_b,
                {"compounds": company_compounds},
            ),
            "grids_without_worker": _table(
                gaps["grids_without_worker"], c.names(store, "Grid"), "grid_id", "grid_name", where_t,
                {"households": households(grid_hh)},
            ),
            "communities_without_part_time_member": _community_table(
                gaps["communities_without_part_time_member"], where_t, "part_time_members",
                lambda ids: _counts_for(ptm, "community", "cadre", ids),
            ),
            "units_not_reporting": _table(
                gaps["units_not_reporting"], unit_names, "unit_id", "unit_name", where_b,
                {"territory_id": lambda ids: unit_territory.reindex(ids).to_numpy(dtype=object)},
            ),
            "communities_without_reports": _community_table(
                gaps["communities_without_reports"], where_t, "member_reports",
                lambda ids: _counts_for(member_reports, "community", "reporter", ids),
            ),
            "large_compounds_without_committee": _table(
                gaps["large_compounds_without_committee"], area_names, "area_id", "area_name", where_t,
                {"households": households(area_hh)},
            ),
            "rates": rates,
        }
