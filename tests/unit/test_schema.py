"""The schema honours the ledger contract (LEDGER.md) and the generated docs match it."""

from __future__ import annotations

from pathlib import Path

import pytest

from orggraph import schema
from orggraph.errors import SchemaError

pytestmark = pytest.mark.quick  # in the quick subset (docs/testing.md)

ROOT = Path(__file__).resolve().parents[2]

# The contract of ../shared/LEDGER.md: table → canonical columns. A developer may add, never rename.
CONTRACT = {
    "districts": ["id", "name"],
    "streets": ["id", "name", "district_id", "households", "population"],
    "communities": ["id", "name", "street_id", "kind", "households", "population"],
    "grids": ["id", "name", "community_id", "parent_grid_id", "households"],
    "areas": ["id", "name", "kind", "parent_id", "households", "geometry"],
    "party_orgs": ["id", "name", "level", "parent_id", "territory_id", "unit_id"],
    "units": ["id", "name", "kind", "territory_id", "parent_id"],
    "cadres": ["id", "name", "gender", "birth_year", "party_member", "phone"],
    "posts": ["cadre_id", "body_id", "role", "start", "end", "part_time"],
    "contains": ["parent_id", "child_id"],
    "covers": ["body_id", "territory_id"],
    "reports": ["reporter_id", "community_id", "date"],
    "liaisons": ["cadre_id", "territory_id", "start"],
    "adjacency": ["a_id", "b_id"],
}
CONTRACT_VALUES = {
    "community_kind": {"urban": "城市社区", "converted": "村改居", "rural": "农村社区", "village": "村"},
    "area_kind": {"compound": "小区", "building": "楼栋", "village": "自然村", "boundary_zone": "交界区域"},
    "party_level": {"working_committee": "党工委", "committee": "党委", "general_branch": "党总支",
                    "branch": "党支部", "group": "党小组", "household": "党员中心户"},
    "role": {"secretary": "书记", "deputy_secretary": "副书记", "member": "委员", "director": "主任",
             "deputy_director": "副主任", "station_chief": "站长", "staff": "工作人员", "grid_leader": "网格长",
             "grid_worker": "网格员", "part_time_member": "兼职委员", "zone_manager": "片区管理员"},
    "unit_kind": {"residents_committee": "居委会", "workstation": "工作站", "owners_committee": "业委会",
                  "property_company": "物业公司", "cooperative": "股份经济合作社",
                  "supervisory_committee": "居务监督委员会", "self_management_committee": "自管委",
                  "resident_unit": "驻区单位", "social_org": "社会组织", "service_team": "服务队"},
}


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_contract_columns_exist(table):
    spec = schema.NODE_TABLES.get(table) or schema.EDGE_TABLES[table]
    assert set(CONTRACT[table]) <= set(spec.columns)


@pytest.mark.parametrize("enum", sorted(CONTRACT_VALUES))
def test_contract_values_and_aliases(enum):
    for value, alias in CONTRACT_VALUES[enum].items():
        assert schema.normalize_value(enum, value) == value
        assert schema.normalize_value(enum, alias) == value


def test_docs_ledger_is_generated_from_schema():
    assert (ROOT / "docs" / "ledger.md").read_text(encoding="utf-8") == schema.ledger_markdown(), (
        "docs/ledger.md is stale: run `python -m orggraph.schema > docs/ledger.md`"
    )


def test_every_reference_column_targets_known_kinds():
    for k in schema.NODE_KINDS.values():
        for r in k.refs:
            assert r.edge in schema.EDGE_TYPES
            for target in r.targets:
                src, dst = (target, k.name) if r.incoming else (k.name, target)
                assert schema.EDGE_TYPES[r.edge].allows(src, dst), (k.name, r.column, target)


def test_every_edge_type_has_a_ledger_table():
    assert {t.edge for t in schema.EDGE_TABLES.values()} == set(schema.EDGE_TYPES)


def test_suggestions():
    assert schema.suggest("party_level", "党支布") == "did you mean 党支部 (branch)?"
    assert schema.suggest("role", "secretery") == "did you mean secretary (书记)?"
    assert schema.suggest("role", "zzzzzz") is None


def test_unknown_kind_and_type():
    with pytest.raises(SchemaError):
        schema.node_kind("Village")
    with pytest.raises(SchemaError):
        schema.edge_type("KNOWS")
