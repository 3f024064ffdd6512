"""The committed notebooks: one source, two languages, same code and outputs, executed."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HAN = re.compile(r"[\u4e00-\u9fff]")


def _make_notebooks():
    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "scripts" / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


MAKE = _make_notebooks()
NAMES = sorted(MAKE.NOTEBOOKS)


def _load(name: str, suffix: str) -> dict:
    path = ROOT / "docs" / f"{name}{MAKE.NOTEBOOK_SUFFIX}{suffix}"
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _cells(nb: dict, kind: str) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == kind]


@pytest.mark.parametrize("name", NAMES)
def test_code_and_outputs_identical_across_languages(name):
    """x.ipynb and x.zh.ipynb have the same code cells with the same outputs."""
    en, zh = _load(name, ".ipynb"), _load(name, ".zh.ipynb")
    specs = [c for c in MAKE.NOTEBOOKS[name] if not isinstance(c, MAKE.Md)]
    pairs = list(zip(_cells(en, "code"), _cells(zh, "code"), specs, strict=True))
    assert pairs
    for a, b, spec in pairs:
        if not isinstance(spec, MAKE.Code):
            assert _source(a) == _source(b) and a["outputs"] == b["outputs"]
            continue
        # A cell with labels differs by exactly those: swap them back and it is the same cell.
        assert _source(b) == spec.zh() and _source(a) == spec.en
        def texts(cell):  # a stream's text is stored as a string or as a list of lines
            return [o["text"] if isinstance(o.get("text"), str) else "".join(o.get("text", [])) for o in cell["outputs"]]

        assert texts(b) == [spec.zh_output(t) for t in texts(a)]


@pytest.mark.parametrize("name", NAMES)
def test_chinese_code_comments_are_chinese(name):
    """Every comment in the Chinese notebook's code is written in Chinese."""
    for cell in _cells(_load(name, ".zh.ipynb"), "code"):
        for line in _source(cell).splitlines():
            comment = line.partition("  # ")[2] or (line.strip()[2:] if line.strip().startswith("# ") else "")
            assert not comment or HAN.search(comment), line


@pytest.mark.parametrize("name", NAMES)
def test_every_code_cell_was_executed(name):
    """Every code cell ran (has an execution count) and all but pure definitions printed something."""
    nb = _load(name, ".ipynb")
    for cell in _cells(nb, "code"):
        assert cell["execution_count"] is not None, _source(cell)[:60]
        assert not any(o["output_type"] == "error" for o in cell["outputs"]), _source(cell)[:60]
    with_output = [c for c in _cells(nb, "code") if c["outputs"]]
    assert len(with_output) >= len(_cells(nb, "code")) - 1


@pytest.mark.parametrize("name", NAMES)
def test_committed_code_matches_the_source(name):
    """The committed notebooks were generated from the current source in scripts/make_notebooks.py."""
    expected = [MAKE.source(c) for c in MAKE.NOTEBOOKS[name] if not isinstance(c, MAKE.Md)]
    assert [_source(c) for c in _cells(_load(name, ".ipynb"), "code")] == expected


@pytest.mark.parametrize("name", NAMES)
def test_prose_is_in_each_language(name):
    """The English notebook's prose has no Han text and every Chinese prose cell has some."""
    en, zh = _load(name, ".ipynb"), _load(name, ".zh.ipynb")
    assert not any(HAN.search(_source(c)) for c in _cells(en, "markdown"))
    assert all(HAN.search(_source(c)) for c in _cells(zh, "markdown"))


def test_tensorboard_example_is_in_the_notebook():
    """The screenshot script's example is the code the TensorBoard notebook runs."""
    sources = [_source(c) for c in _cells(_load("tensorboard", ".ipynb"), "code")]
    assert MAKE.TENSORBOARD_EXAMPLE in sources


def test_translate_keeps_code_and_swaps_prose():
    """translate() changes only Markdown cells."""
    cells = [MAKE.Md("# Title", "# 标题"), "print(1)"]
    zh = MAKE.translate(MAKE.build(cells, "en"), cells, "zh")
    assert zh.cells[0].source == "# 标题" and zh.cells[1].source == "print(1)"
