"""`tipsbench timeline` without downloading torch: its steps are faked, its bookkeeping is real."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tipsbench import releases, testing


@pytest.fixture
def fake_steps(monkeypatch, tmp_path):
    """Every step the runner takes, answered the way uv and a release's tipsbench would."""
    calls: list[list[str]] = []

    def step(command, cwd, timeout):
        calls.append(command)
        if command[1:3] == ["venv", "-q"]:
            Path(command[-1], "bin").mkdir(parents=True)
            return ""
        if command[1:3] == ["pip", "install"]:
            if "torch==2.5.*" in command:
                raise releases.StepFailed("`uv pip install -q …` exited with 1: No solution found for torch==2.5.*")
            return ""
        if command[1] == "-c":  # the versions the environment got
            release = Path(command[0]).parents[1].name.removeprefix("torch-")
            return json.dumps([f"{release}.1+cu999", "2.4.6", "3.11.7", {"tensorboard": "2.20.0"}]) + "\n"
        if command[1] == "claims":
            target = Path(command[-1])
            torch = target.stem.removeprefix("torch-")
            testing.claims_file(target.parent, torch, {"numpy.from_numpy_shares": "holds"})
            return ""
        if command[1] == "run":
            return "tipsbench: saved 3 results to results/timeline/x.json\n"
        raise AssertionError(command)

    monkeypatch.setattr(releases, "_step", step)
    monkeypatch.setattr(releases.shutil, "which", lambda name: "/usr/bin/uv")
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # the repository root, as the command wants
    return calls


def test_a_failed_release_is_recorded_and_the_next_one_runs(fake_steps, tmp_path, capsys):
    out = tmp_path / "claims"
    code = releases.main(["--torch", "2.4", "2.5", "2.6", "--out", str(out), "--workdir", str(tmp_path / "work")])
    assert code == 1
    index = json.loads((out / releases.INDEX_NAME).read_text())
    by_release = {r["release"]: r for r in index["releases"]}
    assert by_release["2.4"]["status"] == "ok" and by_release["2.4"]["torch"] == "2.4.1+cu999"
    assert by_release["2.4"]["libraries"] == {"tensorboard": "2.20.0"}
    assert by_release["2.5"]["status"] == "failed" and "No solution found" in by_release["2.5"]["why"]
    assert by_release["2.6"]["status"] == "ok"
    assert sorted(p.name for p in out.glob("torch-*.json")) == ["torch-2.4.1+cu999.json", "torch-2.6.1+cu999.json"]
    assert not list((tmp_path / "work" / "tipsbench-timeline").iterdir())  # environments removed
    assert "failed: 2.5" in capsys.readouterr().out


def test_newest_patch_is_asked_for_and_tips_extra_installed(fake_steps, tmp_path):
    releases.main(["--torch", "2.10", "--out", str(tmp_path), "--workdir", str(tmp_path), "--keep"])
    install = next(c for c in fake_steps if c[1:3] == ["pip", "install"])
    assert "torch==2.10.*" in install and any(part.endswith("[tips]") for part in install)
    assert (tmp_path / "tipsbench-timeline" / "torch-2.10").is_dir()  # --keep keeps it


def test_bench_without_claims_records_the_runs_elsewhere(fake_steps, tmp_path):
    releases.main(["--torch", "2.4", "--bench", "--no-claims", "--out", str(tmp_path), "--workdir", str(tmp_path)])
    index = json.loads((tmp_path / releases.BENCH_INDEX_NAME).read_text())
    assert index["releases"][0]["bench_file"] == "results/timeline/x.json"
    assert not list(tmp_path.glob("torch-*.json"))


def test_too_little_disk_skips_the_release(fake_steps, tmp_path, monkeypatch):
    monkeypatch.setattr(releases.shutil, "disk_usage", lambda path: type("U", (), {"free": 1 << 30})())
    assert releases.main(["--torch", "2.4", "--out", str(tmp_path), "--workdir", str(tmp_path)]) == 1
    index = json.loads((tmp_path / releases.INDEX_NAME).read_text())
    assert "GB free" in index["releases"][0]["why"] and fake_steps == []


def test_without_uv_one_line(monkeypatch, capsys):
    monkeypatch.setattr(releases.shutil, "which", lambda name: None)
    assert releases.main(["--torch", "2.4"]) == 2
    assert capsys.readouterr().err.strip() == "tipsbench timeline: uv is not installed; `pip install uv` first"
