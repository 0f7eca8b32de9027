"""WordLlama static sentence embeddings, from the weights its authors ship in the wheel.

WordLlama (MIT) is a table of 256 numbers per token of the Llama 2 tokenizer,
distilled by its authors from large language models' token embeddings; a
sentence's vector is the mean of its tokens' rows. The files are read from the
installed `wordllama` package (never imported: its loader looks for the
tokenizer in a folder the wheel does not ship, then tries to download it) and
checked against the SHA-256 of the files in wordllama 0.4.0.post1.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import struct
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from tokenizers import Tokenizer

from bot.language.minilm import ModelFilesError

PACKAGE = "wordllama"
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
SHIPPED_SHA256 = {
    WEIGHTS: "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5",
    TOKENIZER: "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68",
}
MAX_TOKENS = 256

Array = NDArray[np.float32]


def package_folder() -> Path:
    """The installed wordllama package's folder, found without importing it."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFilesError(
            "the wordllama package is not installed: run `make` (it installs "
            "requirements-model.txt)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _read(folder: Path, name: str) -> bytes:
    data = (folder / name).read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != SHIPPED_SHA256[name]:
        raise ModelFilesError(f"{folder / name} has SHA-256 {actual}, not the shipped one")
    return data


class WordLlama:
    """Sentence embeddings: `embed(texts)` gives one unit vector of 256 numbers per text."""

    dimensions = 256

    def __init__(self, weights: bytes, tokenizer: bytes) -> None:
        (length,) = struct.unpack("<Q", weights[:8])
        entry = json.loads(weights[8 : 8 + length])["embedding.weight"]
        begin, end = entry["data_offsets"]
        table = np.frombuffer(weights, dtype="<f2", count=(end - begin) // 2, offset=8 + length)
        self._table = table.reshape(entry["shape"]).astype(np.float32)
        self._tokenizer = Tokenizer.from_str(tokenizer.decode())
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)

    @classmethod
    def load(cls, folder: Path | None = None) -> WordLlama:
        """Load the verified table from the installed package (or from `folder`)."""
        folder = folder or package_folder()
        return cls(_read(folder, WEIGHTS), _read(folder, TOKENIZER))

    def embed(self, texts: list[str]) -> Array:
        """Unit-length sentence vectors, one row per text."""
        rows = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self._tokenizer.encode(text, add_special_tokens=False).ids
            if ids:
                pooled = self._table[ids].mean(axis=0)
                rows[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return rows
