"""Where a resident says they live and work, for a question with `places`.

"Do you live or work in Hertfordshire?" answered "work in watford but live in
london" is work; "live in luton and work in luton" is neither; "I study in
Hatfield but live in London" is not for the words to decide.
"""

from __future__ import annotations

from dialogs.schema import Question
from dialogs.spelling import normalise, words

_LIVES = frozenset("live living lives lived reside resident from born bred moved home".split())
_WORKS = frozenset("work working works job employed commute commuting business".split())
# Other reasons to be in the area: the answer is not for the words to decide.
_OTHER_REASONS = frozenset("study studying student school college uni university".split())
_AT_PLACE = frozenset("in at to into near round around from".split())
# Words after "in" that name no place of their own: "work in a shop in Hitchin".
_NOT_PLACES = frozenset("a an the my our his her their this that one some it town home".split())
_AREA = frozenset(
    {"herts", "hertfordshire", "here", "there", "the county", "the area", "this area"}
)
# Words straight after a verb that say it is not in the area: "live elsewhere".
_AWAY = frozenset({"elsewhere", "away", "abroad", "outside", "out"})
# Words just before a verb that deny it: "don't live here", "no longer work there".
_DENIED = frozenset("not isnt wasnt arent werent never no dont didnt doesnt longer".split())
_PLAIN_NO = frozenset({"no", "nope", "nah", "na"})
ASK_AGAIN = "?"


def where_they_are(question: Question, text: str) -> str | None:
    """For a question with `places`: "live", "work", "live and work" or "neither of them"
    when the answer says where, ASK_AGAIN when it says only that one is elsewhere, and
    None when it names no place (the usual reading then applies)."""
    if not question.places:
        return None
    tokens = words(text)
    said_no = bool(tokens) and tokens[0] in _PLAIN_NO
    if said_no:
        tokens = tokens[1:]  # "no, I live in London"
    places = {normalise(p) for p in question.places} | _AREA
    said = _said(tokens, places)
    if said is None:
        return None
    if said_no:
        # "No": neither, unless what follows says otherwise.
        return "neither of them" if not any(said.values()) else ASK_AGAIN
    if not said:
        return None
    if "neither" in tokens or "both" in tokens:
        # Said outright, with where: kept when the places agree, asked again when not.
        agrees = not any(said.values()) if "neither" in tokens else all(said.values())
        return ("neither of them" if "neither" in tokens else "live and work") if agrees else None
    if _OTHER_REASONS & set(tokens):
        # "I study in Hatfield but live in London": not for the words to decide, but
        # not "I live here" either.
        return ASK_AGAIN if False in said.values() else None
    live, work = said.get("live"), said.get("work")
    if live and work:
        return "live and work"
    if live or work:
        return "live" if live else "work"
    if live is False and work is False:
        return "neither of them"
    return ASK_AGAIN


def _inside(tokens: list[str], places: set[str]) -> bool | None:
    """Whether the place a clause names is in the area: None when it names none."""
    if len(tokens) > 1 and tokens[1] in ("here", "there"):
        return True  # "live here"
    if len(tokens) > 1 and tokens[1] in _AWAY:
        return False  # "live elsewhere", "work outside the county"
    found = None
    for at, token in enumerate(tokens):
        if token not in _AT_PLACE or at + 1 >= len(tokens):
            continue
        after = tokens[at + 1 :]
        if after[0] == "to" and len(after) > 1:
            after = after[1:]  # "in to stevenage"
        if any(" ".join(after[:n]) in places for n in (1, 2, 3)):
            return True
        if after[0] not in _NOT_PLACES and after[0] not in _AT_PLACE:
            found = False
    return found


def _said(tokens: list[str], places: set[str]) -> dict[str, bool] | None:
    """For "live" and "work", whether the answer puts it in the area; None when the answer
    denies something other than a verb ("not sure"), so the usual reading applies.

    Each verb takes the words after it, up to the next verb: "work at tesco in stevenage
    live in bedford" is work in Stevenage, live in Bedford; a verb with no place takes the
    next one said ("live and work in luton"); a denial just before a verb turns it ("don't
    live or work there").
    """
    starts = [i for i, t in enumerate(tokens) if t in _LIVES or t in _WORKS]
    denied = {i for i in starts if _denies(tokens, i, starts)}
    stray = {i for i, t in enumerate(tokens) if t in _DENIED} - {
        j for i in denied for j in range(i - 3, i)
    }
    if stray:
        return None
    said: dict[str, bool] = {}
    waiting: list[tuple[str, bool]] = []  # verbs whose place comes later
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(tokens)
        verb = "live" if tokens[start] in _LIVES else "work"
        inside = _inside(tokens[start:end], places)
        if inside is None:
            waiting.append((verb, start in denied))
            continue
        for each, denial in [*waiting, (verb, start in denied)]:
            if not (denial and inside is False):  # "don't live in London": not known
                said[each] = inside and not denial
        waiting = []
    for each, denial in waiting:
        if denial:
            said.setdefault(each, False)  # "I don't work"
    return said


def _denies(tokens: list[str], start: int, starts: list[int]) -> bool:
    """Whether the verb at `start` is denied: "don't live", "used to live", or "don't live
    or work", where the second verb shares the first one's denial."""
    before = tokens[max(0, start - 2) : start]
    if _DENIED & set(before) or before == ["used", "to"]:
        return True
    earlier = [i for i in starts if i < start]
    return (
        bool(earlier)
        and start >= 1
        and tokens[start - 1] in ("or", "nor")
        and (_denies(tokens, earlier[-1], starts))
    )
