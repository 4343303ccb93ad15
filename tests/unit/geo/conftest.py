"""Map tests draw with the Agg backend (no display) and close every figure they open."""

from fixtures.drawing import _close_figures, cjk_restored, sample  # noqa: F401
