"""The redactor's word lists, read from `bot/language/data/`.

- `census_first_names.txt`, `census_surnames.txt`: the US Census Bureau's 1990
  name files (public domain), built by `scripts/build_names.py`;
- `uk_first_names.txt`, `uk_surnames.txt`: names common in Britain that those
  files miss, written by the project;
- `faker_first_names.txt`, `faker_surnames.txt`: names of Britain, Ireland and
  the countries many residents come from that the lists above miss, from the
  `Faker` package's per-locale lists (MIT licence), less ordinary words;
- `name_words.txt`: listed names that are also ordinary English words, from
  SCOWL's British English list (see `scripts/build_names.py`);
- `hertfordshire_places.txt`: towns, villages, districts and neighbourhoods of
  Hertfordshire and places near it, which redaction never removes.
"""

from __future__ import annotations

from pathlib import Path

from dialogs.names import Lexicon

DATA = Path(__file__).parent / "data"


def _lines(name: str, folder: Path) -> list[str]:
    text = (folder / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def load_lexicon(folder: Path = DATA) -> Lexicon:
    """The names lists and the gazetteer, as one `Lexicon`."""
    return Lexicon.build(
        first_names=[
            *_lines("census_first_names.txt", folder),
            *_lines("uk_first_names.txt", folder),
            *_lines("faker_first_names.txt", folder),
        ],
        surnames=[
            *_lines("census_surnames.txt", folder),
            *_lines("uk_surnames.txt", folder),
            *_lines("faker_surnames.txt", folder),
        ],
        name_words=_lines("name_words.txt", folder),
        places=_lines("hertfordshire_places.txt", folder),
    )
