"""The domain rules (规则) as data: what counts, written once.

Every query on every backend, the scenarios, the plots and the ledger's
consistency checks read the rules below from here; nothing else spells them
out. To change what counts (which bodies are a community's own 两委, which
roles are 班子 roles, when a post is current …) change it here and both
backends follow:

* the in-memory backend reads these names **when a query runs**
  (``rules.COMMUNITY_PARTY_LEVELS``, never a copy taken at import);
* the Neo4j backend passes the rules a query depends on as Cypher parameters
  (``$community_levels``, ``$committee_roles`` …, see :func:`cypher_params`)
  when it runs a statement, and splices the fixed vocabulary (node kinds, area
  kinds, unit kinds, the comparison operators of the current-post rule) into
  the statement text from these constants when the statements are built;
  ``tests/unit/test_rules.py`` checks every statement against them.

The numbers of the staffing norms (300 households per grid …) are data too,
in ``orggraph/data/norms.toml`` (read by :class:`orggraph.queries.norms.Norms`);
what each norm measures (which role, which unit kind) is here.

Sources: ``docs/concepts.md`` and the seeds (栖霞 大党委, 东城 居站分设, 孝南 两委).
"""

from __future__ import annotations

import datetime as _dt
import operator as _operator
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "COMMUNITY_PARTY_LEVELS",
    "COMMUNITY_PARTY_SELECTOR",
    "RESIDENTS_COMMITTEE",
    "TWO_COMMITTEES",
    "COMMUNITY_LEVEL_SELECTORS",
    "COMMITTEE_ROLES",
    "PARTY_COMMITTEE_ROLES",
    "SECRETARY",
    "DIRECTOR",
    "PART_TIME_MEMBER",
    "GRID_WORKER",
    "ZONE_MANAGER",
    "CURRENT_START_OP",
    "CURRENT_END_OP",
    "REPORT_DATE_OP",
    "current_mask",
    "full_time_mask",
    "reported_mask",
    "runs_on",
    "is_current",
    "DATED_NODE_KINDS",
    "DATED_EDGE_TYPES",
    "EXISTS_START_OP",
    "EXISTS_END_OP",
    "exists_mask",
    "COMPOUND",
    "BUILDING",
    "RESPONSIBILITY_HOUSEHOLDS",
    "RESPONSIBILITY_ZONE",
    "BOUNDARY_ZONE",
    "COMPOUND_BRANCH_LEVEL",
    "COMPOUND_ORG_LEVELS",
    "ELIGIBLE_COMPOUNDS",
    "FULL_MEMBERS_FOR_BRANCH",
    "OBLIGED_UNITS",
    "OBLIGED_COLUMN",
    "CROSS_APPOINTMENT_DENOMINATORS",
    "STATUTORY_SIZES",
    "CHAIN_LEVELS_AT_COMPOUND",
    "CHAIN_AREA_KINDS",
    "CHAIN_COMPOUND_LEVEL_KINDS",
    "CHAIN_LEVEL_ORGS",
    "CHAIN_BRANCH_IN_GRIDS",
    "CHAIN_VILLAGE_GROUP",
    "chain_level_orgs",
    "PROPERTY_COMPANY",
    "RESIDENT_UNIT",
    "WORKSTATION",
    "LARGE_COMPOUND_HOUSEHOLDS",
    "Universe",
    "COVERAGE_UNIVERSES",
    "universe_mask",
    "is_community_party_org",
    "cypher_params",
    "VILLAGE",
    "VILLAGE_COMMITTEE",
    "VILLAGE_SUPERVISORY_COMMITTEE",
    "VILLAGE_PARTY_LEVELS",
    "VILLAGE_CROSS_DENOMINATORS",
    "RURAL_COMMUNITY_KINDS",
    "COOPERATIVE",
    "CROSS_APPOINTMENT_REQUIRED",
]

# --------------------------------------------------------------------------- 两委: a community's own bodies

#: party-organisation levels that make a community's own party organisation (社区党委, 党总支), when the
#: organisation has no ``unit_id`` (a cooperative's or a company's 党委/党总支 is not the community's)
COMMUNITY_PARTY_LEVELS: tuple[str, ...] = ("committee", "general_branch")

#: the body selector (``bodies=``) that stands for a community's own party organisation
COMMUNITY_PARTY_SELECTOR = "committee"

#: the unit kind of a community's residents' committee (居委会)
RESIDENTS_COMMITTEE = "residents_committee"

#: the 两委: the default ``bodies=`` of the cross-appointment rate (交叉任职率)
TWO_COMMITTEES: tuple[str, ...] = (COMMUNITY_PARTY_SELECTOR, RESIDENTS_COMMITTEE)

#: selectors naming a community's own bodies: such a body belongs to a community only when it ``COVERS`` the
#: community itself (a 小区大党委 covering a compound, or a village committee inside a rural community, does not)
COMMUNITY_LEVEL_SELECTORS: tuple[str, ...] = TWO_COMMITTEES


def is_community_party_org(level: pd.Series, unit_id: pd.Series) -> np.ndarray:
    """Mask of the party organisations that are a community's own (level in :data:`COMMUNITY_PARTY_LEVELS`, no unit)."""
    return (level.isin(list(COMMUNITY_PARTY_LEVELS)) & unit_id.isna()).to_numpy(dtype=bool)


# --------------------------------------------------------------------------- roles

#: roles of a committee's members (班子成员): the default ``roles=`` of the cross-appointment rate
COMMITTEE_ROLES: tuple[str, ...] = ("deputy_director", "deputy_secretary", "director", "member", "secretary")

#: roles of a party organisation's committee (党组织班子): a cooperative's members joining a community's 党委
PARTY_COMMITTEE_ROLES: tuple[str, ...] = ("secretary", "deputy_secretary", "member")

#: head of a party organisation (书记); 一肩挑 is the community party organisation's head also being
#: the residents' committee's head (:data:`DIRECTOR`)
SECRETARY = "secretary"
#: head of a residents' committee (主任)
DIRECTOR = "director"

#: part-time member (兼职委员) of a 大党委, from a resident unit
PART_TIME_MEMBER = "part_time_member"
#: grid worker (网格员): the post a grid needs (网格员配备率) and the one the grid norm counts
GRID_WORKER = "grid_worker"
#: zone manager (片区管理员) of a work station: households per zone manager
ZONE_MANAGER = "zone_manager"

# --------------------------------------------------------------------------- when a post is current

#: A post (``HOLDS_POST``) is current at ``as_of`` when ``start CURRENT_START_OP as_of`` and
#: ``end CURRENT_END_OP as_of``: ``start <= as_of < end``, half-open, so a post that ends on a date is
#: no longer held that day and a hand-over on one date is never counted twice. A missing ``start``
#: means "held since before the ledger"; a missing ``end`` means "still held".
CURRENT_START_OP = "<="
CURRENT_END_OP = ">"

#: A report (``REPORTS_TO``, 双报到) counts at ``as_of`` when its ``date REPORT_DATE_OP as_of``;
#: a missing date counts.
REPORT_DATE_OP = "<="

_OPS = {"<=": _operator.le, "<": _operator.lt, ">": _operator.gt, ">=": _operator.ge}


def _dates(values) -> np.ndarray:
    """Dates (a Series, array or scalar) as a datetime64 array (NaT for missing)."""
    v = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
    if v.dtype.kind != "M":
        v = pd.to_datetime(pd.Series(v.ravel(), dtype=object)).to_numpy()
    return v


def _compare(values, op: str, t) -> np.ndarray:
    """``values op t`` element-wise over dates, a missing value counting as True (an open end).

    ``t`` is one date or an array of dates aligned with ``values``.
    """
    v = _dates(values)
    t = _dates(t) if np.ndim(t) else np.datetime64(pd.Timestamp(t))
    return np.isnat(v) | _OPS[op](v, t)


def current_mask(start, end, as_of: _dt.date) -> np.ndarray:
    """Posts current at ``as_of``: ``start <= as_of < end``, a missing start or end being open.

    ``start`` and ``end`` are Series (or datetime64 arrays) aligned with the posts;
    ``end`` may be None (only the start is checked, e.g. for a dated report).
    """
    ok = np.asarray(_compare(start, CURRENT_START_OP, as_of), dtype=bool)
    if end is not None:
        ok = ok & np.asarray(_compare(end, CURRENT_END_OP, as_of), dtype=bool)
    return ok


def full_time_mask(part_time) -> np.ndarray:
    """Posts held full-time (专职): ``part_time`` missing or false. 网格员配备率 counts full-time 网格员
    (东城: every 网格员 part-time, 兼职, is not a staffed grid); part-time ones are reported beside it."""
    v = pd.Series(part_time, dtype=object) if not isinstance(part_time, pd.Series) else part_time.astype(object)
    return ~v.fillna(False).astype(bool).to_numpy(dtype=bool)


def runs_on(end, day: _dt.date) -> np.ndarray:
    """Posts still held on ``day`` as far as their end goes: end missing or ``end CURRENT_END_OP day``.

    (A post ending on ``day`` is no longer held that day; a scenario ends posts
    at its date only when they run on past it, and a post in a body dissolved on
    ``day`` is a problem only when it runs on.)
    """
    return np.asarray(_compare(end, CURRENT_END_OP, day), dtype=bool)


def reported_mask(date, as_of: _dt.date) -> np.ndarray:
    """Reports (``REPORTS_TO``) that count at ``as_of``: date missing or ``<= as_of``."""
    return np.asarray(_compare(date, REPORT_DATE_OP, as_of), dtype=bool)


def is_current(start, end, as_of) -> bool:
    """One post: :func:`current_mask` for scalars (``None``/``NaT`` open)."""
    return bool(current_mask(pd.Series([start], dtype="datetime64[ns]"), pd.Series([end], dtype="datetime64[ns]"), as_of)[0])


# --------------------------------------------------------------------------- when a territory, body or link exists

#: node kinds that may carry ``start`` (成立日期) / ``end`` (撤销日期): territories and bodies
DATED_NODE_KINDS: tuple[str, ...] = ("District", "Street", "Community", "Grid", "Area", "PartyOrg", "Unit")
#: structural edge types that may carry ``start`` / ``end`` (a ``contains`` row ending and another starting
#: on the same day records an absorption)
DATED_EDGE_TYPES: tuple[str, ...] = ("CONTAINS", "COVERS", "SUBORDINATE_TO")

#: A dated node or structural edge exists at ``as_of`` when ``start EXISTS_START_OP as_of`` and
#: ``end EXISTS_END_OP as_of``: the half-open rule of posts, so a community dissolved on a day no longer
#: exists that day, and the row of its absorbing parent (starting that day) already holds. Missing = open.
EXISTS_START_OP = CURRENT_START_OP
EXISTS_END_OP = CURRENT_END_OP


def exists_mask(start, end, as_of: _dt.date) -> np.ndarray:
    """Dated rows (nodes of :data:`DATED_NODE_KINDS`, edges of :data:`DATED_EDGE_TYPES`) existing at ``as_of``.

    ``start <= as_of < end``, a missing start or end being open. Every query on
    every backend counts only what exists at its ``as_of``: not a row, not a
    denominator, not a gap.
    """
    ok = np.asarray(_compare(start, EXISTS_START_OP, as_of), dtype=bool)
    return ok & np.asarray(_compare(end, EXISTS_END_OP, as_of), dtype=bool)


# --------------------------------------------------------------------------- territories

#: area kind of a residential compound (小区)
COMPOUND = "compound"
#: area kind of a building (楼栋)
BUILDING = "building"
#: area kind of a boundary zone between communities (交界区域)
BOUNDARY_ZONE = "boundary_zone"
#: area kind of a village (自然村 / 行政村 inside a rural community)
VILLAGE = "village"
#: a compound's own party organisation (小区党支部): this level, no ``unit_id``, covering the compound itself
COMPOUND_BRANCH_LEVEL = "branch"
#: levels of a compound's own party organisation (小区党组织): a 小区党支部, a 党总支 or a 小区(大)党委, with no
#: ``unit_id``, that ``COVERS`` the compound itself; a joint branch (联合支部) covering several compounds covers
#: each of them (seed 002: 小区大党委; DOMAIN "组建率 vs 覆盖率")
COMPOUND_ORG_LEVELS: tuple[str, ...] = ("branch", "general_branch", "committee")
#: the eligible sets of compounds (``eligible_compounds=``; any other string names a ledger column of the areas):
#: ``members>=3`` 3+ full party members (正式党员) live there; ``managed`` 物业小区 (a property company COVERS it,
#: seed 004's frame "覆盖到所有物业小区"); ``all`` every compound
ELIGIBLE_COMPOUNDS: tuple[str, ...] = ("members>=3", "managed", "all")
#: full members (正式党员) from which a compound should have its own branch (党章: 正式党员3人以上的…成立党的基层组织)
FULL_MEMBERS_FOR_BRANCH = 3
#: the obliged sets of resident units for 单位双报到 (``obliged_units=``; any other string names a ledger column):
#: ``own_party_org`` units with their own party organisation (a PartyOrg has the unit as ``unit_id``), ``all``
OBLIGED_UNITS: tuple[str, ...] = ("own_party_org", "all")
#: the ledger column of the units that, when present, names the obliged set by default (应报到)
OBLIGED_COLUMN = "obliged"
#: a compound expects the links of the chain (组织链条) whose territory is one of these; a building expects all
CHAIN_LEVELS_AT_COMPOUND: tuple[str, ...] = ("street", "community", COMPOUND)
#: the areas the chain is examined for (组织链条): compounds (小区), buildings (楼栋) and villages (自然村/行政村
#: inside a rural community: 党总支—村党支部, seed 003)
CHAIN_AREA_KINDS: tuple[str, ...] = (COMPOUND, BUILDING, VILLAGE)
#: areas that hold the compound-level link of the chain themselves: a compound (its 小区党组织) and a village
#: (its 村党支部); they expect the levels of :data:`CHAIN_LEVELS_AT_COMPOUND`
CHAIN_COMPOUND_LEVEL_KINDS: tuple[str, ...] = (COMPOUND, VILLAGE)
#: the party levels that hold a link of the chain where more than one can: the community's link is its 社区党委 or
#: 党总支; the compound's link any organisation of :data:`COMPOUND_ORG_LEVELS` (小区党支部, 党总支, 小区党委; a 联合支部
#: covering several compounds holds the link of each). Every other link is held by its own level only.
CHAIN_LEVEL_ORGS: dict[str, tuple[str, ...]] = {
    "committee": COMMUNITY_PARTY_LEVELS,
    "branch": COMPOUND_ORG_LEVELS,
}
#: the compound-level link may also be held through a grid containing the area (网格党支部: the chain
#: 社区党委—网格党支部—楼栋党小组—党员中心户)
CHAIN_BRANCH_IN_GRIDS = True
#: a village also expects its 村党小组 (a ``group`` covering the village) when the chain names ``group`` right
#: after the compound-level link (issue 18: "community 党总支 — village branch — 党小组")
CHAIN_VILLAGE_GROUP = "group"


def chain_level_orgs(level: str) -> tuple[str, ...]:
    """The party levels that hold the chain's link ``level`` (:data:`CHAIN_LEVEL_ORGS`, else the level itself)."""
    return tuple(CHAIN_LEVEL_ORGS.get(level, (level,)))

#: the denominators of the cross-appointment rate (交叉任职率): ``union`` distinct people of either body,
#: ``party`` the community party organisation's 班子, ``residents_committee`` the 居委会's members
CROSS_APPOINTMENT_DENOMINATORS: tuple[str, ...] = ("union", "party", "residents_committee")

#: statutory sizes (职数) of a body, counted over distinct people holding current 班子 posts
#: (:data:`COMMITTEE_ROLES`): selector → (minimum, maximum, source). 居委会 5–9 (城市居民委员会组织法 第七条:
#: 由主任、副主任和委员共五至九人组成); 党委 5–9, 党总支 5–7, 支部委员会 3–5 (中国共产党基层组织选举工作条例:
#: 基层委员会委员一般为5至9人, 总支部委员会委员一般为5至7人, 支部委员会委员一般为3至5人)
STATUTORY_SIZES: dict[str, tuple[int, int, str]] = {
    "residents_committee": (5, 9, "城市居民委员会组织法 第七条"),
    "committee": (5, 9, "中国共产党基层组织选举工作条例"),
    "general_branch": (5, 7, "中国共产党基层组织选举工作条例"),
    "branch": (3, 5, "中国共产党基层组织选举工作条例"),
}

# --------------------------------------------------------------------------- villages (村两委)

#: unit kind of a village committee (村民委员会, 村委会): the village's own committee
VILLAGE_COMMITTEE = "village_committee"
#: unit kind of a village affairs supervisory committee (村务监督委员会); no 两委 member should sit on it
VILLAGE_SUPERVISORY_COMMITTEE = "village_supervisory_committee"
#: party-organisation levels that make a village's own party organisation (村党支部, 村党总支), when it has no
#: ``unit_id`` and ``COVERS`` the village area itself; with the village committee it makes the 村两委
VILLAGE_PARTY_LEVELS: tuple[str, ...] = ("branch", "general_branch")
#: community kinds whose villages are expected to have their own 村两委 and chain (农村社区, 村): the audit's village
#: figures count the villages of these communities (a 自然村 inside a 村改居 community is led by the community)
RURAL_COMMUNITY_KINDS: tuple[str, ...] = ("rural", "village")
#: the denominators of a village's cross-appointment rate (村两委交叉任职率): ``union`` distinct people of either
#: body, ``party`` the village party organisation's 班子, ``village_committee`` the 村委会's members
VILLAGE_CROSS_DENOMINATORS: tuple[str, ...] = ("union", "party", VILLAGE_COMMITTEE)

# --------------------------------------------------------------------------- units

#: unit kind of a shareholding cooperative (股份经济合作社, 集体经济组织); its head (理事长) holds the :data:`DIRECTOR` post
COOPERATIVE = "cooperative"
#: body kinds a community must have for a cross-appointment rate naming them to apply (else 不适用, never 0 %): its
#: 两委, and a cooperative (书记兼任集体经济组织负责人 means nothing where there is no 集体经济组织). Other kinds (业委会 in
#: the "two of three bodies" form) may be missing: the 两委 can still overlap.
CROSS_APPOINTMENT_REQUIRED: tuple[str, ...] = (COMMUNITY_PARTY_SELECTOR, RESIDENTS_COMMITTEE, COOPERATIVE)

#: unit kind of a property-management company (物业公司)
PROPERTY_COMPANY = "property_company"
#: unit kind of a resident unit (驻区单位): 双报到 and 兼职委员 come from these
RESIDENT_UNIT = "resident_unit"
#: unit kind of a community work station (社区工作站)
WORKSTATION = "workstation"

# --------------------------------------------------------------------------- coverage universes (denominators)

#: households from which a compound must have its own residents' committee (500户以上小区单独成立居委会);
#: the default ``large_compound=``
LARGE_COMPOUND_HOUSEHOLDS = 500


@dataclass(frozen=True)
class Universe:
    """The entities a coverage indicator is a rate over (its denominator).

    ``label`` is the node kind; with ``column`` only those whose ``column ==
    value``; ``large`` keeps only compounds of at least ``large_compound``
    households. ``side`` says how an entity is in a territory's scope:
    ``"territory"`` (it is the territory or contained by it) or ``"body"`` (it
    ``COVERS`` such a territory).
    """

    label: str
    column: str | None = None
    value: str | None = None
    side: str = "territory"
    large: bool = False


#: gap table of :func:`orggraph.queries.coverage.coverage_gaps` → the universe of its indicator
COVERAGE_UNIVERSES: dict[str, Universe] = {
    "compounds_without_org": Universe("Area", "kind", COMPOUND),
    "property_companies_without_branch": Universe("Unit", "kind", PROPERTY_COMPANY, side="body"),
    "grids_without_worker": Universe("Grid"),
    "communities_without_part_time_member": Universe("Community"),
    "units_not_reporting": Universe("Unit", "kind", RESIDENT_UNIT, side="body"),
    "communities_without_reports": Universe("Community"),
    "large_compounds_without_committee": Universe("Area", "kind", COMPOUND, large=True),
}


def universe_mask(universe: Universe, nodes: pd.DataFrame, large_compound) -> np.ndarray:
    """Mask of the rows of ``nodes`` (the node table of ``universe.label``) in ``universe``."""
    ok = np.ones(len(nodes), dtype=bool)
    if universe.column is not None:
        ok &= (nodes[universe.column] == universe.value).fillna(False).to_numpy(dtype=bool)
    if universe.large:
        hh = pd.to_numeric(nodes["households"].astype(object), errors="coerce")
        ok &= (hh >= large_compound).fillna(False).to_numpy(dtype=bool)
    return ok


# --------------------------------------------------------------------------- for Cypher


def cypher_params() -> dict[str, object]:
    """The rules a Cypher statement may take as ``$parameters`` (read when the statement runs)."""
    return {
        "community_levels": list(COMMUNITY_PARTY_LEVELS),
        "committee_selector": COMMUNITY_PARTY_SELECTOR,
        "residents_committee": RESIDENTS_COMMITTEE,
        "secretary": SECRETARY,
        "director": DIRECTOR,
        "part_time_member": PART_TIME_MEMBER,
        "grid_worker": GRID_WORKER,
        "zone_manager": ZONE_MANAGER,
        "compound_org_levels": list(COMPOUND_ORG_LEVELS),
        "branch_in_grids": bool(CHAIN_BRANCH_IN_GRIDS),
    }

# --------------------------------------------------------------------------- people (班子结构, 党员, 任期)

#: the eligible compounds default to "members>=3" (3+ 正式党员 live there) only when the ledger gives a residence
#: for at least this share of its full members; otherwise that count cannot be judged (see docs/queries/coverage.md)
RESIDENCES_RECORDED_SHARE = 0.5

#: "年轻干部": a 班子 member younger than this at ``as_of`` (35周岁以下)
YOUTH_AGE = 35
#: education counted as 大专及以上 (college or above)
COLLEGE_OR_ABOVE = ("college", "bachelor", "master", "doctorate")
#: a 党支部 is set up from 3 正式党员 (党章: 正式党员三人以上的, 都应当成立党的基层组织)
BRANCH_MIN_FULL = 3
#: a 党支部 has normally at most 50 members (党支部党员人数一般不超过50人)
BRANCH_MAX_MEMBERS = 50
#: a 党总支 is set up from 50 members
GENERAL_BRANCH_MIN_MEMBERS = 50
#: a 基层党委 is set up from 100 members
COMMITTEE_MIN_MEMBERS = 100
#: a body's term in years when ``term_years`` is empty (村(居)两委 每届5年)
TERM_YEARS = 5
#: ``RESPONSIBLE_FOR.kind`` of a 党员联系户 (the member looks after the households of an area; seed 003: 党员联系户制度)
RESPONSIBILITY_HOUSEHOLDS = "households"
#: ``RESPONSIBLE_FOR.kind`` of a 党员责任区 (the member answers for a zone; seed 003: 划定党员责任区)
RESPONSIBILITY_ZONE = "zone"
