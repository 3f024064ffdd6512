"""Chinese pages can't lag their English twins silently: revisions are recorded and checked."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest

from tipsbench import translations

DOCS = Path(__file__).resolve().parents[2] / "docs"
ZH_PAGES = sorted(DOCS.glob("*.zh.md"))
FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
MARKER = re.compile(r"<!--\s*tipsbench:[^>]*-->")


def code_without_comments(text: str) -> list[list[str]]:
    """Each fenced block's code lines; comments are translated, so they don't count."""
    blocks = []
    for block in FENCE.findall(text):
        lines = [re.sub(r"\s+#.*$", "", line).rstrip() for line in block.splitlines()]
        blocks.append([line for line in lines if line.strip() and not line.lstrip().startswith("#")])
    return blocks


@pytest.mark.parametrize("zh", ZH_PAGES, ids=[p.name for p in ZH_PAGES])
class TestTwins:
    def test_translation_matches_the_current_english_page(self, zh):
        """The Chinese page records the English page's current revision (else update, then --stamp)."""
        assert translations.problem(zh) is None, translations.problem(zh)

    def test_same_markers_claims_and_code(self, zh):
        """Twins carry the same markers (claims, tables, verdicts) and the same code."""
        en = translations.english_twin(zh)
        a, b = en.read_text(encoding="utf-8"), zh.read_text(encoding="utf-8")
        assert collections.Counter(MARKER.findall(a)) == collections.Counter(MARKER.findall(b))
        assert code_without_comments(a) == code_without_comments(b)


class TestStamp:
    def test_an_english_edit_is_reported_until_restamped(self, tmp_path):
        """Editing x.md makes x.zh.md stale, with both revisions in one line; --stamp clears it."""
        en, zh = tmp_path / "x.md", tmp_path / "x.zh.md"
        en.write_text("# X\n\nOne.\n", encoding="utf-8")
        zh.write_text("# X\n\n一。\n", encoding="utf-8")
        assert "records no en_revision" in translations.problem(zh)
        old = translations.stamp(zh)
        assert translations.problem(zh) is None
        en.write_text("# X\n\nOne, and two.\n", encoding="utf-8")
        message = translations.problem(zh)
        assert old in message and translations.revision(en.read_text()) in message and "\n" not in message
        translations.stamp(zh)
        assert translations.problem(zh) is None
        assert zh.read_text(encoding="utf-8").count("en_revision") == 1

    def test_trailing_whitespace_is_not_a_revision(self):
        """Re-saving the English page with other trailing spaces doesn't flag the translation."""
        assert translations.revision("a  \nb\n") == translations.revision("a\nb")


def test_a_revision_of_digits_stays_a_string(tmp_path, monkeypatch):
    """A revision that happens to be all digits (or 0-led) is not read back as a YAML number."""
    en, zh = tmp_path / "y.md", tmp_path / "y.zh.md"
    en.write_text("# Y\n", encoding="utf-8")
    zh.write_text("# Y\n", encoding="utf-8")
    monkeypatch.setattr(translations, "revision", lambda text: "012345670123")
    translations.stamp(zh)
    assert translations.recorded(zh.read_text(encoding="utf-8")) == "012345670123"
    assert translations.problem(zh) is None
