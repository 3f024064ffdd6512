"""The tipsbench command: report tables, one-line errors, and a real (tiny) run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tipsbench.cli import main

ROOT = Path(__file__).resolve().parents[1]


class TestReport:
    def test_table_per_tip_with_sizes_as_columns(self, data_dir, capsys):
        """One table per tip, a row per call, a column per size: median and share of the ceiling."""
        assert main(["report", str(data_dir / "numpy_run.json")]) == 0
        out = capsys.readouterr().out
        head = next(line for line in out.splitlines() if line.startswith("numpy "))
        assert "dtype" in head and "memory" in head and "KiB" in head and "MiB" in head
        row = next(line for line in out.splitlines() if line.startswith("torch.tensor(a) "))
        assert "copies" in row and "18.3 ms · 13%" in row
        assert any(line.startswith("torch.from_numpy(a) ") and "shares" in line for line in out.splitlines())

    def test_markdown_is_a_table_per_tip_and_escapes_pipes(self, data_dir, tmp_path, capsys):
        data = json.loads((data_dir / "numpy_run.json").read_text())
        data["benchmarks"][0]["extra_info"]["code"] = "a | b `x`"
        path = tmp_path / "md.json"
        path.write_text(json.dumps(data))
        assert main(["report", "--format", "markdown", str(path)]) == 0
        out = capsys.readouterr().out
        assert "**numpy**" in out and "|---|---|---|---:|" in out and "a \\| b 'x'" in out

    def test_json_has_every_cell(self, data_dir, capsys):
        assert main(["report", "--format", "json", str(data_dir / "numpy_run.json")]) == 0
        [doc] = json.loads(capsys.readouterr().out)
        rows = doc["tips"]["numpy"]
        tensor = next(r for r in rows if r["code"] == "torch.tensor(a)")
        assert tensor["memory"] == "copies" and all(c["median_s"] > 0 for c in tensor["cells"])
        assert any(c["ceiling_share"] for c in tensor["cells"])

    @pytest.mark.parametrize("name", ["empty.json", "truncated.json", "not_json.json", "wrong_shape.json", "newer_format.json", "missing.json"])
    def test_bad_file_is_one_line_no_traceback(self, data_dir, capsys, name):
        """Each bad file is one line on stderr naming the file; the exit status is 1."""
        assert main(["report", str(data_dir / name)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(data_dir / name) in err and "Traceback" not in err

    def test_good_files_still_reported_after_a_bad_one(self, data_dir, capsys):
        """A bad file doesn't stop the report of the good ones."""
        assert main(["report", str(data_dir / "empty.json"), str(data_dir / "numpy_run.json")]) == 1
        assert "torch.tensor(a)" in capsys.readouterr().out

    def test_terminal_escapes_are_neutralized(self, data_dir, tmp_path, capsys):
        """A results string can't smuggle terminal control sequences."""
        data = json.loads((data_dir / "numpy_run.json").read_text())
        data["benchmarks"][0]["extra_info"]["code"] = "evil\x1b[2Jcode"
        path = tmp_path / "esc.json"
        path.write_text(json.dumps(data))
        main(["report", str(path)])
        assert "\x1b" not in capsys.readouterr().out


@pytest.mark.slow
class TestRun:
    def test_run_saves_a_compact_file_pytest_benchmark_can_compare(self, tmp_path):
        """`tipsbench run` times the suite, saves a compact run, and pytest-benchmark still reads it."""
        cmd = [sys.executable, "-m", "tipsbench.cli", "run", "--profile", "quick", "--results-dir", str(tmp_path),
               "--", "-q", "-k", "from_numpy and 1KiB and not clone"]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        files = list(tmp_path.glob("*.json"))
        assert len(files) == 1 and files[0].name.endswith("Z.json")
        data = json.loads(files[0].read_text())
        assert data["machine_info"]["tipsbench"]["ceilings"]["memcpy_bytes_per_s"] > 0
        assert all("data" not in b["stats"] for b in data["benchmarks"])
        assert "node" not in data["machine_info"]
        compare_cli = Path(sys.executable).with_name("pytest-benchmark")
        compare = subprocess.run([str(compare_cli), "compare", str(files[0])],
                                 capture_output=True, text=True, timeout=120)
        assert compare.returncode == 0, compare.stderr[-2000:]
        assert "test_numpy_tensor[from_numpy-float32-1KiB]" in compare.stdout
