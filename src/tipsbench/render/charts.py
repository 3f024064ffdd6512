"""Charts as inline SVG: throughput vs size, and timings across torch releases.

Inline, so the page's CSS reaches inside: text and axes use ``currentColor`` and
follow the light/dark palette, and text stays text (``svg.fonttype: none``) so the
reader's browser draws Chinese labels with its own CJK font. matplotlib's default
font has no Han glyphs, which is fine here: it only lays the text out.
"""

from __future__ import annotations

import functools
import io
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tipsbench import buildcache
from tipsbench.render.html import Markup

# A colour that never occurs otherwise; replaced by currentColor after drawing.
INK = "#010203"
# Mid-tone colours that stay readable on both Material's light and slate backgrounds.
PALETTE = ("#e8590c", "#1c7ed6", "#2f9e44", "#ae3ec9", "#f59f00", "#0c8599",
           "#e64980", "#5c7cfa", "#74b816", "#868e96", "#d6336c", "#15aabf")


def _remembered(draw: Callable[..., Markup]) -> Callable[..., Markup]:
    """Draw a chart once per complete input: matplotlib takes ~0.3 s a chart, and a site
    build (each language, every `mkdocs serve` rebuild) asks for the same ones again. The
    key is the chart's kind, every argument (data, labels, id), tipsbench's source and
    the installed distributions (matplotlib's version among them)."""

    @functools.wraps(draw)
    def chart(*args, **kwargs) -> Markup:
        store = buildcache.active()
        if store is None:
            return draw(*args, **kwargs)
        key = buildcache.key(draw.__name__, repr(args), repr(sorted(kwargs.items())),
                             buildcache.source_digest(), buildcache.distributions_digest())
        found = store.get_text("charts", key, ".svg")
        if found is not None:
            return Markup(found)  # drawn and escaped by this same code (the key says so)
        drawn = draw(*args, **kwargs)
        store.put_text("charts", key, str(drawn), ".svg")
        return drawn

    return chart


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[float, float], ...]  # (bytes, bytes per second)


@_remembered
def throughput_chart(series: Sequence[Series], *, title: str, x_label: str, y_label: str,
                     chart_id: str, ceiling: tuple[str, float] | None = None,
                     marks: Sequence[tuple[str, float]] = ()) -> Markup:
    """Inline SVG: one line per series, log-log, with an optional ceiling line and
    vertical marks (cache sizes).

    Every string may come from a results file. matplotlib escapes text it writes into
    SVG; ``text.parse_math: False`` keeps a ``$…$`` in a name from being read as math
    (which can raise), and a leading underscore is escaped so a legend entry isn't
    silently dropped.
    """
    chart_id = _safe_id(chart_id)
    from matplotlib.ticker import FuncFormatter

    from tipsbench import fmt

    with _figure(chart_id) as (fig, ax):
        for index, s in enumerate(series):
            xs, ys = zip(*sorted(s.points), strict=False) if s.points else ((), ())
            ax.plot(xs, [y / 1e9 for y in ys], marker="o", markersize=3.5, linewidth=1.6,
                    color=PALETTE[index % len(PALETTE)], label=_legend_text(s.name))
        for name, x in marks:
            ax.axvline(x, color=INK, alpha=0.25, linewidth=0.8, linestyle=":")
            ax.annotate(_legend_text(name), (x, 1), xycoords=("data", "axes fraction"), xytext=(2, -10),
                        textcoords="offset points", fontsize=8, alpha=0.7)
        if ceiling:
            ax.axhline(ceiling[1] / 1e9, color=INK, alpha=0.6, linewidth=1, linestyle="--",
                       label=_legend_text(ceiling[0]))
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.size(v).replace(" ", "\u00a0")))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        # Log axes label some minor ticks too ("2×10⁰" beside "1"): same plain numbers there.
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
        _finish(ax, title, x_label, y_label)
    return _inline(fig.tb_svg, chart_id, title)


@dataclass(frozen=True)
class ReleaseSeries:
    name: str
    points: tuple[tuple[int, float], ...]  # (index of the release on the x axis, seconds)


@_remembered
def release_chart(series: Sequence[ReleaseSeries], releases: Sequence[str], *, title: str, x_label: str,
                  y_label: str, chart_id: str, changes: Sequence[tuple[float, str]] = ()) -> Markup:
    """Inline SVG: one line per headline figure, its median time (log scale) per torch
    release (or per run of one machine); a point a figure wasn't measured at is a gap in
    its line. `changes` draws a dotted line with a label at an x position (a new torch)."""
    chart_id = _safe_id(chart_id)
    from matplotlib.ticker import FuncFormatter, LogLocator

    from tipsbench import fmt

    # Long or many labels are turned, or they would run into each other.
    crowded = sum(len(label) for label in releases) > 70
    # Room below the plot for the x labels (turned ones need more), the axis label and
    # one legend row per line.
    below = (1.45 if crowded else 0.75) + 0.2 * len(series)
    with _figure(chart_id, height=3.9 + below, bottom=below) as (fig, ax):
        for index, s in enumerate(series):
            xs, ys = zip(*sorted(s.points), strict=False) if s.points else ((), ())
            ax.plot(xs, ys, marker="o", markersize=3.5, linewidth=1.6, color=PALETTE[index % len(PALETTE)],
                    label=_legend_text(s.name))
        for x, name in changes:
            ax.axvline(x, color=INK, alpha=0.35, linewidth=0.8, linestyle=":")
            if len(changes) <= 4:  # more would overlap; the x labels name each point's torch
                ax.annotate(_legend_text(name), (x, 1), xycoords=("data", "axes fraction"), xytext=(2, -10),
                            textcoords="offset points", fontsize=7, alpha=0.8)
        ax.set_yscale("log")
        ax.set_xticks(range(len(releases)), list(releases), fontsize=7 if crowded else None,
                      rotation=55 if crowded else 0, ha="right" if crowded else "center")
        # Ticks at 1, 2 and 5 of each decade: a dozen releases rarely span more than one.
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.duration(v).replace(" ", "\u00a0")))
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
        # Below the plot: the figures' labels are long sentences that "best" would lay
        # over the lines or the axis label.
        plot_height = fig.get_size_inches()[1] - _figure.TOP - below
        _finish(ax, title, x_label, y_label, legend_below=-((1.3 if crowded else 0.6) / plot_height))
    return _inline(fig.tb_svg, chart_id, title)


class _figure:
    """matplotlib set up for inline, themable SVG; on exit the SVG is in ``fig.tb_svg``."""

    # Margins in inches, fixed rather than measured: tight_layout drew every chart twice
    # (half its ~0.3 s). Tick labels here are short ("20.0 ms", "64 MiB", "2.13"), and the
    # left margin holds them and the turned axis label in either language.
    LEFT, RIGHT, TOP, BOTTOM = 0.95, 0.2, 0.45, 0.6

    def __init__(self, chart_id: str, height: float = 4.2, bottom: float | None = None):
        self.chart_id = chart_id
        self.height = height
        self.bottom = self.BOTTOM if bottom is None else bottom

    def __enter__(self):
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt

        rc = {"svg.fonttype": "none", "svg.hashsalt": self.chart_id, "font.size": 10,
              "text.color": INK, "axes.labelcolor": INK, "axes.edgecolor": INK,
              "xtick.color": INK, "ytick.color": INK, "font.family": "sans-serif",
              "text.parse_math": False, "text.usetex": False}
        self._rc = matplotlib.rc_context(rc)
        self._rc.__enter__()
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")  # "Glyph missing" for Han text: layout only
        self.fig, self.ax = plt.subplots(figsize=(7.5, self.height))
        return self.fig, self.ax

    def __exit__(self, kind, value, traceback):
        from matplotlib import pyplot as plt

        try:
            if kind is None:
                width, height = self.fig.get_size_inches()
                self.fig.subplots_adjust(left=self.LEFT / width, right=1 - self.RIGHT / width,
                                         top=1 - self.TOP / height, bottom=self.bottom / height)
                buffer = io.StringIO()
                # No date in the SVG: the same data draws the same bytes, build after build.
                self.fig.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
                self.fig.tb_svg = buffer.getvalue()
        finally:
            plt.close(self.fig)
            self._warnings.__exit__(kind, value, traceback)
            self._rc.__exit__(kind, value, traceback)
        return False


def _finish(ax, title: str, x_label: str, y_label: str, legend_below: float | None = None) -> None:
    """Title, labels, a light grid and the legend (`legend_below`: its top, in axes
    fractions below the plot, clear of the x labels; None: wherever it fits)."""
    ax.set_title(title)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.grid(True, which="major", alpha=0.15, color=INK)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    where = {"loc": "upper left", "bbox_to_anchor": (0, legend_below)} if legend_below is not None else {"loc": "best"}
    legend = ax.legend(fontsize=8, frameon=False, **where)
    for text in legend.get_texts():
        text.set_fontfamily("monospace")


def _legend_text(name: str) -> str:
    # matplotlib hides artists whose label starts with "_"; a space keeps them visible.
    return " " + name if name.startswith("_") else name


def _safe_id(chart_id: str) -> str:
    """Chart ids go into id/href attributes and CSS url(): letters, digits and '-' only."""
    return re.sub(r"[^a-z0-9-]+", "-", chart_id.lower()).strip("-") or "tb-chart"


# One tag of matplotlib's SVG: text and attribute values are escaped (no < or > inside).
_TAG = re.compile(r"<[^<>]*>")


def _inline(svg: str, chart_id: str, title: str) -> Markup:
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and DOCTYPE: it is inline HTML
    # Rewrite tags only: a legend text such as 'id="x" font-family:y #010203' is text and
    # stays exactly as the file wrote it.
    svg = _TAG.sub(lambda tag: _retag(tag.group(), chart_id), svg)
    svg = svg.replace("<svg ", str(Markup('<svg class="tb-chart" role="img" aria-label="{}" ').format(title)), 1)
    # matplotlib escaped every text it wrote; the rest is its own markup.
    return Markup(svg)


def _retag(tag: str, chart_id: str) -> str:
    tag = tag.replace(INK, "currentColor")
    # Let the page's font stack (with CJK fallbacks) draw the text.
    tag = re.sub(r"font-family:[^;\"]*", "font-family:inherit", tag)
    tag = re.sub(r"font: ([\d.]+px) '[^']*'", r"font-size: \1; font-family: inherit", tag)
    # matplotlib names elements "figure_1", "axes_1"…: prefix every id and reference so
    # several charts on one page keep unique ids and each <use> finds its own marker.
    tag = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{chart_id}-{m.group(1)}"', tag)
    tag = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{chart_id}-{m.group(1)}"', tag)
    return re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{chart_id}-{m.group(1)})", tag)
