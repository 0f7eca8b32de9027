"""Train the safety classifier from the labelled corpus and write its weights.

Usage: python scripts/train_safety.py [--embeddings FILE] [--scores FILE] [--thresholds-only]
(or `make train-safety`)

Fitting the networks for cross-validation takes most of the time, then embedding
the lines; with `--embeddings` and `--scores` both are kept and used again while
the training lines (and, for the scores, the fitting settings) are the same. With
`--thresholds-only` the weights already written stay and only the thresholds are
chosen again.

1. Reads every `training/safety/*.tsv` (label, kind, text) and the rules' own
   examples in `tests/data/safety_messages.tsv`. `training/safety/heldout/`
   is never read here: it is for measuring only.
2. Puts one line in five aside as the held-out split, by a hash of its text, so
   the split is the same on every machine and for every run.
3. On the rest: fits the small networks (the quick one over WordLlama, the full
   ones over MiniLM and WordLlama), chooses the thresholds on five-fold
   cross-validated scores (with the rules counted in), then fits them on all of
   it. Fitting is seeded, so a run on the same corpus gives the same weights.
   The full stage is `MEMBERS` networks fitted alike from different random
   starts, their probabilities averaged; a message's final risk also counts the quick network's word
   (`QUICK_SHARE`). On cross-validated scores both lift the curve: more people
   at risk caught for the same false alarms.

   The full network learns from sentences as well as messages (multiple-instance
   learning): a first fit on whole messages picks, in each longer at-risk
   message, the sentence it finds most alarming; the second fit learns from that
   sentence instead of the whole message, and from every sentence of every
   ordinary answer as ordinary. It then scores a message by its most alarming
   part, so ordinary survey talk around a disclosure does not dilute it.
4. Prints the figures on the held-out split and writes
   `bot/language/data/safety_model.json`.
"""

# A command-line script: printing its figures is its job.
# ruff: noqa: T201

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.language.corpus import NONE, Example, in_heldout_split, safety_corpus  # noqa: E402
from bot.language.minilm import MiniLM  # noqa: E402
from bot.language.safety_model import (  # noqa: E402
    MODEL_FILE,
    ORDINARY,
    QUICK_SHARE,
    Ensemble,
    Neighbours,
    Network,
    SafetyModel,
    blended_risk,
    full_features,
    quick_features,
    segments,
    with_quick,
)
from bot.language.wordllama import WordLlama  # noqa: E402
from dialogs.safety import PRIORITY, assess, classify  # noqa: E402

CLASSES = (*ORDINARY, *(str(category) for category in PRIORITY))
FOLDS = 5
# What the thresholds are chosen to keep, on cross-validated scores.
GATE_RECALL = 0.995  # at-risk messages the quick stage must pass on to the full one
# Rules and classifier together, at the targets.
MAX_HARD_ALARMS = 0.05  # ordinary answers sharing words with danger given any safety reply
MAX_PLAIN_ALARMS = 0.01  # plain answers given any safety reply
MAX_SURE_HARD_ALARMS = 0.015  # ... given a category's full advice
HIDDEN = 256
L2 = 1e-4
STEPS = 300
LEARNING_RATE = 3e-3
DROPOUT = 0.1
# Where the classifier may overrule a rule whose phrase has an everyday sense.
CLEAR_CANDIDATES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2)
SEED = 20261202
MEMBERS = 2  # full networks averaged, each from its own random start


def class_of(example: Example) -> int:
    """The network's class for a labelled line: ordinary answers are plain or hard."""
    name = f"none_{example.kind}" if example.label == NONE else example.label
    return CLASSES.index(name)


def fit(x: np.ndarray, y: np.ndarray, seed: int = SEED) -> Network:
    """A class-balanced network with one hidden layer, fitted by full-batch Adam.

    Inputs are standardised while fitting (and dropped out at random, a tenth at
    a time); the scaling is folded into the first layer so the stored network
    works on raw embeddings. Single precision throughout: four times quicker
    than double, and the stored weights are half precision anyway.
    """
    rng = np.random.default_rng(seed)
    x = x.astype(np.float32)
    mean, std = x.mean(axis=0), x.std(axis=0) + np.float32(1e-6)
    z = (x - mean) / std
    n, d = z.shape
    k = len(CLASSES)
    params = [
        rng.normal(0, np.sqrt(2 / d), (d, HIDDEN)).astype(np.float32),
        np.zeros(HIDDEN, dtype=np.float32),
        rng.normal(0, np.sqrt(1 / HIDDEN), (HIDDEN, k)).astype(np.float32),
        np.zeros(k, dtype=np.float32),
    ]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    onehot = np.eye(k, dtype=np.float32)[y]
    counts = np.bincount(y, minlength=k).astype(np.float32)
    weight = (n / (k * np.maximum(counts, 1)))[y][:, None].astype(np.float32)
    keep = np.float32(1 - DROPOUT)
    for step in range(1, STEPS + 1):
        w1, b1, w2, b2 = params
        inputs = z * ((rng.random(z.shape, dtype=np.float32) > DROPOUT) / keep)
        hidden = inputs @ w1 + b1
        active = np.maximum(hidden, 0)
        logits = active @ w2 + b2
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        error = (p - onehot) * weight / n
        back = (error @ w2.T) * (hidden > 0)
        grads = [inputs.T @ back + L2 * w1, back.sum(0), active.T @ error + L2 * w2, error.sum(0)]
        for param, grad, (m, v) in zip(params, grads, moments, strict=True):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            step_size = (
                LEARNING_RATE * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
            )
            param -= step_size.astype(np.float32)
    w1, b1, w2, b2 = params
    first = w1 / std[:, None]
    layers = ((first, b1 - mean @ first), (w2, b2))
    return Network(CLASSES, tuple((w.astype(np.float32), b.astype(np.float32)) for w, b in layers))


@dataclass(frozen=True)
class Pieces:
    """Each message's embedding, and its sentences' (`parts[i]` indexes `sentences`)."""

    whole: np.ndarray
    sentences: np.ndarray
    parts: list[list[int]]

    @classmethod
    def embed(cls, minilm: MiniLM, wordllama: WordLlama, texts: list[str]) -> Pieces:
        split = [segments(text) for text in texts]
        flat = [sentence for sentences in split for sentence in sentences]
        parts, start = [], 0
        for sentences in split:
            parts.append(list(range(start, start + len(sentences))))
            start += len(sentences)
        return cls(
            full_features(minilm, wordllama, texts), full_features(minilm, wordllama, flat), parts
        )

    def save(self, path: Path, quick: np.ndarray, key: str) -> None:
        """The embeddings (and the quick stage's), for a later run on the same lines."""
        path.parent.mkdir(parents=True, exist_ok=True)
        offsets = np.cumsum([0, *(len(p) for p in self.parts)])
        with path.open("wb") as handle:
            np.savez(
                handle,
                key=key,
                whole=self.whole,
                sentences=self.sentences,
                offsets=offsets,
                quick=quick,
            )

    @classmethod
    def load(cls, path: Path, key: str) -> tuple[Pieces, np.ndarray] | None:
        """The embeddings `save` wrote for the same lines, or None."""
        if not path.exists():
            return None
        data = np.load(path)
        if str(data["key"]) != key:
            return None
        offsets = data["offsets"]
        parts = [list(range(int(a), int(b))) for a, b in pairwise(offsets)]
        return cls(data["whole"], data["sentences"], parts), data["quick"]

    def risk(self, network: Ensemble, neighbours: Neighbours, rows: np.ndarray) -> np.ndarray:
        """Each message's risk: its most alarming part, the whole message included."""
        risk = blended_risk(network, neighbours, self.whole[rows].astype(np.float32))
        for k, row in enumerate(rows):
            if self.parts[row]:
                sentences = self.sentences[self.parts[row]].astype(np.float32)
                risk[k] = max(risk[k], float(blended_risk(network, neighbours, sentences).max()))
        return risk

    def neighbours(self, y: np.ndarray, rows: np.ndarray) -> Neighbours:
        """The vote's index: the messages, and every sentence of the ordinary ones."""
        vectors, labels = [self.whole[rows, :384]], [y[rows]]
        for row in rows:
            if CLASSES[y[row]] in ORDINARY and self.parts[row]:
                vectors.append(self.sentences[self.parts[row], :384])
                labels.append(np.full(len(self.parts[row]), y[row]))
        return Neighbours.build(
            np.vstack(vectors).astype(np.float32), np.concatenate(labels), CLASSES
        )


def fit_by_sentence(pieces: Pieces, y: np.ndarray, rows: np.ndarray) -> Ensemble:
    """The full networks, fitted on messages, then on their most telling sentences.

    One network on whole messages picks each at-risk message's sentence; then
    `MEMBERS` networks, each from its own random start, learn from those.
    """
    first = fit(pieces.whole[rows], y[rows])
    inputs, labels = [], []
    for row in rows:
        parts = pieces.parts[row]
        if CLASSES[y[row]] in ORDINARY or not parts:
            inputs += [pieces.whole[row], *pieces.sentences[parts]]
            labels += [y[row]] * (1 + len(parts))
        else:
            risk = first.risk(pieces.sentences[parts].astype(np.float32))
            inputs.append(pieces.sentences[parts[int(np.argmax(risk))]])
            labels.append(y[row])
    x, classes = np.array(inputs), np.array(labels)
    return Ensemble(tuple(fit(x, classes, seed=SEED + member) for member in range(MEMBERS)))


def cross_validated(x: np.ndarray, y: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Each row's quick risk from a network fitted without its fold."""
    out = np.zeros(len(y), dtype=np.float32)
    for fold in range(FOLDS):
        test = folds == fold
        out[test] = fit(x[~test], y[~test]).risk(x[test].astype(np.float32))
    return out


def cross_validated_full(pieces: Pieces, y: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Each message's full risk from a network fitted without its fold."""
    out = np.zeros(len(y), dtype=np.float32)
    everything = np.arange(len(y))
    for fold in range(FOLDS):
        test = folds == fold
        network = fit_by_sentence(pieces, y, everything[~test])
        neighbours = pieces.neighbours(y, everything[~test])
        out[test] = pieces.risk(network, neighbours, everything[test])
    return out


def choose_thresholds(examples: list[Example], quick: np.ndarray, full: np.ndarray) -> dict:
    """The gate and the short-line, full-advice and clear thresholds, from cross-validated risk.

    A message gets a safety reply when a rule fires or its risk reaches "maybe";
    below "clear" the classifier overrules the rules whose phrases have an everyday
    sense (`dialogs.safety.assess`). "maybe" and "clear" are chosen together on the
    rules and the classifier as the tests measure them: the most people at risk
    given a reply with the alarms within bounds.
    """
    at_risk = np.array([e.at_risk for e in examples])
    hard = np.array([e.label == NONE and e.kind == "hard" for e in examples])
    plain = np.array([e.label == NONE and e.kind == "plain" for e in examples])
    ruled = np.array([classify(e.text) is not None for e in examples])
    print(
        f"  the rules alone: at-risk {ruled[at_risk].mean():.1%},"
        f" hard {ruled[hard].mean():.1%}, plain {ruled[plain].mean():.1%}"
    )
    quick_risk = quick
    gate = float(np.quantile(quick_risk[at_risk], 1.0 - GATE_RECALL))
    risk = np.where(quick_risk < gate, quick_risk, with_quick(full, quick_risk))
    print(f"  the quick stage passes on {(quick_risk >= gate).mean():.0%} of messages")
    for threshold in (0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99):
        flagged = ruled | (risk >= threshold)
        print(
            f"  cross-validated, rules or risk >= {threshold:.2f}: at-risk"
            f" {flagged[at_risk].mean():.1%}, hard {flagged[hard].mean():.1%},"
            f" plain {flagged[plain].mean():.1%}"
        )
    candidates = np.unique(np.round(risk, 4))
    labels = np.array([e.label for e in examples])
    floor = np.array([classify(e.text, floor_only=True) is not None for e in examples])
    # For each "clear" (below it the classifier overrules the rules with an everyday
    # sense), the lowest "maybe" that keeps the alarms within bounds; then the pair
    # that gives the most people at risk a safety reply.
    best: tuple[float, float, float] | None = None
    for clear in CLEAR_CANDIDATES:
        ruled_here = floor | (ruled & (risk >= clear))
        maybe = 1.0
        for threshold in candidates:
            flagged = ruled_here | (risk >= threshold)
            hard_alarms, plain_alarms = flagged[hard].mean(), flagged[plain].mean()
            if hard_alarms <= MAX_HARD_ALARMS and plain_alarms <= MAX_PLAIN_ALARMS:
                maybe = float(threshold)
                break
        flagged = ruled_here | (risk >= maybe)
        recall = float(flagged[at_risk].mean())
        print(
            f"  cross-validated, clear below {clear:.3f}, maybe {maybe:.4f}: at-risk {recall:.1%},"
            f" hard {flagged[hard].mean():.1%}, plain {flagged[plain].mean():.1%}; "
            + ", ".join(
                f"{label} {flagged[labels == label].mean():.1%}"
                for label in sorted({e.label for e in examples if e.at_risk})
            )
        )
        if clear <= maybe / 2 and (best is None or recall > best[0] + 1e-9):
            best = (recall, clear, maybe)
    assert best is not None
    _, clear, maybe = best
    sure = max(maybe, 0.5)
    for threshold in candidates[candidates >= maybe]:
        if (risk >= threshold)[hard].mean() <= MAX_SURE_HARD_ALARMS:
            sure = float(threshold)
            break
    return {
        "gate": round(gate, 4),
        "maybe": round(maybe, 4),
        "sure": round(sure, 4),
        "clear": round(clear, 4),
    }


def _fitting_key(corpus_key: str) -> str:
    """The corpus and every setting that changes the cross-validated scores."""
    settings = (HIDDEN, L2, STEPS, LEARNING_RATE, DROPOUT, SEED, MEMBERS, FOLDS, QUICK_SHARE)
    return hashlib.sha256(f"{corpus_key} {settings}".encode()).hexdigest()


def save_scores(path: Path, corpus_key: str, quick: np.ndarray, full: np.ndarray) -> None:
    """Cross-validated scores, for a later run that only chooses thresholds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = _fitting_key(corpus_key)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        np.savez(handle, key=key, quick=quick, full=full)
    partial.replace(path)


def load_scores(path: Path, corpus_key: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The scores `save_scores` wrote for the same lines and settings, or None."""
    try:
        data = np.load(path)
    except (OSError, ValueError, EOFError):
        return None
    if str(data["key"]) != _fitting_key(corpus_key):
        return None
    return data["quick"], data["full"]


def report(heldout: list[Example], model: dict, minilm: MiniLM, wordllama: WordLlama) -> None:
    """The rules and the classifier together, on the held-out split."""
    safety = SafetyModel(model, minilm=minilm, wordllama=wordllama)
    verdicts = [assess(e.text, safety.predict(e.text)) for e in heldout]
    groups: dict[str, list[bool]] = {}
    for example, verdict in zip(heldout, verdicts, strict=True):
        group = example.label if example.at_risk else f"none ({example.kind})"
        groups.setdefault(group, []).append(verdict.flagged)
    at_risk = [f for e, v in zip(heldout, verdicts, strict=True) if e.at_risk for f in [v.flagged]]
    print(f"held-out split: at-risk given a safety reply {sum(at_risk)}/{len(at_risk)}")
    for group, flags in sorted(groups.items()):
        print(f"  {group:<22}{sum(flags):>5}/{len(flags):<5}{sum(flags) / len(flags):>7.1%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=MODEL_FILE)
    parser.add_argument(
        "--embeddings",
        type=Path,
        help="keep the training lines' embeddings in this file (they take most of the time),"
        " and use them when the lines have not changed",
    )
    parser.add_argument(
        "--scores",
        type=Path,
        help="keep the cross-validated scores in this file, and use them when the lines"
        " and the fitting settings have not changed (to try thresholds quickly)",
    )
    parser.add_argument(
        "--thresholds-only",
        action="store_true",
        help="keep the weights in --output and choose only the thresholds again, from the"
        " scores kept by --scores (the weights do not depend on the thresholds)",
    )
    args = parser.parse_args()
    examples = safety_corpus()
    train = [e for e in examples if not in_heldout_split(e.text)]
    heldout = [e for e in examples if in_heldout_split(e.text)]
    print(f"{len(examples)} labelled lines: {len(train)} to train on, {len(heldout)} held out")
    minilm, wordllama = MiniLM.load(), WordLlama.load()
    texts = [e.text for e in train]
    y = np.array([class_of(e) for e in train])
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    cached = Pieces.load(args.embeddings, key) if args.embeddings else None
    if cached:
        pieces, xq = cached
        print(f"embeddings from {args.embeddings}")
    else:
        xq = quick_features(wordllama, texts)
        pieces = Pieces.embed(minilm, wordllama, texts)
        if args.embeddings:
            pieces.save(args.embeddings, xq, key)
    folds = np.array([int(hashlib.sha256(t.encode()).digest()[1]) % FOLDS for t in texts])
    scored = load_scores(args.scores, key) if args.scores else None
    if args.thresholds_only and not scored:
        parser.error("--thresholds-only needs the scores of the same lines, kept by --scores")
    if scored:
        quick_cv, full_cv = scored
        print(f"cross-validated scores from {args.scores}")
    else:
        quick_cv, full_cv = cross_validated(xq, y, folds), cross_validated_full(pieces, y, folds)
        if args.scores:
            save_scores(args.scores, key, quick_cv, full_cv)
    thresholds = choose_thresholds(train, quick_cv, full_cv)
    print(f"thresholds from cross-validation: {thresholds}")
    if args.thresholds_only:
        model = json.loads(args.output.read_text())
        model["thresholds"] = thresholds
        report(heldout, model, minilm, wordllama)
        args.output.write_text(json.dumps(model, separators=(",", ":")) + "\n")
        print(f"wrote the thresholds into {args.output}")
        return 0
    model = {
        "about": (
            "Safety classifier for survey-bot, trained by scripts/train_safety.py on "
            "training/safety/*.tsv. Networks of one hidden layer over sentence embeddings: 'quick' "
            "over WordLlama l2_supercat_256, 'full' (several, averaged) over all-MiniLM-L6-v2 "
            "then WordLlama, blended with a nearest-neighbour vote among the training messages "
            "('neighbours') and a share of the quick network's risk."
        ),
        "trained_on": {name: int((y == i).sum()) for i, name in enumerate(CLASSES)},
        "thresholds": thresholds,
        "quick": fit(xq, y).to_json(),
        "full": fit_by_sentence(pieces, y, np.arange(len(y))).to_json(),
        "neighbours": pieces.neighbours(y, np.arange(len(y))).to_json(),
    }
    report(heldout, model, minilm, wordllama)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(model, separators=(",", ":")) + "\n")
    print(f"wrote {args.output} ({args.output.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
