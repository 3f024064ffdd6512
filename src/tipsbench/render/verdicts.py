"""Verdicts on pages, only from the registry (tipsbench.verdicts), with their evidence.

Markers:
    <!-- tipsbench:verdict tip=gpu.device_agnostic -->   one tip: verdict, reason, evidence
    <!-- tipsbench:verdicts page=numpy -->               the page's tips as a table
    <!-- tipsbench:tips-index -->                        the seed's tips, in the seed's order

Every rendered verdict carries ``data-tip`` and ``data-verdict``. The build evaluates the
evidence: a failed claim, or a rule that doesn't hold on some machine's run, shows on the
page as a contradiction and is a warning (``--strict`` fails) naming the tip and the
evidence.
"""

from __future__ import annotations

from mkdocs.utils import get_relative_url

from tipsbench import verdicts
from tipsbench.render.claims import span_words
from tipsbench.render.common import file_link, page_href, versions
from tipsbench.render.html import Markup, cell, code_spans, join, table, tag
from tipsbench.render.labels import define
from tipsbench.render.machines import label as machine_label
from tipsbench.render.machines import page_url as machine_page_url
from tipsbench.render.registry import Arg, PageContext, renderer

text = define("verdict", {
    "holds": {"en": "Holds", "zh": "成立"},
    "partly-holds": {"en": "Partly holds", "zh": "部分成立"},
    "holds-only-if": {"en": "Holds only if", "zh": "有条件成立"},
    "outdated": {"en": "Outdated", "zh": "已过时"},
    "does-not-hold": {"en": "Does not hold", "zh": "不成立"},
    "head_tip": {"en": "Tip", "zh": "技巧"},
    "head_seed": {"en": "The seed's tip", "zh": "原文的技巧"},
    "head_verdict": {"en": "Verdict", "zh": "结论"},
    "head_page": {"en": "Page", "zh": "页面"},
    "evidence_claims": {"en": "{n} checked claims hold on {versions}", "zh": "{n} 条说法在 {versions} 上验证成立"},
    "evidence_claim": {"en": "Its checked claim holds on {versions}", "zh": "所依据的说法在 {versions} 上验证成立"},
    "evidence_nothing": {"en": "Nothing to check on this build: none of its {n} claims can fail here, so none supports the verdict here",
                         "zh": "在当前构建上没有可检查的证据：它的 {n} 条说法在这里都不可能不成立，因此在这里都不能算作支持"},
    "evidence_not_checkable": {"en": "{n} of its claims can't be checked on this build", "zh": "{n} 条说法在当前构建上无法检查"},
    "evidence_rule": {"en": "Measured: {rule} {counts}.", "zh": "实测：{rule}{counts}。"},
    "count_holds": {"en": "Holds on {n} of {total} machines", "zh": "在 {total} 台机器中的 {n} 台上成立"},
    "one_holds": {"en": "Holds on the one machine measured", "zh": "在实测的唯一一台机器上成立"},
    "one_fails": {"en": "Fails on the one machine measured", "zh": "在实测的唯一一台机器上不成立"},
    "one_inconclusive": {"en": "Inconclusive on the one machine measured", "zh": "在实测的唯一一台机器上无定论"},
    "count_fails": {"en": "fails on {n}", "zh": "{n} 台上不成立"},
    "count_inconclusive": {"en": "inconclusive on {n}", "zh": "{n} 台无定论"},
    "state_holds": {"en": "holds", "zh": "成立"},
    "state_fails": {"en": "fails", "zh": "不成立"},
    "state_inconclusive": {"en": "inconclusive: the interval reaches across the need's edge", "zh": "无定论：置信区间跨过了要求的界限"},
    "state_postponed": {"en": "inconclusive: the machine was busy", "zh": "无定论：测量时机器正忙"},
    "intervals": {"en": "Each machine's 95% intervals", "zh": "各台机器的 95% 置信区间"},
    "need": {"en": "the rule needs A/B {need}", "zh": "规则要求 A/B {need}"},
    "evidence_no_runs": {"en": "Measured: {rule} No run has the numbers yet.", "zh": "实测：{rule}目前还没有含这些数据的运行结果。"},
    "evidence_outside": {"en": "{n} of its claims don't hold on {versions}, as the timeline records for this release",
                         "zh": "其中 {n} 条说法在 {versions} 上不成立，与时间线对这个版本的记录一致"},
    "evidence_releases": {"en": "Across torch releases its claims: {span}", "zh": "版本历史：{span}"},
    "head_releases": {"en": "Its claims by torch release", "zh": "版本历史"},
    "contradicted": {"en": "The evidence contradicts this verdict on this build:",
                     "zh": "在本次构建中，证据与这个结论相矛盾："},
    "contradicted_short": {"en": "contradicted by the evidence", "zh": "与证据矛盾"},
})


def _statement(tip: verdicts.Tip, locale: str) -> Markup:
    """'**Holds only if** the network is trusted…' / '**有条件成立**。只在可信的网络里…'."""
    word = tag("strong", text.plain(tip.verdict, locale))
    reason = tip.reason[locale]
    if not reason:
        return word
    if locale == "zh":  # after "结论：" a second colon would stack: a full stop, as GLOSSARY.md shows
        return word + "。" + code_spans(reason)
    joiner = " " if tip.verdict == verdicts.ONLY_IF else ": "
    return word + joiner + code_spans(reason)


def _check(ctx: PageContext, tip: verdicts.Tip) -> verdicts.Evidence:
    evidence = verdicts.evaluate(tip, ctx.runs, ctx.timeline)
    for problem in evidence.contradictions:
        ctx.warn(f"{ctx.page}: tip {tip.id} ({tip.verdict}) is contradicted by its evidence: {problem}")
    return evidence


def _verdict_span(tip: verdicts.Tip, locale: str, contradicted: bool) -> Markup:
    body = _statement(tip, locale)
    if contradicted:
        body += " " + tag("span", "✗ " + text.plain("contradicted_short", locale), class_="tb-contradicted")
    return tag("span", body, class_="tb-verdict-text", data_tip=tip.id, data_verdict=tip.verdict)


def _evidence_lines(ctx: PageContext, evidence: verdicts.Evidence) -> list[Markup]:
    lines = []
    statuses = evidence.statuses
    held = statuses.count("holds")
    if held:
        key = "evidence_claim" if held == 1 and len(statuses) == 1 else "evidence_claims"
        lines.append(text.text(key, ctx.locale, n=held, versions=versions()))
    if statuses and statuses.count("not-checkable") == len(statuses) and not evidence.rules:
        # Evidence that can't fail here supports nothing: say so, not "can't be checked" in passing.
        lines.append(text.text("evidence_nothing", ctx.locale, n=len(statuses)))
    elif statuses.count("not-checkable"):
        lines.append(text.text("evidence_not_checkable", ctx.locale, n=statuses.count("not-checkable")))
    if evidence.outside:
        lines.append(text.text("evidence_outside", ctx.locale, n=len(evidence.outside), versions=versions()))
    if evidence.releases is not None:
        lines.append(text.text("evidence_releases", ctx.locale, span=span_words(evidence.releases, ctx.locale)))
    return lines


def _rule_lines(ctx: PageContext, evidence: verdicts.Evidence) -> list[Markup]:
    """One item per rule on numbers: how many machines it holds on, and their intervals."""
    return [_rule_line(ctx, rule, [(run, result) for r, run, result in evidence.rules if r is rule])
            for rule in evidence.tip.rules]


STATES = {True: "holds", False: "fails", None: "inconclusive"}


def _rule_line(ctx: PageContext, rule: verdicts.Rule, measured: list) -> Markup:
    """"Measured: <rule> Holds on 18 of 20 machines, inconclusive on 2.", then each machine's
    intervals a click away (the machine's page, the results file, each comparison)."""
    loc = ctx.locale
    statement = code_spans(rule.text[loc])
    if not measured:
        return text.text("evidence_no_runs", loc, rule=statement)
    counts = {key: sum(1 for _, result in measured if result.holds is value) for value, key in STATES.items()}
    if len(measured) == 1:
        summary = text.plain(f"one_{STATES[measured[0][1].holds]}", loc)
    else:
        parts = [text.plain("count_holds", loc, n=counts["holds"], total=len(measured))]
        parts += [text.plain(f"count_{key}", loc, n=counts[key]) for key in ("fails", "inconclusive") if counts[key]]
        summary = ("，" if loc == "zh" else ", ").join(parts)
    rows = []
    for run, result in sorted(measured, key=lambda item: item[0].key):
        who = tag("a", machine_label(run.machine, loc), href=get_relative_url(machine_page_url(run.key, loc), ctx.url))
        state = text.plain("state_postponed" if result.postponed else f"state_{STATES[result.holds]}", loc)
        colon = "：" if loc == "zh" else ": "
        # One line per comparison; what A and B were is the line's hover text.
        cases = tag("ul", join(tag("li", tag("code", s.name) + colon + s.interval_text(loc), title=f"A = {s.a}\nB = {s.b}")
                               for s, _ in result.found))
        opening, closing = ("（", "）") if loc == "zh" else (" (", ")")
        rows.append(tag("li", who + opening + file_link(ctx, run) + closing + colon + state + cases))
    need = text.plain("need", loc, need=rule.need.describe(loc))
    return (text.text("evidence_rule", loc, rule=statement, counts=summary)
            + tag("details", tag("summary", text.plain("intervals", loc) + (f"（{need}）" if loc == "zh" else f" ({need})"))
                  + tag("ul", join(rows)), class_="tb-intervals"))


def _verdict_head(tip: verdicts.Tip, locale: str, contradicted: bool) -> Markup:
    return tag("p", tag("span", text.plain("head_verdict", locale) + ("：" if locale == "zh" else ": "),
                        class_="tb-verdict-label") + _verdict_span(tip, locale, contradicted))


def _verdict_words(ctx: PageContext, args: dict[str, str]) -> Markup:
    """What stands for a verdict until the end of the build (and what the search index
    gets): the verdict as the tip states it, before its evidence is checked."""
    return _verdict_head(verdicts.get(args["tip"]), ctx.locale, False)


@renderer("verdict", later=_verdict_words, tip=Arg(required=True, choices=lambda: verdicts.all_tips()))
def verdict(ctx: PageContext, args: dict[str, str]) -> Markup:
    tip = verdicts.get(args["tip"])
    evidence = _check(ctx, tip)
    problems = evidence.contradictions_in(ctx.locale)
    head = _verdict_head(tip, ctx.locale, bool(problems))
    parts = [head]
    if problems:
        parts.append(tag("div", tag("p", text.text("contradicted", ctx.locale))
                         + tag("ul", join(tag("li", tag("code", p)) for p in problems)), class_="tb-contradiction"))
    lines = _evidence_lines(ctx, evidence)
    if lines:
        parts.append(tag("p", join(lines, Markup(" · ")), class_="tb-evidence"))
    rules = _rule_lines(ctx, evidence)
    if rules:  # a list, not more of the paragraph: each holds a <details> block
        parts.append(tag("ul", join(tag("li", line) for line in rules), class_="tb-evidence tb-rules"))
    return tag("div", join(parts), class_="tb-verdict" + (" tb-verdict-contradicted" if problems else ""),
               data_tip=tip.id, data_verdict=tip.verdict)


def _row_cells(ctx: PageContext, tip: verdicts.Tip) -> Markup:
    """The verdict cell of a table row: the verdict, and under it where its claims held
    across the shipped torch releases ("✓ since 2.6")."""
    evidence = _check(ctx, tip)
    body = _verdict_span(tip, ctx.locale, bool(evidence.contradictions))
    if evidence.releases is not None:
        label = text.plain("head_releases", ctx.locale) + ("：" if ctx.locale == "zh" else ": ")
        body += tag("span", label + span_words(evidence.releases, ctx.locale, "short"), class_="tb-releases",
                    title=span_words(evidence.releases, ctx.locale), data_tip=tip.id)
    return cell(body, class_="tb-verdict-cell")


def _verdict_only(ctx: PageContext, tip: verdicts.Tip) -> Markup:
    """A verdict cell as the tip states it, before its evidence is checked."""
    return cell(_verdict_span(tip, ctx.locale, False), class_="tb-verdict-cell")


def _page_verdicts(ctx: PageContext, args: dict[str, str], verdict_cell=_row_cells) -> Markup:
    rows = []
    for tip in verdicts.tips_for_page(args["page"]):
        link = tag("a", code_spans(tip.name(ctx.locale)), href=page_href(ctx, tip.page))
        rows.append([link, verdict_cell(ctx, tip)])
    head = [text.plain(k, ctx.locale) for k in ("head_tip", "head_verdict")]
    return table(head, rows, wrap=True)


@renderer("verdicts", later=lambda ctx, args: _page_verdicts(ctx, args, _verdict_only),
          page=Arg(required=True, choices=lambda: {t.page.split("#")[0] for t in verdicts.all_tips().values()}))
def page_verdicts(ctx: PageContext, args: dict[str, str]) -> Markup:
    """The page's tips, each linked to the section with its evidence, and its verdict."""
    return _page_verdicts(ctx, args)


def _tips_index(ctx: PageContext, args: dict[str, str], verdict_cell=_row_cells) -> Markup:
    rows = []
    for tip in verdicts.indexed():
        # The seed's Chinese is quoted as written (its half-width commas included).
        seed = code_spans(tip.seed["en"]) if ctx.locale == "en" else tag("span", tip.seed["zh"], lang="zh", class_="tb-seed")
        stem = tip.page.split("#")[0]
        page = tag("a", ctx.titles.get(stem, stem), href=page_href(ctx, tip.page))
        rows.append([str(tip.index), seed, verdict_cell(ctx, tip), page])
    head = [text.plain(k, ctx.locale) for k in ("head_seed", "head_verdict", "head_page")]
    return table(["#", *head], rows, wrap=True)


# Until the end of the build (and in the search index): the tables with each verdict as
# its tip states it, before the evidence is checked.
@renderer("tips-index", later=lambda ctx, args: _tips_index(ctx, args, _verdict_only))
def tips_index(ctx: PageContext, args: dict[str, str]) -> Markup:
    """The seed's tips in its order: its words, the verdict, and the page with the evidence."""
    return _tips_index(ctx, args)
