"""The declarative schema of the org graph: node kinds, edge types, attributes and values.

Everything else reads from here: the ledger reader and writer, validation, both
backends, and the documentation tables (``docs/ledger.md`` is generated from
:func:`ledger_markdown` and a test keeps the two equal). Nothing restates it.

Node kinds (节点类型): ``District`` 区县, ``Street`` 街道, ``Community`` 社区,
``Grid`` 网格, ``Area`` 小区/楼栋/自然村/交界区域, ``PartyOrg`` 党组织,
``Unit`` 单位, ``Cadre`` 干部/人员.

Edge types (关系类型): ``CONTAINS`` 包含, ``SUBORDINATE_TO`` 隶属, ``HOLDS_POST`` 任职,
``COVERS`` 覆盖/服务, ``REPORTS_TO`` 双报到, ``LIAISES`` 挂点联系, ``ADJACENT`` 相邻,
``MEMBER_OF`` 党员组织关系, ``RESPONSIBLE_FOR`` 党员联系户/责任区.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

__all__ = [
    "Attr",
    "Ref",
    "NodeKind",
    "EdgeType",
    "EdgeTable",
    "Enum",
    "NODE_KINDS",
    "EDGE_TYPES",
    "EDGE_TABLES",
    "ENUMS",
    "TERRITORY_KINDS",
    "BODY_KINDS",
    "node_kind",
    "edge_type",
    "normalize_value",
    "ledger_markdown",
]

# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Enum:
    """An enumeration of allowed values, each with its Chinese aliases."""

    name: str
    values: dict[str, tuple[str, ...]]

    def lookup(self) -> dict[str, str]:
        """Map every accepted spelling (canonical, alias, lower-cased) to the canonical value."""
        table: dict[str, str] = {}
        for canonical, aliases in self.values.items():
            for spelling in (canonical, *aliases):
                table[spelling] = canonical
                table[spelling.lower()] = canonical
        return table

    def label(self, value: str) -> str:
        """``'branch'`` → ``'党支部 (branch)'``: the Chinese term a user searches for."""
        aliases = self.values.get(value, ())
        return f"{aliases[0]} ({value})" if aliases else value


ENUMS: dict[str, Enum] = {
    e.name: e
    for e in [
        Enum(
            "community_kind",
            {
                "urban": ("城市社区", "城市", "城镇社区"),
                "converted": ("村改居", "村改居社区", "村转居"),
                "rural": ("农村社区",),
                "village": ("村", "行政村"),
            },
        ),
        Enum(
            "area_kind",
            {
                "compound": ("小区", "居民小区"),
                "building": ("楼栋", "楼"),
                "village": ("自然村",),
                "boundary_zone": ("交界区域", "交界地带"),
            },
        ),
        Enum(
            "party_level",
            {
                "working_committee": ("党工委", "街道党工委", "大工委"),
                "committee": ("党委", "社区党委", "大党委"),
                "general_branch": ("党总支", "党总支部"),
                "branch": ("党支部", "支部"),
                "group": ("党小组", "楼栋党小组"),
                "household": ("党员中心户",),
            },
        ),
        Enum(
            "unit_kind",
            {
                "residents_committee": ("居委会", "居民委员会"),
                "workstation": ("工作站", "社区工作站"),
                "owners_committee": ("业委会", "业主委员会"),
                "property_company": ("物业公司", "物业企业", "物业服务企业"),
                "cooperative": ("股份经济合作社", "合作社"),
                "supervisory_committee": ("居务监督委员会", "监委会"),
                "self_management_committee": ("自管委", "物管委"),
                "resident_unit": ("驻区单位", "区直单位", "机关企事业单位"),
                "social_org": ("社会组织", "志愿服务组织", "应急突击队"),
                "service_team": ("服务队", "工作组"),
            },
        ),
        Enum(
            "role",
            {
                "secretary": ("书记",),
                "deputy_secretary": ("副书记",),
                "member": ("委员", "成员"),
                "director": ("主任",),
                "deputy_director": ("副主任",),
                "station_chief": ("站长",),
                "staff": ("工作人员", "社区工作者", "站务管理员"),
                "grid_leader": ("网格长",),
                "grid_worker": ("网格员",),
                "part_time_member": ("兼职委员",),
                "zone_manager": ("片区管理员",),
            },
        ),
        Enum("gender", {"female": ("女", "女性", "F"), "male": ("男", "男性", "M")}),
        Enum(
            "education",
            {
                "primary": ("小学", "小学及以下"),
                "junior_high": ("初中",),
                "senior_high": ("高中",),
                "vocational": ("中专", "中技", "技校", "职高", "中等专科"),
                "college": ("大专", "专科", "大学专科", "高职"),
                "bachelor": ("本科", "大学本科", "大学"),
                "master": ("硕士", "硕士研究生", "研究生"),
                "doctorate": ("博士", "博士研究生"),
            },
        ),
        Enum("membership_status", {"full": ("正式党员", "正式"), "probationary": ("预备党员", "预备")}),
        Enum("responsibility_kind", {"households": ("联系户", "党员联系户"), "zone": ("责任区", "党员责任区")}),
    ]
}

# --------------------------------------------------------------------------- attributes

ATTR_TYPES = ("str", "int", "float", "bool", "date", "month", "wkt")


@dataclass(frozen=True)
class Attr:
    """A scalar attribute (a ledger column that stays on the node or edge).

    ``type`` is one of ``str, int, float, bool, date, month, wkt`` (``month``: a date
    that may be given to the month only, 出生年月 ``1985-06``, stored as its first day); ``enum`` names an
    entry of :data:`ENUMS`; ``ref`` lists node kinds the value must be an id of
    (a reference kept as an attribute rather than turned into an edge);
    ``personal`` marks personal data (never logged, pseudonymised on request).
    """

    name: str
    type: str = "str"
    aliases: tuple[str, ...] = ()
    required: bool = False
    enum: str | None = None
    minimum: float | None = None
    personal: bool = False
    ref: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class Ref:
    """A reference column of a node table that becomes an edge.

    With ``incoming=True`` the edge runs from the referenced node to this one
    (``street_id`` of a community gives ``Street -CONTAINS-> Community``);
    otherwise from this node to the referenced one (``territory_id`` of a unit
    gives ``Unit -COVERS-> territory``).
    """

    column: str
    edge: str
    targets: tuple[str, ...]
    incoming: bool
    aliases: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class NodeKind:
    name: str
    table: str
    zh: str
    attrs: tuple[Attr, ...]
    refs: tuple[Ref, ...] = ()
    doc: str = ""

    @property
    def columns(self) -> list[str]:
        """Canonical ledger columns in order: attributes then reference columns."""
        return [a.name for a in self.attrs] + [r.column for r in self.refs]

    def attr(self, name: str) -> Attr | None:
        return next((a for a in self.attrs if a.name == name), None)


@dataclass(frozen=True)
class EdgeType:
    name: str
    zh: str
    triples: frozenset[tuple[str, str]]
    attrs: tuple[Attr, ...] = ()
    undirected: bool = False
    doc: str = ""

    def allows(self, source_kind: str, target_kind: str) -> bool:
        return (source_kind, target_kind) in self.triples or (
            self.undirected and (target_kind, source_kind) in self.triples
        )


@dataclass(frozen=True)
class EdgeTable:
    """A ledger table whose rows are edges of one type."""

    table: str
    edge: str
    source: Attr
    target: Attr
    attrs: tuple[Attr, ...] = ()
    doc: str = ""

    @property
    def columns(self) -> list[str]:
        return [self.source.name, self.target.name] + [a.name for a in self.attrs]


TERRITORY_KINDS = ("District", "Street", "Community", "Grid", "Area")
BODY_KINDS = ("PartyOrg", "Unit")

_ID = Attr("id", "str", ("编号", "ID", "代码"), required=True, doc="unique across the whole ledger")
_NAME = Attr("name", "str", ("名称",), required=True)
_HH = Attr("households", "int", ("户数", "住户数"), minimum=0)
_POP = Attr("population", "int", ("人口", "人口数", "常住人口"), minimum=0)
#: a body's term (任期): when the current 班子 was elected, for how many years, which 届
_TERM = (
    Attr("term_start", "date", ("本届起始", "换届时间", "任期开始", "届期开始"), doc="when the current 班子 was elected"),
    Attr("term_years", "int", ("任期", "任期年限", "届期"), minimum=1, doc="years per term; empty: 5"),
    Attr("term_no", "int", ("届次", "第几届"), minimum=1),
)

NODE_KINDS: dict[str, NodeKind] = {
    k.name: k
    for k in [
        NodeKind("District", "districts", "区/县/市", (_ID, _NAME)),
        NodeKind(
            "Street",
            "streets",
            "街道/乡镇",
            (_ID, _NAME, _HH, _POP),
            (Ref("district_id", "CONTAINS", ("District",), True, ("所属区县", "所属区")),),
        ),
        NodeKind(
            "Community",
            "communities",
            "社区",
            (_ID, _NAME, Attr("kind", "str", ("类型", "社区类型"), enum="community_kind"), _HH, _POP),
            (Ref("street_id", "CONTAINS", ("Street",), True, ("所属街道",)),),
        ),
        NodeKind(
            "Grid",
            "grids",
            "网格",
            (_ID, _NAME, _HH),
            (
                Ref("community_id", "CONTAINS", ("Community",), True, ("所属社区",)),
                Ref("parent_grid_id", "CONTAINS", ("Grid",), True, ("上级网格",), "for a 二级网格"),
            ),
        ),
        NodeKind(
            "Area",
            "areas",
            "小区/楼栋/自然村/交界区域",
            (
                _ID,
                _NAME,
                Attr("kind", "str", ("类型", "区域类型"), enum="area_kind"),
                _HH,
                Attr("geometry", "wkt", ("几何", "边界", "WKT"), doc="WKT polygon, optional"),
            ),
            (
                Ref(
                    "parent_id",
                    "CONTAINS",
                    ("Grid", "Community", "Area", "Street"),
                    True,
                    ("所属", "所属网格", "上级区域"),
                    "grid, community or area (a street for an area no community governs)",
                ),
            ),
        ),
        NodeKind(
            "PartyOrg",
            "party_orgs",
            "党组织",
            (
                _ID,
                _NAME,
                Attr("level", "str", ("级别", "层级", "类型"), enum="party_level"),
                Attr("unit_id", "str", ("所在单位",), ref=("Unit",), doc="for a branch inside a unit"),
                *_TERM,
            ),
            (
                Ref("parent_id", "SUBORDINATE_TO", ("PartyOrg",), False, ("上级党组织",)),
                Ref("territory_id", "COVERS", TERRITORY_KINDS, False, ("所在区域",), "the territory it leads"),
            ),
        ),
        NodeKind(
            "Unit",
            "units",
            "单位/组织",
            (_ID, _NAME, Attr("kind", "str", ("类型", "单位类型"), enum="unit_kind"), *_TERM),
            (
                Ref("territory_id", "COVERS", TERRITORY_KINDS, False, ("所在区域",)),
                Ref("parent_id", "SUBORDINATE_TO", ("Unit",), False, ("上级单位",)),
            ),
        ),
        NodeKind(
            "Cadre",
            "cadres",
            "干部/人员",
            (
                _ID,
                Attr("name", "str", ("姓名", "名称"), required=True, personal=True),
                Attr("gender", "str", ("性别",), enum="gender"),
                Attr("birth_year", "int", ("出生年份",), minimum=1900, doc="used when birth_date is empty"),
                Attr("party_member", "bool", ("是否党员", "党员")),
                Attr("phone", "str", ("联系电话", "电话", "手机"), personal=True),
                Attr(
                    "birth_date",
                    "month",
                    ("出生年月", "出生日期", "出生年月日"),
                    personal=True,
                    doc="1985-06, 1985.06, 1985年6月, a full date or an Excel date; month precision: stored as the 1st",
                ),
                Attr("education", "str", ("学历", "文化程度", "全日制学历"), enum="education"),
                Attr("ethnicity", "str", ("民族",), personal=True),
                Attr(
                    "residence_id",
                    "str",
                    ("居住地", "居住社区", "居住小区", "现居住地"),
                    ref=("Area", "Community", "Grid"),
                    doc="where the person lives (在职党员 report there)",
                ),
                Attr("work_unit_id", "str", ("工作单位", "所在单位"), ref=("Unit",), doc="单位 of an 在职党员"),
                Attr("veteran", "bool", ("退役军人", "是否退役军人")),
                Attr("reserve_cadre", "bool", ("后备干部", "是否后备干部")),
            ),
        ),
    ]
}

_BODY_OR_GRID = ("PartyOrg", "Unit", "Grid")


def _pairs(sources: Iterable[str], targets: Iterable[str]) -> frozenset[tuple[str, str]]:
    return frozenset((s, t) for s in sources for t in targets)


_ROLE = Attr("role", "str", ("职务",), required=True, enum="role")
_START = Attr("start", "date", ("任职开始", "开始日期", "任职时间"))
_END = Attr("end", "date", ("任职结束", "结束日期"), doc="empty: the post is current")
_PART_TIME = Attr("part_time", "bool", ("是否兼职", "兼职"))
_MEMBERSHIP = (
    Attr("status", "str", ("党员类别", "党员状态", "类别"), enum="membership_status", doc="empty: full"),
    Attr("start", "date", ("转入日期", "开始日期", "入党日期"), doc="when the membership moved here"),
    Attr("end", "date", ("转出日期", "结束日期"), doc="empty: the membership is current"),
    Attr("central_household", "bool", ("党员中心户", "是否党员中心户")),
)
_RESP_KIND = Attr("kind", "str", ("类型", "联系类型"), required=True, enum="responsibility_kind")

EDGE_TYPES: dict[str, EdgeType] = {
    e.name: e
    for e in [
        EdgeType(
            "CONTAINS",
            "包含",
            frozenset(
                {
                    ("District", "Street"),
                    ("Street", "Community"),
                    ("Street", "Grid"),
                    ("Street", "Area"),
                    ("Community", "Grid"),
                    ("Community", "Area"),
                    ("Grid", "Grid"),
                    ("Grid", "Area"),
                    ("Area", "Area"),
                }
            ),
            doc="territory → territory it contains; a second claim on an area makes it contested",
        ),
        EdgeType(
            "SUBORDINATE_TO",
            "隶属",
            frozenset({("PartyOrg", "PartyOrg"), ("Unit", "Unit")}),
            doc="body → the body it answers to",
        ),
        EdgeType(
            "HOLDS_POST",
            "任职",
            _pairs(("Cadre",), _BODY_OR_GRID),
            (_ROLE, _START, _END, _PART_TIME),
            doc="person → body or grid, with role and dates",
        ),
        EdgeType(
            "COVERS",
            "覆盖",
            _pairs(BODY_KINDS, TERRITORY_KINDS),
            doc="body → territory it serves or governs",
        ),
        EdgeType(
            "REPORTS_TO",
            "双报到",
            _pairs(("PartyOrg", "Unit", "Cadre"), ("Community",)),
            (Attr("date", "date", ("报到日期", "日期")),),
            doc="dual reporting: unit, party organisation or member → community",
        ),
        EdgeType(
            "LIAISES",
            "挂点联系",
            _pairs(("Cadre",), TERRITORY_KINDS),
            (Attr("start", "date", ("开始日期", "联系开始")),),
            doc="a leader assigned to a territory",
        ),
        EdgeType(
            "MEMBER_OF",
            "党员组织关系",
            frozenset({("Cadre", "PartyOrg")}),
            _MEMBERSHIP,
            doc="a party member → the party organisation holding their membership (组织关系); no post needed",
        ),
        EdgeType(
            "RESPONSIBLE_FOR",
            "党员联系户/责任区",
            _pairs(("Cadre",), ("Area", "Grid", "Community")),
            (_RESP_KIND,),
            doc="a party member → the households (联系户) or zone (责任区) they look after",
        ),
        EdgeType(
            "ADJACENT",
            "相邻",
            _pairs(("Street", "Community", "Grid", "Area"), ("Street", "Community", "Grid", "Area")),
            undirected=True,
            doc="neighbouring territories (undirected)",
        ),
    ]
}


def _ref(name: str, aliases: tuple[str, ...], kinds: tuple[str, ...]) -> Attr:
    return Attr(name, "str", aliases, required=True, ref=kinds)


EDGE_TABLES: dict[str, EdgeTable] = {
    t.table: t
    for t in [
        EdgeTable(
            "posts",
            "HOLDS_POST",
            _ref("cadre_id", ("人员编号",), ("Cadre",)),
            _ref("body_id", ("任职单位",), _BODY_OR_GRID),
            (_ROLE, _START, _END, _PART_TIME),
        ),
        EdgeTable(
            "contains",
            "CONTAINS",
            _ref("parent_id", ("上级", "上级区域"), TERRITORY_KINDS),
            _ref("child_id", ("下级", "下级区域"), TERRITORY_KINDS),
            doc="extra containment claims beyond the parent columns",
        ),
        EdgeTable(
            "subordination",
            "SUBORDINATE_TO",
            _ref("body_id", ("下级单位", "下级组织"), BODY_KINDS),
            _ref("parent_id", ("上级单位", "上级组织"), BODY_KINDS),
            doc="extra SUBORDINATE_TO links beyond the parent_id columns (a body answering to two)",
        ),
        EdgeTable(
            "covers",
            "COVERS",
            _ref("body_id", ("单位", "服务单位"), BODY_KINDS),
            _ref("territory_id", ("区域", "服务区域"), TERRITORY_KINDS),
        ),
        EdgeTable(
            "reports",
            "REPORTS_TO",
            _ref("reporter_id", ("报到单位或党员", "报到单位", "报到党员"), ("PartyOrg", "Unit", "Cadre")),
            _ref("community_id", ("报到社区",), ("Community",)),
            (Attr("date", "date", ("报到日期", "日期")),),
        ),
        EdgeTable(
            "liaisons",
            "LIAISES",
            _ref("cadre_id", ("人员编号", "联系领导"), ("Cadre",)),
            _ref("territory_id", ("联系区域", "挂点区域"), TERRITORY_KINDS),
            (Attr("start", "date", ("开始日期", "联系开始")),),
        ),
        EdgeTable(
            "memberships",
            "MEMBER_OF",
            _ref("cadre_id", ("人员编号", "党员编号"), ("Cadre",)),
            _ref("party_org_id", ("所在党组织", "党组织", "党组织编号"), ("PartyOrg",)),
            _MEMBERSHIP,
            doc="party members' organisational relationships (党员组织关系); people need hold no post",
        ),
        EdgeTable(
            "responsibilities",
            "RESPONSIBLE_FOR",
            _ref("cadre_id", ("人员编号", "党员编号"), ("Cadre",)),
            _ref("area_id", ("联系区域", "责任区"), ("Area", "Grid", "Community")),
            (_RESP_KIND,),
            doc="党员联系户 and 党员责任区: a member → the area whose households or zone they look after",
        ),
        EdgeTable(
            "adjacency",
            "ADJACENT",
            _ref("a_id", ("区域甲",), ("Street", "Community", "Grid", "Area")),
            _ref("b_id", ("区域乙",), ("Street", "Community", "Grid", "Area")),
        ),
    ]
}

NODE_TABLES: dict[str, NodeKind] = {k.table: k for k in NODE_KINDS.values()}


def node_kind(name: str) -> NodeKind:
    """The :class:`NodeKind` called ``name`` (also accepts the ledger table name)."""
    if name in NODE_KINDS:
        return NODE_KINDS[name]
    if name in NODE_TABLES:
        return NODE_TABLES[name]
    from .errors import SchemaError

    raise SchemaError(f"unknown node kind {name!r}; known: {', '.join(NODE_KINDS)}")


def edge_type(name: str) -> EdgeType:
    """The :class:`EdgeType` called ``name``."""
    if name in EDGE_TYPES:
        return EDGE_TYPES[name]
    from .errors import SchemaError

    raise SchemaError(f"unknown edge type {name!r}; known: {', '.join(EDGE_TYPES)}")


def node_attrs(kind: str) -> tuple[Attr, ...]:
    """Attributes a node of ``kind`` carries (reference columns become edges, not attributes)."""
    return node_kind(kind).attrs


def edge_attrs(name: str) -> tuple[Attr, ...]:
    return edge_type(name).attrs


def normalize_value(enum: str, value: str) -> str | None:
    """Canonical value for ``value`` in enumeration ``enum``, or None when unknown.

    >>> normalize_value("party_level", "党支部")
    'branch'
    """
    return ENUMS[enum].lookup().get(str(value).strip()) or ENUMS[enum].lookup().get(
        str(value).strip().lower()
    )


def suggest(enum: str, value: str) -> str | None:
    """'did you mean …' text for a misspelt enumeration value."""
    import difflib

    e = ENUMS[enum]
    spellings = e.lookup()
    close = difflib.get_close_matches(str(value).strip(), list(spellings), n=1, cutoff=0.4)
    if not close:
        return None
    canonical = spellings[close[0]]
    if close[0] in (canonical, canonical.lower()):
        aliases = e.values[canonical]
        return f"did you mean {canonical} ({aliases[0]})?" if aliases else f"did you mean {canonical}?"
    return f"did you mean {close[0]} ({canonical})?"


# --------------------------------------------------------------------------- documentation


def _attr_row(a: Attr, type_label: str) -> str:
    """One Markdown table row documenting a ledger column."""
    notes = []
    if a.required:
        notes.append("required")
    if a.enum:
        notes.append("one of " + ", ".join(f"`{v}` {al[0]}" for v, al in ENUMS[a.enum].values.items()))
    if a.minimum is not None:
        notes.append(f"≥ {a.minimum:g}")
    if a.ref:
        notes.append("id of a " + " or ".join(a.ref))
    if a.personal:
        notes.append("personal data")
    if a.doc:
        notes.append(a.doc)
    return f"| `{a.name}` | {', '.join(a.aliases)} | {type_label} | {'; '.join(notes)} |"


def ledger_markdown() -> str:
    """The ledger format as Markdown, generated from this schema (``docs/ledger.md``)."""
    out = [
        "# The ledger format (台账)",
        "",
        "<!-- Generated from orggraph.schema by `python -m orggraph.schema > docs/ledger.md`;"
        " tests/unit/test_schema.py keeps the two equal. Do not edit by hand. -->",
        "",
        "A ledger is a **folder of CSV files** or **one .xlsx workbook with one sheet per table**,"
        " named as below. Canonical column names are English; the Chinese headers listed are accepted"
        " as aliases, and so are the Chinese values of `kind`, `level` and `role`. Extra columns are"
        " kept as node or edge attributes. Ids are unique across the whole ledger. Dates are ISO"
        " `YYYY-MM-DD`; `2021年12月5日`, `2021/12/5` and `2021.12.5` are accepted too. An empty `end`"
        " means the post is current.",
        "",
        "## Node tables",
        "",
    ]
    for k in NODE_KINDS.values():
        out += [f"### `{k.table}`: {k.name} ({k.zh})", "", "| column | aliases | type | notes |", "|---|---|---|---|"]
        for a in k.attrs:
            out.append(_attr_row(a, a.type))
        for r in k.refs:
            direction = f"{'/'.join(r.targets)} -{r.edge}-> {k.name}" if r.incoming else f"{k.name} -{r.edge}-> {'/'.join(r.targets)}"
            note = f"id of a {' or '.join(r.targets)}; becomes `{direction}`"
            if r.doc:
                note += f"; {r.doc}"
            out.append(f"| `{r.column}` | {', '.join(r.aliases)} | id | {note} |")
        out.append("")
    out += ["## Edge tables", ""]
    for t in EDGE_TABLES.values():
        e = EDGE_TYPES[t.edge]
        out += [f"### `{t.table}`: `{t.edge}` ({e.zh})", ""]
        if t.doc or e.doc:
            out += [t.doc or e.doc, ""]
        out += ["| column | aliases | type | notes |", "|---|---|---|---|"]
        for a in (t.source, t.target, *t.attrs):
            out.append(_attr_row(a, "id" if a.ref else a.type))
        out.append("")
    out += ["## Allowed edges", "", "| edge | from | to |", "|---|---|---|"]
    for e in EDGE_TYPES.values():
        by_source: dict[str, list[str]] = {}
        for s, t in sorted(e.triples):
            by_source.setdefault(s, []).append(t)
        for s, ts in by_source.items():
            out.append(f"| `{e.name}` ({e.zh}) | {s} | {', '.join(ts)} |")
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover - documentation generator
    print(ledger_markdown(), end="")
