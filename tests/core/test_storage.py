"""Nothing lost, part one: results files are written whole or not at all, never over an
earlier run, and every benchmark checks RAM and disk before sizes that may not fit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tipsbench import filecache, memory, storage

MiB = 1 << 20


def _has_unnamed_files() -> bool:
    fd = storage._unnamed_file(Path(__file__).parent)
    if fd is None:
        return False
    os.close(fd)
    return True


HAS_O_TMPFILE = _has_unnamed_files()


@pytest.fixture(params=["unnamed", "named"])
def way(request, monkeypatch) -> str:
    """Both ways a file is written: Linux's O_TMPFILE, and the hidden .partial elsewhere."""
    if request.param == "named":
        monkeypatch.setattr(storage, "_unnamed_file", lambda directory: None)
    elif not HAS_O_TMPFILE:
        pytest.skip("no O_TMPFILE here")
    return request.param


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


class TestWriteNew:
    def test_taken_names_get_a_counter(self, tmp_path, way):
        """The same name three times gives name, name-1, name-2, each with its own data."""
        paths = [storage.write_new(tmp_path, "m_1.json", {"n": n}) for n in range(3)]
        assert [p.name for p in paths] == ["m_1.json", "m_1-1.json", "m_1-2.json"]
        assert [json.loads(p.read_text())["n"] for p in paths] == [0, 1, 2]
        assert names(tmp_path) == ["m_1-1.json", "m_1-2.json", "m_1.json"]  # nothing else

    def test_concurrent_writers_never_overwrite(self, tmp_path, way):
        """Sixteen threads saving under one name at once: sixteen files, none overwritten."""
        barrier = threading.Barrier(16)
        out: dict[int, Path] = {}

        def save(n: int) -> None:
            barrier.wait()
            out[n] = storage.write_new(tmp_path, "m_1.json", {"n": n, "pad": "x" * 50_000})

        threads = [threading.Thread(target=save, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(out.values())) == 16
        assert {p.name for p in out.values()} == {"m_1.json", *(f"m_1-{i}.json" for i in range(1, 16))}
        assert all(json.loads(p.read_text())["n"] == n for n, p in out.items())
        assert len(names(tmp_path)) == 16  # no .partial left

    def test_unserializable_data_leaves_nothing(self, tmp_path, way):
        """A value JSON can't hold raises before any file exists: no run, no .partial."""
        with pytest.raises(TypeError, match="not JSON serializable"):
            storage.write_new(tmp_path, "m_1.json", {"ok": 1, "bad": object()})
        assert names(tmp_path) == []

    def test_failure_before_link_leaves_nothing(self, tmp_path, way, monkeypatch):
        """A failure while writing (here: the disk refusing the fsync) leaves no file at all."""
        def refuse(fd):
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(storage.os, "fsync", refuse)
        with pytest.raises(OSError, match="Input/output"):
            storage.write_new(tmp_path, "m_1.json", {"n": 1})
        assert names(tmp_path) == []

    def test_no_free_name_leaves_nothing(self, tmp_path, way, monkeypatch):
        """When every name is taken the error says so, and no temporary file stays."""
        monkeypatch.setattr(storage, "MAX_NAME_ATTEMPTS", 2)
        storage.write_new(tmp_path, "m_1.json", {"n": 0})
        storage.write_new(tmp_path, "m_1.json", {"n": 1})
        with pytest.raises(FileExistsError, match="no free name for m_1.json after 2 tries"):
            storage.write_new(tmp_path, "m_1.json", {"n": 2})
        assert names(tmp_path) == ["m_1-1.json", "m_1.json"]

    def test_file_is_readable_as_the_umask_allows(self, tmp_path, way):
        """A saved run gets the usual 0644 (under umask 022), not mkstemp's private 0600."""
        old = os.umask(0o022)
        try:
            path = storage.write_new(tmp_path, "m_1.json", {"n": 1})
        finally:
            os.umask(old)
        assert path.stat().st_mode & 0o777 == 0o644

    def test_folder_is_created(self, tmp_path, way):
        path = storage.write_new(tmp_path / "a" / "b", "m_1.json", {"n": 1})
        assert path == tmp_path / "a" / "b" / "m_1.json" and json.loads(path.read_text()) == {"n": 1}

    @pytest.mark.skipif(not HAS_O_TMPFILE, reason="no O_TMPFILE here")
    def test_killed_before_link_leaves_nothing(self, tmp_path):
        """SIGKILL after the bytes are written but before the name exists: the folder stays empty."""
        code = (
            "import os, signal, sys\n"
            "from pathlib import Path\n"
            "from tipsbench import storage\n"
            "real = os.fsync\n"
            "def die(fd):\n"
            "    real(fd)\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n"
            "os.fsync = die\n"
            "storage.write_new(Path(sys.argv[1]), 'm_1.json', {'n': 1})\n"
        )
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, timeout=60)
        assert done.returncode == -9, done.stderr.decode()[-2000:]
        assert names(tmp_path) == []


class TestCompact:
    def test_interrupted_mark_survives_compaction(self):
        """A partial run stays marked partial in the shipped file (tests/core/test_results.py
        covers what compaction drops)."""
        mark = {"format": 1, "interrupted": True, "tests_selected": 4, "tests_finished": 2}
        raw = {"machine_info": {"node": "my-laptop", "tipsbench": mark}, "benchmarks": []}
        assert storage.compact(raw)["machine_info"] == {"tipsbench": mark}


class TestRoomChecks:
    """The reasons a benchmark skips with name the numbers that made it skip."""

    def test_ram_reason_names_needed_and_available(self, monkeypatch):
        monkeypatch.setattr(memory, "available_ram", lambda: 1024 * MiB)
        assert memory.fits_in_ram(128 * MiB, 4) == (True, "")
        fits, why = memory.fits_in_ram(200 * MiB, 4)
        assert not fits
        assert why == "needs 800 MiB (4 × 200 MiB) but only 512 MiB of RAM is available with 50% headroom"

    def test_unknown_ram_does_not_skip(self, monkeypatch):
        """Where available RAM can't be read, nothing is skipped on a guess."""
        monkeypatch.setattr(memory, "available_ram", lambda: None)
        assert memory.fits_in_ram(1 << 50, 4) == (True, "")

    def test_disk_reason_names_needed_headroom_folder_and_free(self, tmp_path, monkeypatch):
        monkeypatch.setattr(filecache, "free_disk_bytes", lambda directory: 1500 * MiB)
        assert filecache.disk_room(tmp_path, 400 * MiB) == (True, "")
        room, why = filecache.disk_room(tmp_path, 600 * MiB)
        assert not room
        assert why == f"needs 600 MiB of disk plus 1024 MiB headroom in {tmp_path}, only 1500 MiB free"


class TestCompactAndName:
    def test_compact_drops_samples_and_host(self):
        """Shipped files keep statistics but not raw samples or the host name."""
        raw = {"machine_info": {"node": "my-laptop", "tipsbench": {"format": 1}},
               "benchmarks": [{"name": "x", "stats": {"median": 1.0, "data": [1.0] * 1000}}]}
        out = storage.compact(raw)
        assert "node" not in out["machine_info"]
        assert out["benchmarks"][0]["stats"] == {"median": 1.0}
        assert raw["benchmarks"][0]["stats"]["data"]  # the input is not modified

    def test_file_name_has_machine_and_utc_time(self):
        """Run files are named machine key + UTC time."""
        when = datetime(2026, 11, 29, 16, 5, 7, tzinfo=timezone.utc)
        assert storage.run_file_name("amd-epyc_2t", when) == "amd-epyc_2t_20261129T160507Z.json"
