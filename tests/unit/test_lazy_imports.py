"""``import orggraph`` loads only what every use needs; the rest loads on first use (docs/architecture.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.quick


def _fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter (its own sys.modules) and return the JSON it prints."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


HEAVY = ["networkx", "orggraph.scenarios", "orggraph.ledger", "orggraph.plot", "orggraph.geo", "matplotlib"]


def test_import_orggraph_leaves_the_higher_layers_and_networkx_unloaded():
    loaded = _fresh(f"import sys, json, orggraph; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    assert loaded == []


def test_the_cli_help_leaves_them_unloaded():
    code = (f"import sys, json, contextlib, io\nfrom orggraph.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    try: main(['--help'])\n    except SystemExit: pass\n"
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    assert _fresh(code) == []


def test_lazy_names_and_extensions_work_in_a_fresh_process():
    code = """
import json, orggraph as og
g = og.load_sample("qixia")                      # samples → ledger on first use
s = g.scenario("t", date="2020-06-30")           # OrgGraph.scenario loads orggraph.scenarios
c = og.compare(g, s)                             # the module orggraph.compare, callable
print(json.dumps([type(s).__name__ == og.Scenario.__name__, hasattr(og.compare, "graph_differences"),
                  type(c).__name__, callable(og.read_ledger), "networkx" in __import__("sys").modules]))
"""
    assert _fresh(code) == [True, True, "Comparison", True, False]


def test_write_ledger_loads_its_package_on_first_call(tmp_path):
    code = f"""
import json, sys, orggraph as og
g = og.OrgGraph()
g.add_node("Street", "s1", name="东城街道")
before = "orggraph.ledger" in sys.modules
g.write_ledger({str(tmp_path / "out")!r})
print(json.dumps([before, og.read_ledger({str(tmp_path / "out")!r}).equals(g)]))
"""
    assert _fresh(code) == [False, True]
