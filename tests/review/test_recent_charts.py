"""The results page's charts are kept a little while for their pictures."""

from __future__ import annotations

from bot.review.charts import RecentCharts
from bot.review.results import Chart


def chart(chart_id: str) -> Chart:
    return Chart(chart_id, chart_id, "", ["a"], [("n", [1.0])], "n", ["h"], [["a", 1]])


def test_a_chart_is_found_by_its_page_filters_and_id() -> None:
    recent = RecentCharts()
    recent.keep("district=watford", [chart("channels"), chart("funnel")])

    assert recent.find("district=watford", "funnel") is not None
    assert recent.find("district=watford", "nothing") is None
    assert recent.find("", "funnel") is None


def test_charts_are_forgotten_after_a_while_and_past_a_handful_of_pages() -> None:
    stale = RecentCharts(seconds=-1)
    stale.keep("", [chart("funnel")])
    few = RecentCharts(size=2)
    for key in ("a", "b", "c"):
        few.keep(key, [chart("funnel")])

    assert stale.find("", "funnel") is None
    assert few.find("a", "funnel") is None
    assert few.find("c", "funnel") is not None
