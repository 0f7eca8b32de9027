"""Fixtures for the survey engine's tests."""

import pytest

from dialogs.loader import load_survey
from dialogs.schema import Survey
from tests.dialogs.script import Resident


@pytest.fixture(scope="session")
def survey() -> Survey:
    """The Hertfordshire survey, as shipped."""
    return load_survey()


@pytest.fixture
def resident(survey: Survey) -> Resident:
    """A resident who has just opened the chat."""
    return Resident(survey)
