"""`tipsbench validate FILE...`: one line per file, never a traceback; what a pull request may add."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipsbench import storage, testing
from tipsbench.cli import main
from tipsbench.results import MAX_FILE_BYTES, utc_time

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "results"
BAD_DATA = ["empty.json", "not_json.json", "truncated.json", "wrong_shape.json", "not_tipsbench.json",
            "newer_format.json"]
GOOD_NAME = "test-cpu_2t_20261129T000003Z.json"  # saved 3 s after the run's datetime


def _run_data(**machine) -> dict:
    return testing.data([testing.bench("numpy", "from_numpy", 1e-6, direction="numpy_to_torch")], **machine)


def _write(directory: Path, name: str, data: object) -> Path:
    path = directory / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _validate(capsys, *args: object) -> tuple[int, list[str], str]:
    code = main(["validate", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def _one_problem(capsys, path: Path, *words: str) -> str:
    """Validate `path` alone (quiet): exit 1 and exactly one line, naming it."""
    code, lines, err = _validate(capsys, "--quiet", path)
    assert code == 1, lines
    assert len(lines) == 1, lines
    assert err == ""
    line = lines[0]
    assert line.startswith(f"{path}: "), line
    assert "Traceback" not in line and "\x1b" not in line
    for word in words:
        assert word in line, line
    return line


# --- good files ----------------------------------------------------------------------

def test_every_shipped_file_validates(capsys):
    shipped = sorted(SHIPPED.rglob("*.json"))
    assert any(p.parent.name == "claims" for p in shipped) and any(p.parent.name == "timeline" for p in shipped)
    code, lines, _ = _validate(capsys, SHIPPED)
    assert code == 0, "\n".join(line for line in lines if not line.startswith("ok  "))
    oks = [line for line in lines if line.startswith("ok  ")]
    assert len(oks) == len(shipped)
    assert lines[-1] == f"tipsbench validate: {len(shipped)} files, all good"
    assert any("(results, machine amd-epyc_2t, full profile, " in line for line in oks)
    assert any("(claims, torch " in line for line in oks)
    assert any("(timeline record, " in line for line in oks)


def test_a_good_run_prints_one_ok_line(tmp_path, capsys):
    path = _write(tmp_path, GOOD_NAME, _run_data())
    code, lines, _ = _validate(capsys, path)
    assert code == 0
    assert lines == [f"ok  {path}  (results, machine test-cpu_2t, quick profile, 1 benchmarks, torch 2.13.0+cpu)",
                     "tipsbench validate: 1 file, all good"]


def test_what_tipsbench_run_writes_validates(tmp_path, capsys):
    """storage.compact + storage.run_file_name, the way `tipsbench run` saves, including a
    second run in the same second (-1) and a partial run."""
    data = _run_data(when="2026-11-29T00:00:00.900000+00:00")
    data["machine_info"]["node"] = "my-laptop.example.org"
    data["benchmarks"][0]["stats"]["data"] = [1e-6] * 50
    data["machine_info"]["tipsbench"].update(interrupted=True, tests_finished=1, tests_selected=9)
    name = storage.run_file_name("test-cpu_2t", utc_time("2026-11-29T00:00:01+00:00"))  # saved a moment later
    first = storage.write_new(tmp_path, name, storage.compact(data))
    second = storage.write_new(tmp_path, name, storage.compact(data))
    assert second.name.endswith("-1.json")
    code, lines, _ = _validate(capsys, tmp_path)
    assert code == 0, lines
    assert sorted(line.split("  ")[1] for line in lines[:2]) == sorted([str(first), str(second)])
    assert all("interrupted after 1 of 9 tests" in line for line in lines[:2])


def test_quiet_prints_nothing_when_all_is_good(tmp_path, capsys):
    _write(tmp_path, GOOD_NAME, _run_data())
    assert _validate(capsys, "--quiet", tmp_path) == (0, [], "")


def test_a_claims_file_is_told_by_its_content(tmp_path, capsys):
    claims = testing.claims_data("2.13.0+cpu", {"numpy.from_numpy_shares": "holds"}, build="cpu")
    path = _write(tmp_path, "torch-2.13.0+cpu.json", claims)
    code, lines, _ = _validate(capsys, path)
    assert code == 0
    assert lines[0] == f"ok  {path}  (claims, torch 2.13.0+cpu, cpu build, 1 claims, machine test-cpu_2t)"
    # The same content under a results file's name is still a claims file, named wrongly.
    renamed = _write(tmp_path, GOOD_NAME, claims)
    _one_problem(capsys, renamed, "a claims file is named for its torch", "torch-2.13.0+cpu.json")


# --- bad files: one line each, naming the file ---------------------------------------

@pytest.mark.parametrize("name", BAD_DATA)
def test_each_bad_data_file_is_one_line(name, data_dir, capsys):
    _one_problem(capsys, data_dir / name)


@pytest.mark.parametrize("name", BAD_DATA)
def test_bad_files_in_a_folder_are_one_line_each_beside_the_good(name, data_dir, tmp_path, capsys):
    shutil.copy(data_dir / name, tmp_path / name)
    good = _write(tmp_path, GOOD_NAME, _run_data())
    code, lines, _ = _validate(capsys, tmp_path)
    assert code == 1
    assert [line for line in lines if str(tmp_path / name) in line] == [
        line for line in lines if line.startswith(f"{tmp_path / name}: ")]
    assert sum(str(tmp_path / name) in line for line in lines) == 1
    assert f"ok  {good}  " in "\n".join(lines)
    assert lines[-1] == "tipsbench validate: 2 files, 1 with problems"


def test_a_file_named_for_another_machine_is_refused(data_dir, tmp_path, capsys):
    # The golden run is from amd-epyc_2t, made at 2026-11-29T16:00:18.
    path = tmp_path / "intel-xeon_8t_20261129T160020Z.json"
    shutil.copy(data_dir / "numpy_run.json", path)
    _one_problem(capsys, path, "'intel-xeon_8t'", "'amd-epyc_2t'", "amd-epyc_2t_20261129T160018Z.json")
    right = tmp_path / "amd-epyc_2t_20261129T160020Z.json"
    path.rename(right)
    assert _validate(capsys, "-q", right)[0] == 0


@pytest.mark.parametrize("name", ["numpy_run.json", "test-cpu_2t_20261128T000000Z.json",
                                  "test-cpu_2t_20261129T002000Z.json", "test-cpu_2t_20261399T000000Z.json",
                                  "test-cpu_2t_20261129T000000Z-0.json"])
def test_a_file_not_named_for_when_the_run_was_made_is_refused(name, tmp_path, capsys):
    path = _write(tmp_path, name, _run_data())
    _one_problem(capsys, path, "test-cpu_2t_20261129T000000Z.json")


def test_raw_samples_are_refused(tmp_path, capsys):
    data = _run_data()
    data["benchmarks"][0]["stats"]["data"] = [1e-6, 2e-6, 1e-6]
    path = _write(tmp_path, GOOD_NAME, data)
    _one_problem(capsys, path, "benchmarks[0].stats.data holds raw samples (3 of them)")


def test_a_host_name_is_refused(tmp_path, capsys):
    data = _run_data()
    data["machine_info"]["node"] = "lab-gpu-07.example.org"
    path = _write(tmp_path, GOOD_NAME, data)
    line = _one_problem(capsys, path, "machine_info.node holds the host name")
    assert "lab-gpu-07" not in line


@pytest.mark.parametrize("content, words", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe" * 100, ["not UTF-8 text"]),
    ("caf\xe9".encode("latin-1"), ["not UTF-8 text"]),
    (b"[1, 2, 3]", ["the top level should be an object, found a list"]),
    (b'{"hello": "\\u001b[31mworld"}', ["neither a results file", "nor a claims file"]),
    (b'{"releases": []}', ["date is missing"]),
    (b"[" * 100_000, ["nested too deeply"]),
    (b'{"tipsbench_claims": 1, "torch": "2.13.0", "release": "2.13", "build": "cpu"}', ["claims"]),
])
def test_junk_is_one_line(content, words, tmp_path, capsys):
    path = tmp_path / GOOD_NAME
    path.write_bytes(content)
    _one_problem(capsys, path, *words)


def test_a_value_with_terminal_escapes_is_refused_and_never_printed(tmp_path, capsys):
    data = _run_data()
    data["machine_info"]["tipsbench"]["cpu"]["model"] = "\x1b]0;pwned\x07\x1b[2J"
    path = _write(tmp_path, GOOD_NAME, data)
    _one_problem(capsys, path, "machine_info.tipsbench.cpu.model contains a control character (U+001B)")


def test_a_file_name_with_terminal_escapes_is_printed_escaped(tmp_path, capsys):
    path = _write(tmp_path, "evil\x1b[2J.json", _run_data())
    code, lines, _ = _validate(capsys, "-q", path)
    assert code == 1 and len(lines) == 1
    assert "\x1b" not in lines[0] and "evil\\x1b[2J.json" in lines[0]


def test_a_huge_file_is_refused_unread(tmp_path, capsys):
    path = tmp_path / GOOD_NAME
    with open(path, "wb") as sparse:
        sparse.truncate(MAX_FILE_BYTES + 1)
    _one_problem(capsys, path, f"is {MAX_FILE_BYTES + 1:,} bytes", "refused unread")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    pipe = tmp_path / GOOD_NAME
    os.mkfifo(pipe)
    _one_problem(capsys, pipe, "not a regular file")


def test_a_missing_file(tmp_path, capsys):
    _one_problem(capsys, tmp_path / GOOD_NAME, "no such file")


def test_symbolic_links_are_refused(tmp_path, capsys):
    good = _write(tmp_path, "good.json", _run_data())
    link = tmp_path / GOOD_NAME
    link.symlink_to(good)
    _one_problem(capsys, link, "is a symbolic link")
    dangling = tmp_path / "test-cpu_2t_20261129T000004Z.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    _one_problem(capsys, dangling, "is a symbolic link")
    secret = tmp_path / "test-cpu_2t_20261129T000005Z.json"
    secret.symlink_to("/etc/passwd")
    line = _one_problem(capsys, secret, "is a symbolic link")
    assert "root:" not in line


def test_folders(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    _one_problem(capsys, empty, "holds no .json file")
    nested = tmp_path / "results" / "timeline"
    nested.mkdir(parents=True)
    good = _write(nested, GOOD_NAME, _run_data())
    (tmp_path / "results" / "notes.txt").write_text("not checked")
    (tmp_path / "results" / "linked").symlink_to(nested)
    code, lines, _ = _validate(capsys, tmp_path / "results")
    assert code == 1
    assert lines == [f"{tmp_path / 'results' / 'linked'}: is a symbolic link to a folder; "
                     "results must be the files themselves",
                     f"ok  {good}  (results, machine test-cpu_2t, quick profile, 1 benchmarks, torch 2.13.0+cpu)",
                     "tipsbench validate: 2 files, 1 with problems"]


def test_a_folder_named_json(tmp_path, capsys):
    folder = tmp_path / GOOD_NAME
    folder.mkdir()
    _one_problem(capsys, folder, "holds no .json file")


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads any file")
def test_an_unreadable_file(tmp_path, capsys):
    path = _write(tmp_path, GOOD_NAME, _run_data())
    path.chmod(0)
    _one_problem(capsys, path, "cannot be read")


def test_a_timeline_record_is_named_as_tipsbench_timeline_names_it(tmp_path, capsys):
    record = json.loads((SHIPPED / "claims" / "timeline-run.json").read_text(encoding="utf-8"))
    path = _write(tmp_path, "timeline-run-copy.json", record)
    _one_problem(capsys, path, "timeline-run.json or timeline-bench-run.json")
    record["releases"][0]["why"] = "\x1b[31mfailed"
    path = _write(tmp_path, "timeline-run.json", record)
    _one_problem(capsys, path, "releases[0].why contains a control character")


# --- exit codes ----------------------------------------------------------------------

def test_exit_codes(tmp_path, data_dir, capsys):
    good = _write(tmp_path, GOOD_NAME, _run_data())
    assert _validate(capsys, good)[0] == 0
    assert _validate(capsys, good, data_dir / "empty.json")[0] == 1
    with pytest.raises(SystemExit) as usage:
        main(["validate"])
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as usage:
        main(["validate", "--no-such-option", str(good)])
    assert usage.value.code == 2
    assert "usage: tipsbench validate" in capsys.readouterr().err


def test_a_file_given_twice_is_checked_once(tmp_path, capsys):
    good = _write(tmp_path, GOOD_NAME, _run_data())
    code, lines, _ = _validate(capsys, good, tmp_path, good)
    assert code == 0 and len(lines) == 2


# --- anything at all: one line, never a traceback -------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["machine_info", "benchmarks", "tipsbench", "tipsbench_claims", "releases", "stats",
                         "data", "node", "key", "datetime", "format", "claims", "torch"]) | st.text(max_size=8),
        inner, max_size=5),
    max_leaves=30)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=200), _JSON.map(lambda value: json.dumps(value).encode())))
def test_anything_is_one_line(content, tmp_path, capsys):
    path = tmp_path / GOOD_NAME
    path.write_bytes(content)
    code, lines, err = _validate(capsys, "--quiet", path)
    assert code in (0, 1) and err == ""
    assert len(lines) == (code == 1)
    assert all(line.startswith(f"{path}: ") and "could not be checked" not in line for line in lines)
