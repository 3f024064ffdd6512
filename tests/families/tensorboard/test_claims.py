"""The TensorBoard claims, checked with the installed tensorboard and torch."""

from __future__ import annotations

import os
import re

import pytest

pytest.importorskip("tensorboard")

from tipsbench import testing
from tipsbench.families.tensorboard import claims as tb  # noqa: E402


def test_default_log_dir_pattern():
    """SummaryWriter() names runs runs/<Mon><DD>_<HH-MM-SS>_<host>, comment appended, log_dir kept."""
    obs = tb.default_log_dir()
    assert obs.holds, obs.shown
    assert obs.shown.splitlines()[2] == "runs/experiment"


def test_claims_leave_cwd_clean(tmp_path, monkeypatch):
    """The checks write into their own temporary directory, not into ./runs."""
    monkeypatch.chdir(tmp_path)
    tb.default_log_dir()
    assert os.getcwd() == str(tmp_path)
    assert not (tmp_path / "runs").exists()


def test_events_reach_the_file_without_flush():
    """A few add_scalar calls grow the event file within seconds, with no flush() (checked
    on the file, not read off the signature's defaults)."""
    obs = tb.writer_writes_soon()
    assert obs.holds, obs.shown
    before, after = (int(n) for n in re.findall(r"(\d+) bytes", obs.shown))
    assert after > before


def test_a_writer_that_really_buffers_is_caught(monkeypatch):
    """If add_scalar wrote nothing until flush(), the claim would fail: the check can fail."""
    from torch.utils.tensorboard import SummaryWriter

    monkeypatch.setattr(SummaryWriter, "add_scalar", lambda self, *a, **k: None)
    monkeypatch.setattr(tb, "WRITE_WAIT_S", 0.2)
    assert not tb.writer_writes_soon().holds


def test_add_scalars_one_subrun_per_key():
    """add_scalars writes loss_train and loss_val sub-run directories."""
    obs = tb.add_scalars_subruns()
    assert obs.holds, obs.shown


def test_add_image_defaults_to_chw():
    """An HWC tensor given to add_image without dataformats fails."""
    obs = tb.add_image_chw()
    assert obs.holds, obs.shown


def test_add_images_defaults_to_nchw():
    """A single CHW image given to add_images is rejected with the format in the message."""
    obs = tb.add_images_nchw()
    assert obs.holds
    assert "NCHW" in obs.shown

@testing.in_scope("tensorboard.add_graph_uses_jit_trace")

def test_add_graph_warns_about_jit_trace():
    """add_graph goes through the deprecated torch.jit.trace."""
    obs = tb.add_graph_uses_jit_trace()
    assert obs.holds, obs.shown


def test_add_figure_closes_the_figure():
    """add_figure closes the matplotlib figure by default."""
    pytest.importorskip("matplotlib")
    assert tb.add_figure_closes().holds
