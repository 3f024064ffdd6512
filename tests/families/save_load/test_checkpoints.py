"""Checkpoint helpers: round trips work, and every bad file gives one clear line, running nothing."""

from __future__ import annotations

import os
import struct

import pytest
import torch
from safetensors.torch import save_file, save_model

from tipsbench import filecache, testing
from tipsbench.families.save_load import checkpoints, models
from tipsbench.families.save_load.checkpoints import CheckpointError


@pytest.fixture
def model():
    return models.build("mlp", 64 * 1024)


@pytest.fixture
def sd_file(tmp_path, model):
    path = tmp_path / "net_params.pt"
    torch.save(model.state_dict(), path)
    return path


class _Hostile:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.makedirs, (self.marker,))


def assert_one_line(exc: CheckpointError, path) -> None:
    message = str(exc)
    assert "\n" not in message and message.startswith(str(path)), message


class TestRoundTrip:
    def test_state_dict(self, sd_file, model):
        """A torch.save state_dict comes back equal, loaded with weights_only=True."""
        loaded = checkpoints.load_state_dict(sd_file)
        assert set(loaded) == set(model.state_dict())
        assert torch.equal(loaded["head.weight"], model.head.weight)

    def test_state_dict_mmap(self, sd_file, model):
        """mmap=True returns the same tensors."""
        assert torch.equal(checkpoints.load_state_dict(sd_file, mmap=True)["head.bias"], model.head.bias)

    def test_safetensors(self, tmp_path, model):
        """A safetensors file loads through the same helper, detected by its header."""
        path = tmp_path / "m.safetensors"
        save_file(model.state_dict(), str(path))
        assert checkpoints.detect_format(path) == "safetensors"
        assert torch.equal(checkpoints.load_state_dict(path)["head.weight"], model.head.weight)

    @testing.needs_api("torch.serialization.safe_globals")
    def test_full_model_with_allowlist(self, tmp_path, model):
        """A full-model pickle loads only through the caller's allowlist of classes."""
        path = tmp_path / "net.pkl"
        torch.save(model, path)
        loaded = checkpoints.load_full_model(path, models.safe_globals_for(model))
        assert isinstance(loaded, models.MLP)

    @testing.needs_api("torch.serialization.safe_globals")
    def test_full_model_short_allowlist_refused(self, tmp_path, model):
        """An allowlist missing a class is refused with the missing global named."""
        path = tmp_path / "net.pkl"
        torch.save(model, path)
        with pytest.raises(CheckpointError, match="torch.nn.modules") as info:
            checkpoints.load_full_model(path, [models.MLP])
        assert_one_line(info.value, path)


class TestBadInput:
    def test_full_model_is_not_a_state_dict(self, tmp_path, model):
        """A full-model file handed to load_state_dict names the class it would need."""
        path = tmp_path / "net.pkl"
        torch.save(model, path)
        with pytest.raises(CheckpointError, match="tipsbench.families.save_load.models.MLP") as info:
            checkpoints.load_state_dict(path)
        assert_one_line(info.value, path)

    def test_truncated_zip(self, tmp_path, sd_file):
        """A torch.save file cut short says 'truncated', not a miniz error."""
        cut = tmp_path / "cut.pt"
        cut.write_bytes(sd_file.read_bytes()[:5000])
        with pytest.raises(CheckpointError, match="truncated") as info:
            checkpoints.load_state_dict(cut)
        assert_one_line(info.value, cut)

    def test_corrupt_pickle_inside_zip(self, tmp_path, sd_file):
        """Garbage over the archive's pickle (its first entry) gives a one-line error, not a traceback."""
        data = bytearray(sd_file.read_bytes())
        data[80:400] = b"\xff" * 320
        bad = tmp_path / "bad.pt"
        bad.write_bytes(bytes(data))
        with pytest.raises(CheckpointError) as info:
            checkpoints.load_state_dict(bad)
        assert_one_line(info.value, bad)

    @pytest.mark.parametrize("content, match", [
        (b"", "empty"),
        (b"hello world" * 10, "not a torch.save or safetensors"),
    ])
    def test_junk(self, tmp_path, content, match):
        """An empty file or text says what it is (torch alone raises 'KeyError: 101' on text)."""
        path = tmp_path / "junk.pt"
        path.write_bytes(content)
        with pytest.raises(CheckpointError, match=match) as info:
            checkpoints.load_state_dict(path)
        assert_one_line(info.value, path)

    def test_missing_and_directory(self, tmp_path):
        """A missing path and a directory are named as such."""
        with pytest.raises(CheckpointError, match="no such file"):
            checkpoints.load_state_dict(tmp_path / "nope.pt")
        with pytest.raises(CheckpointError, match="is a directory"):
            checkpoints.load_state_dict(tmp_path)

    def test_hostile_pickle_never_runs(self, tmp_path):
        """A pickle that would call os.makedirs is refused by name and the call never happens."""
        marker = tmp_path / "code-ran"
        path = tmp_path / "hostile.pt"
        torch.save({"w": torch.zeros(1), "x": _Hostile(str(marker))}, path)
        for load in (checkpoints.load_state_dict, lambda p: checkpoints.load_full_model(p, [])):
            # A torch without safe_globals refuses the whole-model route up front, by name.
            with pytest.raises(CheckpointError, match="os.makedirs|safe_globals does not exist") as info:
                load(path)
            assert_one_line(info.value, path)
        assert not marker.exists()

    def test_not_a_state_dict(self, tmp_path):
        """A checkpoint of a list of tensors is refused: it is not name → tensor."""
        path = tmp_path / "list.pt"
        torch.save([torch.zeros(1)], path)
        with pytest.raises(CheckpointError, match="expected a state_dict"):
            checkpoints.load_state_dict(path)

    def test_truncated_safetensors(self, tmp_path, model):
        """A safetensors file missing its last bytes is caught from the header alone."""
        path = tmp_path / "m.safetensors"
        save_file(model.state_dict(), str(path))
        path.write_bytes(path.read_bytes()[:-10])
        with pytest.raises(CheckpointError, match="truncated") as info:
            checkpoints.safetensors_header(path)
        assert_one_line(info.value, path)
        with pytest.raises(CheckpointError):
            checkpoints.load_state_dict(path)

    def test_safetensors_header_lies(self, tmp_path):
        """A header length larger than the file is refused before any JSON is parsed."""
        path = tmp_path / "lie.safetensors"
        path.write_bytes(struct.pack("<Q", 10_000) + b'{"a": 1}')
        with pytest.raises(CheckpointError, match="header says 10000"):
            checkpoints.safetensors_header(path)

    def test_legacy_refuses_mmap(self, tmp_path, model):
        """mmap on a legacy-format file is refused with the reason, before torch is asked."""
        path = tmp_path / "legacy.pt"
        torch.save(model.state_dict(), path, _use_new_zipfile_serialization=False)
        assert checkpoints.detect_format(path) == "legacy"
        with pytest.raises(CheckpointError, match="zip format"):
            checkpoints.load_state_dict(path, mmap=True)
        assert set(checkpoints.load_state_dict(path)) == set(model.state_dict())


class TestInspect:
    @testing.needs_api("torch.serialization.get_unsafe_globals_in_checkpoint")
    def test_zip_lists_unsafe_globals(self, tmp_path, model):
        """inspect() of a full-model file lists the classes it needs, without loading it."""
        path = tmp_path / "net.pkl"
        torch.save(model, path)
        info = checkpoints.inspect(path)
        assert info.format == "zip" and "tipsbench.families.save_load.models.MLP" in info.unsafe_globals

    def test_safetensors_counts_tensors(self, tmp_path):
        """inspect() of a save_model file counts the tensors in its header (tied stored once)."""
        tied = models.build("transformer", 256 * 1024)
        path = tmp_path / "t.safetensors"
        save_model(tied, str(path))
        assert checkpoints.inspect(path).tensors == len(tied.state_dict()) - 1


class TestFiles:
    def test_evict_drops_pages(self, tmp_path):
        """After evict(), mincore reports (almost) none of the file resident; a read brings it back."""
        path = tmp_path / "f.bin"
        path.write_bytes(os.urandom(1 << 20))
        if filecache.resident_fraction(path) is None or not filecache.evict(path):
            pytest.skip("no mincore/posix_fadvise here")
        assert filecache.resident_fraction(path) < 0.5
        path.read_bytes()
        assert filecache.resident_fraction(path) == 1.0

    def test_disk_room_says_why(self, tmp_path):
        """Asking for more than the disk has returns False and a reason with the numbers."""
        ok, why = filecache.disk_room(tmp_path, 1 << 60)
        assert not ok and "MiB" in why and str(tmp_path) in why
        assert filecache.disk_room(tmp_path, 1)[0]
