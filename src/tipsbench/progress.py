"""What ``tipsbench run`` and ``tipsbench check`` show while the suite runs: which
family and case, how many are done, the time left, and a one-screen summary at the end.

A pytest plugin that replaces pytest's own terminal reporter (as pytest-sugar does),
whose output is 700 dots and a 700-row table for a full run. On a terminal it draws a progress bar
with rich; when output goes to a file or CI (``CI`` set) it prints a plain line at most
every few seconds, so a log stays readable. Failures and errors are listed at the end
with their last line, so nothing pytest would have said is lost.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pytest

PLAIN_EVERY_S = 10.0
PYTEST_ARGS = ("--benchmark-quiet",)  # no 700-row table: this plugin reports instead


def family_of(nodeid: str) -> str:
    """benchmarks/test_save_load.py::test_save_load[...] -> save_load."""
    return Path(nodeid.split("::", 1)[0]).stem.removeprefix("test_")


def duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


@dataclass
class Tally:
    passed: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    skip_reasons: dict[str, int] = field(default_factory=dict)


class Progress:
    def __init__(self, stream: TextIO | None = None, *, fancy: bool | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.stream = stream or sys.stderr
        if fancy is None:
            fancy = self.stream.isatty() and not os.environ.get("CI")
        self.fancy = fancy
        self.clock = clock
        self.total = 0
        self.done = 0
        self.started = 0.0
        self.last_line = float("-inf")
        self.family = ""
        self.tallies: dict[str, Tally] = {}
        self.problems: list[str] = []
        self._bar = None
        self._task = None

    # -- what is left -------------------------------------------------------------------

    def estimate(self) -> str:
        elapsed = self.clock() - self.started
        if not self.done:
            return f"{duration(elapsed)} elapsed"
        left = elapsed / self.done * (self.total - self.done)
        return f"{duration(elapsed)} elapsed, ~{duration(left)} left"

    def line(self) -> str:
        share = self.done / self.total if self.total else 1.0
        return f"tipsbench: [{self.done:>{len(str(self.total))}}/{self.total} {share:4.0%}] {self.family} · {self.estimate()}"

    # -- pytest hooks ---------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        # Options such as -ra still parse; only the reporter that would print them goes.
        reporter = config.pluginmanager.getplugin("terminalreporter")
        if reporter is not None:
            config.pluginmanager.unregister(reporter)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = len(session.items)
        self.started = self.clock()
        if self.fancy:
            self._start_bar()

    def pytest_runtest_logstart(self, nodeid: str, location) -> None:
        self.family = family_of(nodeid)
        if self._bar is not None:
            self._bar.update(self._task, description=self._describe(nodeid))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        tally = self.tallies.setdefault(family_of(report.nodeid), Tally())
        tally.seconds += report.duration
        if report.skipped and report.when in ("setup", "call"):
            tally.skipped += 1
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            reason = reason.removeprefix("Skipped: ")
            # "h2d_pinned: no CUDA device…": the case's name first; group by what follows.
            head, sep, rest = reason.partition(": ")
            if sep and " " not in head:
                reason = rest
            tally.skip_reasons[reason] = tally.skip_reasons.get(reason, 0) + 1
        elif report.failed:
            tally.failed += 1
            last = (str(report.longrepr).strip().splitlines() or ["?"])[-1]
            self.problems.append(f"{report.nodeid} ({report.when}): {last[:300]}")
        elif report.passed and report.when == "call":
            tally.passed += 1

    def pytest_runtest_logfinish(self, nodeid: str, location) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)
        elif self.clock() - self.last_line >= PLAIN_EVERY_S or self.done == self.total:
            self.last_line = self.clock()
            print(self.line(), file=self.stream, flush=True)

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            last = (str(report.longrepr).strip().splitlines() or ["?"])[-1]
            self.problems.append(f"{report.nodeid or 'collection'}: {last[:300]}")

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        print(self.summary(), file=self.stream, flush=True)

    # -- output ---------------------------------------------------------------------------

    def summary(self) -> str:
        """One screen: per family what passed, was skipped (with why) and failed."""
        lines = [f"tipsbench: {self.done} of {self.total} benchmarks ran in {duration(self.clock() - self.started)}"]
        width = max((len(f) for f in self.tallies), default=0)
        for name in sorted(self.tallies):
            t = self.tallies[name]
            parts = [f"{t.passed} passed"] + ([f"{t.skipped} skipped"] if t.skipped else []) \
                + ([f"{t.failed} FAILED"] if t.failed else [])
            lines.append(f"  {name:<{width}}  {', '.join(parts)} · {duration(t.seconds)}")
            for reason, n in sorted(t.skip_reasons.items(), key=lambda item: -item[1])[:3]:
                lines.append(f"  {'':<{width}}    skipped ×{n}: {reason[:120]}")
        if self.problems:
            lines.append("failures and errors:")
            lines += [f"  {problem}" for problem in self.problems[:20]]
            if len(self.problems) > 20:
                lines.append(f"  … and {len(self.problems) - 20} more")
        return "\n".join(lines)

    def _describe(self, nodeid: str) -> str:
        case = nodeid.split("[", 1)[1].rstrip("]") if "[" in nodeid else ""
        return f"{family_of(nodeid)} {case}"[:60]

    def _start_bar(self) -> None:
        try:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as Bar
        except ImportError:  # rich is optional on a bare benchmark machine: plain lines then
            self.fancy = False
            return
        from rich.console import Console

        self._bar = Bar(TextColumn("{task.description:<60}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), TimeRemainingColumn(), console=Console(file=self.stream),
                        transient=True)
        self._bar.start()
        self._task = self._bar.add_task("", total=self.total)
