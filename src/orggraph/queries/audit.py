"""The audit (体检): every query of :mod:`orggraph.queries` in one report.

:func:`audit` runs the public queries (so it works the same on every backend)
and gathers their answers into an :class:`AuditReport`: one headline row per
indicator (in English and Chinese, with its value, numerator and denominator)
and the detail tables behind them.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .. import rules
from ._base import check_within, normalize_as_of, on_date

__all__ = ["audit", "AuditReport", "HEADLINE_COLUMNS"]

HEADLINE_COLUMNS = ["indicator", "zh", "measure", "value", "numerator", "denominator", "definition", "applicable"]

#: how a figure that does not apply is shown (never 0 %)
NOT_APPLICABLE = "不适用 (n/a)"

#: the three-body form of the cross-appointment rate (三委: 两委 + 业委会)
THREE_BODIES = ("committee", "residents_committee", "owners_committee")


class AuditReport(Mapping):
    """The answer of :func:`audit`: headline indicators and detail tables.

    A read-only mapping of table name → DataFrame (``report["grids_without_worker"]``); the tables
    no headline figure needs (``interlocks``, ``boundary_zones``) are computed when first asked for,
    on the graph as it was audited;
    ``report.headline`` holds one row per indicator with the columns
    ``indicator, zh, measure, value, numerator, denominator, definition,
    applicable``; ``measure`` says what kind of number it is: 交叉任职率, 组建率
    (bodies that have an organisation ÷ bodies that should), 覆盖率 (units
    reached), 完整率, or 数量 (a count, with no denominator); ``definition``
    names the definition (the denominator, the eligible set); ``applicable`` is
    False where the figure does not apply (no community has the bodies it
    needs, or its denominator is empty): ``value`` is then NaN and the figure
    is shown as "不适用 (n/a)", never 0 %. ``report.place`` names the audited place
    ("孝南区", or the ``within`` territory's name and id) and every output is
    headed ``place_label`` ("孝南区 · 2022-01-01"); :meth:`display_headline`
    is the headline as people read it (45.4%, 161, 不适用 (n/a)).
    """

    def __init__(self, headline: pd.DataFrame, tables: Mapping[str, pd.DataFrame], *, within, as_of, norms,
                 place: str | None = None):
        self.headline = headline.reset_index(drop=True)
        #: table name → DataFrame, or a function building it on first access (a table the headline does not need)
        self._tables = dict(tables)
        self.within = within
        self.as_of = as_of
        self.norms = norms
        #: the place audited, named for people ("孝南区", "书院街道 (xn-s1)"); "全域" when unnamed
        self.place = place or (str(within) if within else "全域")

    @property
    def place_label(self) -> str:
        """Place and date, as every output names them: ``"孝南区 · 2022-01-01"``."""
        return f"{self.place} · {self.as_of}"

    # mapping protocol
    def __getitem__(self, name: str) -> pd.DataFrame:
        table = self._tables[name]
        if callable(table):  # built when first asked for
            table = self._tables[name] = table()
        return table

    def __iter__(self):
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    @property
    def violations(self) -> pd.DataFrame:
        """The norm violations (配置标准), one row each."""
        return self["norm_violations"]

    @property
    def ok(self) -> bool:
        """True when no staffing norm is violated."""
        return len(self.violations) == 0

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """``{"headline": …, <table>: …}``, every frame of the report."""
        return {"headline": self.headline, **{name: self[name] for name in self._tables}}

    def to_excel(self, path: str | Path, lang: str = "zh") -> Path:
        """Write the report as an .xlsx workbook a department can hand on (see :mod:`orggraph.report.excel`).

        The headline sheet first (value, numerator, denominator, definition),
        then one sheet per table; Chinese sheet names and headers
        (``lang="en"``: English), percentages formatted, header frozen,
        filters on, the place and date in a title row. Text that would start
        a formula is written as text.
        """
        from ..report.excel import write_excel

        return write_excel(self, path, lang=lang)

    def to_csv(self, folder: str | Path, lang: str = "en") -> Path:
        """Write one CSV file per table (UTF-8 with BOM, so Excel opens the Chinese right).

        File names are the table names; headers are the column names
        (``lang="zh"``: the Chinese headers of the Excel report). Text that
        would start a formula gets a leading apostrophe (:mod:`orggraph.outputs`).
        """
        from ..outputs import write_csv
        from ..report.excel import column_title

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in self.to_frames().items():
            frame = frame.set_axis([column_title(name, c, lang) for c in frame.columns], axis=1)
            write_csv(frame, folder / f"{name}.csv", encoding="utf-8-sig")
        return folder

    def _heading(self) -> str:
        return f"体检 Audit · {self.place_label}"

    def __repr__(self) -> str:
        lines = [self._heading()]
        for rec in self.headline.itertuples(index=False):
            shown = _fmt(rec.value, rec.measure) if rec.applicable else NOT_APPLICABLE
            lines.append(f"  {rec.zh:<18} {rec.indicator:<34} {shown}"
                         + (f"  ({_num(rec.numerator)}/{_num(rec.denominator)})" if rec.denominator == rec.denominator else ""))
        lines.append(f"  tables: {', '.join(self._tables)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return f"<h4>{html.escape(self._heading())}</h4>" + self.display_headline().to_html(index=False, escape=True)

    def display_headline(self) -> pd.DataFrame:
        """The headline as text for people, Chinese first: rates as ``45.4%``, counts as ``161``, a figure that does
        not apply as ``不适用 (n/a)`` (never 0 %), missing numerators as ``–``; with the definition's name."""
        head = self.headline.copy()
        head["value"] = [_fmt(v, m) if ok else NOT_APPLICABLE
                         for v, m, ok in zip(head["value"], head["measure"], head["applicable"])]
        for c in ("numerator", "denominator"):
            head[c] = head[c].map(lambda v: "–" if v != v else _num(v))
        shown = {"zh": "指标", "value": "数值 value", "numerator": "分子 numerator", "denominator": "分母 denominator",
                 "measure": "类型 measure", "indicator": "指标名 indicator", "definition": "定义 definition"}
        return head[list(shown)].rename(columns=shown)


def _num(v) -> str:
    return "–" if v != v else f"{int(v):,}" if float(v).is_integer() else f"{v:.3f}"


def _fmt(value, measure) -> str:
    if value != value:
        return "–"
    if measure == "数量":
        return f"{int(value):,}"
    return f"{value:.1%}"


def _rate(num: float, den: float) -> float:
    return float(num) / float(den) if den else float("nan")


def _rollup(rates: pd.DataFrame, num: str, den: str) -> tuple[float, float]:
    return float(rates[num].sum()), float(rates[den].sum())


def audit(g, norms=None, *, within: str | None = None, as_of=None, large_compound=rules.LARGE_COMPOUND_HOUSEHOLDS,
          eligible_compounds: str | None = None, obliged_units: str | None = None,
          eligible_buildings: str | None = None) -> AuditReport:
    """Run every query and gather the answers into an :class:`AuditReport` (体检报告).

    Headline indicators (one row each, computed from counts, never by averaging rates):

    ======================================  ==========================  =================================================
    indicator                               中文                        numerator / denominator
    ======================================  ==========================  =================================================
    cross_appointment_rate                  两委交叉任职率              people in both 两委 / people in either (summed over the communities having both)
    two_of_three_bodies_rate                三体交叉任职率(任两委)      people in ≥2 of 党组织, 居委会, 业委会 / people in any (communities having 两委)
    owners_committee_overlap_share          三委交叉任职(业委会有两委成员)  业委会 with a current 两委 班子 member / 业委会 (seed 001's 三委)
    one_shoulder_share                      一肩挑比例                  communities whose secretary is the director / communities having both bodies
    (the seven coverage rates)              组建率 / 覆盖率             see :func:`~orggraph.queries.coverage.coverage_gaps`
    chain_completeness                      组织链条完整率(楼栋)        buildings the five-level chain reaches down to 党员中心户 / buildings
    compound_chain_completeness             小区组织链条完整率          compounds reached by 党工委—党委—小区党组织 / compounds
    village_chain_completeness              村组织链条完整率            villages of rural communities reached by 党工委—党总支—村党支部(—村党小组) / those villages
    secretary_heads_cooperative_share       书记兼任集体经济组织负责人比例  communities whose secretary is the cooperative's 理事长 / communities having both
    village_cross_appointment_rate          村两委交叉任职率            people on both 村党组织 and 村委会 / people on either (villages having both)
    village_one_shoulder_share              村两委一肩挑比例            villages whose secretary is the 村委会主任 / villages having both
    unassigned_areas                        治理真空带 (无主区域)       a count
    contested_areas                         交界争议区域                a count
    norm_violations                         配置标准不达标              a count (see :func:`~orggraph.queries.norms.check_norms`)
    multi_post_people                       一人多职人数                a count (people with posts in two or more bodies)
    ======================================  ==========================  =================================================

    Parameters
    ----------
    g : OrgGraph
    norms : Norms, dict or path to a TOML file, optional
        Staffing norms; the sources' defaults when None.
    within, as_of
        As for every query: a territory id, and the date posts must be current at.
    large_compound : int
        Households from which a compound should have its own residents' committee.
    eligible_compounds, obliged_units
        The eligible compounds of the 组建率 and the units obliged to report
        (双报到), as for :func:`~orggraph.queries.coverage.coverage_gaps`.
    eligible_buildings : str, optional
        A yes/no ledger column of the areas naming the buildings "有条件" to
        have the full chain (seed 004: 有条件楼栋); the chain completeness and
        the per-level counts (table ``chain_levels``) are over them; all
        buildings when None.

    Examples
    --------
    >>> import orggraph as og
    >>> report = og.load_sample("qixia").audit(as_of="2020-06-30")
    >>> float(report.headline.set_index("indicator").loc["grid_worker_rate", "value"])
    1.0
    """
    from .appointments import cross_appointment_rate, one_shoulder
    from .boundaries import boundary_zones, unassigned_areas
    from .chains import chain_breaks
    from .coverage import coverage_gaps
    from .interlocks import connectors, interlocks
    from .norms import check_norms
    from .owners import owners_committee_overlap

    within = check_within(g, within)
    day = normalize_as_of(as_of)
    g = on_date(g, day)  # the graph as it stood that day, for the parts computed here from its tables
    kw = dict(within=within, as_of=day)
    rows: list[tuple] = []

    two = cross_appointment_rate(g, **kw)
    three = cross_appointment_rate(g, THREE_BODIES, **kw)
    for name, zh, frame in (("cross_appointment_rate", "两委交叉任职率", two),
                            ("two_of_three_bodies_rate", "三体交叉任职率(任两委)", three)):
        ok = frame[frame["applicable"].to_numpy(dtype=bool)]
        num, den = _rollup(ok, "cross_appointed", "base")
        left = len(frame) - len(ok)
        rows.append((name, zh, "交叉任职率", _rate(num, den), num, den,
                     f"denominator={frame.attrs.get('denominator', 'union')}"
                     + (f"; {left} communities n/a (不适用)" if left else ""), den > 0))
    owners = owners_committee_overlap(g, **kw)
    num, den = float(owners["with_committee_member"].sum()), float(owners["owners_committees"].sum())
    rows.append(("owners_committee_overlap_share", "三委交叉任职(业委会有两委成员)", "比例", _rate(num, den), num, den,
                 "业委会 with ≥1 current 两委 班子 member / 业委会", den > 0))
    shoulder = one_shoulder(g, **kw)
    ok = shoulder["applicable"].to_numpy(dtype=bool)
    num, den = float(shoulder["one_shoulder"][ok].astype(bool).sum()), float(ok.sum())
    rows.append(("one_shoulder_share", "一肩挑比例", "比例", _rate(num, den), num, den,
                 "communities having both 社区党组织 and 居委会"
                 + (f"; {int((~ok).sum())} communities n/a (不适用)" if (~ok).any() else ""), den > 0))

    rows += _village_rows(g, kw)

    coverage = coverage_gaps(g, large_compound=large_compound, eligible_compounds=eligible_compounds,
                             obliged_units=obliged_units, **kw)
    for rec in coverage.rates.itertuples(index=False):
        rows.append((rec.indicator, rec.zh, rec.measure, rec.rate, float(rec.numerator), float(rec.denominator),
                     rec.definition, rec.denominator > 0))

    chains = chain_breaks(g, **kw)
    # the five-level chain ends at a building (楼栋党小组—党员中心户); a compound's chain has three levels
    buildings = chains[chains["kind"] == "building"]
    set_name = "all buildings (全部楼栋)"
    if eligible_buildings is not None:  # 有条件楼栋: a yes/no ledger column of the areas
        from ._frames import truthy

        areas = g.backend.nodes("Area")
        if eligible_buildings not in areas.columns:
            raise ValueError(f"eligible_buildings={eligible_buildings!r}: the areas have no such ledger column")
        chosen = set(areas.loc[truthy(areas[eligible_buildings]), "id"])
        buildings = buildings[buildings["area_id"].isin(chosen).to_numpy(dtype=bool)]
        set_name = f"eligible={eligible_buildings} (有条件楼栋, ledger column)"
    num, den = float(buildings["complete"].sum()), float(len(buildings))
    rows.append(("chain_completeness", "组织链条完整率(楼栋)", "完整率", _rate(num, den), num, den, set_name, den > 0))
    compounds = chains[chains["kind"] == "compound"]
    num, den = float(compounds["complete"].sum()), float(len(compounds))
    rows.append(("compound_chain_completeness", "小区组织链条完整率", "完整率", _rate(num, den), num, den, "all compounds", den > 0))
    comms = g.backend.nodes("Community")
    rural = set(comms.loc[comms["kind"].isin(list(rules.RURAL_COMMUNITY_KINDS)).to_numpy(dtype=bool), "id"])
    villages = chains[(chains["kind"] == rules.VILLAGE).to_numpy(dtype=bool) & chains["community_id"].isin(rural).to_numpy(dtype=bool)]
    num, den = float(villages["complete"].sum()), float(len(villages))
    rows.append(("village_chain_completeness", "村组织链条完整率", "完整率", _rate(num, den), num, den,
                 "villages of rural communities reached by 党工委—党总支—村党支部(—村党小组) / those villages", den > 0))

    areas = unassigned_areas(g, **kw)
    for status, name, zh in (("unassigned", "unassigned_areas", "治理真空带(无主区域)"),
                             ("contested", "contested_areas", "交界争议区域")):
        n = float((areas["status"] == status).sum())
        rows.append((name, zh, "数量", n, n, np.nan, "count", True))

    violations = check_norms(g, norms, **kw)
    n = float(len(violations))
    rows.append(("norm_violations", "配置标准不达标", "数量", n, n, np.nan, "count", True))

    people = connectors(g, top=None, **kw)
    n = float(len(people))
    rows.append(("multi_post_people", "一人多职人数", "数量", n, n, np.nan, "count", True))

    headline = pd.DataFrame(rows, columns=HEADLINE_COLUMNS).astype({"applicable": bool})
    # the tables no headline figure needs are built when first asked for, on the graph as audited now
    frozen = g.copy() if getattr(g.backend, "store", None) is not None else g
    tables = {
        "cross_appointment": two,
        "two_of_three_bodies": three,
        "owners_committee_overlap": owners,
        "one_shoulder": shoulder,
        **{name: frame for name, frame in coverage.items()},
        "unassigned_areas": areas,
        "boundary_zones": lambda: boundary_zones(frozen, **kw),
        "chain_breaks": chains[~chains["complete"].astype(bool)].reset_index(drop=True),
        "chain_levels": chain_levels(buildings),
        "norm_violations": violations,
        "connectors": people,
        "interlocks": lambda: interlocks(frozen, **kw),
    }
    deviations = getattr(g, "deviations", None)
    if deviations is not None and len(deviations):
        tables["sample_deviations"] = sample_deviation_rows(deviations, tables)
    return AuditReport(headline, tables, within=within, as_of=day, norms=norms, place=_place(g, within))


def _village_rows(g, kw) -> list[tuple]:
    """书记兼任集体经济组织负责人 (communities with a cooperative) and the villages' 两委 figures (村两委交叉任职率,
    村两委一肩挑); each reads 不适用 (n/a) where the graph has no cooperative or no village (then not computed)."""
    from .appointments import cross_appointment_rate
    from .villages import village_one_shoulder

    rows = []
    units = g.backend.nodes("Unit")
    num = den = 0.0
    if (units["kind"] == rules.COOPERATIVE).any():
        heads = cross_appointment_rate(g, (rules.COMMUNITY_PARTY_SELECTOR, rules.COOPERATIVE),
                                       roles=(rules.SECRETARY, rules.DIRECTOR), **kw)
        ok = heads["applicable"].to_numpy(dtype=bool)
        num, den = float((heads["cross_appointed"].to_numpy()[ok] > 0).sum()), float(ok.sum())
    rows.append(("secretary_heads_cooperative_share", "书记兼任集体经济组织负责人比例", "比例", _rate(num, den), num, den,
                 "communities whose party secretary is the cooperative's 理事长 / communities having both", den > 0))
    areas = g.backend.nodes("Area")
    cross_num = cross_den = shoulder_num = shoulder_den = 0.0
    if (areas["kind"] == rules.VILLAGE).any():
        cross = cross_appointment_rate(g, by="village", **kw)
        ok = cross["applicable"].to_numpy(dtype=bool)
        cross_num, cross_den = float(cross["cross_appointed"][ok].sum()), float(cross["base"][ok].sum())
        shoulder = village_one_shoulder(g, as_of=kw["as_of"])
        shoulder = shoulder[shoulder["village_id"].isin(set(cross["village_id"]))]["one_shoulder"]
        shoulder_num, shoulder_den = float(shoulder.fillna(False).astype(bool).sum()), float(shoulder.notna().sum())
    rows.append(("village_cross_appointment_rate", "村两委交叉任职率", "交叉任职率", _rate(cross_num, cross_den), cross_num,
                 cross_den, "people on both 村党组织 and 村委会 / people on either (villages having both)", cross_den > 0))
    rows.append(("village_one_shoulder_share", "村两委一肩挑比例", "比例", _rate(shoulder_num, shoulder_den), shoulder_num,
                 shoulder_den, "villages whose party secretary is the 村委会主任 / villages having both", shoulder_den > 0))
    return rows


#: columns of the audit's ``sample_deviations`` table
DEVIATION_TABLE_COLUMNS = ["table", "entity_id", "rule", "note", "source", "what", "rows_found"]


def sample_deviations_in(deviations: pd.DataFrame, table: str, frame: pd.DataFrame) -> pd.Series:
    """Per row of audit table ``frame`` (named ``table``): the label of the sample's deliberate deviation it
    shows (样本有意偏离原文), or NA."""
    out = pd.Series(pd.NA, index=frame.index, dtype="object")
    for dev in deviations[deviations["table"] == table].itertuples():
        hit = pd.Series(True, index=frame.index)
        for col, value in dev.match.items():
            hit &= (frame[col] == value).fillna(False) if col in frame.columns else False
        out[hit.to_numpy(dtype=bool)] = dev.note
    return out


def sample_deviation_rows(deviations: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The audit's ``sample_deviations`` table: each deliberate deviation of a bundled sample from its source
    document, the audit table and entity it shows in, and how many rows of that table it explains here
    (0 when the audit, e.g. within a territory or on another date, does not meet it)."""
    rows = []
    for dev in deviations.itertuples():
        frame = tables.get(dev.table)
        if callable(frame):  # a table built on first access: the deviation's rows are counted on it
            frame = frame()
        found = 0
        if frame is not None and len(frame):
            found = int(sample_deviations_in(deviations[deviations.index == dev.Index], dev.table, frame).notna().sum())
        match = dict(dev.match)
        entity = next((v for k, v in match.items() if k in ("entity_id", "id", "area_id", "grid_id")), None)
        rows.append((dev.table, entity, match.get("rule"), dev.note, dev.source, dev.what, found))
    return pd.DataFrame(rows, columns=DEVIATION_TABLE_COLUMNS).astype({"rows_found": "int64"})


def _place(g, within) -> str | None:
    """The audited place named for people: the territory's name (with its id), or the one district (or street) of
    the graph; None when there is no single one ("全域")."""
    if within:
        name = g.node(within).get("name")
        return f"{name} ({within})" if isinstance(name, str) and name else str(within)
    for kind in ("District", "Street"):
        names = g.nodes(kind)["name"].dropna()
        if len(names) == 1:
            return str(names.iloc[0])
        if len(names) > 1:
            return None
    return None


def chain_levels(buildings: pd.DataFrame) -> pd.DataFrame:
    """Per level of the five-level chain: how many of ``buildings`` (rows of ``chain_breaks``) it reaches.

    ``level, zh, reached, buildings, rate``: the buildings whose chain reaches
    at least down to the level (``reached ≥`` its position), over all of them.
    """
    from .chains import CHAIN, LEVEL_ZH

    n = len(buildings)
    reached = buildings["reached"].to_numpy()
    rows = [(level, LEVEL_ZH[level], int((reached >= i + 1).sum()), n) for i, level in enumerate(CHAIN)]
    out = pd.DataFrame(rows, columns=["level", "zh", "reached", "buildings"])
    out["rate"] = [_rate(r, n) for r in out["reached"]]
    return out
