"""A template workbook for a new ledger (台账模板): every table, Chinese headers, drop-down lists, an example row.

``orggraph template --out 台账模板.xlsx`` writes it. Its sheets carry the Chinese
table names and its headers the first Chinese name of each column (both listed
in ``docs/ledger.md``), so the filled-in workbook reads back as it is; the
example rows form a small valid ledger of their own.
"""

from __future__ import annotations

from pathlib import Path

from ..schema import EDGE_TABLES, ENUMS, NODE_TABLES, TABLE_ALIASES

__all__ = ["write_template", "EXAMPLE"]

#: one example row per table, as a user would type it (Chinese values); together a valid ledger
EXAMPLE: dict[str, dict[str, object]] = {
    "districts": {"id": "d1", "name": "东港区"},
    "streets": {"id": "s1", "name": "石臼街道", "district_id": "d1", "households": 3000, "population": 9000},
    "communities": {"id": "c1", "name": "振兴社区", "street_id": "s1", "kind": "城市社区", "households": 800,
                    "population": 2400},
    "grids": {"id": "g1", "name": "振兴社区第一网格", "community_id": "c1", "households": 300},
    "areas": {"id": "a1", "name": "御景小区", "kind": "小区", "parent_id": "g1", "households": 300},
    "party_orgs": {"id": "po1", "name": "振兴社区党委", "level": "党委", "territory_id": "c1"},
    "units": {"id": "u1", "name": "振兴社区居委会", "kind": "居委会", "territory_id": "c1"},
    "cadres": {"id": "p1", "name": "张三", "gender": "男", "birth_year": 1975, "party_member": "是",
               "phone": "13800000000"},
    "posts": {"cadre_id": "p1", "body_id": "po1", "role": "书记", "start": "2021-01-01", "part_time": "否"},
    "contains": {"parent_id": "s1", "child_id": "a2"},
    "subordination": {"body_id": "u2", "parent_id": "u1"},
    "covers": {"body_id": "u1", "territory_id": "g1"},
    "reports": {"reporter_id": "p1", "community_id": "c1", "date": "2021-03-01"},
    "liaisons": {"cadre_id": "p1", "territory_id": "c1", "start": "2021-01-01"},
    "adjacency": {"a_id": "a1", "b_id": "a2"},
    "memberships": {"cadre_id": "p1", "party_org_id": "po1", "status": "正式党员", "start": "2010-07-01"},
    "responsibilities": {"cadre_id": "p1", "area_id": "a1", "kind": "联系户"},
}
#: second rows the examples above refer to: a boundary zone the street holds (交界区域) next to
#: 御景小区, and an owners' committee answering to the 居委会
_MORE = {
    "areas": [{"id": "a2", "name": "振兴路交界地带", "kind": "交界区域"}],
    "units": [{"id": "u2", "name": "御景小区业委会", "kind": "业委会", "territory_id": "a1"}],
}


def _columns(table: str):
    if table in NODE_TABLES:
        spec = NODE_TABLES[table]
        return [(a.name, a.aliases, a.enum, a.type) for a in spec.attrs] + [(r.column, r.aliases, None, "id") for r in spec.refs]
    spec = EDGE_TABLES[table]
    return [(a.name, a.aliases, a.enum, "id" if a.ref else a.type) for a in (spec.source, spec.target, *spec.attrs)]


def write_template(path: str | Path, rows: int = 1000) -> Path:
    """Write the template workbook to ``path``: one sheet per table, drop-down lists on ``rows`` rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    for table in (*NODE_TABLES, *EDGE_TABLES):
        ws = wb.create_sheet(TABLE_ALIASES[table][0])
        cols = _columns(table)
        ws.append([aliases[0] if aliases else name for name, aliases, _, _ in cols])
        for example in [EXAMPLE[table], *_MORE.get(table, [])]:
            ws.append([example.get(name) for name, _, _, _ in cols])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for pos, (name, aliases, enum, typ) in enumerate(cols, start=1):
            ws.column_dimensions[_letter(pos)].width = max(10, 2 * len(aliases[0] if aliases else name) + 4)
            choices = [vals[0] if vals else v for v, vals in ENUMS[enum].values.items()] if enum else \
                ["是", "否"] if typ == "bool" else None
            if choices:
                dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle="不在列表中", error="请从下拉列表中选择")
                ws.add_data_validation(dv)
                dv.add(f"{_letter(pos)}2:{_letter(pos)}{rows + 1}")
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _letter(pos: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(pos)
