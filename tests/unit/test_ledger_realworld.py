"""Ledgers as they come out of Excel on a Windows desktop, typed by hand — and hostile ones."""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orggraph as og
from orggraph.ledger.io import MAX_HEADER_CHARS
from fixtures.ledgers import write_ledger


@pytest.fixture
def ledger(tmp_path):
    write_ledger(tmp_path / "l")
    return tmp_path / "l"


def _rewrite(path: Path, text: str, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_are_detected(ledger, encoding):
    text = (ledger / "communities.csv").read_text(encoding="utf-8")
    _rewrite(ledger / "communities.csv", text.replace("id,name", "编号,名称", 1), encoding)
    g = og.read_ledger(ledger)
    assert set(g.nodes("Community")["name"]) == {"振兴社区", "碧海社区"}


def test_excel_habits_in_one_file(ledger):
    # title row, full-width digits and spaces, thousands separators, trailing spaces, a blank row and a blank column
    _rewrite(ledger / "grids.csv",
             "网格台账（2021年12月）,,,,,\n"
             "编号 ,名称,所属社区,户数,,备注\n"
             "ｇ１,　一网格　,c1,\"１,２００\",,\n"
             ",,,,,\n"
             "g2 ,二网格,c1 ,300 ,, 新设 \n")
    _rewrite(ledger / "posts.csv",
             "人员编号,任职单位,职务,任职开始,任职结束,是否兼职\n"
             "p1,po2,书记,2021年12月5日,,否\n"
             "p1,u1,主任,2021.12.5,44927,√\n"
             "p1,g1,网格员,44535,,Y\n")
    g = og.read_ledger(ledger)
    grids = g.nodes("Grid").set_index("id")
    assert grids.loc["g1", "name"] == "一网格" and grids.loc["g1", "households"] == 1200
    assert grids.loc["g2", "community_id"] == "c1" and grids.loc["g2", "备注"] == "新设"
    posts = g.edges("HOLDS_POST")
    assert list(posts["start"].dt.strftime("%Y-%m-%d")) == ["2021-12-05"] * 3
    assert posts["end"].iloc[1] == pd.Timestamp("2023-01-01")  # Excel serial 44927
    assert list(posts["part_time"]) == [False, True, True]


def test_xlsx_with_a_title_row_and_merged_cells(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "社区"
    ws.append(["社区台账", None, None])
    ws.merge_cells("A1:C1")
    ws.append(["编号", "名称", "户数"])
    ws.append(["c1", "安宁社区", 1200])
    ws.append(["c2", "辽河社区", "８００"])
    st_ = wb.create_sheet("街道")
    st_.append(["编号", "名称"])
    st_.append(["s1", "东城街道"])
    wb.save(tmp_path / "台账.xlsx")
    g = og.read_ledger(tmp_path / "台账.xlsx")
    assert list(g.nodes("Community")["households"]) == [1200, 800]


def test_gigantic_header_is_refused_before_parsing(ledger):
    with open(ledger / "areas.csv", "w", encoding="utf-8") as fh:
        fh.write("id,name," + ",".join(f"c{i}" for i in range(300_000)) + "\n")  # ~2.3 MB header
    with pytest.raises(og.LedgerError) as info:
        og.read_ledger(ledger)
    p = info.value.problems.iloc[0]
    assert p["file"] == "areas.csv" and p["row"] == 1
    assert f"longer than {MAX_HEADER_CHARS:,} bytes" in p["problem"]


def test_a_100_mb_cell_is_refused(ledger):
    with open(ledger / "areas.csv", "w", encoding="utf-8") as fh:
        fh.write("id,name,kind\n")
        fh.write("a1,")
        chunk = "x" * (1 << 20)
        for _ in range(100):
            fh.write(chunk)
        fh.write(",compound\n")
    with pytest.raises(og.LedgerError) as info:
        og.read_ledger(ledger)
    p = info.value.problems.iloc[0]
    assert (p["file"], p["row"]) == ("areas.csv", 2) and "refused" in p["problem"]


HOSTILE = ["", " ", "abc", "-1", "1e9", "２０２１年", "2021-02-30", "党支布", "c1", "p1", "po2", "s1", "a1", "\x00",
           "'; DROP", "{x}", "`id`", "a\nb", "是", "NaN", "null", "None", "0x10", "１２０", "12.5", "9" * 30]


@st.composite
def mutations(draw):
    ops = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cell", "drop_column", "dup_row", "junk_line", "truncate", "encoding", "title", "delete"]))
        ops.append((kind, draw(st.integers(0, 10_000)), draw(st.sampled_from(HOSTILE))))
    return ops


def _mutate(folder: Path, ops) -> None:
    files = sorted(folder.glob("*.csv"))
    for kind, n, junk in ops:
        f = files[n % len(files)]
        if not f.exists():
            continue
        raw = f.read_bytes()
        try:
            lines = raw.decode("utf-8").split("\n")
        except UnicodeDecodeError:
            lines = None
        if kind == "truncate":
            f.write_bytes(raw[: n % (len(raw) + 1)])
        elif kind == "delete":
            f.unlink()
        elif kind == "encoding":
            f.write_bytes(raw.decode("utf-8", "ignore").encode(random.Random(n).choice(["gb18030", "utf-16", "latin-1"]), "ignore"))
        elif lines is None:
            continue
        elif kind == "cell" and len(lines) > 1:
            row = 1 + n % max(1, len(lines) - 1)
            cells = lines[row].split(",")
            cells[n % len(cells)] = junk.replace(",", "")
            lines[row] = ",".join(cells)
            f.write_text("\n".join(lines), encoding="utf-8")
        elif kind == "drop_column":
            keep = [",".join(c for i, c in enumerate(l.split(",")) if i != n % 3) for l in lines]
            f.write_text("\n".join(keep), encoding="utf-8")
        elif kind == "dup_row" and len(lines) > 2:
            lines.insert(1, lines[1 + n % (len(lines) - 2)])
            f.write_text("\n".join(lines), encoding="utf-8")
        elif kind == "junk_line":
            lines.insert(n % len(lines), junk)
            f.write_text("\n".join(lines), encoding="utf-8")
        elif kind == "title":
            lines.insert(0, f"{junk},,")
            f.write_text("\n".join(lines), encoding="utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ops=mutations())
def test_mutated_ledgers_load_or_raise_ledger_error(ledger, ops):
    """Whatever is done to a valid ledger, the loader returns a whole graph or raises LedgerError."""
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "l"
        shutil.copytree(ledger, folder)
        _mutate(folder, ops)
        try:
            g = og.read_ledger(folder)
        except og.LedgerError as exc:
            assert len(exc.problems) >= 1
            assert exc.problems["file"].notna().all() and exc.problems["problem"].notna().all()
            return
        # loaded: then it is exactly what the files say, nothing half-loaded
        assert og.check_ledger(folder).query("severity == 'error'").empty
        again = og.read_ledger(folder)
        assert g.equals(again)
