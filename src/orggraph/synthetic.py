"""Synthetic provinces (合成数据): valid org graphs of any size, with realistic structure.

Researchers use them for what-ifs at scale, and the benchmarks (``benchmarks/``)
time every query on them. :func:`generate` builds a graph of ``streets``
streets (街道) whose structure follows the sources: about 12 communities
(社区) per street, 8 grids (网格) per community, 3 compounds (小区) per grid;
each community has a party committee (社区党委, or a 党总支) and a residents'
committee (居委会) of about 7 posts each, around 40% of their people
cross-appointed (交叉任职), and so on (see :class:`Ratios`). Every ratio can be
changed; the same ``seed`` gives the same graph.

At 1,000 streets (a province) the graph holds about 1.04 million nodes and
1.5 million edges and is built in well under a minute.

Ids are ASCII and sort within a kind: ``d…`` districts, ``s…`` streets, ``c…``
communities, ``g…`` grids, ``a…`` areas, ``po…`` party organisations, ``u…``
units, ``p…`` people. Names are synthetic Chinese names; no phone numbers
are generated.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from . import _types
from .schema import EDGE_TYPES, NODE_KINDS

__all__ = ["generate", "write_ledger_streamed", "Ratios", "expected_counts"]


@dataclass(frozen=True)
class Ratios:
    """The structure of a synthetic province: every keyword of :func:`generate` but ``streets`` and ``seed``.

    Counts (``*_per_*``) are means: each parent draws its own count around
    the mean (±25%, at least one). Shares (``0 … 1``) are probabilities drawn
    independently per entity, so measured rates scatter around them.
    """

    # ---- territories (区 / 街道 / 社区 / 网格 / 小区)
    #: streets per district (区县)
    streets_per_district: float = 10
    #: communities per street (社区)
    communities_per_street: float = 12
    #: grids per community (网格)
    grids_per_community: float = 8
    #: compounds per grid (小区)
    compounds_per_grid: float = 3
    #: mean households of a grid (normal, sd 15%), split among its compounds: 网格 of ~300 households
    households_per_grid: float = 300
    #: share of compounds that are large (500–1,500 households): a grid of their own size
    large_compounds: float = 0.005
    #: share of large compounds with their own residents' committee (500户以上小区单独成立居委会)
    large_compound_committee: float = 0.5
    #: share of areas no community governs (治理真空带): contained by their street directly
    unassigned: float = 0.01
    #: share of areas claimed by a second community of the same street (交界争议区域)
    contested: float = 0.01

    # ---- the two committees (两委)
    #: posts of a community's party organisation: secretary, deputy secretary, members
    committee_posts: int = 7
    #: posts of a residents' committee: director, deputy director, members
    residents_committee_posts: int = 7
    #: share of the 两委 people who hold posts in both (交叉任职率, counted over people)
    cross_appointment: float = 0.4
    #: share of communities whose party secretary is also the residents' committee director (一肩挑)
    one_shoulder: float = 0.6
    #: share of community party organisations that are a 党总支 (general_branch) rather than a 党委
    general_branch: float = 0.15
    #: share of 两委 posts with an ended predecessor (the previous term, 2016–2021)
    turnover: float = 0.05

    # ---- grids and compounds
    #: share of grids without a grid worker (网格员)
    grids_without_worker: float = 0.05
    #: share of grids whose 网格长 is one of the community's 两委 people
    grid_leader: float = 0.8
    #: share of compounds with a party branch (小区党支部)
    compound_branch: float = 0.5
    #: share of compound branches whose secretary is the grid's grid worker (else a resident party member)
    branch_secretary_is_grid_worker: float = 0.7
    #: share of compounds with an owners' committee (业委会)
    owners_committee: float = 0.05
    #: posts of an owners' committee: director, deputy director, members
    owners_committee_posts: int = 3
    #: share of owners' committee posts held by one of the community's 两委 people (三委交叉任职)
    owners_committee_overlap: float = 0.15
    #: share of compounds managed by a property company (物业公司)
    property_managed: float = 0.5
    #: compounds per property company (companies serve compounds of one street)
    compounds_per_property_company: float = 10
    #: share of property companies with a party branch (物业企业党支部)
    property_company_branch: float = 0.3

    # ---- units, 双报到, 大党委, work stations, liaisons
    #: resident units (驻区单位) per community, each with a party branch inside it
    resident_units_per_community: float = 1.2
    #: share of resident units whose party branch has reported to the community (双报到)
    unit_report: float = 0.8
    #: share of communities with a part-time member (兼职委员) from a resident unit (大党委)
    part_time_member: float = 0.5
    #: share of streets whose communities are served by work stations (一站多居, 居站分设)
    workstation_streets: float = 0.25
    #: communities served by one work station
    communities_per_workstation: float = 3
    #: households per zone manager (片区管理员) at a work station
    households_per_zone_manager: float = 350

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
                raise ValueError(f"{f.name}={value!r}: a finite number is needed")
            if f.name in _SHARES:
                if not 0 <= value <= 1:
                    raise ValueError(f"{f.name}={value!r}: a share between 0 and 1 is needed")
            elif f.name in _POSTS:
                if int(value) != value or value < 2:
                    raise ValueError(f"{f.name}={value!r}: a whole number of at least 2 is needed")
            elif value <= 0:
                raise ValueError(f"{f.name}={value!r}: a positive number is needed")
        if self.unassigned + self.contested > 1:
            raise ValueError("unassigned + contested must not exceed 1")


_POSTS = {"committee_posts", "residents_committee_posts", "owners_committee_posts"}
_SHARES = {
    "unassigned", "contested", "cross_appointment", "one_shoulder", "general_branch", "turnover",
    "grids_without_worker", "grid_leader", "compound_branch", "branch_secretary_is_grid_worker",
    "owners_committee", "owners_committee_overlap", "property_managed", "property_company_branch",
    "unit_report", "part_time_member", "workstation_streets", "large_compounds", "large_compound_committee",
}

# syllables for place names and people's names (synthetic)
_PLACE = list("安宁和平幸福新华东风明珠金桥银河翠湖春晖福泰康乐兴隆富民锦绣光明朝阳振兴龙腾凤凰碧海青山"
              "紫荆桂园梅岭松柏长江黄河泰山嘉禾丰收广场书院槐荫府前南湖北苑西城东港")
_COMPOUND_SUFFIX = ["小区", "花园", "家园", "苑", "新村", "公寓", "雅居", "名邸"]
_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文玉兰红梅志国海燕云飞鹏辉宁晨晓雪琳婷")


# --------------------------------------------------------------------------- small helpers


def _counts(rng: np.random.Generator, n: int, mean: float, minimum: int = 1) -> np.ndarray:
    """``n`` whole counts around ``mean`` (uniform ±25%, rounded at random so the mean holds)."""
    raw = mean * rng.uniform(0.75, 1.25, size=n)
    base = np.floor(raw)
    out = base + (rng.random(n) < raw - base)
    return np.maximum(out.astype(np.int64), minimum)


def _ids(prefix: str, n: int, start: int = 0, width: int | None = None) -> np.ndarray:
    """``prefix`` + zero-padded numbers (width fixed by ``start + n`` unless given): ids that sort in creation order."""
    width = max(len(str(start + n)), 4) if width is None else width
    return np.array([f"{prefix}{i:0{width}d}" for i in range(start + 1, start + n + 1)], dtype=object)


def _pick(rng: np.random.Generator, words: list[str], n: int, k: int = 2) -> np.ndarray:
    """``n`` names of ``k`` syllables from ``words``."""
    arr = np.array(words, dtype=object)
    out = arr[rng.integers(0, len(arr), n)]
    for _ in range(k - 1):
        out = out + arr[rng.integers(0, len(arr), n)]
    return out


def _dates(rng: np.random.Generator, n: int, first: str, last: str) -> np.ndarray:
    lo, hi = np.datetime64(first, "D"), np.datetime64(last, "D")
    return lo + rng.integers(0, int((hi - lo).astype(int)) + 1, n).astype("timedelta64[D]")


def _starts(counts: np.ndarray) -> np.ndarray:
    """Offsets of consecutive runs of the given lengths."""
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """Position of each element within its group (groups given as sorted, contiguous codes)."""
    if not len(groups):
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    lengths = np.diff(np.r_[starts, len(groups)])
    return np.arange(len(groups)) - np.repeat(starts, lengths)


class _People:
    """People (Cadre nodes) created as posts need them: ids and attributes, in creation order."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.n = 0
        self.parts: list[tuple[int, float, float, int, int]] = []  # (count, female share, party share, born lo, hi)

    def new(self, n: int, *, female: float = 0.5, party: float = 0.5, born=(1965, 1995)) -> np.ndarray:
        """Codes of ``n`` new people."""
        codes = np.arange(self.n, self.n + n, dtype=np.int64)
        self.n += n
        self.parts.append((n, female, party, born[0], born[1]))
        return codes

    def frame(self, ids=_ids) -> pd.DataFrame:
        rng = self.rng
        n = self.n
        female = np.concatenate([np.full(c, f) for c, f, _, _, _ in self.parts]) if self.parts else np.zeros(0)
        party = np.concatenate([np.full(c, p) for c, _, p, _, _ in self.parts]) if self.parts else np.zeros(0)
        lo = np.concatenate([np.full(c, a) for c, _, _, a, _ in self.parts]) if self.parts else np.zeros(0)
        hi = np.concatenate([np.full(c, b) for c, _, _, _, b in self.parts]) if self.parts else np.zeros(0)
        is_female = rng.random(n) < female
        names = _pick(rng, _SURNAMES, n, 1) + np.where(
            rng.random(n) < 0.7, _pick(rng, _GIVEN, n, 2), _pick(rng, _GIVEN, n, 1)
        )
        born = (lo + np.floor(rng.random(n) * (hi - lo + 1))).astype(np.int64)
        return pd.DataFrame(
            {
                "id": ids("p", n),
                "name": names,
                "gender": np.where(is_female, "female", "male").astype(object),
                "birth_year": pd.array(born, dtype="Int64"),
                "party_member": pd.array(rng.random(n) < party, dtype="boolean"),
                "phone": pd.Series([None] * n, dtype=object),
            }
        )


class _Posts:
    """HOLDS_POST edges collected as arrays."""

    def __init__(self):
        self.parts: list[dict] = []

    def add(self, cadre, body, role, start, end=None, part_time=False) -> None:
        cadre = np.asarray(cadre, dtype=np.int64)
        n = len(cadre)
        if not n:
            return
        self.parts.append(
            {
                "cadre": cadre,
                "body": np.asarray(body, dtype=object),
                "role": np.broadcast_to(np.asarray(role, dtype=object), (n,)),
                "start": np.broadcast_to(np.asarray(start, dtype="datetime64[D]"), (n,)),
                "end": np.broadcast_to(np.asarray("NaT" if end is None else end, dtype="datetime64[D]"), (n,)),
                "part_time": np.broadcast_to(np.asarray(part_time, dtype=bool), (n,)),
            }
        )

    def frame(self, people_ids: np.ndarray) -> pd.DataFrame:
        cat = {k: np.concatenate([p[k] for p in self.parts]) for k in self.parts[0]}
        return pd.DataFrame(
            {
                "source": people_ids[cat["cadre"]],
                "target": cat["body"],
                "role": cat["role"].astype(object),
                "start": cat["start"].astype("datetime64[ns]"),
                "end": cat["end"].astype("datetime64[ns]"),
                "part_time": pd.array(cat["part_time"], dtype="boolean"),
            }
        )


def _node_frame(kind: str, columns: dict) -> pd.DataFrame:
    """A node frame with every schema attribute of ``kind`` in its in-memory dtype."""
    n = len(columns["id"])
    out = {}
    for a in NODE_KINDS[kind].attrs:
        if a.name in columns:
            v = columns[a.name]
            if a.type in ("str", "wkt"):
                out[a.name] = pd.Series(np.asarray(v, dtype=object), dtype=object)
            elif a.type == "int":
                out[a.name] = pd.Series(pd.array(np.asarray(v), dtype="Int64"))
            else:
                out[a.name] = pd.Series(v).astype(_types.DTYPES[a.type])
        else:
            out[a.name] = _types.empty_column(a.type, pd.RangeIndex(n))
    return pd.DataFrame(out)


def _edges(source, target, **attrs) -> pd.DataFrame:
    return pd.DataFrame({"source": np.asarray(source, dtype=object), "target": np.asarray(target, dtype=object), **attrs})


# --------------------------------------------------------------------------- the generator


def generate(streets: int = 10, seed: int = 0, *, path: str | Path | None = None, geometry: bool = False, **ratios):
    """Generate a synthetic province (合成数据) of ``streets`` streets as an :class:`~orggraph.OrgGraph`.

    Parameters
    ----------
    streets : int
        Number of streets (街道). 10 gives about 10,000 nodes, 1,000 about a million.
    seed : int
        Seed of the random generator: the same seed and ratios give the same graph.
    path : str or Path, optional
        Also write the graph there as a ledger (台账: a folder of CSV files, or
        an .xlsx workbook when the path ends in .xlsx).
    geometry : bool
        Also draw polygons (CGCS2000, EPSG:4490, in Shandong around 117°E
        36°N) for communities, grids and compounds, laid out on a lattice (see
        :func:`_geometry`): grids of 300 m × 300 m tile their community;
        compounds are strips of their grid; an unassigned compound (治理真空带)
        is left out of its grid's polygon, so the spatial check finds it; a
        contested one lies in its first community only. Needs pyproj and
        shapely (the ``geo`` extra). The rest of the graph is the same as
        without geometry.
    **ratios
        Any field of :class:`Ratios` (``communities_per_street=12``,
        ``cross_appointment=0.4``, ``compound_branch=0.5``,
        ``grids_without_worker=0.05``, ``unassigned=0.01``, ``contested=0.01`` …).

    Returns
    -------
    OrgGraph
        A valid graph: written as a ledger it reads back, with no problem, as an
        equal graph. Posts start between 2015 and 2023; query it ``as_of`` a
        date in 2024 or later to see every current post.

    Raises
    ------
    TypeError
        For an unknown keyword.
    ValueError
        For a ratio out of range (a share outside 0…1, a count ≤ 0) or ``streets < 1``.

    Examples
    --------
    >>> import orggraph as og
    >>> from orggraph.synthetic import generate
    >>> g = generate(streets=2, seed=1)
    >>> int(len(g.nodes("Street")))
    2
    >>> r = g.audit(as_of="2024-06-30").headline.set_index("indicator")
    >>> bool(0.2 < r.loc["cross_appointment_rate", "value"] < 0.6)
    True
    """
    r = _ratios("generate", streets, ratios)
    tables = _build(int(streets), np.random.default_rng(seed), r, geometry=geometry)
    g = _graph(tables)
    if path is not None:
        g.write_ledger(path)
    return g


def _whole(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}={value!r}: a whole number of at least 1 is needed")


def _ratios(caller: str, streets, ratios: dict) -> Ratios:
    """The checked :class:`Ratios` of a call (TypeError for an unknown keyword, ValueError for bad values)."""
    known = {f.name for f in fields(Ratios)}
    unknown = sorted(set(ratios) - known)
    if unknown:
        raise TypeError(f"{caller}() got unknown ratio(s) {unknown}; known: {', '.join(sorted(known))}")
    _whole("streets", streets)
    return Ratios(**ratios)


def write_ledger_streamed(path: str | Path, streets: int, seed: int = 0, *, chunk_streets: int = 1000,
                          **ratios) -> dict[str, int]:
    """Write a synthetic province of ``streets`` streets straight to a CSV ledger folder, chunk by chunk (流式生成).

    For provinces too large to hold twice in memory (10,000 streets: ~10.5M
    nodes): the streets are generated ``chunk_streets`` at a time (whole
    districts, so every edge stays inside its chunk), each chunk's ledger
    tables are appended to the table's CSV file, and the chunk is dropped, so
    peak memory is that of one chunk. Ids continue across chunks at a fixed
    width and still sort within a kind. Chunk ``k`` draws from
    ``numpy.random.default_rng([seed, k])``: the province has the structure of
    :func:`generate` (same ratios) but is not the graph ``generate(streets,
    seed)`` returns. Reading the folder back gives a valid graph.

    Parameters
    ----------
    path : str or Path
        The ledger folder (created; existing CSV files of the same tables are replaced).
    streets, seed, **ratios
        As for :func:`generate`.
    chunk_streets : int
        Streets per chunk; rounded to whole districts (``streets_per_district``).

    Returns
    -------
    dict
        Nodes per kind written (``{"Street": …, "Cadre": …}``).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     counts = write_ledger_streamed(d, streets=3, chunk_streets=2, streets_per_district=1)
    >>> counts["Street"]
    3
    """
    from .ledger import ledger_frames
    from .outputs import write_csv

    r = _ratios("write_ledger_streamed", streets, ratios)
    _whole("chunk_streets", chunk_streets)
    per_district = max(1, int(round(r.streets_per_district)))
    chunk = max(per_district, (int(chunk_streets) // per_district) * per_district)
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    numbering = _Numbering(width=max(4, len(str(int(streets) * _MAX_PER_STREET))))
    columns: dict[str, list[str]] = {}
    part = path / ".chunk.csv"
    done, k = 0, 0
    while done < streets:
        n = min(chunk, int(streets) - done)
        tables = _build(n, np.random.default_rng([seed, k]), r, ids=numbering)
        frames = ledger_frames(_graph(tables))
        for table, frame in frames.items():
            if table not in columns:
                columns[table] = list(frame.columns)
                write_csv(frame, path / f"{table}.csv", encoding="utf-8")
                continue
            extra = [c for c in frame.columns if c not in columns[table] and frame[c].notna().any()]
            if extra:
                raise ValueError(f"{table}: chunk {k} has values in columns {extra} the first chunk did not write")
            write_csv(frame.reindex(columns=columns[table]), part, encoding="utf-8")
            with open(part, "rb") as src, open(path / f"{table}.csv", "ab") as dst:
                src.readline()  # the header, written once
                while block := src.read(1 << 20):
                    dst.write(block)
        numbering.advance(tables["nodes"])
        done += n
        k += 1
        del tables, frames
    part.unlink(missing_ok=True)
    return {kind: numbering.base.get(prefix, 0) for kind, prefix in _PREFIX.items()}


#: the id prefix of each node kind
_PREFIX = {"District": "d", "Street": "s", "Community": "c", "Grid": "g", "Area": "a", "PartyOrg": "po",
           "Unit": "u", "Cadre": "p"}
#: a bound on the nodes of one kind per street (areas: ~290, people: ~450 at the default ratios), for the id width
_MAX_PER_STREET = 2000


class _Numbering:
    """Ids of a fixed width that continue from the chunks written before (for :func:`write_ledger_streamed`)."""

    def __init__(self, width: int):
        self.width = width
        self.base: dict[str, int] = {}

    def __call__(self, prefix: str, n: int, start: int = 0) -> np.ndarray:
        return _ids(prefix, n, self.base.get(prefix, 0) + start, self.width)

    def advance(self, nodes: dict) -> None:
        for kind, prefix in _PREFIX.items():
            self.base[prefix] = self.base.get(prefix, 0) + len(nodes[kind])


def expected_counts(streets: int, **ratios) -> dict[str, float]:
    """Approximate numbers of territories and bodies :func:`generate` makes (means, before rounding).

    >>> expected_counts(1000)["Community"]
    12000.0
    """
    r = dataclasses.replace(Ratios(), **ratios)
    comms = streets * r.communities_per_street
    grids = comms * r.grids_per_community
    compounds = grids * r.compounds_per_grid
    return {
        "Street": float(streets),
        "Community": float(comms),
        "Grid": float(grids),
        "Area": float(compounds),
        "branches": float(compounds * r.compound_branch),
    }


def _build(S: int, rng: np.random.Generator, r: Ratios, geometry: bool = False, ids=_ids) -> dict:
    """Every node frame and edge frame (column edges first, as the ledger reader orders them).

    ``ids(prefix, n, start)`` numbers new ids (:func:`_ids`; :class:`_Numbering` when streaming).
    """
    # ------------------------------------------------------------ territories
    n_dist = max(1, math.ceil(S / r.streets_per_district))
    street_district = (np.arange(S) * n_dist) // S
    dist_ids = ids("d", n_dist)
    street_ids = ids("s", S)

    comm_per_street = _counts(rng, S, r.communities_per_street)
    comm_street = np.repeat(np.arange(S), comm_per_street)
    C = len(comm_street)
    comm_ids = ids("c", C)
    comm_first = _starts(comm_per_street)  # first community of each street
    comm_rank = np.arange(C) - comm_first[comm_street]

    grids_per_comm = _counts(rng, C, r.grids_per_community)
    grid_comm = np.repeat(np.arange(C), grids_per_comm)
    G = len(grid_comm)
    grid_ids = ids("g", G)
    grid_rank = np.arange(G) - _starts(grids_per_comm)[grid_comm]

    areas_per_grid = _counts(rng, G, r.compounds_per_grid)
    area_grid = np.repeat(np.arange(G), areas_per_grid)
    A = len(area_grid)
    area_ids = ids("a", A)
    area_comm = grid_comm[area_grid]
    area_street = comm_street[area_comm]
    # grid households ~ N(mean, 15%) split among the grid's compounds (Dirichlet weights); a few large compounds
    target = np.maximum(rng.normal(r.households_per_grid, 0.15 * r.households_per_grid, G), 30.0)
    weight = rng.gamma(3.0, 1.0, A)
    share = weight / np.bincount(area_grid, weights=weight, minlength=G)[area_grid]
    area_hh = np.maximum(np.round(share * target[area_grid]), 5).astype(np.int64)
    large = rng.random(A) < r.large_compounds
    area_hh[large] = rng.integers(500, 1501, int(large.sum()))

    u = rng.random(A)
    unassigned = u < r.unassigned
    # a contested area needs a second community in its street
    has_neighbour = comm_per_street[area_street] >= 2
    contested = (u >= r.unassigned) & (u < r.unassigned + r.contested) & has_neighbour
    # the neighbouring community: the next one in the street (wrapping round)
    nxt = comm_first[comm_street] + (comm_rank + 1) % comm_per_street[comm_street]
    area_other = nxt[area_comm]

    in_grid = ~unassigned
    grid_hh = np.bincount(area_grid[in_grid], weights=area_hh[in_grid], minlength=G).astype(np.int64)
    comm_hh = np.bincount(grid_comm, weights=grid_hh, minlength=C).astype(np.int64)
    comm_pop = np.round(comm_hh * rng.uniform(2.4, 3.0, C)).astype(np.int64)
    street_hh = np.bincount(comm_street, weights=comm_hh, minlength=S).astype(np.int64)
    street_pop = np.bincount(comm_street, weights=comm_pop, minlength=S).astype(np.int64)

    comm_names = _pick(rng, _PLACE, C) + "社区"
    kind_draw = rng.random(C)
    comm_kind = np.where(kind_draw < 0.7, "urban", np.where(kind_draw < 0.85, "converted", "rural")).astype(object)
    suffix = np.array(_COMPOUND_SUFFIX, dtype=object)

    nodes = {
        "District": _node_frame("District", {"id": dist_ids, "name": _pick(rng, _PLACE, n_dist) + "区"}),
        "Street": _node_frame(
            "Street",
            {"id": street_ids, "name": _pick(rng, _PLACE, S) + "街道", "households": street_hh, "population": street_pop},
        ),
        "Community": _node_frame(
            "Community",
            {"id": comm_ids, "name": comm_names, "kind": comm_kind, "households": comm_hh, "population": comm_pop},
        ),
        "Grid": _node_frame(
            "Grid",
            {"id": grid_ids, "name": comm_names[grid_comm] + "第" + (grid_rank + 1).astype(str).astype(object) + "网格",
             "households": grid_hh},
        ),
        "Area": _node_frame(
            "Area",
            {"id": area_ids, "name": _pick(rng, _PLACE, A) + suffix[rng.integers(0, len(suffix), A)],
             "kind": np.full(A, "compound", dtype=object), "households": area_hh},
        ),
    }
    if geometry:
        shapes = _geometry(comm_street, comm_rank, grid_comm, grid_rank, area_grid, unassigned)
        for kind, wkt in shapes.items():
            nodes[kind]["geometry"] = pd.Series(wkt, dtype=object)
            nodes[kind]["crs"] = pd.Series(np.full(len(wkt), GEOMETRY_CRS, dtype=object), dtype=object)
    contains_col = [
        _edges(dist_ids[street_district], street_ids),
        _edges(street_ids[comm_street], comm_ids),
        _edges(comm_ids[grid_comm], grid_ids),
        _edges(np.where(unassigned, street_ids[area_street], grid_ids[area_grid]), area_ids),
    ]
    contains_extra = [_edges(comm_ids[area_other[contested]], area_ids[contested])]

    # ------------------------------------------------------------ bodies
    people = _People(rng)
    posts = _Posts()
    term = _dates(rng, S, "2021-03-01", "2021-06-30")  # the 2021 换届 of each street
    comm_term = term[comm_street]
    party_parts, unit_parts = [], []  # node frames (in order)
    sub_col, cov_party, cov_unit, cov_extra = [], [], [], []

    # street party working committees (街道党工委): 7 street cadres each
    wc_ids = ids("po", S)
    party_parts.append({"id": wc_ids, "name": nodes["Street"]["name"].to_numpy(dtype=object) + "党工委",
                        "level": np.full(S, "working_committee", dtype=object), "unit_id": np.full(S, None, dtype=object)})
    cov_party.append(_edges(wc_ids, street_ids))
    wc_people = people.new(S * 7, party=1.0, born=(1965, 1988)).reshape(S, 7)
    roles7 = np.array(["secretary", "deputy_secretary"] + ["member"] * 5, dtype=object)
    posts.add(wc_people.ravel(), np.repeat(wc_ids, 7), np.tile(roles7, S), np.repeat(term - 30, 7))
    n_party = S

    # community party organisations (社区党委 / 党总支) and residents' committees (居委会)
    cp_ids = ids("po", C, n_party)
    n_party += C
    level = np.where(rng.random(C) < r.general_branch, "general_branch", "committee").astype(object)
    party_parts.append({"id": cp_ids, "name": comm_names + np.where(level == "committee", "党委", "党总支").astype(object),
                        "level": level, "unit_id": np.full(C, None, dtype=object)})
    sub_col.append(_edges(cp_ids, wc_ids[comm_street]))
    cov_party.append(_edges(cp_ids, comm_ids))
    rc_ids = ids("u", C)
    n_unit = C
    unit_parts.append({"id": rc_ids, "name": comm_names + "居委会", "kind": np.full(C, "residents_committee", dtype=object)})
    cov_unit.append(_edges(rc_ids, comm_ids))

    kp, kr = int(r.committee_posts), int(r.residents_committee_posts)
    committee = people.new(C * kp, female=0.55, party=1.0).reshape(C, kp)
    rc = people.new(C * kr, female=0.6, party=0.6).reshape(C, kr)
    # shared people per community: x / (kp + kr − x) = cross_appointment on average
    rate = r.cross_appointment
    mu = rate * (kp + kr) / (1 + rate)
    shoulder = rng.random(C) < r.one_shoulder
    cap = np.where(shoulder, min(kp, kr), min(kp - 1, kr - 1))
    shared = rng.binomial(cap, np.minimum(mu / np.maximum(cap, 1), 1.0)).astype(np.int64)
    shared = np.where(shoulder, np.maximum(shared, 1), shared)
    # one shoulder: committee slot 0 (secretary) is RC slot 0 (director), then slot j ↔ slot j;
    # otherwise committee slots 1… are RC slots 1… (the director is someone else)
    j = np.arange(kr)[None, :]
    first = np.where(shoulder, 0, 1)[:, None]
    take = (j >= first) & (j < first + shared[:, None]) & (j < kp)
    rc = np.where(take, committee[:, np.minimum(j[0], kp - 1)], rc)
    roles_c = np.array(["secretary", "deputy_secretary"] + ["member"] * (kp - 2), dtype=object)
    roles_r = np.array(["director", "deputy_director"] + ["member"] * (kr - 2), dtype=object)
    posts.add(committee.ravel(), np.repeat(cp_ids, kp), np.tile(roles_c, C), np.repeat(comm_term, kp))
    posts.add(rc.ravel(), np.repeat(rc_ids, kr), np.tile(roles_r, C), np.repeat(comm_term, kr))
    # the previous term's holders (ended at the 换届)
    for holders, body_ids, roles, k in ((committee, cp_ids, roles_c, kp), (rc, rc_ids, roles_r, kr)):
        prev = rng.random(holders.shape) < r.turnover
        cc, slot = np.nonzero(prev)
        who = people.new(len(cc), party=0.8, born=(1955, 1975))
        posts.add(who, body_ids[cc], roles[slot], comm_term[cc] - 5 * 365, end=comm_term[cc])
    # the 两委 people of each community, for drawing 网格长 and 业委会 members
    twocomm = np.concatenate([committee, rc], axis=1)

    # grid workers (网格员) and grid leaders (网格长)
    has_worker = rng.random(G) >= r.grids_without_worker
    worker = np.full(G, -1, dtype=np.int64)
    worker[has_worker] = people.new(int(has_worker.sum()), female=0.6, party=0.5, born=(1975, 2000))
    posts.add(worker[has_worker], grid_ids[has_worker], "grid_worker", _dates(rng, int(has_worker.sum()), "2015-01-01", "2023-12-31"))
    led = rng.random(G) < r.grid_leader
    leader = twocomm[grid_comm[led], rng.integers(0, kp + kr, int(led.sum()))]
    posts.add(leader, grid_ids[led], "grid_leader", comm_term[grid_comm[led]])

    # compound party branches (小区党支部)
    br = np.flatnonzero(rng.random(A) < r.compound_branch)
    br_ids = ids("po", len(br), n_party)
    n_party += len(br)
    party_parts.append({"id": br_ids, "name": nodes["Area"]["name"].to_numpy(dtype=object)[br] + "党支部",
                        "level": np.full(len(br), "branch", dtype=object), "unit_id": np.full(len(br), None, dtype=object)})
    sub_col.append(_edges(br_ids, cp_ids[area_comm[br]]))
    cov_party.append(_edges(br_ids, area_ids[br]))
    gw = worker[area_grid[br]]
    use_gw = (gw >= 0) & ~unassigned[br] & (rng.random(len(br)) < r.branch_secretary_is_grid_worker)
    sec = gw.copy()
    sec[~use_gw] = people.new(int((~use_gw).sum()), party=1.0, born=(1955, 1990))
    posts.add(sec, br_ids, "secretary", _dates(rng, len(br), "2017-01-01", "2023-12-31"))

    # owners' committees (业委会): members from the compound, some of them 两委 people (三委)
    oc = np.flatnonzero(rng.random(A) < r.owners_committee)
    oc_ids = ids("u", len(oc), n_unit)
    n_unit += len(oc)
    unit_parts.append({"id": oc_ids, "name": nodes["Area"]["name"].to_numpy(dtype=object)[oc] + "业委会",
                       "kind": np.full(len(oc), "owners_committee", dtype=object)})
    cov_unit.append(_edges(oc_ids, area_ids[oc]))
    ko = int(r.owners_committee_posts)
    holders = np.asarray(people.new(len(oc) * ko, party=0.3, born=(1955, 1990))).reshape(len(oc), ko)
    overlap = rng.random(holders.shape) < r.owners_committee_overlap
    ocr, ocs = np.nonzero(overlap)
    holders[ocr, ocs] = twocomm[area_comm[oc[ocr]], rng.integers(0, kp + kr, len(ocr))]
    roles_o = np.array(["director", "deputy_director"] + ["member"] * (ko - 2), dtype=object)
    posts.add(holders.ravel(), np.repeat(oc_ids, ko), np.tile(roles_o, len(oc)),
              np.repeat(_dates(rng, len(oc), "2018-01-01", "2023-12-31"), ko))

    # large compounds with a residents' committee of their own (its director and one member, new people)
    lc = np.flatnonzero(large & (rng.random(A) < r.large_compound_committee))
    lc_ids = ids("u", len(lc), n_unit)
    n_unit += len(lc)
    unit_parts.append({"id": lc_ids, "name": nodes["Area"]["name"].to_numpy(dtype=object)[lc] + "居委会",
                       "kind": np.full(len(lc), "residents_committee", dtype=object)})
    cov_unit.append(_edges(lc_ids, area_ids[lc]))
    posts.add(people.new(2 * len(lc), female=0.6, party=0.6), np.repeat(lc_ids, 2),
              np.tile(np.array(["director", "member"], dtype=object), len(lc)), np.repeat(comm_term[area_comm[lc]], 2))

    # property companies (物业公司), each serving compounds of one street, some with a party branch
    managed = np.flatnonzero(rng.random(A) < r.property_managed)
    m_street = area_street[managed]
    per_street = np.bincount(m_street, minlength=S)
    n_comp = np.where(per_street > 0, np.ceil(per_street / r.compounds_per_property_company), 0).astype(np.int64)
    comp_first = _starts(n_comp)
    order = np.lexsort((rng.random(len(managed)), m_street))
    rank = np.empty(len(managed), dtype=np.int64)
    rank[order] = _rank_within(m_street[order])
    company = comp_first[m_street] + rank % np.maximum(n_comp[m_street], 1)
    P = int(n_comp.sum())
    pc_ids = ids("u", P, n_unit)
    n_unit += P
    unit_parts.append({"id": pc_ids, "name": _pick(rng, _PLACE, P) + "物业服务有限公司",
                       "kind": np.full(P, "property_company", dtype=object)})
    # the company's first compound is its territory_id (a column edge); the rest go to the covers table
    by_company = np.lexsort((managed, company))
    first_of = np.r_[True, company[by_company][1:] != company[by_company][:-1]]
    cov_unit.append(_edges(pc_ids[company[by_company][first_of]], area_ids[managed[by_company][first_of]]))
    cov_extra.append(_edges(pc_ids[company[by_company][~first_of]], area_ids[managed[by_company][~first_of]]))
    pcb = np.flatnonzero(rng.random(P) < r.property_company_branch)
    pcb_ids = ids("po", len(pcb), n_party)
    n_party += len(pcb)
    comp_street = np.repeat(np.arange(S), n_comp)
    party_parts.append({"id": pcb_ids, "name": np.asarray(unit_parts[-1]["name"])[pcb] + "党支部",
                        "level": np.full(len(pcb), "branch", dtype=object), "unit_id": pc_ids[pcb]})
    sub_col.append(_edges(pcb_ids, wc_ids[comp_street[pcb]]))
    posts.add(people.new(len(pcb), party=1.0), pcb_ids, "secretary", _dates(rng, len(pcb), "2018-01-01", "2023-12-31"))

    # resident units (驻区单位) with their party branches: 双报到 and 兼职委员
    ru_per_comm = _counts(rng, C, r.resident_units_per_community, minimum=0)
    ru_comm = np.repeat(np.arange(C), ru_per_comm)
    R = len(ru_comm)
    ru_ids = ids("u", R, n_unit)
    n_unit += R
    unit_parts.append({"id": ru_ids, "name": _pick(rng, _PLACE, R) + np.array(["中学", "医院", "供电所", "派出所", "银行支行", "卫生院"], dtype=object)[rng.integers(0, 6, R)],
                       "kind": np.full(R, "resident_unit", dtype=object)})
    cov_unit.append(_edges(ru_ids, comm_ids[ru_comm]))
    rup_ids = ids("po", R, n_party)
    n_party += R
    party_parts.append({"id": rup_ids, "name": np.asarray(unit_parts[-1]["name"]) + "党支部",
                        "level": np.full(R, "branch", dtype=object), "unit_id": ru_ids})
    ru_sec = people.new(R, party=1.0, born=(1965, 1990))
    posts.add(ru_sec, rup_ids, "secretary", _dates(rng, R, "2016-01-01", "2023-12-31"))
    reports = rng.random(R) < r.unit_report
    report_dates = _dates(rng, R, "2019-01-01", "2023-12-31")
    reports_edges = [
        _edges(rup_ids[reports], comm_ids[ru_comm[reports]], date=report_dates[reports].astype("datetime64[ns]")),
        # the secretary, an in-service party member, reports where the unit is (个人双报到)
        _edges(ru_sec[reports], comm_ids[ru_comm[reports]], date=report_dates[reports].astype("datetime64[ns]")),
    ]
    # 兼职委员: the first resident unit's secretary sits on the community's 大党委
    ptm = (ru_per_comm > 0) & (rng.random(C) < r.part_time_member)
    first_ru = _starts(ru_per_comm)
    posts.add(ru_sec[first_ru[ptm]], cp_ids[ptm], "part_time_member", comm_term[ptm], part_time=True)

    # work stations (社区工作站, 一站多居) in some streets: chief, zone managers and staff
    ws_street = rng.random(S) < r.workstation_streets
    served = ws_street[comm_street]
    ws_key = comm_street * 1_000_000 + comm_rank // max(int(round(r.communities_per_workstation)), 1)
    keys, ws_of = np.unique(ws_key[served], return_inverse=True)
    W = len(keys)
    ws_ids = ids("u", W, n_unit)
    n_unit += W
    sc = np.flatnonzero(served)
    ws_first = np.r_[True, ws_of[1:] != ws_of[:-1]] if W else np.zeros(0, dtype=bool)
    unit_parts.append({"id": ws_ids, "name": comm_names[sc[ws_first]] + "工作站", "kind": np.full(W, "workstation", dtype=object)})
    cov_unit.append(_edges(ws_ids[ws_of[ws_first]], comm_ids[sc[ws_first]]))
    cov_extra.append(_edges(ws_ids[ws_of[~ws_first]], comm_ids[sc[~ws_first]]))
    ws_hh = np.bincount(ws_of, weights=comm_hh[sc], minlength=W)
    managers = np.maximum(np.round(ws_hh / r.households_per_zone_manager), 1).astype(np.int64)
    staff = managers + 3  # a station chief and two clerks besides the zone managers
    ws_body = np.repeat(ws_ids, staff)
    ws_rank = _rank_within(np.repeat(np.arange(W), staff))
    ws_role = np.where(ws_rank == 0, "station_chief", np.where(ws_rank <= 2, "staff", "zone_manager")).astype(object)
    ws_start = np.repeat(term[comm_street[sc[ws_first]]] + 60, staff)
    posts.add(people.new(int(staff.sum()), female=0.6, party=0.6, born=(1975, 2000)), ws_body, ws_role, ws_start)

    # district leaders liaising with a street and one of its communities (挂点联系)
    leaders = people.new(S, party=1.0, born=(1962, 1980))
    liaison_comm = comm_first + rng.integers(0, comm_per_street)
    liaison_start = _dates(rng, S, "2021-07-01", "2022-12-31").astype("datetime64[ns]")
    liaisons = _edges(leaders, street_ids, start=liaison_start)
    liaisons_c = _edges(leaders, comm_ids[liaison_comm], start=liaison_start)

    # adjacency (相邻): neighbouring communities of a street, and the two communities an unassigned area lies between
    pairs = comm_rank + 1 < comm_per_street[comm_street]
    adj = [
        _edges(comm_ids[pairs], comm_ids[np.flatnonzero(pairs) + 1]),
        _edges(area_ids[unassigned], comm_ids[area_comm[unassigned]]),
    ]
    two = unassigned & has_neighbour
    adj.append(_edges(area_ids[two], comm_ids[area_other[two]]))

    # ------------------------------------------------------------ frames
    cadres = people.frame(ids)
    pid = cadres["id"].to_numpy(dtype=object)

    def cadre_ids(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(source=pid[frame["source"].to_numpy(dtype=np.int64)]) if len(frame) else frame

    nodes["PartyOrg"] = _node_frame("PartyOrg", {k: np.concatenate([p[k] for p in party_parts]) for k in party_parts[0]})
    nodes["Unit"] = _node_frame("Unit", {k: np.concatenate([np.asarray(p[k], dtype=object) for p in unit_parts]) for k in unit_parts[0]})
    # people (#17), drawn after everything else so that the rest of the graph is what it was before:
    # birth dates and education, terms of the 两委, in-service members, memberships
    post_frame = posts.frame(pid)
    cadres, memberships = _people_columns(rng, cadres, post_frame, nodes["PartyOrg"])
    terms = pd.Series(comm_term.astype("datetime64[ns]"))
    for kind, first in (("PartyOrg", S), ("Unit", 0)):  # the community party organisations, the 居委会
        f = nodes[kind]
        f.loc[first:first + C - 1, "term_start"] = terms.to_numpy()
        f.loc[first:first + C - 1, "term_years"] = 5
    rep = np.flatnonzero(reports)
    home = np.where(rng.random(len(rep)) < 0.9, ru_comm[rep], rng.integers(0, C, len(rep)))
    at = ru_sec[rep]
    cadres.loc[at, "work_unit_id"] = ru_ids[rep]
    cadres.loc[at, "residence_id"] = comm_ids[home]
    nodes["Cadre"] = cadres
    edges = {
        "CONTAINS": contains_col + contains_extra,
        "SUBORDINATE_TO": sub_col,
        "HOLDS_POST": [post_frame],
        "MEMBER_OF": [memberships],
        "RESPONSIBLE_FOR": [],
        "COVERS": cov_party + cov_unit + cov_extra,
        "REPORTS_TO": [reports_edges[0], cadre_ids(reports_edges[1])],
        "LIAISES": [cadre_ids(liaisons), cadre_ids(liaisons_c)],
        "ADJACENT": adj,
    }
    return {"nodes": nodes, "edges": edges}


#: education by birth cohort (younger cadres more often 大专/本科): (born from, levels, weights)
_EDUCATION = (
    (1985, ("bachelor", "college", "master", "senior_high", "vocational"), (45, 35, 5, 10, 5)),
    (1970, ("college", "bachelor", "senior_high", "vocational", "junior_high"), (35, 20, 25, 10, 10)),
    (0, ("senior_high", "junior_high", "college", "vocational", "primary"), (35, 30, 20, 10, 5)),
)


def _people_columns(rng, cadres: pd.DataFrame, posts: pd.DataFrame, party: pd.DataFrame):
    """The cadres with every schema column (birth_date and education drawn), and their memberships.

    A party member's membership is in the first party organisation (not a 党工委) where they hold a
    current post; 4% are probationary. People with no such post have none.
    """
    n = len(cadres)
    born = cadres["birth_year"].to_numpy(dtype="float64", na_value=np.nan)
    month = rng.integers(1, 13, n)
    birth = pd.to_datetime({"year": np.nan_to_num(born, nan=1970).astype(int), "month": month, "day": 1})
    u = rng.random(n)
    education = np.empty(n, dtype=object)
    done = np.zeros(n, dtype=bool)
    for first, levels, weights in _EDUCATION:
        mine = ~done & (born >= first)
        edges = np.cumsum(weights) / sum(weights)
        education[mine] = np.asarray(levels, dtype=object)[np.searchsorted(edges, u[mine], side="right")]
        done |= mine
    columns = {c: cadres[c] for c in cadres.columns}
    columns.update({"birth_date": birth.where(~np.isnan(born)), "education": education,
                    "ethnicity": np.full(n, "汉族", dtype=object)})
    out = _node_frame("Cadre", columns)
    orgs = party.loc[party["level"].isin(["committee", "general_branch", "branch"]), "id"]
    ok = posts["target"].isin(orgs) & posts["end"].isna()
    held = posts.loc[ok, ["source", "target"]].drop_duplicates("source")
    member = out.set_index("id")["party_member"].reindex(held["source"]).fillna(False).to_numpy(dtype=bool)
    held = held[member]
    status = np.where(rng.random(len(held)) < 0.04, "probationary", "full").astype(object)
    memberships = _edges(held["source"], held["target"], status=status)
    return out, memberships


def _graph(tables: dict):
    """An OrgGraph holding ``tables`` (typed frames: no parsing, no validation)."""
    from .graph import OrgGraph

    g = OrgGraph()
    store = g.store
    for kind in NODE_KINDS:
        store.add_nodes(kind, tables["nodes"][kind], validate=False)
    for etype, spec in EDGE_TYPES.items():
        parts = [p for p in tables["edges"][etype] if len(p)]
        if not parts:
            continue
        frame = pd.concat(parts, ignore_index=True)
        for a in spec.attrs:
            if a.name not in frame.columns:
                frame[a.name] = _types.empty_column(a.type, frame.index)
        store.add_edges(etype, frame, validate=False)
    return g


# --------------------------------------------------------------------------- geometry (geometry=True)

#: the CRS of the synthetic polygons (CGCS2000) and the centre of the layout
GEOMETRY_CRS = "EPSG:4490"
_CENTRE = (117.0, 36.0)
_CELL, _COMM_GAP, _STREET_GAP, _INSET = 300.0, 60.0, 200.0, 5.0
_GRID_COLS, _COMM_COLS = 3, 4


def _geometry(comm_street, comm_rank, grid_comm, grid_rank, area_grid, unassigned) -> dict[str, np.ndarray]:
    """WKT polygons (EPSG:4490) of communities, grids and areas on a lattice, every step on whole arrays.

    Streets sit on a square lattice; in a street, communities on a lattice of
    4 columns; in a community, grids on a lattice of 3 columns of
    :data:`_CELL` metres; in a grid, its areas as equal vertical strips inset
    by :data:`_INSET` m, the unassigned ones last and outside the grid's
    polygon (the grid ends where they begin). Drawn in a local transverse
    Mercator plane in metres, then converted with pyproj.
    """
    import shapely
    from pyproj import Transformer

    S = int(comm_street.max()) + 1 if len(comm_street) else 0
    C, G, A = len(comm_street), len(grid_comm), len(area_grid)
    grids_per_comm = np.bincount(grid_comm, minlength=C)
    comms_per_street = np.bincount(comm_street, minlength=S)
    grid_rows = -(-grids_per_comm // _GRID_COLS)
    pitch_x = _GRID_COLS * _CELL + _COMM_GAP
    pitch_y = max(1, int(grid_rows.max(initial=1))) * _CELL + _COMM_GAP
    street_x = _COMM_COLS * pitch_x + _STREET_GAP
    street_y = max(1, int(-(-comms_per_street.max(initial=1) // _COMM_COLS))) * pitch_y + _STREET_GAP
    scols = max(1, int(np.ceil(np.sqrt(max(S, 1)))))
    # communities: lower-left corners; y grows northwards, rows go south
    sx, sy = (np.arange(S) % scols) * street_x, -(np.arange(S) // scols) * street_y
    cx = sx[comm_street] + (comm_rank % _COMM_COLS) * pitch_x
    cy = sy[comm_street] - (comm_rank // _COMM_COLS) * pitch_y
    c_w = np.minimum(grids_per_comm, _GRID_COLS) * _CELL
    c_h = grid_rows * _CELL
    comm_top = cy
    comm = shapely.box(cx, comm_top - c_h, cx + c_w, comm_top)
    # grids: cells of the community's lattice, each ending where its unassigned areas begin
    gx = cx[grid_comm] + (grid_rank % _GRID_COLS) * _CELL
    gtop = comm_top[grid_comm] - (grid_rank // _GRID_COLS) * _CELL
    per_grid = np.bincount(area_grid, minlength=G)
    assigned = np.bincount(area_grid, weights=~unassigned, minlength=G)
    kept = np.where(assigned > 0, assigned, per_grid) / np.maximum(per_grid, 1)
    grid = shapely.box(gx, gtop - _CELL, gx + _CELL * np.where(per_grid > 0, kept, 1.0), gtop)
    # areas: equal strips, unassigned last within their grid
    order = np.lexsort((np.arange(A), unassigned, area_grid))
    rank = np.empty(A, dtype=np.int64)
    rank[order] = _rank_within(area_grid[order])
    width = _CELL / np.maximum(per_grid[area_grid], 1)
    ax0 = gx[area_grid] + rank * width
    area = shapely.box(ax0 + _INSET, gtop[area_grid] - _CELL + _INSET, ax0 + width - _INSET, gtop[area_grid] - _INSET)
    local = (f"+proj=tmerc +lat_0={_CENTRE[1]} +lon_0={_CENTRE[0]} +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs")
    t = Transformer.from_crs(local, GEOMETRY_CRS, always_xy=True)
    # centre the layout on _CENTRE
    every = np.concatenate([comm, grid, area])
    x0, y0, x1, y1 = shapely.total_bounds(every) if len(every) else (0.0, 0.0, 0.0, 0.0)
    mx, my = (x0 + x1) / 2.0, (y0 + y1) / 2.0

    def move(xy: np.ndarray) -> np.ndarray:
        lon, lat = t.transform(xy[:, 0] - mx, xy[:, 1] - my)
        return np.column_stack([lon, lat])

    moved = shapely.transform(every, move)
    wkt = shapely.to_wkt(moved, rounding_precision=7, trim=True).astype(object)
    return {"Community": wkt[:C], "Grid": wkt[C:C + G], "Area": wkt[C + G:]}
