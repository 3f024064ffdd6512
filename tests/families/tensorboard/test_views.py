"""The logging-cost renderer: shares of a training step, escaping, and the empty case."""

from __future__ import annotations

from tipsbench import testing
from tipsbench.families.tensorboard.views import logging_cost
from tipsbench.render.registry import PageContext
from tipsbench.results import Run


def _record(variant: str, median_s: float, code: str) -> dict:
    return testing.bench("tensorboard", variant, median_s, nbytes=0, code=code)


def _run(*records: dict) -> Run:
    return testing.run(list(records), profile="full")


def _ctx(locale: str, *runs: Run) -> PageContext:
    return PageContext(locale=locale, page="tensorboard.ipynb", runs=runs, warn=lambda msg: None)


def test_share_of_training_step():
    """A 50 µs call next to a 1 ms step is shown as 5%."""
    html = logging_cost(_ctx("en", _run(_record("add_scalar", 50e-6, "w.add_scalar()"),
                                        _record("train_step", 1e-3, "step"))), {})
    assert "50.0 µs" in html and "5%" in html and "100%" in html


def test_strings_from_results_are_escaped():
    """Code from a results file can't inject HTML."""
    html = logging_cost(_ctx("en", _run(_record("add_scalar", 1e-6, "<script>x</script>"))), {})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_no_yardstick_says_so():
    """Without a training-step record the shares are dashes and a note explains why."""
    html = logging_cost(_ctx("zh", _run(_record("add_scalar", 1e-6, "c"))), {})
    assert "–" in html and "没有训练步" in html


def test_no_results_in_both_languages():
    """With no runs the renderer says so, in the page's language."""
    assert "No logging-cost results" in logging_cost(_ctx("en"), {})
    assert "还没有日志开销的结果" in logging_cost(_ctx("zh"), {})


def test_zh_uses_full_width_parentheses():
    """Chinese tables put the IQR in full-width parentheses."""
    html = logging_cost(_ctx("zh", _run(_record("train_step", 1e-3, "step"))), {})
    assert "（" in html and " (" not in html


def test_checked_on_names_the_installed_torch():
    """The checked-on line shows the torch that is importing it, in both languages."""
    import torch

    from tipsbench.render.common import checked_on

    assert torch.__version__ in checked_on(_ctx("en"), {})
    assert "构建本页" in checked_on(_ctx("zh"), {})
