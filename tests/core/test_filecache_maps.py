"""Whether a tensor is the file's mapped pages or a copy, read from /proc/self/maps."""

from __future__ import annotations

import sys

import pytest
import torch

from tipsbench import filecache

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")


def test_an_mmap_load_is_the_file_and_a_plain_load_is_a_copy(tmp_path):
    """torch.load(mmap=True) returns tensors inside the file's mapping; a plain load doesn't."""
    path = tmp_path / "w.pt"
    torch.save({"w": torch.ones(4096)}, path)
    mapped, copied = torch.load(path, mmap=True)["w"], torch.load(path)["w"]
    assert filecache.mapped_from(mapped.untyped_storage().data_ptr(), path) is True
    assert filecache.mapped_from(copied.untyped_storage().data_ptr(), path) is False


def test_unreadable_maps_say_unknown(tmp_path):
    """Where the maps can't be read the answer is None (unknown), never a guess."""
    assert filecache.mapped_from(0, tmp_path / "x", maps=tmp_path / "no-maps") is None


def test_evict_fully_retries_until_nothing_is_resident(tmp_path, monkeypatch):
    """Eviction is retried while mincore still sees pages, and reports what stayed."""
    seen = iter([0.09, 0.02, 0.0])
    calls = []
    monkeypatch.setattr(filecache, "evict", lambda path: calls.append(path) or True)
    monkeypatch.setattr(filecache, "resident_fraction", lambda path: next(seen))
    assert filecache.evict_fully(tmp_path / "f") == 0.0 and len(calls) == 3
    seen = iter([0.5, 0.4, 0.3])
    assert filecache.evict_fully(tmp_path / "f") == 0.3  # gave up after three tries: reported
