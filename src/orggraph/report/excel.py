"""The audit report (体检报告) as an Excel workbook a department can hand on.

Chinese sheet names and headers by default (``lang="en"`` for English), the
headline sheet first with value, numerator, denominator and the name of each
indicator's definition, percentages formatted ``0.0%``, column widths set, the
header row frozen, an autofilter on every table, and the place and date named
in a title row ("孝南区 · 2022-01-01"). Every cell is written inert
(:func:`orggraph.outputs.write_xlsx`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..outputs import Sheet, write_xlsx
from .html import TABLE_TITLES

__all__ = ["COLUMN_TITLES", "HEADLINE_TITLES", "sheet_name", "excel_sheets", "write_excel", "column_title"]

#: column → Chinese header (the English header is the column name itself)
COLUMN_TITLES = {
    "indicator": "指标名", "zh": "名称", "measure": "类型", "value": "数值", "numerator": "分子", "denominator": "分母",
    "community_id": "社区编号", "community_name": "社区", "street_id": "街道编号", "street_name": "街道",
    "members": "成员人数", "cross_appointed": "交叉任职人数", "rate": "比率", "secretaries": "书记",
    "directors": "主任", "one_shoulder": "一肩挑", "area_id": "区域编号", "area_name": "区域", "households": "户数",
    "unit_id": "单位编号", "unit_name": "单位", "compounds": "小区数", "grid_id": "网格编号", "grid_name": "网格",
    "part_time_members": "兼职委员人数", "territory_id": "所在区域编号", "member_reports": "党员报到人数",
    "id": "编号", "label": "类别", "name": "名称", "kind": "类型", "status": "状态", "claimants": "主张管辖的社区",
    "adjacent_communities": "相邻社区", "governing_bodies": "管辖主体", "inherited": "沿用上级",
    "expected": "应有层级数", "reached": "已达层级数", "complete": "完整", "first_missing": "首个缺失层级",
    "missing_zh": "缺失层级", "rule": "规则代码", "entity_id": "对象编号", "entity_name": "对象",
    "measured": "实测值", "minimum": "下限", "maximum": "上限", "cadre_id": "人员编号", "posts": "职务数",
    "bodies": "组织数", "body_ids": "组织编号", "roles": "职务", "body_a": "组织甲编号", "body_a_name": "组织甲",
    "body_a_label": "组织甲类别", "body_a_kind": "组织甲类型", "body_b": "组织乙编号", "body_b_name": "组织乙",
    "body_b_label": "组织乙类别", "body_b_kind": "组织乙类型", "shared": "共同人员数", "people": "共同人员编号",
    "weight": "权重", "base": "分母人数", "applicable": "适用", "reason": "不适用原因", "left_out": "未计入社区数",
    "definition": "定义", "eligible": "应建", "obliged": "应报到", "communities": "社区数",
}
#: (table, column) → Chinese header where the table gives a column another meaning
_TABLE_COLUMN_TITLES = {("norm_violations", "zh"): "规则", ("norm_violations", "label"): "对象类别",
                        # the cross-appointment rate's ``denominator`` names its base (its count is ``base``)
                        ("cross_appointment", "denominator"): "分母口径",
                        ("two_of_three_bodies", "denominator"): "分母口径"}

#: the headline sheet's columns in order, with (Chinese, English) headers
HEADLINE_TITLES = {
    "zh": ("指标", "indicator (zh)"), "value": ("数值", "value"), "numerator": ("分子", "numerator"),
    "denominator": ("分母", "denominator"), "definition": ("定义", "definition"), "measure": ("类型", "measure"),
    "indicator": ("指标名", "indicator"),
}
_HEADLINE_SHEET = ("主要指标", "headline")
#: English sheet names of tables whose name is longer than a sheet name may be (31 characters)
EN_SHEET_NAMES = {
    "property_companies_without_branch": "property_cos_without_branch",
    "communities_without_part_time_member": "communities_no_part_time_member",
    "large_compounds_without_committee": "large_compounds_no_committee",
}
#: characters a sheet name cannot hold
_BAD_SHEET = str.maketrans({c: "、" for c in "/\\?*[]:"})
#: columns holding shares (0–1): formatted as percentages
_RATE_COLUMNS = {"rate", "share", "member_share"}


def column_title(table: str, column: str, lang: str = "zh") -> str:
    """The header of ``column`` of ``table`` in ``lang`` ("zh" or "en")."""
    if lang == "en":
        return str(column)
    return _TABLE_COLUMN_TITLES.get((table, column)) or COLUMN_TITLES.get(str(column), str(column))


def sheet_name(table: str, lang: str = "zh") -> str:
    """The worksheet name of an audit table (at most 31 characters, none of ``/\\?*[]:``)."""
    if table == "headline":
        name = _HEADLINE_SHEET[0 if lang == "zh" else 1]
    elif lang == "zh" and table in TABLE_TITLES:
        name = TABLE_TITLES[table][1]
    else:
        name = EN_SHEET_NAMES.get(table, table)
    return name.translate(_BAD_SHEET)[:31]


def _yes_no(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    bools = [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c].dtype)]
    if not bools or lang != "zh":
        return frame
    out = frame.copy()
    for c in bools:
        out[c] = out[c].map(lambda v: None if v is None or v is pd.NA else ("是" if v else "否")).astype(object)
    return out


def excel_sheets(report, lang: str = "zh") -> list[Sheet]:
    """The worksheets of :func:`write_excel`: the headline first, then every table of the report."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    title = report.place_label
    head = report.headline[list(HEADLINE_TITLES)].copy()
    if "applicable" in report.headline:  # a figure that does not apply reads 不适用 (n/a), never 0 %
        from ..queries.audit import NOT_APPLICABLE

        na = ~report.headline["applicable"].fillna(True).astype(bool).to_numpy()
        head["value"] = head["value"].astype(object)
        head.loc[na, "value"] = NOT_APPLICABLE
    rate_rows = ["#,##0" if m == "数量" else "0.0%" for m in head["measure"]]
    sheets = [Sheet(sheet_name("headline", lang), head,
                    headers=[t[0 if lang == "zh" else 1] for t in HEADLINE_TITLES.values()],
                    formats={"value": rate_rows, "numerator": "#,##0", "denominator": "#,##0"},
                    title=f"体检报告 Audit · {title}")]
    for name, frame in report.items():
        formats = {c: "0.0%" for c in frame.columns if c in _RATE_COLUMNS}
        zh = TABLE_TITLES.get(name, (name, name))[1]
        sheets.append(Sheet(sheet_name(name, lang), _yes_no(frame, lang),
                            headers=[column_title(name, c, lang) for c in frame.columns], formats=formats,
                            title=f"{zh} {name} · {title} · {len(frame):,} 行"))
    return sheets


def write_excel(report, path: str | Path, lang: str = "zh") -> Path:
    """Write ``report`` as an .xlsx workbook (see the module notes); returns ``path``."""
    return write_xlsx(path, excel_sheets(report, lang), description=f"writing {Path(path).name}")
