"""orggraph.plot.trend: one indicator of an audit series over its dates, a line per group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import orggraph.plot as op


def _series() -> pd.DataFrame:
    rows = []
    for day, group, num, den in (("2020-06-30", "s2", 0, 0), ("2019-06-30", "s1", 1, 4), ("2020-06-30", "s1", 3, 4),
                                 ("2019-06-30", "s2", 2, 5)):
        rows.append(dict(as_of=pd.Timestamp(day), group_id=group, group_name=f"街道{group[-1]}",
                         indicator="compound_org_coverage_rate", zh="小区党组织覆盖率", measure="覆盖率",
                         value=num / den if den else np.nan, numerator=float(num), denominator=float(den)))
        rows.append(dict(as_of=pd.Timestamp(day), group_id=group, group_name=f"街道{group[-1]}",
                         indicator="unassigned_areas", zh="治理真空带", measure="数量",
                         value=float(num), numerator=float(num), denominator=np.nan))
    return pd.DataFrame(rows)


def test_rates_in_percent_from_counts_one_line_per_group():
    ax = op.trend(_series(), "compound_org_coverage_rate")
    assert len(ax.lines) == 2
    s1, s2 = ax.lines  # groups in id order, points in date order
    assert s1.get_ydata().tolist() == [25.0, 75.0]
    assert s2.get_ydata()[0] == 40.0 and np.isnan(s2.get_ydata()[1])  # 0/0: no point (不适用), not 0 %


def test_counts_drawn_as_they_are():
    ax = op.trend(_series(), "unassigned_areas")
    assert [line.get_ydata().tolist() for line in ax.lines] == [[1.0, 3.0], [2.0, 0.0]]


def test_unknown_indicator():
    with pytest.raises(ValueError, match="not in the series"):
        op.trend(_series(), "no_such_rate")
