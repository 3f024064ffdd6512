"""Charts as inline SVG: throughput vs size, and timings across torch releases.

Built element by element with the HTML helpers (``tag``, ``Markup``), not drawn with
matplotlib. These charts are small and fully specified (two log axes, a few lines, a
legend), and matplotlib cost ~0.2 s a chart plus ~1 s to import, most of a site build
with many machines; here a chart takes a few milliseconds. Building the SVG ourselves is
also safer: every string (series names, titles, labels, most from a results file) goes
through ``tag`` and is escaped by construction, where matplotlib's SVG had to be patched
afterwards with regexes (ids, fonts, colours) and its text parser kept away from ``$…$``
and names starting with "_".

Inline, so the page's CSS reaches inside: all ink (text, axes, grid, marks) is
``currentColor`` and follows Material's light/dark palette, and text stays ``<text>``
in the page's own font (``font-family: inherit``; legend names in the code font), so the
reader's browser draws Chinese with its CJK font. Nothing here measures text: widths are
estimated (~0.6 em a Latin character, 1 em a CJK or full-width one), generously, to size
margins, wrap long names and keep labels, plot and legend apart. The SVG has no ids (no
clash between charts on a page) and no dates: the same input draws the same bytes.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tipsbench import fmt
from tipsbench.render.html import Markup, join, tag

# Mid-tone colours that stay readable on both Material's light and slate backgrounds.
PALETTE = ("#e8590c", "#1c7ed6", "#2f9e44", "#ae3ec9", "#f59f00", "#0c8599",
           "#e64980", "#5c7cfa", "#74b816", "#868e96", "#d6336c", "#15aabf")

# Layout, in viewBox units (the SVG scales to the column's width, CSS .tb-chart).
WIDTH = 750
PLOT_HEIGHT = 300
PAD = 10                # around the whole chart
RIGHT = 24              # right of the plot
TICK = 5                # tick length
TITLE_SIZE, LABEL_SIZE, TICK_SIZE, LEGEND_SIZE, NOTE_SIZE = 16, 14, 13, 12, 11
LINE = 1.3              # line height, in ems
SAMPLE = 26             # a legend entry's line sample
TURN = math.radians(55)  # crowded release labels are turned this much
# Fewest units between two labelled ticks of a log axis (labels are one line high).
Y_TICK_GAP = 24
CODE_FONT = "font-family: var(--md-code-font-family, monospace)"


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[float, float], ...]  # (bytes, bytes per second)


@dataclass(frozen=True)
class ReleaseSeries:
    name: str
    points: tuple[tuple[int, float], ...]  # (index of the release on the x axis, seconds)


def throughput_chart(series: Sequence[Series], *, title: str, x_label: str, y_label: str,
                     ceiling: tuple[str, float] | None = None,
                     marks: Sequence[tuple[str, float]] = ()) -> Markup:
    """Inline SVG: one line per series, throughput (GB/s, log) against size (bytes, log2),
    with an optional dashed ceiling line and dotted vertical marks (cache sizes). The SVG
    has no ids: several charts on a page can't clash."""
    lines = [sorted((math.log2(x), math.log10(y / 1e9)) for x, y in s.points if _positive(x) and _positive(y))
             for s in series]
    marks = [(name, math.log2(x)) for name, x in marks if _positive(x)]
    ceiling_at = math.log10(ceiling[1] / 1e9) if ceiling and _positive(ceiling[1]) else None
    xs = [x for line in lines for x, _ in line] + [x for _, x in marks]
    ys = [y for line in lines for _, y in line] + ([ceiling_at] if ceiling_at is not None else [])
    y_axis = _log_axis(*_padded(ys, 1.0), lambda v: f"{v:g}")
    x_lo, x_hi = _padded(xs, 2.0, default=(10.0, 20.0))

    def x_axis(plot_width: float) -> _XAxis:
        return _size_axis(x_lo, x_hi, plot_width)

    legend = [_Entry(s.name, PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]
    if ceiling and ceiling_at is not None:
        legend.append(_Entry(ceiling[0], None))
    chart = _Layout(title, x_label, y_label, y_axis, x_axis, [(x, name) for name, x in marks], legend)
    drawn = [chart.path([line], entry.colour) for line, entry in zip(lines, legend, strict=False)]
    if ceiling_at is not None:
        drawn.insert(0, chart.hline(ceiling_at))
    return chart.svg(drawn)


def release_chart(series: Sequence[ReleaseSeries], releases: Sequence[str], *, title: str, x_label: str,
                  y_label: str, changes: Sequence[tuple[float, str]] = ()) -> Markup:
    """Inline SVG: one line per headline figure, its median time (log scale) per torch
    release (or per run of one machine); a point a figure wasn't measured at is a gap in
    its line. `changes` draws a dotted line at an x position (a new torch), labelled when
    there are at most four (more would crowd; the x labels name each point's torch)."""
    lines = [sorted((x, math.log10(y)) for x, y in s.points if math.isfinite(x) and _positive(y)) for s in series]
    ys = [y for line in lines for _, y in line]
    y_axis = _log_axis(*_padded(ys, 1.0, default=(-6.0, -3.0)), lambda v: fmt.duration(v).replace(" ", "\u00a0"))
    xs = [x for line in lines for x, _ in line] + [x for x, _ in changes if math.isfinite(x)]
    lo = min([-0.5, *(x - 0.5 for x in xs)])
    hi = max([len(releases) - 0.5, lo + 1, *(x + 0.5 for x in xs)])
    labels = list(releases)

    def x_axis(plot_width: float) -> _XAxis:
        slot = plot_width / (hi - lo)
        # Long or many labels are turned, or they would run into each other.
        turned = sum(len(label) for label in labels) > 70 or \
            any(_width(label, TICK_SIZE) > slot - 6 for label in labels)
        return _XAxis(lo, hi, [(float(i), label) for i, label in enumerate(labels)],
                      size=NOTE_SIZE if turned else TICK_SIZE, turned=turned)

    notes = [(x, name if len(changes) <= 4 else "") for x, name in changes if math.isfinite(x) and lo <= x <= hi]
    legend = [_Entry(s.name, PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]
    chart = _Layout(title, x_label, y_label, y_axis, x_axis, notes, legend)
    # A new segment wherever an index is skipped: no line across a release not measured.
    drawn = []
    for line, entry in zip(lines, legend, strict=False):
        runs: list[list[tuple[float, float]]] = []
        for x, y in line:
            if runs and x == runs[-1][-1][0] + 1:
                runs[-1].append((x, y))
            else:
                runs.append([(x, y)])
        drawn.append(chart.path(runs, entry.colour))
    return chart.svg(drawn)


# --- axes ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _YAxis:
    lo: float                           # log10 of the bottom of the plot
    hi: float
    ticks: list[tuple[float, str]]      # (log10 of the value, its label)
    minor: list[float]                  # unlabelled ticks (2…9 of each decade, when only decades are labelled)


@dataclass(frozen=True)
class _XAxis:
    lo: float
    hi: float
    ticks: list[tuple[float, str]]
    size: float = TICK_SIZE
    turned: bool = False                # labels turned by TURN, anchored at their end


def _positive(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def _padded(values: list[float], least: float, default: tuple[float, float] = (-1.0, 1.0)) -> tuple[float, float]:
    """The data's range, at least `least` wide (around its middle), with 4% to spare on
    each side so no marker sits on an axis."""
    if not values:
        return default
    lo, hi = min(values), max(values)
    if hi - lo < least:
        middle = (lo + hi) / 2
        lo, hi = middle - least / 2, middle + least / 2
    spare = (hi - lo) * 0.04
    return lo - spare, hi + spare


def _decade_ticks(lo: float, hi: float, mantissas: tuple[int, ...], step: int) -> list[tuple[float, int, int]]:
    """(log10 value, mantissa, exponent) of each tick within [lo, hi]: `mantissas` of
    every `step`-th decade."""
    found = []
    for exponent in range(math.floor(lo) - 1, math.ceil(hi) + 1):
        if exponent % step:
            continue
        for m in mantissas:
            at = exponent + math.log10(m)
            if lo - 1e-9 <= at <= hi + 1e-9:
                found.append((at, m, exponent))
    return found


def _log_axis(lo: float, hi: float, label: Callable[[float], str]) -> _YAxis:
    """Ticks of a log10 axis PLOT_HEIGHT tall and at least a decade long (``_padded``):
    at 1, 2 and 5 of each decade (three at least, in any decade-long range) when they are
    Y_TICK_GAP apart, else at each decade (with unlabelled ticks at 2…9), or at every
    2nd, 3rd, 5th, 10th… decade of a wide range."""
    per_decade = PLOT_HEIGHT / (hi - lo)
    if math.log10(2) * per_decade >= Y_TICK_GAP:
        mantissas, step = (1, 2, 5), 1
    else:
        mantissas = (1,)
        steps = [step * scale for scale in (1, 10, 100, 1000) for step in (1, 2, 3, 5)]
        step = next((step for step in steps if step * per_decade >= Y_TICK_GAP), steps[-1])
    ticks = _decade_ticks(lo, hi, mantissas, step)
    minor = []
    if step == 1 and mantissas == (1,) and per_decade >= 40:
        minor = [at for at, _, _ in _decade_ticks(lo, hi, (2, 3, 4, 5, 6, 7, 8, 9), 1)]
    # float(f"{m}e{e}"): 0.2, not 0.20000000000000001 from 2 * 10 ** -1.
    return _YAxis(lo, hi, [(at, label(float(f"{m}e{e}"))) for at, m, e in ticks], minor)


def _size_axis(lo: float, hi: float, plot_width: float) -> _XAxis:
    """A log2 axis of byte sizes: a tick every 1, 2, 4, 5, 10… octaves, as close as the
    labels allow ('1 KiB', '4 KiB', …, with non-breaking spaces)."""
    per_octave = plot_width / (hi - lo)
    first, last = max(math.ceil(lo), 0), math.floor(hi)
    if first > last:  # sizes under a byte: junk, but still an axis
        first = math.ceil(lo)

    def size_label(exponent: int) -> str:
        return fmt.size(2.0 ** exponent).replace(" ", "\u00a0")

    for step in (1, 2, 4, 5, 10, 20, 30, 40, 50, 100, 200, 500, 1000):
        chosen = [e for e in range(first, last + 1) if e % step == 0]
        widest = max((_width(size_label(e), TICK_SIZE) for e in chosen), default=0.0)
        if step * per_octave >= widest + 8:
            break
    return _XAxis(lo, hi, [(float(e), size_label(e)) for e in chosen])


# --- text ---------------------------------------------------------------------------------

# In the page's sans-serif (system fonts: Arial, Helvetica, DejaVu…), in ems: generous,
# so an estimate errs towards room to spare, never towards overlap.
_NARROW = frozenset(" \u00a0.,:;'!|()[]-·ijlI")
_BROAD = frozenset("mwMW@%")


def _char_width(char: str, code: bool = False) -> float:
    """Estimated advance of one character, in ems (`code`: in a monospace font)."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
        return 0.0
    if code:
        return 0.6
    return 0.32 if char in _NARROW else 0.9 if char in _BROAD else 0.6


def _width(text: str, size: float, code: bool = False) -> float:
    return size * sum(_char_width(c, code) for c in text)


def _wrap(text: str, width: float, size: float, code: bool = False) -> list[str]:
    """Lines of at most `width` (estimated), broken after a space or beside a wide
    character where possible, else anywhere. The lines joined give back the text exactly."""
    if _width(text, size, code) <= width:
        return [text]
    advances = [_char_width(c, code) * size for c in text]
    lines, start, used, after = [], 0, 0.0, -1  # `after`: where the current line may end
    for i, char in enumerate(text):
        if used + advances[i] > width and i > start and not char.isspace():
            cut = after if after > start else i
            lines.append(text[start:cut])
            start, used, after = cut, sum(advances[cut:i]), -1
        used += advances[i]
        # A line may end after a space or a wide character, or before a wide one.
        if char.isspace() or advances[i] >= size or (i + 1 < len(text) and advances[i + 1] >= size):
            after = i + 1
    lines.append(text[start:])
    return lines


def _n(value: float) -> str:
    """A coordinate: one decimal, none when it is zero."""
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def _text(lines: list[str], x: float, y: float, size: float, *, turn: float | None = None) -> Markup:
    """A <text> at baseline (x, y) (its size, anchor and font come from its group); more
    lines go one line height further (down, or right of text turned by -90°), as <tspan>s
    of the same element, so its text is still the whole string."""
    if len(lines) == 1:
        content: object = lines[0]
    else:
        content = join(tag("tspan", line, x=_n(x), y=_n(y + i * size * LINE)) for i, line in enumerate(lines))
    rotate = None if turn is None else f"rotate({_n(turn)} {_n(x)} {_n(y)})"
    return tag("text", content, x=_n(x), y=_n(y), transform=rotate)


def _texts(texts: list[Markup], size: float, anchor: str | None = None, **attrs: str) -> Markup:
    """Texts that share a size, an anchor and other attributes, in one <g>."""
    if not texts:
        return Markup()
    return tag("g", join(texts), font_size=_n(size), text_anchor=anchor, **attrs)


def _dots(points: list[tuple[float, float]]) -> str:
    """A marker per point, as a path's data: a zero-length segment drawn with round caps
    is a dot as wide as the stroke (one element for all of a series' markers)."""
    return " ".join(f"M{_n(x)} {_n(y)}h0" for x, y in points)


# --- layout and drawing -------------------------------------------------------------------

@dataclass(frozen=True)
class _Entry:
    name: str
    colour: str | None  # None: the ceiling, a dashed line in the page's ink


class _Layout:
    """Where everything goes. Top to bottom: title, the labels of marks (rows, so none
    overlaps another), the plot, x tick labels, x axis label, legend (one row per entry).
    Left to right: y axis label (turned), y tick labels, plot."""

    def __init__(self, title: str, x_label: str, y_label: str, y_axis: _YAxis,
                 x_axis: Callable[[float], _XAxis], notes: list[tuple[float, str]], legend: list[_Entry]):
        self.y_axis, self.legend_entries = y_axis, legend
        self.title = title
        self.y_lines = _wrap(y_label, PLOT_HEIGHT, LABEL_SIZE) if y_label else []
        tick_width = max((_width(label, TICK_SIZE) for _, label in y_axis.ticks), default=0.0)
        self.left = PAD + len(self.y_lines) * LABEL_SIZE * LINE + 6 + tick_width + TICK + 4
        self.plot_width = WIDTH - self.left - RIGHT
        self.x_axis = x_axis(self.plot_width)
        if self.x_axis.turned:
            # A turned label reaches left of its tick by its width × cos(TURN): keep the
            # first ones inside the chart.
            need = max((_width(label, self.x_axis.size) * math.cos(TURN) + self.x_axis.size * 0.7
                        - (at - self.x_axis.lo) / (self.x_axis.hi - self.x_axis.lo) * self.plot_width
                        for at, label in self.x_axis.ticks), default=0.0)
            if PAD + need > self.left:
                self.left = PAD + need
                self.plot_width = WIDTH - self.left - RIGHT
                self.x_axis = x_axis(self.plot_width)
        self.title_lines = _wrap(title, WIDTH - 2 * PAD, TITLE_SIZE) if title else []
        self.note_rows = self._note_rows(notes)
        rows = 1 + max((row for *_, row in self.note_rows), default=-1)
        self.top = PAD + len(self.title_lines) * TITLE_SIZE * LINE + 8 + rows * NOTE_SIZE * LINE
        self.bottom = self.top + PLOT_HEIGHT
        # Below the plot: tick labels, the axis label, the legend.
        xs = self.x_axis
        if xs.turned:
            widest = max((_width(label, xs.size) for _, label in xs.ticks), default=0.0)
            self.ticks_height = TICK + 4 + widest * math.sin(TURN) + xs.size * 1.1
        else:
            self.ticks_height = TICK + 4 + xs.size * LINE
        self.x_lines = _wrap(x_label, WIDTH - 2 * PAD, LABEL_SIZE) if x_label else []
        self.legend_top = self.bottom + self.ticks_height + len(self.x_lines) * LABEL_SIZE * LINE + 10
        self.legend_x = self.left
        room = WIDTH - PAD - (self.legend_x + SAMPLE + 8)
        self.legend_lines = [_wrap(entry.name, room, LEGEND_SIZE, code=True) for entry in legend]
        self.height = self.legend_top + sum(len(lines) for lines in self.legend_lines) * LEGEND_SIZE * LINE + PAD

    def x(self, at: float) -> float:
        xs = self.x_axis
        return self.left + (at - xs.lo) / (xs.hi - xs.lo) * self.plot_width

    def y(self, at: float) -> float:
        ys = self.y_axis
        return self.top + (ys.hi - at) / (ys.hi - ys.lo) * PLOT_HEIGHT

    def _note_rows(self, notes: list[tuple[float, str]]) -> list[tuple[float, str, float, str, int]]:
        """(x of its line, label, x of the label, anchor, row) per note: the label right of
        its line, or left of it near the right edge, in the lowest row above the plot
        where it overlaps no other label (row -1: no label)."""
        placed, taken = [], []  # taken: (row, left, right)
        for at, label in notes:
            x = self.x(at)
            if not label:
                placed.append((x, label, x, "start", -1))
                continue
            width = _width(label, NOTE_SIZE)
            anchor, left = ("start", x + 3) if x + 3 + width <= WIDTH - PAD else ("end", x - 3 - width)
            row = 0
            while any(r == row and left < end + 6 and left + width + 6 > start for r, start, end in taken):
                row += 1
            taken.append((row, left, left + width))
            placed.append((x, label, x + 3 if anchor == "start" else x - 3, anchor, row))
        return placed

    # Pieces, each a Markup fragment.

    def path(self, runs: list[list[tuple[float, float]]], colour: str) -> Markup:
        """A series: its line (one sub-path per run of points) and a dot per point."""
        at = [[(self.x(x), self.y(y)) for x, y in run] for run in runs if run]
        if not at:
            return Markup()
        line = " ".join("M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in run) for run in at)
        return tag("g", join([tag("path", d=line, stroke_width="2", stroke_linejoin="round"),
                              tag("path", d=_dots([p for run in at for p in run]), stroke_width="5.6",
                                  stroke_linecap="round")]), fill="none", stroke=colour)

    def hline(self, at: float) -> Markup:
        y = _n(self.y(at))
        return tag("path", d=f"M{_n(self.left)} {y} H{_n(self.left + self.plot_width)}", stroke="currentColor",
                   stroke_width="1.2", stroke_dasharray="7 4", opacity="0.6")

    def svg(self, drawn: list[Markup]) -> Markup:
        xs, ys = self.x_axis, self.y_axis
        left, right, top, bottom = self.left, self.left + self.plot_width, self.top, self.bottom
        parts: list[object] = [tag("title", self.title)]
        # Grid, then marks, then the data, then axes and text on top.
        grid = [f"M{_n(left)} {_n(self.y(at))} H{_n(right)}" for at, _ in ys.ticks]
        grid += [f"M{_n(self.x(at))} {_n(top)} V{_n(bottom)}" for at, _ in xs.ticks]
        parts.append(tag("path", d=" ".join(grid), stroke="currentColor", stroke_width="1", opacity="0.15"))
        # A labelled mark's line reaches up to its label's row.
        marks = [f"M{_n(x)} {_n(top - (row + 1) * NOTE_SIZE * LINE + 4 if label else top)} V{_n(bottom)}"
                 for x, label, _, _, row in self.note_rows]
        if marks:
            parts.append(tag("path", d=" ".join(marks), stroke="currentColor", stroke_width="1",
                             stroke_dasharray="2 3", opacity="0.45"))
        for anchor in ("start", "end"):
            parts.append(_texts([_text([label], label_x, top - 4 - row * NOTE_SIZE * LINE, NOTE_SIZE)
                                 for _, label, label_x, where, row in self.note_rows if label and where == anchor],
                                NOTE_SIZE, None if anchor == "start" else "end", opacity="0.8"))
        parts += drawn
        # Axes: left and bottom only, with ticks outside.
        ticks = [f"M{_n(left - TICK)} {_n(self.y(at))} h{TICK}" for at, _ in ys.ticks]
        ticks += [f"M{_n(left - TICK * 0.6)} {_n(self.y(at))} h{_n(TICK * 0.6)}" for at in ys.minor]
        ticks += [f"M{_n(self.x(at))} {_n(bottom)} v{TICK}" for at, _ in xs.ticks]
        parts.append(tag("path", d=f"M{_n(left)} {_n(top)} V{_n(bottom)} H{_n(right)} " + " ".join(ticks),
                         fill="none", stroke="currentColor", stroke_width="1"))
        parts.append(_texts([_text([label], left - TICK - 4, self.y(at) + TICK_SIZE * 0.35, TICK_SIZE)
                             for at, label in ys.ticks], TICK_SIZE, "end"))
        labels = []
        for at, label in xs.ticks:
            x = self.x(at)
            if xs.turned:
                # Anchored at its end, a little right of the tick so that the middle of
                # the turned text (not its baseline's end) meets it.
                labels.append(_text([label], x + xs.size * 0.3, bottom + TICK + 3 + xs.size * 0.45, xs.size,
                                    turn=-math.degrees(TURN)))
            else:
                half = _width(label, xs.size) / 2
                x = min(max(x, PAD + half), WIDTH - PAD - half)  # the last label stays inside the chart
                labels.append(_text([label], x, bottom + TICK + 4 + xs.size * 0.8, xs.size))
        parts.append(_texts(labels, xs.size, "end" if xs.turned else "middle"))
        if self.title_lines:
            parts.append(_texts([_text(self.title_lines, WIDTH / 2, PAD + TITLE_SIZE * 0.9, TITLE_SIZE)],
                                TITLE_SIZE, "middle"))
        if self.x_lines:
            middle = (left + right) / 2
            half = max(_width(line, LABEL_SIZE) for line in self.x_lines) / 2
            middle = min(max(middle, PAD + half), WIDTH - PAD - half)
            parts.append(_texts([_text(self.x_lines, middle, bottom + self.ticks_height + LABEL_SIZE * 0.9,
                                       LABEL_SIZE)], LABEL_SIZE, "middle"))
        if self.y_lines:
            parts.append(_texts([_text(self.y_lines, PAD + LABEL_SIZE * 0.85, (top + bottom) / 2, LABEL_SIZE,
                                       turn=-90)], LABEL_SIZE, "middle"))
        parts.append(self._legend())
        width, height = _n(WIDTH), _n(math.ceil(self.height))
        return Markup('<svg class="tb-chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}" '
                      'fill="currentColor" style="font-family: inherit; white-space: pre">{}</svg>').format(
            self.title, width, height, width, height, join(parts))

    def _legend(self) -> Markup:
        """Below everything else: a line sample (with a dot for a series, dashed for the
        ceiling) and the name in the code font, one row (or more, wrapped) per entry."""
        samples, names = [], []
        y, x = self.legend_top, self.legend_x
        for entry, lines in zip(self.legend_entries, self.legend_lines, strict=True):
            middle = y + LEGEND_SIZE * LINE / 2
            line = f"M{_n(x)} {_n(middle)} h{SAMPLE}"
            if entry.colour is None:
                samples.append(tag("path", d=line, stroke="currentColor", stroke_width="1.2",
                                   stroke_dasharray="7 4", opacity="0.6"))
            else:
                samples.append(tag("path", d=line, stroke=entry.colour, stroke_width="2"))
                samples.append(tag("path", d=_dots([(x + SAMPLE / 2, middle)]), stroke=entry.colour,
                                   stroke_width="5.6", stroke_linecap="round"))
            names.append(_text(lines, x + SAMPLE + 8, middle + LEGEND_SIZE * 0.35, LEGEND_SIZE))
            y += len(lines) * LEGEND_SIZE * LINE
        return join([tag("g", join(samples), fill="none"), _texts(names, LEGEND_SIZE, style=CODE_FONT)])
