"""The audit workbook a department hands on, read back with openpyxl: Chinese sheets and headers, the headline
first with numerator, denominator and definition, percentages formatted, widths set, header frozen, filters on,
the place and date named."""

from __future__ import annotations

import openpyxl
import pytest

import orggraph as og
from orggraph.cli import main
from orggraph.report import TABLE_TITLES
from orggraph.report.excel import sheet_name

AS_OF = "2022-01-01"


@pytest.fixture(scope="module")
def report():
    return og.load_sample("xiaonan").audit(as_of=AS_OF)


@pytest.fixture(scope="module")
def book(report, tmp_path_factory):
    return openpyxl.load_workbook(report.to_excel(tmp_path_factory.mktemp("xlsx") / "体检.xlsx"))


def test_sheets_are_chinese_and_the_headline_comes_first(book, report):
    assert book.sheetnames[0] == "主要指标"
    assert book.sheetnames[1:] == [sheet_name(t) for t in report]
    assert "网格无专职网格员" in book.sheetnames and "治理真空带、交界争议区域" in book.sheetnames  # '/' is not allowed
    assert all(len(n) <= 31 for n in book.sheetnames) and len(set(book.sheetnames)) == len(book.sheetnames)
    assert set(TABLE_TITLES) >= set(report)


def test_the_headline_sheet(book, report):
    ws = book["主要指标"]
    assert ws["A1"].value == "体检报告 Audit · 孝南区 · 2022-01-01"
    assert [c.value for c in ws[2]] == ["指标", "数值", "分子", "分母", "定义", "类型", "指标名"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=3)}
    assert len(rows) == len(report.headline)
    rate = rows["两委交叉任职率"]
    # 161 of 355 people in the 两委 of xiaonan's communities hold posts in both (the sample's figure)
    assert (rate[2].value, rate[3].value) == (161, 355)
    assert rate[1].value == pytest.approx(161 / 355) and rate[1].number_format == "0.0%"
    assert rate[4].value == "denominator=union" and rate[6].value == "cross_appointment_rate"
    count = rows["一人多职人数"]
    assert count[1].number_format == "#,##0" and count[3].value is None
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == f"A2:G{len(report.headline) + 2}"
    assert ws.column_dimensions["A"].width >= 14 and ws.column_dimensions["E"].width >= 30


def test_every_table_sheet_is_frozen_filtered_and_formatted(book, report):
    for table, frame in report.items():
        ws = book[sheet_name(table)]
        assert ws.freeze_panes == "A3", table
        assert ws.auto_filter.ref.startswith("A2:"), table
        assert ws.max_row == len(frame) + 2, table
        assert "孝南区 · 2022-01-01" in ws["A1"].value
    ws = book["两委交叉任职率"]
    assert [c.value for c in ws[2]] == ["社区编号", "社区", "街道编号", "成员人数", "交叉任职人数", "分母人数", "比率",
                                       "分母口径", "适用", "不适用原因"]
    assert ws["G3"].number_format == "0.0%"
    assert book["一肩挑"]["F3"].value in ("是", "否")


def test_english_on_request(report, tmp_path):
    book = openpyxl.load_workbook(report.to_excel(tmp_path / "en.xlsx", lang="en"))
    assert book.sheetnames[:3] == ["headline", "cross_appointment", "two_of_three_bodies"]
    assert all(len(n) <= 31 for n in book.sheetnames) and len(set(book.sheetnames)) == len(book.sheetnames)
    assert [c.value for c in book["headline"][2]] == ["indicator (zh)", "value", "numerator", "denominator",
                                                       "definition", "measure", "indicator"]
    with pytest.raises(ValueError):
        report.to_excel(tmp_path / "x.xlsx", lang="fr")


def test_cli_lang_and_the_place_on_the_console(tmp_path, capsys):
    assert main(["audit", "--sample", "qixia", "--as-of", "2020-06-30", "--out", str(tmp_path / "r.xlsx"),
                 "--lang", "en"]) == 2
    assert "栖霞市 · 2020-06-30" in capsys.readouterr().out
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "headline"


def test_the_notebook_view_shows_percentages_and_whole_numbers(report):
    page = report._repr_html_()
    assert "<h4>体检 Audit · 孝南区 · 2022-01-01</h4>" in page
    assert "<td>45.4%</td>" in page and "<td>161</td>" in page and "<td>355</td>" in page
    assert "0.454" not in page and "161.000" not in page
    assert page.index("两委交叉任职率") < page.index("cross_appointment_rate")  # Chinese first
