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
import re
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
# A non-zero number closer to 0 than this (a subnormal 5e-324 s median) is no
# measurement; dividing by it would give inf on the page.
TINY = 1e-15
# Most entries in one list or object of the machine's (accelerators, ceilings, caches).
MAX_ITEMS = 256

# Characters no string in a results file may hold. Control characters (C0, DEL, C1):
# terminal escapes, NUL, the \x02/\x03 Python-Markdown marks its placeholders with, a
# newline whose blank line would end a raw HTML block and let Markdown run on the rest.
# Lone surrogates: JSON allows "\ud800" but no page or terminal can write it as UTF-8.
# Line/paragraph separators and bidirectional overrides: text that doesn't read as it is.
FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

_MISSING: Any = object()


def printable(text: str) -> str:
    """`text` with every FORBIDDEN character written as an escape (\\x1b, \\ud800)."""
    return FORBIDDEN.sub(lambda m: ascii(m.group())[1:-1], text)


def quote(text: str, limit: int = 40) -> str:
    """A value from a file as a message shows it: cut short, quoted, escapes visible."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def forbidden_problem(text: str) -> str | None:
    """Why `text` can't be shown ("contains a control character (U+001B) at character 3"), or None."""
    found = FORBIDDEN.search(text)
    if found is None:
        return None
    char = found.group()
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        what = "a control character"
    elif 0xD800 <= code <= 0xDFFF:
        what = "a lone surrogate"
    elif code in (0x2028, 0x2029):
        what = "a line separator character"
    else:
        what = "a bidirectional override character"
    return f"contains {what} (U+{code:04X}) at character {found.start()}; strings must be printable"


class ResultsError(FileProblem):
    """A results file that can't be used: the message is one line naming the file.

    The file's name is shown with its control characters escaped, so even a file named
    "a\\nb.json" is one line (``path`` keeps the name as it is).
    """

    def __init__(self, path: os.PathLike | str, problem: str):
        super().__init__(printable(str(path)), problem)
        self.path = str(path)


def kind(value: object) -> str:
    """A JSON value's kind in words, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, float) and not math.isfinite(value):
        return f"the non-finite number {value}"
    if isinstance(value, (int, float)):
        return "a number"
    return {dict: "an object", list: "a list", str: "a string"}.get(type(value), type(value).__name__)


def number(value: int | float) -> str:
    """A number for a message: 1e+07, 0.5, or "a number with 401 digits" (an int that
    large can't be formatted as a float: OverflowError)."""
    if isinstance(value, int) and abs(value) >= 10**16:
        return f"a{' negative' if value < 0 else ''} number with {len(str(abs(value)))} digits"
    return f"{value:g}"


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

    # text, real and whole: the common case (a value of the right type and range) is
    # checked first, in one expression; anything else takes the full path, which says what
    # is wrong. A run holds ~20,000 such fields, and building each message's words up front
    # cost a third of the time it takes to read one.

    def text(self, key: str, default: Any = _MISSING, *, choices: tuple[str, ...] | None = None) -> str:
        value = self.obj.get(key)
        if type(value) is str and value and len(value) <= MAX_TEXT and (choices is None or value in choices) \
                and FORBIDDEN.search(value) is None:
            return value
        return self._text(key, default, choices)

    def _text(self, key: str, default: Any, choices: tuple[str, ...] | None) -> str:
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
            self.fail(f"{self.path(key)} should be one of {', '.join(choices)}, found {quote(value)}")
        problem = forbidden_problem(value)
        if problem:
            self.fail(f"{self.path(key)} {problem}")
        return value

    def flag(self, key: str, default: Any = _MISSING) -> bool:
        value = self._get(key, default, "true or false")
        if value is not default and not isinstance(value, bool):
            self._wrong(key, "true or false", value)
        return value

    def real(self, key: str, default: Any = _MISSING, *, minimum: float = 0.0,
             maximum: float = MAX_RATE, positive: bool = False) -> float:
        """A finite number in [minimum, maximum] (> 0 when ``positive``), 0 or at least TINY."""
        value = self.obj.get(key)
        # (NaN and the infinities fail the range test and take the full path.)
        if (type(value) is float or type(value) is int) and minimum <= value <= maximum \
                and (value > 0 or (not positive and value == 0)) and (value == 0 or abs(value) >= TINY):
            return float(value)
        return self._real(key, default, minimum, maximum, positive)

    def _real(self, key: str, default: Any, minimum: float, maximum: float, positive: bool) -> float:
        expected = f"a number {'> 0' if positive else f'≥ {minimum:g}'}"
        value = self._get(key, default, expected)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or (isinstance(value, float) and not math.isfinite(value)):
            self._wrong(key, expected, value)
        if value < minimum or (positive and value <= 0):
            self.fail(f"{self.path(key)} should be {expected}, found {number(value)}")
        if value > maximum:
            self.fail(f"{self.path(key)} is {number(value)}, beyond anything a run records (at most {maximum:g})")
        if 0 < abs(value) < TINY:
            self.fail(f"{self.path(key)} is {number(value)}, closer to 0 than anything a run measures")
        return float(value)

    def whole(self, key: str, default: Any = _MISSING, *, minimum: int = 0, maximum: int = MAX_COUNT) -> int:
        """A whole number in [minimum, maximum] (JSON 3.0 counts as 3)."""
        value = self.obj.get(key)
        if type(value) is int and minimum <= value <= maximum:
            return value
        return self._whole(key, default, minimum, maximum)

    def _whole(self, key: str, default: Any, minimum: int, maximum: int) -> int:
        expected = f"a whole number ≥ {minimum}"
        value = self._get(key, default, expected)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or (isinstance(value, float) and (not math.isfinite(value) or value != int(value))):
            self._wrong(key, expected, value)
        if value < minimum:
            self.fail(f"{self.path(key)} should be {expected}, found {number(value)}")
        if value > maximum:
            self.fail(f"{self.path(key)} is {number(value)}, beyond anything a run records (at most {maximum:g})")
        return int(value)

    def child(self, key: str, *, optional: bool = False) -> Reader:
        """The object under `key`; an optional one that is absent reads as empty."""
        value = self.obj.get(key)
        if value is None:
            if not optional:
                self.fail(f"{self.path(key)} is missing (expected an object)")
            value = {}
        return Reader(value, self.file, self.path(key))

    def items(self, key: str, default: Any = _MISSING, *,
              max_items: int = MAX_ITEMS) -> Iterator[tuple[int, object, str]]:
        """(index, value, path) of a list field of at most `max_items` entries."""
        value = self._get(key, default, "a list")
        if value is default:
            return iter(())
        if not isinstance(value, list):
            self._wrong(key, "a list", value)
        if len(value) > max_items:
            self.fail(f"{self.path(key)} has {len(value):,} entries; at most {max_items:,} are accepted")
        return ((i, item, f"{self.path(key)}[{i}]") for i, item in enumerate(value))

    def names(self, pattern: re.Pattern[str] | None = None, what: str = "",
              max_items: int = MAX_ITEMS) -> list[str]:
        """The object's keys; each must fullmatch `pattern` (a key that doesn't is not `what`)."""
        where = self.where or "the top level"
        if len(self.obj) > max_items:
            self.fail(f"{where} has {len(self.obj):,} entries; at most {max_items:,} are accepted")
        for name in self.obj:
            if pattern is not None and not (isinstance(name, str) and pattern.fullmatch(name)):
                self.fail(f"{where} has the key {quote(str(name))}, which is not {what}")
        return list(self.obj)
