"""Progress bars (进度条) for long jobs: loading a large ledger or graph.

One small helper, :func:`progress`, used by the loaders. It shows a
`tqdm <https://tqdm.github.io>`_ bar — ``tqdm.auto``: a widget in a Jupyter
notebook (when ipywidgets is installed; a text bar otherwise), a text bar on a terminal — only when somebody can see it and the job
is large:

* ``ORGGRAPH_PROGRESS=0`` (or ``false``/``no``/``off``) never shows one,
  ``ORGGRAPH_PROGRESS=1`` always does (even for a small job or a pipe);
* otherwise a bar is shown when the caller says the job is large *and* the
  output is a terminal (``stderr`` is a TTY) or a notebook kernel is running.

So tests, pipes, logs and scheduled jobs stay quiet, and a user loading a big
ledger at a terminal or in a notebook sees what is happening.

Examples
--------
>>> from orggraph.progress import progress
>>> with progress(3, "reading ledger", large=False) as bar:
...     for step in ("read", "validate", "build"):
...         bar.update(1, step)
>>> bar.n
3
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

__all__ = ["progress", "status", "progress_enabled", "size_of", "ENV_VAR", "LARGE_BYTES"]

#: environment variable forcing progress bars on (1) or off (0)
ENV_VAR = "ORGGRAPH_PROGRESS"

_OFF = {"0", "false", "no", "off"}
_ON = {"1", "true", "yes", "on"}


def _in_notebook() -> bool:
    """True inside a Jupyter (IPython kernel) session."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # pragma: no cover - an IPython without a shell
        return False
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def progress_enabled(large: bool = True, stream=None) -> bool:
    """Whether a progress bar should be shown (see the module notes).

    Parameters
    ----------
    large : bool
        Whether the job is large enough to be worth a bar (the caller's call:
        e.g. a ledger of several megabytes).
    stream : file, optional
        Where the bar would be written; default ``sys.stderr``.
    """
    forced = os.environ.get(ENV_VAR, "").strip().lower()
    if forced in _OFF:
        return False
    if forced in _ON:
        return True
    if not large:
        return False
    stream = sys.stderr if stream is None else stream
    try:
        tty = bool(stream.isatty())
    except (AttributeError, ValueError):
        tty = False
    return tty or _in_notebook()


class _Quiet:
    """What :func:`progress` yields when no bar is shown: counts, prints nothing."""

    def __init__(self, total):
        self.total = total
        self.n = 0

    def update(self, n: int = 1, description: str | None = None) -> None:
        self.n += n

    def describe(self, description: str) -> None:
        pass


class _Bar:
    """A tqdm bar with :meth:`update` taking an optional new description."""

    def __init__(self, bar):
        self._bar = bar

    @property
    def total(self):
        return self._bar.total

    @property
    def n(self):
        return self._bar.n

    def describe(self, description: str) -> None:
        self._bar.set_description_str(description, refresh=True)

    def update(self, n: int = 1, description: str | None = None) -> None:
        if description is not None:
            self._bar.set_description_str(description, refresh=False)
        self._bar.update(n)


def _tqdm():
    """``tqdm.auto.tqdm`` (a widget in a notebook) when ipywidgets is installed, else the text bar: in a notebook
    without ipywidgets ``tqdm.auto`` warns (``TqdmWarning: IProgress not found``) and draws nothing."""
    import importlib.util

    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm


@contextmanager
def progress(total: int | None, description: str, *, large: bool = True, unit: str = "step", file=None):
    """A progress bar for a job of ``total`` steps, shown only when useful.

    Parameters
    ----------
    total : int or None
        Number of steps (None when unknown: a counter without a bar).
    description : str
        What is being done ("reading ledger 台账"), shown before the bar.
    large : bool
        Whether the job is large enough to deserve a bar (see
        :func:`progress_enabled`); small jobs stay silent.
    unit : str
        The name of one step in the bar's rate.
    file : file, optional
        Where to write the bar; default ``sys.stderr``.

    Yields
    ------
    object
        With ``update(n=1, description=None)`` (advance by ``n`` steps,
        optionally showing what the next step does), ``describe(text)`` and
        the counters ``n`` and ``total``. When no bar is shown it only counts.
    """
    if not progress_enabled(large, file):
        yield _Quiet(total)
        return
    tqdm = _tqdm()
    bar = tqdm(total=total, desc=description, unit=unit, file=file, leave=False, dynamic_ncols=True,
               mininterval=0.2, bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}]"
               if total else None)
    try:
        yield _Bar(bar)
    finally:
        bar.close()


@contextmanager
def status(message: str, *, large: bool = True, file=None):
    """A spinner showing ``message`` while a step of unknown length runs (on a terminal only).

    For the command line: a step such as the audit shows that it is working
    instead of sitting silent. Nothing is written to a pipe, a log or a
    notebook (use :func:`progress` there), nor when ``ORGGRAPH_PROGRESS=0``.
    """
    stream = sys.stderr if file is None else file
    if not progress_enabled(large, stream) or _in_notebook():
        yield
        return
    from rich.console import Console

    with Console(file=stream, highlight=False).status(message):
        yield


#: a ledger (or other input) of at least this many bytes is "large": loading it takes a second or more
LARGE_BYTES = 4_000_000


def size_of(path) -> int:
    """Bytes of a file, or of the files directly inside a folder (0 when missing)."""
    from pathlib import Path

    path = Path(path)
    try:
        if path.is_dir():
            return sum(f.stat().st_size for f in path.iterdir() if f.is_file())
        return path.stat().st_size
    except OSError:
        return 0
