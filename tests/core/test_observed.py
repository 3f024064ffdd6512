"""Check outputs on the Chinese pages: our own phrases translated, torch's words verbatim."""

from __future__ import annotations

import re

import pytest

from tipsbench import claims
from tipsbench.render.observed import PATTERNS, line_zh, localize

# Phrases only our checks write: none may reach a Chinese page untranslated.
OURS = re.compile(r": shares memory$|: copy$|no warning|state restored|ran on CPU|same outputs|function ran|"
                  r"SGD steps|event file:|child process|afterwards ->|hooks left|bytes per parameter|"
                  r"resident memory|loaded without an error|emitted no deprecation|full model \d|tensors stored for|"
                  r"\d bytes$|does not exist in torch|refused by weights_only|no torch\.jit warning")


def test_torch_messages_pass_through_verbatim():
    torch_says = ("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone()",
                  "RuntimeError: Cannot access accelerator device when none is available.",
                  "AssertionError: size of input tensor and input format are different.")
    for line in torch_says:
        assert line_zh(line) == line


@pytest.mark.parametrize(("english", "chinese"), [
    ("torch.as_tensor(a): shares memory", "torch.as_tensor(a)：共享底层内存"),
    ("torch.tensor(a): copy", "torch.tensor(a)：复制"),
    ("keys ['epoch']; epoch 3; lr 0.0005; optimizer step 1; state restored: True",
     "键 ['epoch']；epoch 3；学习率 0.0005；优化器步数 1；状态已恢复：True"),
    ("summary(model, (3,)) -> ran on CPU inputs", "summary(model, (3,)) -> 在 CPU 输入上运行"),
    ("child process killed by SIGABRT (exit status -6)", "子进程被 SIGABRT 终止（退出状态 -6）"),
])
def test_our_phrases_are_translated(english, chinese):
    assert localize(english, "zh") == chinese and localize(english, "en") == english


def test_no_phrase_of_ours_is_left_in_english_on_this_torch():
    """Every line the installed torch's checks print, as the Chinese page shows it."""
    left = [line for cid in claims.all_claims() for line in localize(claims.observe(cid).shown, "zh").split("\n")
            if OURS.search(line)]
    assert left == []


def test_no_phrase_of_ours_is_left_in_english_in_the_shipped_timeline():
    """Every line every shipped release printed (what the release strips show on hover)."""
    from pathlib import Path

    from tipsbench.claims import files

    found, _ = files.load_dir(Path(__file__).resolve().parents[2] / "results" / "claims")
    left = sorted({line for file in found for entry in file.claims.values() for shown in entry.shown
                   for line in localize(shown, "zh").split("\n") if OURS.search(line)})
    assert found and left == []


def test_patterns_match_whole_lines_only():
    """A phrase inside torch's own text is not ours: patterns are anchored at both ends."""
    for pattern, _ in PATTERNS:
        assert not pattern.fullmatch("prefix " + "x" * 3 + " suffix that is not ours")
    assert line_zh("x: copy of something torch said") == "x: copy of something torch said"
