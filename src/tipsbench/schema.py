"""Reading untrusted JSON into typed values, one field at a time.

A ``Reader`` wraps one JSON object and the path that leads to it
(``benchmarks[3].extra_info``). Each accessor checks the field's type and range and
returns a plain Python value, or raises ResultsError naming the file and the field's
JSON path: "results/x.json: benchmarks[3].extra_info.model_size should be a whole
number ≥ 0, found a string". Nothing else in tipsbench reads a results file's dicts.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from typing import Any

from tipsbench.errors import FileProblem

# Longest string we accept anywhere in a results file: names and code lines are short;
# a megabyte "CPU model" is an attack on the page, not a CPU.
MAX_TEXT = 500
# Numbers far outside anything a benchmark records (a week per call, a petabyte per
# buffer) are refused rather than rendered as 300-digit table cells.
MAX_SECONDS = 7 * 24 * 3600.0
MAX_BYTES = 1 << 50
MAX_COUNT = 10**12
MAX_RATE = 1e15  # bytes/s: a petabyte per second

_MISSING: Any = object()


class ResultsError(FileProblem):
    """A results file that can't be used: the message is one line naming the file."""


def kind(value: object) -> str:
    """A JSON value's kind in words, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number" if math.isfinite(value) else f"the non-finite number {value}"
    return {dict: "an object", list: "a list", str: "a string"}.get(type(value), type(value).__name__)


class Reader:
    """Typed access to one JSON object of a results file."""

    def __init__(self, obj: object, file: os.PathLike | str, where: str):
        self.file = file
        self.where = where
        if not isinstance(obj, dict):
            self.fail(f"{where or 'the top level'} should be an object, found {kind(obj)}")
        self.obj: dict = obj

    def fail(self, problem: str) -> None:
        raise ResultsError(self.file, problem)

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def has(self, key: str) -> bool:
        return self.obj.get(key) is not None

    def _get(self, key: str, default: object, expected: str) -> object:
        value = self.obj.get(key)
        if value is None:
            if default is _MISSING:
                self.fail(f"{self.path(key)} is missing (expected {expected})")
            return default
        return value

    def _wrong(self, key: str, expected: str, value: object) -> None:
        self.fail(f"{self.path(key)} should be {expected}, found {kind(value)}")

    def text(self, key: str, default: Any = _MISSING, *, choices: tuple[str, ...] | None = None) -> str:
        expected = "a string" if choices is None else f"one of {', '.join(choices)}"
        value = self._get(key, default, expected)
        if value is default:
            return value
        if not isinstance(value, str):
            self._wrong(key, expected, value)
        if not value and default is _MISSING and choices is None:
            self.fail(f"{self.path(key)} should be a non-empty string, found an empty one")
        if len(value) > MAX_TEXT:
            self.fail(f"{self.path(key)} is {len(value):,} characters long; at most {MAX_TEXT} are accepted")
        if choices is not None and value not in choices:
            shown = value if len(value) <= 40 else value[:40] + "…"
            self.fail(f"{self.path(key)} should be one of {', '.join(choices)}, found {shown!r}")
        return value

    def flag(self, key: str, default: Any = _MISSING) -> bool:
        value = self._get(key, default, "true or false")
        if value is not default and not isinstance(value, bool):
            self._wrong(key, "true or false", value)
        return value

    def real(self, key: str, default: Any = _MISSING, *, minimum: float = 0.0,
             maximum: float = MAX_RATE, positive: bool = False) -> float:
        """A finite number in [minimum, maximum] (> 0 when ``positive``)."""
        expected = f"a number {'> 0' if positive else f'≥ {minimum:g}'}"
        value = self._get(key, default, expected)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self._wrong(key, expected, value)
        if value < minimum or (positive and value <= 0):
            self.fail(f"{self.path(key)} should be {expected}, found {value:g}")
        if value > maximum:
            self.fail(f"{self.path(key)} is {value:g}, beyond anything a run records (at most {maximum:g})")
        return float(value)

    def whole(self, key: str, default: Any = _MISSING, *, minimum: int = 0, maximum: int = MAX_COUNT) -> int:
        """A whole number in [minimum, maximum] (JSON 3.0 counts as 3)."""
        expected = f"a whole number ≥ {minimum}"
        value = self._get(key, default, expected)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or value != int(value):
            self._wrong(key, expected, value)
        if value < minimum:
            self.fail(f"{self.path(key)} should be {expected}, found {value:g}")
        if value > maximum:
            self.fail(f"{self.path(key)} is {value:g}, beyond anything a run records (at most {maximum:g})")
        return int(value)

    def child(self, key: str, *, optional: bool = False) -> Reader:
        """The object under `key`; an optional one that is absent reads as empty."""
        value = self.obj.get(key)
        if value is None:
            if not optional:
                self.fail(f"{self.path(key)} is missing (expected an object)")
            value = {}
        return Reader(value, self.file, self.path(key))

    def items(self, key: str, default: Any = _MISSING) -> Iterator[tuple[int, object, str]]:
        """(index, value, path) of a list field."""
        value = self._get(key, default, "a list")
        if value is default:
            return iter(())
        if not isinstance(value, list):
            self._wrong(key, "a list", value)
        return ((i, item, f"{self.path(key)}[{i}]") for i, item in enumerate(value))

    def names(self) -> list[str]:
        return [str(k) for k in self.obj]
