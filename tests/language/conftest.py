"""Fixtures for the language models' tests: loaded once for the whole session."""

from __future__ import annotations

import pytest

from bot.language import Language, load_language


@pytest.fixture(scope="session")
def language() -> Language:
    """The shipped safety classifier and redactor, loaded and checked."""
    return load_language()
