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
    "ROLE_BODY_KINDS",
    "TABLE_ALIASES",
    "ROSTER_COLUMNS",
    "TERRITORY_KINDS",
    "BODY_KINDS",
    "node_kind",
    "edge_type",
    "normalize_value",
    "split_role",
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
                "village_committee": ("村民委员会", "村委会"),
                "village_supervisory_committee": ("村务监督委员会", "村监委"),
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
                "first_secretary": ("第一书记", "驻村第一书记", "驻社区第一书记"),
                "organization_member": ("组织委员",),
                "discipline_member": ("纪检委员", "纪委委员"),
                "propaganda_member": ("宣传委员",),
                "building_leader": ("楼栋长", "楼长"),
                "unit_leader": ("单元长",),
                "party_building_instructor": ("党建指导员",),
                "director_assistant": ("主任助理",),
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
    maximum: "float | str | None" = None  # a number, or "this_year" (the current calendar year)
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
_HH = Attr("households", "int", ("户数", "住户数", "总户数"), minimum=0, maximum=5_000_000)
_POP = Attr("population", "int", ("人口", "人口数", "常住人口", "总人口"), minimum=0, maximum=50_000_000)
_REG_POP = Attr("registered_population", "int", ("户籍人口",), minimum=0, doc="optional; 常住人口 is `population`")
_GEOMETRY = Attr("geometry", "wkt", ("几何", "边界", "WKT"), doc="WKT polygon, optional; in the CRS of `crs`")
_CRS = Attr("crs", "str", ("坐标系", "CRS"), doc="coordinate reference system of `geometry`, e.g. `EPSG:4490`"
            " (CGCS2000); one for the whole graph; empty: planar units (see docs/maps.md)")
#: dated structure: a territory or body exists from ``start`` (missing: before the ledger) until ``end``
#: (missing: still exists), half-open like a post (:func:`orggraph.rules.exists_mask`)
_FOUNDED = Attr("start", "date", ("成立日期", "成立时间", "设立日期", "设立时间", "founded"),
                doc="founded (成立); empty: existed before the ledger")
_DISSOLVED = Attr("end", "date", ("撤销日期", "撤销时间", "撤并日期", "dissolved_on"),
                  doc="dissolved or merged away (撤销) on this day; empty: still exists")
_DATED = (_FOUNDED, _DISSOLVED)
#: a body's term (任期): when the current 班子 was elected, for how many years, which 届
_TERM = (
    Attr("term_start", "date", ("本届起始", "换届时间", "任期开始", "届期开始"), doc="when the current 班子 was elected"),
    Attr("term_years", "int", ("任期", "任期年限", "届期"), minimum=1, doc="years per term; empty: 5"),
    Attr("term_no", "int", ("届次", "第几届"), minimum=1),
)

NODE_KINDS: dict[str, NodeKind] = {
    k.name: k
    for k in [
        NodeKind("District", "districts", "区/县/市", (_ID, _NAME, *_DATED)),
        NodeKind(
            "Street",
            "streets",
            "街道/乡镇",
            (_ID, _NAME, _HH, _POP, *_DATED),
            (Ref("district_id", "CONTAINS", ("District",), True, ("所属区县", "所属区")),),
        ),
        NodeKind(
            "Community",
            "communities",
            "社区",
            (_ID, _NAME, Attr("kind", "str", ("类型", "社区类型"), enum="community_kind"), _HH, _POP,
             _REG_POP, _GEOMETRY, _CRS, *_DATED),
            (Ref("street_id", "CONTAINS", ("Street",), True, ("所属街道",)),),
        ),
        NodeKind(
            "Grid",
            "grids",
            "网格",
            (_ID, _NAME, _HH, _POP, _REG_POP, _GEOMETRY, _CRS, *_DATED),
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
                _GEOMETRY,
                _POP,
                _REG_POP,
                _CRS,
                *_DATED,
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
                *_DATED,
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
            (_ID, _NAME, Attr("kind", "str", ("类型", "单位类型"), enum="unit_kind"), *_DATED, *_TERM),
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
                Attr("birth_year", "int", ("出生年份",), minimum=1900, maximum="this_year", doc="used when birth_date is empty"),
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

#: which kinds of body (or grid) each role can be held in (职务与组织的对应): a 书记 sits in a party
#: organisation, a 网格员 in a grid, a 主任 in a unit. A post whose role does not fit its body is a problem.
ROLE_BODY_KINDS: dict[str, tuple[str, ...]] = {
    "secretary": ("PartyOrg",),
    "deputy_secretary": ("PartyOrg",),
    "member": ("PartyOrg", "Unit"),
    "part_time_member": ("PartyOrg",),
    "first_secretary": ("PartyOrg",),
    "organization_member": ("PartyOrg",),
    "discipline_member": ("PartyOrg",),
    "propaganda_member": ("PartyOrg",),
    "party_building_instructor": ("PartyOrg",),
    "director": ("Unit",),
    "deputy_director": ("Unit",),
    "director_assistant": ("Unit",),
    "station_chief": ("Unit",),
    "staff": ("Unit",),
    "zone_manager": ("Unit",),
    "grid_leader": ("Grid",),
    "grid_worker": ("Grid",),
    "building_leader": ("Grid", "Unit"),
    "unit_leader": ("Grid", "Unit"),
}

#: columns of a 花名册 (roster, read by orggraph.ledger.roster.read_roster): canonical name → Chinese headers accepted
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("人员编号", "编号", "工号", "ID"),
    "name": ("姓名",),
    "gender": ("性别",),
    "birth": ("出生年月", "出生日期", "出生年月日"),
    "education": ("学历", "文化程度", "最高学历"),
    "political_status": ("政治面貌",),
    "titles": ("现任职务", "职务", "担任职务", "现职务"),
    "start": ("任职时间", "任现职时间", "任职日期"),
    "phone": ("联系电话", "电话", "手机", "手机号码"),
}
#: Chinese names accepted for table files (``社区.csv``) and sheets (a sheet ``社区``), besides the table name
TABLE_ALIASES: dict[str, tuple[str, ...]] = {
    "districts": ("区县", "区", "县"),
    "streets": ("街道", "乡镇"),
    "communities": ("社区",),
    "grids": ("网格",),
    "areas": ("区域", "小区", "小区楼栋"),
    "party_orgs": ("党组织",),
    "units": ("单位", "组织"),
    "cadres": ("人员", "干部"),
    "posts": ("任职", "职务"),
    "contains": ("包含", "隶属区域"),
    "subordination": ("隶属",),
    "covers": ("覆盖", "服务范围"),
    "reports": ("双报到", "报到"),
    "liaisons": ("挂点联系", "联系"),
    "adjacency": ("相邻",),
    "memberships": ("党员组织关系", "党员"),
    "responsibilities": ("党员联系户", "党员责任区", "联系户"),
}


def _pairs(sources: Iterable[str], targets: Iterable[str]) -> frozenset[tuple[str, str]]:
    return frozenset((s, t) for s in sources for t in targets)


_ROLE = Attr("role", "str", ("职务",), required=True, enum="role")
_START = Attr("start", "date", ("任职开始", "开始日期", "任职时间"))
_END = Attr("end", "date", ("任职结束", "结束日期"), doc="empty: the post is current")
_PART_TIME = Attr("part_time", "bool", ("是否兼职", "兼职"))
#: dated structural edge (CONTAINS, COVERS, SUBORDINATE_TO): holds from ``start`` until ``end`` (half-open);
#: absorption is an old parent's row ending and the new parent's row starting on the same day
_EDGE_FROM = Attr("start", "date", ("开始日期", "成立日期", "设立时间", "划入日期"), doc="empty: since before the ledger")
_EDGE_UNTIL = Attr("end", "date", ("结束日期", "撤销日期", "划出日期"), doc="empty: still holds")
_EDGE_DATED = (_EDGE_FROM, _EDGE_UNTIL)
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
            _EDGE_DATED,
            doc="territory → territory it contains; a second claim on an area makes it contested",
        ),
        EdgeType(
            "SUBORDINATE_TO",
            "隶属",
            frozenset({("PartyOrg", "PartyOrg"), ("Unit", "Unit")}),
            _EDGE_DATED,
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
            _EDGE_DATED,
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
            _EDGE_DATED,
            doc="extra containment claims beyond the parent columns",
        ),
        EdgeTable(
            "subordination",
            "SUBORDINATE_TO",
            _ref("body_id", ("下级单位", "下级组织"), BODY_KINDS),
            _ref("parent_id", ("上级单位", "上级组织"), BODY_KINDS),
            _EDGE_DATED,
            doc="extra SUBORDINATE_TO links beyond the parent_id columns (a body answering to two)",
        ),
        EdgeTable(
            "covers",
            "COVERS",
            _ref("body_id", ("单位", "服务单位"), BODY_KINDS),
            _ref("territory_id", ("区域", "服务区域"), TERRITORY_KINDS),
            _EDGE_DATED,
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
    """'did you mean …' text for a misspelt enumeration value.

    For roles (职务) a suggestion is only given when it is close in meaning, not just in
    spelling: 第一书记 is not 书记 and 楼栋长 is not 站长. A Chinese role is suggested only for
    a same-length spelling differing in one character that is not the last (the head noun:
    长, 员, 记, 任 carry the meaning): 付书记 → 副书记, never 网格圆 → 网格长.
    """
    import difflib

    e = ENUMS[enum]
    spellings = e.lookup()
    text = str(value).strip()
    if enum == "role":
        if text.isascii():
            close = difflib.get_close_matches(text.lower(), [k for k in spellings if k.isascii()], n=1, cutoff=0.75)
        else:
            close = [k for k in spellings if len(k) == len(text) >= 3 and k[-1] == text[-1]
                     and sum(a != b for a, b in zip(k, text)) == 1][:1]
    else:
        close = difflib.get_close_matches(text, list(spellings), n=1, cutoff=0.4)
    if not close:
        return None
    canonical = spellings[close[0]]
    if close[0] in (canonical, canonical.lower()):
        aliases = e.values[canonical]
        return f"did you mean {canonical} ({aliases[0]})?" if aliases else f"did you mean {canonical}?"
    return f"did you mean {close[0]} ({canonical})?"


#: words that name a body in a composite title (社区党委书记 = 社区党委 + 书记, 居委会主任 = 居委会 + 主任)
_BODY_WORDS = ("党组织", "党工委", "党委", "党总支", "党支部", "支部", "党小组", "居委会", "居民委员会", "村委会",
               "村民委员会", "工作站", "业委会", "合作社", "监委会", "社区", "村", "网格", "街道", "小区")


def split_role(title: str) -> tuple[str, str] | None:
    """A title written as body and role (社区党委书记) as ``(role, body words)``, e.g. ``("secretary", "社区党委")``.

    The role is the longest known role spelling the title ends with, and what
    precedes it must end with a word naming a body (党委, 居委会, 社区, 网格 …), so that
    第一书记 (an alias of its own) is never read as 书记. None when the title is not of this form.
    """
    text = str(title).strip()
    lookup = ENUMS["role"].lookup()
    if text in lookup:
        return lookup[text], ""
    for spelling in sorted((k for k in lookup if not k.isascii()), key=len, reverse=True):
        if text.endswith(spelling) and len(text) > len(spelling):
            body = text[: -len(spelling)]
            if body.endswith(_BODY_WORDS):
                return lookup[spelling], body
            return None  # the longest match decides: 第一书记 must not fall back to 书记
    return None


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
    if a.maximum is not None:
        notes.append("≤ the current year" if a.maximum == "this_year" else f"≤ {a.maximum:,.0f}")
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
        " `YYYY-MM-DD`; `2021年12月5日`, `2021/12/5` and `2021.12.5` are accepted too, and dates written to the"
        " month (`2021.05`, `2021-05`, `2021年5月`, as text) are read as the first of the month with an extra"
        " column `<column>_precision` = `month` on those rows. An empty `end`"
        " means the post is current; so do `至今` and `9999-12-31`. A date must lie between 1900-01-01 and"
        " 2100-12-31; an Excel serial number is read as a date only in a date column, from a date-formatted"
        " cell or between 18264 (1950-01-01) and 73050 (2099-12-31).",
        "",
        "## Table names",
        "",
        "A file (`社区.csv`) or sheet is read as a table when its name is the table's or one of these;"
        " any other file or sheet is listed as ignored (a warning), a hidden sheet too, and a second file"
        " or sheet for one table is an error. `orggraph template --out 台账模板.xlsx` writes a workbook with"
        " every sheet named so, Chinese headers, drop-down lists for the values below and an example row.",
        "",
        "| table | accepted file and sheet names |",
        "|---|---|",
        *[f"| `{t}` | {', '.join(a)} |" for t, a in TABLE_ALIASES.items()],
        "",
        "Headers are matched after folding full-width characters, case and spaces, and without a unit in"
        " brackets (`户数（户）`, `常住人口(人)`); the table's own name before a column's Chinese name"
        " (`社区编号`, `社区名称` in `communities`) and a referenced table's name before 编号/ID/代码"
        " (`社区编号` or `所属社区编号` in `grids`) are accepted too.",
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
    out += ["## Roles and the bodies they are held in", "",
            "A post (`posts` row) whose role does not fit the kind of its body is an error.", "",
            "| role | Chinese | held in |", "|---|---|---|"]
    for role, kinds in ROLE_BODY_KINDS.items():
        out.append(f"| `{role}` | {', '.join(ENUMS['role'].values[role])} | {', '.join(kinds)} |")
    out += ["", "A title naming a body before the role (`社区党委书记`, `居委会副主任`) is read as the role.", ""]
    out += ["## Rosters (花名册)", "",
            "`og.read_roster(path, community=..., graph=g)` reads a roster, one row per person, into `cadres`"
            " and `posts` tables. A composite 现任职务 (`社区党委书记、居委会主任`, `居委会副主任兼网格员`) becomes"
            " one post per title, its body found among those serving the community (its party organisation,"
            " its residents' committee, its grid when it has one); a title that fits no body, or several, is a"
            " problem naming the row. 出生年月 gives `birth_year`; 政治面貌 中共党员/预备党员 gives"
            " `party_member`. A person without an id gets `<community>-r<row>`.", "",
            "| column | accepted headers |", "|---|---|",
            *[f"| `{c}` | {', '.join(a)} |" for c, a in ROSTER_COLUMNS.items()], ""]
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
