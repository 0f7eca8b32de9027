"""The survey file is checked strictly, with every problem named and placed."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from dialogs.loader import DEFAULT_SURVEY, SurveyFileError, parse_survey
from dialogs.schema import Kind

SOURCE = DEFAULT_SURVEY.read_text(encoding="utf-8")


def problems(source: str) -> list[str]:
    with pytest.raises(SurveyFileError) as caught:
        parse_survey(source, "survey.toml")
    return [p.describe("survey.toml") for p in caught.value.problems]


def test_the_shipped_survey_loads_with_its_loop_and_kinds() -> None:
    survey = parse_survey(SOURCE)
    assert survey.id == "herts-non-emergency-contact"
    kinds = {q.kind for q in survey.questions}
    assert {Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.SCALE, Kind.YES_NO} <= kinds
    assert survey.question("ease").for_each == "channels"


def test_an_unknown_key_is_named_with_its_line() -> None:
    source = SOURCE.replace('short = "Age"', 'short = "Age"\nlabl = "oops"')
    [found] = problems(source)
    assert 'unknown key "labl"' in found
    assert 'id "age_band"' in found
    assert found.startswith("survey.toml:")


def test_a_duplicate_id_is_an_error() -> None:
    source = SOURCE.replace('id = "changes_why"', 'id = "changes"').replace(
        'when = { question = "changes", answered = true }\ntext = "Why', 'text = "Why'
    )
    assert any("used by an earlier question" in p for p in problems(source))


def test_a_condition_on_a_later_question_is_unreachable() -> None:
    source = SOURCE.replace(
        'when = { question = "video_interest", answered = true }',
        'when = { question = "district", answered = true }',
    )
    assert any("could never be asked" in p for p in problems(source))


def test_a_condition_naming_a_missing_option_is_dangling() -> None:
    source = SOURCE.replace(
        'when = { question = "channels", some_unchosen = true }',
        'when = { question = "channels", includes = ["carrier_pigeon"] }',
    )
    assert any('option "carrier_pigeon"' in p for p in problems(source))


def test_an_unknown_kind_lists_the_kinds() -> None:
    source = SOURCE.replace('kind = "statement"', 'kind = "essay"')
    [found] = problems(source)
    assert 'unknown kind "essay"' in found
    assert "free_text" in found


def test_an_unknown_placeholder_is_an_error() -> None:
    source = SOURCE.replace("How old are you?", "How old are you, {name}?")
    assert any("{name} cannot be filled in" in p for p in problems(source))


def test_every_problem_is_reported_at_once() -> None:
    source = SOURCE.replace('kind = "statement"', 'kind = "essay"').replace(
        'short = "Age"', 'short = "Age"\nlabl = "oops"'
    )
    assert len(problems(source)) == 2


def test_check_survey_exits_non_zero_and_prints_every_problem(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(SOURCE.replace('kind = "statement"', 'kind = "essay"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["check-survey", str(broken)])
    assert result.exit_code != 0
    assert 'unknown kind "essay"' in result.output


def test_check_survey_passes_the_shipped_survey() -> None:
    result = CliRunner().invoke(main, ["check-survey", str(DEFAULT_SURVEY)])
    assert result.exit_code == 0, result.output
    assert "No problems found" in result.output


def test_the_accessibility_facts_are_read_with_their_links_filled_in() -> None:
    facts = parse_survey(SOURCE).accessibility
    assert facts is not None
    assert (facts.standard, facts.compliance) == ("WCAG 2.2 AA", "partially")
    assert facts.contact == ("https://www.hertscommissioner.org/contact-us",)
    assert facts.checked >= facts.prepared
    assert facts.known_problems
    assert facts.tested


def test_wrong_accessibility_facts_are_each_named() -> None:
    source = (
        SOURCE.replace('compliance = "partially"', 'compliance = "mostly"')
        .replace('contact = ["{contact_pcc}"]', 'contact = ["{accessibility_team}"]')
        .replace('respond_within = "5 working days"\n', 'respond_wthin = "5 working days"\n')
        .replace("checked = 2026-12-02", 'checked = "last week"')
    )
    found = problems(source)
    assert any("[accessibility] compliance" in p and "fully, partially or not" in p for p in found)
    assert any("{accessibility_team} cannot be filled in" in p for p in found)
    assert any('unknown key "respond_wthin"' in p for p in found)
    assert any('"respond_within" is missing' in p for p in found)
    assert any("[accessibility] checked" in p and "2026-12-02" in p for p in found)


def test_a_survey_cannot_be_checked_before_its_statement_was_written() -> None:
    source = SOURCE.replace("checked = 2026-12-02", "checked = 2026-01-01")
    assert any("before the statement was prepared" in p for p in problems(source))


def test_a_survey_file_may_leave_the_statement_out() -> None:
    start = SOURCE.index("[accessibility]")
    source = SOURCE[:start] + SOURCE[SOURCE.index("[safety]") :]
    assert parse_survey(source).accessibility is None
