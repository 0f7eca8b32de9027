"""The settings are read once from the environment, typed, checked, and keep their secrets."""

from __future__ import annotations

import logging

import pytest

from bot.review import ReviewConfig
from bot.settings import DEVELOPMENT_SECRET, Settings, SettingsError
from dialogs.loader import DEFAULT_SURVEY

SECRETS = {
    "MicrosoftAppPassword": "app-password-that-must-stay-hidden",
    "RESIDENT_HASH_KEY": "resident-hash-key-that-must-stay-hidden-0",
    "SESSION_SECRET": "session-secret-that-must-stay-hidden-00000",
    "DIRECT_LINE_SECRET": "direct-line-secret-that-must-stay-hidden",
}
DATABASE_PASSWORD = "database-password-that-must-stay-hidden"


def from_env(monkeypatch: pytest.MonkeyPatch, **variables: str) -> Settings:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return Settings.from_env()


def test_with_nothing_set_the_defaults_are_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = from_env(monkeypatch)
    assert settings.survey_file == DEFAULT_SURVEY
    assert (settings.review_idle_minutes, settings.webchat_resume_hours) == (30, 24)
    assert settings.one_response_per_resident is True
    assert settings.trusted_proxies == ()
    assert settings.webchat_bundle is None
    assert not settings.auth_enabled


def test_values_from_the_environment_are_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = from_env(
        monkeypatch,
        REVIEW_IDLE_MINUTES="5",
        ONE_RESPONSE_PER_RESIDENT="false",
        TRUSTED_PROXIES="10.0.0.1, 10.0.0.2,",
        ALLOWED_ORIGINS="https://www.herts.police.uk/, https://example.org",
        ACCESSIBILITY_CONTACT="access@example.org, 01234 567890",
        MicrosoftAppType="singletenant",
        MicrosoftAppId="app",
        MicrosoftAppTenantId="tenant",
        MicrosoftAppPassword="secret",
        LOG_LEVEL="debug",
    )
    assert settings.review_idle_minutes == 5
    assert settings.one_response_per_resident is False
    assert settings.trusted_proxies == ("10.0.0.1", "10.0.0.2")
    assert settings.allowed_origins == ("https://www.herts.police.uk", "https://example.org")
    assert settings.accessibility_contact == ("access@example.org", "01234 567890")
    assert (settings.app_type, settings.log_level) == ("SingleTenant", "DEBUG")


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("SURVEY_BOT_ENV", "staging", "must be development, production or test"),
        ("REVIEW_IDLE_MINUTES", "0", "must be a whole number, 1 or more"),
        ("REVIEW_LOCK_MINUTES", "ten", "must be a whole number, 1 or more"),
        ("CONVERSATIONS_PER_ADDRESS_PER_HOUR", "-1", "must be a whole number, 1 or more"),
        ("WEBCHAT_RESUME_HOURS", "1.5", "must be a whole number of hours, or 0"),
        ("TRANSCRIPT_DAYS", "ninety", "must be a whole number of days"),
        ("ONE_RESPONSE_PER_RESIDENT", "maybe", "must be true or false"),
        ("BOT_CLOUD", "china", "must be public or us-government"),
        ("MicrosoftAppType", "Federated", "must be MultiTenant, SingleTenant or UserAssignedMSI"),
        ("LOG_LEVEL", "LOUD", "must be DEBUG, INFO, WARNING or ERROR"),
        ("TRUSTED_PROXIES", "10.0.0.1, proxy.internal", "'proxy.internal' is not one"),
        ("ALLOWED_ORIGINS", "www.herts.police.uk", "must list web origins"),
        ("PUBLIC_URL", "survey.example.org", "must be a web address"),
        ("LEAVE_SITE_URL", "", "LEAVE_SITE_URL"),
        ("BOT_LOGIN_URL", "http://login.example.org", "must be an https:// address"),
        ("SURVEY_FILE", "no-such-survey.toml", "does not exist"),
        ("POPULATION_FILE", "no-such-population.toml", "set it empty"),
    ],
)
def test_an_unusable_value_stops_start_up_naming_its_variable(
    variable: str, value: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SettingsError) as raised:
        from_env(monkeypatch, **{variable: value})
    assert str(raised.value).startswith(variable)
    assert says in str(raised.value)


def test_production_refuses_the_placeholder_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match="RESIDENT_HASH_KEY must be set to a random secret"):
        from_env(monkeypatch, SURVEY_BOT_ENV="production")
    with pytest.raises(SettingsError, match="SESSION_SECRET must be set to a random secret"):
        from_env(monkeypatch, SURVEY_BOT_ENV="production", RESIDENT_HASH_KEY="k" * 40)
    strong = from_env(monkeypatch, SESSION_SECRET="s" * 40)
    assert strong.environment == "production"


@pytest.mark.parametrize(
    ("variables", "says"),
    [
        ({"MicrosoftAppType": "SingleTenant", "MicrosoftAppId": "app"}, "MicrosoftAppTenantId"),
        ({"MicrosoftAppType": "UserAssignedMSI", "MicrosoftAppTenantId": "t"}, "MicrosoftAppId"),
        ({"MicrosoftAppId": "app"}, "MicrosoftAppPassword must be set"),
    ],
)
def test_a_bot_identity_missing_a_part_stops_start_up(
    variables: dict[str, str], says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SettingsError, match=says):
        from_env(monkeypatch, **variables)


def test_a_managed_identity_needs_no_password(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = from_env(
        monkeypatch,
        MicrosoftAppType="UserAssignedMSI",
        MicrosoftAppId="app",
        MicrosoftAppTenantId="tenant",
    )
    assert settings.auth_enabled


def test_secrets_show_in_no_repr_str_or_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = from_env(
        monkeypatch,
        **SECRETS,
        MicrosoftAppId="app",
        DATABASE_URL=f"postgresql://survey:{DATABASE_PASSWORD}@db.internal/survey",
    )
    caplog.set_level(logging.DEBUG)
    logging.getLogger(__name__).info("settings %s %r", settings, settings)
    review = ReviewConfig.from_settings(settings)
    shown = [repr(settings), str(settings), caplog.text, repr(review), str(review)]
    for secret in [*SECRETS.values(), DATABASE_PASSWORD]:
        assert not [text for text in shown if secret in text], secret
    assert "postgresql://survey:***@db.internal/survey" in repr(settings)
    assert settings.app_password.get_secret_value() == SECRETS["MicrosoftAppPassword"]


def test_a_refused_secret_is_not_repeated_in_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    weak = "weak-but-private"
    with pytest.raises(SettingsError) as raised:
        from_env(monkeypatch, SURVEY_BOT_ENV="production", RESIDENT_HASH_KEY=weak)
    assert weak not in str(raised.value)


def test_the_settings_go_to_a_child_process_and_back_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = from_env(monkeypatch, **SECRETS, TRUSTED_PROXIES="10.0.0.1", WEBCHAT_BUNDLE="")
    for name, value in first.to_env().items():
        monkeypatch.setenv(name, value)
    assert Settings.from_env() == first


def test_a_change_is_checked_like_the_environment() -> None:
    settings = Settings()
    assert settings.replace(review_idle_minutes="5").review_idle_minutes == 5
    with pytest.raises(SettingsError, match="REVIEW_IDLE_MINUTES"):
        settings.replace(review_idle_minutes=0)
    assert settings.session_secret.get_secret_value() == DEVELOPMENT_SECRET
