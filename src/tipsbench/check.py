"""``tipsbench check``: does this tip hold on my machine? One command, no site.

For the chosen tips (a tip id, a group such as ``save_load``, or ``all``) it runs the
claims their verdicts rest on and, where a verdict rests on measured numbers, the quick
benchmarks of those families; then it evaluates each verdict's evidence exactly as the
site does (tipsbench.verdicts) and prints the verdict, the evidence line by line, and
whether this machine agrees with the site. Without arguments it lists the tips.

``--json FILE`` writes a claims file (the timeline's format, so ``claims.files.load``
reads it) with the verdicts added. Output is Chinese when ``--lang zh`` is given or
the locale (LC_ALL, LC_MESSAGES, LANG) is Chinese.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path

from tipsbench import claims, families, verdicts
from tipsbench.claims import files as claims_files
from tipsbench.claims import timeline as tl
from tipsbench.claims.build import BUILD_NAMES, installed_build
from tipsbench.progress import PYTEST_ARGS as PROGRESS_ARGS
from tipsbench.progress import Progress
from tipsbench.render.labels import define
from tipsbench.render.observed import detail_zh, line_zh
from tipsbench.results import Run
from tipsbench.schema import printable

CLAIMS_DIR = Path("results") / "claims"
BENCHMARKS = Path("benchmarks")

text = define("check", {
    "header": {"en": "tipsbench check · torch {torch} ({build}) · numpy {numpy}",
               "zh": "tipsbench check · torch {torch}（{build}）· numpy {numpy}"},
    "list_head": {"en": "Tips you can check (tipsbench check ID, a group such as save_load, or all):",
                  "zh": "可以检查的技巧（tipsbench check 加技巧 ID、分组名如 save_load，或 all）："},
    "unknown": {"en": "no tip or group {name!r}; `tipsbench check` lists them",
                "zh": "没有名为 {name!r} 的技巧或分组；运行 `tipsbench check` 查看列表"},
    "claims_progress": {"en": "running {n} claims…", "zh": "正在检查 {n} 条说法……"},
    "bench_progress": {"en": "timing the quick benchmarks of {families} (the numbers {n} rules need)…",
                       "zh": "正在用快速档测量 {families} 的基准（{n} 条规则需要这些数字）……"},
    "no_suite": {"en": "no benchmark suite in ./benchmarks: the rules are not measured (run this from the tipsbench repository)",
                 "zh": "./benchmarks 下没有基准测试：规则无法测量（请在 tipsbench 仓库根目录下运行）"},
    "seed": {"en": "seed", "zh": "原文"},
    "site": {"en": "site", "zh": "本站结论"},
    "here": {"en": "here", "zh": "本机"},
    "agrees": {"en": "the evidence agrees with the site's verdict", "zh": "证据与本站的结论一致"},
    "contradicts": {"en": "the evidence contradicts the site's verdict:", "zh": "证据与本站的结论相矛盾："},
    "outside": {"en": "{n} of its claims don't hold on this torch, as the shipped timeline records for it: the verdict describes {span}",
                "zh": "其中 {n} 条说法在当前 torch 上不成立，与随站点发布的时间线记录一致：这个结论描述的是{span}"},
    "no_evidence": {"en": "no evidence to check here (the site's verdict rests on its pages' text)",
                    "zh": "这里没有可检查的证据（本站的结论依据页面上的说明）"},
    "rule": {"en": "rule", "zh": "规则"},
    "rule_inconclusive": {"en": "within the noise here: no meaningful difference", "zh": "本机的差距落在噪声之内，看不出有意义的差别"},
    "rule_not_measured": {"en": "not measured by the quick profile here", "zh": "本机的快速档没有测到这些数字"},
    "summary_one": {"en": "The evidence {how}.", "zh": "{how}。"},
    "how_agree": {"en": "agrees with the site", "zh": "证据与本站一致"},
    "how_contradict": {"en": "contradicts the site", "zh": "证据与本站矛盾"},
    "how_none": {"en": "can't be checked here", "zh": "在本机没有可检查的证据"},
    "summary": {"en": "{n} tips: the evidence agrees with the site for {agree}, contradicts it for {contradict}; {none} have no evidence to check here",
                "zh": "{n} 个技巧：{agree} 个与本站一致，{contradict} 个与本站矛盾，{none} 个在本机没有可检查的证据"},
    "wrote": {"en": "wrote {path}", "zh": "已写入 {path}"},
    "broken": {"en": "{n} checks broke (a bug in tipsbench): see the ! lines",
               "zh": "{n} 项检查自身出错（tipsbench 的问题）：见标 ! 的行"},
})


def locale_of(requested: str | None) -> str:
    if requested:
        return requested
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def groups() -> dict[str, list[verdicts.Tip]]:
    """Tips by their id's first part ("save_load", "gpu"…), in the tips' order."""
    found: dict[str, list[verdicts.Tip]] = {}
    for tip in verdicts.all_tips().values():
        found.setdefault(tip.id.split(".", 1)[0], []).append(tip)
    return found


def select(names: Sequence[str]) -> list[verdicts.Tip]:
    """The tips named (ids, groups or "all"), each once, in registry order; KeyError naming
    the first unknown one."""
    tips, by_group = verdicts.all_tips(), groups()
    chosen: dict[str, verdicts.Tip] = {}
    for name in names:
        if name == "all":
            chosen.update(tips)
        elif name in tips:
            chosen[name] = tips[name]
        elif name in by_group:
            chosen.update((t.id, t) for t in by_group[name])
        else:
            raise KeyError(name)
    return [t for t in tips.values() if t.id in chosen]


def benchmark_file(tip: str) -> Path | None:
    """benchmarks/test_<family>.py of the family whose results carry `tip`."""
    for family in families.names():
        if getattr(importlib.import_module(f"tipsbench.families.{family}"), "TIP", None) == tip:
            path = BENCHMARKS / f"test_{family}.py"
            return path if path.is_file() else None
    return None


def measure(rule_tips: set[str]) -> tuple[Run | None, int]:
    """Time the quick benchmarks of these families in this process; the run (not saved)
    and pytest's exit status."""
    import json

    import pytest

    from tipsbench import storage
    from tipsbench.profiles import PROFILE_ENV, QUICK
    from tipsbench.results import parse_run

    paths = sorted(str(p) for p in (benchmark_file(t) for t in rule_tips) if p is not None)
    if not paths or not (BENCHMARKS / "conftest.py").is_file():
        return None, 0
    previous = os.environ.get(PROFILE_ENV)
    os.environ[PROFILE_ENV] = QUICK
    try:
        with tempfile.TemporaryDirectory(prefix="tipsbench-check-") as tmp:
            raw = Path(tmp) / "raw.json"
            code = pytest.main([*paths, "-p", "no:cacheprovider", "--benchmark-json", str(raw), *PROGRESS_ARGS],
                               plugins=[Progress()])
            if not raw.is_file():
                return None, int(code)
            data = storage.compact(json.loads(raw.read_text(encoding="utf-8")))
            # The name rules quote when they report on it: this run, which is saved nowhere.
            return parse_run(data, Path(tmp) / "this-run.json"), int(code)
    finally:
        if previous is None:
            os.environ.pop(PROFILE_ENV, None)
        else:
            os.environ[PROFILE_ENV] = previous


def shipped_timeline() -> tl.Timeline:
    found, _ = claims_files.load_dir(CLAIMS_DIR) if CLAIMS_DIR.is_dir() else ([], [])
    return tl.Timeline(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tipsbench check", description="Does this tip hold on my machine?")
    parser.add_argument("names", nargs="*", metavar="TIP", help="tip ids, groups (save_load, gpu…) or all")
    parser.add_argument("--json", metavar="FILE", help="also write the outcomes and verdicts to FILE")
    parser.add_argument("--lang", choices=("en", "zh"), help="language of the output (default: from the locale)")
    args = parser.parse_args(argv)
    loc = locale_of(args.lang)
    if not args.names:
        print(listing(loc))
        return 0
    try:
        chosen = select(args.names)
    except KeyError as exc:
        print(f"tipsbench check: {text.plain('unknown', loc, name=exc.args[0])}", file=sys.stderr)
        return 2
    return run_check(chosen, loc, args.json)


def listing(loc: str) -> str:
    from tipsbench.render.verdicts import text as verdict_words

    lines = [text.plain("list_head", loc)]
    for group, tips in groups().items():
        lines.append(f"\n{group}")
        for tip in tips:
            seed = f"  [{tip.index}]" if tip.index else ""
            lines.append(f"  {tip.id:<40} {pad(verdict_words.plain(tip.verdict, loc), 14)}{seed}")
    return "\n".join(lines)


def pad(words: str, width: int) -> str:
    """`words` padded to `width` terminal columns (a Han character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in words)
    return words + " " * max(1, width - used)


def run_check(chosen: list[verdicts.Tip], loc: str, json_path: str | None) -> int:
    import numpy
    import torch

    print(text.plain("header", loc, torch=torch.__version__, build=BUILD_NAMES[installed_build()][loc],
                     numpy=numpy.__version__), flush=True)
    claim_ids = sorted({cid for tip in chosen for cid in tip.claims})
    print(text.plain("claims_progress", loc, n=len(claim_ids)), file=sys.stderr, flush=True)
    with warnings.catch_warnings():  # what the checks provoke is theirs to catch and show
        warnings.simplefilter("ignore")
        for claim_id in claim_ids:
            claims.observe(claim_id)
    rule_tips = {rule.tip for tip in chosen for rule in tip.rules}
    runs: tuple[Run, ...] = ()
    bench_code = 0
    if rule_tips:
        n_rules = sum(len(tip.rules) for tip in chosen)
        if not (BENCHMARKS / "conftest.py").is_file():
            print(text.plain("no_suite", loc), file=sys.stderr)
        else:
            print(text.plain("bench_progress", loc, families=", ".join(sorted(rule_tips)), n=n_rules),
                  file=sys.stderr, flush=True)
            run, bench_code = measure(rule_tips)
            runs = (run,) if run is not None else ()
    timeline = shipped_timeline()
    reports, counts = [], {"agree": 0, "contradict": 0, "none": 0}
    for tip in chosen:
        evidence = verdicts.evaluate(tip, runs, timeline)
        kind = "contradict" if evidence.contradictions else ("agree" if tip.claims or evidence.rules else "none")
        counts[kind] += 1
        reports.append((tip, evidence, kind))
        print()
        print(describe(tip, evidence, kind, loc))
    print()
    if len(chosen) == 1:
        print(text.plain("summary_one", loc, how=text.plain(f"how_{reports[0][2]}", loc)))
    else:
        print(text.plain("summary", loc, n=len(chosen), **counts))
    broken = [cid for cid in claim_ids if claims.observe(cid).status == claims.ERROR]
    if broken:
        print(text.plain("broken", loc, n=len(broken)), file=sys.stderr)
    if json_path:
        path = claims_files.write(Path(json_path), as_json(claim_ids, reports))
        print(text.plain("wrote", loc, path=path))
    # A bench run that broke (not one with skipped cases) is our error too.
    return 1 if broken or bench_code not in (0, 5) else 0


def describe(tip: verdicts.Tip, evidence: verdicts.Evidence, kind: str, loc: str) -> str:
    from tipsbench.render.claims import span_words
    from tipsbench.render.verdicts import text as verdict_words

    index = f"[{tip.index}] " if tip.index else ""
    colon, dash = ("：", "——") if loc == "zh" else (": ", " — ")
    lines = [f"{index}{tip.id}",
             f"  {text.plain('seed', loc)}{colon}{tip.seed[loc]}",
             f"  {text.plain('site', loc)}{colon}{verdict_words.plain(tip.verdict, loc)}"
             + (f"{dash}{tip.reason[loc]}" if tip.reason[loc] else "")]
    here = f"  {text.plain('here', loc)}{colon}"
    if kind == "contradict":
        lines.append(f"{here}✗ {text.plain('contradicts', loc)}")
        lines += [f"      {printable(problem)}" for problem in evidence.contradictions]
    elif kind == "agree":
        lines.append(f"{here}✓ {text.plain('agrees', loc)}")
    else:
        lines.append(f"{here}– {text.plain('no_evidence', loc)}")
    if evidence.outside and evidence.releases is not None:
        lines.append("  " + text.plain("outside", loc, n=len(evidence.outside), span=span_words(evidence.releases, loc)))
    for claim_id, judgement in evidence.claims:
        seen = claims.observe(claim_id)
        lines.append(f"    {claims.MARKS[judgement.outcome]} {claims.get(claim_id).text[loc]}")
        first = seen.shown.splitlines()[0] if seen.shown else ""
        if first:
            lines.append(f"        {printable(line_zh(first) if loc == 'zh' else first)[:160]}")
    measured = {rule.id: (name, result) for rule, name, result in evidence.rules}
    for rule in tip.rules:
        if rule.id in measured:
            _, result = measured[rule.id]
            mark = {True: "✓", False: "✗", None: "≈"}[result.holds]
            unsure = f" ({text.plain('rule_inconclusive', loc)})" if result.holds is None else ""
            if loc == "zh" and unsure:
                unsure = f"（{text.plain('rule_inconclusive', loc)}）"
            lines.append(f"    {mark} {text.plain('rule', loc)}{colon}{rule.text[loc]}{unsure}")
            detail = detail_zh(result.detail) if loc == "zh" else result.detail
            lines.append(f"        {printable(detail)}")
        else:
            lines.append(f"    – {text.plain('rule', loc)}{colon}{rule.text[loc]}{'（' if loc == 'zh' else ' ('}{text.plain('rule_not_measured', loc)}{'）' if loc == 'zh' else ')'}")
    return "\n".join(lines)


def as_json(claim_ids: list[str], reports) -> dict:
    """A claims file of the claims that ran, plus each tip's verdict and its evidence here."""
    data = claims_files.observe_all(claim_ids)
    data["verdicts"] = [
        {"tip": tip.id, "verdict": tip.verdict, "evidence": kind, "problems": evidence.contradictions,
         "rules": [{"id": rule.id, "holds": result.holds, "detail": result.detail} for rule, _, result in evidence.rules]}
        for tip, evidence, kind in reports
    ]
    return data
