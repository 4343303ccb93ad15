"""The command line, run in-process through its entry point."""

from __future__ import annotations

import pandas as pd

from orggraph.cli import main
from fixtures.ledgers import write_ledger


def test_summary_of_a_ledger(tmp_path, capsys):
    assert main(["summary", str(write_ledger(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "Community" in out and "HOLDS_POST" in out


def test_validate_valid_and_invalid(tmp_path, capsys):
    good = write_ledger(tmp_path / "good")
    assert main(["validate", str(good)]) == 0
    assert "valid" in capsys.readouterr().out
    bad = write_ledger(tmp_path / "bad", grids=[{"id": "g1", "name": "x", "community_id": "c9", "households": "-1"}])
    assert main(["validate", str(bad), "--out", str(tmp_path / "p.csv")]) == 1
    out = capsys.readouterr().out
    assert "grids.csv, row 2, column community_id: 'c9' is not the id of any Community" in out
    assert "grids.csv, row 2, column households: '-1' is below the minimum 0" in out
    assert len(pd.read_csv(tmp_path / "p.csv")) == 2


def test_unknown_sample_is_a_clear_error(capsys):
    assert main(["summary", "--sample", "atlantis"]) == 1
    assert "no sample 'atlantis'" in capsys.readouterr().err


def test_audit_of_a_sample_state_before_its_reform(tmp_path, capsys):
    # the same NAME/before as `scenario run --sample`: 栖霞 before the reform has 8 communities, no compound branch
    out = tmp_path / "before"
    main(["audit", "--sample", "qixia/before", "--as-of", "2019-06-30", "--out", str(out)])
    assert "sample qixia/before" in capsys.readouterr().out
    head = pd.read_csv(out / "headline.csv").set_index("indicator")
    assert head.loc["one_shoulder_share", "denominator"] == 8
    assert head.loc["compound_org_coverage_rate", "numerator"] == 0
