"""The one kind of error tipsbench shows users: a file and what is wrong with it, on
one line. Results files and checkpoints both come from strangers, so both report
problems this way, never as a traceback."""

from __future__ import annotations

import os


class FileProblem(ValueError):
    """A file that can't be used; the message is ``"<path>: <problem>"``, one line."""

    def __init__(self, path: os.PathLike | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


def open_problem(exc: OSError, what: str) -> str:
    """Why a file couldn't be opened, in words: `what` names the kind of file expected."""
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return f"is a directory, not {what}"
    return f"cannot be read ({exc.strerror or type(exc).__name__})"
