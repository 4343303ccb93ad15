"""A scenario's indicator changes: the frame shape, rates and counts in separate panels, colours by direction."""

from __future__ import annotations

import matplotlib.colors as mcolors
import pandas as pd
import pytest

import orggraph as og
from orggraph import plot


def diff_frame(measure: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame({
        "indicator": ["compound_org_coverage_rate", "grid_worker_rate", "unassigned_areas", "multi_post_people"],
        "zh": ["小区党组织组建率", "网格员配备率", "治理真空带(无主区域)", "一人多职人数"],
        "measure": ["组建率", "覆盖率", "数量", "数量"],
        "before": [0.25, 1.0, 3.0, 10.0],
        "after": [0.75, 0.5, 1.0, 12.0],
    })
    frame["change"] = frame["after"] - frame["before"]
    return frame if measure else frame.drop(columns="measure")


@pytest.mark.parametrize("measure", [True, False])
def test_rates_and_counts_in_two_panels(measure):
    fig = plot.scenario(diff_frame(measure))
    rates, counts = fig.axes
    assert [t.get_text() for t in rates.get_yticklabels()] == ["小区党组织组建率", "网格员配备率"]
    assert [t.get_text() for t in counts.get_yticklabels()] == ["治理真空带(无主区域)", "一人多职人数"]
    assert [t.get_text() for t in rates.texts] == ["+50.0 pp", "-50.0 pp"]
    assert [t.get_text() for t in counts.texts] == ["-2", "+2"]
    # better: green; worse: red; a count with no better direction: grey
    assert [mcolors.to_hex(t.get_color()) for t in rates.texts] == ["#31a354", "#de2d26"]
    assert [mcolors.to_hex(t.get_color()) for t in counts.texts] == ["#31a354", "#969696"]
    # a dumbbell per row: line, hollow marker (before), filled marker (after)
    line, before, after = rates.get_lines()[:3]
    assert list(line.get_xdata()) == [0.25, 0.75] and before.get_xdata()[0] == 0.25 and after.get_xdata()[0] == 0.75
    assert mcolors.to_hex(before.get_markerfacecolor()) == "#ffffff"
    assert plot.label_overlaps(fig) == [] and plot.labels_outside(fig) == []


def test_one_kind_gives_one_panel_and_bad_frames_raise():
    frame = diff_frame()
    assert len(plot.scenario(frame.iloc[:2]).axes) == 1
    with pytest.raises(ValueError, match="lacks the columns change"):
        plot.scenario(frame.drop(columns="change"))
    with pytest.raises(ValueError, match="no rows"):
        plot.scenario(frame.iloc[:0])


def test_the_qixia_reform_as_a_diff_of_two_audits(sample):
    """栖霞 before and after the 8 → 12 community reform: the headline of two audits as the diff frame."""
    before = sample("qixia", "before").audit(as_of="2020-06-30").headline
    after = sample("qixia").audit(as_of="2020-06-30").headline
    diff = before[["indicator", "zh", "measure"]].assign(before=before["value"], after=after["value"])
    diff["change"] = diff["after"] - diff["before"]
    fig = plot.scenario(diff)
    # 16 rates: 两委, two-of-three, 三委 (业委会), 一肩挑, 10 coverage rates, 2 chain completeness figures (the 4
    # village and cooperative figures apply in neither state: n/a before and after, not drawn)
    assert int((diff["measure"] != "数量").sum()) == 20
    assert len(fig.axes[0].get_yticklabels()) == 16 and len(fig.axes[1].get_yticklabels()) == 4
    grid = fig.axes[0].texts[[t.get_text() for t in fig.axes[0].get_yticklabels()].index("网格员配备率")]
    assert grid.get_text().startswith("+")  # 97 grid workers for 97 grids after the reform
    assert plot.label_overlaps(fig) == [] and plot.labels_outside(fig) == []


def test_plots_the_indicator_diff_of_compare(sample):
    """og.compare(...).indicators has the frame shape scenario() takes."""
    g = sample("shijiu")
    s = g.scenario("振兴并入中盛", date="2021-12-05")
    s.merge_communities(["sj-c08"], into="sj-c01")
    diff = og.compare(g, s).indicators
    fig = plot.scenario(diff)
    drawn = diff[diff["before"].notna() | diff["after"].notna()]  # not the figures n/a in both states
    assert len(drawn) < len(diff)  # shijiu has no village: the village figures are n/a before and after
    rates = (drawn["measure"] != "数量").sum()
    assert [len(ax.get_yticklabels()) for ax in fig.axes] == [rates, len(drawn) - rates]
    assert plot.label_overlaps(fig) == [] and plot.labels_outside(fig) == []
