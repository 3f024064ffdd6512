"""`tipsbench check`: tips listed and chosen, verdicts judged from evidence, both languages."""

from __future__ import annotations

import json
from unittest import mock

import pytest

from tipsbench import check, claims, cli, verdicts
from tipsbench.claims import files


def test_without_arguments_it_lists_every_tip(capsys):
    assert cli.main(["check"]) == 0
    out = capsys.readouterr().out
    assert all(tip_id in out for tip_id in verdicts.all_tips())


def test_listing_in_chinese(capsys):
    assert cli.main(["check", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "可以检查的技巧" in out and "有条件成立" in out


@pytest.mark.parametrize(("names", "expected"), [
    (["modules"], ["modules.no_python_list"]),
    (["numpy.tensor_copies", "numpy"], [t.id for t in verdicts.all_tips().values() if t.id.startswith("numpy.")]),
])
def test_select(names, expected):
    assert [t.id for t in check.select(names)] == expected


def test_unknown_name_is_one_line_and_status_2(capsys):
    assert cli.main(["check", "nonsense"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "tipsbench check: no tip or group 'nonsense'; `tipsbench check` lists them"


@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"), ({"LC_ALL": "zh_TW.UTF-8", "LANG": "C"}, "zh"),
    ({}, "en"),
])
def test_locale(monkeypatch, env, expected):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert check.locale_of(None) == expected


@pytest.mark.slow
def test_a_real_check_of_a_small_family(tmp_path, capsys):
    """modules: five claims, no benchmarks; run for real, written as a claims file."""
    path = tmp_path / "check.json"
    assert cli.main(["check", "modules", "--json", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "[1] modules.no_python_list" in out and "✓ the evidence agrees with the site's verdict" in out
    read = files.load(path)  # a claims file like the timeline's
    assert set(read.claims) == set(verdicts.get("modules.no_python_list").claims)
    data = json.loads(path.read_text())
    assert data["verdicts"] == [{"tip": "modules.no_python_list", "verdict": "holds", "evidence": "agree",
                                 "problems": [], "rules": []}]


def _canned(tip_id: str, observation: claims.Observation) -> dict:
    return {cid: observation for cid in verdicts.get(tip_id).claims}


def test_contradicting_evidence_is_reported_in_chinese(capsys):
    failing = claims.Observation(False, "torch.tensor(a): shares memory")
    with mock.patch.dict(claims._OBSERVED, _canned("numpy.tensor_copies", failing)):
        assert cli.main(["check", "numpy.tensor_copies", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "证据与本站的结论相矛盾" in out and "torch.tensor(a)：共享底层内存" in out
    assert "claim numpy.tensor_always_copies fails" in out


def test_a_broken_check_is_our_error(capsys):
    broken = claims.Observation(False, "KeyError: 'x'", error=True)
    with mock.patch.dict(claims._OBSERVED, _canned("numpy.tensor_copies", broken)):
        assert cli.main(["check", "numpy.tensor_copies"]) == 1
    assert "! " in capsys.readouterr().out


def test_a_check_with_rules_prints_each_interval_and_writes_it(tmp_path, capsys):
    """memory.getsizeof rests on two exact comparisons: each shows its ratio and the need,
    and the claims file carries every comparison with its decision."""
    path = tmp_path / "check.json"
    assert cli.main(["check", "memory.getsizeof", "--json", str(path), "--lang", "en", "--budget", "1"]) == 0
    out = capsys.readouterr().out
    assert "✓ rule: `sys.getsizeof(t)` of a 128 MiB tensor" in out
    assert "(exact) · needs A/B ≤ 0.00100×" in out
    rules = json.loads(path.read_text())["verdicts"][0]["rules"]
    assert {r["id"] for r in rules} == {"memory.getsizeof_excludes_tensor_data", "memory.getsizeof_includes_array_data"}
    assert all(r["holds"] is True and r["comparisons"][0]["decision"] == "holds" for r in rules)
    assert all(r["comparisons"][0]["threads"] == 1 for r in rules)
    assert cli.main(["check", "memory.getsizeof", "--lang", "zh", "--budget", "1"]) == 0
    assert "（精确值），要求 A/B ≤ 0.00100×" in capsys.readouterr().out


@pytest.mark.parametrize("budget", ["0", "-1", "x"])
def test_a_budget_must_be_seconds_above_zero(budget, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["check", "memory.getsizeof", "--budget", budget])
    assert exit_.value.code == 2 and "budget" in capsys.readouterr().err


def test_evidence_that_cant_fail_here_agrees_with_nothing(capsys):
    """Where none of a tip's claims can fail (gpu.visible_devices on a CPU build: both need
    CUDA), the tip has nothing to check and each claim says why, instead of "✓ the
    evidence agrees". Made so on any build: the outcomes are those of a CPU build."""
    cant = claims.Observation(False, "", not_checkable="cuda_build")
    with mock.patch.dict(claims._OBSERVED, _canned("gpu.visible_devices", cant)):
        assert cli.main(["check", "gpu.visible_devices", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "agrees" not in out and "– nothing to check here: none of its evidence can fail on this machine" in out
    assert "the check could not fail here" in out
