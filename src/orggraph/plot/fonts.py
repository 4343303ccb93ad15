"""Chinese text in plots (中文字体): find an installed CJK font and use it.

Names of streets, communities and bodies are Chinese, and matplotlib's default
font (DejaVu Sans) has no CJK glyphs: labels would come out as empty boxes
(豆腐块). The first plot of :mod:`orggraph.plot` looks for an installed CJK font
and adds it to ``rcParams["font.family"]`` *after* the current families, so
Latin text keeps its font and every Chinese character falls back to the CJK
font (matplotlib ≥ 3.6 falls back glyph by glyph along that list).

Where the font comes from, in order:

1. the candidates given to :func:`use_cjk_font`, else the environment variable
   ``ORGGRAPH_CJK_FONT`` (comma-separated family names or font file paths;
   ``none`` for no CJK font at all), else :data:`CJK_FAMILIES` (Noto Sans CJK,
   Source Han Sans, WenQuanYi, SimHei, Microsoft YaHei, PingFang …);
2. among the fonts matplotlib knows, the first candidate family whose font has
   every character of :data:`PROBE`;
3. failing that, the CJK font files of the system (``fc-list :lang=zh`` where
   fontconfig exists, else matplotlib's list of system fonts) are added to
   matplotlib — a font installed after matplotlib built its cache is found.

When none is found, orggraph warns once (:class:`CJKFontWarning`, saying how
to install one: Debian/Ubuntu ``apt-get install fonts-noto-cjk``) and the plots
label nodes and bars with their ids instead of boxes (:func:`display_name`);
titles and legends keep their English text only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "CJKFont",
    "CJKFontWarning",
    "CJK_FAMILIES",
    "ENV_VAR",
    "PROBE",
    "find_cjk_font",
    "use_cjk_font",
    "cjk_font",
    "display_name",
    "bilingual",
    "can_render",
]

#: CJK font families tried in order (simplified Chinese forms first)
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Droid Sans Fallback",
    "Arial Unicode MS",
)

#: environment variable naming the CJK font(s) to use ("none": no CJK font)
ENV_VAR = "ORGGRAPH_CJK_FONT"

#: characters a font must have to be used (common in every ledger)
PROBE = "社区党委支部网格街道居委会小区楼栋交叉任职率"

#: how to get a font, in the warning
INSTALL_HINT = (
    "install one (Debian/Ubuntu: apt-get install fonts-noto-cjk; Fedora: dnf install google-noto-sans-cjk-fonts; "
    "Windows and macOS ship one) or set ORGGRAPH_CJK_FONT to a font file"
)

# substrings of font file names that are CJK fonts (for systems without fontconfig)
_FILE_HINTS = (
    "notosanscjk", "notoserifcjk", "notosanssc", "notosanstc", "sourcehansans", "sourcehanserif", "wqy",
    "wenquanyi", "simhei", "simsun", "msyh", "pingfang", "hiragino", "stheiti", "droidsansfallback",
    "uming", "ukai", "arialuni",
)


class CJKFontWarning(UserWarning):
    """No CJK font is installed: plots label with ids instead of Chinese names."""


@dataclass(frozen=True)
class CJKFont:
    """An installed font with CJK glyphs: its family name, file and face index (in a .ttc collection)."""

    family: str
    path: str
    index: int = 0


_UNSET = object()
_state: dict = {"font": _UNSET, "registered": None, "warned": False, "scanned": False}


# --------------------------------------------------------------------------- finding


def _candidates(candidates) -> list[str]:
    if candidates is None:
        env = os.environ.get(ENV_VAR)
        if env is not None:
            if env.strip().lower() in ("", "none", "0", "off"):
                return []
            return [c.strip() for c in env.split(",") if c.strip()]
        return list(CJK_FAMILIES)
    if isinstance(candidates, (str, os.PathLike)):
        return [os.fspath(candidates)]
    return [os.fspath(c) for c in candidates]


def _is_path(candidate: str) -> bool:
    return os.sep in candidate or Path(candidate).suffix.lower() in (".ttf", ".otf", ".ttc", ".otc")


def _covers(path: str, index: int, text: str = PROBE) -> bool:
    """Whether the face ``index`` of the font file ``path`` has a glyph for every character of ``text``."""
    from matplotlib import ft2font

    try:
        font = ft2font.FT2Font(path, face_index=index)
    except (OSError, RuntimeError, ValueError):
        return False
    cmap = font.get_charmap()
    return all(ord(ch) in cmap for ch in text if not ch.isspace())


def _families_of(path: str) -> list[str]:
    """Family names of the faces of a font file, after adding it to matplotlib."""
    from matplotlib import font_manager as fm

    before = len(fm.fontManager.ttflist)
    fm.fontManager.addfont(path)
    return [e.name for e in fm.fontManager.ttflist[before:]]


def _lookup(families: list[str]) -> CJKFont | None:
    """The first family (in ``families`` order) matplotlib knows whose font covers :data:`PROBE`."""
    from matplotlib import font_manager as fm

    by_name: dict[str, list] = {}
    for entry in fm.fontManager.ttflist:
        by_name.setdefault(entry.name, []).append(entry)
    for family in families:
        # prefer the regular face of the family
        for entry in sorted(by_name.get(family, ()), key=lambda e: (e.style != "normal", abs(_weight(e.weight) - 400))):
            if _covers(entry.fname, getattr(entry, "index", 0)):
                return CJKFont(family, entry.fname, getattr(entry, "index", 0))
    return None


def _weight(weight) -> int:
    if isinstance(weight, int):
        return weight
    try:
        return int(weight)
    except (TypeError, ValueError):
        return 400 if str(weight) in ("normal", "regular", "book") else 700


def _system_cjk_files() -> list[str]:
    """CJK font files installed on the system (fontconfig first, else matplotlib's font search)."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            out = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=30, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
        if files:
            return files
    from matplotlib import font_manager as fm

    return sorted(f for f in fm.findSystemFonts() if any(h in Path(f).name.lower().replace("-", "").replace("_", "") for h in _FILE_HINTS))


def find_cjk_font(candidates=None) -> CJKFont | None:
    """Find an installed font with Chinese glyphs (中文字体).

    Parameters
    ----------
    candidates : sequence of str, str or None
        Family names (``"Noto Sans CJK SC"``) or font file paths, tried in
        order. None: the environment variable ``ORGGRAPH_CJK_FONT``
        (comma-separated; ``none`` for no font) if set, else
        :data:`CJK_FAMILIES`. An empty sequence finds nothing.

    Returns
    -------
    CJKFont or None
        The first candidate whose font has a glyph for every character of
        :data:`PROBE`; None when there is none.

    Notes
    -----
    When no candidate family is among the fonts matplotlib has cached, the
    system's CJK font files are added to matplotlib once (a font installed
    after matplotlib built its cache is found without rebuilding it).
    """
    names = _candidates(candidates)
    if not names:
        return None
    families: list[str] = []
    for name in names:
        if _is_path(name):
            if Path(name).is_file():
                families += _families_of(name)
        else:
            families.append(name)
    font = _lookup(families)
    if font is None and not _state["scanned"] and any(not _is_path(n) for n in names):
        _state["scanned"] = True
        for path in _system_cjk_files():
            try:
                _families_of(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable font file
                continue
        font = _lookup(families)
    return font


# --------------------------------------------------------------------------- using


def _register(font: CJKFont | None) -> None:
    """Put ``font`` last in ``rcParams["font.family"]`` (and take a previous one out)."""
    import matplotlib as mpl

    families = list(mpl.rcParams["font.family"])
    old = _state["registered"]
    if old is not None and (font is None or old != font.family) and old in families:
        families.remove(old)
    if font is not None and font.family not in families:
        families.append(font.family)
    mpl.rcParams["font.family"] = families
    _state["registered"] = font.family if font is not None else None


def use_cjk_font(candidates=None) -> CJKFont | None:
    """Find a CJK font and make matplotlib use it for Chinese text (the plots call this once).

    Parameters
    ----------
    candidates : sequence of str, str or None
        As for :func:`find_cjk_font`. Pass ``[]`` to plot without a CJK font
        (labels fall back to ids).

    Returns
    -------
    CJKFont or None
        The font now in use; None when there is none, in which case a
        :class:`CJKFontWarning` saying how to install one is issued (once
        until the next call of this function).

    Examples
    --------
    >>> from orggraph.plot import use_cjk_font
    >>> font = use_cjk_font()          # Noto Sans CJK SC on a Debian machine with fonts-noto-cjk
    """
    font = find_cjk_font(candidates)
    _state["font"] = font
    _state["warned"] = False
    _register(font)
    display_name.cache_clear()
    if font is None:
        _warn_once()
    return font


def _warn_once() -> None:
    if not _state["warned"]:
        _state["warned"] = True
        warnings.warn(f"orggraph.plot: no CJK (Chinese) font found, so Chinese names are shown as ids; {INSTALL_HINT}",
                      CJKFontWarning, stacklevel=4)


def cjk_font() -> CJKFont | None:
    """The CJK font the plots use (found on first use); None when there is none."""
    if _state["font"] is _UNSET:
        return use_cjk_font()
    if _state["font"] is not None:
        _register(_state["font"])  # again: rcParams may have been reset (plt.rcdefaults())
    return _state["font"]


@lru_cache(maxsize=1)
def _default_charmap() -> frozenset:
    from matplotlib import font_manager as fm

    path = fm.findfont(fm.FontProperties(family="DejaVu Sans"))
    return frozenset(fm.get_font(path).get_charmap())


def can_render(text: str) -> bool:
    """Whether ``text`` renders without empty boxes: a CJK font is in use or every character is in DejaVu Sans."""
    if cjk_font() is not None:
        return True
    cmap = _default_charmap()
    return all(ord(ch) in cmap for ch in str(text) if not ch.isspace())


@lru_cache(maxsize=65536)
def display_name(name, id) -> str:
    """The label of a node: its ``name`` when it can be rendered, else its ``id`` (never boxes)."""
    if name is None or (isinstance(name, float) and name != name) or str(name).strip() == "":
        return str(id)
    return str(name) if can_render(str(name)) else str(id)


def bilingual(en: str, zh: str | None = None) -> str:
    """``"en zh"`` when Chinese can be rendered, else ``en`` alone (titles, legends, axis labels)."""
    if zh and cjk_font() is not None:
        return f"{en} {zh}" if en else zh
    return en
