"""A resident talking to the engine, for conversation-script tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dialogs import engine, flow
from dialogs.redact import redact
from dialogs.safety import Scores
from dialogs.schema import Survey

DURING = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class Resident:
    """Says things to the survey and remembers what it said back and recorded."""

    def __init__(self, survey: Survey, now: datetime = DURING, classifier: Any = None) -> None:
        self.survey = survey
        # Anything with `predict(text) -> Scores`: the learned safety classifier, or a stand-in.
        self.classifier = classifier
        self.now = now
        self.outcome = engine.start(survey, now)
        self.state = self.outcome.state
        self.recorded: dict[str, Any] = {}
        self.events: dict[str, Any] = {}

    def says(self, *texts: str) -> Resident:
        """Send each text in turn."""
        for text in texts:
            scores: Scores | None = None
            if self.classifier is not None and engine.needs_scores(self.survey, text):
                scores = self.classifier.predict(text)
            incoming = engine.Incoming(
                text, self.now, "REF23456", redacted=redact(text), scores=scores
            )
            self.outcome = engine.turn(self.survey, self.state, incoming)
            self.state = self.outcome.state
            for record in self.outcome.record:
                self.recorded[flow.key((record["question"], record["item"]))] = record["value"]
            for position in self.outcome.forget:
                self.recorded.pop(flow.key(position), None)
            self.events.update(self.outcome.events)
        return self

    @property
    def heard(self) -> str:
        """Everything the bot said in the last turn, as one text."""
        parts = []
        for message in self.outcome.messages:
            parts.append(message["text"])
            parts += [
                f"{r['number']}. {r['question']}: {r['answer']}" for r in message.get("rows", [])
            ]
        return "\n".join(parts)

    @property
    def asked(self) -> str | None:
        """The id of the question the bot is waiting on, if any."""
        at = self.state.get("at")
        return at[0] if at and self.state["phase"] == "asking" else None

    @property
    def phase(self) -> str:
        """Where the conversation stands."""
        return str(self.state["phase"])
