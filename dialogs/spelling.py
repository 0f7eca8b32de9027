"""How typed words are cleaned up and compared, allowing for the slips people make.

`normalise` turns what was typed into plain lower-case words; `close` says
whether a typed word is a wanted word, allowing a small typo, a sound-alike
spelling ("eazy", "dificult") or a short form ("insta" for "instagram").
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache


def normalise(text: str) -> str:
    """Lower case, plain apostrophes gone, punctuation as spaces, spaces collapsed.

    A slash stays only between digits ("4/5"); "n/a" is one word, "na"; a number
    said roughly ("3ish") is the number.
    """
    text = text.lower().replace("\u2019", "'").replace("'", "")
    text = re.sub(r"\b([a-z])\s*/\s*([a-z])\b", r"\1\2", text)
    text = re.sub(r"(\d)\s*/\s*(\d)", r"\1/\2", text)
    text = re.sub(r"(?<!\d)/|/(?!\d)", " ", text)
    text = re.sub(r"(\d)\s*-?\s*ish\b", r"\1", text)
    text = re.sub(r"[^a-z0-9/&+]+", " ", text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The words of a normalised text, with "&" and "+" standing alone."""
    return re.sub(r"([&+])", r" \1 ", text).split()


def stem(word: str) -> str:
    """A rough stem, so "phoned", "phones" and "phone" meet."""
    for ending in ("ing", "ed", "es", "s"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def sound_key(word: str) -> str:
    """A word as it sounds, near enough: "eazy" and "easy", "dificult" and "difficult"."""
    word = word.replace("ph", "f").replace("ck", "k").replace("z", "s")
    return re.sub(r"(.)\1+", r"\1", word)


def distance(typed: str, wanted: str) -> int:
    """Edits from one word to the other: a letter added, dropped, changed or two swapped."""
    rows = [list(range(len(wanted) + 1))]
    for i, a in enumerate(typed, start=1):
        row = [i]
        for j, b in enumerate(wanted, start=1):
            best = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a != b))
            if i > 1 and j > 1 and a == wanted[j - 2] and typed[i - 2] == b:
                best = min(best, rows[-2][j - 2] + 1)
            row.append(best)
        rows.append(row)
    return rows[-1][-1]


@lru_cache(maxsize=16384)
def close(typed: str, wanted: str) -> bool:
    """Whether a typed word is the wanted word, allowing a small slip.

    Short words must match but for a sound-alike spelling or a dropped letter
    ("cty"), so that "home" never reads "hope". A typo must keep the first
    letter; a short form must be at least five letters and half the word.
    """
    if typed == wanted or stem(typed) == stem(wanted):
        return True
    if typed.isdigit() or wanted.isdigit() or len(wanted) < 4 or typed[:1] != wanted[:1]:
        return False
    if len(typed) > len(wanted) + 3:
        return False  # far too long to be a slip (and costly to compare)
    if len(typed) >= 4 and sound_key(typed) == sound_key(wanted):
        return True  # not "god" for "good"
    if len(wanted) == 4:
        return len(typed) == 3 and distance(typed, wanted) == 1
    if len(wanted) >= 8 and len(typed) >= 5 and wanted.startswith(typed):
        return 2 * len(typed) >= len(wanted)
    if abs(len(typed) - len(wanted)) > 2:
        return False
    if distance(typed, wanted) <= (1 if len(wanted) < 8 else 2):
        return True
    ratio = SequenceMatcher(None, typed, wanted).ratio()
    return ratio >= (0.8 if len(wanted) < 8 else 0.75)


def has_phrase(tokens: list[str], phrase: str, *, fuzzy: bool = False) -> bool:
    """Whether the words hold the phrase, word for word (or with small slips, if fuzzy)."""
    return find_phrase(tokens, phrase.split(), fuzzy=fuzzy) is not None


def find_phrase(tokens: list[str], wanted: list[str], *, fuzzy: bool = False) -> int | None:
    """Where the phrase starts in the words, or None."""
    same = close if fuzzy else str.__eq__
    for start in range(len(tokens) - len(wanted) + 1):
        if all(same(tokens[start + i], w) for i, w in enumerate(wanted)):
            return start
    return None
