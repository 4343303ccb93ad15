"""Map tests draw with the Agg backend (no display) and close every figure they open."""

from drawing_fixtures import _close_figures, cjk_restored, sample  # noqa: F401
