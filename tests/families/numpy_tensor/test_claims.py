"""Focused tests of the NumPy ↔ tensor claims: what each check shows, not only that it holds."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch

from tipsbench import testing
from tipsbench.claims import Observation, all_claims, observe
from tipsbench.families.numpy_tensor import claims as numpy_claims

NUMPY_CLAIMS = sorted(cid for cid in all_claims() if cid.startswith("numpy."))


def shown(claim_id: str) -> Observation:
    return observe(claim_id)


class TestRegistry:
    def test_every_claim_has_both_languages(self):
        """Each claim has a one-sentence English and a Chinese text, and the Chinese one has Han characters."""
        for cid in NUMPY_CLAIMS:
            text = all_claims()[cid].text
            assert text["en"].strip() and text["zh"].strip(), cid
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text["zh"]), cid

    def test_the_page_checks_every_claim(self):
        """Both Tensor ↔ NumPy pages carry a claim marker for every numpy.* claim, and no unknown one."""
        docs = Path(__file__).resolve().parents[3] / "docs"
        for page in ("numpy.md", "numpy.zh.md"):
            text = (docs / page).read_text(encoding="utf-8")
            used = set(re.findall(r"tipsbench:claim id=(\S+)", text))
            assert used == set(NUMPY_CLAIMS), (page, used ^ set(NUMPY_CLAIMS))


class TestSharing:
    def test_from_numpy_edit_both_ways(self):
        """The from_numpy observation shows the edit made on each side arriving on the other."""
        obs = shown("numpy.from_numpy_shares")
        assert obs.holds
        assert "t[0] == 7.0" in obs.shown and "a[1] == 9.0" in obs.shown

    def test_as_tensor_dtype_change_copies(self):
        """as_tensor is reported as sharing for the same dtype and copying for another one."""
        obs = shown("numpy.as_tensor_shares_when_dtype_matches")
        assert obs.shown.splitlines() == ["torch.as_tensor(a): shares memory",
                                          "torch.as_tensor(a, dtype=torch.float64): copy"]

    def test_shares_helper_sees_a_copy(self):
        """The helper the checks rely on calls a real copy a copy, so a sharing claim can fail."""
        a = np.ones(8, dtype=np.float32)
        assert numpy_claims._shares("x", torch.tensor(a), a) == (False, "x: copy")
        assert numpy_claims._shares("x", torch.from_numpy(a), a) == (True, "x: shares memory")

    def test_asarray_quotes_the_alias_error(self):
        """The asarray observation quotes torch's exact copy=False error."""
        obs = shown("numpy.asarray_copy_modes")
        assert "ValueError: can't alias tensor with dtype 'Float' into dtype 'Double'" in obs.shown


class TestErrors:
    def test_error_helper_reports_no_error(self):
        """raised() returns empty strings for a call that succeeds, so "no error" can't look like a match."""
        from tipsbench.claims.checks import raised

        assert raised(lambda: 1) == ("", "")
        assert raised(lambda: int("x"))[0] == "ValueError"

    def test_errors_all_fails_when_one_call_succeeds(self):
        """_errors_all does not hold when one of the calls raises nothing."""
        obs = numpy_claims._errors_all({"ok()": lambda: 1, "bad()": lambda: int("x")}, "ValueError", "invalid")
        assert not obs.holds
        assert "ok() → no error" in obs.shown

    def test_grad_error_message(self):
        """The grad observation carries torch's RuntimeError text pointing to detach()."""
        obs = shown("numpy.numpy_requires_grad_error")
        assert "RuntimeError: Can't call numpy() on Tensor that requires grad" in obs.shown

    def test_negative_strides_quote_the_workaround(self):
        """Each of the four paths is shown raising ValueError, with torch's array.copy() advice quoted."""
        obs = shown("numpy.negative_strides_rejected")
        lines = obs.shown.splitlines()
        assert [line.split(" → ")[1] for line in lines[:4]] == ["ValueError"] * 4
        assert "negative strides are not currently supported" in lines[-1] and "array.copy()" in lines[-1]

    def test_byte_order_message(self):
        """Every path reports ValueError, and the shared byte order message is quoted once."""
        obs = shown("numpy.byte_order_rejected")
        assert obs.shown.count("→ ValueError") == 4
        assert obs.shown.count("Conversion between byte orders is currently not supported") == 1

    def test_errors_all_shows_differing_messages_per_line(self):
        """When the calls fail differently, each line carries its own error message."""
        obs = numpy_claims._errors_all({"a()": lambda: int("x"), "b()": lambda: [][1]}, "ValueError", "invalid")
        assert not obs.holds
        assert obs.shown.splitlines()[1].startswith("b() → IndexError: list index out of range")

    @testing.in_scope("numpy.dlpack_grad_buffererror")
    def test_dlpack_grad_is_buffererror(self):
        """Both DLPack directions report BufferError for a tensor that requires grad."""
        obs = shown("numpy.dlpack_grad_buffererror")
        assert obs.shown.count("BufferError") == 2


class TestChildProcesses:
    def test_readonly_lines_per_call(self):
        """The read-only check shows one line per call, each with what it did and whether it warned."""
        obs = shown("numpy.readonly_shares_and_warns")
        lines = obs.shown.splitlines()
        assert [line.split(" → ")[0] for line in lines] == list(numpy_claims._READONLY_CALLS)
        assert "copy; no warning" in lines[-1]
        assert all("warns: The given NumPy array is not writable" in line for line in lines[:3])

    def test_readonly_warning_is_hidden_after_the_first(self):
        """A second read-only conversion in one process never warns: why the check needs a fresh child."""
        a = np.arange(4.0)
        a.flags.writeable = False
        numpy_claims._warnings_of(lambda: torch.from_numpy(a))
        _, messages = numpy_claims._warnings_of(lambda: torch.from_numpy(a))
        assert not [m for m in messages if "not writable" in m]

    def test_dlpack_abort_reports_the_signal(self, monkeypatch):
        """A child killed by SIGABRT makes the claim hold, named by its signal with C++'s
        "what()" line; one killed by another signal (a segfault) does not. (Which releases
        abort is the timeline's business: tests/core/test_claims.py.)"""
        import signal
        import subprocess

        what = "terminate called after throwing an instance of 'c10::Error'\n  what():  negative strides"
        for sig, holds in ((signal.SIGABRT, True), (signal.SIGSEGV, False)):
            done = subprocess.CompletedProcess([], -sig, "", what)
            monkeypatch.setattr(numpy_claims, "run_child", lambda code, done=done: done)
            obs = numpy_claims.dlpack_negative_stride_aborts()
            assert obs.holds is holds and f"killed by {sig.name}" in obs.shown and "what():  negative strides" in obs.shown

    def test_dlpack_abort_check_can_fail(self, monkeypatch):
        """A child that exits normally (a release that raises instead) makes the claim fail."""
        import subprocess

        done = subprocess.CompletedProcess([], 1, "", "RuntimeError: Storage size calculation overflowed")
        monkeypatch.setattr(numpy_claims, "run_child", lambda code: done)
        obs = numpy_claims.dlpack_negative_stride_aborts()
        assert not obs.holds and obs.shown.startswith("child process exited with status 1")

    def test_child_failure_is_not_a_pass(self, monkeypatch):
        """A child that crashes makes the read-only claim fail instead of passing silently."""
        monkeypatch.setattr(numpy_claims, "_READONLY_CHILD", "import sys; sys.exit(3)")
        obs = numpy_claims.readonly_shares_and_warns()
        assert not obs.holds


class TestCopyCeiling:
    def test_the_fastest_dram_sized_copy_is_the_ceiling(self):
        """A DRAM-sized copy faster than the memcpy measurement becomes the ceiling; cache-sized ones don't."""
        from tipsbench import testing
        from tipsbench.families.numpy_tensor.views import copy_ceiling

        big, small = 64 << 20, 256 << 10
        run = testing.run(
            [testing.bench("numpy", "tensor", big / 30e9, nbytes=big, shares_memory=False, direction="numpy_to_torch"),
             testing.bench("numpy", "tensor", small / 90e9, nbytes=small, shares_memory=False, direction="numpy_to_torch")],
            ceilings={"memcpy_bytes_per_s": 20e9, "details": {"memcpy_bytes_per_s": {"best": 22e9}}})
        assert copy_ceiling(run) == pytest.approx(30e9)
