"""The population file: read, checked, replaceable through a setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.review.config import DEFAULT_POPULATION, Questions
from bot.review.population import PopulationError, load_population
from bot.settings import Settings, SettingsError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "population.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_holds_hertfordshire_adults_by_district_age_and_sex(
    codebook: dict[str, Any],
) -> None:
    population = load_population(DEFAULT_POPULATION, Questions(codebook))
    counts = population.counts()

    assert "Census 2021" in population.source
    assert "TS009" in population.source
    assert set(counts) == {"district", "age_band", "sex"}
    assert len(counts["district"]) == 10
    assert "under_18" not in counts["age_band"]
    # The same people three ways: every margin adds up to the same adults.
    assert {sum(c.values()) for c in counts.values()} == {930_081}
    assert all("TS009" in margin.source for margin in population.margins.values())
    assert population.missing == []


def test_a_file_with_one_margin_weights_on_that_margin_alone(
    tmp_path: Path, codebook: dict[str, Any]
) -> None:
    path = write(tmp_path, '[margins.sex]\nquestion = "sex"\ncounts = { female = 5, male = 4 }\n')

    population = load_population(path, Questions(codebook))

    assert population.counts() == {"sex": {"female": 5, "male": 4}}
    assert population.margins["sex"].share("female") == 55.6


def test_a_margin_for_a_question_the_survey_lacks_is_left_out_and_said_so(
    tmp_path: Path, codebook: dict[str, Any]
) -> None:
    text = '[margins.ward]\nquestion = "ward"\ncounts = { a = 1 }\n'
    text += "[margins.sex]\ncounts = { female = 5, male = 4 }\n"

    population = load_population(write(tmp_path, text), Questions(codebook))

    assert list(population.counts()) == ["sex"]
    assert population.missing == ["The survey has no question 'ward', so it is not weighted on."]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[margins.sex]\ncounts = { woman = 5 }\n", "'woman', which is not an answer to 'sex'"),
        ("[margins.sex]\ncounts = { female = 5.5 }\n", "female must be a whole number"),
        ("[margins.sex]\ncounts = { female = -1 }\n", "female must be a whole number"),
        ('[margins.ages]\nquestion = "visibility"\ncounts = { 1 = 5 }\n', "not a single-choice"),
        ("[margins.sex]\ncounts = []\n", "needs counts"),
        ("[margins.sex]\n", "needs counts"),
        ("[people]\n", "unknown tables people"),
        ("not = [toml", "is not valid TOML"),
    ],
)
def test_a_file_that_cannot_be_used_says_what_to_fix(
    tmp_path: Path, codebook: dict[str, Any], text: str, says: str
) -> None:
    with pytest.raises(PopulationError, match=None) as raised:
        load_population(write(tmp_path, text), Questions(codebook))
    assert says in str(raised.value)


def test_the_setting_points_at_the_shipped_file_and_can_be_emptied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings.from_env().population_file == DEFAULT_POPULATION
    monkeypatch.setenv("POPULATION_FILE", "")
    assert Settings.from_env().population_file is None
    monkeypatch.setenv("POPULATION_FILE", str(tmp_path / "nothing.toml"))
    with pytest.raises(SettingsError, match="POPULATION_FILE"):
        Settings.from_env()
