"""Safety check run on every message a resident types into the survey.

Nobody watches the survey in real time, so the bot has to notice when a message
is really a call for help: someone in danger now, thoughts of suicide or
self-harm, a child at risk, domestic abuse, or a resident trying to report a
crime to the bot.

Two parts decide together (`assess`):

- a learned classifier over sentence embeddings, which generalises to words
  nobody wrote a rule for. It runs in `bot/` (this package reads no files) and
  its `Scores` are handed in with the message;
- the rules below, a floor for the explicit phrases: `classify` returns the
  most urgent matching `Category`, or None for an ordinary survey answer.

A rule, or a confident classifier, gets the category's full advice; a less
confident classifier gets one short line and the survey carries on (`Verdict`).
A missed person in danger can cost a life and a false alarm costs a sentence,
so the thresholds lean towards asking.

The rules are phrase patterns applied to a normalised copy of the
message (lower case, no apostrophes, common text-speak expanded), with guards
for the things that make an alarming word harmless in a survey about
contacting the police: negation ("I'm not in danger"), the past ("a man with a
knife was arrested a few weeks ago"), hypotheticals ("if I saw a crime
happening I'd call 999") and talk about the service itself ("I rang 101 when
my car got keyed").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from dialogs.safety_phrases import Rule, variants
from dialogs.safety_rules import (
    CHILD_RULES,
    DANGER_RULES,
    DOMESTIC_ABUSE_RULES,
    REPORT_RULES,
    SELF_HARM_RULES,
)


class Category(StrEnum):
    """Kinds of message that need a safety reply instead of the next question."""

    DANGER = "danger"
    SELF_HARM = "self_harm"
    DOMESTIC_ABUSE = "domestic_abuse"
    CHILD = "child_at_risk"
    REPORT = "report_crime"


# Most urgent first: when a message fits several categories, the first wins.
PRIORITY: tuple[Category, ...] = (
    Category.DANGER,
    Category.SELF_HARM,
    Category.CHILD,
    Category.DOMESTIC_ABUSE,
    Category.REPORT,
)

# The rules of each category, in `dialogs.safety_rules`.
RULES: dict[Category, tuple[Rule, ...]] = {
    Category.DANGER: DANGER_RULES,
    Category.SELF_HARM: SELF_HARM_RULES,
    Category.CHILD: CHILD_RULES,
    Category.DOMESTIC_ABUSE: DOMESTIC_ABUSE_RULES,
    Category.REPORT: REPORT_RULES,
}


def _fires(category: Category, forms: tuple[str, ...], *, floor_only: bool) -> bool:
    """True when a rule of `category` fires on any normalised form of the message."""
    return any(
        rule.matches(form)
        for rule in RULES[category]
        if not (floor_only and rule.everyday)
        for form in forms
    )


def classify(text: str, *, floor_only: bool = False) -> Category | None:
    """Return the most urgent safety category of `text`, or None if it has none.

    With `floor_only`, only the rules no classifier may overrule count (not the
    `everyday` ones).
    """
    forms = variants(text)
    for category in PRIORITY:
        if _fires(category, forms, floor_only=floor_only):
            return category
    return None


# ---------------------------------------------------------------------------
# Rules and classifier together
# ---------------------------------------------------------------------------

NO_RISK = "none"


@dataclass(frozen=True)
class Scores:
    """What the learned classifier made of one message, with its thresholds.

    `probabilities` maps each category's value, and "none", to a probability.
    A risk (one less the probability of "none") of `sure_at` or more gets the
    full advice of the likeliest category; of `maybe_at` or more, the short line.
    Below `clear_below` the classifier is sure the message is ordinary, and
    overrules the rules whose phrases have an everyday sense too.
    """

    probabilities: Mapping[str, float]
    sure_at: float
    maybe_at: float
    clear_below: float = 0.0

    @property
    def risk(self) -> float:
        """How likely the message is to need any safety reply."""
        return 1.0 - self.probabilities.get(NO_RISK, 1.0)

    @property
    def likeliest(self) -> Category:
        """The category the classifier thinks most likely."""
        return max(PRIORITY, key=lambda category: self.probabilities.get(category, 0.0))


@dataclass(frozen=True)
class Verdict:
    """The safety reply a message needs: none, the short line, or a category's advice."""

    category: Category | None
    # False for the short "if you are in danger, call 999" line.
    sure: bool = True

    @property
    def flagged(self) -> bool:
        """True when the message gets any safety reply."""
        return self.category is not None


SAFE = Verdict(None)


def assess(text: str, scores: Scores | None = None) -> Verdict:
    """The safety reply `text` needs, from the rules and the classifier's `scores`."""
    ruled = classify(text)
    if ruled and scores is not None and scores.risk < scores.clear_below:
        ruled = classify(text, floor_only=True)
    if scores is None or scores.risk < scores.maybe_at:
        return Verdict(ruled) if ruled else SAFE
    likeliest = scores.likeliest
    if ruled and PRIORITY.index(ruled) <= PRIORITY.index(likeliest):
        return Verdict(ruled)
    if scores.risk >= scores.sure_at:
        return Verdict(likeliest)
    if ruled:
        return Verdict(ruled)
    return Verdict(likeliest, sure=False)
