"""Every notebook runs top to bottom, so none of them rots; the committed ones carry no outputs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _generator():
    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "tools" / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebooks_are_the_generated_ones_without_outputs():
    gen = _generator()
    assert [p.stem for p in NOTEBOOKS] == sorted(gen.NOTEBOOKS)
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{path.name} has outputs"
        assert nb == gen.build(path.stem, gen.NOTEBOOKS[path.stem]), f"{path.name}: run tools/make_notebooks.py"


def _run(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if "neo4j" not in p.stem], ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    _run(path, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if "neo4j" in p.stem], ids=lambda p: p.stem)
def test_neo4j_notebook_runs_against_the_test_server(path, tmp_path, monkeypatch, bolt_server, fresh_database):
    """The Neo4j notebook, pointed at the suite's Bolt server through the environment it documents."""
    user, password = bolt_server.auth
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("ORGGRAPH_NEO4J_URI", bolt_server.uri)
    monkeypatch.setenv("ORGGRAPH_NEO4J_USER", user)
    monkeypatch.setenv("ORGGRAPH_NEO4J_PASSWORD", password)
    monkeypatch.setenv("ORGGRAPH_NEO4J_DATABASE", fresh_database)
    _run(path, tmp_path)
