"""How robust the verdicts on numbers are: `tipsbench check all`, twice on an idle machine
and twice with one busy-looping process per core, then three checks on the four runs.

- no run contradicts the site's verdicts;
- no rule holds in one run and fails in another;
- on the idle machine at least 80% of the rules on numbers that this machine can measure
  are decided (hold or fail), not inconclusive.

Not a unit test: it takes several minutes and needs the machine to itself (start it on an
idle machine). Run it with ``pytest verdict_benchmarks -s``; it writes every run's rules
and the figures to ``verdict-robustness.json`` (or ``$TIPSBENCH_ROBUSTNESS_JSON``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tipsbench import busy

ROOT = Path(__file__).resolve().parents[1]
DECIDED_AT_LEAST = 0.80
CONDITIONS = ("idle", "idle", "busy", "busy")
BUSY_LOOP = "while True:\n    pass\n"


def _check_all(out: Path) -> dict:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tipsbench.cli", "check", "all", "--json", str(out), "--lang", "en"],
                          cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    return {"seconds": round(time.perf_counter() - started, 1), "verdicts": data["verdicts"]}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[dict]:
    folder = tmp_path_factory.mktemp("robustness")
    found = []
    for i, condition in enumerate(CONDITIONS):
        loops = []
        if condition == "busy":
            loops = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(busy.cores())]
        try:
            result = _check_all(folder / f"check-{i}.json")
        finally:
            for loop in loops:
                loop.kill()
                loop.wait()
        result["condition"] = condition
        found.append(result)
    figures = summarize(found)
    target = Path(os.environ.get("TIPSBENCH_ROBUSTNESS_JSON", ROOT / "verdict-robustness.json"))
    target.write_text(json.dumps({"figures": figures, "runs": found}, indent=1), encoding="utf-8")
    print("\n" + json.dumps(figures, indent=1))
    return found


def rules_of(run: dict) -> dict[str, dict]:
    """Each rule measured in the run (not-checkable ones have no comparisons), by id."""
    return {rule["id"]: rule for verdict in run["verdicts"] for rule in verdict["rules"] if rule["comparisons"]}


def summarize(found: list[dict]) -> dict:
    figures = {"runs": []}
    for run in found:
        rules = rules_of(run)
        decided = [r for r in rules.values() if r["holds"] is not None]
        figures["runs"].append({
            "condition": run["condition"], "seconds": run["seconds"], "rules": len(rules),
            "holds": sum(r["holds"] is True for r in rules.values()),
            "fails": sum(r["holds"] is False for r in rules.values()),
            "inconclusive": sum(r["holds"] is None for r in rules.values()),
            "postponed": sum(bool(r["postponed"]) for r in rules.values()),
            "decided_share": round(len(decided) / len(rules), 3) if rules else None,
            "contradicted_tips": [v["tip"] for v in run["verdicts"] if v["evidence"] == "contradict"],
            "busy_comparisons": sum(c["load"]["busy"] for r in rules.values() for c in r["comparisons"]),
        })
    return figures


def test_no_run_contradicts_the_site(runs):
    for run in runs:
        assert not [v["tip"] for v in run["verdicts"] if v["evidence"] == "contradict"], run["condition"]


def test_no_rule_flips_between_holds_and_fails(runs):
    outcomes: dict[str, set] = {}
    for run in runs:
        for rule_id, rule in rules_of(run).items():
            if rule["holds"] is not None:
                outcomes.setdefault(rule_id, set()).add(rule["holds"])
    assert not [rule_id for rule_id, seen in outcomes.items() if len(seen) > 1]


def test_most_rules_are_decided_on_an_idle_machine(runs):
    for run in runs:
        if run["condition"] == "idle":
            rules = rules_of(run)
            assert len(rules) >= 12
            decided = sum(r["holds"] is not None for r in rules.values())
            assert decided / len(rules) >= DECIDED_AT_LEAST, {k: v["detail"] for k, v in rules.items() if v["holds"] is None}
