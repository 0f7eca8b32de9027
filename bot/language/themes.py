"""Themes in what residents typed: grouping answers, naming groups, sorting new answers.

Every answer is read as a sentence vector: all-MiniLM-L6-v2 and WordLlama side
by side (each unit length, so both count the same), from the models shipped in
registry packages. Redaction tags such as `[name]` are taken out first: they
are not words the resident used.

- `group(texts)`: themes found without labels, by k-means (scikit-learn), with
  the number of themes chosen by the silhouette score. Each gets a short label
  of the words that set its answers apart from the rest (class-based TF-IDF).
- `assign(examples, texts)`: themes for new answers, from answers already in
  themes (staff-approved ones): one logistic regression per theme, so an answer
  can carry several; it takes every theme scored over `THRESHOLD`, or its best
  theme if that scores over `FLOOR`, or none ("fits no theme yet").
- `closeness(texts)`: how near each answer is to the middle of its group, so
  the nearest can be quoted as representative.

The figures on the labelled set in `training/themes/` are printed by
tests/language/test_theme_figures.py.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import silhouette_score

Array = NDArray[np.float32]

# A redaction tag: "[name]", "[phone]", "[address]".
TAG = re.compile(r"\[[a-z][a-z_ ]*\]")
# Where an answer of several points divides: sentences, and "and" or "but" between clauses.
CLAUSE = re.compile(r"[.;!?]+\s+|,\s*(?:and|but|or|also)?\s*|\s+(?:and also|and|but|plus)\s+", re.I)
CLAUSE_THRESHOLD = 0.8
# A clause shorter than this many letters is not scored on its own.
SHORTEST_CLAUSE = 12
# A theme is taken when its classifier gives it this much; the best one at FLOOR.
THRESHOLD = 0.5
FLOOR = 0.25
# Regularisation of each theme's classifier (larger fits the examples more closely).
STRENGTH = 4.0
# Themes found at most, and answers per theme at least, when grouping.
MOST_THEMES = 14
FEWEST_PER_THEME = 4
SEED = 0
# Answers the silhouette score is worked out on at most: it compares every pair.
SILHOUETTE_SAMPLE = 2000
# Words that say nothing about a theme: the question's own words and filler.
FILLER = frozenset(
    """police like just make want need needs think really good better would people use able
    actually get got thing things way ways change changes contact im dont don't it's i'd i'm
    bit lot pls please yes tbh also""".split()
)
STOP = sorted(ENGLISH_STOP_WORDS | FILLER)


class Embedder(Protocol):
    """Sentence vectors: one unit-length row per text."""

    def embed(self, texts: list[str]) -> Array:
        """The vectors."""


def words_only(text: str) -> str:
    """The text without redaction tags, spaces tidied."""
    return " ".join(TAG.sub(" ", text).split())


class ThemeModel:
    """Grouping, labelling and sorting answers, over two sentence embedders."""

    def __init__(self, *embedders: Embedder) -> None:
        self._embedders = embedders
        self._cache: dict[str, Array] = {}
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> Array:
        """One row per text: the embedders' vectors side by side, unit length overall."""
        cleaned = [words_only(t) for t in texts]
        with self._lock:
            missing = sorted({t for t in cleaned if t not in self._cache})
        if missing:
            parts = [e.embed(missing) for e in self._embedders]
            joined = np.hstack(parts) / np.float32(np.sqrt(len(parts)))
            with self._lock:
                self._cache.update(zip(missing, joined.astype(np.float32), strict=True))
        width = sum(self._embedder_width(e) for e in self._embedders)
        if not cleaned:
            return np.zeros((0, width), dtype=np.float32)
        with self._lock:
            return np.stack([self._cache[t] for t in cleaned])

    @staticmethod
    def _embedder_width(embedder: Embedder) -> int:
        return int(getattr(embedder, "dimensions", 0))

    def group(self, texts: Sequence[str]) -> list[tuple[str, list[int]]]:
        """Themes found in `texts`: (label, indices of its answers), largest first."""
        if len(texts) < 2 * FEWEST_PER_THEME:
            return [(self.label(list(texts), []), list(range(len(texts))))] if texts else []
        vectors = self.vectors(texts)
        labels = _best_grouping(vectors)
        found = []
        for cluster in sorted(set(labels.tolist())):
            members = [i for i, c in enumerate(labels) if c == cluster]
            others = [texts[i] for i, c in enumerate(labels) if c != cluster]
            found.append((self.label([texts[i] for i in members], others), members))
        found.sort(key=lambda theme: -len(theme[1]))
        return found

    def split(self, texts: Sequence[str]) -> tuple[list[int], list[int]]:
        """`texts` in two groups (indices): the larger first."""
        if len(texts) < 2:
            return list(range(len(texts))), []
        vectors = self.vectors(texts)
        labels = KMeans(2, n_init=10, random_state=SEED).fit(vectors).labels_
        one = [i for i, c in enumerate(labels) if c == 0]
        two = [i for i, c in enumerate(labels) if c == 1]
        return (one, two) if len(one) >= len(two) else (two, one)

    def closeness(self, texts: Sequence[str]) -> list[float]:
        """How near each text is to the middle of them all (cosine, -1 to 1)."""
        if not texts:
            return []
        vectors = self.vectors(texts)
        middle = vectors.mean(axis=0)
        middle /= max(float(np.linalg.norm(middle)), 1e-12)
        return [round(float(v), 4) for v in vectors @ middle]

    def label(self, texts: Sequence[str], others: Sequence[str]) -> str:
        """A short label from the words that set `texts` apart from `others`."""
        return label_from_words(texts, others)

    def assign(
        self, examples: Mapping[str, Sequence[str]], texts: Sequence[str]
    ) -> list[dict[str, float]]:
        """For each text, the themes it fits and how well (0 to 1); empty when none fits.

        `examples` holds, for each theme, answers already in it. A theme with no
        examples is never given.
        """
        keys = [k for k, v in examples.items() if v]
        if not texts or not keys:
            return [{} for _ in texts]
        scores = self._scores(keys, examples, texts)
        return [
            _decide(dict(zip(keys, row.tolist(), strict=True))) if _readable(text) else {}
            for text, row in zip(texts, scores, strict=True)
        ]

    def _scores(
        self, keys: list[str], examples: Mapping[str, Sequence[str]], texts: Sequence[str]
    ) -> NDArray[np.float64]:
        """One column per theme: the chance each text belongs to it."""
        pool = sorted({t for k in keys for t in examples[k]})
        index = {t: i for i, t in enumerate(pool)}
        known = self.vectors(pool)
        # Each answer is scored whole and clause by clause; a theme takes its best part.
        parts = [clauses(t) for t in texts]
        owner = [row for row, found in enumerate(parts) for _ in found]
        new = self.vectors([p for found in parts for p in found])
        scores = np.zeros((len(new), len(keys)))
        for column, key in enumerate(keys):
            target = np.zeros(len(pool), dtype=int)
            target[[index[t] for t in examples[key]]] = 1
            if target.all():
                # Every example is in this theme: nothing to tell it from, so closeness.
                middle = known.mean(axis=0)
                middle /= max(float(np.linalg.norm(middle)), 1e-12)
                scores[:, column] = np.clip(new @ middle, 0.0, 1.0)
                continue
            model = LogisticRegression(C=STRENGTH, max_iter=2000, class_weight="balanced")
            model.fit(known, target)
            scores[:, column] = model.predict_proba(new)[:, 1]
        first = np.asarray([owner.index(row) for row in range(len(texts))])
        # A clause adds a theme the whole answer missed only when it is sure of it.
        sure = np.where(scores >= CLAUSE_THRESHOLD, scores, 0.0)
        best: NDArray[np.float64] = scores[first].copy()
        np.maximum.at(best, np.asarray(owner), sure)
        return best


def clauses(text: str) -> list[str]:
    """The answer whole, then each of its clauses long enough to read alone."""
    whole = words_only(text)
    pieces = [p.strip() for p in CLAUSE.split(whole) if p and p.strip()]
    pieces = [p for p in pieces if len(re.sub(r"[^a-z0-9]", "", p.lower())) >= SHORTEST_CLAUSE]
    return [whole, *pieces] if len(pieces) > 1 else [whole]


def _readable(text: str) -> bool:
    """Whether an answer has any words of the resident's own (not only tags)."""
    return bool(re.search(r"[A-Za-z0-9]", words_only(text)))


def _decide(scores: dict[str, float]) -> dict[str, float]:
    """The themes taken, from each theme's score."""
    taken = {k: round(s, 4) for k, s in scores.items() if s >= THRESHOLD}
    if not taken and scores:
        best = max(scores, key=lambda k: scores[k])
        if scores[best] >= FLOOR:
            taken[best] = round(scores[best], 4)
    return taken


def _best_grouping(vectors: Array) -> NDArray[np.int64]:
    """Cluster labels for the number of themes with the best silhouette score."""
    most = min(MOST_THEMES, len(vectors) // FEWEST_PER_THEME)
    best: tuple[float, NDArray[np.int64]] | None = None
    for count in range(2, most + 1):
        labels = KMeans(count, n_init=4, random_state=SEED).fit(vectors).labels_
        if len(set(labels.tolist())) < 2:
            continue
        score = float(
            silhouette_score(
                vectors,
                labels,
                metric="cosine",
                sample_size=min(len(vectors), SILHOUETTE_SAMPLE),
                random_state=SEED,
            )
        )
        if best is None or score > best[0]:
            best = (score, labels.astype(np.int64))
    if best is None:
        return np.zeros(len(vectors), dtype=np.int64)
    return best[1]


def label_from_words(texts: Sequence[str], others: Sequence[str], *, terms: int = 3) -> str:
    """The words and two-word phrases most typical of `texts` against `others`, as a label.

    Class-based TF-IDF: how often a term is used in the group, against how
    often across everything; a phrase wins over its own words.
    """
    documents = [" ".join(words_only(t).lower() for t in texts)]
    documents += [" ".join(words_only(t).lower() for t in others)] if others else []
    counter = CountVectorizer(
        ngram_range=(1, 2), stop_words=STOP, token_pattern=r"(?u)\b[a-z0-9][a-z0-9']+\b"
    )
    try:
        counts = counter.fit_transform(documents).toarray().astype(float)
    except ValueError:  # nothing but stop words
        return "Other answers"
    vocabulary = counter.get_feature_names_out()
    ours = counts[0]
    total = counts.sum(axis=0)
    weight = ours / max(ours.sum(), 1.0) * np.log(1 + counts.sum() / np.maximum(total, 1.0))
    chosen: list[str] = []
    for position in np.argsort(-weight):
        term = str(vocabulary[position])
        # A term used once says little about a group.
        if ours[position] < min(2, len(texts)) or weight[position] <= 0:
            continue
        if any(term in c or c in term for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == terms:
            break
    if not chosen:
        return "Other answers"
    text = ", ".join(chosen)
    return text[:1].upper() + text[1:]
