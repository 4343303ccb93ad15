"""The HTML report in a real headless browser (Debian's chromium): it renders, with its title and tables.

``bash scripts/test.sh`` installs chromium (and the CJK font) on Debian; the test fails, rather than
skips, when no browser is found. ``ORGGRAPH_CHROMIUM`` names another Chromium binary.
"""

from __future__ import annotations

import shutil


import numpy as np
import pytest
from PIL import Image

import orggraph as og
from orggraph.report import write_html

from fixtures.browser import browse

pytestmark = pytest.mark.slow

_browse = browse


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    g = og.load_sample("qixia")
    return write_html(g.audit(as_of="2020-06-30"), tmp_path_factory.mktemp("report") / "report.html", graph=g)


def test_the_report_renders_in_a_headless_browser(page, tmp_path):
    shot = tmp_path / "report.png"
    _browse(page, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2000")
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 2000)
    px = np.asarray(img)
    not_white = (px.min(axis=2) < 235).mean()
    assert not_white > 0.05, f"the page looks blank ({not_white:.1%} non-white pixels)"
    colours = np.unique((px[..., 0].astype(np.uint32) << 16) | (px[..., 1].astype(np.uint32) << 8) | px[..., 2])
    assert len(colours) > 200  # text, tables, and the embedded plots' colours
    # the top band holds the dark title text
    assert (px[:120].max(axis=2) < 80).sum() > 200
    shutil.copy(shot, page.parent / "screenshot.png")  # kept beside the report for a person to look at


def test_the_rendered_dom_has_the_title_and_the_tables(page, tmp_path):
    dom = _browse(page, tmp_path / "profile-dom", "--dump-dom")
    assert "<title>体检 Audit · 栖霞市 · 2020-06-30</title>" in dom
    assert '<table id="headline" class="headline">' in dom
    assert "两委交叉任职率" in dom and "grid_worker_rate" in dom
    # a table of gaps with its rows
    section = dom[dom.index('<table id="compounds_without_org"'):]
    section = section[: section.index("</table>")]
    assert section.count("<tr>") > 100
    # with the map of areas and the two indicator maps (the sample has polygons) and the trend since 2016
    assert dom.count("<img") == 9 and '<table id="trend" class="data">' in dom


def test_the_place_is_named_and_hostile_names_stay_text(tmp_path):
    """A community named like a script and like markup: the browser shows the text, runs nothing."""
    g = og.load_sample("qixia")
    frame = g.store.node_frame("Community").copy()
    frame.loc[0, "name"] = "<script>document.title='pwned'</script>[link=http://x]霞光社区"
    g.store.replace_nodes("Community", frame, rows=np.arange(len(frame)))
    page = write_html(g.audit(as_of="2020-06-30"), tmp_path / "hostile.html", graph=g, plots=False)
    dom = _browse(page, tmp_path / "profile-dom", "--dump-dom")
    assert "<title>体检 Audit · 栖霞市 · 2020-06-30</title>" in dom and "pwned" not in dom.split("<body")[0]
    assert "<strong>栖霞市</strong>" in dom
    assert dom.count("<script") == 0 and "&lt;script&gt;document.title" in dom
    shot = tmp_path / "hostile.png"
    _browse(page, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,1200")
    px = np.asarray(Image.open(shot).convert("RGB"))
    assert (px.min(axis=2) < 235).mean() > 0.03  # the page is drawn: title, headline table
    assert (px[:120].max(axis=2) < 80).sum() > 200  # the dark title text at the top
