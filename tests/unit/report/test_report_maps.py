"""The report's indicator maps: `orggraph audit --sample qixia --out report.html` draws the grid map of 网格员配备率,
and a headless chromium shows it (see test_report_browser.py for how the browser is run)."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from orggraph.cli import main

GRID_MAP = "专题地图: 网格员配备率（按网格）"
COMMUNITY_MAP = "专题地图: 小区党组织覆盖率（按社区）"
#: the four class colours of the default classes (RdYlGn at 0.1, 0.367, 0.633, 0.9): ≤60 %, ≤80 %, ≤95 %, ≤100 %
CLASS_COLOURS = np.array([[0xD6, 0x2F, 0x27], [0xFE, 0xCE, 0x7C], [0xC7, 0xE7, 0x7F], [0x19, 0x97, 0x50]])


def _figures(text: str) -> dict[str, np.ndarray]:
    """Caption → the figure's pixels (RGB)."""
    out = {}
    for src, caption in re.findall(r'<figure><img alt="[^"]*" src="data:image/png;base64,([^"]+)"><figcaption>([^<]*)</figcaption>', text):
        out[caption] = np.asarray(Image.open(io.BytesIO(base64.b64decode(src))).convert("RGB"))
    return out


def _near(px: np.ndarray, colour, tol: int = 4) -> np.ndarray:
    return (np.abs(px.astype(int) - np.asarray(colour)).max(axis=-1) <= tol)


def test_the_cli_report_has_the_grid_map(tmp_path, capsys):
    out = tmp_path / "report.html"
    # exit status 2: the audit found staffing norm violations (the report is written all the same)
    assert main(["audit", "--sample", "qixia", "--out", str(out)]) in (0, 2)
    assert f"report written to {out}" in capsys.readouterr().out
    figures = _figures(out.read_text(encoding="utf-8"))
    grid_map = [px for caption, px in figures.items() if GRID_MAP in caption]
    assert len(grid_map) == 1 and any(COMMUNITY_MAP in c for c in figures)
    px = grid_map[0]
    classed = np.zeros(px.shape[:2], dtype=bool)
    for colour in CLASS_COLOURS:
        classed |= _near(px, colour)
    # 97 grid polygons filled with their class colours cover a good part of the picture
    assert classed.mean() > 0.15, f"only {classed.mean():.1%} of the map is filled"


@pytest.mark.slow
def test_the_grid_map_shows_in_a_headless_browser(tmp_path):
    from fixtures.browser import browse as _browse

    out = tmp_path / "report.html"
    assert main(["audit", "--sample", "qixia", "--as-of", "2020-06-30", "--out", str(out)]) in (0, 2)
    shot = tmp_path / "report.png"
    _browse(out, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,12000")
    px = np.asarray(Image.open(shot).convert("RGB"))
    # at 2020-06-30 every one of the 97 grids has its grid worker: all of them in the top class (95–100 %)
    green = _near(px, CLASS_COLOURS[3], tol=6)
    assert green.sum() > 20_000, f"{int(green.sum())} pixels of the top class: the map is not drawn"
    rows = np.flatnonzero(green.any(axis=1))
    assert rows[-1] - rows[0] > 150  # a map, not a legend swatch
