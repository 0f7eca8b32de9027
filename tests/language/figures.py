"""Figures the tests print: the safety check and redaction, on held-out data.

Each table has two columns: the held-out split of the training corpus (one
line in five, never trained on) and the independent set in `heldout/`, written
separately and never trained or tuned on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.language.corpus import Example, Marked
from dialogs.safety import Verdict

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
NUMBER_OR_DATE = re.compile(r"\d")


def _cell(count: int, total: int) -> str:
    """ "count/total share", as every table shows it."""
    return f"{count:>5}/{total:<5} {count / total if total else 0:>7.1%}     "


@dataclass(frozen=True)
class SafetyFigures:
    """How many messages of each group got a safety reply, and how many of those were sure."""

    flagged: dict[str, tuple[int, int]]  # group -> (flagged, total)

    def share(self, group: str) -> float:
        flagged, total = self.flagged.get(group, (0, 0))
        return flagged / total if total else 0.0

    @property
    def at_risk(self) -> float:
        pairs = [v for k, v in self.flagged.items() if not k.startswith("none")]
        total = sum(t for _, t in pairs)
        return sum(f for f, _ in pairs) / total if total else 0.0


def safety_figures(examples: Sequence[Example], check: Callable[[str], Verdict]) -> SafetyFigures:
    """Run the check on every message and count the safety replies by group."""
    counts: dict[str, list[int]] = {}
    for example in examples:
        group = example.label if example.at_risk else f"none ({example.kind})"
        flagged, total = counts.setdefault(group, [0, 0])
        counts[group] = [flagged + check(example.text).flagged, total + 1]
    return SafetyFigures({group: (f, t) for group, (f, t) in counts.items()})


def safety_table(title: str, columns: dict[str, SafetyFigures]) -> str:
    """A table of the figures, one row a group, one column a data set."""
    groups = sorted({g for figures in columns.values() for g in figures.flagged})
    head = f"{title:<26}" + "".join(f"{name:>24}" for name in columns)
    lines = [head]
    for group in [
        *(g for g in groups if not g.startswith("none")),
        *(g for g in groups if g.startswith("none")),
    ]:
        cells = []
        for figures in columns.values():
            flagged, total = figures.flagged.get(group, (0, 0))
            cells.append(_cell(flagged, total))
        label = f"{group} (given a reply)" if not group.startswith("none") else f"{group} flagged"
        lines.append(f"{label:<26}" + "".join(f"{c:>24}" for c in cells))
    lines.append(
        f"{'all at risk (given a reply)':<26}"
        + "".join(f"{f'{figures.at_risk:.1%}':>24}" for figures in columns.values())
    )
    return "\n".join(lines)


@dataclass(frozen=True)
class RedactionFigures:
    """Personal details removed, and ordinary text changed, by kind."""

    details: dict[str, tuple[int, int]]  # kind -> (removed, total)
    clean_changed: tuple[int, int]  # lines without details: (changed, total)
    kept: tuple[int, int]  # places, numbers and dates outside details: (changed, total)

    @property
    def removed(self) -> float:
        removed = sum(r for r, _ in self.details.values())
        total = sum(t for _, t in self.details.values())
        return removed / total if total else 0.0


# Words that say nothing of whose detail it was: "the" and "road" may stay.
COMMON = frozenset(
    "the and on in at of no number flat apartment block unit road rd street st lane avenue "
    "close way drive court house view green park end hill".split()
)


def _leaked(value: str, output: str, outside: str = "") -> bool:
    """True when a telling word of a detail (a number, or a word not in COMMON) still stands.

    A word the resident also wrote outside the detail may stand as often as it stood
    there: in "Mark here. Mark my words", once the name is gone the second "Mark" is
    not it, and in "card ending 4412 ..., full number 4539 8821 0076 4412" the first
    "4412" is the resident's own words, left as they are.
    """
    words = [
        w
        for w in WORD.findall(value)
        if any(c.isdigit() for c in w) or (len(w) > 1 and w.lower() not in COMMON)
    ]
    return any(_count(w, output) > _count(w, outside) for w in words)


def _count(word: str, text: str) -> int:
    return len(re.findall(r"(?<![^\W_])" + re.escape(word) + r"(?![^\W_])", text))


def redaction_figures(
    examples: Sequence[Marked], redact: Callable[[str], str], keep: Callable[[str], bool]
) -> RedactionFigures:
    """Redact every example; `keep(word)` says which words are places, numbers or dates."""
    details: dict[str, list[int]] = {}
    changed = clean = kept_changed = kept_total = 0
    for example in examples:
        output = redact(example.text)
        outside = example.outside()
        for kind, start, end in example.details:
            removed, total = details.setdefault(kind, [0, 0])
            leaked = _leaked(example.text[start:end], output, outside)
            details[kind] = [removed + (not leaked), total + 1]
        if not example.details:
            clean += 1
            changed += output != example.text
        survivors = set(WORD.findall(output))
        for word in WORD.findall(outside):
            if keep(word):
                kept_total += 1
                kept_changed += word not in survivors
    return RedactionFigures(
        {k: (r, t) for k, (r, t) in details.items()}, (changed, clean), (kept_changed, kept_total)
    )


def redaction_table(columns: dict[str, RedactionFigures]) -> str:
    """A table of the figures, one row a kind, one column a data set."""
    kinds = sorted({k for figures in columns.values() for k in figures.details})
    lines = ["redaction".ljust(34) + "".join(f"{name:>24}" for name in columns)]
    for kind in kinds:
        cells = []
        for figures in columns.values():
            removed, total = figures.details.get(kind, (0, 0))
            cells.append(_cell(removed, total))
        lines.append(f"{kind + ' removed':<34}" + "".join(f"{c:>24}" for c in cells))
    lines.append(
        f"{'all personal details removed':<34}"
        + "".join(f"{f'{figures.removed:.1%}':>24}" for figures in columns.values())
    )
    for label, attribute in (
        ("lines with no details changed", "clean_changed"),
        ("places, numbers, dates changed", "kept"),
    ):
        cells = []
        for figures in columns.values():
            bad, total = getattr(figures, attribute)
            cells.append(_cell(bad, total))
        lines.append(f"{label:<34}" + "".join(f"{c:>24}" for c in cells))
    return "\n".join(lines)
