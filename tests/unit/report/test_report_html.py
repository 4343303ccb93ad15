"""The HTML audit report: self-contained, escaped, people by id only, the expected tables and plots."""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser

import pytest
from PIL import Image

import orggraph as og
from orggraph.cli import main
from orggraph.report import TABLE_TITLES, render_html, write_html

AS_OF = "2020-06-30"


class _Page(HTMLParser):
    """Tags, attributes, table ids and text of a page."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.data: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.data.append(data)

    def ids(self, tag: str) -> list[str]:
        return [a.get("id") for t, a in self.tags if t == tag]

    def text(self) -> str:
        return "".join(self.data)


@pytest.fixture(scope="module")
def qixia_page(tmp_path_factory):
    g = og.load_sample("qixia")
    report = g.audit(as_of=AS_OF)
    path = write_html(report, tmp_path_factory.mktemp("report") / "report.html", graph=g)
    return g, report, path.read_text(encoding="utf-8")


def test_title_headline_and_every_table(qixia_page):
    g, report, text = qixia_page
    page = _Page(text)
    assert "<title>体检 Audit · 栖霞市 · 2020-06-30</title>" in text
    assert page.ids("table")[0] == "headline"
    # the trend table: the qixia ledger spans 2016–2020 (tests/unit/report/test_report_trend.py)
    assert set(page.ids("table")) == {"headline", "trend"} | {n for n, f in report.items() if len(f)}
    # the headline: one row per indicator, numbers as the report has them
    headline = text[text.index('<table id="headline"'):text.index("</table>", text.index('<table id="headline"'))]
    assert headline.count("<tr>") == 1 + len(report.headline)
    assert "<td>网格员配备率</td><td><code>grid_worker_rate</code></td><td>覆盖率</td>" in headline
    assert '<td class="num"><strong>100.0%</strong></td><td class="num">97</td><td class="num">97</td>' in headline
    # a gap table with its rows: the 5 large compounds without a residents' committee
    gaps = report["large_compounds_without_committee"]
    section = text[text.index('<table id="large_compounds_without_committee"'):]
    section = section[: section.index("</table>")]
    assert section.count("<tr>") == 1 + len(gaps) == 6
    assert all(f"<td>{a}</td>" in section for a in gaps["area_id"])
    assert "500户以上小区无居委会" in page.text()


def test_self_contained_no_url_no_script(qixia_page):
    _, _, text = qixia_page
    page = _Page(text)
    assert not [t for t, _ in page.tags if t in ("script", "link", "iframe", "object", "embed")]
    refs = [a[k] for _, a in page.tags for k in ("src", "href") if k in a]
    assert refs and all(r.startswith("data:image/png;base64,") or r.startswith("#") for r in refs)
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|url\(", text, re.I)


def test_plots_are_embedded_png_images(qixia_page):
    _, _, text = qixia_page
    page = _Page(text)
    images = [a for t, a in page.tags if t == "img"]
    # headline rates, 两委交叉任职率, 小区党组织组建率, 网格员配备率, the map of areas, the two indicator maps
    # (docs/maps.md), the network (no within: no tree), the trend of the rates that changed since 2016
    assert len(images) == 9
    for a in images:
        png = Image.open(io.BytesIO(base64.b64decode(a["src"].split(",", 1)[1])))
        assert png.format == "PNG" and png.width > 400 and png.height > 200
        assert len(png.convert("RGB").getcolors(maxcolors=1 << 20)) > 10  # drawn, not blank
        assert a["alt"]


def test_people_appear_by_id_only(qixia_page):
    g, report, text = qixia_page
    cadres = g.nodes("Cadre")
    other_names = "".join(str(n) for n in g.nodes()["name"] if isinstance(n, str) and n not in set(cadres["name"]))
    # names that are not (by chance) part of some body's or territory's name
    names = {n for n in cadres["name"] if isinstance(n, str) and len(n) >= 2 and n not in other_names}
    assert len(names) > 400
    assert not [n for n in names if n in text]
    assert "<th>name</th>" not in text[text.index('<table id="connectors"'):]
    assert all(f"<td>{c}</td>" in text for c in report["connectors"]["cadre_id"].head(20))
    shown = render_html(report, graph=g, show_people=True, plots=False)
    assert report["connectors"]["name"].iloc[0] in shown


def build_nasty() -> og.OrgGraph:
    """Names with markup, ampersands and quotes; a household named after its member 李四."""
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="东城<街道>")
    g.add_node("Community", "c1", name='"A&B" 社区 <script>alert(1)</script>', street_id="s1")
    g.add_node("Area", "a1", name="<img src=x onerror=alert(1)>小区", kind="compound", parent_id="c1", households=600)
    g.add_node("PartyOrg", "p1", name="社区党委 & 'co'", level="committee", territory_id="c1")
    g.add_node("Unit", "r1", name="居委会</td></tr></table>", kind="residents_committee", territory_id="c1")
    g.add_node("PartyOrg", "h1", name="3号楼党员中心户(李四)", level="household", territory_id="c1", parent_id="p1")
    g.add_node("Cadre", "k1", name="张三", phone="13800000000")
    g.add_node("Cadre", "k2", name="李四")
    g.add_edge("HOLDS_POST", "k1", "p1", role="secretary")
    g.add_edge("HOLDS_POST", "k1", "r1", role="director")
    g.add_edge("HOLDS_POST", "k2", "r1", role="member")
    g.add_edge("HOLDS_POST", "k2", "h1", role="member")
    return g


@pytest.mark.parametrize("with_graph", [True, False])
def test_every_value_is_escaped_and_names_masked(tmp_path, with_graph):
    g = build_nasty()
    report = g.audit(as_of=AS_OF)
    text = write_html(report, tmp_path / "r.html", title="体检 <b>&</b>", graph=g if with_graph else None).read_text("utf-8")
    page = _Page(text)
    assert not [t for t, _ in page.tags if t in ("script", "b")]
    assert [a["src"][:5] for t, a in page.tags if t == "img"] == ["data:"] * len([1 for t, _ in page.tags if t == "img"])
    assert "<title>体检 &lt;b&gt;&amp;&lt;/b&gt;</title>" in text
    assert "&lt;img src=x onerror=alert(1)&gt;小区" in text
    assert "&quot;A&amp;B&quot; 社区 &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "居委会&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;" in text
    # the household's member is shown by id, from the graph's posts or, without the graph, from the report's tables
    assert "李四" not in text and "张三" not in text and "13800000000" not in text
    assert "3号楼党员中心户(k2)" in text


def test_long_tables_are_cut_with_a_note(qixia_page, tmp_path):
    g, report, _ = qixia_page
    text = render_html(report, max_rows=10, plots=False)
    section = text[text.index('<table id="chain_breaks"'):]
    assert section[: section.index("</table>")].count("<tr>") == 11
    assert f"First 10 of {len(report['chain_breaks']):,} rows shown" in text
    assert "<img" not in text


def test_cli_writes_an_html_report(tmp_path, capsys):
    out = tmp_path / "体检报告.html"
    # exit 2: qx-c01's compound qx-a0001 and its buildings lie in no grid (网格全覆盖), a norm violation
    assert main(["audit", "--sample", "qixia", "--as-of", AS_OF, "--within", "qx-c01", "--out", str(out)]) == 2
    assert f"report written to {out}" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert "<title>体检 Audit · 霞光社区 (qx-c01) · 2020-06-30</title>" in text
    # headline rates, 两委交叉任职率, the two coverage charts, the community's territory tree, the map of areas,
    # the two indicator maps, the network, the trend
    assert text.count("<img") == 10 and "Territories of qx-c01 区域层级" in text
    assert main(["audit", "--sample", "qixia", "--out", str(tmp_path / "r.pdf")]) == 1
    assert "an .html report" in capsys.readouterr().err


def test_table_titles_cover_the_audit_tables(qixia_page):
    _, report, _ = qixia_page
    assert set(report) <= set(TABLE_TITLES)
