"""Write the notebooks in notebooks/ from the cells below (no outputs are committed).

    python tools/make_notebooks.py

The test suite executes every notebook top to bottom (tests/notebooks/), so they never rot.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOKS = {
    "01_quickstart": [
        ("md", """# orggraph quickstart 快速上手

Load a bundled sample — 栖霞市 after its 2019–2020 reform (seed 004: 12 communities, 97 grids of
about 300 households, the five-level party chain) — look at what it holds, ask one question, draw
one picture."""),
        ("code", """import orggraph as og
import orggraph.plot

og.list_samples()"""),
        ("code", """g = og.load_sample("qixia")
g"""),
        ("code", """g.summary().query("count > 0")"""),
        ("md", """## 交叉任职率 of each community's 两委

People holding posts in both the community party organisation and the residents' committee,
divided by the people holding posts in either; `as_of` is the date the posts must be current."""),
        ("code", """rates = g.cross_appointment_rate(as_of="2020-06-30")
rates.sort_values("rate").head()"""),
        ("code", """g.cross_appointment_rate(by="street", as_of="2020-06-30")   # roll-up from counts"""),
        ("code", """og.plot.cross_appointment(g, as_of="2020-06-30");"""),
        ("md", """## One community as a tree

Territories down to compounds: 龙腾社区."""),
        ("code", """community = g.nodes("Community").query("name == '龙腾社区'")["id"].iloc[0]
og.plot.hierarchy(g, community);"""),
        ("md", """The party chain 社区党委 — 小区党支部 — 楼栋党小组 — 党员中心户 reaches down to a building in a
few communities only (龙腾社区 has none): draw the one where it is complete for the most buildings."""),
        ("code", """chains = g.chain_breaks(as_of="2020-06-30")
complete = chains[(chains["kind"] == "building") & chains["complete"].astype(bool)]
with_chain = complete["community_id"].value_counts().index[0]
og.plot.hierarchy(g, with_chain, tree="party");"""),
        ("md", """## Your own analysis

`g.nx` is the whole graph as a `networkx.MultiDiGraph`; `g.nodes(kind)` and `g.edges(type)` are
DataFrames."""),
        ("code", """import networkx as nx

G = g.nx
print(G.number_of_nodes(), G.number_of_edges())
posts = g.edges("HOLDS_POST")
posts["role"].value_counts().head()"""),
    ],
    "02_coverage_audit": [
        ("md", """# The organisation department's workflow 组织部门的体检流程

Read a ledger (台账), check it row by row, audit it, find the gaps, export for colleagues. We use a
copy of the 孝南区 sample (seed 002) written out as a ledger folder, as a department would hold it."""),
        ("code", """import tempfile
from pathlib import Path

import orggraph as og
import orggraph.plot

folder = Path(tempfile.mkdtemp()) / "孝南区台账"
og.load_sample("xiaonan").write_ledger(folder)
sorted(p.name for p in folder.iterdir())"""),
        ("md", """## 1. Check the ledger

`check_ledger` lists every problem with file, row (as the spreadsheet counts it), column and a
suggestion. Let us break a row on purpose to see one."""),
        ("code", """import pandas as pd

grids = pd.read_csv(folder / "grids.csv", dtype=str)
grids.loc[3, "households"] = "三百"          # typed by hand
grids.to_csv(folder / "grids.csv", index=False)
og.check_ledger(folder)[["file", "row", "column", "value", "problem"]]"""),
        ("code", """grids.loc[3, "households"] = "300"
grids.to_csv(folder / "grids.csv", index=False)
g = og.read_ledger(folder)
g"""),
        ("md", """## 2. Audit

Every headline indicator with its numerator and denominator: 组建率 (bodies that have an
organisation ÷ bodies that should) and 覆盖率 (units reached) are different things."""),
        ("code", """report = g.audit(as_of="2022-01-01")
report.headline"""),
        ("code", """og.plot.headline(report);"""),
        ("md", """## 3. Find the gaps"""),
        ("code", """gaps = g.coverage_gaps(as_of="2022-01-01")
gaps.rates"""),
        ("code", """gaps["grids_without_worker"]"""),
        ("code", """gaps["communities_without_part_time_member"]"""),
        ("code", """g.unassigned_areas(as_of="2022-01-01")[["id", "name", "status", "claimants", "adjacent_communities"]]"""),
        ("code", """og.plot.coverage(g, "compound_org_coverage_rate", as_of="2022-01-01");"""),
        ("code", """g.check_norms(as_of="2022-01-01")"""),
        ("md", """## 4. Export

A workbook with one sheet per table (the headline first), and a self-contained HTML report to
forward. Names and phones of people can be pseudonymised first."""),
        ("code", """out = Path(tempfile.mkdtemp())
report.to_excel(out / "体检.xlsx")
from orggraph.report import write_html
write_html(g.pseudonymize("our-secret").audit(as_of="2022-01-01"), out / "体检.html", title="孝南区 体检")
sorted(p.name for p in out.iterdir())"""),
    ],
    "03_what_if": [
        ("md", """# What if? 石臼街道 村改居社区撤并

Seed 000: on 2021-12-05 nine former-village communities (振兴, 隆华 …) of 石臼街道 were merged into
city communities; their 股份经济合作社 became 二级网格 and the cooperatives' party members joined
the city community committees. This was the third and last batch: the `shijiu` sample holds the
first two (7 communities, 2021-07-20 and 2021-09-26) with dates and is the state before the third;
the scenario file reproduces it on a copy (no 村改居 community is left), and `compare` shows what moved."""),
        ("code", """import orggraph as og
import orggraph.plot

g = og.load_sample("shijiu")
path = og.sample_path("shijiu") / "scenarios" / "cun_gai_ju_merger.toml"
s = og.Scenario.from_file(path, g)
s"""),
        ("code", """s.log"""),
        ("code", """after = s.graph
before_kinds = g.at("2021-12-01").nodes("Community")["kind"].value_counts()  # communities existing that day
after_kinds = after.at("2021-12-05").nodes("Community")["kind"].value_counts()
before_kinds, after_kinds"""),
        ("code", """diff = og.compare(g, s, as_of="2021-12-06")
diff.indicators"""),
        ("code", """og.plot.scenario(diff.indicators, title="石臼街道 撤并前后");"""),
        ("code", """diff.nodes["change"].value_counts()"""),
        ("code", """diff.posts.head()"""),
        ("md", """The baseline is untouched, and every operation can be undone exactly."""),
        ("code", """assert g.equals(og.load_sample("shijiu"))
before_undo = s.graph
s.undo()
len(s.log), s.graph.nodes("Community").shape[0]"""),
    ],
    "04_neo4j": [
        ("md", """# The same questions inside Neo4j

`orggraph.connect` gives the same `OrgGraph` API over a Neo4j database: loading is batched,
idempotent and all-or-nothing, and every query runs as Cypher in the database. This notebook
uses `ORGGRAPH_NEO4J_URI` (with `_USER`, `_PASSWORD`, `_DATABASE`) when set; otherwise it starts
the ArcadeDB Bolt test server that the test suite uses, on 127.0.0.1."""),
        ("code", """import os

import orggraph as og

server = None
if not os.environ.get("ORGGRAPH_NEO4J_URI"):
    from orggraph.testing import BoltTestServer
    server = BoltTestServer().start()
    uri, auth, database = server.uri, server.auth, server.database
else:
    uri, auth, database = None, None, None     # connect() reads the environment
db = og.connect(uri, auth=auth, database=database)
db"""),
        ("code", """g = og.load_sample("qixia")
db.load(g)
db"""),
        ("code", """db.summary().query("count > 0")"""),
        ("code", """db.cross_appointment_rate(as_of="2020-06-30").head()"""),
        ("code", """import pandas as pd

pd.testing.assert_frame_equal(
    db.cross_appointment_rate(as_of="2020-06-30"), g.cross_appointment_rate(as_of="2020-06-30"),
    check_dtype=False)
db.coverage_gaps(as_of="2020-06-30").rates"""),
        ("code", """street = g.nodes("Street")["id"].iloc[0]
region = db.to_memory(within=street)     # pull one street back into memory
region"""),
        ("code", """db.close()
if server is not None:
    server.stop()"""),
    ],
}


def build(name: str, cells) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name}-{i:02d}"
    return nb


def main() -> None:
    out = ROOT / "notebooks"
    out.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(name, cells), out / f"{name}.ipynb")
        print("wrote", out / f"{name}.ipynb")


if __name__ == "__main__":
    main()
