"""A ledger full of hostile values through every output: nothing runs, nothing is interpreted, nothing leaks.

Formulas (``=HYPERLINK``, a DDE ``=cmd|…``, ``+``, ``-``, ``@``), rich markup (``[/]``, ``[link=…]``), control
characters (a vertical tab from Word, ESC and OSC sequences), HTML, and a cadre's name inside a body's name go
through the audit (.xlsx in both languages, CSV, HTML), the ledger export (.xlsx, CSV), ``validate --out
problems.csv`` and ``orggraph audit`` on a pseudo-terminal. Checked: no cell is a formula, no CSV field starts
one, no markup or escape sequence reaches the terminal, every ledger export reads back equal, and no original
name or phone survives a pseudonymised output.
"""

from __future__ import annotations

import csv
import logging
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import orggraph as og
from orggraph.cli import main
from orggraph.outputs import (ExportError, Sheet, console_text, escape_cell, needs_escape, unescape_cell, write_csv,
                              write_xlsx)
from orggraph.report import write_html

AS_OF = "2022-01-01"
FORMULA_START = tuple("=+-@\t\r＝＋－＠")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

STREET = '=HYPERLINK("http://evil.example/x","点我")'
COMMUNITIES = ["[/]书院社区", "[link=http://evil.example]点我[/link]社区", "<script>alert(1)</script>社区"]
RC_NAME = "=cmd|' /C calc'!A0"
PO_NAME = "\x1b]8;;http://evil.example\x07链接\x1b]8;;\x07党委"
CADRES = [  # id, name, phone
    ("p1", "黄亮元", "13800000001"),
    ("p2", "=1+1", "13800000002"),
    ("p3", "王\x0b芳", "13800000003"),        # a vertical tab from Word
    ("p4", "[bold]李四[/bold]", "+8613800000004"),
    ("p5", "@SUM(A1)", "13800000005"),
    ("p6", "-张伟", "13800000006"),
]


def _write(folder: Path, table: str, rows: list[dict]) -> None:
    pd.DataFrame(rows).to_csv(folder / f"{table}.csv", index=False, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("hostile") / "ledger"
    d.mkdir()
    _write(d, "districts", [{"id": "d1", "name": "孝南区"}])
    _write(d, "streets", [{"id": "s1", "name": STREET, "district_id": "d1"}])
    _write(d, "communities", [{"id": f"c{i}", "name": n, "street_id": "s1", "kind": "urban", "households": 900}
                              for i, n in enumerate(COMMUNITIES, 1)])
    _write(d, "grids", [{"id": "g1", "name": "-1+2网格", "community_id": "c1", "households": 300},
                        {"id": "g2", "name": "@网格\x1b[31m红", "community_id": "c2", "households": 800}])
    _write(d, "areas", [{"id": "a1", "name": "御景小区", "kind": "compound", "parent_id": "g1", "households": 120},
                        {"id": "a2", "name": "御景小区2号楼", "kind": "building", "parent_id": "a1", "households": 40}])
    _write(d, "party_orgs", [
        {"id": "ws", "name": "街道党工委", "level": "working_committee", "territory_id": "s1"},
        {"id": "po1", "name": PO_NAME, "level": "committee", "parent_id": "ws", "territory_id": "c1"},
        {"id": "br1", "name": "+御景小区党支部", "level": "branch", "parent_id": "po1", "territory_id": "a1"},
        {"id": "grp1", "name": "2号楼党小组", "level": "group", "parent_id": "br1", "territory_id": "a2"},
        {"id": "hh1", "name": "御景小区2号楼党员中心户(黄亮元)", "level": "household", "parent_id": "grp1",
         "territory_id": "a2"},
    ])
    _write(d, "units", [{"id": "rc1", "name": RC_NAME, "kind": "residents_committee", "territory_id": "c1"},
                        {"id": "pc1", "name": "#N/A物业", "kind": "property_company", "territory_id": "c1"}])
    _write(d, "cadres", [{"id": i, "name": n, "phone": p, "gender": "女"} for i, n, p in CADRES])
    posts = [("p1", "po1", "secretary"), ("p1", "rc1", "director"), ("p1", "hh1", "member"),
             ("p2", "po1", "member"), ("p2", "rc1", "member"), ("p3", "rc1", "member"),
             ("p4", "g1", "grid_worker"), ("p5", "po1", "deputy_secretary"), ("p6", "rc1", "deputy_director")]
    names, phones = {i: n for i, n, _ in CADRES}, {i: p for i, _, p in CADRES}
    _write(d, "posts", [{"cadre_id": c, "body_id": b, "role": r, "start": "2020-01-01", "姓名": names[c],
                         "联系电话": phones[c], "备注": "=HYPERLINK(\"http://evil.example\")"} for c, b, r in posts])
    return d


@pytest.fixture(scope="module")
def graph(hostile):
    return og.read_ledger(hostile)


def _personal(g) -> set[str]:
    """The original names and phones (a name as the reader cleaned it, and as typed)."""
    out = {n for _, n, _ in CADRES} | {p for _, _, p in CADRES} | set(g.nodes("Cadre")["name"])
    return {v for v in out if len(v) >= 2}


def _xlsx_cells(path: Path):
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _csv_fields(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [f for row in csv.reader(fh) for f in row]


def _starts_formula(field: str) -> bool:
    return field.startswith(FORMULA_START) and not _NUMBER.fullmatch(field)


def _assert_inert(path: Path) -> str:
    """No formula in the file; its whole text (for the leak scan)."""
    if path.suffix == ".xlsx":
        cells = _xlsx_cells(path)
        assert not [c.coordinate for c in cells if c.data_type in ("f", "e")], path
        # text that would start a formula is a quote-prefixed text cell
        assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and needs_escape(c.value))
        return "\n".join(str(c.value) for c in cells)
    if path.suffix == ".csv":
        fields = _csv_fields(path)
        bad = [f for f in fields if _starts_formula(f)]
        assert not bad, (path, bad[:3])
        return "\n".join(fields)
    return path.read_text(encoding="utf-8")


def test_the_reader_cleans_control_characters_and_says_where(hostile, caplog):
    with caplog.at_level(logging.WARNING, logger="orggraph"):
        g = og.read_ledger(hostile)
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "cadres.csv: control characters" in said and "row 4 column name" in said
    assert "王\x0b芳" not in said and "王 芳" not in said  # where, never the value
    assert set(g.nodes("Cadre")["name"]) >= {"王 芳", "=1+1", "[bold]李四[/bold]"}
    assert not any("\x1b" in str(v) for k in og.schema.NODE_KINDS for v in g.nodes(k)["name"])


def test_every_audit_output_is_inert(graph, tmp_path):
    report = graph.audit(as_of=AS_OF)
    files = [report.to_excel(tmp_path / "zh.xlsx"), report.to_excel(tmp_path / "en.xlsx", lang="en")]
    files += sorted(report.to_csv(tmp_path / "csv").glob("*.csv"))
    files += sorted(report.to_csv(tmp_path / "csvzh", lang="zh").glob("*.csv"))
    html = write_html(report, tmp_path / "r.html", graph=graph, show_people=True)
    text = "\n".join(_assert_inert(f) for f in files)
    assert STREET in text and RC_NAME in text  # the values are there, as text
    page = html.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;社区" in page
    assert "evil.example" not in re.sub(r"&[a-z]+;|&#x?[0-9a-f]+;", "", " ".join(re.findall(r'(?:href|src)="([^"]*)"', page)))
    assert "\x1b" not in page and "\x0b" not in page
    # the notebook view escapes the territory's name and id
    within = graph.audit(within="c3", as_of=AS_OF)._repr_html_()
    assert "<script>" not in within and "&lt;script&gt;" in within


def test_every_ledger_export_reads_back_equal(graph, tmp_path):
    for out in (tmp_path / "ledger.xlsx", tmp_path / "ledger"):
        graph.write_ledger(out)
        files = [out] if out.suffix else sorted(out.glob("*.csv"))
        for f in files:
            if f.suffix == ".csv":
                raw = f.read_text(encoding="utf-8")
                assert "'=1+1" in raw or f.name != "cadres.csv"  # escaped on disk …
            _assert_inert(f)
        back = og.read_ledger(out)
        assert back.equals(graph), out  # … and read back as it was
        assert set(back.nodes("Cadre")["name"]) >= {"=1+1", "@SUM(A1)", "-张伟"}


def test_problems_csv_is_inert_and_holds_no_personal_data(hostile, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in hostile.glob("*.csv"):
        (broken / f.name).write_bytes(f.read_bytes())
    posts = pd.read_csv(broken / "posts.csv", dtype=str)
    posts.loc[0, "cadre_id"] = "黄亮元"            # a name typed where the id belongs
    posts.loc[1, "cadre_id"] = "=1+1"              # a formula-looking name there
    posts.loc[2, "role"] = "=HYPERLINK(\"http://evil.example\")"
    posts.to_csv(broken / "posts.csv", index=False)
    out = tmp_path / "problems.csv"
    assert main(["validate", str(broken), "--out", str(out)]) == 1
    text = _assert_inert(out)
    assert "HYPERLINK" in text  # the bad role is shown (it is no personal data), as text
    assert not {v for v in _personal(og.read_ledger(hostile)) if v in text}


def test_pseudonymised_outputs_hold_no_original_name_or_phone(hostile, graph, tmp_path):
    secrets_ = _personal(graph) | set(graph.nodes("Cadre")["id"]) - {"p1", "p2", "p3", "p4", "p5", "p6"}
    outs = []
    for out in ("audit.xlsx", "audit.html", "audit_csv"):
        main(["audit", str(hostile), "--as-of", AS_OF, "--pseudonymize", "--salt", "s", "--out", str(tmp_path / out)])
        outs.append(tmp_path / out)
    for out in ("ledger.xlsx", "ledger_csv"):
        assert main(["export", str(hostile), "--pseudonymize", "--salt", "s", "--out", str(tmp_path / out)]) == 0
        outs.append(tmp_path / out)
    files = [f for o in outs for f in ([o] if o.is_file() else sorted(o.glob("*.csv")))]
    assert len(files) > 20
    for f in files:
        text = _assert_inert(f)
        leaks = {s for s in secrets_ if s in text}
        assert not leaks, (f.name, sorted(leaks))
    # the pseudonymised ledger reads back equal to the pseudonymised graph, for the same salt
    assert og.read_ledger(tmp_path / "ledger.xlsx").equals(graph.pseudonymize("s"))
    assert og.read_ledger(tmp_path / "ledger_csv").equals(graph.pseudonymize("s"))
    # the original ids are gone too (the source ledger cannot re-identify anyone)
    cadres = pd.read_csv(tmp_path / "ledger_csv" / "cadres.csv", dtype=str)
    assert not set(cadres["id"]) & {"p1", "p2", "p3", "p4", "p5", "p6"}


def _run_on_pty(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run ``python -m orggraph ARGS`` with its stdout and stderr on a pseudo-terminal; (exit status, output)."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "400", "LINES": "50",
           "ORGGRAPH_PROGRESS": "0", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "orggraph", *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=cwd, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        if not select.select([master], [], [], 300)[0]:  # silent for 5 minutes: hung
            proc.kill()
            proc.wait()
            os.close(master)
            pytest.fail(f"orggraph {' '.join(args)} printed nothing for 300 s")
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", errors="replace")


def test_the_console_shows_markup_as_text(hostile, tmp_path):
    status, out = _run_on_pty(["audit", str(hostile), "--as-of", AS_OF, "--top", "50"], tmp_path)
    assert status in (0, 2), out[-3000:]
    assert "Traceback" not in out and "MarkupError" not in out
    assert "\x1b]8;" not in out  # no hyperlink (OSC 8) was made, neither by rich nor from the ledger
    assert "\x1b[31m" not in out  # the ESC sequence in a grid's name was stripped
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)  # rich's own colours off
    assert "[/]书院社区" in plain and "[link=http://evil.example]点我[/link]社区" in plain
    assert "孝南区 · 2022-01-01" in plain
    # markup in a folder name and in the scenario's name does not crash either
    odd = tmp_path / "[red]台账[link=x]"
    odd.mkdir()
    for f in hostile.glob("*.csv"):
        (odd / f.name).write_bytes(f.read_bytes())
    status, out = _run_on_pty(["summary", str(odd)], tmp_path)
    assert status == 0 and "[red]台账[link=x]" in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out), out[-2000:]
    scenario = tmp_path / "s.json"
    scenario.write_text('{"name": "[/]推演[link=x]", "date": "2022-01-01", "operations": []}', encoding="utf-8")
    status, out = _run_on_pty(["scenario", "run", str(scenario), str(hostile)], tmp_path)
    assert status == 0 and "[/]推演[link=x]" in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out), out[-2000:]


# ------------------------------------------------------------------ the rules themselves, on small cases


@pytest.mark.parametrize("value", ["=1+1", "+a", "-a", "@a", "\tx", "\rx", "＝1", "＋a", "－a", "＠a", "'=x", "''+y",
                                   "-5", "+3.5", "-1e3", "'abc", "abc", "", "'", "-", "=", "'-5"])
def test_escape_and_unescape_are_inverse(value):
    written = escape_cell(value)
    assert unescape_cell(written) == value
    assert not _starts_formula(written) or _NUMBER.fullmatch(written)
    if _NUMBER.fullmatch(value):
        assert written == value  # a plain number (negative too) is left alone


def test_writers_keep_numbers_and_refuse_oversized_cells(tmp_path):
    frame = pd.DataFrame({"n": [-5, 3], "x": [-1.5, 2.0], "t": ["-5", "=A1"], "ok": ["a\x0bb", "[/]"]})
    text = (write_csv(frame, tmp_path / "f.csv")).read_text(encoding="utf-8-sig")
    assert text.splitlines()[1:] == ["-5,-1.5,-5,a b", "3,2.0,'=A1,[/]"]
    wb = openpyxl.load_workbook(write_xlsx(tmp_path / "f.xlsx", [Sheet("s", frame)]))
    rows = [[c.value for c in r] for r in wb["s"].iter_rows(min_row=2)]
    assert rows == [[-5, -1.5, "-5", "a b"], [3, 2, "=A1", "[/]"]]
    assert wb["s"]["C3"].data_type == "s" and wb["s"]["C3"].quotePrefix
    big = pd.DataFrame({"name": ["短", "长" * 40_000]})
    with pytest.raises(ExportError, match=r"row 3 column name: a value of 40,000 characters"):
        write_xlsx(tmp_path / "big.xlsx", [Sheet("人员", big)])
    assert not (tmp_path / "big.xlsx").exists()  # refused before anything was written


def test_a_40000_character_name_is_refused_by_the_xlsx_export_not_cut(tmp_path, capsys):
    g = og.OrgGraph()
    g.add_node("District", "d1", name="区" * 40_000)
    with pytest.raises(ExportError):
        g.write_ledger(tmp_path / "l.xlsx")
    assert og.read_ledger(g.write_ledger(tmp_path / "csv")).equals(g)  # CSV holds it whole
    assert main(["export", str(tmp_path / "csv"), "--out", str(tmp_path / "l.xlsx")]) == 1
    assert "32,767" in capsys.readouterr().err


def test_console_text_is_inert():
    from rich.console import Console

    con = Console(record=True, width=200, force_terminal=True)
    for value in ("[/]", "[link=http://x]y[/link]", "[bold]b", "\x1b]8;;http://x\x07z\x1b]8;;\x07", "a\rb", ":smile:"):
        con.print(console_text(value), emoji=False)
    out = con.export_text()
    assert "[/]" in out and "[link=http://x]y[/link]" in out and "[bold]b" in out and "\x1b" not in out


@pytest.mark.parametrize("name", ["orggraph.outputs", "orggraph.privacy"])
def test_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0


def test_progress_bars_need_ipywidgets_for_the_notebook_widget():
    import importlib.util

    from orggraph.progress import _tqdm

    bar = _tqdm()
    if importlib.util.find_spec("ipywidgets") is None:  # tqdm.auto would warn "IProgress not found" in Jupyter
        assert bar.__module__ == "tqdm.std"
    else:
        assert bar.__module__ in ("tqdm.notebook", "tqdm.asyncio", "tqdm.std", "tqdm.auto")
