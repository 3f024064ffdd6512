"""HTML built by construction, with MarkupSafe: a string is escaped unless it is
``Markup`` made by our own code. No decision ever depends on what a string says.

Templates are ``Markup`` literals and ``Markup.format`` escapes every argument that
isn't ``Markup`` already, so a value from a results file can only ever be text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from markupsafe import Markup, escape

__all__ = ["Cell", "Markup", "cell", "code_spans", "escape", "join", "table", "tag"]

_BACKTICKS = re.compile(r"`([^`]+)`")
# Attribute names are ours, never from a file; refuse anything else early.
_ATTR_NAME = re.compile(r"[a-z][a-z0-9-]*")


def code_spans(text: str) -> Markup:
    """Our own sentence (a label, a claim) with `backticked` parts as <code>.

    The text is escaped first; only then do backticks become tags, so nothing in it
    can open a tag of its own.
    """
    return Markup(_BACKTICKS.sub(r"<code>\1</code>", str(escape(text))))


def join(parts: Iterable[object], sep: str | Markup = "") -> Markup:
    """Concatenate fragments; plain strings among them are escaped."""
    return Markup(sep).join(escape(part) for part in parts)


def tag(name: str, content: object = "", **attrs: object) -> Markup:
    """``<name attr="…">content</name>``; ``class_`` becomes ``class``; None drops an attribute.

    Every value and the content go through ``escape`` (Markup passes as it is). Built with
    plain string joins rather than ``Markup.format``: a page of tables makes tens of
    thousands of tags, and the formatter took ~25 µs of each one's ~30."""
    parts = ["<", name]
    for key, value in attrs.items():
        attr = _attribute(key)
        if value is not None:
            parts += (" ", attr, '="', escape(value), '"')
    parts += (">", escape(content), "</", name, ">")
    return Markup("".join(parts))


@functools.cache
def _attribute(key: str) -> str:
    """A keyword argument's attribute name: class_ -> class, aria_label -> aria-label."""
    attr = key.rstrip("_").replace("_", "-")
    if not _ATTR_NAME.fullmatch(attr):
        raise ValueError(f"bad attribute name {attr!r}")
    return attr


class Cell(Markup):
    """A finished ``<td>``/``<th>`` (made by ``cell``), for cells with their own attributes."""


def cell(content: object = "", *, header: bool = False, **attrs: object) -> Cell:
    return Cell(tag("th" if header else "td", content, **attrs))


def table(head: Iterable[object], rows: Iterable[Iterable[object]], *, row_headers: bool = False,
          wrap: bool = False) -> Markup:
    """A Material-styled table: every cell escaped unless it is Markup.

    A cell, a header one too, may be a ``Cell`` (from ``cell``) when it needs attributes of its own;
    ``row_headers`` makes each row's first cell a <th>; an empty ``head`` leaves out the header row.
    """
    head_html = join(h if isinstance(h, Cell) else tag("th", h) for h in head)
    body = []
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, Cell):
                cells.append(value)
            else:
                cells.append(tag("th" if row_headers and index == 0 else "td", value))
        body.append(tag("tr", join(cells)))
    # No header cells (a table of facts, one per row): no header row at all.
    inner = (tag("thead", tag("tr", head_html)) if head_html else Markup()) + tag("tbody", join(body))
    css = "tb-table tb-wrap" if wrap else "tb-table"  # wrap: prose cells; otherwise numbers stay on one line
    return tag("div", tag("table", inner), class_=css)
