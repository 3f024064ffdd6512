"""Tip families: one package each (numpy_tensor, save_load, transfer, …).

A family package may hold ``records`` (its typed result fields), ``claims`` (checked
statements) and ``views`` (page markers); its ``__init__`` may name the command that
makes its results (``REPRODUCE``) where that isn't its benchmarks under ``tipsbench run``. The registries find them here; nothing
else lists families, so adding one is adding its package. Keep each family's
``__init__`` light: discovery imports it.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import pkgutil
from types import ModuleType


@functools.cache
def names() -> tuple[str, ...]:
    """The family packages, sorted."""
    return tuple(sorted(info.name for info in pkgutil.iter_modules(__path__) if info.ispkg))


@functools.cache
def discover(part: str) -> tuple[ModuleType, ...]:
    """Import ``tipsbench.families.<family>.<part>`` for every family that has one.

    Once per process: the registries (claims, renderers, record types, tips) call this on
    every lookup, and a page build looks things up hundreds of times.
    """
    found = []
    for family in names():
        name = f"{__name__}.{family}.{part}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return tuple(found)


@functools.cache
def tips() -> tuple[str, ...]:
    """The tip id (``TIP``) of every family whose results a run records, sorted."""
    found = []
    for family in names():
        module = importlib.import_module(f"{__name__}.{family}")
        if hasattr(module, "TIP"):
            found.append(module.TIP)
    return tuple(sorted(found))


def reproduce_command(family: str, profile: str) -> str:
    """The command that makes a family's results on a profile: the family's REPRODUCE
    (a format string with {profile}), else its benchmarks under `tipsbench run`
    (benchmarks/test_<family>.py)."""
    package = importlib.import_module(f"{__name__}.{family}")
    command = getattr(package, "REPRODUCE", "tipsbench run --profile {profile} -- -k test_{family}")
    return command.format(profile=profile, family=family)
