"""The labelled corpora in `training/`: reading them, and the held-out split.

Training reads `training/safety/*.tsv` and `training/redaction/*.tsv`; one
line in five (by a hash of its text, the same on every machine) is held out of
training and only measured. `training/*/heldout/` holds sets written separately
from the training lines and never trained or tuned on.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SAFETY = ROOT / "training" / "safety"
REDACTION = ROOT / "training" / "redaction"
RULE_EXAMPLES = ROOT / "tests" / "data" / "safety_messages.tsv"
NONE = "none"
LABELS = (NONE, "danger", "self_harm", "child_at_risk", "domestic_abuse", "report_crime")


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    label: str
    kind: str
    text: str

    @property
    def at_risk(self) -> bool:
        """True when the message needs a safety reply."""
        return self.label != NONE


def in_heldout_split(text: str) -> bool:
    """One line in five, by a hash of its text: the same lines on every run."""
    return hashlib.sha256(text.strip().lower().encode()).digest()[0] % 5 == 0


def read_safety(path: Path, default_kind: str = "") -> list[Example]:
    """(label, kind, text) rows; a file without a kind column gets `default_kind`.

    An ordinary answer's kind is "hard" (it shares words with danger) or "plain".
    """
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    examples = []
    for row in rows:
        label, text = (row.get("label") or "").strip(), (row.get("text") or "").strip()
        if label not in LABELS or not text:
            raise ValueError(f"{path}: a line with label {label!r} and text {text!r}")
        kind = (row.get("kind") or default_kind or "").strip()
        if label == NONE and kind not in ("hard", "plain"):
            kind = "hard"
        examples.append(Example(label, kind, text))
    return examples


def safety_corpus(folder: Path = SAFETY) -> list[Example]:
    """Every labelled line for training (held-out split included), duplicates dropped."""
    examples: list[Example] = []
    for path in sorted(folder.glob("*.tsv")):
        examples += read_safety(path)
    examples += read_safety(RULE_EXAMPLES, default_kind="rule_example")
    return _unique(examples)


def safety_independent(folder: Path = SAFETY) -> list[Example]:
    """The separately written set in `heldout/`: for measuring only.

    A line that happens to be in the training corpus too ("both", "not sure") is
    left out, so every line measured is one the classifier never saw.
    """
    trained = {e.text.strip().lower() for e in safety_corpus(folder)}
    examples: list[Example] = []
    for path in sorted((folder / "heldout").glob("*.tsv")):
        examples += read_safety(path)
    return [e for e in _unique(examples) if e.text.strip().lower() not in trained]


def _unique(examples: list[Example]) -> list[Example]:
    seen: set[str] = set()
    unique = []
    for example in examples:
        key = example.text.strip().lower()
        if key and key not in seen:
            seen.add(key)
            unique.append(example)
    return unique


_MARK = re.compile(r"\[\[([a-z-]+):(.+?)\]\]")


@dataclass(frozen=True)
class Marked:
    """A resident's text with its personal details marked: (kind, start, end) in `text`."""

    text: str
    details: tuple[tuple[str, int, int], ...]

    def outside(self) -> str:
        """The text with each detail blanked out: what redaction must keep."""
        kept, last = [], 0
        for _, start, end in self.details:
            kept += [self.text[last:start], " "]
            last = end
        return "".join([*kept, self.text[last:]])


def read_marked(path: Path) -> list[Marked]:
    """Lines of a `text` TSV whose details are marked inline as [[kind:value]]."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    examples = []
    for line in lines:
        if not line.strip():
            continue
        text, details, last = "", [], 0
        for match in _MARK.finditer(line):
            text += line[last : match.start()]
            details.append((match.group(1), len(text), len(text) + len(match.group(2))))
            text += match.group(2)
            last = match.end()
        examples.append(Marked(text + line[last:], tuple(details)))
    return examples


def redaction_corpus(folder: Path = REDACTION) -> list[Marked]:
    """The redaction examples tuned on (held-out split included)."""
    examples: list[Marked] = []
    for path in sorted(folder.glob("*.tsv")):
        examples += read_marked(path)
    return examples


def redaction_independent(folder: Path = REDACTION) -> list[Marked]:
    """The separately written redaction set: for measuring only (lines also tuned on left out)."""
    tuned = {e.text for e in redaction_corpus(folder)}
    examples: list[Marked] = []
    for path in sorted((folder / "heldout").glob("*.tsv")):
        examples += read_marked(path)
    return [e for e in examples if e.text not in tuned]
