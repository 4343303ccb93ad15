"""Every kind of ledger problem is named with file, row, column and value; nothing is loaded."""

from __future__ import annotations

import pandas as pd
import pytest

import orggraph as og
from fixtures.ledgers import write_ledger

def _problems(path) -> pd.DataFrame:
    with pytest.raises(og.LedgerError) as info:
        og.read_ledger(path)
    probs = info.value.problems
    assert list(probs.columns) == ["file", "table", "row", "column", "value", "problem", "suggestion", "severity"]
    assert (probs["severity"] == "error").all()
    # check_ledger reports the same problems without raising
    pd.testing.assert_frame_equal(og.check_ledger(path), probs)
    return probs


def _has(probs, file, row, column, text, value=None):
    hit = probs[(probs["file"] == file) & (probs["row"] == row) & probs["column"].str.contains(column, regex=False)
                & probs["problem"].str.contains(text, regex=False)]
    assert len(hit) == 1, f"expected {file} row {row} {column}: {text}\n{probs.to_string()}"
    if value is not None:
        assert hit["value"].iloc[0] == value
    return hit.iloc[0]


def test_valid_ledger_loads(tmp_path):
    g = og.read_ledger(write_ledger(tmp_path))
    assert len(g) == 11
    # valid; the only remark: c2 has no party organisation (a warning, not an error)
    problems = og.check_ledger(tmp_path)
    assert (problems["severity"] == "warning").all() and list(problems["value"]) == ["c2"]


def test_every_problem_is_collected(tmp_path):
    """One ledger with every kind of problem: all are named, in file and row order."""
    path = write_ledger(
        tmp_path,
        communities=[
            {"id": "c1", "name": "振兴社区", "street_id": "s1", "kind": "converted", "households": -5},  # row 2: negative
            {"id": "c1", "name": "碧海社区", "street_id": "s9", "kind": "城市", "households": "abc"},  # row 3: dup id, unknown ref, non-numeric
            {"id": "c3", "name": None, "street_id": "g1", "kind": "乡村", "households": None},  # row 4: missing name, wrong kind of ref, unknown kind
        ],
        party_orgs=[
            {"id": "po1", "name": "党工委", "level": "working_committee", "territory_id": "s1"},
            {"id": "po2", "name": "社区党委", "level": "党支布", "parent_id": "po1", "territory_id": "c1"},  # row 3: unknown level
        ],
        posts=[
            {"cadre_id": "p1", "body_id": "po2", "role": "书纪", "start": "2021年13月5日"},  # row 2: unknown role, bad date
            {"cadre_id": "p1", "body_id": "u1", "role": "主任", "start": "2021/12/5", "end": "2020-01-01"},  # row 3: ends before start
            {"cadre_id": "p2", "body_id": "s1", "role": "主任"},  # row 4: unknown cadre, wrong kind
        ],
        contains=[{"parent_id": "a2", "child_id": "a1"}, {"parent_id": "g1", "child_id": "c3"}],  # cycle; disallowed triple
    )
    probs = _problems(path)
    _has(probs, "communities.csv", 2, "households", "below the minimum 0", "-5")
    _has(probs, "communities.csv", 3, "id", "duplicate id (first used in communities.csv row 2)", "c1")
    _has(probs, "communities.csv", 3, "street_id", "not the id of any Street", "s9")
    _has(probs, "communities.csv", 3, "households", "not a valid whole number", "abc")
    _has(probs, "communities.csv", 4, "name", "a value is required")
    _has(probs, "communities.csv", 4, "street_id", "is the id of a Grid, not of a Street", "g1")
    kind = _has(probs, "communities.csv", 4, "kind", "not a known kind", "乡村")
    assert kind["suggestion"] == "did you mean 村 (village)?"
    level = _has(probs, "party_orgs.csv", 3, "level", "not a known level", "党支布")
    assert level["suggestion"] == "did you mean 党支部 (branch)?"
    _has(probs, "posts.csv", 2, "role", "not a known role", "书纪")
    _has(probs, "posts.csv", 2, "start", "not a valid date", "2021年13月5日")
    _has(probs, "posts.csv", 3, "end", "before the post's start 2021-12-05", "2020-01-01")
    _has(probs, "posts.csv", 4, "cadre_id", "not the id of any Cadre", "p2")
    _has(probs, "posts.csv", 4, "body_id", "is the id of a Street", "s1")
    _has(probs, "contains.csv", 3, "child_id", "CONTAINS from a Grid to a Community is not allowed", "c3")
    cyc = probs[probs["problem"].str.contains("CONTAINS cycle")]
    assert len(cyc) == 1 and {"a1", "a2"} <= set(cyc["problem"].iloc[0].replace("→", " ").split())
    # 7 in communities + 1 in party_orgs + 5 in posts + 1 in contains + 1 cycle
    assert len(probs) == 15
    # the message names them too, one per line
    msg = str(og.LedgerError(probs, "x"))
    assert msg.count("\n") == 15 and "party_orgs.csv, row 3, column level: '党支布' is not a known level; did you mean 党支部 (branch)?" in msg


def test_missing_required_column(tmp_path):
    path = write_ledger(tmp_path)
    (path / "grids.csv").write_text("编号,所属社区\ng1,c1\n", encoding="utf-8")
    probs = _problems(path)
    row = _has(probs, "grids.csv", 1, "name", "required column 'name' is missing")
    assert "名称" in row["suggestion"]


def test_personal_values_are_never_repeated(tmp_path):
    path = write_ledger(tmp_path, cadres=[{"id": "p1", "name": "王一", "party_member": "是", "phone": "13800000001"},
                                     {"id": "p1", "name": "李二", "party_member": "也许", "phone": "13800000002"}])
    with pytest.raises(og.LedgerError) as info:
        og.read_ledger(path)
    text = str(info.value) + info.value.problems.to_string()
    for secret in ("王一", "李二", "13800000001", "13800000002"):
        assert secret not in text


def test_chinese_headers_table_names_and_values(tmp_path):
    (tmp_path / "街道.csv").write_text("编号,名称\ns1,东城街道\n", encoding="utf-8")
    (tmp_path / "社区.csv").write_text("编号,名称,所属街道,类型,户数\nc1,安宁社区,s1,城市社区,\"1,200\"\n", encoding="utf-8-sig")
    (tmp_path / "单位.csv").write_text("编号,名称,类型,所在区域\nu1,安宁居委会,居委会,c1\n", encoding="gb18030")
    g = og.read_ledger(tmp_path)
    c = g.nodes("Community").iloc[0]
    assert (c["kind"], c["households"], c["street_id"]) == ("urban", 1200, "s1")
    assert g.nodes("Unit").iloc[0]["kind"] == "residents_committee"


def test_title_row_and_blank_rows_are_skipped_with_true_row_numbers(tmp_path):
    write_ledger(tmp_path)
    (tmp_path / "grids.csv").write_text("网格台账（2021年）,,,\nid,name,community_id,households\ng1,一网格,c1,300\n,,,\ng2,二网格,c1,x\n",
                                        encoding="utf-8")
    probs = _problems(tmp_path)
    # title row 1, header row 2, g1 row 3, blank row 4, g2 row 5
    _has(probs, "grids.csv", 5, "households", "not a valid whole number", "x")
    assert len(probs) == 1


def test_nothing_is_loaded_on_error(tmp_path):
    path = write_ledger(tmp_path, posts=[{"cadre_id": "p9", "body_id": "po2", "role": "secretary"}])
    with pytest.raises(og.LedgerError):
        g = og.read_ledger(path)
    assert "g" not in locals()


def test_ledger_error_is_a_value_error(tmp_path):
    path = write_ledger(tmp_path, grids=[{"id": "g1", "name": "x", "community_id": "nope"}])
    with pytest.raises(ValueError):
        og.read_ledger(path)


def test_missing_ledger_path(tmp_path):
    with pytest.raises(FileNotFoundError):
        og.read_ledger(tmp_path / "nowhere")


def test_a_cycle_is_named_the_same_way_in_every_run(tmp_path):
    """The cycle message starts from the cycle's smallest id, whatever the string hash seed of the process."""
    import os
    import subprocess
    import sys

    path = write_ledger(
        tmp_path,
        areas=[
            {"id": "a1", "name": "御景小区", "kind": "compound", "parent_id": "g1"},
            {"id": "a2", "name": "1号楼", "kind": "building", "parent_id": "a3"},
            {"id": "a3", "name": "2号楼", "kind": "building", "parent_id": "a4"},
            {"id": "a4", "name": "3号楼", "kind": "building", "parent_id": "a2"},
        ],
    )
    code = ("import orggraph as og; p = og.check_ledger(r'%s'); "
            "print(p.loc[p['problem'].str.contains('cycle'), 'problem'].tolist())" % path)
    seen = set()
    for seed in ("1", "2", "3"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed})
        seen.add(out.stdout.strip())
    assert len(seen) == 1
    assert "a2 → a4 → a3 → a2" in seen.pop()  # parent → child: a2 contains a4, a4 contains a3
