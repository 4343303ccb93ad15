"""Scenario operations, one module per domain; each registers itself in :data:`OPERATIONS`.

========================  ===========  ==========================================================
operation                 module       what it does
========================  ===========  ==========================================================
``merge_communities``     merge        撤并: communities join another; bodies dissolved; 二级网格
``split_community``       boundaries   a community re-cut into several new ones
``move_areas``            boundaries   areas or grids move to another territory
``assign_area``           boundaries   an unassigned or contested area gets one community
``separate_station``      stations     居站分设 / 一站多居: a work station serving communities
``regrid``                regrid       a community's areas re-partitioned into ~300-household grids
``appoint``               staffing     a post starts
``end_post``              staffing     a post ends
``add_party_org``         staffing     a party organisation is set up
``add_part_time_member``  staffing     a 兼职委员 joins a 大党委 / 大工委
``report``                staffing     a 双报到 report
``add_cadre``             people       a new person
``add_unit``              people       a new unit (居委会, 监委会 …)
``elect``                 people       换届: a body's 班子 replaced in one step
``form_community``        villages     社区化: a rural community over villages; 党总支, service team
``carve_community``       recut        增设社区: a community carved out of another, which stays
``add_grid``              recut        增设网格: a grid added inside a community
========================  ===========  ==========================================================
"""

from __future__ import annotations

from . import boundaries, merge, people, recut, regrid, staffing, stations, villages  # noqa: F401  (registration)
from ._registry import OPERATIONS, Operation, Outcome, bind, plain

__all__ = ["OPERATIONS", "Operation", "Outcome", "bind", "plain"]
