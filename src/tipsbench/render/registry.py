"""Markers in hand-written pages, and the renderers that replace them.

A page says where generated content goes with an HTML comment on its own line:

    <!-- tipsbench:table tip=numpy dtype=float32 ceiling=memcpy_bytes_per_s -->

``kind`` picks a renderer registered with ``@renderer("kind")``; the key=value pairs
are its arguments. A renderer gets a PageContext (locale, runs, a warn function) and
returns an HTML fragment in which every string from a results file is escaped.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from tipsbench.render.labels import label
from tipsbench.results import Run

# Modules whose renderers are registered on import: one per family of content.
RENDER_MODULES = (
    "tipsbench.render.common",
    "tipsbench.render.numpy_views",
    "tipsbench.render.save_load_views",
    "tipsbench.render.tips_views",
    "tipsbench.render.gpu_views",
)

MARKER = re.compile(r"<!--\s*tipsbench:([a-z][a-z0-9_-]*)((?:\s+[a-z][a-z0-9_.-]*=[^\s>]+)*)\s*-->")
ARG = re.compile(r"([a-z][a-z0-9_.-]*)=([^\s>]+)")


class MarkerError(ValueError):
    """A marker a page can't be built with (unknown kind, bad argument)."""


@dataclass(frozen=True)
class PageContext:
    locale: str
    page: str  # the page's source path, for messages
    runs: tuple[Run, ...]
    warn: Callable[[str], None]

    def label(self, key: str, **values: object) -> str:
        return label(key, self.locale, **values)


Renderer = Callable[[PageContext, dict], str]
_RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        _RENDERERS[kind] = fn
        return fn

    return register


def renderers() -> dict[str, Renderer]:
    for module in RENDER_MODULES:
        importlib.import_module(module)
    return dict(_RENDERERS)


def render_markers(markdown: str, ctx: PageContext) -> str:
    """Replace every marker; a bad marker becomes a warning and a visible notice."""
    available = renderers()

    def replace(match: re.Match) -> str:
        kind, raw_args = match.group(1), match.group(2)
        args = dict(ARG.findall(raw_args))
        fn = available.get(kind)
        if fn is None:
            ctx.warn(f"{ctx.page}: unknown tipsbench marker '{kind}' (known: {', '.join(sorted(available))})")
            return match.group(0)
        try:
            html = fn(ctx, args)
        except MarkerError as exc:
            ctx.warn(f"{ctx.page}: tipsbench:{kind}: {exc}")
            return match.group(0)
        # Blank lines around the fragment make Markdown treat it as a raw HTML block.
        return f"\n\n{html}\n\n"

    return MARKER.sub(replace, markdown)


def require(args: dict, key: str) -> str:
    if key not in args:
        raise MarkerError(f"missing argument '{key}='")
    return args[key]
