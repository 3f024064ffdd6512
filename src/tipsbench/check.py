"""``tipsbench check``: does this tip hold on my machine? One command, no site.

For the chosen tips (a tip id, a group such as ``save_load``, or ``all``) it runs the
claims their verdicts rest on and, where a verdict rests on measured numbers, the paired
comparisons of its rules (tipsbench.pairing, each until it decides or ``--budget`` seconds
pass); then it evaluates each verdict's evidence exactly as the
site does (tipsbench.verdicts) and prints the verdict, the evidence line by line, and
whether this machine agrees with the site. Without arguments it lists the tips.

``--json FILE`` writes a claims file (the timeline's format, so ``claims.files.load``
reads it) with the verdicts added. Output is Chinese when ``--lang zh`` is given or
the locale (LC_ALL, LC_MESSAGES, LANG) is Chinese.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from tipsbench import claims, pairing, verdicts
from tipsbench.claims import files as claims_files
from tipsbench.claims import timeline as tl
from tipsbench.claims.build import BUILD_NAMES, installed_build
from tipsbench.paired import PAIRED, Summary
from tipsbench.profiles import PAIRED_BUDGET_S, QUICK
from tipsbench.render.labels import define
from tipsbench.render.observed import line_zh
from tipsbench.results import Machine, Record, Run
from tipsbench.schema import printable

CLAIMS_DIR = Path("results") / "claims"

text = define("check", {
    "header": {"en": "tipsbench check · torch {torch} ({build}) · numpy {numpy}",
               "zh": "tipsbench check · torch {torch}（{build}）· numpy {numpy}"},
    "list_head": {"en": "Tips you can check (tipsbench check ID, a group such as save_load, or all):",
                  "zh": "可以检查的技巧（tipsbench check 加技巧 ID、分组名如 save_load，或 all）："},
    "unknown": {"en": "no tip or group {name!r}; `tipsbench check` lists them",
                "zh": "没有名为 {name!r} 的技巧或分组；运行 `tipsbench check` 查看列表"},
    "claims_progress": {"en": "running {n} claims…", "zh": "正在检查 {n} 条说法……"},
    "bench_progress": {"en": "measuring {cases} paired comparisons for {n} rules (at most {budget} s each)…",
                       "zh": "正在为 {n} 条规则做 {cases} 组配对比较（每组最多 {budget} 秒）……"},
    "pair_progress": {"en": "  [{done}/{total}] {case}", "zh": "  [{done}/{total}] {case}"},
    "seed": {"en": "seed", "zh": "原文"},
    "site": {"en": "site", "zh": "本站结论"},
    "here": {"en": "here", "zh": "本机"},
    "agrees": {"en": "the evidence agrees with the site's verdict", "zh": "证据与本站的结论一致"},
    "contradicts": {"en": "the evidence contradicts the site's verdict:", "zh": "证据与本站的结论相矛盾："},
    "outside": {"en": "{n} of its claims don't hold on this torch, as the shipped timeline records for it: the verdict describes {span}",
                "zh": "其中 {n} 条说法在当前 torch 上不成立，与随站点发布的时间线记录一致：这个结论描述的是{span}"},
    "nothing_checkable": {"en": "nothing to check here: none of its evidence can fail on this machine",
                          "zh": "这里没有可检查的证据：它的证据在本机都不可能不成立"},
    "no_evidence": {"en": "no evidence to check here (the site's verdict rests on its pages' text)",
                    "zh": "这里没有可检查的证据（本站的结论依据页面上的说明）"},
    "rule": {"en": "rule", "zh": "规则"},
    "rule_inconclusive": {"en": "inconclusive here: the interval reaches across the need's edge",
                          "zh": "本机无定论：置信区间跨过了规则要求的界限"},
    "rule_busy": {"en": "busy here ({why}): inconclusive, run again when idle",
                  "zh": "本机正忙（{why}）：暂无定论，请在空闲时重新运行"},
    "rule_not_measured": {"en": "not checkable here", "zh": "本机无法检查"},
    "need": {"en": "needs A/B {need}", "zh": "要求 A/B {need}"},
    "busy_cpu_share": {"en": "this process got {cpu_share} of a core", "zh": "本进程只分到 {cpu_share} 个核"},
    "busy_runnable": {"en": "{runnable:g} other tasks waiting for {cores} cores", "zh": "另有 {runnable:g} 个任务在争用 {cores} 个核"},
    "busy_steal": {"en": "the hypervisor took {steal} of the CPU", "zh": "虚拟化宿主占去了 {steal} 的 CPU 时间"},
    "busy_spin": {"en": "a calibration loop ran {spin}× slower than its best", "zh": "校准循环比最快时慢了 {spin} 倍"},
    "busy_note": {"en": "the machine was busy during {n} of the comparisons ({why}); their failures, if any, are postponed",
                  "zh": "有 {n} 组比较进行时机器正忙（{why}）；其中不成立的结果暂不计入"},
    "summary_one": {"en": "The evidence {how}.", "zh": "{how}。"},
    "how_agree": {"en": "agrees with the site", "zh": "证据与本站一致"},
    "how_contradict": {"en": "contradicts the site", "zh": "证据与本站矛盾"},
    "how_none": {"en": "can't be checked here", "zh": "在本机没有可检查的证据"},
    "summary": {"en": "{n} tips{finer}: the evidence agrees with the site for {agree}, contradicts it for {contradict}; {none} have no evidence to check here",
                "zh": "{n} 个技巧{finer}：{agree} 个与本站一致，{contradict} 个与本站矛盾，{none} 个在本机没有可检查的证据"},
    "finer": {"en": " ({seed} of them the seed's numbered tips, the rest finer points the site judges apart)",
              "zh": "（其中 {seed} 个是原文编号的技巧，其余是本站单独评判的细分要点）"},
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


def measure(rules: list[verdicts.Rule], budget_s: float, loc: str) -> Run:
    """Each rule's comparisons, measured here (tipsbench.pairing), as a run that is saved
    nowhere: the verdicts are evaluated on it exactly as the site evaluates a shipped run."""
    import numpy
    import torch

    from tipsbench.claims.build import installed_build

    cases = pairing.all_cases()
    records = []
    todo = [(rule, case) for rule in rules for case in rule.case_ids]
    for done, (rule, case_id) in enumerate(todo, 1):
        case = cases[case_id]
        print(text.plain("pair_progress", loc, done=done, total=len(todo), case=case_id), file=sys.stderr, flush=True)
        try:
            summary = pairing.measure(case, rule.need, budget_s)
        except pairing.NotCheckable as exc:
            print(f"      – {printable(str(exc))}", file=sys.stderr, flush=True)
            continue
        records.append(Record(name=f"test_rule[{case_id}]", tip=PAIRED, variant=case_id, code=f"{case.a} / {case.b}",
                              dtype="", nbytes=0, median_s=summary.elapsed_s, iqr_s=0.0, rounds=1, iterations=1,
                              fields=summary))
    machine = Machine(key="this-machine", cpu_model="", logical_cpus=None, caches=(), ram_bytes=None,
                      torch_version=torch.__version__, torch_build=installed_build(),
                      torch_threads=torch.get_num_threads(), numpy_version=numpy.__version__, profile=QUICK,
                      accelerators=(), ceilings=())
    now = datetime.now(timezone.utc).isoformat()
    return Run(path="this-run.json", datetime=now, machine=machine, records=tuple(records))


def shipped_timeline() -> tl.Timeline:
    found, _ = claims_files.load_dir(CLAIMS_DIR) if CLAIMS_DIR.is_dir() else ([], [])
    return tl.Timeline(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tipsbench check", description="Does this tip hold on my machine?")
    parser.add_argument("names", nargs="*", metavar="TIP", help="tip ids, groups (save_load, gpu…) or all")
    parser.add_argument("--json", metavar="FILE", help="also write the outcomes and verdicts to FILE")
    parser.add_argument("--lang", choices=("en", "zh"), help="language of the output (default: from the locale)")
    parser.add_argument("--budget", type=float, default=PAIRED_BUDGET_S[QUICK], metavar="SECONDS",
                        help="most seconds each paired comparison may take before it stops undecided "
                             f"(default {PAIRED_BUDGET_S[QUICK]:g}; most decide much sooner)")
    args = parser.parse_args(argv)
    if not args.budget > 0:
        parser.error("--budget must be a number of seconds above 0")
    loc = locale_of(args.lang)
    if not args.names:
        print(listing(loc))
        return 0
    try:
        chosen = select(args.names)
    except KeyError as exc:
        print(f"tipsbench check: {text.plain('unknown', loc, name=exc.args[0])}", file=sys.stderr)
        return 2
    return run_check(chosen, loc, args.json, args.budget)


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


def run_check(chosen: list[verdicts.Tip], loc: str, json_path: str | None,
              budget_s: float = PAIRED_BUDGET_S[QUICK]) -> int:
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
    wanted = {rule.id for tip in chosen for rule in tip.rules}
    rules = [rule for rule_id, rule in verdicts.rules().items() if rule_id in wanted]
    runs: tuple[Run, ...] = ()
    if rules:
        n_cases = sum(len(rule.cases) for rule in rules)
        print(text.plain("bench_progress", loc, n=len(rules), cases=n_cases, budget=f"{budget_s:g}"),
              file=sys.stderr, flush=True)
        runs = (measure(rules, budget_s, loc),)
    timeline = shipped_timeline()
    reports, counts = [], {"agree": 0, "contradict": 0, "none": 0}
    for tip in chosen:
        evidence = verdicts.evaluate(tip, runs, timeline)
        # Agreement needs something that held here: claims that weren't checkable and rules
        # that stayed undecided agree with nothing.
        supported = claims.HOLDS in evidence.statuses or any(r.holds for _, _, r in evidence.rules)
        kind = "contradict" if evidence.contradictions else ("agree" if supported else "none")
        counts[kind] += 1
        reports.append((tip, evidence, kind))
        print()
        print(describe(tip, evidence, kind, loc))
    print()
    if len(chosen) == 1:
        print(text.plain("summary_one", loc, how=text.plain(f"how_{reports[0][2]}", loc)))
    else:
        seed = sum(1 for t in chosen if t.index)
        finer = text.plain("finer", loc, seed=seed) if seed < len(chosen) else ""
        print(text.plain("summary", loc, n=len(chosen), finer=finer, **counts))
    busy = [s for run in runs for s in (r.fields for r in run.records) if isinstance(s, Summary) and s.load.busy]
    if busy:
        reasons = sorted({reason for s in busy for reason in s.load.reasons})
        print(text.plain("busy_note", loc, n=len(busy), why=", ".join(reasons)))
    broken = [cid for cid in claim_ids if claims.observe(cid).status == claims.ERROR]
    if broken:
        print(text.plain("broken", loc, n=len(broken)), file=sys.stderr)
    if json_path:
        path = claims_files.write(Path(json_path), as_json(claim_ids, reports))
        print(text.plain("wrote", loc, path=path))
    return 1 if broken else 0


def describe(tip: verdicts.Tip, evidence: verdicts.Evidence, kind: str, loc: str) -> str:
    from tipsbench.render.claims import span_words
    from tipsbench.render.verdicts import text as verdict_words

    index = f"[{tip.index}] " if tip.index else ""
    colon, dash = ("：", "。") if loc == "zh" else (": ", " — ")  # zh: as the pages write a verdict
    lines = [f"{index}{tip.id}",
             f"  {text.plain('seed', loc)}{colon}{tip.seed[loc]}",
             f"  {text.plain('site', loc)}{colon}{verdict_words.plain(tip.verdict, loc)}"
             + (f"{dash}{tip.reason[loc]}" if tip.reason[loc] else "")]
    here = f"  {text.plain('here', loc)}{colon}"
    if kind == "contradict":
        lines.append(f"{here}✗ {text.plain('contradicts', loc)}")
        lines += [f"      {printable(problem)}" for problem in evidence.contradictions_in(loc)]
    elif kind == "agree":
        lines.append(f"{here}✓ {text.plain('agrees', loc)}")
    else:
        key = "nothing_checkable" if tip.claims or tip.rules else "no_evidence"
        lines.append(f"{here}– {text.plain(key, loc)}")
    if evidence.outside and evidence.releases is not None:
        lines.append("  " + text.plain("outside", loc, n=len(evidence.outside), span=span_words(evidence.releases, loc)))
    for claim_id, judgement in evidence.claims:
        seen = claims.observe(claim_id)
        lines.append(f"    {claims.MARKS[judgement.outcome]} {claims.get(claim_id).text[loc]}")
        first = seen.shown.splitlines()[0] if seen.shown else ""
        if seen.not_checkable:  # why it could not fail here, in the reader's language
            first = claims.REQUIREMENTS[seen.not_checkable].why[loc]
            lines.append(f"        {printable(first)}")
        elif first:
            lines.append(f"        {printable(line_zh(first) if loc == 'zh' else first)[:160]}")
    measured = {rule.id: result for rule, _, result in evidence.rules}
    open_, close = ("（", "）") if loc == "zh" else (" (", ")")
    for rule in tip.rules:
        result = measured.get(rule.id)
        if result is None:
            lines.append(f"    – {text.plain('rule', loc)}{colon}{rule.text[loc]}{open_}{text.plain('rule_not_measured', loc)}{close}")
            continue
        mark = {True: "✓", False: "✗", None: "≈"}[result.holds]
        if result.postponed:
            why = busy_reasons(result, loc)
            unsure = f"{open_}{text.plain('rule_busy', loc, why=why)}{close}"
        elif result.holds is None:
            unsure = f"{open_}{text.plain('rule_inconclusive', loc)}{close}"
        else:
            unsure = ""
        lines.append(f"    {mark} {text.plain('rule', loc)}{colon}{rule.text[loc]}{unsure}")
        joiner = "，" if loc == "zh" else " · "  # no space after full-width punctuation
        lines.append(f"        {printable(result.details(loc))}{joiner}{text.plain('need', loc, need=rule.need.describe(loc))}")
    return "\n".join(lines)


def busy_reasons(result: verdicts.RuleResult, loc: str) -> str:
    """Which signals said busy, with their readings: "CPU share 0.66, 2 other runnable tasks"."""
    found: dict[str, str] = {}
    for summary, _ in result.found:
        load = summary.load
        for reason in load.reasons:
            found.setdefault(reason, text.plain(f"busy_{reason}", loc, cpu_share=load.cpu_share, runnable=load.runnable,
                                                cores=load.cores, steal=f"{(load.steal or 0):.0%}", spin=load.spin))
    return ("、" if loc == "zh" else ", ").join(found.values())


def as_json(claim_ids: list[str], reports) -> dict:
    """A claims file of the claims that ran, plus each tip's verdict and its evidence here."""
    data = claims_files.observe_all(claim_ids)
    data["verdicts"] = [
        {"tip": tip.id, "verdict": tip.verdict, "evidence": kind, "problems": evidence.contradictions,
          "rules": [rule_json(rule, result) for rule, _, result in evidence.rules]}
        for tip, evidence, kind in reports
    ]
    return data


def rule_json(rule: verdicts.Rule, result: verdicts.RuleResult) -> dict:
    """A rule's outcome here with every comparison's interval, pairs and load."""
    return {"id": rule.id, "holds": result.holds, "postponed": result.postponed, "need": rule.need.describe(),
            "detail": result.detail,
            "comparisons": [{"case": s.case, "decision": decision, "ratio": s.ratio, "low": s.low, "high": s.high,
                             "pairs": s.pairs, "kind": s.kind, "threads": s.threads, "load": s.load.to_json()}
                            for s, decision in result.found]}
