"""The learned safety classifier: sentence embeddings in, a probability per category out.

Two small networks (one hidden layer of rectified units, then a softmax) trained
by `scripts/train_safety.py` on the corpus in `training/safety/`, stored as
plain numbers in `bot/language/data/safety_model.json`:

- a quick one over WordLlama's static embeddings (about 0.05 ms a message),
  which lets through to the second only messages it cannot rule out;
- the full one over all-MiniLM-L6-v2 and WordLlama together (about 5 ms a
  sentence): an `Ensemble` of networks fitted alike from different random
  starts, their probabilities averaged.

Ordinary answers are two classes, "plain" and "hard" (sharing words with
danger); the probability of "none" is their sum.

The full stage's risk is half the network's and half a nearest-neighbour vote
among the training messages (MiniLM vectors, stored as bytes): two different
kinds of model, whose mistakes differ, so together they make fewer. For the
same reason a message's final risk keeps a fifth of the quick network's
(`QUICK_SHARE`): on cross-validated scores this catches more people at risk
for the same false alarms.

A long answer can hide one alarming sentence among ordinary ones, which an
average over the whole message dilutes. So the full stage also scores each
sentence or clause (`segments`) and keeps the most alarming; it was trained the
same way (multiple-instance learning: see `scripts/train_safety.py`).

Most survey answers stop at the first. The thresholds that turn probabilities
into replies live beside the weights, chosen in training on cross-validated
scores, and are applied by `dialogs.safety.assess`.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from bot.language.minilm import as_f32
from dialogs.safety import Scores

MODEL_FILE = Path(__file__).parent / "data" / "safety_model.json"
NONE = "none"
ORDINARY = ("none_plain", "none_hard")

Array = NDArray[np.float32]
MAX_SEGMENTS = 6
_SEGMENT_BREAK = re.compile(
    r"(?<=[.!?;])\s+|\n+|\s+-\s+"
    r"|,?\s+(?:but|and then|anyway|although|though|except|because|cos|coz)\s+",
    re.IGNORECASE,
)


def segments(text: str) -> list[str]:
    """The sentences and clauses of a longer message (none for a message of one)."""
    parts = [part.strip(" ,.") for part in _SEGMENT_BREAK.split(text)]
    parts = [part for part in parts if len(part.split()) >= 2]
    return parts[:MAX_SEGMENTS] if len(parts) > 1 else []


def _encode(array: Array) -> dict[str, Any]:
    """An array as half-precision numbers in base64: small, exact enough, no pickle."""
    data = np.ascontiguousarray(array, dtype="<f2").tobytes()
    return {"shape": list(array.shape), "f16": base64.b64encode(data).decode()}


def _encode_bytes(array: NDArray[np.int8]) -> dict[str, Any]:
    return {"shape": list(array.shape), "i8": base64.b64encode(array.tobytes()).decode()}


def _decode_bytes(data: dict[str, Any]) -> NDArray[np.int8]:
    raw = np.frombuffer(base64.b64decode(data["i8"]), dtype=np.int8)
    return raw.reshape(data["shape"])


def _decode(data: dict[str, Any]) -> Array:
    raw = np.frombuffer(base64.b64decode(data["f16"]), dtype="<f2")
    return raw.reshape(data["shape"]).astype(np.float32)


class Embedder(Protocol):
    """Anything that turns texts into unit vectors."""

    dimensions: int

    def embed(self, texts: list[str]) -> Array:
        """One row per text."""


def quick_features(wordllama: Embedder, texts: list[str]) -> Array:
    """The quick stage's input: WordLlama on the lower-cased text (its tokens have case)."""
    return wordllama.embed([text.lower() for text in texts])


def full_features(minilm: Embedder, wordllama: Embedder, texts: list[str]) -> Array:
    """The full stage's input: MiniLM beside WordLlama."""
    return np.hstack([minilm.embed(texts), quick_features(wordllama, texts)])


@dataclass(frozen=True)
class Network:
    """Dense layers, rectified between, softmax at the end: `probabilities(x)` per row."""

    classes: tuple[str, ...]
    layers: tuple[tuple[Array, Array], ...]  # (weights, bias), input to output

    def probabilities(self, x: Array) -> Array:
        """One row of class probabilities per row of `x`."""
        for index, (weights, bias) in enumerate(self.layers):
            x = x @ weights + bias
            if index < len(self.layers) - 1:
                x = np.maximum(x, 0)
        x = x - x.max(axis=1, keepdims=True)
        exp = np.exp(x)
        return as_f32(exp / exp.sum(axis=1, keepdims=True))

    def risk(self, x: Array) -> Array:
        """One less the probability of an ordinary answer, per row."""
        p = self.probabilities(x)
        ordinary = [self.classes.index(c) for c in ORDINARY]
        return as_f32(1.0 - p[:, ordinary].sum(axis=1))

    def to_json(self) -> dict[str, Any]:
        """The network for the model file."""
        return {
            "classes": list(self.classes),
            "layers": [{"weights": _encode(w), "bias": _encode(b)} for w, b in self.layers],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Network:
        """The network stored by `to_json`."""
        layers = tuple(
            (_decode(layer["weights"]), _decode(layer["bias"])) for layer in data["layers"]
        )
        return cls(tuple(data["classes"]), layers)


@dataclass(frozen=True)
class Ensemble:
    """Networks fitted alike from different random starts: their probabilities averaged.

    Each start settles on its own mistakes, so the average makes fewer than any one.
    """

    members: tuple[Network, ...]

    @property
    def classes(self) -> tuple[str, ...]:
        return self.members[0].classes

    def probabilities(self, x: Array) -> Array:
        """One row of class probabilities per row of `x`: the members' mean."""
        return as_f32(np.mean([member.probabilities(x) for member in self.members], axis=0))

    def risk(self, x: Array) -> Array:
        """One less the probability of an ordinary answer, per row."""
        p = self.probabilities(x)
        ordinary = [self.classes.index(c) for c in ORDINARY]
        return as_f32(1.0 - p[:, ordinary].sum(axis=1))

    def to_json(self) -> list[dict[str, Any]]:
        """The members for the model file."""
        return [member.to_json() for member in self.members]

    @classmethod
    def from_json(cls, data: list[dict[str, Any]]) -> Ensemble:
        """The ensemble stored by `to_json`."""
        return cls(tuple(Network.from_json(member) for member in data))


NEIGHBOURS = 15
# How sharply a closer neighbour counts for more: exp(SHARPNESS * (similarity - 1)).
SHARPNESS = 20.0
NETWORK_SHARE = 0.5
# The quick network's share of a message's final risk: its static word vectors
# err differently from MiniLM's, so a little of its word tips the balance well.
QUICK_SHARE = 0.2


@dataclass(frozen=True)
class Neighbours:
    """A nearest-neighbour vote: the share of at-risk messages among the closest, by class size."""

    vectors: Array  # unit MiniLM vectors, one row a training message or sentence
    labels: NDArray[np.int64]  # class index of each row
    at_risk: NDArray[np.bool_]  # by class index
    class_weight: Array  # by class index: one over the class's size

    @classmethod
    def build(
        cls, vectors: Array, labels: NDArray[np.int64], classes: tuple[str, ...]
    ) -> Neighbours:
        counts = np.bincount(labels, minlength=len(classes)).astype(np.float32)
        return cls(
            vectors.astype(np.float32),
            labels,
            np.array([c not in ORDINARY for c in classes]),
            (1.0 / np.maximum(counts, 1)).astype(np.float32),
        )

    def risk(self, queries: Array) -> Array:
        """Each query's weighted share of at-risk neighbours."""
        similarity = queries @ self.vectors.T
        k = min(NEIGHBOURS, similarity.shape[1] - 1)
        nearest = np.argpartition(-similarity, k, axis=1)[:, :k]
        closeness = np.exp(SHARPNESS * (np.take_along_axis(similarity, nearest, 1) - 1))
        labels = self.labels[nearest]
        weight = closeness * self.class_weight[labels]
        return as_f32((weight * self.at_risk[labels]).sum(1) / weight.sum(1))

    def to_json(self) -> dict[str, Any]:
        """Vectors as bytes (a unit vector's parts times 127), labels as small numbers."""
        quantised = np.clip(np.round(self.vectors * 127), -127, 127).astype(np.int8)
        return {
            "vectors": _encode_bytes(quantised),
            "labels": _encode_bytes(self.labels.astype(np.int8)),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], classes: tuple[str, ...]) -> Neighbours:
        vectors = _decode_bytes(data["vectors"]).astype(np.float32) / 127.0
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
        return cls.build(vectors, _decode_bytes(data["labels"]).astype(np.int64), classes)


def blended_risk(network: Network | Ensemble, neighbours: Neighbours, features: Array) -> Array:
    """The full stage's risk for rows of full features (MiniLM first)."""
    minilm = features[:, :384]
    own = network.risk(features)
    return (NETWORK_SHARE * own + (1 - NETWORK_SHARE) * neighbours.risk(minilm)).astype(np.float32)


def with_quick(full: Any, quick: Any) -> Any:
    """A message's final risk: the full stage's worst part, and the quick network's word."""
    return (1 - QUICK_SHARE) * full + QUICK_SHARE * quick


class SafetyModel:
    """`predict(text)`: the probability of each safety category, and of "none"."""

    def __init__(
        self,
        data: dict[str, Any],
        *,
        minilm: Embedder,
        wordllama: Embedder,
    ) -> None:
        self.quick = Network.from_json(data["quick"])
        self.full = Ensemble.from_json(data["full"])
        self.neighbours = Neighbours.from_json(data["neighbours"], self.full.classes)
        # Below this risk the quick stage's word is final.
        self.gate = float(data["thresholds"]["gate"])
        self.sure_at = float(data["thresholds"]["sure"])
        self.maybe_at = float(data["thresholds"]["maybe"])
        # Below this risk the classifier overrules the rules with an everyday sense.
        self.clear_below = float(data["thresholds"].get("clear", 0.0))
        self._minilm = minilm
        self._wordllama = wordllama

    @classmethod
    def load(cls, *, minilm: Embedder, wordllama: Embedder, path: Path = MODEL_FILE) -> SafetyModel:
        """The trained model shipped with the bot."""
        return cls(json.loads(path.read_text()), minilm=minilm, wordllama=wordllama)

    def predict(self, text: str) -> Scores:
        """Category probabilities for one typed message (they add up to one with "none")."""
        quick = self.quick.probabilities(quick_features(self._wordllama, [text]))[0]
        if not self.needs_full(quick):
            return self._scores(self.quick.classes, quick)
        pieces = [text, *segments(text)]
        features = full_features(self._minilm, self._wordllama, pieces)
        risks = blended_risk(self.full, self.neighbours, features)
        worst = int(np.argmax(risks))
        row = self.full.probabilities(features[worst : worst + 1])[0]
        risk = with_quick(float(risks[worst]), self._quick_risk(quick))
        return self._scores(self.full.classes, row, risk=risk)

    def _quick_risk(self, quick: Array) -> float:
        """One less the quick stage's probability of an ordinary answer."""
        return 1.0 - sum(float(quick[self.quick.classes.index(c)]) for c in ORDINARY)

    def needs_full(self, quick: Array) -> bool:
        """Whether the quick stage's probabilities leave the message to the full stage."""
        return self._quick_risk(quick) >= self.gate

    def goes_to_full_stage(self, text: str) -> bool:
        """Whether a message is one the quick stage cannot rule out."""
        return self.needs_full(self.quick.probabilities(quick_features(self._wordllama, [text]))[0])

    def _scores(self, classes: tuple[str, ...], row: Array, risk: float | None = None) -> Scores:
        """The probabilities by category, the two kinds of ordinary answer as one "none".

        With `risk`, the categories share that risk in the network's proportions.
        """
        probabilities = {c: float(p) for c, p in zip(classes, row, strict=True)}
        ordinary = sum(probabilities.pop(c) for c in ORDINARY)
        if risk is not None:
            scale = risk / max(1.0 - ordinary, 1e-9)
            probabilities = {c: p * scale for c, p in probabilities.items()}
            ordinary = 1.0 - risk
        probabilities[NONE] = ordinary
        return Scores(
            probabilities,
            sure_at=self.sure_at,
            maybe_at=self.maybe_at,
            clear_below=self.clear_below,
        )
