"""The server-drawn SVG charts of the overview and the report."""

import re

from praevention.overview.charts import stacked_bars


def test_a_long_short_name_is_shortened_in_the_legend_and_whole_in_its_tooltip():
    chart = {
        "labels": ["Eltern"],
        "datasets": [
            {"label": "ABCDEFGHIJKLMNOPQRST", "data": [3], "colour": "#123456"},
            {"label": "FBSW", "data": [2], "colour": "#654321"},
        ],
    }
    svg = str(stacked_bars(chart, title="Fachbereiche × Zielgruppen"))
    legend = re.findall(r"<text [^>]*>(?:<title>([^<]*)</title>)?([^<]*)</text>", svg)
    assert ("ABCDEFGHIJKLMNOPQRST", "ABCDEFGHIJKLMN…") in legend
    assert ("FBSW", "FBSW") in legend


def test_the_number_at_the_bar_end_counts_each_measure_once_like_the_total_column():
    """Two departments run the same measure: two segments of 1, but one measure (Gesamt 1)."""
    chart = {
        "labels": ["Eltern"],
        "totals": [1],
        "datasets": [
            {"label": "Jug", "data": [1], "colour": "#123456"},
            {"label": "Ges", "data": [1], "colour": "#654321"},
        ],
    }
    svg = str(stacked_bars(chart, title="Fachbereiche × Lebensphasen"))
    ends = re.findall(r'<text x="[\d.]+" y="\d+" fill="#212529">([\d.]+)</text>', svg)
    assert ends == ["1"]
