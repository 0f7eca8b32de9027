"""The README is the front door: it must document every setting and command."""

from pathlib import Path

from bot.cli import main
from bot.settings import documented

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_settings_table() -> None:
    missing = [env for env, _, _ in documented() if f"| `{env}` |" not in README]
    assert missing == [], f"add these settings to the README's table: {missing}"


def test_every_command_is_in_the_readme() -> None:
    missing = [name for name in main.list_commands(None) if f"survey-bot {name}" not in README]
    assert missing == [], f"add these commands to the README: {missing}"


def test_the_readme_shows_the_two_commands() -> None:
    assert "make run" in README
    assert "make test" in README
