"""Chinese text renders: a CJK font is found and used; without one, labels fall back to ids with one warning."""

from __future__ import annotations

import functools
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager as fm

from orggraph import plot
from orggraph.plot import fonts

LABEL = "霞光社区党委·第3网格"


@functools.lru_cache(maxsize=None)
def _cmap(path: str, index: int) -> frozenset:
    """The code points a font face has glyphs for (read with fontTools)."""
    with TTFont(path, fontNumber=index, lazy=True) as f:
        return frozenset(f.getBestCmap())


def _glyph_fonts(text_artist) -> dict[str, str]:
    """For each character of a drawn Text: the font file (face) that supplies its glyph.

    matplotlib takes each glyph from the first font of the Text's font list
    that has it (font fallback); a character that no font has maps to None.
    """
    paths = fm.fontManager._find_fonts_by_props(text_artist.get_fontproperties())
    cmaps = [(f"{p}#{getattr(p, 'face_index', 0)}", _cmap(str(p), getattr(p, "face_index", 0))) for p in paths]
    out = {}
    for ch in text_artist.get_text():
        if ch.isspace():
            continue
        out[ch] = next((name for name, cmap in cmaps if ord(ch) in cmap), None)
    return out


def test_a_cjk_font_is_installed_and_chosen():
    font = plot.use_cjk_font()
    assert font is not None, "no CJK font: bash scripts/test.sh installs fonts-noto-cjk"
    with TTFont(font.path, fontNumber=font.index, lazy=True) as f:
        cmap = f.getBestCmap()
    assert all(ord(ch) in cmap for ch in fonts.PROBE)


def test_a_rendered_chinese_label_uses_a_font_that_has_its_glyphs():
    font = plot.use_cjk_font()
    fig, ax = plt.subplots()
    title = ax.set_title(LABEL)
    tick = ax.set_yticks([0], [LABEL])[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" for a box
        fig.canvas.draw()
    for artist in (title, tick.label1):
        used = _glyph_fonts(artist)
        assert None not in used.values(), f"characters without a glyph: {[c for c, f in used.items() if f is None]}"
        assert used["霞"] == f"{font.path}#{font.index}"


def test_chinese_characters_are_not_drawn_as_identical_boxes():
    """Two different characters give two different bitmaps (missing glyphs all draw the same box)."""
    plot.use_cjk_font()

    def bitmap(ch):
        fig = plt.figure(figsize=(0.6, 0.6), dpi=50)
        fig.text(0.5, 0.5, ch, fontsize=20, ha="center", va="center")
        fig.canvas.draw()
        img = np.asarray(fig.canvas.buffer_rgba())[..., 0].copy()
        plt.close(fig)
        return img

    a, b = bitmap("社"), bitmap("区")
    assert (a < 128).sum() > 10 and (b < 128).sum() > 10  # ink
    assert not np.array_equal(a, b)


def test_the_plots_use_the_font_for_their_chinese_labels(sample):
    ax = plot.cross_appointment(sample("qixia"), as_of="2020-06-30")
    ax.figure.canvas.draw()
    labels = [t for t in ax.get_yticklabels() if t.get_text()]
    # the 12 communities of 2020-06-30 (qixia also holds the 4 it replaced, ended on 2019-12-16)
    assert {t.get_text() for t in labels} == set(sample("qixia").backend.at("2020-06-30").nodes("Community")["name"])
    for t in labels:
        assert None not in _glyph_fonts(t).values()


def test_without_a_cjk_font_labels_fall_back_to_ids_and_one_warning_is_issued(sample, cjk_restored):
    g = sample("qixia")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert plot.use_cjk_font([]) is None
        ax1 = plot.cross_appointment(g, as_of="2020-06-30")
        ax2 = plot.hierarchy(g, "qx-c01")
        ax1.figure.canvas.draw()  # no "Glyph missing" warning: nothing Chinese is drawn
        ax2.figure.canvas.draw()
    assert [w.category for w in caught] == [plot.CJKFontWarning]
    assert "fonts-noto-cjk" in str(caught[0].message)
    assert {t.get_text() for t in ax1.get_yticklabels()} == set(g.backend.at("2020-06-30").nodes("Community")["id"])
    drawn = [t.get_text() for t in ax2.texts]
    assert "qx-c01" in drawn and not any("社区" in t for t in drawn)
    assert ax1.get_title().isascii()


def test_the_environment_variable_chooses_or_disables_the_font(monkeypatch, cjk_restored):
    found = fonts.find_cjk_font()
    monkeypatch.setenv(fonts.ENV_VAR, "none")
    assert fonts.find_cjk_font() is None
    monkeypatch.setenv(fonts.ENV_VAR, found.path)  # a font file
    by_path = fonts.find_cjk_font()
    assert by_path is not None and by_path.path == found.path
    monkeypatch.setenv(fonts.ENV_VAR, "No Such Font, " + found.family)  # families in order
    assert fonts.find_cjk_font().family == found.family


def test_a_font_without_the_glyphs_is_not_chosen():
    dejavu = fm.findfont(fm.FontProperties(family="DejaVu Sans"))
    assert fonts.find_cjk_font(["DejaVu Sans", dejavu]) is None


def test_the_font_is_added_after_the_current_families(cjk_restored):
    import matplotlib as mpl

    font = plot.use_cjk_font()
    families = list(mpl.rcParams["font.family"])
    assert families[-1] == font.family and families[0] != font.family
    mpl.rcParams["font.family"] = ["sans-serif"]  # a user resets the font
    plot.cjk_font()
    assert mpl.rcParams["font.family"] == ["sans-serif", font.family]
    with pytest.warns(plot.CJKFontWarning):
        plot.use_cjk_font([])
    assert font.family not in mpl.rcParams["font.family"]


def test_a_font_missing_from_matplotlibs_cache_is_found_on_the_system(monkeypatch):
    """As when fonts-noto-cjk is installed after matplotlib built its font cache: fc-list finds the files."""
    cached = [e for e in fm.fontManager.ttflist if "CJK" not in e.name]
    monkeypatch.setattr(fm.fontManager, "ttflist", cached)
    monkeypatch.setitem(fonts._state, "scanned", False)
    fm.fontManager._findfont_cached.cache_clear()
    try:
        font = fonts.find_cjk_font()
        assert font is not None and "CJK" in font.family
        assert any(e.name == font.family for e in fm.fontManager.ttflist)  # added to matplotlib
    finally:
        fm.fontManager._findfont_cached.cache_clear()
