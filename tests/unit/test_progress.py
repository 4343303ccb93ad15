"""Progress bars: shown only when someone can see them and the job is large; read_ledger reports its steps."""

from __future__ import annotations

import io

import orggraph as og
from orggraph import progress as pg
from orggraph.schema import EDGE_TYPES, NODE_KINDS


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_quiet_unless_a_terminal_and_a_large_job(monkeypatch):
    monkeypatch.delenv(pg.ENV_VAR, raising=False)
    assert not pg.progress_enabled(True, io.StringIO())  # a pipe or a log
    assert not pg.progress_enabled(False, _Terminal())  # a small job
    assert pg.progress_enabled(True, _Terminal())
    monkeypatch.setenv(pg.ENV_VAR, "0")
    assert not pg.progress_enabled(True, _Terminal())
    monkeypatch.setenv(pg.ENV_VAR, "1")
    assert pg.progress_enabled(False, io.StringIO())


def test_a_bar_counts_and_shows_its_steps(monkeypatch):
    monkeypatch.delenv(pg.ENV_VAR, raising=False)
    out = _Terminal()
    with pg.progress(3, "reading ledger", file=out) as bar:
        for step in ("validating", "building", "checking"):
            bar.update(1, step)
    assert bar.n == 3 and bar.total == 3
    text = out.getvalue()
    assert "reading ledger" in text and "/3 [" in text  # redrawn at most every 0.2 s, cleared at the end
    quiet = io.StringIO()
    with pg.progress(3, "reading ledger", file=quiet) as bar:
        bar.update(3)
    assert bar.n == 3 and quiet.getvalue() == ""


def test_read_ledger_shows_its_steps_when_forced(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(pg.ENV_VAR, "1")
    g = og.read_ledger(og.sample_path("jiaohe"))
    err = capsys.readouterr().err
    assert len(g.nodes("Community")) == 4
    steps = 3 + len(NODE_KINDS) + len(EDGE_TYPES)  # read, validate, one per node kind and edge type, consistency
    assert "reading ledger jiaohe:   0%|" in err and f"/{steps} [" in err


def test_read_ledger_is_silent_by_default(monkeypatch, capsys):
    monkeypatch.delenv(pg.ENV_VAR, raising=False)
    og.read_ledger(og.sample_path("jiaohe"))
    assert capsys.readouterr().err == ""


def test_size_of_a_ledger(tmp_path):
    (tmp_path / "a.csv").write_text("x" * 10)
    (tmp_path / "b.csv").write_text("y" * 5)
    assert pg.size_of(tmp_path) == 15 and pg.size_of(tmp_path / "a.csv") == 10 and pg.size_of(tmp_path / "no") == 0
    assert pg.size_of(og.sample_path("xiaonan")) < pg.LARGE_BYTES  # the samples load without a bar


def test_status_is_silent_off_a_terminal(monkeypatch):
    monkeypatch.delenv(pg.ENV_VAR, raising=False)
    out = io.StringIO()
    with pg.status("running the audit", file=out):
        pass
    assert out.getvalue() == ""
