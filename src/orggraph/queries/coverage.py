"""Coverage gaps (覆盖空白): where an organisation that should exist does not.

Definitions shared by both backends
-----------------------------------
*Scope.* ``within`` is a territory id. A territory is in scope when it is
``within`` or contained by it (``CONTAINS*``); every territory when ``within``
is None. A body (party organisation or unit) is in scope when it ``COVERS`` a
territory in scope — so a unit covering a compound of a community, the
community itself, or (for a street-level resident unit) the street. With
``within=None`` every body of the kind is in scope, even one covering nothing.

*Current.* A post (``HOLDS_POST``) is current at ``as_of`` when ``start`` is
missing or ≤ ``as_of`` and ``end`` is missing or > ``as_of``; a report
(``REPORTS_TO``) counts when its ``date`` is missing or ≤ ``as_of``.

*Location columns.* Every detail table names the entity's ``community_id``,
``community_name``, ``street_id`` and ``street_name``. The community of a
territory is the community that is it or contains it (``CONTAINS*``); of a body,
a community it belongs to (it ``COVERS`` the community or a territory inside
it). An entity in two communities (a contested compound, a work station serving
several 居委会) is placed in the **smallest community id**. The street is the
street containing that community; an entity with no community takes the
smallest id among the streets that contain it (for a body: that contain, or
are, a territory it covers). Missing values are None/NaN, never ``""``.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

import numpy as np
import pandas as pd

from .. import rules
from ._base import check_within, dispatch, normalize_as_of, register

__all__ = ["coverage_gaps", "CoverageReport", "COVERAGE_TABLES", "COVERAGE_INDICATORS"]

_LOCATION = ["community_id", "community_name", "street_id", "street_name"]

#: output columns of each detail table of :func:`coverage_gaps`
COVERAGE_TABLES: dict[str, list[str]] = {
    "compounds_without_org": ["area_id", "area_name", "households", *_LOCATION, "eligible"],
    "property_companies_without_branch": ["unit_id", "unit_name", "compounds", *_LOCATION],
    "grids_without_worker": ["grid_id", "grid_name", "households", *_LOCATION],
    "communities_without_part_time_member": [*_LOCATION, "part_time_members"],
    "units_not_reporting": ["unit_id", "unit_name", "territory_id", *_LOCATION, "obliged"],
    "communities_without_reports": [*_LOCATION, "member_reports"],
    "large_compounds_without_committee": ["area_id", "area_name", "households", *_LOCATION],
}

#: detail table → (indicator, Chinese name, measure); the rows of :attr:`CoverageReport.rates`
COVERAGE_INDICATORS: dict[str, tuple[str, str, str]] = {
    "compounds_without_org": ("compound_org_coverage_rate", "小区党组织覆盖率", "覆盖率"),
    "property_companies_without_branch": ("property_company_branch_rate", "物业企业党组织组建率", "组建率"),
    "grids_without_worker": ("grid_worker_rate", "网格员配备率", "覆盖率"),
    "communities_without_part_time_member": ("part_time_member_rate", "大党委兼职委员覆盖率", "覆盖率"),
    "units_not_reporting": ("unit_report_coverage_rate", "驻区单位双报到覆盖率", "覆盖率"),
    "communities_without_reports": ("community_report_rate", "社区双报到覆盖率", "覆盖率"),
    "large_compounds_without_committee": ("large_compound_committee_rate", "500户以上小区居委会组建率", "组建率"),
}

#: rates derived from a gap table over a named subset of its universe (eligible compounds, obliged units):
#: indicator → (gap table, Chinese name, measure, the flag column of the table), placed before the table's own row
DERIVED_INDICATORS: dict[str, tuple[str, str, str, str]] = {
    "compound_org_formation_rate": ("compounds_without_org", "小区党组织组建率", "组建率", "eligible"),
    "unit_report_rate": ("units_not_reporting", "单位双报到率", "报到率", "obliged"),
}

RATE_COLUMNS = ["indicator", "zh", "measure", "numerator", "denominator", "rate", "definition"]
#: what a backend returns under ``"rates"``
BACKEND_RATE_COLUMNS = ["indicator", "numerator", "denominator"]

#: the dtype pandas gives text (``str`` from pandas 3, ``object`` before); missing text is NaN / None
TEXT_DTYPE = pd.Series(["text"]).dtype
_NUMERIC = {"households": "Int64", "compounds": "int64", "part_time_members": "int64", "member_reports": "int64",
            "eligible": "bool", "obliged": "bool"}


def text_column(values) -> pd.Series:
    """Text in the library's text dtype, missing values as NaN/None (never ``""``)."""
    index = values.index if isinstance(values, pd.Series) else None
    v = np.asarray(values, dtype=object)
    try:
        empty = np.asarray(v == "", dtype=bool)
    except TypeError:  # pd.NA == "" is NA, which has no truth value
        empty = np.fromiter((isinstance(x, str) and x == "" for x in v), dtype=bool, count=len(v))
    if empty.any():
        v = v.copy()
        v[empty] = None
    return pd.Series(v, index=index, dtype=TEXT_DTYPE)  # None, NaN, pd.NA and NaT become NaN


def text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text ids and names in the library's text dtype, missing values as NaN/None (never ``""``)."""
    return pd.DataFrame({c: text_column(frame[c]) for c in frame.columns}, index=frame.index)


# entity id column of each table (the sort key)
_KEY = {name: cols[0] for name, cols in COVERAGE_TABLES.items()}


class CoverageReport(Mapping):
    """The result of :func:`coverage_gaps`: detail tables by name, and headline rates.

    A read-only mapping of table name → :class:`pandas.DataFrame`
    (``report["grids_without_worker"]``, ``report.keys()``, ``for name in
    report``), in the order of :data:`COVERAGE_TABLES`. ``report.rates`` holds
    one row per table: ``indicator, zh, measure, numerator, denominator, rate``.
    ``within`` and ``as_of`` record the arguments the report was computed with.
    """

    __slots__ = ("_tables", "_rates", "within", "as_of", "eligible_compounds", "obliged_units")

    def __init__(self, tables: Mapping[str, pd.DataFrame], rates: pd.DataFrame, *, within=None, as_of=None,
                 eligible_compounds=None, obliged_units=None):
        self._tables = dict(tables)
        self._rates = rates
        self.within = within
        self.as_of = as_of
        #: the eligible set of compounds the 组建率 is over ("managed", "all", "members>=3" or a ledger column)
        self.eligible_compounds = eligible_compounds
        #: the set of resident units obliged to report (双报到): "own_party_org", "all" or a ledger column
        self.obliged_units = obliged_units

    # Mapping protocol
    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self._tables[name]
        except KeyError:
            raise KeyError(f"no table {name!r} in the coverage report; tables: {', '.join(self._tables)}") from None

    def __iter__(self):
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    # DataFrames do not compare to a bool: keep identity semantics instead of Mapping's dict equality
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    @property
    def rates(self) -> pd.DataFrame:
        """Headline rates: ``indicator, zh, measure, numerator, denominator, rate`` (one row per table)."""
        return self._rates

    def _heading(self) -> str:
        scope = f"within {self.within}" if self.within is not None else "whole graph"
        when = f", as of {self.as_of}" if self.as_of is not None else ""
        sets = f"; eligible compounds: {self.eligible_compounds}, obliged units: {self.obliged_units}"
        return f"CoverageReport ({scope}{when}{sets if self.eligible_compounds is not None else ''})"

    def __repr__(self) -> str:
        lines = [self._heading()]
        width = max(len(z) for z in self._rates["zh"])
        for rec in self._rates.to_dict("records"):
            rate = "—" if pd.isna(rec["rate"]) else f"{rec['rate']:.1%}"
            lines.append(
                f"  {rec['zh']:<{width}}  {int(rec['numerator']):>6} / {int(rec['denominator']):<6} {rate:>7}"
            )
        lines.append("tables (rows = gaps):")
        for name, frame in self._tables.items():
            lines.append(f"  {name}: {len(frame)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        rates = self._rates.assign(rate=self._rates["rate"].map(lambda r: "—" if pd.isna(r) else f"{r:.1%}"))
        parts = [f"<p><b>{html.escape(self._heading())}</b></p>", rates.to_html(index=False)]
        items = "".join(
            f"<li><code>{html.escape(name)}</code>: {len(frame)}</li>" for name, frame in self._tables.items()
        )
        parts.append(f"<p>Tables (rows = gaps):</p><ul>{items}</ul>")
        return "".join(parts)


def _check_large_compound(value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not value == value or value < 0:
        raise ValueError(f"large_compound={value!r}: give a number of households ≥ 0 (default 500)")
    return value


@register({**COVERAGE_TABLES, "rates": RATE_COLUMNS}, zh="覆盖空白")
def coverage_gaps(g, *, large_compound=rules.LARGE_COMPOUND_HOUSEHOLDS, within: str | None = None, as_of=None,
                  eligible_compounds: str | None = None, obliged_units: str | None = None) -> CoverageReport:
    """Find coverage gaps (覆盖空白): compounds, companies, grids, units and communities an organisation misses.

    Seven detail tables, one per gap, each with a headline rate in
    ``report.rates`` whose ``numerator`` counts the entities in scope that have
    what the table checks, ``denominator`` the entities in scope, and
    ``rate = numerator / denominator`` (NaN when the denominator is 0). Hence
    ``rate == 1 - len(report[table]) / denominator``.

    ``compounds_without_org`` (小区党组织覆盖率, ``compound_org_coverage_rate``)
        Areas of kind ``compound`` (小区) in scope that no compound party
        organisation ``COVERS`` directly: a party organisation of a level of
        :data:`orggraph.rules.COMPOUND_ORG_LEVELS` (小区党支部, 党总支, 小区党委;
        a 联合支部 covering several compounds covers each) with no ``unit_id``.
        An organisation covering the compound's grid or community does not
        count, nor does a property company's branch (物业公司党支部) covering
        it. Every compound without one is listed, with ``eligible``: whether it
        is in the eligible set. Its rate is over all compounds in scope (覆盖率);
        the row ``compound_org_formation_rate`` (小区党组织组建率, 组建率) is over
        the eligible compounds: eligible compounds with an organisation ÷
        eligible compounds.
    ``property_companies_without_branch`` (物业企业党组织组建率, ``property_company_branch_rate``)
        Units of kind ``property_company`` (物业公司) in scope that no party
        organisation (any level) has as its ``unit_id``. ``compounds`` is the
        number of distinct compounds the company ``COVERS`` directly.
    ``grids_without_worker`` (网格员配备率, ``grid_worker_rate``)
        Grids (网格, 二级网格 included) in scope with no current full-time
        (专职: ``part_time`` missing or false) ``grid_worker`` (网格员) post
        whose target is the grid itself. The row ``part_time_grid_worker_rate``
        (兼职网格员配备率) beside it counts the grids with a current part-time
        (兼职) 网格员 over the same grids.
    ``communities_without_part_time_member`` (大党委兼职委员覆盖率, ``part_time_member_rate``)
        Communities in scope whose own party organisation — a party
        organisation of level ``committee`` or ``general_branch`` with no
        ``unit_id`` that ``COVERS`` the community itself (a 小区大党委 covering
        a compound is not it) — has no current ``part_time_member`` (兼职委员)
        post held by a person who also holds a current post (any role) in a unit
        of kind ``resident_unit`` (驻区单位), or in a party organisation whose
        ``unit_id`` is a resident unit. The resident unit may be anywhere. A
        community without a party organisation is a gap.
        ``part_time_members`` is the number of distinct people holding a
        current ``part_time_member`` post in the community's party
        organisation, whatever their origin.
    ``units_not_reporting`` (驻区单位双报到覆盖率, ``unit_report_coverage_rate``)
        Units of kind ``resident_unit`` in scope from which no ``REPORTS_TO``
        (双报到, counting at ``as_of``) starts, neither from the unit nor from a
        party organisation whose ``unit_id`` is the unit. A report to any
        community counts. ``territory_id`` is the unit's first ``COVERS``
        target (its ledger ``territory_id``); ``obliged`` whether the unit is
        in the obliged set. Its rate is over all resident units; the row
        ``unit_report_rate`` (单位双报到率) is over the obliged units: obliged
        units that report ÷ obliged units.
    ``communities_without_reports`` (社区双报到覆盖率, ``community_report_rate``)
        Communities in scope that no unit or party organisation reports to
        (counting at ``as_of``); members' personal reports do not count.
        ``member_reports`` is the number of distinct people (``Cadre``) whose
        report to the community counts at ``as_of``.
    ``large_compounds_without_committee`` (500户以上小区居委会组建率, ``large_compound_committee_rate``)
        Compounds in scope with ``households ≥ large_compound`` that no unit of
        kind ``residents_committee`` (居委会) ``COVERS`` directly. A compound
        with missing households is not counted as large.

    Parameters
    ----------
    g : OrgGraph
    large_compound : int, default 500
        Households from which a compound must have its own residents' committee
        (辖区内500户以上的规模小区全部成立居委会).
    within : str, optional
        Territory id (district, street, community, grid or area) limiting the
        scope; see the module notes for how bodies are scoped.
    as_of : date or str, optional
        The date at which posts must be current and reports made; default today.
    eligible_compounds : str, optional
        The compounds that should have their own organisation (the 组建率's
        denominator): ``"members>=3"`` (3 or more full party members live there;
        needs the people ledger's memberships), ``"managed"`` (物业小区: a
        property company ``COVERS`` it), ``"all"``, or the name of a ledger
        column of the areas (a yes/no column). Default: ``"members>=3"`` when
        the graph has memberships, else ``"managed"`` when it has property
        companies, else ``"all"``; ``report.eligible_compounds`` names the set
        used.
    obliged_units : str, optional
        The resident units obliged to report (单位双报到率's denominator):
        ``"own_party_org"`` (units with their own party organisation),
        ``"all"``, or the name of a ledger column of the units (应报到, yes/no).
        Default: the column ``obliged`` (应报到) when the units have it, else
        ``"own_party_org"``; ``report.obliged_units`` names the set used.

    Returns
    -------
    CoverageReport
        A mapping of the seven table names above to DataFrames, each sorted by
        its first (id) column, with the columns of :data:`COVERAGE_TABLES`:
        the entity's id and name, ``households`` (nullable Int64) /
        ``compounds`` / ``part_time_members`` / ``member_reports`` (int64) /
        ``territory_id`` as listed, then ``community_id, community_name,
        street_id, street_name``. ``report.rates`` has the columns
        ``indicator, zh, measure, numerator, denominator, rate``; ``measure``
        is ``组建率`` (formation: entities that have their organisation ÷
        entities that should) or ``覆盖率`` (coverage: entities reached).

    Notes
    -----
    An entity in two communities is placed in the smallest community id (see
    the module notes); the counts are unaffected.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Street", "s1", name="东城街道")
    >>> g.add_node("Community", "c1", name="安宁社区", street_id="s1")
    >>> g.add_node("Area", "a1", name="阳光小区", kind="compound", parent_id="c1", households=620)
    >>> g.add_node("Area", "a2", name="和平小区", kind="compound", parent_id="c1", households=180)
    >>> g.add_node("PartyOrg", "b1", name="阳光小区党支部", level="branch", territory_id="a1")
    >>> report = g.coverage_gaps(as_of="2024-01-01")
    >>> report["compounds_without_org"]["area_id"].tolist()
    ['a2']
    >>> report.eligible_compounds
    'all'
    >>> r = report.rates.set_index("indicator").loc["compound_org_formation_rate"]
    >>> int(r["numerator"]), int(r["denominator"]), float(r["rate"])
    (1, 2, 0.5)
    >>> report["large_compounds_without_committee"]["area_id"].tolist()
    ['a1']
    """
    large_compound = _check_large_compound(large_compound)
    within = check_within(g, within)
    as_of = normalize_as_of(as_of)
    eligible_name, eligible = _eligible_compounds(g, eligible_compounds)
    obliged_name, obliged = _obliged_units(g, obliged_units)
    result = dispatch(g, "coverage_gaps", large_compound=large_compound, within=within, as_of=as_of)
    return _report(g, result, within=within, as_of=as_of, large_compound=large_compound,
                   eligible=(eligible_name, eligible), obliged=(obliged_name, obliged))


#: what each eligible / obliged set is, for the ``definition`` column
_SET_NAMES = {
    "members>=3": "3名以上正式党员居住的小区 (compounds where 3+ full party members live)",
    "managed": "物业小区 (compounds a property company covers)",
    "all": "全部小区 (all compounds)",
    "own_party_org": "建有党组织的驻区单位 (resident units with their own party organisation)",
    "all_units": "全部驻区单位 (all resident units)",
}
_UNIVERSE_NAMES = {
    "compounds_without_org": "全部小区 (all compounds)",
    "property_companies_without_branch": "物业企业 (property companies)",
    "grids_without_worker": "网格 (grids)",
    "communities_without_part_time_member": "社区 (communities)",
    "units_not_reporting": "全部驻区单位 (all resident units)",
    "communities_without_reports": "社区 (communities)",
    "large_compounds_without_committee": "{n}户以上小区 (compounds of {n}+ households)",
}


def _column(frame: pd.DataFrame, name: str, what: str, option: str) -> np.ndarray:
    if name not in frame.columns:
        raise ValueError(f"{option}={name!r}: the {what} have no such ledger column "
                         f"(columns: {', '.join(map(str, frame.columns))})")
    from ._frames import truthy

    return truthy(frame[name])


def _eligible_compounds(g, option) -> tuple[str, set]:
    """The eligible set's name and the ids of its compounds (whole graph)."""
    from ._frames import full_members_per_compound, residences_recorded

    areas = g.backend.nodes("Area")
    compounds = areas[(areas["kind"] == rules.COMPOUND).fillna(False).to_numpy(dtype=bool)]
    units = g.backend.nodes("Unit")
    companies = set(units.loc[(units["kind"] == rules.PROPERTY_COMPANY).fillna(False).to_numpy(dtype=bool), "id"])
    if option is None:
        option = "members>=3" if residences_recorded(g) else "managed" if companies else "all"
    if not isinstance(option, str) or not option:
        raise ValueError(f"eligible_compounds={option!r}: use one of {', '.join(rules.ELIGIBLE_COMPOUNDS)} "
                         "or the name of a ledger column of the areas")
    ids = compounds["id"].to_numpy(dtype=object)  # sets built from lists: iterating a Series is slow
    if option == "all":
        return option, set(ids.tolist())
    if option == "managed":
        covers = g.backend.edges("COVERS")
        return option, set(ids.tolist()) & set(covers.loc[covers["source"].isin(companies), "target"].tolist())
    if option == "members>=3":
        counts = full_members_per_compound(g, ids)
        return option, set(counts.index[counts.to_numpy() >= rules.FULL_MEMBERS_FOR_BRANCH].tolist())
    return option, set(ids[_column(compounds, option, "areas", "eligible_compounds")].tolist())


def _obliged_units(g, option) -> tuple[str, set]:
    """The obliged set's name and the ids of its resident units (whole graph)."""
    units = g.backend.nodes("Unit")
    resident = units[(units["kind"] == rules.RESIDENT_UNIT).fillna(False).to_numpy(dtype=bool)]
    if option is None:
        option = rules.OBLIGED_COLUMN if rules.OBLIGED_COLUMN in units.columns else "own_party_org"
    if not isinstance(option, str) or not option:
        raise ValueError(f"obliged_units={option!r}: use one of {', '.join(rules.OBLIGED_UNITS)} "
                         "or the name of a ledger column of the units")
    ids = resident["id"]
    if option == "all":
        return option, set(ids)
    if option == "own_party_org":
        party = g.backend.nodes("PartyOrg")
        return option, set(ids) & set(party["unit_id"].dropna())
    return option, set(ids[_column(resident, option, "units", "obliged_units")])


def _part_time_staffed(g, within, as_of) -> int:
    """Grids in scope with a current part-time (兼职) ``grid_worker`` post on the grid itself."""
    from ._frames import in_scope

    grids = g.backend.nodes("Grid")["id"]
    grids = set(grids[in_scope(g, within, grids)].tolist())
    posts = g.backend.edges("HOLDS_POST")
    ok = (rules.current_mask(posts["start"], posts["end"], as_of)
          & (posts["role"] == rules.GRID_WORKER).fillna(False).to_numpy(dtype=bool)
          & ~rules.full_time_mask(posts["part_time"]))
    return len(grids & set(posts.loc[ok, "target"].tolist()))


def _report(g, result: Mapping[str, pd.DataFrame], *, within, as_of, large_compound, eligible, obliged) -> CoverageReport:
    """Check a backend's tables, sort them, and derive the rates (shared by every backend)."""
    from ._frames import bodies_in_scope, in_scope

    # the named sets as indexes, built once for their several membership tests (faster than a set each time)
    eligible = (eligible[0], pd.Index(list(eligible[1]), dtype=object))
    obliged = (obliged[0], pd.Index(list(obliged[1]), dtype=object))
    flags = {"compounds_without_org": eligible[1], "units_not_reporting": obliged[1]}
    tables = {}
    for name, columns in COVERAGE_TABLES.items():
        if name not in result:
            raise AssertionError(f"coverage_gaps: backend result lacks table {name!r}")
        frame = result[name]
        wanted = [c for c in columns if c not in ("eligible", "obliged")]
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise AssertionError(f"coverage_gaps: backend table {name!r} lacks columns {missing}")
        frame = frame[wanted]
        if not frame[_KEY[name]].is_monotonic_increasing:  # backends usually return them sorted already
            frame = frame.sort_values(_KEY[name], kind="stable")
        frame = frame.reset_index(drop=True)
        if name in flags:
            frame = frame.assign(**{columns[-1]: frame[_KEY[name]].isin(flags[name]).to_numpy(dtype=bool)})
        tables[name] = pd.DataFrame(
            {c: frame[c].astype(_NUMERIC[c]) if c in _NUMERIC else text_column(frame[c]) for c in columns}
        )
    counts = result["rates"]
    missing = [c for c in BACKEND_RATE_COLUMNS if c not in counts.columns]
    if missing:
        raise AssertionError(f"coverage_gaps: backend rates lack columns {missing}")
    counts = counts.set_index("indicator")

    # the named subsets in scope: eligible compounds, obliged units
    areas = g.backend.nodes("Area")
    compounds = areas.loc[(areas["kind"] == rules.COMPOUND).fillna(False).to_numpy(dtype=bool), "id"]
    compounds = compounds[in_scope(g, within, compounds)]
    units = g.backend.nodes("Unit")
    resident = units.loc[(units["kind"] == rules.RESIDENT_UNIT).fillna(False).to_numpy(dtype=bool), "id"]
    resident = resident[bodies_in_scope(g, within, resident)]
    subsets = {"compounds_without_org": (eligible[0], int(compounds.isin(eligible[1]).sum())),
               "units_not_reporting": (obliged[0], int(resident.isin(obliged[1]).sum()))}
    derived = {table: (ind, zh, measure, flag) for ind, (table, zh, measure, flag) in DERIVED_INDICATORS.items()}

    rows = []
    for name, (indicator, zh, measure) in COVERAGE_INDICATORS.items():
        if indicator not in counts.index:
            raise AssertionError(f"coverage_gaps: backend rates lack indicator {indicator!r}")
        num = int(counts.at[indicator, "numerator"])
        den = int(counts.at[indicator, "denominator"])
        if num != den - len(tables[name]):
            raise AssertionError(
                f"coverage_gaps: {indicator} numerator {num} ≠ denominator {den} − {len(tables[name])} gaps"
            )
        if name in derived:
            d_ind, d_zh, d_measure, flag = derived[name]
            set_name, d_den = subsets[name]
            d_num = d_den - int(tables[name][flag].sum())
            label = _SET_NAMES.get("all_units" if (name == "units_not_reporting" and set_name == "all") else set_name,
                                   f"台账列 {set_name} (ledger column {set_name!r})")
            rows.append((d_ind, d_zh, d_measure, d_num, d_den, d_num / d_den if d_den else np.nan, f"{flag}={set_name}: {label}"))
        universe = _UNIVERSE_NAMES[name].format(n=large_compound)
        if name == "grids_without_worker":
            universe += "; 专职网格员 (full-time grid workers)"
        rows.append((indicator, zh, measure, num, den, num / den if den else np.nan, universe))
        if name == "grids_without_worker":  # the part-time (兼职) figure beside the full-time one
            p_num = _part_time_staffed(g, within, as_of)
            rows.append(("part_time_grid_worker_rate", "兼职网格员配备率", "覆盖率", p_num, den,
                         p_num / den if den else np.nan, "网格 (grids); 兼职网格员 (part-time grid workers)"))
    rates = pd.DataFrame(rows, columns=RATE_COLUMNS)
    rates = rates.astype({"numerator": "int64", "denominator": "int64", "rate": "float64"})
    return CoverageReport(tables, rates, within=within, as_of=as_of, eligible_compounds=eligible[0],
                          obliged_units=obliged[0])
