"""The results model: loading, validation, compaction and naming."""

from __future__ import annotations

import json

import pytest

from tipsbench import results, testing
from tipsbench.results import FORMAT, ResultsError, load_dir, load_run, parse_run

BAD_FILES = {
    "empty.json": "is empty",
    "truncated.json": "truncated JSON",
    "not_json.json": "not valid JSON",
    "wrong_shape.json": "benchmarks should be a list, found an object",
    "newer_format.json": f"results format 99 is newer than this tipsbench reads ({FORMAT})",
    "not_tipsbench.json": "machine_info.tipsbench is missing",
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
        assert golden_run.machine.rate("memcpy_bytes_per_s") > 1e8
        assert golden_run.machine.rate("no_such_ceiling") is None

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


class TestNewestPerMachine:
    def test_newest_run_wins_per_machine(self):
        """Per machine the newest run is shown, so a user's fresh quick run shows their numbers."""
        numpy = [testing.bench("numpy", "from_numpy", 1e-6, direction="numpy_to_torch")]
        quick_new = testing.run(numpy, when="2027-01-01T00:00:00", profile="quick")
        full_old = testing.run(numpy, when="2026-01-01T00:00:00", profile="full")
        other = testing.run(numpy, key="other")
        chosen = results.newest_per_machine([full_old, quick_new, other], "numpy")
        assert [r.key for r in chosen] == ["other", "test-cpu_2t"]
        assert chosen[1].datetime == "2027-01-01T00:00:00"
        assert results.newest_per_machine([quick_new], "save_load") == []

    def test_what_the_newest_run_lacks_comes_from_an_older_one(self):
        """A table of something the newest run didn't measure falls back to a run that did."""
        small = testing.bench("numpy", "from_numpy", 1e-6, direction="numpy_to_torch")
        big = testing.bench("numpy", "from_numpy", 1e-3, nbytes=4 << 20, direction="numpy_to_torch")
        old = testing.run([small, big], when="2026-01-01T00:00:00")
        new = testing.run([small], when="2027-01-01T00:00:00")
        chosen = results.newest_per_machine([old, new], "numpy", lambda r: r.nbytes > 1 << 20)
        assert [r.datetime for r in chosen] == ["2026-01-01T00:00:00"]


class TestTypedBoundary:
    def _refusal(self, mutate) -> str:
        data = testing.data([testing.bench("numpy", "from_numpy", 1e-6, direction="numpy_to_torch")])
        mutate(data)
        with pytest.raises(ResultsError) as caught:
            parse_run(data, "x.json")
        assert "\n" not in str(caught.value)
        return str(caught.value)

    def test_torch_as_a_string_is_refused_with_its_path(self):
        """A `torch` field that is a string (once an AttributeError deep in a renderer) is refused."""
        message = self._refusal(lambda d: d["machine_info"]["tipsbench"].update(torch="2.13"))
        assert message == "x.json: machine_info.tipsbench.torch should be an object, found a string"

    def test_family_field_of_the_wrong_type_is_refused(self):
        """`model_size: "big"` (once a ValueError in the save & load views) is refused at load."""
        bench = testing.bench("save_load", "save_full", 0.01, op="save", target="file", stage="written",
                              format="full", model="mlp", model_size="big", param_bytes=1000)
        data = testing.data([bench])
        with pytest.raises(ResultsError, match=r"benchmarks\[0\]\.extra_info\.model_size should be a whole number"):
            parse_run(data, "x.json")

    def test_list_where_an_object_was_expected(self):
        """A list in place of the caches object is refused, not iterated."""
        message = self._refusal(lambda d: d["machine_info"]["tipsbench"].update(caches=[1, 2]))
        assert "machine_info.tipsbench.caches should be an object, found a list" in message

    @pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, 1e300, "1", True, None])
    def test_bad_median(self, value):
        """A median must be a finite, non-negative, plausible number."""
        message = self._refusal(lambda d: d["benchmarks"][0]["stats"].update(median=value))
        assert "benchmarks[0].stats.median" in message

    def test_machine_key_is_a_slug(self):
        """Keys name files and group runs: anything but a-z, 0-9, '-', '_', '.' is refused."""
        message = self._refusal(lambda d: d["machine_info"]["tipsbench"].update(key="<b>x</b>"))
        assert "machine_info.tipsbench.key should use only" in message
