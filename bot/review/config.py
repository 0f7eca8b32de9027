"""What the review site is told: its settings and the survey's codebook, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import SecretStr

MIN_SECRET_LENGTH = 32
# Hertfordshire's Census 2021 figures, shipped with the site; POPULATION_FILE can replace them.
DEFAULT_POPULATION = Path(__file__).parent / "data" / "herts-population.toml"


class ReviewSettings(Protocol):
    """The settings the review site reads (the bot's settings have them all)."""

    @property
    def environment(self) -> str: ...
    @property
    def session_secret(self) -> SecretStr: ...
    @property
    def review_idle_minutes(self) -> int: ...
    @property
    def review_session_hours(self) -> int: ...
    @property
    def review_max_failed_logins(self) -> int: ...
    @property
    def review_lock_minutes(self) -> int: ...
    @property
    def review_max_failed_logins_per_address(self) -> int: ...
    @property
    def population_file(self) -> Path | None: ...


class UnsafeSecret(ValueError):  # noqa: N818 (the name says what happened)
    """The session secret is missing or a placeholder where real people log in."""


@dataclass(frozen=True)
class ReviewConfig:
    """How the review site behaves."""

    session_secret: str = field(repr=False)
    environment: str = "development"
    idle_minutes: int = 30
    session_hours: int = 8
    max_failed_logins: int = 5
    lock_minutes: int = 15
    # Failed logins from one address, over any accounts, within lock_minutes.
    max_failed_logins_per_address: int = 20
    timezone: str = "Europe/London"
    # Questions the results are broken down by, where the survey has them.
    breakdowns: tuple[str, ...] = ("district", "age_band", "sex")
    page_size: int = 50
    # The public accessibility statement, linked from every page; empty when there is none.
    accessibility_url: str = ""
    # The population the results are weighted to (see `population`); empty: no weighting.
    population_file: str = str(DEFAULT_POPULATION)

    @classmethod
    def from_settings(cls, settings: ReviewSettings, **overrides: Any) -> ReviewConfig:
        """The review site's part of the bot's settings."""
        values: dict[str, Any] = {
            "session_secret": settings.session_secret.get_secret_value(),
            "environment": settings.environment,
            "idle_minutes": settings.review_idle_minutes,
            "session_hours": settings.review_session_hours,
            "max_failed_logins": settings.review_max_failed_logins,
            "lock_minutes": settings.review_lock_minutes,
            "max_failed_logins_per_address": settings.review_max_failed_logins_per_address,
            "population_file": str(settings.population_file or ""),
            **overrides,
        }
        return cls(**values)

    @property
    def production_like(self) -> bool:
        """Anywhere but a developer's machine."""
        return self.environment != "development"

    def check(self) -> None:
        """Refuse to run with an empty secret, or a short or placeholder one outside development."""
        if not self.session_secret:
            raise UnsafeSecret("SESSION_SECRET is empty: staff sessions cannot be signed.")
        if self.production_like and len(self.session_secret) < MIN_SECRET_LENGTH:
            raise UnsafeSecret(
                f"SESSION_SECRET must be a random secret of {MIN_SECRET_LENGTH} characters or "
                f"more outside development (SURVEY_BOT_ENV is {self.environment})."
            )


@dataclass(frozen=True)
class Questions:
    """The survey's codebook with the look-ups the site needs."""

    codebook: dict[str, Any]
    columns: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", list(self.codebook.get("columns", [])))

    @property
    def survey(self) -> str:
        """The survey's id."""
        return str(self.codebook.get("survey", ""))

    @property
    def title(self) -> str:
        """The survey's title."""
        return str(self.codebook.get("title", ""))

    def column(self, name: str) -> dict[str, Any] | None:
        """The column with this name ("district", "ease[call_101]"), if any."""
        return next((c for c in self.columns if c["name"] == name), None)

    def label(self, question_id: str) -> str:
        """How a question reads in a table heading: its short label, or its id."""
        for column in self.columns:
            if column["question"] == question_id:
                label = str(column["label"])
                if column["item"] and ": " in label:
                    # "calling 101: how easy" -> "How easy"
                    rest = label.split(": ", 1)[1]
                    label = rest[:1].upper() + rest[1:]
                return label
        return question_id

    def top_level(self, *kinds: str) -> list[dict[str, Any]]:
        """Columns of questions asked once (not per loop option), of these kinds."""
        return [c for c in self.columns if not c["item"] and c["kind"] in kinds]

    def looped(self, kind: str) -> dict[str, list[dict[str, Any]]]:
        """Loop questions of a kind: question id -> its columns, one per option."""
        found: dict[str, list[dict[str, Any]]] = {}
        for column in self.columns:
            if column["item"] and column["kind"] == kind:
                found.setdefault(column["question"], []).append(column)
        return found

    def item_label(self, item: str) -> str:
        """The label of a loop option, from the question whose options the loop goes over."""
        for column in self.top_level("multiple_choice"):
            if item in column["values"]:
                return str(column["values"][item])
        return item

    def filterable(self) -> list[dict[str, Any]]:
        """Questions staff can filter responses by: those answered by choosing, asked once."""
        return self.top_level("single_choice", "multiple_choice", "yes_no")

    def follow_up_of(self, question_id: str) -> str:
        """The follow-up question asked after a vague answer to this one, or ""."""
        for column in self.columns:
            if column.get("follows_up") == question_id:
                return str(column["question"])
        return ""

    def free_text(self) -> list[dict[str, Any]]:
        """One entry per free-text question (loop questions once, not per option)."""
        seen: dict[str, dict[str, Any]] = {}
        for column in self.columns:
            if column["kind"] == "free_text" and column["question"] not in seen:
                seen[column["question"]] = column
        return list(seen.values())
