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
    "compounds_without_branch": ["area_id", "area_name", "households", *_LOCATION],
    "property_companies_without_branch": ["unit_id", "unit_name", "compounds", *_LOCATION],
    "grids_without_worker": ["grid_id", "grid_name", "households", *_LOCATION],
    "communities_without_part_time_member": [*_LOCATION, "part_time_members"],
    "units_not_reporting": ["unit_id", "unit_name", "territory_id", *_LOCATION],
    "communities_without_reports": [*_LOCATION, "member_reports"],
    "large_compounds_without_committee": ["area_id", "area_name", "households", *_LOCATION],
}

#: detail table → (indicator, Chinese name, measure); the rows of :attr:`CoverageReport.rates`
COVERAGE_INDICATORS: dict[str, tuple[str, str, str]] = {
    "compounds_without_branch": ("compound_branch_rate", "小区党组织组建率", "组建率"),
    "property_companies_without_branch": ("property_company_branch_rate", "物业企业党组织组建率", "组建率"),
    "grids_without_worker": ("grid_worker_rate", "网格员配备率", "覆盖率"),
    "communities_without_part_time_member": ("part_time_member_rate", "大党委兼职委员覆盖率", "覆盖率"),
    "units_not_reporting": ("unit_report_rate", "单位双报到率", "覆盖率"),
    "communities_without_reports": ("community_report_rate", "社区双报到覆盖率", "覆盖率"),
    "large_compounds_without_committee": ("large_compound_committee_rate", "500户以上小区居委会组建率", "组建率"),
}

RATE_COLUMNS = ["indicator", "zh", "measure", "numerator", "denominator", "rate"]
#: what a backend returns under ``"rates"``
BACKEND_RATE_COLUMNS = ["indicator", "numerator", "denominator"]

#: the dtype pandas gives text (``str`` from pandas 3, ``object`` before); missing text is NaN / None
TEXT_DTYPE = pd.Series(["text"]).dtype
_NUMERIC = {"households": "Int64", "compounds": "int64", "part_time_members": "int64", "member_reports": "int64"}


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

    __slots__ = ("_tables", "_rates", "within", "as_of")

    def __init__(self, tables: Mapping[str, pd.DataFrame], rates: pd.DataFrame, *, within=None, as_of=None):
        self._tables = dict(tables)
        self._rates = rates
        self.within = within
        self.as_of = as_of

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
        return f"CoverageReport ({scope}{when})"

    def __repr__(self) -> str:
        lines = [self._heading()]
        width = max(len(z) for _, z, _ in COVERAGE_INDICATORS.values())
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
def coverage_gaps(g, *, large_compound=rules.LARGE_COMPOUND_HOUSEHOLDS, within: str | None = None, as_of=None) -> CoverageReport:
    """Find coverage gaps (覆盖空白): compounds, companies, grids, units and communities an organisation misses.

    Seven detail tables, one per gap, each with a headline rate in
    ``report.rates`` whose ``numerator`` counts the entities in scope that have
    what the table checks, ``denominator`` the entities in scope, and
    ``rate = numerator / denominator`` (NaN when the denominator is 0). Hence
    ``rate == 1 - len(report[table]) / denominator``.

    ``compounds_without_branch`` (小区党组织组建率, ``compound_branch_rate``)
        Areas of kind ``compound`` (小区) in scope that no 小区党支部 ``COVERS``
        directly: a party organisation of level ``branch`` (党支部) with no
        ``unit_id``. A branch covering the compound's grid or community does not
        count, nor does a property company's branch (物业公司党支部) covering it.
    ``property_companies_without_branch`` (物业企业党组织组建率, ``property_company_branch_rate``)
        Units of kind ``property_company`` (物业公司) in scope that no party
        organisation (any level) has as its ``unit_id``. ``compounds`` is the
        number of distinct compounds the company ``COVERS`` directly.
    ``grids_without_worker`` (网格员配备率, ``grid_worker_rate``)
        Grids (网格, 二级网格 included) in scope with no current ``grid_worker``
        (网格员) post whose target is the grid itself.
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
    ``units_not_reporting`` (单位双报到率, ``unit_report_rate``)
        Units of kind ``resident_unit`` in scope from which no ``REPORTS_TO``
        (双报到, counting at ``as_of``) starts, neither from the unit nor from a
        party organisation whose ``unit_id`` is the unit. A report to any
        community counts. ``territory_id`` is the unit's first ``COVERS``
        target (its ledger ``territory_id``).
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
    >>> report["compounds_without_branch"]["area_id"].tolist()
    ['a2']
    >>> r = report.rates.set_index("indicator").loc["compound_branch_rate"]
    >>> int(r["numerator"]), int(r["denominator"]), float(r["rate"])
    (1, 2, 0.5)
    >>> report["large_compounds_without_committee"]["area_id"].tolist()
    ['a1']
    """
    large_compound = _check_large_compound(large_compound)
    within = check_within(g, within)
    as_of = normalize_as_of(as_of)
    result = dispatch(g, "coverage_gaps", large_compound=large_compound, within=within, as_of=as_of)
    return _report(result, within=within, as_of=as_of)


def _report(result: Mapping[str, pd.DataFrame], *, within, as_of) -> CoverageReport:
    """Check a backend's tables, sort them, and derive the rates (shared by every backend)."""
    tables = {}
    for name, columns in COVERAGE_TABLES.items():
        if name not in result:
            raise AssertionError(f"coverage_gaps: backend result lacks table {name!r}")
        frame = result[name]
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise AssertionError(f"coverage_gaps: backend table {name!r} lacks columns {missing}")
        frame = frame[columns]
        if not frame[_KEY[name]].is_monotonic_increasing:  # backends usually return them sorted already
            frame = frame.sort_values(_KEY[name], kind="stable")
        frame = frame.reset_index(drop=True)
        tables[name] = pd.DataFrame(
            {c: frame[c].astype(_NUMERIC[c]) if c in _NUMERIC else text_column(frame[c]) for c in columns}
        )
    counts = result["rates"]
    missing = [c for c in BACKEND_RATE_COLUMNS if c not in counts.columns]
    if missing:
        raise AssertionError(f"coverage_gaps: backend rates lack columns {missing}")
    counts = counts.set_index("indicator")
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
        rows.append((indicator, zh, measure, num, den, num / den if den else np.nan))
    rates = pd.DataFrame(rows, columns=RATE_COLUMNS)
    rates = rates.astype({"numerator": "int64", "denominator": "int64", "rate": "float64"})
    return CoverageReport(tables, rates, within=within, as_of=as_of)
