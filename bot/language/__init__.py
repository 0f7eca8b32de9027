"""What the bot understands of typed text beyond the survey's own words.

`load_language()` builds, once per process, the learned safety classifier (two
embedding models shipped in registry packages, and the weights trained from
`training/safety/`), the redactor with its names list and gazetteer, and the
theme model for the staff site (over the same two embedding models). They are
handed to the pure code in `dialogs/` and to the staff site as plain objects.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from bot.language.lexicon import load_lexicon
from bot.language.minilm import MiniLM
from bot.language.safety_model import SafetyModel
from bot.language.themes import ThemeModel
from bot.language.wordllama import WordLlama
from dialogs.redact import Redactor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Language:
    """The safety classifier, the redactor and the theme model, loaded."""

    safety: SafetyModel
    redactor: Redactor
    themes: ThemeModel


@functools.cache
def load_language() -> Language:
    """Load and check the models and word lists (about two seconds, then shared)."""
    minilm, wordllama = MiniLM.load(), WordLlama.load()
    safety = SafetyModel.load(minilm=minilm, wordllama=wordllama)
    log.info("safety classifier loaded (all-MiniLM-L6-v2 and WordLlama, weights checked)")
    themes = ThemeModel(minilm, wordllama)
    return Language(safety=safety, redactor=Redactor(load_lexicon()), themes=themes)
