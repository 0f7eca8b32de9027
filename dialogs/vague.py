"""Whether a typed answer says something specific, or is vague enough to ask once for more.

Chat surveys get fuller answers when the bot asks one neutral follow-up on a vague
answer ("dunno", "it's fine", "better service"). A survey declares the follow-up per
question (`follow_up` in the survey file); this module only judges the answer.

An answer is vague when it is short and every word in it is one that could answer
any question: filler ("just", "really"), judgements ("better", "fine", "good"),
general words ("service", "things", "improve"). One specific word ("101", "callback",
"weekends", "deaf") is enough to make it specific. A clear "nothing" or "none" is an
answer, not a vague one, and is not followed up. Longer answers are taken as
saying something.
"""

from __future__ import annotations

import re

# Answers longer than this are taken as saying something, whatever their words.
MOST_WORDS = 8

# Words that could answer any question: they say nothing about what, where or why.
GENERAL_WORDS = frozenset(
    """
    i im i'm ive i've id i'd ill i'll me my mine we we'd us our you your it its it's itd it'd
    they them their he she his her one ones someone everyone anyone people person everybody
    a an the this that these those there here then so and or but if as because cos coz
    is was be been being am are were do does did doing done have has had get got getting
    would could should can will might must may wouldn't couldnt could've would've just really
    very quite bit lot lots more most less much some any all every whole overall general
    generally everything anything something things thing stuff etc of to for in on at by with
    from about up out over around round
    ok okay fine alright allright good bad better best worse worst nice great decent poor
    sure unsure dunno idk dont don't know no not yeah yes yep maybe perhaps probably guess
    suppose think reckon say said well fairly pretty kind sort sorted like way ways
    improve improved improvement improvements improving change changes changed changing
    make making made help helps helped helpful helping unhelpful
    service services police staff contact contacting contacted efficient efficiency
    easier easy simpler simple harder hard quicker quick faster fast slower slow
    response responses respond work works working useful use used using
    reason reasons why obviously idea sounds seems seem looks meh eh hmm whatever so-so
    """.split()
)
# A clear "nothing to change": an answer in its own right, not a vague one.
NOTHING = re.compile(
    r"^(?:nothing|none|no|nope|nah|n/?a|no changes?(?: needed)?|(?:nothing|none) (?:really|at all)"
    r"|nothing (?:else|to add)"
    r"|not really|nothing[, ]+(?:it was|its|it's|all) (?:good|fine|great|ok|okay))$"
)
_WORD = re.compile(r"[a-z0-9']+(?:/[a-z]+)?")


def is_vague(text: str) -> bool:
    """True when a typed answer is short and says nothing specific."""
    said = re.sub(r"[^\w\s'/,-]", " ", text.lower().replace("\u2019", "'")).strip(" ,.-")
    said = re.sub(r"\s+", " ", said)
    if not said or NOTHING.match(said):
        return False
    words = _WORD.findall(said)
    if not words or len(words) > MOST_WORDS:
        return False
    return all(word in GENERAL_WORDS for word in words)
