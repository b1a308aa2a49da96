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
