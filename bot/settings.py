"""Settings: read once from the environment, checked, then passed to `create_app`.

Every field has help text; the README's settings table lists them all (a test
checks that). Outside development, placeholder secrets are refused at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from bot.review.config import DEFAULT_POPULATION
from dialogs.loader import DEFAULT_SURVEY

DEVELOPMENT_SECRET = "development-only-secret"


class SettingsError(ValueError):
    """A setting that is missing or unusable, with what to do about it."""


def _setting(env: str, default: str, help_text: str) -> str:
    return field(default=default, metadata={"env": env, "help": help_text})


@dataclass(frozen=True)
class Settings:
    """Everything survey-bot can be told, each with its environment variable."""

    environment: str = _setting(
        "SURVEY_BOT_ENV",
        "development",
        "development or production. Production refuses placeholder secrets.",
    )
    database_url: str = _setting(
        "DATABASE_URL",
        "sqlite:///data/survey-bot.db",
        "Where to keep everything: sqlite:///path or postgresql://user@host/db.",
    )
    survey_file: str = _setting(
        "SURVEY_FILE", str(DEFAULT_SURVEY), "The survey file (TOML) the bot asks."
    )
    public_url: str = _setting(
        "PUBLIC_URL",
        "",
        "The address residents reach the server at, such as https://survey.example.org. "
        "Used for the Direct Line stream URL; empty means the address of each request.",
    )
    app_id: str = _setting(
        "MicrosoftAppId",
        "",
        "The Azure Bot's app id. When set, /api/messages requires Bot Framework tokens.",
    )
    app_password: str = _setting("MicrosoftAppPassword", "", "The Azure Bot's client secret.")
    app_type: str = _setting(
        "MicrosoftAppType", "MultiTenant", "MultiTenant, SingleTenant or UserAssignedMSI."
    )
    app_tenant_id: str = _setting(
        "MicrosoftAppTenantId", "", "The tenant id, for SingleTenant and UserAssignedMSI bots."
    )
    openid_metadata_url: str = _setting(
        "BOT_OPENID_METADATA_URL",
        "",
        "Where to read the keys that sign channel tokens. Empty means the cloud's own; "
        "set it for tests.",
    )
    bot_cloud: str = _setting(
        "BOT_CLOUD",
        "public",
        "public or us-government: the Azure cloud of the bot's channels, which sets the token "
        "issuer, the key metadata and the login address.",
    )
    bot_login_url: str = _setting(
        "BOT_LOGIN_URL",
        "",
        "Where the bot gets its own token for sending replies. Empty means the cloud's Azure AD; "
        "set it for tests.",
    )
    resident_hash_key: str = _setting(
        "RESIDENT_HASH_KEY",
        DEVELOPMENT_SECRET,
        "Secret key for the keyed hash that stands in for channel user ids.",
    )
    session_secret: str = _setting(
        "SESSION_SECRET",
        DEVELOPMENT_SECRET,
        "Secret key that signs staff sessions and web chat tokens (32 characters or more).",
    )
    review_idle_minutes: str = _setting(
        "REVIEW_IDLE_MINUTES",
        "30",
        "Minutes without activity after which staff must log in to the review site again.",
    )
    review_session_hours: str = _setting(
        "REVIEW_SESSION_HOURS",
        "8",
        "Hours after logging in at which a staff session on the review site ends, however busy.",
    )
    review_max_failed_logins: str = _setting(
        "REVIEW_MAX_FAILED_LOGINS",
        "5",
        "Wrong passwords in a row after which a staff account is locked for a while.",
    )
    review_lock_minutes: str = _setting(
        "REVIEW_LOCK_MINUTES",
        "15",
        "Minutes a staff account stays locked after too many wrong passwords.",
    )
    review_max_failed_logins_per_address: str = _setting(
        "REVIEW_MAX_FAILED_LOGINS_PER_ADDRESS",
        "20",
        "Failed staff logins from one address, over any accounts, within REVIEW_LOCK_MINUTES, "
        "after which that address must wait.",
    )
    trusted_proxies: str = _setting(
        "TRUSTED_PROXIES",
        "",
        "Comma-separated addresses of the reverse proxies in front of the server. Only from "
        "these is X-Forwarded-For believed, for limits per client address; empty trusts none.",
    )
    conversations_per_address_per_hour: str = _setting(
        "CONVERSATIONS_PER_ADDRESS_PER_HOUR",
        "120",
        "New web chat conversations one client address may start in an hour.",
    )
    direct_line_secret: str = _setting(
        "DIRECT_LINE_SECRET",
        "",
        "Secret the force website's back end uses to mint web chat tokens. Empty turns that off.",
    )
    allowed_origins: str = _setting(
        "ALLOWED_ORIGINS",
        "",
        "Comma-separated web origins allowed to embed the web chat, such as "
        "https://www.herts.police.uk.",
    )
    privacy_notice_url: str = _setting(
        "PRIVACY_NOTICE_URL",
        "",
        "The privacy notice linked from the web chat page. Empty means the survey file's "
        "privacy_notice link.",
    )
    accessibility_contact: str = _setting(
        "ACCESSIBILITY_CONTACT",
        "",
        "Comma-separated ways to ask for the survey in another format, shown on the "
        "accessibility statement: emails, phone numbers or web addresses. Empty means the "
        "survey file's [accessibility] contact.",
    )
    leave_site_url: str = _setting(
        "LEAVE_SITE_URL",
        "https://www.bbc.co.uk/weather",
        "Where the web chat page's Leave this site quickly button goes: a neutral site.",
    )
    webchat_bundle: str = _setting(
        "WEBCHAT_BUNDLE",
        "",
        "The Web Chat script (webchat.js) served to browsers. Empty means the copy installed "
        "from npm in node_modules.",
    )
    webchat_resume_hours: str = _setting(
        "WEBCHAT_RESUME_HOURS",
        "24",
        "Hours a resident can close the survey page and carry on in the same browser; "
        "Leave this site quickly wipes it. 0 keeps it to the open tab.",
    )
    one_response_per_resident: str = _setting(
        "ONE_RESPONSE_PER_RESIDENT",
        "true",
        "true: a resident who has completed the survey is thanked, not asked again.",
    )
    population_file: str = _setting(
        "POPULATION_FILE",
        str(DEFAULT_POPULATION),
        "The population figures (TOML) the staff site weights results to: counts by district, "
        "age band and sex, with their source. Empty turns weighting off.",
    )
    transcript_days: str = _setting(
        "TRANSCRIPT_DAYS", "90", "Days to keep chat transcripts; structured answers stay."
    )
    abandoned_days: str = _setting(
        "ABANDONED_DAYS", "30", "Days to keep responses that were started but not completed."
    )
    log_level: str = _setting("LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR.")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: str) -> Settings:
        """Settings from environment variables (and overrides), checked."""
        env = os.environ if env is None else env
        values = {f.name: env[f.metadata["env"]] for f in fields(cls) if f.metadata["env"] in env}
        values.update(overrides)
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        """Fail fast on settings that cannot work."""
        if self.environment not in ("development", "production", "test"):
            raise SettingsError("SURVEY_BOT_ENV must be development, production or test.")
        if self.environment == "production":
            for name in ("resident_hash_key", "session_secret"):
                secret = getattr(self, name)
                if secret == DEVELOPMENT_SECRET or len(secret) < 32:
                    env = _env_name(name)
                    raise SettingsError(
                        f"{env} must be set to a random secret of 32 characters or more in "
                        f"production, for example: python -c 'import secrets; "
                        f"print(secrets.token_urlsafe(32))'"
                    )
        if self.bot_cloud not in ("public", "us-government"):
            raise SettingsError("BOT_CLOUD must be public or us-government.")
        if not self.webchat_resume_hours.isdigit():
            raise SettingsError("WEBCHAT_RESUME_HOURS must be a whole number of hours, or 0.")
        for name in ("transcript_days", "abandoned_days"):
            if not getattr(self, name).isdigit():
                raise SettingsError(f"{_env_name(name)} must be a whole number of days.")
        for name in (
            "review_idle_minutes",
            "review_session_hours",
            "review_max_failed_logins",
            "review_lock_minutes",
            "review_max_failed_logins_per_address",
            "conversations_per_address_per_hour",
        ):
            if not getattr(self, name).isdigit() or int(getattr(self, name)) < 1:
                raise SettingsError(f"{_env_name(name)} must be a whole number, 1 or more.")
        if not Path(self.survey_file).is_file():
            raise SettingsError(f"SURVEY_FILE {self.survey_file} does not exist.")
        if self.population_file and not Path(self.population_file).is_file():
            raise SettingsError(
                f"POPULATION_FILE {self.population_file} does not exist. Point it at a "
                "population file, or set it empty to show the results unweighted."
            )

    @property
    def auth_enabled(self) -> bool:
        """Whether /api/messages requires Bot Framework tokens."""
        return bool(self.app_id)

    @property
    def origins(self) -> list[str]:
        """The allowed web origins, as a list."""
        return [o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip()]


def _env_name(name: str) -> str:
    for f in fields(Settings):
        if f.name == name:
            return str(f.metadata["env"])
    raise KeyError(name)


def documented() -> list[tuple[str, str, str]]:
    """(environment variable, default, help) for every setting, for the README."""
    return [(f.metadata["env"], str(f.default), f.metadata["help"]) for f in fields(Settings)]
