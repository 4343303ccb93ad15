"""Text columns of query results: the library's text dtype, and every kind of missing value (or "") as NaN."""

import numpy as np
import pandas as pd

from orggraph.queries.coverage import TEXT_DTYPE, text_column, text_frame


def test_every_missing_value_and_the_empty_string_become_missing():
    out = text_column(np.array([pd.NA, None, np.nan, "社区", "", pd.NaT, 3], dtype=object))
    assert out.dtype == TEXT_DTYPE
    assert out.isna().tolist() == [True, True, True, False, True, True, False]
    assert out[3] == "社区" and out[6] == "3"


def test_a_series_keeps_its_index_and_a_frame_its_columns():
    s = pd.Series(["a", "", None], index=[5, 6, 7])
    assert text_column(s).index.tolist() == [5, 6, 7]
    f = text_frame(pd.DataFrame({"x": ["a", ""], "y": [None, "b"]}))
    assert list(f.columns) == ["x", "y"] and f.isna().to_numpy().tolist() == [[False, True], [True, False]]
