"""What the safety check and redaction cost per message, measured in this process.

Three kinds of message: taps and the survey's own words (no classifier), short
typed answers, and long typed answers of several sentences.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.scripts import FREE_TEXT
from bot.language import load_language
from dialogs import engine
from dialogs.loader import load_survey
from dialogs.safety import assess

LONG = (
    "The website was fine for reporting the shed break in, but I never heard back. "
    "I rang 101 after a week and waited forty minutes. A webchat in the evenings would help, "
    "because I work days and can't wait on hold at work."
)
ROUNDS = 3


def _per_message(texts: list[str], check: Callable[[str], object]) -> float:
    """Milliseconds per message, the best of a few rounds."""
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for text in texts:
            check(text)
        best = min(best, (time.perf_counter() - started) / len(texts))
    return best * 1000


def cost_lines() -> list[str]:
    """One line per kind of message: the check's and redaction's cost."""
    language = load_language()
    survey = load_survey()
    typed = [s.answer for s in FREE_TEXT.steps]
    own_words = [t for t in typed if engine.needs_scores(survey, t)]
    taps = [t for t in typed if not engine.needs_scores(survey, t)]

    def check(text: str) -> object:
        scores = language.safety.predict(text) if engine.needs_scores(survey, text) else None
        return assess(text, scores)

    full = sum(language.safety.goes_to_full_stage(t) for t in own_words)
    return [
        f"safety check, survey words and taps ({len(taps)} kinds): "
        f"{_per_message(taps, check):.3f} ms a message (rules only)",
        f"safety check, short typed answers ({len(own_words)} kinds, {full} past the quick "
        f"stage): {_per_message(own_words, check):.2f} ms a message",
        f"safety check, a long typed answer of three sentences: "
        f"{_per_message([LONG], check):.2f} ms",
        f"redaction: {_per_message([*typed, LONG], language.redactor.redact):.3f} ms a message",
    ]
