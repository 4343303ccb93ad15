"""The audit report (体检报告) as one self-contained HTML file.

:func:`write_html` writes an :class:`~orggraph.queries.audit.AuditReport` as a
single ``.html`` file that opens anywhere without network access: the styles
are inline, the plots are embedded as base64 PNG images (drawn with the CJK
font of :mod:`orggraph.plot.fonts`, so their Chinese needs no web font), and
the page's own text uses the fonts installed on the reader's machine. There is
no script and no external URL in the file.

Every value is HTML-escaped (names may contain ``<``, ``&`` or quotes). People
appear by id only: the ``name`` column of the ``connectors`` table is left
out, any ``phone`` column is dropped, and a body named after a person
(党员中心户(张三)) shows the person's id, unless ``show_people=True``.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..queries.audit import NOT_APPLICABLE

__all__ = ["write_html", "render_html", "trend_dates", "TABLE_TITLES", "NETWORK_LIMIT", "TREND_DATES", "TREND_PLOTS"]

#: at most this many dates in the report's trend section (the latest year ends and the report's date)
TREND_DATES = 5
#: at most this many indicators drawn in the trend figure (the rates that changed, in the audit's order)
TREND_PLOTS = 6

#: detail table → (English title, Chinese title), in the order the report shows them
TABLE_TITLES = {
    "compounds_without_org": ("Compounds without a party organisation", "小区无党组织"),
    "large_compounds_without_committee": ("Compounds of 500+ households without a residents' committee", "500户以上小区无居委会"),
    "grids_without_worker": ("Grids without a full-time grid worker", "网格无专职网格员"),
    "property_companies_without_branch": ("Property companies without a party organisation", "物业企业无党组织"),
    "communities_without_part_time_member": ("Community committees without a part-time member", "大党委无兼职委员"),
    "units_not_reporting": ("Resident units that have not reported (双报到)", "单位未双报到"),
    "communities_without_reports": ("Communities no unit reports to", "社区无单位报到"),
    "unassigned_areas": ("Unassigned and contested areas", "治理真空带/交界争议区域"),
    "boundary_zones": ("Boundary zones and who governs them", "交界区域管辖主体"),
    "chain_breaks": ("Breaks in the party chain", "组织链条断点"),
    "chain_levels": ("Buildings the party chain reaches, per level", "组织链条逐级覆盖"),
    "norm_violations": ("Staffing norm violations", "配置标准不达标"),
    "cross_appointment": ("Cross-appointment per community (两委)", "两委交叉任职率"),
    "two_of_three_bodies": ("People in two of the three bodies per community (党组织, 居委会, 业委会)", "三体交叉任职(任两委)"),
    "owners_committee_overlap": ("Two-committee members on the owners' committees (三委)", "三委交叉任职(业委会)"),
    "one_shoulder": ("Secretary and director in one person", "一肩挑"),
    "connectors": ("People holding posts in several bodies (ids)", "一人多职"),
    "interlocks": ("Bodies sharing people", "交叉任职网络"),
    "sample_deviations": ("Deliberate deviations of this sample from its source document", "样本有意偏离原文"),
}

#: columns never written unless ``show_people=True`` (table → columns); "phone" is dropped everywhere
PERSONAL_COLUMNS = {"connectors": ("name",)}

_CSS = """
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei",
       "Hiragino Sans GB", "SimHei", system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1.5rem;
       color: #1a1a1a; background: #ffffff; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #08519c; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; }
.meta { color: #555; font-size: .9rem; }
.status { display: inline-block; padding: .15rem .6rem; border-radius: .3rem; font-weight: 600; }
.status.ok { background: #e5f5e0; color: #006d2c; }
.status.bad { background: #fee0d2; color: #a50f15; }
table { border-collapse: collapse; font-size: .85rem; margin: .3rem 0 .6rem; }
th, td { border: 1px solid #d9d9d9; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafafa; }
.wrap { overflow-x: auto; max-height: 34rem; overflow-y: auto; }
figure { margin: 1rem 0 2rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: .85rem; }
.note { color: #555; font-size: .85rem; }
nav ul { columns: 2; font-size: .9rem; }
"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _missing(v) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (list, tuple, np.ndarray)) else False
    except (TypeError, ValueError):
        return False


def _cell(v) -> tuple[str, bool]:
    """(escaped text, numeric?) of one value."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return _e(", ".join(map(str, v))), False
    if _missing(v):
        return "–", False
    if isinstance(v, (bool, np.bool_)):
        return ("是 yes" if v else "否 no"), False
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}", True
    if isinstance(v, (float, np.floating)):
        return (f"{v:,.0f}" if float(v).is_integer() and abs(v) >= 1 else f"{v:.3f}"), True
    if isinstance(v, (pd.Timestamp, _dt.date)):
        return _e(v.strftime("%Y-%m-%d")), False
    return _e(v), False


def _table(frame: pd.DataFrame, table_id: str, max_rows: int | None) -> str:
    shown = frame if max_rows is None else frame.head(max_rows)
    head = "".join(f"<th>{_e(c)}</th>" for c in shown.columns)
    body = []
    for row in shown.itertuples(index=False):
        cells = []
        for v in row:
            text, num = _cell(v)
            cells.append(f'<td class="num">{text}</td>' if num else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    out = (f'<div class="wrap"><table id="{_e(table_id)}" class="data"><thead><tr>{head}</tr></thead>'
           f"<tbody>{''.join(body)}</tbody></table></div>")
    if max_rows is not None and len(frame) > max_rows:
        out += (f'<p class="note">First {max_rows:,} of {len(frame):,} rows shown '
                f"(前 {max_rows:,} 行); the .xlsx or CSV export (<code>--out report.xlsx</code>) has them all.</p>")
    return out



def _headline(frame: pd.DataFrame) -> str:
    rows = []
    for rec in frame.itertuples(index=False):
        if not getattr(rec, "applicable", True):
            value = NOT_APPLICABLE
        else:
            value = "–" if _missing(rec.value) else (f"{int(rec.value):,}" if rec.measure == "数量" else f"{rec.value:.1%}")
        definition = getattr(rec, "definition", "")
        num = "" if _missing(rec.numerator) else f"{int(rec.numerator):,}"
        den = "" if _missing(rec.denominator) else f"{int(rec.denominator):,}"
        rows.append(f"<tr><td>{_e(rec.zh)}</td><td><code>{_e(rec.indicator)}</code></td><td>{_e(rec.measure)}</td>"
                    f'<td class="num"><strong>{_e(value)}</strong></td><td class="num">{num}</td><td class="num">{den}</td>'
                    f"<td>{_e(definition if isinstance(definition, str) else '')}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ("指标", "indicator", "measure 类型", "value 数值", "numerator 分子", "denominator 分母",
                                            "definition 定义"))
    return f'<table id="headline" class="headline"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


# --------------------------------------------------------------------------- personal data


def _report_masks(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Body id → name with person names replaced by ids, from the report alone (no graph).

    The people of an ``interlocks`` row hold posts in both of its bodies; a
    body name that contains such a person's name (from ``connectors``) gets
    the person's id instead.
    """
    conn, links = tables.get("connectors"), tables.get("interlocks")
    if conn is None or links is None or not len(conn) or not len(links):
        return {}
    person = dict(zip(conn["cadre_id"], conn["name"]))
    out: dict[str, str] = {}
    for rec in links.itertuples(index=False):
        for body, name in ((rec.body_a, rec.body_a_name), (rec.body_b, rec.body_b_name)):
            if not isinstance(name, str):
                continue
            new = out.get(body, name)
            for pid in rec.people:
                pname = person.get(pid)
                if isinstance(pname, str) and len(pname.strip()) >= 2 and pname.strip() in new:
                    new = new.replace(pname.strip(), str(pid))
            if new != name:
                out[body] = new
    return out


def _id_column(frame: pd.DataFrame, name_col: str) -> str | None:
    stem = name_col[: -len("name")].rstrip("_")
    for c in (f"{stem}_id", stem, "id" if not stem else None):
        if c and c in frame.columns and c != name_col:
            return c
    return None


def _private(tables: dict[str, pd.DataFrame], masks: dict[str, str]) -> dict[str, pd.DataFrame]:
    out = {}
    for name, frame in tables.items():
        drop = [c for c in frame.columns if c in PERSONAL_COLUMNS.get(name, ()) or str(c).lower() in ("phone", "联系电话")]
        f = frame.drop(columns=drop)
        if masks:
            for col in [c for c in f.columns if str(c) == "name" or str(c).endswith("_name")]:
                idc = _id_column(f, str(col))
                if idc is None:
                    continue
                hit = f[idc].isin(list(masks))
                if hit.any():
                    f = f.copy()
                    f.loc[hit, col] = f.loc[hit, idc].map(masks)
        out[name] = f
    return out


# --------------------------------------------------------------------------- plots


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=110, facecolor="white")
    finally:
        plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _interlock_graph(links: pd.DataFrame, masks: dict[str, str]):
    import networkx as nx

    net = nx.Graph()
    for side in ("a", "b"):
        for i, n, k in zip(links[f"body_{side}"], links[f"body_{side}_name"], links[f"body_{side}_kind"]):
            net.add_node(i, name=masks.get(i, n), kind=k)
    net.add_edges_from((a, b, {"weight": float(w)}) for a, b, w in zip(links["body_a"], links["body_b"], links["weight"]))
    return net


#: the network plot draws at most this many bodies (networkx's spring layout needs scipy from 500 nodes,
#: and a drawing of thousands of bodies is an unreadable blob that takes a minute)
NETWORK_LIMIT = 400


def _drawable(net, limit: int = NETWORK_LIMIT):
    """``(network to draw, note)``: the whole network when small, else its largest components up to ``limit``
    bodies (the best-linked ``limit`` bodies of the largest one, when that alone is larger); note says what is shown."""
    import networkx as nx

    n = net.number_of_nodes()
    if n <= limit:
        return net, ""
    comps = sorted(nx.connected_components(net), key=lambda c: (-len(c), min(map(str, c))))
    keep: list = []
    for comp in comps:
        if len(keep) + len(comp) > limit:
            break
        keep += comp
    shown = len([c for c in comps if c <= set(keep)]) if keep else 0
    if not keep:  # the largest component alone is too large: its best-linked bodies
        deg = net.subgraph(comps[0]).degree(weight="weight")
        keep = [v for v, _ in sorted(deg, key=lambda vd: (-vd[1], str(vd[0])))[:limit]]
        note = (f" — the {limit:,} best-linked of {n:,} bodies (largest component of {len(comps[0]):,}); "
                f"仅显示联系最多的{limit:,}个组织")
    else:
        note = (f" — the {shown:,} largest of {len(comps):,} components, {len(keep):,} of {n:,} bodies; "
                f"仅显示最大的{shown:,}个连通部分")
    return net.subgraph(keep).copy(), note


def _has_geometry(graph, within) -> bool:
    """Whether a street, community or area in scope has a WKT geometry (the map needs one)."""
    keep = None
    if within is not None:
        from ..scope import closure

        keep = set(closure(graph.edges("CONTAINS")[["source", "target"]], [within]))
    for kind in ("Street", "Community", "Area"):
        f = graph.nodes(kind)
        if "geometry" not in f.columns:
            continue
        present = f["geometry"].notna() & f["geometry"].astype(str).str.strip().ne("")
        if keep is not None:
            present &= f["id"].isin(keep)
        if present.any():
            return True
    return False


def _plots(report, tables: dict[str, pd.DataFrame], graph, masks) -> list[tuple[str, str, str]]:
    """``(caption, alt text, base64 PNG)`` of each plot of the report."""
    from .. import plot
    from ..progress import progress

    jobs = [("Headline rates 主要指标", lambda: plot.headline(report.headline).figure)]
    if len(tables["cross_appointment"]):
        jobs.append(("Cross-appointment rate per community 两委交叉任职率",
                     lambda: plot.cross_appointment(tables["cross_appointment"]).figure))
    if graph is not None:
        rates = plot.coverage_rates(graph, within=report.within, as_of=report.as_of)
        for ind, caption in (("compound_org_coverage_rate", "Party organisations in compounds per community 小区党组织覆盖率"),
                             ("grid_worker_rate", "Grid workers per community 网格员配备率")):
            part = rates[rates["indicator"] == ind]
            if len(part):
                jobs.append((caption, lambda part=part, ind=ind: plot.coverage(part, ind).figure))
        if report.within is not None and graph.kind_of(report.within) in ("Street", "Community"):
            jobs.append((f"Territories of {report.within} 区域层级",
                         lambda: plot.hierarchy(graph, report.within).figure))
        if _has_geometry(graph, report.within):
            jobs.append(("Communities and areas 社区与区域 (contested and unassigned areas highlighted)",
                         lambda: plot.areas(graph, within=report.within, as_of=report.as_of).figure))
        from ..plot.choropleth import report_maps  # indicator maps when polygons are present (docs/maps.md)

        jobs += report_maps(graph, report.within, report.as_of)
    links = tables["interlocks"]
    if len(links):
        net, note = _drawable(_interlock_graph(links, masks))
        jobs.append(("Cross-appointment network 交叉任职网络 (bodies coloured by kind)" + note,
                     lambda: plot.interlocks(net).figure))
    out = []
    with progress(len(jobs), "drawing the report's plots", large=True, unit="plot") as bar:
        for caption, draw in jobs:
            bar.describe(f"drawing: {caption.split(' ')[0]}")
            out.append((caption, caption, _png(draw())))
            bar.update(1)
    return out


# --------------------------------------------------------------------------- trends (趋势)


def trend_dates(graph, as_of, max_dates: int = TREND_DATES, within: str | None = None) -> list[_dt.date]:
    """The dates of the report's trend section: [] when the ledger does not span several years.

    The ledger's years are those of the ``start`` / ``end`` dates of posts and of dated structure
    (territories, bodies, ``CONTAINS`` / ``COVERS`` / ``SUBORDINATE_TO``) up to ``as_of``. When the
    earliest is before ``as_of``'s year, the dates are 31 December of each year from it to the year
    before ``as_of``, then ``as_of``; the last ``max_dates`` of them are kept. With ``within``, only the
    dates on which that territory existed (a community founded in the reform has no earlier audit).
    """
    from .. import rules
    from ..queries._base import normalize_as_of

    as_of = normalize_as_of(as_of)
    frames = [graph.nodes(kind) for kind in rules.DATED_NODE_KINDS]
    frames += [graph.edges(kind) for kind in (*rules.DATED_EDGE_TYPES, "HOLDS_POST")]
    first = None
    for f in frames:
        for col in ("start", "end"):
            if col in f.columns and len(f):
                d = pd.to_datetime(f[col], errors="coerce")
                d = d[d <= pd.Timestamp(as_of)]
                if d.notna().any():
                    year = int(d.min().year)
                    first = year if first is None else min(first, year)
    if first is None or first >= as_of.year:
        return []
    days = [_dt.date(y, 12, 31) for y in range(first, as_of.year)] + [as_of]
    if within is not None:
        node = graph.node(within)
        start, end = pd.Series([node.get("start")]), pd.Series([node.get("end")])
        days = [d for d in days if rules.exists_mask(pd.to_datetime(start), pd.to_datetime(end), d)[0]]
        if len(days) < 2:
            return []
    return days[-max_dates:]


def _trend_table(series: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator, one column per date: the value (a rate with its numerator/denominator)."""
    def shown(r) -> str:
        if _missing(r.value) or not getattr(r, "applicable", True):
            return "–" if _missing(r.value) else NOT_APPLICABLE
        if r.measure == "数量":
            return f"{int(r.value):,}"
        return f"{r.value:.1%} ({int(r.numerator):,}/{int(r.denominator):,})"

    s = series.assign(shown=[shown(r) for r in series.itertuples(index=False)],
                      day=series["as_of"].dt.strftime("%Y-%m-%d"))
    order = list(dict.fromkeys(s["indicator"]))
    wide = s.pivot_table(index=["indicator", "zh"], columns="day", values="shown", aggfunc="first").reset_index()
    wide = wide.set_index("indicator").loc[order].reset_index()
    wide.columns.name = None
    return wide.rename(columns={"zh": "指标", "indicator": "indicator 指标代码"})[
        ["指标", "indicator 指标代码", *sorted(c for c in wide.columns if c not in ("indicator", "zh"))]]


def _trend_figure(series: pd.DataFrame):
    """The rates that changed over the dates (at most :data:`TREND_PLOTS`), one panel each; None when none did."""
    import matplotlib.pyplot as plt

    from .. import plot
    from ..plot.fonts import cjk_font

    rates = series[series["measure"] != "数量"]
    changed = [ind for ind, part in rates.groupby("indicator", sort=False)
               if part["value"].dropna().nunique() > 1][:TREND_PLOTS]
    if not changed:
        return None
    cols = min(3, len(changed))
    rows = -(-len(changed) // cols)
    cjk_font()  # before the figure exists, as every plot of the package
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.8 * rows), squeeze=False, layout="constrained")
    for ax, ind in zip(axes.flat, changed):
        plot.trend(series, ind, ax=ax)
    for ax in list(axes.flat)[len(changed):]:
        ax.set_visible(False)
    return fig


def _trend_section(report, graph, dates, plots: bool) -> list[str]:
    """The HTML of the trend section (趋势): the headline at each date as a table, and the changed rates drawn."""
    from ..errors import QueryNotSupportedError

    head = f'<h2 id="trend-section">Trends 趋势 ({_e(dates[0])} – {_e(dates[-1])})</h2>'
    try:
        series = graph.audit_series(as_of=dates, within=report.within)
    except QueryNotSupportedError as err:
        return [head, f'<p class="note">趋势不可用 trend not available on this backend: {_e(err)}</p>']
    out = [head, '<p class="note">Every headline indicator audited on each date (31 December of each year, '
                 "then the report's date) on the graph as it stood that day; rates with numerator/denominator. "
                 "每个日期按当日结构重新体检。</p>", _table(_trend_table(series), "trend", None)]
    fig = _trend_figure(series) if plots else None
    if fig is not None:
        caption = "Rates that changed over the years 变化的指标趋势"
        out.append(f'<figure><img alt="{_e(caption)}" src="data:image/png;base64,{_png(fig)}">'
                   f"<figcaption>{_e(caption)}</figcaption></figure>")
    return out


# --------------------------------------------------------------------------- the page


def render_html(report, title: str | None = None, graph=None, *, show_people: bool = False,
                max_rows: int | None = 200, plots: bool = True, trend=None) -> str:
    """The HTML text of :func:`write_html` (same parameters, without ``path``)."""
    from .. import __version__

    title = title or report._heading()
    raw = dict(report.items())
    masks = {}
    if not show_people:
        masks = _report_masks(raw)
        if graph is not None:
            from ..plot._common import masked_body_names

            masks.update(masked_body_names(graph))
    tables = raw if show_people else _private(raw, masks)
    n_viol = len(report.violations)
    status = ('<span class="status ok">no staffing norm violated 配置标准全部达标</span>' if n_viol == 0 else
              f'<span class="status bad">{n_viol:,} staffing norm violation(s) 配置标准不达标</span>')
    scope = f"范围 place: <strong>{_e(report.place)}</strong>"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="orggraph {_e(__version__)}">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{scope} · as of 截至 {_e(report.as_of)} · generated 生成于 '
        f'{_e(_dt.datetime.now().strftime("%Y-%m-%d %H:%M"))} by orggraph {_e(__version__)}</p>',
        f"<p>{status}</p>",
    ]
    shown = [name for name in TABLE_TITLES if name in tables] + [n for n in tables if n not in TABLE_TITLES]
    nav = "".join(
        f'<li><a href="#t-{_e(n)}">{_e(TABLE_TITLES.get(n, (n, ""))[1] or n)}</a> ({len(tables[n]):,})</li>' for n in shown
    )
    if graph is None or trend is False:
        dates = []
    elif trend is None or trend is True:
        dates = trend_dates(graph, report.as_of, within=report.within)
    else:
        from ..queries._base import normalize_as_of

        dates = sorted({normalize_as_of(d) for d in trend})
    trend_link = '<li><a href="#trend-section">趋势 Trends</a></li>' if dates else ""
    parts.append(f'<nav><ul><li><a href="#headline-section">主要指标 Headline</a></li>{trend_link}'
                 f'<li><a href="#plots">图表 Plots</a></li>{nav}</ul></nav>')
    parts.append('<h2 id="headline-section">Headline indicators 主要指标</h2>')
    parts.append(_headline(report.headline))
    if dates:
        parts += _trend_section(report, graph, dates, plots)
    if plots:
        parts.append('<h2 id="plots">Plots 图表</h2>')
        for caption, alt, data in _plots(report, tables, graph, masks):
            parts.append(f'<figure><img alt="{_e(alt)}" src="data:image/png;base64,{data}">'
                         f"<figcaption>{_e(caption)}</figcaption></figure>")
    parts.append('<h2 id="tables">Detail tables 明细表</h2>')
    for name in shown:
        en, zh = TABLE_TITLES.get(name, (name, ""))
        frame = tables[name]
        parts.append(f'<h3 id="t-{_e(name)}">{_e(zh)} {_e(en)} <code>{_e(name)}</code>: {len(frame):,} rows</h3>')
        parts.append(_table(frame, name, max_rows) if len(frame) else '<p class="note">none 无</p>')
    if not show_people:
        parts.append('<p class="note">People appear by id only (人员仅显示编号); '
                     "names are shown with show_people=True.</p>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts)


def write_html(report, path, title: str | None = None, graph=None, *, show_people: bool = False,
               max_rows: int | None = 200, plots: bool = True, trend=None) -> Path:
    """Write an audit report (体检报告) as one self-contained HTML file.

    Parameters
    ----------
    report : AuditReport
        The result of :func:`~orggraph.queries.audit.audit`.
    path : str or Path
        The file to write (its folder is created).
    title : str, optional
        Page title; default the report's heading, naming place and date:
        "体检 Audit · 孝南区 · 2022-01-01".
    graph : OrgGraph, optional
        The audited graph: adds the plots that need it (coverage per
        community, the territory tree of ``within``, the map when the ledger
        has WKT geometry) and masks person names inside body names using
        everyone's posts. Without it the report is drawn from the report's
        tables alone.
    show_people : bool
        Show cadres' names (default False: ids only; see the module notes).
    max_rows : int or None
        Rows shown per detail table (default 200; None for all); the
        spreadsheet export has every row.
    plots : bool
        Embed the plots (default True).
    trend : None, bool or sequence of dates
        The trend section (趋势, needs ``graph``): every headline indicator
        audited at several dates (``graph.audit_series``), as a table and a
        figure of the rates that changed. None (default) or True: when the
        ledger spans several years, at the dates of :func:`trend_dates` (31
        December of the latest years, then the report's date); False: none;
        a sequence: those dates.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import orggraph as og, tempfile, pathlib
    >>> from orggraph.report import write_html
    >>> g = og.load_sample("jiaohe")
    >>> out = write_html(g.audit(as_of="2021-06-30"), pathlib.Path(tempfile.mkdtemp()) / "report.html", graph=g)
    >>> "<title>体检 Audit · 某市(原文未具名) · 2021-06-30</title>" in out.read_text(encoding="utf-8")
    True
    """
    path = Path(path)
    text = render_html(report, title, graph, show_people=show_people, max_rows=max_rows, plots=plots, trend=trend)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
