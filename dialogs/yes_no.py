"""Yes, no, or not sure, however it is typed: "defo", "go on then", "not really", "dunno".

A yes or no can be taken back in the same breath ("yes possibly", "no, not
sure"), or start like its opposite ("i dont mind" is a yes); where the question
has a third answer ("Not sure"), an unsure word chooses it.
"""

from __future__ import annotations

from collections.abc import Iterable

from dialogs.hints import yes_no_message
from dialogs.naming import mentioned, named_exactly
from dialogs.numbers import numbers_only
from dialogs.reading import NotUnderstood, Reading, Understood
from dialogs.schema import Question
from dialogs.spelling import close, words

YES_WORDS = (
    "yes", "y", "yeah", "yea", "yeh", "yep", "yup", "ya", "aye", "sure", "of course",
    "definitely", "absolutely", "correct", "it was", "i did", "i do", "i would", "certainly",
    "yes please", "ok", "okay", "indeed", "totally", "very much so", "course", "defo", "deffo",
    "defs", "def", "yh", "ye", "yas", "for sure", "i suppose so", "suppose so", "i guess so",
    "guess so", "i think so", "think so", "i reckon so", "reckon so", "id say so",
    "i would say so", "i believe so", "go on then", "why not", "too right", "you bet",
    "sounds good", "sounds great", "sounds like a good idea", "good idea", "interested",
    "id give it a go", "give it a go", "id try it", "would be handy", "would be good",
    "would be useful", "happy to", "id be happy to", "id like that", "i would like that",
    "id love to", "love to", "that would be good", "that would be great",
)  # fmt: skip
# Yeses that start like a no: "i dont mind", "wouldnt mind".
YES_DESPITE_NO = (
    "i dont mind", "dont mind", "i wouldnt mind", "wouldnt mind", "dont see why not",
    "i dont see why not", "cant see why not", "i cant see why not",
)  # fmt: skip
NO_WORDS = (
    "no", "n", "nope", "nah", "na", "not really", "never", "no way", "i didnt", "it wasnt",
    "i dont", "i wouldnt", "definitely not", "absolutely not", "not at all", "no thanks",
    "no thank you", "not for me", "nay", "negative", "not likely", "i dont think so",
    "dont think so", "not a chance", "no chance", "hell no", "god no", "not particularly",
    "i would not", "i did not", "it was not", "i do not", "of course not", "def not",
    "defo not", "i guess not", "guess not", "i suppose not", "suppose not", "i think not",
    "probably not", "i dont think", "id rather not", "not interested", "no interest",
    "not keen", "no ta", "id rather", "i would rather", "would rather", "id have preferred",
    "i would have preferred", "would have preferred", "not my first choice", "not my preferred",
)  # fmt: skip
# Yeses that need nothing against them after: "it was" is yes, "it was the only option" is not.
WEAK_YES = frozenset({"it was", "i did", "i do", "i would", "ok", "okay", "course", "correct"})
AGAINST = frozenset(
    "only but because cause since though although however not no never nothing except".split()
)
PLAIN_NO = frozenset({"no", "nope", "nah", "never"})
PLAIN_YES = frozenset({"yes", "yeah", "yep", "yup", "sure", "definitely"})
UNSURE_WORDS = (
    "not sure", "maybe", "perhaps", "dont know", "do not know", "dunno", "unsure",
    "possibly", "might", "might be", "it depends", "depends", "not certain", "idk",
    "no idea", "could be", "sometimes", "kind of", "sort of", "could do", "not decided",
    "havent decided", "in two minds", "possibly yes", "potentially",
)  # fmt: skip
# Words before an answer that do not change it: "well, not sure", "i dont know".
LEAD_INS = frozenset("i im well um erm hmm uh oh honestly so".split())


def starts_with(text: str, phrases: Iterable[str]) -> bool:
    return any(text == p or text.startswith(p + " ") for p in phrases)


def lead_in_gone(text: str) -> str:
    """The answer without words that lead into it: "i dont know" is "dont know"."""
    tokens = words(text)
    while len(tokens) > 1 and tokens[0] in LEAD_INS:
        tokens = tokens[1:]
    return " ".join(tokens)


def _says_yes(text: str) -> bool:
    """Whether the answer starts with a yes that nothing after it takes back."""
    for phrase in YES_WORDS:
        if not starts_with(text, [phrase]):
            continue
        rest = words(text[len(phrase) :])
        if rest[:1] == ["not"]:
            continue  # "of course not", "def not"
        if phrase not in WEAK_YES or not set(rest) & AGAINST:
            return True
    return False


def _hedged(text: str) -> bool:
    """A yes or no taken back at once by an unsure word: "yes possibly", "no, not sure"."""
    for phrase in (*PLAIN_YES, *PLAIN_NO, "yeah", "yes", "no"):
        if starts_with(text, [phrase]):
            return starts_with(text[len(phrase) :].strip(), UNSURE_WORDS)
    return False


def _misspelt(text: str, phrases: Iterable[str]) -> bool:
    """A one-word answer that is one of the long words, misspelt: "definately"."""
    return " " not in text and any(len(p) >= 6 and " " not in p and close(text, p) for p in phrases)


def read_yes_no(question: Question, text: str) -> Reading:
    """Yes, no, or the third answer ("Not sure", "Maybe") where the question has one."""
    exact = named_exactly(question.options, text)
    if exact:
        return Understood(exact.id, tapped=True)
    third = next((o for o in question.options if o.id not in ("yes", "no")), None)
    plain = lead_in_gone(text)
    if starts_with(plain, UNSURE_WORDS) or (third and mentioned((third,), text)):
        if third:
            return Understood(third.id)
        return NotUnderstood(yes_no_message(question))
    if third and _hedged(plain):
        return Understood(third.id)  # "yes possibly", "no, not sure"
    if starts_with(plain, YES_DESPITE_NO):
        return Understood("yes")
    if starts_with(text, NO_WORDS) or _misspelt(text, NO_WORDS):
        return Understood("no")
    if _says_yes(text) or _misspelt(text, YES_WORDS):
        return Understood("yes")
    tokens = words(text)
    # "god no", "hell no, never": a short answer with a no in it. In a longer one the no
    # belongs to something else ("no complaints").
    if len(tokens) <= 3 and set(tokens) & PLAIN_NO and not set(tokens) & PLAIN_YES:
        return Understood("no")
    numbers = numbers_only(text)
    if numbers and len(numbers) == 1 and 1 <= numbers[0] <= len(question.options):
        return Understood(question.options[numbers[0] - 1].id)
    return NotUnderstood(yes_no_message(question))
