"""What is wrong with a survey file: each problem, where it is, and what to do about it.

The checks of one file (`dialogs.loader`, `dialogs.structure`,
`dialogs.references`) share one `Problems`, so one run reports them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a survey file, and where."""

    where: str
    message: str
    line: int | None = None

    def describe(self, path: str) -> str:
        """The problem as one line a person can act on."""
        place = f"{path}:{self.line}" if self.line else path
        return f"{place}: {self.where}: {self.message}"


class Problems:
    """The problems found in one survey file so far, each with its line when it can be found."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()
        self.found: list[Problem] = []

    def add(self, where: str, message: str, *, near: str | None = None) -> None:
        """Record a problem, with the line of `near` (a question id) when it can be found."""
        self.found.append(Problem(where, message, self._line_of(near)))

    def _line_of(self, question_id: str | None) -> int | None:
        if not question_id:
            return None
        pattern = re.compile(r'^\s*id\s*=\s*"' + re.escape(question_id) + '"')
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None


class Checks:
    """One part of the checks of a survey file, reporting to the file's `Problems`."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def problem(self, where: str, message: str, *, near: str | None = None) -> None:
        """Record a problem, with the line of `near` (a question id) when it can be found."""
        self.problems.add(where, message, near=near)

    def unknown_keys(
        self, table: dict[str, Any], known: set[str], where: str, near: str | None
    ) -> None:
        """Report keys the format does not know (a typo would otherwise be ignored)."""
        for key in sorted(set(table) - known):
            self.problem(
                where,
                f'unknown key "{key}"; the keys here are: {", ".join(sorted(known))}',
                near=near,
            )
