"""Staffing norms (配置标准): grid size, zone managers, work-station staff and population, grid workers.

The norms come from the source documents: grids of about 300 households
(以每300户为基础划分网格, 栖霞), one zone manager (片区管理员) per 300–400
households, work stations (社区工作站) with 10–20 staff serving 7,000–20,000
people (东城), and a grid worker (网格员) in every grid. Their numbers live in
``orggraph/data/norms.toml`` (documented there) and in :class:`Norms`, which
reads that file for its defaults; :func:`check_norms` lists every violation.

Definitions shared by both backends
-----------------------------------
*Scope.* A grid is in scope when it is ``within`` or contained by it
(``CONTAINS*``); a work station (Unit of kind ``workstation``) when it
``COVERS`` such a territory; everything when ``within`` is None.

*A station's communities.* The communities a work station belongs to: those it
``COVERS``, and those containing (``CONTAINS*``) a territory it covers — one
station serves several communities under 一站多居.

*Current post.* ``start`` missing or ≤ ``as_of`` and ``end`` missing or >
``as_of``. People are counted once however many posts they hold.

*Location.* ``community_id`` is the entity's community (for a station serving
several, the smallest id); ``street_id`` that community's street, or for an
entity with no community the smallest id of a street containing it (for a
station: containing or being a territory it covers).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from fractions import Fraction
from importlib import resources
from numbers import Real
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import OrgGraphError
from .. import rules
from ._base import check_within, conform, dispatch, normalize_as_of, register
from .coverage import text_frame

__all__ = ["Norms", "NormsError", "Range", "check_norms", "NORM_RULES"]


class NormsError(OrgGraphError, ValueError):
    """A norms file or value that cannot be used (unknown key, minimum above maximum …)."""


class Range(NamedTuple):
    """An inclusive range ``minimum … maximum``."""

    minimum: float
    maximum: float


#: rule → (Chinese name, node kind judged, what is measured)
NORM_RULES: dict[str, tuple[str, str, str]] = {
    "grid_households": ("网格规模(户)", "Grid", "households of the grid"),
    "grid_population": ("网格规模(人)", "Grid", "population (常住人口) of the grid, when grid_households.unit = people"),
    "grid_workers": ("网格员配备(人)", "Grid", "people holding a current grid_worker post on the grid"),
    "households_per_zone_manager": (
        "片区管理员服务户数(户/人)",
        "Unit",
        "households of the station's communities ÷ people holding a current zone_manager post at the station",
    ),
    "workstation_population": ("工作站服务人口(人)", "Unit", "population of the station's communities"),
    "workstation_staff": ("工作站工作人员(人)", "Unit", "people holding a current post at the station"),
    "zone_manager_households_per_residents_committee": (
        "片区管理员服务户数(以居委会为单位)",
        "Community",
        "households of a community (its 居委会) served by a station ÷ people holding a current zone_manager post at "
        "the station whose zone is that community; bounds of households_per_zone_manager",
    ),
    "grid_coverage": ("网格全覆盖(所在网格数)", "Area",
                      "grids that are or contain (CONTAINS*) a compound, building or boundary zone; 0 is a gap"),
    "statutory_size": ("法定职数(人)", "Unit/PartyOrg",
                       "distinct people holding current 班子 posts (rules.COMMITTEE_ROLES) in a 居委会, 党委, 党总支 or "
                       "党支部 committee; bounds per kind from rules.STATUTORY_SIZES"),
    # the people rules, computed in orggraph.queries.people (their zh, minimum and maximum vary by row)
    "branch_setting": ("支部设置(党员数)", "PartyOrg", "members of the organisation and those below it"),
    "supervisory_avoidance": ("监委会成员回避", "Unit", "两委 members holding a post on the supervisory committee"),
}

# TOML section → keys; the file layout of orggraph/data/norms.toml
_SECTIONS: dict[str, tuple[str, ...]] = {
    "grid_households": ("target", "tolerance", "unit"),
    "households_per_zone_manager": ("minimum", "maximum"),
    "workstation_staff": ("minimum", "maximum"),
    "workstation_population": ("minimum", "maximum"),
    "grid_workers": ("minimum",),
    "profiles": ("urban", "converted", "rural", "village"),
}

COLUMNS = [
    "rule",
    "zh",
    "label",
    "entity_id",
    "entity_name",
    "measured",
    "minimum",
    "maximum",
    "community_id",
    "street_id",
]
#: the columns a backend returns (the public function adds ``zh``, ``minimum``, ``maximum``)
BACKEND_COLUMNS = ["rule", "label", "entity_id", "entity_name", "measured", "community_id", "street_id"]


def _load_toml(text: str, source: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise NormsError(f"{source}: not valid TOML: {exc}") from None


def _number(value, where: str, *, integer: bool = False):
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise NormsError(f"{where}: {value!r} is not a finite number")
    if value < 0:
        raise NormsError(f"{where}: {value!r} is negative")
    if integer and value != int(value):
        raise NormsError(f"{where}: {value!r} is not a whole number")
    return int(value) if isinstance(value, int) or (integer and value == int(value)) else value


def _fraction(value, where: str) -> Fraction:
    if isinstance(value, str):
        try:
            out = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise NormsError(f"{where}: {value!r} is not a number or fraction such as '1/3'") from None
    elif isinstance(value, Fraction):
        out = value
    else:
        out = Fraction(str(_number(value, where)))
    if not 0 <= out <= 1:
        raise NormsError(f"{where}: {value!r} is outside 0 … 1")
    return out


def _range(value, where: str) -> Range:
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise NormsError(f"{where}: {value!r} is not a (minimum, maximum) pair") from None
    lo, hi = _number(lo, f"{where} minimum"), _number(hi, f"{where} maximum")
    if lo > hi:
        raise NormsError(f"{where}: minimum {lo} is above maximum {hi}")
    return Range(lo, hi)


def _profiles(value) -> tuple:
    """``[profiles]``: community kind → rules left out, as a sorted tuple of (kind, tuple of rules) (hashable)."""
    if not isinstance(value, Mapping):
        value = dict(value)
    out = []
    for kind, skipped in value.items():
        if kind not in _SECTIONS["profiles"]:
            raise NormsError(f"unknown norms key profiles.{kind!r}; known in [profiles]: {', '.join(_SECTIONS['profiles'])}")
        if isinstance(skipped, str) or not all(isinstance(r, str) for r in skipped):
            raise NormsError(f"profiles.{kind}: give a list of rule names")
        unknown = [r for r in skipped if r not in NORM_RULES]
        if unknown:
            raise NormsError(f"profiles.{kind}: unknown rules {unknown}; known: {', '.join(NORM_RULES)}")
        out.append((kind, tuple(skipped)))
    return tuple(sorted(out))


def _bundled() -> dict:
    text = resources.files("orggraph").joinpath("data/norms.toml").read_text(encoding="utf-8")
    data = _load_toml(text, "orggraph/data/norms.toml")
    # the bundled file holds every key, and no other
    found = {(s, k) for s, keys in data.items() for k in keys}
    wanted = {(s, k) for s, keys in _SECTIONS.items() for k in keys}
    if found != wanted:
        raise NormsError(f"orggraph/data/norms.toml: keys differ from the schema: {sorted(found ^ wanted)}")
    return data


_DEFAULTS = _bundled()


def _default_range(section: str) -> tuple:
    return (_DEFAULTS[section]["minimum"], _DEFAULTS[section]["maximum"])


@dataclass(frozen=True)
class Norms:
    """Staffing norms (配置标准); the defaults are those of ``orggraph/data/norms.toml``.

    Attributes
    ----------
    grid_households : int
        Target households per grid (每300户划分一个网格), default 300.
    grid_households_tolerance : fractions.Fraction
        Allowed relative deviation from the target, default 1/3: a grid is
        within the norm from 200 to 400 households (inclusive).
    households_per_zone_manager : Range
        Households per zone manager (片区管理员 300–400户/人), default (300, 400).
    workstation_staff : Range
        People working at a work station (工作人员10—20人), default (10, 20).
    workstation_population : Range
        People a work station serves (服务人口7000—20000人), default (7000, 20000).
    grid_worker_min : int
        Grid workers (网格员) each grid needs at least, default 1.
    grid_unit : {"households", "people"}
        What the grid size norm counts: ``households`` (户, default) or
        ``people`` (人: the grid's ``population``, 常住人口), judged against
        ``grid_households`` × (1 ± tolerance) as rule ``grid_population``.

    Examples
    --------
    >>> from orggraph.queries.norms import Norms
    >>> n = Norms.default()
    >>> n.grid_households_range
    Range(minimum=200.0, maximum=400.0)
    >>> Norms(workstation_staff=(8, 20)).to_dict()["workstation_staff"]
    {'minimum': 8, 'maximum': 20}
    """

    grid_households: int = _DEFAULTS["grid_households"]["target"]
    grid_households_tolerance: Fraction = _DEFAULTS["grid_households"]["tolerance"]
    households_per_zone_manager: Range = _default_range("households_per_zone_manager")
    workstation_staff: Range = _default_range("workstation_staff")
    workstation_population: Range = _default_range("workstation_population")
    grid_worker_min: int = _DEFAULTS["grid_workers"]["minimum"]
    grid_unit: str = _DEFAULTS["grid_households"]["unit"]
    #: community kind → the rules its profile does not apply (规范档案; [profiles] of the TOML file)
    profiles: Mapping = None

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "profiles", _profiles(_DEFAULTS["profiles"] if self.profiles is None else self.profiles))
        set_(self, "grid_households", _number(self.grid_households, "grid_households"))
        set_(self, "grid_households_tolerance", _fraction(self.grid_households_tolerance, "grid_households_tolerance"))
        for name in ("households_per_zone_manager", "workstation_staff", "workstation_population"):
            set_(self, name, _range(getattr(self, name), name))
        set_(self, "grid_worker_min", _number(self.grid_worker_min, "grid_worker_min", integer=True))
        if self.grid_unit not in ("households", "people"):
            raise NormsError(f"grid_households.unit: {self.grid_unit!r} is neither 'households' nor 'people'")

    # ------------------------------------------------------------ construction
    @classmethod
    def default(cls) -> "Norms":
        """The norms of the source documents (``orggraph/data/norms.toml``)."""
        return cls()

    @classmethod
    def from_dict(cls, data: Mapping) -> "Norms":
        """Norms from a mapping laid out like the TOML file (sections of keys); missing keys keep the defaults.

        Raises
        ------
        NormsError
            For an unknown section or key (named in the message) or an unusable value.
        """
        if not isinstance(data, Mapping):
            raise NormsError(f"norms must be a mapping of sections, not {type(data).__name__}")
        for section, values in data.items():
            if section not in _SECTIONS:
                raise NormsError(f"unknown norms section {section!r}; known: {', '.join(_SECTIONS)}")
            if not isinstance(values, Mapping):
                raise NormsError(f"norms section {section!r} must be a table of {', '.join(_SECTIONS[section])}")
            for key in values:
                if key not in _SECTIONS[section]:
                    raise NormsError(
                        f"unknown norms key {section}.{key!r}; known in [{section}]: {', '.join(_SECTIONS[section])}"
                    )
        d = cls.default()

        def get(section, key, current):
            return data.get(section, {}).get(key, current)

        return cls(
            grid_households=get("grid_households", "target", d.grid_households),
            grid_households_tolerance=get("grid_households", "tolerance", d.grid_households_tolerance),
            households_per_zone_manager=(
                get("households_per_zone_manager", "minimum", d.households_per_zone_manager.minimum),
                get("households_per_zone_manager", "maximum", d.households_per_zone_manager.maximum),
            ),
            workstation_staff=(
                get("workstation_staff", "minimum", d.workstation_staff.minimum),
                get("workstation_staff", "maximum", d.workstation_staff.maximum),
            ),
            workstation_population=(
                get("workstation_population", "minimum", d.workstation_population.minimum),
                get("workstation_population", "maximum", d.workstation_population.maximum),
            ),
            grid_worker_min=get("grid_workers", "minimum", d.grid_worker_min),
            grid_unit=get("grid_households", "unit", d.grid_unit),
            profiles={**dict(d.profiles), **dict(data.get("profiles", {}))},
        )

    @classmethod
    def from_toml(cls, path: str | Path) -> "Norms":
        """Norms from a TOML file laid out like ``orggraph/data/norms.toml``; see :meth:`from_dict`."""
        path = Path(path)
        return cls.from_dict(_load_toml(path.read_text(encoding="utf-8"), str(path)))

    def to_dict(self) -> dict:
        """The norms laid out like the TOML file (``tolerance`` as a string fraction such as ``'1/3'``)."""
        tol = self.grid_households_tolerance
        return {
            "grid_households": {"target": self.grid_households, "tolerance": str(tol), "unit": self.grid_unit},
            "households_per_zone_manager": dict(self.households_per_zone_manager._asdict()),
            "workstation_staff": dict(self.workstation_staff._asdict()),
            "workstation_population": dict(self.workstation_population._asdict()),
            "grid_workers": {"minimum": self.grid_worker_min},
            "profiles": {kind: list(rules_) for kind, rules_ in self.profiles},
        }

    # ------------------------------------------------------------ derived
    @property
    def grid_households_range(self) -> Range:
        """``target × (1 − tolerance) … target × (1 + tolerance)``, computed exactly (200–400 by default)."""
        t, tol = Fraction(str(self.grid_households)), self.grid_households_tolerance
        return Range(float(t * (1 - tol)), float(t * (1 + tol)))

    def bounds(self) -> dict[str, tuple[float, float]]:
        """Rule → ``(minimum, maximum)`` as floats; ``maximum`` is ``inf`` when unbounded."""
        size = "grid_population" if self.grid_unit == "people" else "grid_households"
        return {
            size: tuple(self.grid_households_range),
            "grid_workers": (float(self.grid_worker_min), math.inf),
            "households_per_zone_manager": tuple(map(float, self.households_per_zone_manager)),
            "workstation_population": tuple(map(float, self.workstation_population)),
            "workstation_staff": tuple(map(float, self.workstation_staff)),
        }


def _as_norms(norms) -> Norms:
    if norms is None:
        return Norms.default()
    if isinstance(norms, Norms):
        return norms
    if isinstance(norms, (str, Path)):
        return Norms.from_toml(norms)
    if isinstance(norms, Mapping):
        return Norms.from_dict(norms)
    raise TypeError(f"norms={norms!r}: give a Norms, a mapping laid out like norms.toml, or a path to a TOML file")


@register(COLUMNS, zh="配置标准")
def check_norms(g, norms=None, *, within: str | None = None, as_of=None) -> pd.DataFrame:
    """List violations of the staffing norms (配置标准): grid size, zone managers, work stations, grid workers.

    One row per entity outside a rule's inclusive range ``[minimum, maximum]``:

    ``grid_households`` (网格规模, label ``Grid``)
        ``measured`` = the grid's ``households``; allowed
        ``target × (1 ± tolerance)``, 200–400 by default. Every grid is judged
        (二级网格 included) except one with missing ``households``, which is
        not judged on size.
    ``grid_population`` (网格规模(人), ``Grid``), instead of ``grid_households`` when the norms' ``unit`` is ``people``
        ``measured`` = the grid's ``population`` (常住人口); allowed
        ``target × (1 ± tolerance)``; a grid with missing ``population`` is not judged.
    ``grid_workers`` (网格员配备, ``Grid``)
        ``measured`` = distinct people holding a current ``grid_worker`` post
        whose target is the grid; at least ``grid_worker_min`` (1); ``maximum``
        is ``inf``.
    ``households_per_zone_manager`` (片区管理员服务户数, ``Unit``)
        Per work station: ``measured`` = the sum of ``households`` of the
        station's communities ÷ distinct people holding a current
        ``zone_manager`` post at the station; 300–400 by default. A station with
        households but no zone manager has ``measured = inf`` (a violation); a
        station whose communities have 0 households and no zone manager is not
        judged (0/0); a station is not judged when one of its communities has
        missing ``households``.
    ``workstation_population`` (工作站服务人口, ``Unit``)
        ``measured`` = the sum of ``population`` of the station's communities;
        7,000–20,000 by default. Not judged when one of its communities has
        missing ``population``; a station serving no community measures 0.
    ``workstation_staff`` (工作站工作人员, ``Unit``)
        ``measured`` = distinct people holding a current post (any role) at the
        station; 10–20 by default.
    ``branch_setting`` (支部设置, ``PartyOrg``) and ``supervisory_avoidance`` (监委会回避, ``Unit``)
        The people rules of :func:`orggraph.queries.people.people_norm_violations`:
        branches below 3 full or above 50 members, a 党总支 below 50, a 党委 below
        100 (counted over memberships); 两委 members on a 村(居)务监督委员会. Their
        ``zh``, ``minimum`` and ``maximum`` vary by row and are not set by ``norms``.

    Parameters
    ----------
    g : OrgGraph
    norms : Norms, mapping, str or path, optional
        The norms (default :meth:`Norms.default`); a mapping laid out like the
        TOML file, or the path of a TOML file, is read with
        :meth:`Norms.from_dict` / :meth:`Norms.from_toml`.
    within : str, optional
        Territory id limiting the grids (inside it) and the stations (covering
        a territory inside it).
    as_of : date or str, optional
        The date at which posts must be current; default today.

    Returns
    -------
    pandas.DataFrame
        ``rule, zh, label, entity_id, entity_name, measured, minimum, maximum,
        community_id, street_id``: ``label`` is the node kind judged (``Grid``,
        ``Unit`` or ``PartyOrg``), ``measured``, ``minimum`` and ``maximum`` are floats.
        Sorted by ``rule`` then ``entity_id``. Empty when every norm is met.

    Raises
    ------
    NormsError
        When ``norms`` names an unknown section or key or holds an unusable value.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Community", "c1", name="龙腾社区", households=600, population=1500)
    >>> g.add_node("Grid", "g1", name="第一网格", community_id="c1", households=310)
    >>> g.add_node("Grid", "g2", name="第二网格", community_id="c1", households=450)
    >>> g.add_node("Cadre", "p1", name="网格员甲")
    >>> g.add_edge("HOLDS_POST", "p1", "g1", role="grid_worker", start="2020-01-01")
    >>> v = g.check_norms(as_of="2024-01-01")
    >>> v[["rule", "entity_id", "measured"]].values.tolist()
    [['grid_households', 'g2', 450.0], ['grid_workers', 'g2', 0.0]]
    """
    norms = _as_norms(norms)
    bounds = norms.bounds()
    within = check_within(g, within)
    as_of = normalize_as_of(as_of)
    by_people = norms.grid_unit == "people"
    backend_bounds = {**bounds, "grid_households": (-math.inf, math.inf)} if by_people else bounds
    backend_bounds.pop("grid_population", None)
    result = dispatch(g, "check_norms", bounds=backend_bounds, within=within, as_of=as_of)
    result = conform(result, BACKEND_COLUMNS, "check_norms")
    if by_people:  # grid size in people: judged here on every backend, from the grids' population
        result = result[result["rule"] != "grid_households"]
        result = pd.concat([result, _grid_population_rows(g, bounds["grid_population"], within)], ignore_index=True)
    out = result.assign(
        zh=result["rule"].map({r: v[0] for r, v in NORM_RULES.items()}),
        minimum=result["rule"].map({r: b[0] for r, b in bounds.items()}).astype("float64"),
        maximum=result["rule"].map({r: b[1] for r, b in bounds.items()}).astype("float64"),
        measured=result["measured"].astype("float64"),
    )
    zones = zone_managers_per_residents_committee(g, bounds["households_per_zone_manager"], within=within, as_of=as_of)
    if len(zones):
        out = pd.concat([out, zones[COLUMNS]], ignore_index=True) if len(out) else zones[COLUMNS].reset_index(drop=True)
    gaps = outside_grids(g, within=within)
    if len(gaps):
        out = pd.concat([out, gaps[COLUMNS]], ignore_index=True) if len(out) else gaps[COLUMNS].reset_index(drop=True)
    sizes = statutory_sizes(g, within=within, as_of=as_of, outside_only=True)
    sizes = sizes.assign(rule="statutory_size", zh=NORM_RULES["statutory_size"][0])
    if len(sizes):
        out = pd.concat([out, sizes[COLUMNS]], ignore_index=True) if len(out) else sizes[COLUMNS].reset_index(drop=True)
    from .people import people_norm_violations

    people = people_norm_violations(g, within=within, as_of=as_of)
    if len(people):
        out = pd.concat([out, people], ignore_index=True)
    out = _apply_profiles(g, out, norms)
    out = out.sort_values(["rule", "entity_id"], kind="stable")
    text = [c for c in COLUMNS if c not in ("measured", "minimum", "maximum")]
    out = out.assign(**text_frame(out[text]))
    return conform(out, COLUMNS, "check_norms")


def _grid_population_rows(g, bounds: tuple[float, float], within) -> pd.DataFrame:
    """``grid_population`` violations (backend-neutral: grid and community tables only)."""
    grids = g.nodes("Grid")
    if within is not None:
        from ..scope import closure

        grids = grids[grids["id"].isin(set(closure(g.edges("CONTAINS")[["source", "target"]], [within])))]
    pop = pd.to_numeric(grids["population"].astype(object), errors="coerce").astype("float64")
    bad = pop.notna() & ((pop < bounds[0]) | (pop > bounds[1]))
    grids, pop = grids[bad.to_numpy()], pop[bad]
    comms = g.nodes("Community")
    street = grids["community_id"].map(dict(zip(comms["id"], comms["street_id"])))
    return pd.DataFrame({"rule": "grid_population", "label": "Grid", "entity_id": grids["id"].to_numpy(dtype=object),
                         "entity_name": grids["name"].to_numpy(dtype=object), "measured": pop.to_numpy(),
                         "community_id": grids["community_id"].to_numpy(dtype=object),
                         "street_id": street.to_numpy(dtype=object)})


def statutory_sizes(g, *, within=None, as_of, outside_only: bool = False) -> pd.DataFrame:
    """The size (职数) of every 居委会 and party committee in scope, with its statutory bounds.

    For each body whose kind is a key of :data:`orggraph.rules.STATUTORY_SIZES`
    (units of kind ``residents_committee``; party organisations of level
    ``committee``, ``general_branch`` or ``branch``) that ``COVERS`` a territory
    in scope: ``measured`` is the number of distinct people holding a current
    post of a role of :data:`orggraph.rules.COMMITTEE_ROLES` in it (its 班子),
    ``minimum``/``maximum`` its statutory bounds. A body with no current 班子
    post is not judged (nothing recorded), nor is a branch with a single one (a
    branch of fewer than 7 members elects a secretary, not a committee:
    中国共产党支部工作条例: 不足7人的支部不设支部委员会). ``community_id`` is the
    smallest community id that is or contains a territory it covers. ``outside_only``: only the bodies whose
    size is outside their bounds (the ``statutory_size`` violations; placed in their communities only then).
    """
    from ._frames import bodies_in_scope, community_of

    posts = g.backend.edges("HOLDS_POST")
    current = posts[rules.current_mask(posts["start"], posts["end"], as_of)
                    & posts["role"].isin(list(rules.COMMITTEE_ROLES)).to_numpy(dtype=bool)]
    size = current.drop_duplicates(["source", "target"]).groupby("target", sort=False).size()  # a look-up: no key sort
    units = g.backend.nodes("Unit")
    party = g.backend.nodes("PartyOrg")
    bodies = []
    rc = units[(units["kind"] == rules.RESIDENTS_COMMITTEE).fillna(False).to_numpy(dtype=bool)]
    bodies.append(pd.DataFrame({"label": "Unit", "entity_id": rc["id"], "entity_name": rc["name"],
                                "kind": rules.RESIDENTS_COMMITTEE}))
    levels = [k for k in rules.STATUTORY_SIZES if k != rules.RESIDENTS_COMMITTEE]
    po = party[party["level"].isin(levels).to_numpy(dtype=bool)]
    bodies.append(pd.DataFrame({"label": "PartyOrg", "entity_id": po["id"], "entity_name": po["name"],
                                "kind": po["level"]}))
    out = pd.concat(bodies, ignore_index=True)
    out = out[bodies_in_scope(g, within, out["entity_id"])]
    out["measured"] = out["entity_id"].map(size).fillna(0).astype("float64")
    judged = (out["measured"] > 0) & ~((out["kind"] == "branch") & (out["measured"] < 2))
    out = out[judged.to_numpy(dtype=bool)].reset_index(drop=True)
    out["minimum"] = out["kind"].map({k: v[0] for k, v in rules.STATUTORY_SIZES.items()}).astype("float64")
    out["maximum"] = out["kind"].map({k: v[1] for k, v in rules.STATUTORY_SIZES.items()}).astype("float64")
    if outside_only:
        out = out[~out["measured"].between(out["minimum"], out["maximum"]).to_numpy(dtype=bool)].reset_index(drop=True)
    comm, street = community_of(g, out["entity_id"])
    out["community_id"] = comm
    out["street_id"] = street
    return out


def zone_managers_per_residents_committee(g, bound, *, within=None, as_of) -> pd.DataFrame:
    """片区管理员 counted per 居委会 (seed 001: 以居委会为单位，按照300-400户/人的标准设立片区管理员).

    For each work station in scope and each community it serves (a community that
    is or contains a territory the station ``COVERS``): ``measured`` = the
    community's households ÷ the distinct people holding a current
    ``zone_manager`` post at the station whose ``zone`` is that community
    (``inf`` when there is none). The rows outside ``bound`` are returned (rule
    ``zone_manager_households_per_residents_committee``); a community with
    unknown households is not judged. Needs the posts' ``zone`` column (the
    community a zone manager serves); without it no row.
    """
    from ._frames import bodies_in_scope, communities_served

    rule = "zone_manager_households_per_residents_committee"
    columns = COLUMNS
    posts = g.backend.edges("HOLDS_POST")
    units = g.backend.nodes("Unit")
    stations = units[(units["kind"] == rules.WORKSTATION).fillna(False).to_numpy(dtype=bool)]
    stations = stations[bodies_in_scope(g, within, stations["id"])]
    if "zone" not in posts.columns or stations.empty:
        return pd.DataFrame(columns=columns)
    ok = rules.current_mask(posts["start"], posts["end"], as_of) & (posts["role"] == rules.ZONE_MANAGER).fillna(False).to_numpy(dtype=bool)
    zm = posts[ok].drop_duplicates(["source", "target", "zone"])
    managers = zm.groupby(["target", "zone"]).size().to_dict()
    comms = g.backend.nodes("Community")
    households = dict(zip(comms["id"], pd.to_numeric(comms["households"], errors="coerce")))
    names = dict(zip(comms["id"], comms["name"]))
    street = dict(zip(comms["id"], comms["street_id"]))
    scope = None
    if within is not None:
        from ._frames import descendants

        scope = descendants(g, [within])
    rows = []
    for station, served in communities_served(g, stations["id"]).items():
        for c in sorted(served):
            hh = households.get(c)
            if hh is None or hh != hh or (scope is not None and c not in scope):
                continue
            n = managers.get((station, c), 0)
            measured = float(hh) / n if n else math.inf
            if not bound[0] <= measured <= bound[1]:
                rows.append((rule, NORM_RULES[rule][0], "Community", c, names.get(c), measured, bound[0], bound[1],
                             c, street.get(c)))
    return pd.DataFrame(rows, columns=columns)


#: the area kinds every one of which should lie in some grid (网格全覆盖)
GRID_COVERED_KINDS = ("compound", "building", "boundary_zone")


def outside_grids(g, *, within=None) -> pd.DataFrame:
    """Compounds, buildings and boundary zones in scope that no grid is or contains (网格全覆盖, rule ``grid_coverage``).

    An area lies in a grid when a Grid is among its ancestors (``CONTAINS*``,
    e.g. its ``parent_id`` is a grid, or it is inside a compound inside a
    grid). One row per area in no grid: ``measured`` 0, ``minimum`` 1.
    ``community_id`` is the smallest community id above it, ``street_id`` that
    community's street (or the smallest street above it).
    """
    from ._frames import ancestor_codes, descendants, marks, places

    rule = "grid_coverage"
    every = g.backend.nodes("Area")
    ids = every["id"].to_numpy(dtype=object)
    row, code, above = ancestor_codes(g, ids)  # every area with each territory it is or lies in (above[code])
    in_grid = np.zeros(len(ids), dtype=bool)
    in_grid[row[marks(above, g.backend.nodes("Grid")["id"])[code]]] = True
    # the smallest community above (with its street), else the smallest street above
    comm, street = places(g, row, code, above, len(ids))
    no_comm = pd.isna(comm)
    # communities whose ledger records grid membership: some area of theirs lies in a grid
    recorded = set(comm[in_grid & ~no_comm])
    keep = every["kind"].isin(list(GRID_COVERED_KINDS)).to_numpy(dtype=bool) & ~in_grid
    keep &= no_comm | pd.Series(comm, dtype=object).isin(recorded).to_numpy(dtype=bool)
    if within is not None:
        keep &= every["id"].isin(descendants(g, [within])).to_numpy(dtype=bool)
    n = int(keep.sum())
    return pd.DataFrame({"rule": [rule] * n, "zh": [NORM_RULES[rule][0]] * n, "label": ["Area"] * n,
                         "entity_id": ids[keep], "entity_name": every["name"].to_numpy(dtype=object)[keep],
                         "measured": np.zeros(n), "minimum": np.ones(n), "maximum": np.full(n, math.inf),
                         "community_id": comm[keep], "street_id": street[keep]}, columns=COLUMNS)


def _apply_profiles(g, out: pd.DataFrame, norms: "Norms") -> pd.DataFrame:
    """Drop the violations of rules the profile of the row's community kind does not apply (规范档案)."""
    skipped = {(kind, r) for kind, rs in norms.profiles for r in rs}
    if not skipped or out.empty:
        return out
    comms = g.backend.nodes("Community")
    kind = out["community_id"].map(dict(zip(comms["id"], comms["kind"]))).astype(object)
    kind = kind.where(kind.notna(), None).to_numpy(dtype=object)  # missing kinds compare unequal, never raise
    rule = out["rule"].to_numpy(dtype=object)
    keep = np.ones(len(out), dtype=bool)
    for k, r in skipped:  # a few (kind, rule) pairs: one vectorised test each, not a tuple per row
        keep &= ~((kind == k) & (rule == r))
    return out[keep]
