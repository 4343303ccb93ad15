"""Consistency warnings: well-formed ledgers that say something unlikely; --strict refuses them."""

from __future__ import annotations

import logging

import pytest

import orggraph as og
from orggraph.cli import main
from fixtures.ledgers import VALID, write_ledger


def _ledger(tmp_path, **changes):
    # give c2 a party organisation so the base ledger has no warning at all
    party_orgs = VALID["party_orgs"] + [
        {"id": "po3", "name": "碧海社区党委", "level": "committee", "parent_id": "po1", "territory_id": "c2"}]
    return write_ledger(tmp_path, **{"party_orgs": party_orgs, **changes})


def test_clean_ledger_has_no_warning(tmp_path):
    assert og.check_ledger(_ledger(tmp_path)).empty


def test_each_warning_names_file_and_row(tmp_path):
    posts = [
        {"cadre_id": "p1", "body_id": "po2", "role": "secretary", "start": "2021-12-05"},              # row 2
        {"cadre_id": "p1", "body_id": "u1", "role": "director", "start": "2018-01-01", "end": "2021-01-01"},  # row 3
        {"cadre_id": "p1", "body_id": "u1", "role": "director", "start": "2020-06-01"},                # row 4: overlaps row 3
        {"cadre_id": "p1", "body_id": "u1", "role": "director", "start": "2015-01-01", "end": "2018-01-01"},  # row 5: touches, no overlap
        {"cadre_id": "p1", "body_id": "u2", "role": "director", "start": "2021-01-01"},                # row 6: u2 dissolved 2020
    ]
    units = VALID["units"] + [{"id": "u2", "name": "旧居委会", "kind": "residents_committee", "territory_id": "c2",
                               "end": "2020-12-31"}]  # 撤销日期 (a ledger's dissolved_on is read as end)
    grids = [{"id": "g1", "name": "一网格", "community_id": "c1", "households": 900}]  # c1 has 800
    communities = VALID["communities"] + [{"id": "c3", "name": "新社区", "street_id": "s1"}]  # no party organisation
    path = _ledger(tmp_path, posts=posts, units=units, grids=grids, communities=communities)
    w = og.check_ledger(path)
    assert (w["severity"] == "warning").all()
    got = {(r.file, r.row, r.column): r.problem for r in w.itertuples()}
    assert got == {
        ("posts.csv", 4, "cadre_id"): "holds the same role (director) in u1 as in row 3, over overlapping dates",
        ("posts.csv", 6, "body_id"): "was dissolved on 2020-12-31 but this post runs on",
        ("grids.csv", 2, "households"): "is more than its community c1's 800 households",
        ("communities.csv", 4, "id"): "has no party organisation (社区党委/党总支) covering it",
    }
    # a warning does not stop loading; strict does
    assert len(og.read_ledger(path).nodes("Community")) == 3
    with pytest.raises(og.LedgerError) as info:
        og.read_ledger(path, strict=True)
    assert len(info.value.problems) == 4


def test_warnings_are_logged_once_by_id(tmp_path, caplog):
    path = _ledger(tmp_path, communities=VALID["communities"] + [{"id": "c3", "name": "新社区", "street_id": "s1"}])
    with caplog.at_level(logging.WARNING, logger="orggraph.ledger"):
        og.read_ledger(path)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "1 consistency warning" in warnings[0].getMessage()


def test_cli_validate_strict(tmp_path, capsys):
    path = _ledger(tmp_path, communities=VALID["communities"] + [{"id": "c3", "name": "新社区", "street_id": "s1"}])
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 consistency warning" in out and "communities.csv, row 4, column id: 'c3' has no party organisation" in out
    assert main(["validate", "--strict", str(path)]) == 1
