"""The README is the front door: it must document every setting and command."""

import re
from pathlib import Path

from bot.cli import main
from bot.settings import documented

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def readme_settings() -> dict[str, tuple[str, str]]:
    """The README's settings table: variable -> (default, what it does), as written."""
    section = README.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.+?) \| (.+) \|$", section, flags=re.MULTILINE)
    return {variable: (default, text) for variable, default, text in rows}


def test_every_setting_is_in_the_readme_settings_table_with_its_default() -> None:
    table = readme_settings()
    missing = [env for env, _, _ in documented() if env not in table]
    assert missing == [], f"add these settings to the README's table: {missing}"
    wrong = {
        env: (table[env][0], default)
        for env, default, _ in documented()
        if table[env][0] != default
    }
    assert wrong == {}, f"the README's default (left) is not the setting's (right): {wrong}"


def test_the_readme_says_what_each_setting_does_as_its_help_does() -> None:
    table = readme_settings()
    differ = [env for env, _, help_text in documented() if not table[env][1].startswith(help_text)]
    assert differ == [], f"the README's text for these differs from the help text: {differ}"


def test_every_row_of_the_readme_settings_table_is_a_setting() -> None:
    known = {env for env, _, _ in documented()}
    extra = [variable for variable in readme_settings() if variable not in known]
    assert extra == [], f"the README lists settings that do not exist: {extra}"


def test_every_command_is_in_the_readme() -> None:
    missing = [name for name in main.list_commands(None) if f"survey-bot {name}" not in README]
    assert missing == [], f"add these commands to the README: {missing}"


def test_the_readme_shows_the_two_commands() -> None:
    assert "make run" in README
    assert "make test" in README
