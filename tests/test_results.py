"""The results model: loading, validation, compaction and naming."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tipsbench import results
from tipsbench.results import FORMAT, ResultsError, load_dir, load_run

BAD_FILES = {
    "empty.json": "is empty",
    "truncated.json": "truncated JSON",
    "not_json.json": "not valid JSON",
    "wrong_shape.json": "'benchmarks' in top level should be a list",
    "newer_format.json": f"results format 99 is newer than this tipsbench reads ({FORMAT})",
    "not_tipsbench.json": "'tipsbench' in machine_info",
}


class TestLoadRun:
    def test_golden_file_loads(self, golden_run):
        """A real quick run's records come back with their case and statistics."""
        assert golden_run.key == "amd-epyc_2t"
        assert len(golden_run.records) == 6
        record = golden_run.records[0]
        assert (record.tip, record.variant, record.dtype, record.nbytes) == ("numpy", "from_numpy", "float32", 1024)
        assert record.median_s > 0 and record.rounds >= 10

    def test_shares_memory_has_no_throughput(self, golden_run):
        """A call that shares memory moves no bytes, so it reports no throughput."""
        shares = [r for r in golden_run.records if r.shares_memory]
        copies = [r for r in golden_run.records if r.shares_memory is False]
        assert shares and all(r.bytes_per_s is None for r in shares)
        assert copies and all(r.bytes_per_s == pytest.approx(r.nbytes / r.median_s) for r in copies)

    def test_ceiling_is_read(self, golden_run):
        """The memcpy ceiling measured in the run is available to the renderers."""
        assert golden_run.ceilings["memcpy_bytes_per_s"] > 1e8

    @pytest.mark.parametrize("name, problem", sorted(BAD_FILES.items()))
    def test_bad_file_is_one_line_naming_file(self, data_dir, name, problem):
        """Each kind of bad file gives one line that names the file and the problem."""
        with pytest.raises(ResultsError) as caught:
            load_run(data_dir / name)
        message = str(caught.value)
        assert "\n" not in message
        assert message.startswith(str(data_dir / name))
        assert problem in message

    def test_missing_file(self, tmp_path):
        """A missing file is reported, not raised as FileNotFoundError."""
        with pytest.raises(ResultsError, match="no such file"):
            load_run(tmp_path / "nope.json")

    def test_negative_median_is_rejected(self, data_dir, tmp_path):
        """Statistics must be non-negative finite numbers."""
        data = json.loads((data_dir / "numpy_run.json").read_text())
        data["benchmarks"][2]["stats"]["median"] = -1
        path = tmp_path / "neg.json"
        path.write_text(json.dumps(data))
        with pytest.raises(ResultsError, match=r"benchmarks\[2\]\.stats\.median"):
            load_run(path)


class TestLoadDir:
    def test_good_and_bad_are_separated(self, data_dir, tmp_path):
        """A directory with bad files still yields every good run."""
        import shutil

        for name in [*BAD_FILES, "numpy_run.json", "hostile_run.json"]:
            shutil.copy(data_dir / name, tmp_path / name)
        runs, errors = load_dir(tmp_path)
        assert {r.path.rsplit("/", 1)[-1] for r in runs} == {"numpy_run.json", "hostile_run.json"}
        assert len(errors) == len(BAD_FILES)

    def test_env_overrides_configured_dir(self, monkeypatch, tmp_path):
        """TIPSBENCH_RESULTS wins over the directory named in mkdocs.yml."""
        monkeypatch.setenv(results.RESULTS_ENV, str(tmp_path))
        assert results.results_dir("results") == tmp_path
        monkeypatch.delenv(results.RESULTS_ENV)
        assert str(results.results_dir("results")) == "results"


class TestCompactAndWrite:
    def test_compact_drops_samples_and_host(self):
        """Shipped files keep statistics but not raw samples or the host name."""
        raw = {"machine_info": {"node": "my-laptop", "tipsbench": {"format": 1}},
               "benchmarks": [{"name": "x", "stats": {"median": 1.0, "data": [1.0] * 1000}}]}
        out = results.compact(raw)
        assert "node" not in out["machine_info"]
        assert out["benchmarks"][0]["stats"] == {"median": 1.0}
        assert raw["benchmarks"][0]["stats"]["data"]  # the input is not modified

    def test_write_new_never_overwrites(self, tmp_path):
        """Two runs saved under the same name both survive."""
        first = results.write_new(tmp_path, "m_1.json", {"n": 1})
        second = results.write_new(tmp_path, "m_1.json", {"n": 2})
        assert first != second
        assert json.loads(first.read_text()) == {"n": 1}
        assert json.loads(second.read_text()) == {"n": 2}

    def test_file_name_has_machine_and_utc_time(self):
        """Run files are named machine key + UTC time."""
        when = datetime(2026, 11, 29, 16, 5, 7, tzinfo=timezone.utc)
        assert results.run_file_name("amd-epyc_2t", when) == "amd-epyc_2t_20261129T160507Z.json"


class TestNewestPerMachine:
    def test_newest_run_wins_per_machine(self, golden_run):
        """Per machine the newest run is shown, so a user's fresh quick run shows their numbers."""
        from dataclasses import replace

        quick_new = replace(golden_run, datetime="2027-01-01", machine={**golden_run.machine, "profile": "quick"})
        full_old = replace(golden_run, datetime="2026-01-01", machine={**golden_run.machine, "profile": "full"})
        other = replace(golden_run, machine={**golden_run.machine, "key": "other"})
        chosen = results.newest_per_machine([full_old, quick_new, other], "numpy")
        assert [r.key for r in chosen] == ["amd-epyc_2t", "other"]
        assert chosen[0].datetime == "2027-01-01"
        assert results.newest_per_machine([quick_new], "save_load") == []

    def test_what_the_newest_run_lacks_comes_from_an_older_one(self, golden_run):
        """A table of something the newest run didn't measure falls back to a run that did."""
        from dataclasses import replace

        old = replace(golden_run, datetime="2026-01-01")
        new = replace(golden_run, datetime="2027-01-01",
                      records=tuple(r for r in golden_run.records if r.nbytes == 1024))
        big = results.newest_per_machine([old, new], "numpy", lambda r: r.nbytes > 1 << 20)
        assert [r.datetime for r in big] == ["2026-01-01"]

class TestNumbers:
    @pytest.mark.parametrize("value, expected", [(3, 3.0), (2.5, 2.5), (True, None), ("7", None),
                                                 (float("nan"), None), (None, None)])
    def test_number_accepts_only_finite_numbers(self, value, expected):
        """Values from a stranger's file are numbers only when they really are."""
        assert results.number(value) == expected

    def test_malformed_ceilings_are_absent(self, golden_run):
        """A ceiling that is a string, a bool, zero or the details object reads as missing."""
        from dataclasses import replace

        odd = {"a": "fast", "b": True, "c": 0, "d": 5e9, "details": {"d": {"best": 6e9}}}
        run = replace(golden_run, machine={**golden_run.machine, "ceilings": odd})
        assert [run.ceiling(k) for k in ("a", "b", "c", "d", "details", None)] == [None, None, None, 5e9, None, None]
        assert run.ceiling_details("d") == {"best": 6e9} and run.ceiling_details("a") == {}
