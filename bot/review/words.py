"""The words and phrases that come up most in typed answers.

Each answer counts once for a word however often it repeats it, so one long
answer cannot outweigh many short ones. Common words ("the", "and") are left
out, and phrases are two or three words that neither start nor end with one.
The tags redaction leaves ("[name]", "[postcode]") are not words, and a phrase
does not run across one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# What redaction puts in place of a personal detail: "[name]", "[date-of-birth]".
TAG = re.compile(r"\[[a-z]+(?:-[a-z]+)*\]")
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing don't down during each few for
    from further had has have having he her here hers herself him himself his how i i'd i'm i've
    if in into is it it's its itself just me more most my myself no nor not of off on once only
    or other our ours ourselves out over own same she should so some such than that that's the
    their theirs them themselves then there there's these they they're this those through to
    too under until up very was we we're were what when where which while who whom why will with
    would you you're your yours yourself yourselves get got really think much many one would
    """.split()
)


def tokens(text: str) -> list[str]:
    """The words of a text, in lower case, leaving out redaction's tags."""
    return [word for part in _parts(text) for word in part]


def _parts(text: str) -> list[list[str]]:
    """The words of each stretch of text between redaction's tags."""
    return [WORD.findall(part) for part in TAG.split(text.lower().replace("\u2019", "'"))]


def frequent(texts: Iterable[str], *, top: int = 20) -> dict[str, list[dict[str, Any]]]:
    """The most frequent words and phrases, each with the number of answers it appears in."""
    words: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    for text in texts:
        parts = _parts(text)
        words.update({w for part in parts for w in part if w not in STOP_WORDS and len(w) > 1})
        phrases.update({phrase for part in parts for phrase in _phrases(part)})
    return {
        "words": [{"text": w, "answers": n} for w, n in words.most_common(top)],
        "phrases": [{"text": p, "answers": n} for p, n in phrases.most_common(top) if n > 1],
    }


def _phrases(found: list[str]) -> Iterable[str]:
    for size in (2, 3):
        for start in range(len(found) - size + 1):
            chunk = found[start : start + size]
            if chunk[0] not in STOP_WORDS and chunk[-1] not in STOP_WORDS:
                yield " ".join(chunk)
