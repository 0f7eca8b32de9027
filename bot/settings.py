"""Settings: read once from the environment at start-up, typed and checked, then handed on.

One pydantic-settings class. Every field names its environment variable and
carries help text; the README's settings table lists every field with its
default, and nothing else (a test checks both ways). A value that cannot work
stops the server at start-up with a message naming the variable. Secrets are
`SecretStr`: any repr, str or log line shows them as asterisks, and the code
that needs one asks for it with `get_secret_value()` where it is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    NonNegativeInt,
    PositiveInt,
    SecretStr,
    ValidationError,
)
from pydantic import model_validator as checks
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.review.config import DEFAULT_POPULATION, MIN_SECRET_LENGTH
from bot.setting_values import (
    CommaList,
    OptionalPath,
    WebAddress,
    https_address,
    ip_addresses,
    one_of,
    web_address,
    web_origins,
)
from dialogs.loader import DEFAULT_SURVEY

DEVELOPMENT_SECRET = "development-only-secret"
APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A setting that is missing or unusable, with what to do about it."""


def _setting(env: str, default: Any, help_text: str, *, shown: str = "", problem: str = "") -> Any:
    """A field read from the environment variable `env`.

    `shown` is how the README shows a default that is not worth spelling out (a path
    inside the package); `problem` is what the start-up message says about a bad value.
    """
    extra: dict[str, Any] = {"shown": shown, "problem": problem}
    return Field(default, validation_alias=env, description=help_text, json_schema_extra=extra)


class Settings(BaseSettings):
    """Everything survey-bot can be told, each with its environment variable."""

    model_config = SettingsConfigDict(
        case_sensitive=True, frozen=True, extra="forbid", validate_by_name=True
    )

    environment: Literal["development", "production", "test"] = _setting(
        "SURVEY_BOT_ENV",
        "development",
        "development or production. Production refuses placeholder secrets.",
        problem="must be development, production or test",
    )
    database_url: str = _setting(
        "DATABASE_URL",
        "sqlite:///data/survey-bot.db",
        "Where to keep everything: sqlite:///path or postgresql://user@host/db.",
    )
    survey_file: Path = _setting(
        "SURVEY_FILE",
        DEFAULT_SURVEY,
        "The survey file (TOML) the bot asks.",
        shown="(the Hertfordshire survey)",
    )
    public_url: WebAddress = _setting(
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
    app_password: SecretStr = _setting(
        "MicrosoftAppPassword",
        SecretStr(""),
        "The Azure Bot's client secret, for MultiTenant and SingleTenant bots.",
    )
    app_type: Annotated[
        Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"], one_of(APP_TYPES)
    ] = _setting(
        "MicrosoftAppType",
        "MultiTenant",
        "MultiTenant, SingleTenant or UserAssignedMSI (the bot's own managed identity).",
        problem="must be MultiTenant, SingleTenant or UserAssignedMSI",
    )
    app_tenant_id: str = _setting(
        "MicrosoftAppTenantId", "", "The tenant id, for SingleTenant and UserAssignedMSI bots."
    )
    openid_metadata_url: WebAddress = _setting(
        "BOT_OPENID_METADATA_URL",
        "",
        "Where to read the keys that sign channel tokens. Empty means the cloud's own; "
        "set it for tests.",
    )
    bot_cloud: Literal["public", "us-government"] = _setting(
        "BOT_CLOUD",
        "public",
        "public or us-government: the Azure cloud of the bot's channels, which sets the token "
        "issuer, the key metadata and the login address.",
        problem="must be public or us-government",
    )
    bot_login_url: Annotated[str, AfterValidator(https_address)] = _setting(
        "BOT_LOGIN_URL",
        "",
        "Where a bot with a client secret gets its own token for sending replies (https). "
        "Empty means the cloud's Azure AD; set it for tests.",
    )
    resident_hash_key: SecretStr = _setting(
        "RESIDENT_HASH_KEY",
        SecretStr(DEVELOPMENT_SECRET),
        "Secret key for the keyed hash that stands in for channel user ids.",
    )
    session_secret: SecretStr = _setting(
        "SESSION_SECRET",
        SecretStr(DEVELOPMENT_SECRET),
        "Secret key that signs staff sessions and web chat tokens (32 characters or more).",
    )
    review_idle_minutes: PositiveInt = _setting(
        "REVIEW_IDLE_MINUTES",
        30,
        "Minutes without activity after which staff must log in to the review site again.",
        problem="must be a whole number, 1 or more",
    )
    review_session_hours: PositiveInt = _setting(
        "REVIEW_SESSION_HOURS",
        8,
        "Hours after logging in at which a staff session on the review site ends, however busy.",
        problem="must be a whole number, 1 or more",
    )
    review_max_failed_logins: PositiveInt = _setting(
        "REVIEW_MAX_FAILED_LOGINS",
        5,
        "Wrong passwords in a row after which a staff account is locked for a while.",
        problem="must be a whole number, 1 or more",
    )
    review_lock_minutes: PositiveInt = _setting(
        "REVIEW_LOCK_MINUTES",
        15,
        "Minutes a staff account stays locked after too many wrong passwords.",
        problem="must be a whole number, 1 or more",
    )
    review_max_failed_logins_per_address: PositiveInt = _setting(
        "REVIEW_MAX_FAILED_LOGINS_PER_ADDRESS",
        20,
        "Failed staff logins from one address, over any accounts, within REVIEW_LOCK_MINUTES, "
        "after which that address must wait.",
        problem="must be a whole number, 1 or more",
    )
    trusted_proxies: Annotated[CommaList, AfterValidator(ip_addresses)] = _setting(
        "TRUSTED_PROXIES",
        (),
        "Comma-separated IP addresses of the reverse proxies in front of the server. Only from "
        "these is X-Forwarded-For believed, for limits per client address; empty trusts none.",
    )
    conversations_per_address_per_hour: PositiveInt = _setting(
        "CONVERSATIONS_PER_ADDRESS_PER_HOUR",
        120,
        "New web chat conversations one client address may start in an hour.",
        problem="must be a whole number, 1 or more",
    )
    direct_line_secret: SecretStr = _setting(
        "DIRECT_LINE_SECRET",
        SecretStr(""),
        "Secret the force website's back end uses to mint web chat tokens. Empty turns that off.",
    )
    allowed_origins: Annotated[CommaList, AfterValidator(web_origins)] = _setting(
        "ALLOWED_ORIGINS",
        (),
        "Comma-separated web origins allowed to embed the web chat, such as "
        "https://www.herts.police.uk.",
    )
    privacy_notice_url: WebAddress = _setting(
        "PRIVACY_NOTICE_URL",
        "",
        "The privacy notice linked from the web chat page. Empty means the survey file's "
        "privacy_notice link.",
    )
    accessibility_contact: CommaList = _setting(
        "ACCESSIBILITY_CONTACT",
        (),
        "Comma-separated ways to ask for the survey in another format, shown on the "
        "accessibility statement: emails, phone numbers or web addresses. Empty means the "
        "survey file's [accessibility] contact.",
    )
    leave_site_url: Annotated[str, Field(min_length=1), AfterValidator(web_address)] = _setting(
        "LEAVE_SITE_URL",
        "https://www.bbc.co.uk/weather",
        "Where the web chat page's Leave this site quickly button goes: a neutral site.",
    )
    webchat_bundle: OptionalPath = _setting(
        "WEBCHAT_BUNDLE",
        None,
        "The Web Chat script (webchat.js) served to browsers. Empty means the copy installed "
        "from npm in node_modules.",
    )
    webchat_resume_hours: NonNegativeInt = _setting(
        "WEBCHAT_RESUME_HOURS",
        24,
        "Hours a resident can close the survey page and carry on in the same browser; "
        "Leave this site quickly wipes it. 0 keeps it to the open tab.",
        problem="must be a whole number of hours, or 0",
    )
    one_response_per_resident: bool = _setting(
        "ONE_RESPONSE_PER_RESIDENT",
        True,
        "true: a resident who has completed the survey is thanked, not asked again.",
        problem="must be true or false",
    )
    population_file: OptionalPath = _setting(
        "POPULATION_FILE",
        DEFAULT_POPULATION,
        "The population figures (TOML) the staff site weights results to: counts by district, "
        "age band and sex, with their source. Empty turns weighting off.",
        shown="(Hertfordshire's Census 2021 figures)",
    )
    transcript_days: NonNegativeInt = _setting(
        "TRANSCRIPT_DAYS",
        90,
        "Days to keep chat transcripts; structured answers stay.",
        problem="must be a whole number of days",
    )
    abandoned_days: NonNegativeInt = _setting(
        "ABANDONED_DAYS",
        30,
        "Days to keep responses that were started but not completed.",
        problem="must be a whole number of days",
    )
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], one_of(LOG_LEVELS)
    ] = _setting(
        "LOG_LEVEL",
        "INFO",
        "DEBUG, INFO, WARNING or ERROR.",
        problem="must be DEBUG, INFO, WARNING or ERROR",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """What the code passes, then the environment: no .env file, no secrets folder."""
        return (init_settings, env_settings)

    @classmethod
    def from_env(cls) -> Settings:
        """The settings from the environment; `SettingsError` saying what to fix if unusable."""
        try:
            return cls()
        except ValidationError as error:
            raise SettingsError(describe(error)) from None

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed, checked again like the environment."""
        try:
            return type(self)(**{**dict(self), **changes})
        except ValidationError as error:
            raise SettingsError(describe(error)) from None

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables, secrets and all: for a child process."""
        return {env_name(name): _as_env(value) for name, value in self}

    @property
    def auth_enabled(self) -> bool:
        """Whether /api/messages requires Bot Framework tokens."""
        return bool(self.app_id)

    @property
    def safe_database_url(self) -> str:
        """The database URL without its password, to show or log."""
        url = self.database_url
        if "@" in url and "://" in url:
            scheme, rest = url.split("://", 1)
            credentials, host = rest.rsplit("@", 1)
            if ":" in credentials:
                return f"{scheme}://{credentials.split(':')[0]}:***@{host}"
        return url

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """The fields, with the database password hidden (secrets hide themselves)."""
        for name, value in super().__repr_args__():
            yield name, self.safe_database_url if name == "database_url" else value

    @checks(mode="after")
    def _check_files(self) -> Settings:
        if not self.survey_file.is_file():
            raise ValueError(f"SURVEY_FILE {self.survey_file} does not exist.")
        if self.population_file is not None and not self.population_file.is_file():
            raise ValueError(
                f"POPULATION_FILE {self.population_file} does not exist. Point it at a "
                "population file, or set it empty to show the results unweighted."
            )
        return self

    @checks(mode="after")
    def _check_secrets(self) -> Settings:
        if self.environment != "production":
            return self
        for name in ("resident_hash_key", "session_secret"):
            secret = getattr(self, name).get_secret_value()
            if secret == DEVELOPMENT_SECRET or len(secret) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"{env_name(name)} must be set to a random secret of {MIN_SECRET_LENGTH} "
                    "characters or more in production, for example: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(32))'"
                )
        return self

    @checks(mode="after")
    def _check_bot_identity(self) -> Settings:
        """What each kind of Azure Bot needs (botbuilder refuses to start without it too)."""
        kind = self.app_type
        if kind in ("SingleTenant", "UserAssignedMSI") and not (self.app_id and self.app_tenant_id):
            raise ValueError(
                f"MicrosoftAppType is {kind}: set MicrosoftAppId and MicrosoftAppTenantId too."
            )
        if self.app_id and kind != "UserAssignedMSI" and not self.app_password.get_secret_value():
            raise ValueError(
                f"MicrosoftAppPassword must be set: a {kind} bot gets its token for replies "
                "with its client secret. (A bot with a managed identity has "
                "MicrosoftAppType=UserAssignedMSI and no password.)"
            )
        return self


def env_name(name: str) -> str:
    """The environment variable of the field `name`."""
    return str(Settings.model_fields[name].validation_alias)


def _as_env(value: Any) -> str:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(value)
    return "" if value is None else str(value)


def _extra(field: FieldInfo, key: str) -> str:
    extra = field.json_schema_extra
    return str(extra.get(key) or "") if isinstance(extra, dict) else ""


def describe(error: ValidationError) -> str:
    """What is wrong with the settings, one line per problem, each naming its variable.

    A secret's value is never repeated back.
    """
    lines = []
    for problem in error.errors(include_url=False):
        where = str(problem["loc"][0]) if problem["loc"] else ""
        name = next(
            (n for n, f in Settings.model_fields.items() if where in (n, f.validation_alias)), ""
        )
        if not name:  # a check across fields: its message names them
            lines.append(str(problem["ctx"]["error"]) if "ctx" in problem else problem["msg"])
            continue
        field = Settings.model_fields[name]
        if field.annotation is SecretStr:
            lines.append(f"{env_name(name)} {_extra(field, 'problem') or 'is not usable'}.")
            continue
        said = _extra(field, "problem") or str(problem["msg"]).removeprefix("Value error, ")
        lines.append(f"{env_name(name)} {said} (it is {problem['input']!r}).")
    return "\n".join(lines)


def documented() -> list[tuple[str, str, str]]:
    """(environment variable, default as the README shows it, help) for every setting."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = _as_env(field.default)
        shown = _extra(field, "shown") or (f"`{default}`" if default else "(empty)")
        rows.append((env_name(name), shown, str(field.description)))
    return rows
