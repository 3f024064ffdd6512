"""`tipsbench compare OLD NEW`: noise-aware changes, regressions named, machines kept apart."""

from __future__ import annotations

import json

from tipsbench import testing
from tipsbench.cli import main


def _write(tmp_path, name, medians, iqr=0.02, **machine):
    benches = [testing.bench("numpy", v, m, iqr_s=m * iqr, direction="numpy_to_torch") for v, m in medians.items()]
    path = tmp_path / name
    path.write_text(json.dumps(testing.data(benches, **machine)))
    return str(path)


def test_a_file_against_itself_changes_nothing(tmp_path, capsys):
    old = _write(tmp_path, "a.json", {"from_numpy": 1e-6, "tensor": 1e-3})
    assert main(["compare", old, old]) == 0
    assert "2 benchmarks compared: 2 same" in capsys.readouterr().out


def test_a_slowdown_beyond_the_noise_is_a_regression_named_on_stderr(tmp_path, capsys):
    old = _write(tmp_path, "a.json", {"from_numpy": 1e-6, "tensor": 1e-3})
    new = _write(tmp_path, "b.json", {"from_numpy": 1.05e-6, "tensor": 2e-3})
    assert main(["compare", old, new]) == 1
    captured = capsys.readouterr()
    assert "REGRESSION" in captured.out and "1 same" in captured.out
    assert "1 regressed beyond the noise: test_numpy[tensor-1024]" in captured.err


def test_inside_the_noise_is_not_a_regression(tmp_path):
    old = _write(tmp_path, "a.json", {"tensor": 1e-3}, iqr=0.8)
    new = _write(tmp_path, "b.json", {"tensor": 1.5e-3}, iqr=0.8)
    assert main(["compare", old, new]) == 0


def test_threshold_raises_the_bar(tmp_path, capsys):
    old = _write(tmp_path, "a.json", {"tensor": 1e-3})
    new = _write(tmp_path, "b.json", {"tensor": 1.3e-3})
    assert main(["compare", old, new]) == 1
    assert main(["compare", old, new, "--threshold", "0.5"]) == 0
    assert "slower (under threshold)" in capsys.readouterr().out


def test_different_machines_are_refused_unless_asked(tmp_path, capsys):
    old = _write(tmp_path, "a.json", {"tensor": 1e-3})
    new = _write(tmp_path, "b.json", {"tensor": 1e-3}, key="other-cpu_8t")
    assert main(["compare", old, new]) == 2
    assert "pass --any-machine" in capsys.readouterr().err
    assert main(["compare", old, new, "--any-machine"]) == 0


def test_a_bad_file_is_one_line(tmp_path, capsys):
    old = _write(tmp_path, "a.json", {"tensor": 1e-3})
    (tmp_path / "bad.json").write_text("{")
    assert main(["compare", old, str(tmp_path / "bad.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.json" in err


def test_a_rules_comparisons_are_left_out(tmp_path):
    """A paired comparison's time is how long it took (it stops when decided), not a cost:
    a comparison that took twice as long is no regression."""
    from tipsbench.compare import changes

    def run(seconds):
        paired = testing.paired("numpy.tensor_cost_grows/float32", [100.0] * 12)
        paired["stats"]["median"] = seconds
        return testing.run([paired, testing.bench("numpy", "tensor", 1e-3, direction="numpy_to_torch")])

    pairs, only_old, only_new = changes(run(0.5), run(1.0))
    assert [c.name for c in pairs] == ["test_numpy[tensor-1024]"] and not only_old and not only_new
