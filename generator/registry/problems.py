"""Problems found in the registries, and how they are shown to the people who fix them.

One format everywhere (terminal, CI log, issue comment):
`data/windows/foo.yml:12:5: error[phone-invalid] contacts.phones[0].number: 日本語 (English): 'value'`
Under GitHub Actions each problem is also printed as an `::error file=…,line=…::` annotation so it
appears on the pull request's changed line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    severity: Severity
    code: str
    field: str
    message: str

    @classmethod
    def error(cls, file: Path | str, line: int, column: int, code: str, field: str, message: str) -> Problem:
        return cls(str(file), line, column, "error", code, field, message)

    @classmethod
    def warning(cls, file: Path | str, line: int, column: int, code: str, field: str, message: str) -> Problem:
        return cls(str(file), line, column, "warning", code, field, message)

    def format(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}:{self.column}: {self.severity}[{self.code}] {where}{self.message}"

    def annotation(self) -> str:
        """GitHub Actions workflow command; newlines and % must be escaped there."""
        text = self.format().replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{self.severity} file={self.file},line={self.line},col={self.column}::{text}"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.code, p.field, p.message))


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


class InvalidData(Exception):
    """The registries hold errors: nothing may be built from them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [p.format() for p in problems if p.severity == "error"]
        super().__init__(f"{len(lines)} 件のエラー ({len(lines)} errors):\n" + "\n".join(lines))
