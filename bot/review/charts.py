"""Charts drawn on the server as SVG files, by a well-kept plotting library.

Each chart is a figure object of its own (no global plotting state), and each drawing holds a lock,
because the plotting library is not made to draw from several threads at once.
Drawing runs in a worker thread so the event loop keeps serving residents.
"""

from __future__ import annotations

import asyncio
import io
import textwrap
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.review.results import Chart

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Colours told apart by people with any common kind of colour blindness (Okabe and Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
TEXT = "#1d1d1d"


class ChartDrawer:
    """Draws charts one at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    async def svg(self, chart: Chart) -> bytes:
        """The chart as an SVG document, drawn in a worker thread."""
        return await asyncio.to_thread(self.draw, chart)

    def draw(self, chart: Chart) -> bytes:
        """The chart as an SVG document."""
        with self._lock:
            return _draw(chart)

    def pages(self, draw: Callable[[], bytes]) -> bytes:
        """A drawing of several figures (the summary report), under the same lock."""
        with self._lock:
            return draw()


class RecentCharts:
    """The charts of the results pages shown lately, by their filters, for their pictures.

    A results page is followed at once by a request for each of its charts'
    pictures; counting everything again for each would cost far more than the
    page did. Kept a few minutes, for a handful of filters, in this process only.
    """

    def __init__(self, seconds: float = 300, size: int = 16) -> None:
        self._seconds = seconds
        self._size = size
        self._kept: OrderedDict[str, tuple[float, dict[str, Chart]]] = OrderedDict()

    def keep(self, key: str, charts: list[Chart]) -> None:
        """Remember a page's charts."""
        self._kept[key] = (time.monotonic(), {chart.id: chart for chart in charts})
        self._kept.move_to_end(key)
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)

    def find(self, key: str, chart_id: str) -> Chart | None:
        """A chart from a page shown lately with the same filters, if any."""
        kept = self._kept.get(key)
        if kept is None or time.monotonic() - kept[0] > self._seconds:
            return None
        return kept[1].get(chart_id)


# How charts look, on the page and in the summary report.
STYLE = {
    "font.family": "sans-serif",
    "font.size": 10,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
}


def _draw(chart: Chart) -> bytes:
    import matplotlib

    # Real text in the SVG (sharp, selectable, small); the same chart gives the same file.
    with matplotlib.rc_context(STYLE | {"svg.fonttype": "none", "svg.hashsalt": "survey-bot"}):
        out = io.BytesIO()
        figure(chart).savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def figure(chart: Chart, *, title: bool = False) -> Figure:
    """The chart as a figure, bars across, its title above when asked. Draw within the lock."""
    from matplotlib.figure import Figure

    labels = [textwrap.fill(label, 34) for label in chart.categories] or ["No answers yet"]
    lines = sum(label.count("\n") + 1 for label in labels)
    groups = max(len(chart.series), 1)
    height = max(2.2, 0.9 + 0.22 * lines + 0.16 * len(labels) * groups)
    drawn_figure = Figure(figsize=(8, height + (0.5 if title else 0)), layout="constrained")
    if title:
        drawn_figure.suptitle(textwrap.fill(chart.title, 80), fontsize=12, x=0.02, ha="left")
    axes = drawn_figure.add_subplot()
    positions = list(range(len(labels)))
    bar = 0.8 / groups
    for index, (name, values) in enumerate(chart.series):
        # None is a group with too few responses to show: no bar and no figure.
        drawn = [v for v in values if v is not None]
        heights = [v if v is not None else 0.0 for v in values] or [0.0] * len(labels)
        fmt = _number_format(drawn)
        offsets = [p - 0.4 + bar * (index + 0.5) for p in positions]
        bars = axes.barh(
            offsets, heights, height=bar * 0.92, label=name, color=PALETTE[index % len(PALETTE)]
        )
        figures = ["" if v is None else fmt % v for v in values] or [""] * len(labels)
        axes.bar_label(bars, labels=figures, padding=3, fontsize=8)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()  # first answer at the top, as in the table
    axes.set_xlabel(chart.axis)
    top = (
        chart.maximum
        or max((v for _, vs in chart.series for v in vs if v is not None), default=0)
        or 1
    )
    axes.set_xlim(0, top * 1.12)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    if len(chart.series) > 1:
        drawn_figure.legend(
            loc="outside upper left", ncols=min(len(chart.series), 2), frameon=False, fontsize=9
        )
    return drawn_figure


def _number_format(values: list[float]) -> str:
    """Whole numbers for counts, one decimal place for means and percentages."""
    return "%d" if all(float(v).is_integer() for v in values) else "%.1f"
