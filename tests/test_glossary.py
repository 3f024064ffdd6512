"""One Chinese name per term (docs/glossary.zh.yml): no Chinese page, label or message uses
a variant the glossary rules out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = yaml.safe_load((ROOT / "docs" / "glossary.zh.yml").read_text(encoding="utf-8"))
HAN = re.compile(r"[\u4e00-\u9fff]")
# Chinese text we write: the pages and notebooks, and the Python that holds labels and messages.
SOURCES = sorted([*(ROOT / "docs").glob("*.zh.md"), *(ROOT / "docs").glob("*.zh.ipynb"),
                  *(ROOT / "src" / "tipsbench").rglob("*.py"), *(ROOT / "hooks").glob("*.py")])


def test_the_glossary_is_well_formed():
    assert GLOSSARY and all({"term", "use", "never"} <= set(entry) for entry in GLOSSARY)
    for entry in GLOSSARY:
        assert HAN.search(entry["use"]) and all(HAN.search(v) for v in entry["never"]), entry["term"]


def ruled_out(entry: dict, paths: list[Path]) -> list[str]:
    """"file:line: variant" for each ruled-out variant of `entry` in the files."""
    return [f"{path.name}:{n}: {variant}" for path in paths
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            for variant in entry["never"] if variant in line]


@pytest.mark.parametrize("entry", GLOSSARY, ids=[e["term"] for e in GLOSSARY])
def test_no_variant_the_glossary_rules_out(entry):
    found = ruled_out(entry, SOURCES)
    assert not found, f"use {entry['use']!r} for {entry['term']}:\n" + "\n".join(found)


def test_a_page_seeded_with_a_variant_is_caught(tmp_path):
    page = tmp_path / "x.zh.md"
    page.write_text("第一行\n保存完整模型，切换到推理模式\n", encoding="utf-8")
    found = [line for entry in GLOSSARY for line in ruled_out(entry, [page])]
    assert found == ["x.zh.md:2: 完整模型", "x.zh.md:2: 推理模式"]
