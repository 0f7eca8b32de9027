"""The population the results are weighted to: counts by district, age band and sex, from a file.

The file (TOML) names its source and holds one table of counts per margin,
keyed by the survey's option ids:

    [population]
    area = "Hertfordshire"
    base = "Usual residents aged 18 and over"
    source = "ONS Census 2021"
    missing = ["what the file lacks, in words"]

    [margins.district]
    question = "district"        # the survey question whose answers this margin counts
    source = "ONS Census 2021, table TS007"
    counts = { broxbourne = 76000, dacorum = 120000 }

A margin may be left out (weighting then uses the margins there are), and one
for a question the survey does not have is left out with a warning; every count
must be a whole number and every key an option of its question.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.review.config import Questions

log = logging.getLogger(__name__)


class PopulationError(ValueError):
    """A population file that cannot be used, with what to change."""


@dataclass(frozen=True)
class Margin:
    """The population's counts for the answers to one question."""

    question: str
    source: str
    counts: dict[str, int]

    def share(self, category: str) -> float:
        """The category's share of the margin, as a percentage to one decimal place."""
        total = sum(self.counts.values())
        return round(100 * self.counts.get(category, 0) / total, 1) if total else 0.0


@dataclass(frozen=True)
class Population:
    """Where the figures come from, and the margins in the file."""

    area: str = ""
    base: str = ""
    source: str = ""
    missing: list[str] = field(default_factory=list)
    margins: dict[str, Margin] = field(default_factory=dict)

    def counts(self) -> dict[str, dict[str, int]]:
        """Question id -> counts, for raking."""
        return {margin.question: margin.counts for margin in self.margins.values()}

    def about(self) -> dict[str, Any]:
        """The file's description, as plain data for the page."""
        return {
            "area": self.area,
            "base": self.base,
            "source": self.source,
            "missing": self.missing,
            "margins": {
                m.question: {"source": m.source, "total": sum(m.counts.values())}
                for m in self.margins.values()
            },
        }


def load_population(path: str | Path, questions: Questions) -> Population:
    """Read and check a population file; `PopulationError` saying what to fix."""
    where = Path(path)
    try:
        raw = tomllib.loads(where.read_text(encoding="utf-8"))
    except OSError as error:
        raise PopulationError(f"POPULATION_FILE {where} cannot be read: {error}.") from error
    except tomllib.TOMLDecodeError as error:
        raise PopulationError(f"{where} is not valid TOML: {error}.") from error
    about = raw.get("population", {})
    missing = [str(line) for line in about.get("missing", [])]
    margins = {}
    for name, table in raw.get("margins", {}).items():
        question = str(table.get("question", name)) if isinstance(table, dict) else name
        if not any(column["question"] == question for column in questions.columns):
            # Another survey, without this question: its results are not weighted on it.
            log.warning("%s: the survey has no question %r; not weighting on it.", where, question)
            missing.append(f"The survey has no question {question!r}, so it is not weighted on.")
            continue
        margins[name] = _margin(where, name, table, questions)
    unknown = set(raw) - {"population", "margins"}
    if unknown:
        raise PopulationError(f"{where}: unknown tables {', '.join(sorted(unknown))}.")
    return Population(
        area=str(about.get("area", "")),
        base=str(about.get("base", "")),
        source=str(about.get("source", "")),
        missing=missing,
        margins=margins,
    )


def _margin(where: Path, name: str, table: Any, questions: Questions) -> Margin:
    if not isinstance(table, dict):
        raise PopulationError(f"{where}: [margins.{name}] must be a table.")
    question = str(table.get("question", name))
    column = questions.column(question)
    if column is None or column["kind"] != "single_choice":
        raise PopulationError(
            f"{where}: [margins.{name}] counts answers to {question!r}, which is not a "
            "single-choice question in the survey. Set question to one that is."
        )
    counts = table.get("counts", {})
    if not isinstance(counts, dict) or not counts:
        raise PopulationError(f"{where}: [margins.{name}] needs counts, one per answer.")
    for option, count in counts.items():
        if option not in column["values"]:
            raise PopulationError(
                f"{where}: [margins.{name}] counts {option!r}, which is not an answer to "
                f"{question!r}. Use one of: {', '.join(column['values'])}."
            )
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise PopulationError(
                f"{where}: [margins.{name}] {option} must be a whole number of people."
            )
    return Margin(question, str(table.get("source", "")), dict(counts))
