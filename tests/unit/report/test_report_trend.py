"""The trend section (趋势) of the HTML report: when the ledger spans several years, the headline at each date."""

from __future__ import annotations

import datetime as _dt

import orggraph as og
from orggraph.report import render_html, trend_dates

AS_OF = "2024-06-30"


def build_years() -> og.OrgGraph:
    """One community whose secretary k1 (since 2021-05-01) also becomes its 居委会 director on 2023-03-01."""
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="东街道")
    g.add_node("Community", "c1", name="安宁社区", street_id="s1")
    g.add_node("PartyOrg", "p1", name="安宁社区党委", level="committee", territory_id="c1")
    g.add_node("Unit", "r1", name="安宁居委会", kind="residents_committee", territory_id="c1")
    g.add_node("Cadre", "k1", name="甲")
    g.add_node("Cadre", "k2", name="乙")
    g.add_edge("HOLDS_POST", "k1", "p1", role="secretary", start="2021-05-01")
    g.add_edge("HOLDS_POST", "k2", "r1", role="director", start="2021-05-01", end="2023-03-01")
    g.add_edge("HOLDS_POST", "k1", "r1", role="director", start="2023-03-01")
    return g


def _row(text: str, indicator: str) -> str:
    table = text[text.index('<table id="trend"'):]
    table = table[: table.index("</table>")]
    row = table[table.index(f"<td>{indicator}</td>"):]
    return row[: row.index("</tr>")]


def test_trend_dates_from_the_ledger_years():
    g = build_years()
    assert trend_dates(g, AS_OF) == [_dt.date(2021, 12, 31), _dt.date(2022, 12, 31), _dt.date(2023, 12, 31),
                                     _dt.date(2024, 6, 30)]
    assert trend_dates(g, AS_OF, max_dates=2) == [_dt.date(2023, 12, 31), _dt.date(2024, 6, 30)]
    assert trend_dates(g, "2021-12-01") == []  # every date in the report's own year: no trend
    g.add_node("Community", "c0", name="旧社区", street_id="s1", start="2015-01-01", end="2019-01-01")
    assert trend_dates(g, AS_OF)[0] == _dt.date(2020, 12, 31)  # dated structure counts too; the last 5 dates kept


def test_the_section_shows_each_date_computed_on_that_day():
    g = build_years()
    text = render_html(g.audit(as_of=AS_OF), graph=g)
    assert '<h2 id="trend-section">Trends 趋势 (2021-12-31 – 2024-06-30)</h2>' in text
    assert '<a href="#trend-section">' in text
    head = text[text.index('<table id="trend"'):]
    assert "<th>2021-12-31</th><th>2022-12-31</th><th>2023-12-31</th><th>2024-06-30</th>" in head
    # 一肩挑: k2 directs until 2023-03-01, then k1, the secretary: 0 of 1 community, then 1 of 1
    assert _row(text, "one_shoulder_share").endswith(
        "<td>0.0% (0/1)</td><td>0.0% (0/1)</td><td>100.0% (1/1)</td><td>100.0% (1/1)</td>")
    # 交叉任职: 2 people, nobody on both bodies; then k1 alone on both
    assert _row(text, "cross_appointment_rate").endswith(
        "<td>0.0% (0/2)</td><td>0.0% (0/2)</td><td>100.0% (1/1)</td><td>100.0% (1/1)</td>")
    assert 'alt="Rates that changed over the years 变化的指标趋势"' in text


def test_no_section_without_a_span_a_graph_or_when_turned_off():
    g = build_years()
    report = g.audit(as_of=AS_OF)
    for text in (render_html(report, graph=g, trend=False, plots=False), render_html(report, plots=False),
                 render_html(g.audit(as_of="2021-12-01"), graph=g, plots=False)):
        assert "trend-section" not in text and '<table id="trend"' not in text


def test_dates_given_by_the_caller():
    g = build_years()
    text = render_html(g.audit(as_of=AS_OF), graph=g, trend=["2022-06-30", "2024-06-30"], plots=False)
    assert "<th>2022-06-30</th><th>2024-06-30</th>" in text and "<img" not in text
    assert _row(text, "one_shoulder_share").endswith("<td>0.0% (0/1)</td><td>100.0% (1/1)</td>")
