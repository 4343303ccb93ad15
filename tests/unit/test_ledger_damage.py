"""Real 台账 as departments keep them: each input is read right or refused by name, never read differently.

One test per class of input, with the exact bytes or workbook (built with openpyxl in
``tmp_path``). Expected outcomes are what the ledger means, worked out by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import orggraph as og
from orggraph.cli import main
from orggraph.ledger.io import HEADER_SEARCH_ROWS, MAX_COLUMNS
from orggraph.ledger.validate import MAX_DEPTH, MAX_POSTS_PER_PERSON
from fixtures.strategies import ledgers, spreadsheet_damage, write_csv_ledger
from fixtures.ledgers import VALID


def _tables(**changes) -> dict[str, list[dict]]:
    tables = {k: [dict(r) for r in v] for k, v in VALID.items()}
    tables.update(changes)
    return tables


def _csv(tmp_path, **changes) -> Path:
    write_csv_ledger(_tables(**changes), tmp_path / "l")
    return tmp_path / "l"


def _columns(table: str) -> list[str]:
    from orggraph.schema import EDGE_TABLES, NODE_TABLES

    return NODE_TABLES[table].columns if table in NODE_TABLES else EDGE_TABLES[table].columns


def _workbook(tables: dict[str, list[dict]]) -> Workbook:
    """The ledger as a workbook, one sheet per table (canonical headers, values as written)."""
    wb = Workbook()
    wb.remove(wb.active)
    for table, rows in tables.items():
        ws = wb.create_sheet(table)
        cols = _columns(table)
        ws.append(cols)
        for r in rows:
            ws.append([r.get(c) for c in cols])
    return wb


def _xlsx(tmp_path, wb: Workbook, name="台账.xlsx") -> Path:
    wb.save(tmp_path / name)
    return tmp_path / name


def _errors(path) -> pd.DataFrame:
    with pytest.raises(og.LedgerError) as info:
        og.read_ledger(path)
    return info.value.problems.query("severity == 'error'")


def _one(probs: pd.DataFrame, text: str) -> dict:
    hit = probs[probs["problem"].str.contains(text, regex=False)]
    assert len(hit) == 1, f"expected one problem with {text!r}:\n{probs.to_string()}"
    return hit.iloc[0].to_dict()


# ------------------------------------------------------------------ silently wrong before


def test_vertically_merged_cells_give_their_value_to_every_row(tmp_path):
    grids = [{"id": f"g{i}", "name": f"{i}网格", "community_id": "c1" if i < 4 else "c2", "households": 100} for i in range(1, 7)]
    wb = _workbook(_tables(grids=grids))
    ws = wb["grids"]
    for r in (3, 4, 6, 7):  # the value stays in the first cell of each merged range, as Excel keeps it
        ws.cell(r, 3).value = None
    ws.merge_cells("C2:C4")
    ws.merge_cells("C5:C7")
    path = _xlsx(tmp_path, wb)
    g = og.read_ledger(path)
    assert dict(g.edges("CONTAINS").query("target.str.startswith('g')")[["target", "source"]].values) == \
        {"g1": "c1", "g2": "c1", "g3": "c1", "g4": "c2", "g5": "c2", "g6": "c2"}
    report = og.check_ledger(path)
    merged = report[report["problem"].str.contains("merged cells")]
    assert list(merged["column"]) == ["C2:C4", "C5:C7"] and set(merged["severity"]) == {"warning"}


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!"])
def test_an_error_cell_is_an_error_quoting_it(tmp_path, error):
    wb = _workbook(_tables())
    wb["communities"]["D3"] = error  # households of c2; openpyxl writes these as error cells (t="e")
    p = _one(_errors(_xlsx(tmp_path, wb)), "an error cell")
    assert (p["file"], p["row"], p["column"], p["value"]) == ("台账.xlsx[communities]", 3, "households (D3)", error)


@pytest.mark.parametrize("text", ["N/A", "NULL", "NA", "None", "nan"])
def test_na_like_text_is_read_the_same_in_csv_and_xlsx(tmp_path, text):
    comms = _tables()["communities"]
    comms[1]["households"] = text
    from_csv = _one(_errors(_csv(tmp_path, communities=comms)), "is not a valid whole number")
    from_xlsx = _one(_errors(_xlsx(tmp_path, _workbook(_tables(communities=comms)))), "is not a valid whole number")
    assert (from_csv["row"], from_csv["column"], from_csv["value"]) == (3, "households", text)
    assert (from_xlsx["row"], from_xlsx["column"], from_xlsx["value"]) == (3, "households", text)


def test_a_formula_without_a_saved_value_is_reported(tmp_path):
    wb = _workbook(_tables())
    wb["communities"]["D2"] = "=SUM(400,400)"  # openpyxl saves the formula only, as any script does
    p = _one(_errors(_xlsx(tmp_path, wb)), "a formula with no saved value")
    assert (p["row"], p["column"]) == (2, "households (D2)")


def test_a_hidden_sheet_for_a_table_is_ignored_with_a_warning(tmp_path):
    wb = _workbook(_tables())
    old = wb.create_sheet("社区")  # an old copy of communities, hidden: it must not replace the visible one
    old.append(["id", "name", "street_id"])
    old.append(["c9", "旧社区", "s1"])
    old.sheet_state = "hidden"
    path = _xlsx(tmp_path, wb)
    g = og.read_ledger(path)
    assert set(g.nodes("Community")["id"]) == {"c1", "c2"}
    p = _one(og.check_ledger(path), "hidden sheet '社区' is ignored")
    assert p["severity"] == "warning"


def test_two_visible_sheets_for_one_table_are_refused(tmp_path):
    wb = _workbook(_tables())
    again = wb.create_sheet("社区")
    again.append(["id", "name", "street_id"])
    again.append(["c9", "新社区", "s1"])
    p = _one(_errors(_xlsx(tmp_path, wb)), "a second sheet for table 'communities'")
    assert p["file"] == "台账.xlsx[社区]"


def test_a_stray_quote_is_named_by_its_line(tmp_path):
    path = _csv(tmp_path)
    (path / "areas.csv").write_bytes(
        b'id,name,kind,parent_id,households,geometry\n'
        b'a1,"\xe5\xbe\xa1\xe6\x99\xaf,compound,g1,520,\n'  # "御景 opens a quote that the next rows fall into
        b'a2,1\xe5\x8f\xb7\xe6\xa5\xbc,building,a1,,\n'
        b'a3,2\xe5\x8f\xb7\xe6\xa5\xbc,building,a1,,\n'
        b'a4,"3\xe5\x8f\xb7\xe6\xa5\xbc",building,a1,,\n')
    p = _one(_errors(path), "runs on over 4 line(s) to line 5, 3 of which look like rows")
    assert (p["file"], p["row"]) == ("areas.csv", 2) and p["problem"].startswith("line 2: a quote")


def test_a_quote_never_closed_is_named_by_its_line(tmp_path):
    path = _csv(tmp_path)
    (path / "grids.csv").write_bytes(b'id,name,community_id,households\ng1,"one,c1,300\n')
    p = _one(_errors(path), "never closed")
    assert "line 2" in p["problem"]


def test_a_row_cut_short_is_named(tmp_path):
    path = _csv(tmp_path)
    (path / "grids.csv").write_bytes(b"id,name,community_id,parent_grid_id,households\n"
                                     b"g1,one,c1,,300\ng2,two\n")
    p = _one(_errors(path), "fields where the header has 5")
    assert (p["file"], p["row"]) == ("grids.csv", 3) and "line 3 has 2 fields" in p["problem"]


def test_a_row_with_too_many_fields_is_named(tmp_path):
    path = _csv(tmp_path)
    (path / "grids.csv").write_bytes(b"id,name,community_id,households\n"
                                     b"g1,one,c1,300\ng2,two,c1,1,200\n")
    p = _one(_errors(path), "fields where the header has 4")
    assert p["row"] == 3 and "line 3 has 5 fields" in p["problem"]


def test_near_alias_headers_are_read(tmp_path):
    path = _csv(tmp_path)
    (path / "streets.csv").write_text("街道编号,街道名称,所属区县,户数（户）,常住人口(人)\ns1,石臼街道,d1,3000,9000\n",
                                      encoding="utf-8")
    (path / "communities.csv").write_text("社区编号,社区名称,所属街道编号,社区类型,户数(户)\n"
                                          "c1,振兴社区,s1,村改居,800\nc2,碧海社区,s1,城市社区,1200\n", encoding="utf-8")
    g = og.read_ledger(path)
    s = g.nodes("Street").iloc[0]
    assert (s["households"], s["population"]) == (3000, 9000)
    assert set(g.edges("CONTAINS").query("source == 's1'")["target"]) == {"c1", "c2"}
    assert list(g.nodes("Community")["households"]) == [800, 1200]


def test_a_look_alike_extra_column_is_warned_about(tmp_path):
    path = _csv(tmp_path)
    (path / "grids.csv").write_text("id,name,所属社区名称,households\ng1,一网格,振兴社区,300\n", encoding="utf-8")
    p = _one(og.check_ledger(path), "is not read as 'community_id'")
    assert p["severity"] == "warning" and p["column"] == "所属社区名称"


def test_files_not_named_as_tables_are_listed_as_ignored(tmp_path):
    path = _csv(tmp_path)
    (path / "adjacency (1).csv").write_text("a_id,b_id\nc1,c2\n", encoding="utf-8")
    (path / "社区台账.csv").write_text("id,name\nc3,x\n", encoding="utf-8")
    report = og.check_ledger(path)
    ignored = report[report["problem"].str.contains("ignored")]
    assert set(ignored["file"]) == {"adjacency (1).csv", "社区台账.csv"} and set(ignored["severity"]) == {"warning"}


def test_a_workbook_with_default_sheet_names_is_an_error(tmp_path):
    wb = Workbook()
    wb.active.append(["编号", "名称"])
    wb.active.append(["c1", "振兴社区"])
    wb.create_sheet("社区信息表").append(["编号", "名称"])
    path = _xlsx(tmp_path, wb)
    probs = og.check_ledger(path)
    assert set(probs.query("severity == 'warning'")["file"]) == {"台账.xlsx[Sheet]", "台账.xlsx[社区信息表]"}
    _one(probs.query("severity == 'error'"), "no node table found")


@pytest.mark.parametrize("what", ["empty", "wrong"])
def test_validate_and_audit_exit_1_on_a_ledger_without_tables(tmp_path, what):
    folder = tmp_path / "l"
    folder.mkdir()
    if what == "wrong":
        (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    _one(_errors(folder), "no node table found")
    assert main(["validate", str(folder)]) == 1
    assert main(["audit", str(folder)]) == 1


def test_numeric_ids_in_a_workbook_are_text(tmp_path):
    tables = _tables()
    tables["streets"][0]["id"] = 1001
    for c in tables["communities"]:
        c["street_id"] = 1001  # both sides typed as numbers
    tables["party_orgs"][0]["territory_id"] = "1001"  # and one as text
    g = og.read_ledger(_xlsx(tmp_path, _workbook(tables)))
    assert g.nodes("Street")["id"].tolist() == ["1001"]
    assert set(g.edges("CONTAINS").query("source == '1001'")["target"]) == {"c1", "c2"}


def test_dates_serials_and_open_ends(tmp_path):
    posts = [
        {"cadre_id": "p1", "body_id": "po2", "role": "secretary", "start": dt.datetime(2021, 12, 5), "end": "至今"},
        {"cadre_id": "p1", "body_id": "u1", "role": "director", "start": 44535, "end": dt.datetime(9999, 12, 31)},
        {"cadre_id": "p1", "body_id": "g1", "role": "grid_worker", "start": "2021-12-05", "end": "9999-12-31"},
    ]
    g = og.read_ledger(_xlsx(tmp_path, _workbook(_tables(posts=posts))))
    e = g.edges("HOLDS_POST")
    assert list(e["start"].dt.strftime("%Y-%m-%d")) == ["2021-12-05"] * 3  # 44535 is a plausible serial
    assert e["end"].isna().all()  # 至今 and 9999-12-31: no end yet


@pytest.mark.parametrize("start, problem", [(10000, "is not a valid date"),  # a number, not a plausible serial
                                            (dt.datetime(1899, 12, 30), "is not a valid date"),  # serial 0: no date
                                            ("1890-05-01", "is not a plausible date")])
def test_implausible_dates_are_reported(tmp_path, start, problem):
    posts = [{"cadre_id": "p1", "body_id": "po2", "role": "secretary", "start": start}]
    p = _one(_errors(_xlsx(tmp_path, _workbook(_tables(posts=posts)), f"{str(start)[:4]}.xlsx")), problem)
    assert (p["row"], p["column"]) == (2, "start")


@pytest.mark.parametrize("body, role", [("g1", "secretary"), ("po2", "grid_worker"), ("u1", "书记")])
def test_a_role_that_does_not_fit_its_body_is_an_error(tmp_path, body, role):
    posts = [{"cadre_id": "p1", "body_id": body, "role": role, "start": "2021-12-05"}]
    p = _one(_errors(_csv(tmp_path, posts=posts)), "is not a role held in a")
    assert (p["file"], p["row"], p["column"]) == ("posts.csv", 2, "role")


@pytest.mark.parametrize("column, value, problem", [
    ("birth_year", 2030, "above the plausible maximum"),
    ("households", "9200000000000000000", "above the plausible maximum"),
    ("households", "inf", "is not a valid whole number"),
    ("households", "1e400", "is not a valid whole number"),
    ("households", "12345678901234567890", "is not a valid whole number"),
])
def test_absurd_numbers_are_problems_not_crashes(tmp_path, column, value, problem):
    tables = _tables()
    table = "cadres" if column == "birth_year" else "communities"
    tables[table][0][column] = value
    p = _one(_errors(_csv(tmp_path, **{table: tables[table]})), problem)
    assert (p["row"], p["column"]) == (2, column)


# ------------------------------------------------------------------ crashes and hangs before


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"", "truncated"])
def test_a_damaged_workbook_is_an_error(tmp_path, content):
    path = tmp_path / "台账.xlsx"
    if content == "truncated":
        _xlsx(tmp_path, _workbook(_tables()))
        path.write_bytes(path.read_bytes()[:2000])
    else:
        path.write_bytes(content)
    _one(_errors(path), "not a readable .xlsx workbook")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_with_or_without_bom_is_read(tmp_path, codec):
    path = _csv(tmp_path)
    text = (path / "communities.csv").read_text(encoding="utf-8")
    (path / "communities.csv").write_bytes(text.encode(codec))
    assert set(og.read_ledger(path).nodes("Community")["name"]) == {"振兴社区", "碧海社区"}


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_a_file_cut_inside_a_character_names_the_line(tmp_path, codec):
    path = _csv(tmp_path)
    data = "id,name,street_id\nc1,振兴社区,s1\nc2,碧海社区".encode(codec)
    (path / "communities.csv").write_bytes(data[:-1])  # the last character's last byte is missing
    p = _one(_errors(path), "ends inside a character")
    assert (p["file"], p["row"]) == ("communities.csv", 3)


def test_a_header_below_the_search_rows_is_said_not_found(tmp_path):
    path = _csv(tmp_path)
    title = "".join(f"说明{i},,\n" for i in range(HEADER_SEARCH_ROWS))
    (path / "grids.csv").write_text(title + "id,name,community_id\ng1,一网格,c1\n", encoding="utf-8")
    p = _one(_errors(path), "no header row found")
    assert p["file"] == "grids.csv"


def test_one_cell_at_xfd1048576_is_refused_without_expanding_the_sheet(tmp_path):
    wb = _workbook(_tables())
    wb["grids"]["XFD1048576"] = "x"
    p = _one(_errors(_xlsx(tmp_path, wb)), "used range reaches XFD1048576")
    assert p["file"] == "台账.xlsx[grids]"


def test_a_header_of_a_million_empty_columns_is_refused(tmp_path):
    path = _csv(tmp_path)
    (path / "grids.csv").write_bytes(b"id,name" + b"," * 999_990 + b"\ng1,x\n")
    p = _one(_errors(path), f"more than {MAX_COLUMNS:,} is not a ledger table")
    assert p["file"] == "grids.csv"


def test_a_containment_chain_beyond_the_depth_limit_is_refused(tmp_path):
    n = 20_000
    areas = [{"id": f"a{i}", "name": f"区域{i}", "kind": "compound", "parent_id": f"a{i - 1}" if i else "g1"} for i in range(n)]
    p = _one(_errors(_csv(tmp_path, areas=areas)), f"more than {MAX_DEPTH} levels deep")
    assert (p["file"], p["value"]) == ("districts.csv", "d1")  # the top of the chain d1 > s1 > c1 > g1 > a0 > …


def test_a_chain_at_the_depth_limit_loads(tmp_path):
    # g1 is at depth 3 below d1 (d1 > s1 > c1 > g1); areas hang below it up to MAX_DEPTH levels from d1
    areas = [{"id": f"a{i}", "name": f"区域{i}", "kind": "compound", "parent_id": f"a{i - 1}" if i else "g1"}
             for i in range(MAX_DEPTH - 3)]
    g = og.read_ledger(_csv(tmp_path, areas=areas))
    assert len(g.nodes("Area")) == MAX_DEPTH - 3


def test_a_placeholder_person_in_every_body_is_refused(tmp_path):
    orgs = _tables()["party_orgs"] + [{"id": f"b{i}", "name": f"支部{i}", "level": "branch", "parent_id": "po2"}
                                      for i in range(2000)]
    posts = [{"cadre_id": "p1", "body_id": f"b{i}", "role": "member"} for i in range(2000)]
    p = _one(_errors(_csv(tmp_path, party_orgs=orgs, posts=posts)), f"more than {MAX_POSTS_PER_PERSON}")
    assert (p["row"], p["value"]) == (2, "p1") and "holds 2,000 posts" in p["problem"]


# ------------------------------------------------------------------ role vocabulary


@pytest.mark.parametrize("written, role", [("社区党委书记", "secretary"), ("第一书记", "first_secretary"),
                                           ("组织委员", "organization_member"), ("党支部副书记", "deputy_secretary")])
def test_role_vocabulary(tmp_path, written, role):
    posts = [{"cadre_id": "p1", "body_id": "po2", "role": written, "start": "2021-12-05"}]
    assert og.read_ledger(_csv(tmp_path, posts=posts)).edges("HOLDS_POST")["role"].tolist() == [role]


@pytest.mark.parametrize("written, suggestion", [("付书记", "副书记"), ("楼栋常", None), ("书己", None)])
def test_role_suggestions_only_when_close_in_meaning(tmp_path, written, suggestion):
    posts = [{"cadre_id": "p1", "body_id": "po2", "role": written, "start": "2021-12-05"}]
    p = _one(_errors(_csv(tmp_path, posts=posts)), "is not a known role")
    if suggestion is None:
        assert p["suggestion"] is None or p["suggestion"] != p["suggestion"]
    else:
        assert suggestion in p["suggestion"]


# ------------------------------------------------------------------ property: equal to the clean graph or named


def _damage_workbook(path: Path, ops) -> list[tuple[str, int | None, str]]:
    """Apply workbook damage to ``path``; return what must be named: ``(sheet, row or None, text)``."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    expect = []
    filled = [ws for ws in wb.worksheets if ws.max_row >= 2]
    for kind, n, error in ops:
        if not filled:
            break
        ws = filled[n % len(filled)]
        if kind == "error_cell":
            row, col = 2 + n % (ws.max_row - 1), 1 + n % ws.max_column
            if any(r.min_row <= row <= r.max_row and r.min_col <= col <= r.max_col for r in ws.merged_cells.ranges):
                continue  # inside a merged range only its first cell holds a value
            ws.cell(row, col).value = error
            expect.append((ws.title, row, error))
        elif kind == "merge":
            header = [c.value for c in ws[1]]
            for col, name in enumerate(header, start=1):
                if not (isinstance(name, str) and name.endswith("_id") and name not in ("id", "unit_id")):
                    continue
                values = [ws.cell(r, col).value for r in range(2, ws.max_row + 1)]
                runs = [r for r in range(len(values) - 1) if values[r] is not None and values[r] == values[r + 1]]
                taken = any(m.min_col == col for m in ws.merged_cells.ranges)
                if runs and not taken:
                    first = runs[n % len(runs)]
                    last = first + 1
                    while last + 1 < len(values) and values[last + 1] == values[first]:
                        last += 1
                    ws.merge_cells(start_row=first + 2, start_column=col, end_row=last + 2, end_column=col)
                    break
        elif kind in ("hidden_copy", "visible_copy"):
            from orggraph.schema import TABLE_ALIASES

            table = ws.title
            names = [a for a in TABLE_ALIASES[table] if a not in wb.sheetnames]
            if not names:
                continue
            copy = wb.create_sheet(names[0])
            copy.append([c.value for c in ws[1]])
            copy.append(["zz_stale"] + [None] * (ws.max_column - 1))
            if kind == "hidden_copy":
                copy.sheet_state = "hidden"
            else:
                expect.append((names[0], None, "a second sheet"))
    wb.save(path)
    return expect


def _damage_csv(folder: Path, ops) -> list[tuple[str, int | None, str]]:
    files = sorted(f for f in folder.glob("*.csv") if f.read_bytes().count(b"\n") >= 2)
    expect, touched = [], set()
    for kind, n, _ in ops:
        if not files:
            break
        f = files[n % len(files)]
        if f.name in touched:
            continue  # one damage per file: the first kind of damage found in a file refuses it
        lines = f.read_bytes().split(b"\n")
        body = [i for i in range(1, len(lines)) if lines[i].strip()]
        i = body[n % len(body)]
        fields = lines[i].split(b",")
        if kind == "stray_quote":
            at = n % len(fields)
            fields[at] = b'"' + fields[at]
            lines[i] = b",".join(fields)
            expect.append((f.name, None, "quote"))
        else:  # short_row: the row loses its last field(s)
            keep = n % len(fields)
            lines[i] = b",".join(fields[: max(keep, 1) if len(fields) > 1 else 0])
            if len(fields) == 1:
                continue
            expect.append((f.name, i + 1, "fields where the header has"))
        touched.add(f.name)
        f.write_bytes(b"\n".join(lines))
    return expect


def _named(problems: pd.DataFrame, where: str, row, text: str) -> bool:
    hit = problems[problems["file"].str.contains(where, regex=False) & problems["severity"].eq("error")
                   & (problems["problem"].str.contains(text, regex=False) | problems["value"].eq(text))]
    return bool(len(hit)) and (row is None or (hit["row"] == row).any())



@pytest.mark.parametrize("workbook", [True, False], ids=["xlsx", "csv"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=ledgers(hostile=False), ops=st.data())
def test_damaged_spreadsheets_read_equal_or_raise_naming_the_damage(tmp_path_factory, workbook, data, ops):
    """Whatever damage a spreadsheet suffers, the read equals the clean graph or raises naming the damage."""
    d = tmp_path_factory.mktemp("damage")
    write_csv_ledger(data, d / "clean")
    clean = og.read_ledger(d / "clean")
    damage = ops.draw(spreadsheet_damage(workbook))
    if workbook:
        path = clean.write_ledger(d / "d.xlsx")
        expect = _damage_workbook(path, damage)
    else:
        path = clean.write_ledger(d / "csv")
        expect = _damage_csv(path, damage)
    if not expect:  # only damage that keeps the meaning: the same graph
        assert clean.equals(og.read_ledger(path))
        return
    with pytest.raises(og.LedgerError) as info:
        og.read_ledger(path)
    probs = info.value.problems
    for where, row, text in expect:
        assert _named(probs, where, row, text), f"{where} row {row} {text!r} not named:\n{probs.to_string()}"


@pytest.mark.parametrize("merged", [True, False])
def test_a_two_level_merged_header_is_read(tmp_path, merged):
    wb = _workbook(_tables())
    wb.remove(wb["grids"])
    ws = wb.create_sheet("网格")
    ws.append(["网格台账（2024年）", None, None, None])
    ws.append(["编号", "基本信息", None, "户数"])  # a group over 名称 and 所属社区; the others span both rows
    ws.append([None, "名称", "所属社区", None])
    ws.append(["g1", "一网格", "c1", 300])
    ws.merge_cells("A1:D1")
    ws.merge_cells("B2:C2")
    if merged:  # 编号 and 户数 span both header rows (else they are written in the upper one only)
        ws.merge_cells("A2:A3")
        ws.merge_cells("D2:D3")
    g = og.read_ledger(_xlsx(tmp_path, wb))
    grid = g.nodes("Grid").iloc[0]
    assert (grid["id"], grid["name"], grid["households"]) == ("g1", "一网格", 300)
    assert g.edges("CONTAINS").query("target == 'g1'")["source"].tolist() == ["c1"]


def test_month_precision_dates(tmp_path):
    posts = [{"cadre_id": "p1", "body_id": "po2", "role": "secretary", "start": "2021.05"},
             {"cadre_id": "p1", "body_id": "u1", "role": "director", "start": "2021年5月"},
             {"cadre_id": "p1", "body_id": "g1", "role": "grid_worker", "start": "2021-05-20"}]
    e = og.read_ledger(_csv(tmp_path, posts=posts)).edges("HOLDS_POST")
    assert list(e["start"].dt.strftime("%Y-%m-%d")) == ["2021-05-01", "2021-05-01", "2021-05-20"]
    assert list(e["start_precision"].fillna("day")) == ["month", "month", "day"]


def test_a_year_dot_month_number_cell_is_not_a_month(tmp_path):
    posts = [{"cadre_id": "p1", "body_id": "po2", "role": "secretary", "start": 2021.10}]  # reads 2021.1
    p = _one(_errors(_xlsx(tmp_path, _workbook(_tables(posts=posts)))), "is not a valid date")
    assert (p["row"], p["column"]) == (2, "start")


def test_the_template_workbook(tmp_path):
    from openpyxl import load_workbook

    from orggraph.schema import EDGE_TABLES, NODE_TABLES, TABLE_ALIASES

    out = tmp_path / "台账模板.xlsx"
    assert main(["template", "--out", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == [TABLE_ALIASES[t][0] for t in (*NODE_TABLES, *EDGE_TABLES)]
    communities = wb["社区"]
    assert [c.value for c in communities[1]] == ["编号", "名称", "类型", "户数", "人口", "户籍人口", "几何", "坐标系", "成立日期", "撤销日期", "所属街道"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in communities.data_validations.dataValidation}
    assert lists == {"C2": '"城市社区,村改居,农村社区,村"'}
    # the example rows are a valid ledger, read back as written
    g = og.read_ledger(out)
    assert og.check_ledger(out).empty
    assert g.nodes("Community").iloc[0][["id", "kind", "households"]].tolist() == ["c1", "urban", 800]
    assert g.edges("HOLDS_POST")[["source", "target", "role"]].values.tolist() == [["p1", "po1", "secretary"]]


def test_names_in_reference_columns_are_read_when_unique(tmp_path):
    grids = [{"id": "g1", "name": "一网格", "community_id": "振兴社区", "households": 300},
             {"id": "g2", "name": "二网格", "community_id": "c2", "households": 100}]
    path = _csv(tmp_path, grids=grids)
    g = og.read_ledger(path)
    assert dict(g.edges("CONTAINS").query("target.str.startswith('g')")[["target", "source"]].values) == {"g1": "c1", "g2": "c2"}
    p = _one(og.check_ledger(path), "are names, read as the ids")
    assert (p["severity"], p["row"], p["column"]) == ("warning", 2, "community_id") and "振兴社区 → c1" in p["problem"]


def test_an_ambiguous_name_in_a_reference_column_is_an_error(tmp_path):
    comms = _tables()["communities"] + [{"id": "c3", "name": "振兴社区", "street_id": "s1"}]
    grids = [{"id": "g1", "name": "一网格", "community_id": "振兴社区"}]
    p = _one(_errors(_csv(tmp_path, communities=comms, grids=grids)), "is the name of 2 nodes (c1, c3)")
    assert (p["file"], p["row"], p["column"]) == ("grids.csv", 2, "community_id")


# ------------------------------------------------------------------ 花名册


def _roster_graph(tmp_path):
    grids = [{"id": "g1", "name": "一网格", "community_id": "c1"}]
    return og.read_ledger(_csv(tmp_path, grids=grids, posts=[]))


def test_a_roster_becomes_cadres_and_posts(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["振兴社区两委成员花名册"])
    ws.append(["序号", "姓名", "性别", "出生年月", "学历", "政治面貌", "现任职务", "联系电话"])
    ws.append([1, "李一", "女", "1975.03", "大专", "中共党员", "社区党委书记、居委会主任", 13900000001])
    ws.append([2, "赵二", "男", "1988年11月", "本科", "群众", "居委会副主任兼网格员", "13900000002"])
    ws.append([3, "钱三", "女", "1990-07", "本科", "预备党员", "组织委员", None])
    wb.save(tmp_path / "花名册.xlsx")
    out = og.read_roster(tmp_path / "花名册.xlsx", community="c1", graph=_roster_graph(tmp_path))
    cadres = out["cadres"]
    assert cadres["id"].tolist() == ["c1-r3", "c1-r4", "c1-r5"]  # no id column: community and row
    assert cadres["birth_year"].tolist() == [1975, 1988, 1990]
    assert cadres["party_member"].tolist() == [True, False, True]
    assert cadres["phone"].tolist()[:2] == ["13900000001", "13900000002"]
    assert out["posts"][["cadre_id", "body_id", "role"]].values.tolist() == [
        ["c1-r3", "po2", "secretary"], ["c1-r3", "u1", "director"],
        ["c1-r4", "u1", "deputy_director"], ["c1-r4", "g1", "grid_worker"],
        ["c1-r5", "po2", "organization_member"]]


def test_a_roster_title_that_cannot_be_placed_is_named(tmp_path):
    path = tmp_path / "花名册.csv"
    path.write_text("姓名,现任职务\n李一,社区党委书记\n赵二,业委会主任\n钱三,站长助理\n", encoding="utf-8")
    with pytest.raises(og.LedgerError) as info:
        og.read_roster(path, community="c1", graph=_roster_graph(tmp_path))
    probs = info.value.problems
    assert probs[["row", "column"]].values.tolist() == [[3, "titles"], [4, "titles"]]
    assert "no body serving the community fits it" in probs["problem"].iloc[0]
    assert "is not a known role" in probs["problem"].iloc[1]
    assert not probs.astype(str).apply(lambda c: c.str.contains("李一|赵二|钱三")).any().any()  # no names


def test_a_header_below_row_5_is_found(tmp_path):
    path = _csv(tmp_path)
    title = "".join(f"说明{i},,\n" for i in range(6))  # the header is row 7
    (path / "grids.csv").write_text(title + "id,name,community_id\ng1,一网格,c1\n", encoding="utf-8")
    g = og.read_ledger(path)
    assert g.nodes("Grid")["id"].tolist() == ["g1"]


@pytest.mark.parametrize("text", ["N/A", "NULL", "无"])
def test_na_like_text_in_a_reference_column_gets_a_hint(tmp_path, text):
    grids = [{"id": "g1", "name": "一网格", "community_id": text}]
    for path in (_csv(tmp_path, grids=grids), _xlsx(tmp_path, _workbook(_tables(grids=grids)))):
        p = _one(_errors(path), "is not the id of any Community")
        assert (p["row"], p["value"], p["suggestion"]) == (2, text, "leave the cell empty when there is none")
