"""The party organisation chain (组织链条): 街道党工委—社区党委—小区党支部—楼栋党小组—党员中心户.

Definitions shared by both backends
-----------------------------------
*Levels and their territories.* Each level of the chain leads a territory of
the compound or building being examined:

=====================  ==============  ==============================================
level                  Chinese         territory, for a compound or building ``a``
=====================  ==============  ==============================================
``working_committee``  街道党工委      a street containing ``a`` (``CONTAINS*``)
``committee``          社区党委        a claimant community of ``a`` (``CONTAINS*``)
``general_branch``     党总支          a claimant community of ``a``
``branch``             小区党组织      ``a`` itself if a compound or village; for a
                                       building, a compound containing it
                                       (``CONTAINS+``); any grid containing ``a``
                                       (网格党支部)
``group``              楼栋党小组      ``a`` itself (buildings; villages: 村党小组)
``household``          党员中心户      ``a`` itself (buildings and villages)
=====================  ==============  ==============================================

*The organisations of a level.* Party organisations (``PartyOrg``) of the
levels that hold the link (:func:`orggraph.rules.chain_level_orgs`) **with
no** ``unit_id``: the chain is the territorial one, and a branch inside a
unit (a property company's 党支部, a cooperative's 党总支) is not one of its
links. ``committee`` stands for a community's party organisation (社区党委
or 党总支); ``branch`` for a compound's (小区党支部, 党总支, 小区党委, a
联合支部 covering several compounds) or a grid's 网格党支部.

*Reached.* The first level of the chain is reached when an organisation of
that level ``COVERS`` (directly) one of the level's territories; each
following level when an organisation of that level ``COVERS`` one of its
territories **and** is ``SUBORDINATE_TO`` (directly) an organisation reached
at the previous level. A branch hanging off nothing, or off another
community's committee, breaks the chain there. ``reached`` counts the levels
reached from the top; by construction they are contiguous.

*Expected* (:func:`expected_levels`). A compound expects the levels of the
chain whose territory is a street, a community or a compound (by default the
first three); a village the same, plus its 村党小组 when ``group`` comes next;
a building expects every level. A building in no compound cannot reach ``branch``
(there is no 小区 whose 党支部 it could hang off) and is reported as missing
it; leave ``branch`` out of ``chain`` to examine such buildings.

*Contested and unassigned areas.* The territories of a level are all the
candidates (every claimant community, every containing street and compound);
the chain is reached through whichever candidates reach furthest, which is
the same as evaluating the area against each claimant community and keeping
the best. An unassigned area has no community, so it cannot pass the
``committee`` level.

*Dates.* The chain is built from the structure as it stood at ``as_of``:
dated party organisations, territories and links that did not exist that day
are left out (:func:`orggraph.rules.exists_mask`, applied in
:func:`orggraph.queries._base.dispatch`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import rules
from ..schema import ENUMS
from ._base import check_within, conform, dispatch, normalize_as_of, register

__all__ = ["chain_breaks", "expected_levels", "CHAIN", "LEVEL_TERRITORY", "LEVEL_ZH"]

#: the five-level chain of the seeds (栖霞市): 街道党工委—社区党委—小区党支部—楼栋党小组—党员中心户
CHAIN = ("working_committee", "committee", "branch", "group", "household")

#: the territory each level leads (see the module notes)
LEVEL_TERRITORY = {
    "working_committee": "street",
    "committee": "community",
    "general_branch": "community",
    "branch": "compound",
    "group": "building",
    "household": "building",
}

#: Chinese name of each level as a link of the chain (``missing_zh``)
LEVEL_ZH = {
    "working_committee": "街道党工委",
    "committee": "社区党委",
    "general_branch": "党总支",
    "branch": "小区党支部",
    "group": "楼栋党小组",
    "household": "党员中心户",
}

#: Chinese name of a level as a village's link, where it differs (a village's own branch and group)
VILLAGE_LEVEL_ZH = {"branch": "村党支部", "group": "村党小组"}

_TERRITORY_RANK = {"street": 0, "community": 1, "compound": 2, "building": 3}


def expected_levels(kinds, chain) -> np.ndarray:
    """The number of levels of ``chain`` each area expects (int64), given the areas' kinds.

    A compound and a village (:data:`orggraph.rules.CHAIN_COMPOUND_LEVEL_KINDS`) expect the levels whose
    territory is in :data:`orggraph.rules.CHAIN_LEVELS_AT_COMPOUND` (by default 党工委, 社区党委/党总支 and the
    compound's or village's own organisation); a village one more when the next level is
    :data:`orggraph.rules.CHAIN_VILLAGE_GROUP` (its 村党小组); a building every level. The expected levels are
    always the first ones of the chain (it runs top down), so ``reached`` is compared with a count.
    """
    kinds = np.asarray(kinds, dtype=object)
    at_compound = sum(LEVEL_TERRITORY[lv] in rules.CHAIN_LEVELS_AT_COMPOUND for lv in chain)
    at_village = at_compound + int(at_compound < len(chain) and chain[at_compound] == rules.CHAIN_VILLAGE_GROUP)
    return np.select(
        [kinds == rules.VILLAGE, np.isin(kinds, list(rules.CHAIN_COMPOUND_LEVEL_KINDS))],
        [at_village, at_compound], len(chain),
    ).astype(np.int64)

_CHAIN_COLUMNS = [
    "area_id",
    "area_name",
    "kind",
    "community_id",
    "street_id",
    "expected",
    "reached",
    "complete",
    "first_missing",
    "missing_zh",
]


def chain_columns(kinds, depth, chain) -> dict[str, np.ndarray]:
    """``expected, reached, complete, first_missing, missing_zh`` from the areas' kinds and the depth the chain
    reached for each (both backends compute ``depth``; the rest is derived here, once)."""
    kinds = np.asarray(kinds, dtype=object)
    expected = expected_levels(kinds, chain)
    reached = np.minimum(np.asarray(depth, dtype=np.int64), expected).astype(np.int64)
    complete = reached == expected
    broken = np.flatnonzero(~complete)
    missing = np.full(len(kinds), None, dtype=object)
    missing_zh = np.full(len(kinds), None, dtype=object)
    if len(broken):
        levels = np.array(chain, dtype=object)[reached[broken]]
        missing[broken] = levels
        missing_zh[broken] = [
            VILLAGE_LEVEL_ZH.get(lv, LEVEL_ZH[lv]) if k == rules.VILLAGE else LEVEL_ZH[lv]
            for lv, k in zip(levels, kinds[broken])
        ]
    return {"expected": expected, "reached": reached, "complete": complete, "first_missing": missing,
            "missing_zh": missing_zh}


def check_chain(chain) -> tuple[str, ...]:
    """Canonical levels of ``chain`` (English or Chinese), checked: known, distinct, top to bottom."""
    if isinstance(chain, str):
        chain = (chain,)
    try:
        chain = tuple(chain)
    except TypeError:
        raise ValueError(f"chain={chain!r}: give a sequence of party levels, e.g. {CHAIN!r}") from None
    if not chain:
        raise ValueError("chain is empty: give at least one party level, e.g. ('working_committee', 'committee')")
    lookup = ENUMS["party_level"].lookup()
    out = []
    for level in chain:
        canonical = lookup.get(level) if isinstance(level, str) else None
        if canonical is None and isinstance(level, str):
            canonical = lookup.get(level.strip().lower())
        if canonical is None:
            raise ValueError(f"chain: unknown party level {level!r}; use {', '.join(LEVEL_TERRITORY)}")
        out.append(canonical)
    if len(set(out)) != len(out):
        raise ValueError(f"chain={chain!r} names the same level twice")
    if "committee" in out and "general_branch" in out:
        raise ValueError("chain: 'committee' already includes 党总支 (general_branch); name only one of them")
    ranks = [_TERRITORY_RANK[LEVEL_TERRITORY[lv]] for lv in out]
    if ranks != sorted(ranks):
        raise ValueError(
            f"chain={tuple(out)!r} must run from the top down: street (working_committee), community "
            "(committee/general_branch), compound (branch), building (group, household)"
        )
    return tuple(out)


@register(_CHAIN_COLUMNS, zh="组织链条")
def chain_breaks(g, chain=CHAIN, *, within: str | None = None, as_of=None) -> pd.DataFrame:
    """Check that the party chain (组织链条) reaches every compound (小区), building (楼栋) and village (村).

    For each area of kind ``compound``, ``building`` or ``village`` in scope: how far the
    chain 街道党工委—社区党委—小区党支部—楼栋党小组—党员中心户 reaches it, and
    the first missing link (see the module notes for the exact rules: each
    level's organisation must ``COVERS`` the level's territory and be
    ``SUBORDINATE_TO`` an organisation reached at the level above).

    Parameters
    ----------
    g : OrgGraph
    chain : sequence of str
        The levels, top down (English or Chinese: ``"党工委"``, ``"社区党委"``
        …). Drop levels a place does not have, or substitute them: 胶河
        uses ``("working_committee", "general_branch", "branch")``. Levels
        must be distinct and ordered street → community → compound →
        building; ``group`` and ``household`` (both at the building) may come
        in either order; ``committee`` already includes ``general_branch``.
    within : str, optional
        Territory id; compounds and buildings contained by it (``CONTAINS*``).
    as_of : date or str, optional
        The structure as it stood that day (dated organisations, territories
        and links outside it are left out); default today.

    Returns
    -------
    pandas.DataFrame
        ``area_id, area_name, kind`` (compound, building or village);
        ``community_id``: the community on the deepest chain found (smallest
        id among ties); when the chain reached no community level, the
        smallest claimant community; None when unassigned;
        ``street_id``: likewise the street on the deepest chain, else the
        street of ``community_id``, else the smallest street containing the
        area; ``expected``: the number of levels expected (int64);
        ``reached``: the number reached from the top (int64, ≤ expected);
        ``complete``: ``reached == expected``; ``first_missing``: the level
        ``chain[reached]`` when incomplete, else None; ``missing_zh``: its
        Chinese name (e.g. 小区党支部). Sorted by ``area_id``.

    Raises
    ------
    ValueError
        When ``chain`` names an unknown level, a level twice, or runs upwards.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Street", "s1", name="翠屏街道")
    >>> g.add_node("Community", "c1", name="安宁社区", street_id="s1")
    >>> g.add_node("Area", "a1", name="御景小区", kind="compound", parent_id="c1")
    >>> g.add_node("Area", "b1", name="1号楼", kind="building", parent_id="a1")
    >>> g.add_node("PartyOrg", "w", name="街道党工委", level="working_committee", territory_id="s1")
    >>> g.add_node("PartyOrg", "p", name="社区党委", level="committee", territory_id="c1", parent_id="w")
    >>> g.add_node("PartyOrg", "br", name="御景小区党支部", level="branch", territory_id="a1", parent_id="p")
    >>> g.chain_breaks()[["area_id", "expected", "reached", "complete", "missing_zh"]]
      area_id  expected  reached  complete missing_zh
    0      a1         3        3      True       None
    1      b1         5        3     False      楼栋党小组
    """
    levels = check_chain(chain)
    result = dispatch(
        g, "chain_breaks", chain=levels, within=check_within(g, within), as_of=normalize_as_of(as_of)
    )
    return conform(result, _CHAIN_COLUMNS, "chain_breaks")
