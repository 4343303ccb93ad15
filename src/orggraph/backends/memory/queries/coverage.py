"""In-memory implementation of :mod:`orggraph.queries.coverage`.

Works on the store's integer node codes (:meth:`TableStore.codes`): a set of
entities is a boolean look-up array over the codes, joins are on int64 arrays,
and ids and names are decoded only for the rows returned.

Also holds the scope and location helpers :mod:`.norms` uses: which bodies
and territories a ``within`` covers, and the community and street an entity is
placed in (the smallest community id when it has two).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .... import rules
from . import _common as c
from ._common import KIND, decode, distinct, flags, kinds, lookup, node_rows, take


# --------------------------------------------------------------------------- codes


def int_column(series: pd.Series) -> pd.Series:
    """A numeric attribute (stored as object, Int64 or float) as nullable Int64."""
    s = series.astype(object)
    s = s.where(s.notna(), np.nan)
    return pd.to_numeric(s, errors="coerce").astype("Int64")


def equals(series: pd.Series, value) -> np.ndarray:
    """``series == value`` as a bool array (missing values: False)."""
    if series.dtype == object:  # numpy compares object arrays several times faster than pandas
        return np.asarray(series.to_numpy() == value, dtype=bool)
    return (series == value).to_numpy(dtype=bool, na_value=False)


def nodes_where(store, kind: str, column: str | None = None, value=None) -> np.ndarray:
    """Codes of the nodes of ``kind`` (in table order), those with ``column == value`` when given."""
    codes = store.node_codes(kind)
    if column is not None:
        codes = codes[equals(store.node_frame(kind)[column], value)]
    return codes[codes >= 0]


def column(store, kind: str, name: str, codes: np.ndarray) -> np.ndarray:
    """Attribute ``name`` of the nodes ``codes`` of ``kind`` (object array; None when missing or not of the kind)."""
    values = store.node_frame(kind)[name].to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = None
    return take(values, node_rows(store, kind, codes))


def numbers(store, kind: str, name: str) -> pd.api.extensions.ExtensionArray:
    """Numeric attribute ``name`` of ``kind`` as a nullable Int64 array aligned with the table rows."""
    s = store.node_frame(kind)[name]
    if isinstance(s.dtype, pd.Int64Dtype):
        return s.array
    return int_column(s).array


def floats(store, kind: str, name: str, codes: np.ndarray) -> np.ndarray:
    """Numeric attribute ``name`` of the nodes ``codes`` of ``kind`` as float64 (NaN when missing)."""
    values = np.append(numbers(store, kind, name).to_numpy(dtype="float64", na_value=np.nan), np.nan)
    return values[node_rows(store, kind, codes)]


def count_distinct(store, key: np.ndarray, value: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Number of distinct ``value`` paired with each of ``codes`` in the pairs ``(key, value)`` (int64)."""
    n = c.size(store)
    ok = flags(store, codes)[key] & (value >= 0)
    keys = distinct(key[ok] * n + value[ok]) // n  # sorted: one run per key
    return (np.searchsorted(keys, codes, "right") - np.searchsorted(keys, codes, "left")).astype(np.int64)


def party_units(store) -> np.ndarray:
    """Code of each party organisation's ``unit_id`` (-1 when missing or not a node), aligned with the table rows."""

    def build():
        unit = store.node_frame("PartyOrg")["unit_id"]
        out = np.full(len(unit), -1, dtype=np.int64)
        has = unit.notna().to_numpy(dtype=bool)
        out[has] = store.code_of(unit.to_numpy(dtype=object)[has])
        return out

    return store.cached(("coverage", "party_units"), build)


class Posts:
    """Current posts (``HOLDS_POST``, start ≤ as_of < end) as code arrays ``cadre``, ``body``."""

    def __init__(self, store, as_of):
        self._rows = c.current_post_rows(store, as_of)
        src, dst = store.edge_codes("HOLDS_POST")
        self.cadre, self.body = src[self._rows], dst[self._rows]
        self._role = store.edge_frame("HOLDS_POST")["role"]

    def role(self, role: str, among: np.ndarray) -> np.ndarray:
        """Mask of the current posts of ``role`` among those of mask ``among`` (comparing text only there)."""
        at = np.flatnonzero(among)
        out = np.zeros(len(self.body), dtype=bool)
        out[at] = equals(self._role.iloc[self._rows[at]], role)
        return out


# --------------------------------------------------------------------------- scope


class Scope:
    """The territories and bodies a ``within`` selects (everything when None), as codes."""

    def __init__(self, store, within):
        self.store = store
        self.within = within
        self.inside = c.scope_flags(store, within)

    def territories(self, codes: np.ndarray) -> np.ndarray:
        return codes if self.inside is None else codes[self.inside[codes]]

    def bodies(self, codes: np.ndarray) -> np.ndarray:
        """Bodies among ``codes`` that COVER a territory in scope (all of them when within is None)."""
        if self.inside is None:
            return codes
        return codes[c.covering_flags(self.store, self.inside)[codes]]

    def kind(self, kind: str) -> np.ndarray:
        return self.territories(nodes_where(self.store, kind))


# --------------------------------------------------------------------------- location


def smallest_above(store, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """For every code: the node of ``kind`` with the smallest id that is it or contains it (``CONTAINS*``), cached.

    Returns ``(nodes, best)``: the nodes of ``kind`` sorted by id (string order),
    and for each code (one extra slot for code -1) the position in ``nodes`` of
    its smallest one, ``len(nodes)`` when there is none. Computed for the whole
    graph by relaxing every ``CONTAINS`` edge, ``best[target] = min(best[target],
    best[source])``, until nothing changes: one vectorised pass per level of
    containment, ending on cycles too (the values only decrease).
    """

    def build():
        ids = store.codes()[0].to_numpy(dtype=object)
        nodes = c.kind_codes(store, kind)
        nodes = nodes[np.argsort(ids[nodes].astype(str), kind="stable")]
        best = np.full(c.size(store) + 1, len(nodes), dtype=np.int32)
        best[nodes] = np.arange(len(nodes))
        src, dst = store.edge_codes("CONTAINS")
        ok = (src >= 0) & (dst >= 0)
        src, dst = src[ok], dst[ok]
        while True:
            offer = best[src]
            better = offer < best[dst]
            if not better.any():
                return nodes, best
            np.minimum.at(best, dst[better], offer[better])

    return store.cached(("coverage", "smallest_above", kind), build)


def _decoded_best(nodes: np.ndarray, best: np.ndarray) -> np.ndarray:
    """Positions from :func:`smallest_above` back to codes (-1 for none)."""
    return np.append(nodes, -1)[best]


def place(store, codes: np.ndarray, bodies: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Community and street codes (-1: none) of each of ``codes``: territories, or bodies when ``bodies``.

    The community of a territory is the smallest community id among those that
    are it or contain it; of a body, among those of the territories it covers.
    The street is that community's ``street_id``, or, for an entity with no
    community, the smallest street id among those that are or contain it (for
    a body: that are or contain a territory it covers).
    """

    def smallest(kind, codes):
        nodes, best = smallest_above(store, kind)
        if not bodies:
            return _decoded_best(nodes, best[codes])
        src, dst = store.edge_codes("COVERS")
        each = distinct(codes)
        at = np.flatnonzero(flags(store, each)[src])
        per_body = np.full(len(each), len(nodes), dtype=best.dtype)
        np.minimum.at(per_body, np.searchsorted(each, src[at]), best[dst[at]])
        return _decoded_best(nodes, lookup(each, per_body, codes, len(nodes)))

    comm = smallest("Community", codes)
    has = comm >= 0
    street = np.full(len(codes), -1, dtype=np.int64)
    street[has] = c.ref_codes(store, "Community", "street_id", comm[has])
    if not has.all():
        street[~has] = smallest("Street", codes[~has])
    return comm, street


def location(store, comm: np.ndarray, street: np.ndarray) -> dict[str, np.ndarray]:
    """``community_id, community_name, street_id, street_name`` (object arrays, None when missing)."""
    return {
        "community_id": decode(store, comm),
        "community_name": column(store, "Community", "name", comm),
        "street_id": decode(store, street),
        "street_name": column(store, "Street", "name", street),
    }


def by_id(store, codes: np.ndarray) -> np.ndarray:
    """``codes`` sorted by their ids (string order); as they are when already sorted (tables often are)."""
    ids = store.codes()[0].to_numpy(dtype=object)[codes]
    try:
        if len(ids) < 2 or (ids[1:] >= ids[:-1]).all():
            return codes
    except TypeError:  # ids that are not all text
        pass
    return codes[np.argsort(ids.astype(str), kind="stable")]


def _located(store, gaps: dict, tables: tuple, bodies: bool) -> dict:
    """Location columns of the rows of ``tables``: one placement for all of them, split per table."""
    every = np.concatenate([gaps[t] for t in tables])
    columns = location(store, *place(store, every, bodies))
    at = np.cumsum([0] + [len(gaps[t]) for t in tables])
    return {t: {k: v[a:b] for k, v in columns.items()} for t, a, b in zip(tables, at[:-1], at[1:])}


def frame(columns: dict) -> pd.DataFrame:
    """A DataFrame of the given columns; object arrays stay object columns, taken as they are.

    (The DataFrame constructor would otherwise convert text to pandas' ``str``
    dtype, which the front-end turns back into objects before its own typing.)
    """
    text = {k: v for k, v in columns.items() if isinstance(v, np.ndarray) and v.dtype == object}
    out = pd.DataFrame(text, dtype=object, copy=False)
    for i, (k, v) in enumerate(columns.items()):
        if k not in text:
            out.insert(i, k, v)
    return out


def _table(store, kind: str, codes: np.ndarray, id_col: str, name_col: str, where: dict, extra: dict) -> pd.DataFrame:
    """A detail table: id, name, the ``extra`` columns (functions of the codes), then the location columns."""
    names = store.node_frame(kind)["name"].to_numpy(dtype=object)
    out = {id_col: decode(store, codes), name_col: names[node_rows(store, kind, codes)]}
    out.update({k: f(codes) for k, f in extra.items()})
    out.update(where)
    return frame(out)


def _community_table(codes: np.ndarray, where: dict, column: str, count) -> pd.DataFrame:
    return frame({**where, column: count(codes)})


# --------------------------------------------------------------------------- the query


class CoverageMixin:
    def coverage_gaps(self, *, large_compound, within, as_of) -> dict[str, pd.DataFrame]:
        store = self.store
        scope = Scope(store, within)
        k = kinds(store)
        party = store.node_frame("PartyOrg")
        party_codes = store.node_codes("PartyOrg")
        party_unit = party_units(store)
        no_unit = party["unit_id"].isna().to_numpy(dtype=bool)
        cov_src, cov_dst = store.edge_codes("COVERS")
        posts = Posts(store, as_of)
        e = store.edge_frame("REPORTS_TO")
        counted = rules.reported_mask(e["date"], as_of)
        reporter, reported = (x[counted] for x in store.edge_codes("REPORTS_TO"))
        area_hh = numbers(store, "Area", "households")
        all_compounds = nodes_where(store, "Area", "kind", rules.COMPOUND)

        def universe(table):
            """The entities in scope of a gap table's indicator (rules.COVERAGE_UNIVERSES: the denominator)."""
            u = rules.COVERAGE_UNIVERSES[table]
            codes = nodes_where(store, u.label, u.column, u.value)
            codes = scope.bodies(codes) if u.side == "body" else scope.territories(codes)
            if u.large:
                codes = codes[floats(store, u.label, "households", codes) >= large_compound]
            return codes

        def covered_by(bodies):
            """Flags of the territories one of ``bodies`` COVERS directly."""
            return flags(store, cov_dst[flags(store, bodies)[cov_src]])

        # per indicator: (table, indicator, the entities in scope, mask of those that have it)
        checks = []

        # 小区党组织覆盖率: a compound organisation (rules.COMPOUND_ORG_LEVELS, not inside a unit) COVERS the compound
        compounds = universe("compounds_without_org")
        compound_orgs = party_codes[party["level"].isin(list(rules.COMPOUND_ORG_LEVELS)).to_numpy(dtype=bool) & no_unit]
        checks.append(("compounds_without_org", "compound_org_coverage_rate", compounds, covered_by(compound_orgs)[compounds]))

        # 物业企业党组织组建率: some party organisation has the company as its unit_id
        companies = universe("property_companies_without_branch")
        host_units = flags(store, party_unit)
        checks.append(
            ("property_companies_without_branch", "property_company_branch_rate", companies, host_units[companies])
        )

        # 网格员配备率: a current full-time (专职) grid_worker post on the grid itself
        grids = universe("grids_without_worker")
        full_time = rules.full_time_mask(store.edge_frame("HOLDS_POST")["part_time"].iloc[posts._rows])
        workers = flags(store, posts.body[posts.role(rules.GRID_WORKER, flags(store, grids)[posts.body]) & full_time])
        checks.append(("grids_without_worker", "grid_worker_rate", grids, workers[grids]))

        # 大党委兼职委员覆盖率: a current part_time_member of the community's party organisation
        # who also holds a current post in a resident unit or in a party organisation inside one
        communities = universe("communities_without_part_time_member")
        committees = party_codes[rules.is_community_party_org(party["level"], party["unit_id"])]
        own = flags(store, committees)[cov_src] & (k[cov_dst] == KIND["Community"])
        n = c.size(store)
        own = distinct(cov_src[own] * n + cov_dst[own])  # pairs body, community
        ptm = posts.role(rules.PART_TIME_MEMBER, flags(store, own // n)[posts.body])
        i, j = c.join_codes(posts.body[ptm], own // n)
        ptm_cadre, ptm_community = posts.cadre[ptm][i], own[j] % n
        resident_units = nodes_where(store, "Unit", "kind", rules.RESIDENT_UNIT)
        is_resident = flags(store, resident_units)
        ru_bodies = is_resident | flags(store, party_codes[is_resident[party_unit]])
        from_units = flags(store, posts.cadre[ru_bodies[posts.body]])
        qualifying = flags(store, ptm_community[from_units[ptm_cadre]])
        checks.append(
            ("communities_without_part_time_member", "part_time_member_rate", communities, qualifying[communities])
        )

        # 单位双报到率: the resident unit, or a party organisation inside it, reports somewhere
        units = universe("units_not_reporting")
        reports_from = flags(store, reporter)
        via_party = flags(store, party_unit[reports_from[party_codes]])
        checks.append(("units_not_reporting", "unit_report_coverage_rate", units, reports_from[units] | via_party[units]))

        # 社区双报到覆盖率: some unit or party organisation reports to the community
        rkind = k[reporter]
        by_bodies = flags(store, reported[(rkind == KIND["Unit"]) | (rkind == KIND["PartyOrg"])])
        by_members = rkind == KIND["Cadre"]
        communities = universe("communities_without_reports")
        checks.append(("communities_without_reports", "community_report_rate", communities, by_bodies[communities]))

        # 500户以上小区居委会组建率: a residents' committee COVERS the large compound itself
        large = universe("large_compounds_without_committee")
        with_rc = covered_by(nodes_where(store, "Unit", "kind", rules.RESIDENTS_COMMITTEE))
        checks.append(("large_compounds_without_committee", "large_compound_committee_rate", large, with_rc[large]))

        gaps = {name: by_id(store, universe[~has]) for name, _, universe, has in checks}
        rates = pd.DataFrame(
            [(indicator, int(has.sum()), len(universe)) for _, indicator, universe, has in checks],
            columns=["indicator", "numerator", "denominator"],
        )

        # one placement per family of entities
        body_tables = ("property_companies_without_branch", "units_not_reporting")
        where = _located(store, gaps, body_tables, bodies=True)
        where.update(_located(store, gaps, tuple(t for t in gaps if t not in body_tables), bodies=False))

        def households(kind, values):
            return lambda codes: values[node_rows(store, kind, codes)]

        compound_flags = flags(store, all_compounds)

        def company_compounds(codes):
            return count_distinct(store, cov_src, np.where(compound_flags[cov_dst], cov_dst, -1), codes)

        def table(name, kind, id_col, name_col, extra):
            return _table(store, kind, gaps[name], id_col, name_col, where[name], extra)

        def community_table(name, column, count):
            return _community_table(gaps[name], where[name], column, count)

        return {
            "compounds_without_org": table(
                "compounds_without_org", "Area", "area_id", "area_name", {"households": households("Area", area_hh)}
            ),
            "property_companies_without_branch": table(
                "property_companies_without_branch", "Unit", "unit_id", "unit_name", {"compounds": company_compounds}
            ),
            "grids_without_worker": table(
                "grids_without_worker", "Grid", "grid_id", "grid_name",
                {"households": households("Grid", numbers(store, "Grid", "households"))},
            ),
            "communities_without_part_time_member": community_table(
                "communities_without_part_time_member", "part_time_members",
                lambda codes: count_distinct(store, ptm_community, ptm_cadre, codes),
            ),
            "units_not_reporting": table(
                "units_not_reporting", "Unit", "unit_id", "unit_name",
                {"territory_id": lambda codes: decode(store, c.ref_codes(store, "Unit", "territory_id", codes))},
            ),
            "communities_without_reports": community_table(
                "communities_without_reports", "member_reports",
                lambda codes: count_distinct(store, reported[by_members], reporter[by_members], codes),
            ),
            "large_compounds_without_committee": table(
                "large_compounds_without_committee", "Area", "area_id", "area_name",
                {"households": households("Area", area_hh)},
            ),
            "rates": rates,
        }
