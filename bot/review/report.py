"""A summary report for the Commissioner's briefing, as a PDF, from the stored responses.

One link on the results page (or `survey-bot report --output FILE`) makes it:
how many responded, how and when; how many conversations met the safety
advice; who responded against the population; the results page's charts,
weighted when there are population figures; and the top themes in what people
typed, with quotes. Drawn on the server by the same plotting library as the
charts, a figure a page. Small groups stay hidden as on the page.
"""

from __future__ import annotations

import io
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from bot.review.charts import PALETTE, STYLE, figure
from bot.review.filters import Chosen
from bot.review.pages import Results, results_for
from bot.review.results import Chart
from bot.review.site import Site
from bot.review.weighting import effective_size
from storage import themes as stored_themes
from storage.database import Database
from storage.queries import ResponseRecord
from storage.results import find_responses

# The flag a response gets when the resident was given the short "call 999" line only.
UNSURE_FLAG = "unsure"
STATUS_NAMES = {"completed": "Completed", "in_progress": "In progress", "abandoned": "Stopped"}
CHANNEL_NAMES = {
    "webchat": "Web chat on the force website",
    "directline": "Web chat on the force website",
    "facebook": "Facebook Messenger",
    "sms": "Text message",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "msteams": "Microsoft Teams",
}
TOP_THEMES = 5
QUOTES = 3


@dataclass(frozen=True)
class ThemeSummary:
    """A theme for the report: its label, how many answers it holds, quotes from them."""

    question: str
    label: str
    answers: int
    quotes: list[str]


@dataclass
class Summary:
    """Everything the report shows."""

    title: str
    made_at: datetime
    filters: dict[str, str]
    weighted: bool
    effective_size: float | None = None
    by_status: Counter[str] = field(default_factory=Counter)
    by_channel: dict[str, Counter[str]] = field(default_factory=dict)
    completed_by_day: Counter[date] = field(default_factory=Counter)
    safety_advice: int = 0  # conversations given a category's full safety advice
    safety_line: int = 0  # ... given only the short "call 999" line
    charts: list[Chart] = field(default_factory=list)
    themes: list[ThemeSummary] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Responses counted."""
        return sum(self.by_status.values())

    def count(self, records: Sequence[ResponseRecord]) -> None:
        """Responses by status, channel and day, and the safety advice they met."""
        for record in records:
            self.by_status[record.status] += 1
            channel = CHANNEL_NAMES.get(record.channel, record.channel)
            self.by_channel.setdefault(channel, Counter())[record.status] += 1
            if record.completed_at is not None:
                self.completed_by_day[record.completed_at.astimezone(UTC).date()] += 1
            if any(flag != UNSURE_FLAG for flag in record.flags):
                self.safety_advice += 1
            elif UNSURE_FLAG in record.flags:
                self.safety_line += 1


async def gather(
    here: Site, db: Database, picked: Chosen, *, now: datetime | None = None
) -> Summary:
    """The report's figures for these filters: weighted when there are population figures."""
    weighted = bool(here.population.margins) and picked.values.get("weighted") != "no"
    chosen = replace(picked, values={**picked.values, "weighted": "yes" if weighted else "no"})
    found: Results = await results_for(here, db, chosen)
    everyone = replace(picked.filters, status=None)
    summary = Summary(
        title=here.questions.title,
        made_at=now or datetime.now(UTC),
        filters=picked.describe(),
        weighted=found.weighted,
        charts=[c for c in found.charts if not c.empty],
    )
    if found.weighted and found.raking is not None:
        summary.effective_size = round(effective_size(found.raking.weights), 1)
    summary.count(await find_responses(db, filters=everyone, newest_first=False))
    summary.themes = await _top_themes(here, db)
    return summary


async def _top_themes(here: Site, db: Database) -> list[ThemeSummary]:
    """The biggest themes of each free-text question that has any, with quotes."""
    found = []
    for column in here.questions.free_text():
        question_id = column["question"]
        themes = await stored_themes.theme_set(
            db, survey_id=here.questions.survey, question_id=question_id
        )
        if not themes.themes:
            continue
        texts = {
            a.answer_id: a.text
            for a in await stored_themes.text_answers(
                db, survey_id=here.questions.survey, question_id=question_id
            )
        }
        sized = [(theme, themes.in_theme(theme.id or 0)) for theme in themes.themes]
        sized.sort(key=lambda pair: -len(pair[1]))
        for theme, members in sized[:TOP_THEMES]:
            quotes = [texts[m.answer_id] for m in members if m.answer_id in texts][:QUOTES]
            found.append(
                ThemeSummary(here.questions.label(question_id), theme.label, len(members), quotes)
            )
    return found


def draw(summary: Summary, here: Site) -> bytes:
    """The report as a PDF document."""
    return here.charts.pages(lambda: _pdf(summary))


def _pdf(summary: Summary) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    out = io.BytesIO()
    metadata = {"Title": f"{summary.title}: summary of responses", "Creator": "survey-bot"}
    with matplotlib.rc_context(STYLE), PdfPages(out, metadata=metadata) as pdf:
        pdf.savefig(_cover(summary))
        pdf.savefig(_over_time(summary))
        for chart in summary.charts:
            pdf.savefig(figure(chart, title=True))
        if summary.themes:
            pdf.savefig(_themes(summary))
    return out.getvalue()


class _Page:
    """An A4 page written line by line, top down."""

    def __init__(self) -> None:
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(8.27, 11.69))
        self.y = 0.95

    def line(self, text: str, *, size: float = 10, bold: bool = False, indent: float = 0) -> None:
        for part in textwrap.wrap(text, 100 - int(indent * 200)) or [""]:
            self.figure.text(
                0.07 + indent, self.y, part, fontsize=size, fontweight="bold" if bold else "normal"
            )
            self.y -= 0.022 * size / 10

    def gap(self) -> None:
        self.y -= 0.015


def _cover(summary: Summary) -> Any:
    """Page one: who responded, how, and how many met the safety advice."""
    page = _Page()
    page.line(summary.title, size=16, bold=True)
    page.line("Summary of the responses", size=12)
    page.line(f"Made on {summary.made_at:%d %B %Y at %H:%M} UTC.")
    shown = {k: v for k, v in summary.filters.items() if k != "weighted"}
    if shown:
        page.line("Only responses where " + "; ".join(f"{k} is {v}" for k, v in shown.items()))
    if summary.weighted:
        page.line(
            "Charts are weighted to the population by district, age band and sex"
            + (
                f" (effective sample size {summary.effective_size})."
                if summary.effective_size is not None
                else "."
            )
        )
    else:
        page.line("Charts show the responses as counted, not weighted.")
    page.line("Groups with fewer than 10 responses are not shown, so nobody can be singled out.")
    page.gap()
    page.line("Responses", size=12, bold=True)
    page.line(
        f"{summary.total} started the survey and {summary.by_status['completed']} completed it."
    )
    for status, name in STATUS_NAMES.items():
        page.line(f"{name}: {summary.by_status[status]}", indent=0.02)
    page.gap()
    page.line("How people took part", size=12, bold=True)
    for channel, counts in sorted(summary.by_channel.items()):
        page.line(
            f"{channel}: {counts['completed']} completed of {sum(counts.values())} started",
            indent=0.02,
        )
    if not summary.by_channel:
        page.line("No responses yet.", indent=0.02)
    page.gap()
    page.line("Safety", size=12, bold=True)
    page.line(
        f"{summary.safety_advice} conversations met the safety advice (the numbers to call about"
        " danger, self-harm, domestic abuse, a child at risk or reporting a crime), and"
        f" {summary.safety_line} more were given the short line: if you or anyone is in danger"
        " now, call 999."
    )
    return page.figure


def _over_time(summary: Summary) -> Any:
    """Completed responses by day."""
    from matplotlib.figure import Figure

    page = Figure(figsize=(8, 4), layout="constrained")
    page.suptitle("Completed responses by day", fontsize=12, x=0.02, ha="left")
    axes = page.add_subplot()
    days = sorted(summary.completed_by_day)
    if days:
        names = [f"{d.day} {d:%b}" for d in days]
        axes.bar(names, [summary.completed_by_day[d] for d in days], color=PALETTE[0])
        axes.tick_params(axis="x", labelrotation=45)
    else:
        axes.text(0.5, 0.5, "No completed responses yet", ha="center", transform=axes.transAxes)
    axes.set_ylabel("Responses")
    axes.spines[["top", "right"]].set_visible(False)
    return page


def _themes(summary: Summary) -> Any:
    """The biggest themes in what people typed, with quotes (already redacted)."""
    page = _Page()
    page.line("What people said: the main themes", size=14, bold=True)
    page.line("Quotes are as residents typed them, with personal details removed.")
    question = None
    for theme in summary.themes:
        if theme.question != question:
            question = theme.question
            page.gap()
            page.line(question, size=12, bold=True)
        page.line(f"{theme.label} ({theme.answers} answers)", bold=True, indent=0.02)
        for quote in theme.quotes:
            page.line(f"\u201c{textwrap.shorten(quote, 280)}\u201d", size=9, indent=0.04)
        if page.y < 0.08:
            break
    return page.figure
