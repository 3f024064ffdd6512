"""Checked claims on pages: the live outcome on the build's torch, the claim's timeline
over the shipped releases, and the page of every outcome that changed.

Markers:
    <!-- tipsbench:claim id=numpy.from_numpy_shares -->   one claim, live, with its timeline
    <!-- tipsbench:claim-changes -->                      every change, release by release

A claim box carries ``data-claim`` and ``data-status`` (holds | fails | not-checkable |
unavailable | error). Its outcome is compared with what the shipped claims files expect
for this release and build (claims/timeline.py): only an outcome they don't expect, or
a broken check, is a warning (``--strict`` fails) — a claim that the timeline records
as changed (an older release, another build) is shown as such, not as a broken site.
"""

from __future__ import annotations

from tipsbench import claims
from tipsbench.claims import timeline as tl
from tipsbench.claims.build import BUILD_NAMES
from tipsbench.claims.files import ClaimsFile, Outcome
from tipsbench.render.common import page_href, versions
from tipsbench.render.html import Markup, code_spans, join, tag
from tipsbench.render.labels import common, define
from tipsbench.render.observed import localize
from tipsbench.render.registry import Arg, PageContext, empty_notice, markdown_heading, renderer

text = define("claims", {
    "unavailable_on": {"en": "Not available in {versions}", "zh": "{versions} 中还没有这个接口"},
    "fails_as_recorded": {"en": "Does not hold on {versions}, as the timeline records for this release",
                          "zh": "在 {versions} 上不成立，与时间线对这个版本的记录一致"},
    "error_on": {"en": "The check broke on {versions} (a bug in tipsbench)",
                 "zh": "这项检查在 {versions} 上自身出错（tipsbench 的问题）"},
    "changed": {"en": "Changed on torch {release}: the shipped timeline expects “{expected}” here ({source}).",
                "zh": "在 torch {release} 上有变化：随站点发布的时间线在这里预期的是“{expected}”（{source}）。"},
    "timeline": {"en": "Across releases", "zh": "各版本"},
    "this_build": {"en": "this build", "zh": "本次构建"},
    "span_all": {"en": "holds on every release checked ({first}–{last})",
                 "zh": "在检查过的所有版本（{first}–{last}）上都成立"},
    "span_since": {"en": "holds since {release}", "zh": "自 {release} 起成立"},
    "span_until": {"en": "holds until {release}", "zh": "到 {release} 为止成立"},
    "span_none": {"en": "holds on none of the releases checked", "zh": "在检查过的版本上都不成立"},
    "span_list": {"en": "holds on {releases}", "zh": "在 {releases} 上成立"},
    "short_all": {"en": "✓ {first}–{last}", "zh": "✓ {first}–{last}"},
    "short_since": {"en": "✓ since {release}", "zh": "✓ 自 {release} 起"},
    "short_until": {"en": "✓ until {release}", "zh": "✓ 至 {release}"},
    "short_none": {"en": "✗ none", "zh": "✗ 均不成立"},
    "short_list": {"en": "✓ {releases}", "zh": "✓ {releases}"},
    "series_note": {"en": "torch from PyPI ({build}), checked by `tipsbench timeline`",
                    "zh": "PyPI 上的 torch（{build}），由 `tipsbench timeline` 检查"},
    "outcome_holds": {"en": "holds", "zh": "成立"},
    "outcome_fails": {"en": "does not hold", "zh": "不成立"},
    "outcome_not-checkable": {"en": "not checkable", "zh": "无法检查"},
    "outcome_unavailable": {"en": "not available", "zh": "没有这个接口"},
    "outcome_error": {"en": "check broke", "zh": "检查出错"},
    "changes_none": {"en": "No claim changed its outcome between the releases shipped in `results/claims/`.",
                     "zh": "在 `results/claims/` 中发布的各版本之间，没有哪条说法的结果发生变化。"},
    "changes_release": {"en": "torch {release}", "zh": "torch {release}"},
    "changes_count": {"en": "{n} claims changed from {before} to {after}", "zh": "从 {before} 到 {after}，有 {n} 条说法的结果变了"},
    "changes_count_one": {"en": "One claim changed from {before} to {after}", "zh": "从 {before} 到 {after}，有 1 条说法的结果变了"},
    "changes_before": {"en": "Before", "zh": "之前"},
    "changes_after": {"en": "After", "zh": "之后"},
    "changes_page": {"en": "(shown on {title})", "zh": "（见“{title}”页）"},
    "no_timeline": {"en": "No claims files yet: run `tipsbench timeline` to make `results/claims/`.",
                    "zh": "还没有说法检查文件：运行 `tipsbench timeline` 生成 `results/claims/`。"},
})


def outcome_word(outcome: str, locale: str) -> str:
    return text.plain(f"outcome_{outcome}", locale)


def span_words(span: tl.Span, locale: str, style: str = "span") -> str:
    """Where a claim holds along the releases, in words ("holds since 2.6"); the "short"
    style is for a table cell ("✓ since 2.6")."""
    if span.kind == "all":
        return text.plain(f"{style}_all", locale, first=span.releases[0], last=span.releases[1])
    if span.kind in ("since", "until"):
        return text.plain(f"{style}_{span.kind}", locale, release=span.releases[0])
    if span.kind == "list":
        return text.plain(f"{style}_list", locale, releases=", ".join(span.releases))
    return text.plain(f"{style}_none", locale)


def _cell(release: str, outcome: str, title: str, live: bool = False) -> Markup:
    css = f"tb-tl tb-tl-{outcome}" + (" tb-tl-live" if live else "")
    space = "" if release.endswith("）") else " "  # no space after full-width punctuation
    return tag("span", f"{release}{space}{claims.MARKS[outcome]}", class_=css, title=title, data_release=release,
               data_outcome=outcome)


def _paren(words: str, locale: str) -> str:
    """" (words)" in English, "（words）" in Chinese (full-width, no space before)."""
    return f"（{words}）" if locale == "zh" else f" ({words})"


def _title(file: ClaimsFile | None, outcome: str, locale: str, first_line: str = "") -> str:
    who = f"torch {file.torch}{_paren(BUILD_NAMES[file.build][locale], locale)}" if file else text.plain("this_build", locale)
    colon, dash = ("：", "——") if locale == "zh" else (": ", " — ")
    return f"{who}{colon}{outcome_word(outcome, locale)}" + (f"{dash}{localize(first_line, locale)}" if first_line else "")


def strip(ctx: PageContext, claim: claims.Claim, judgement: tl.Judgement) -> Markup:
    """✓/✗/– per shipped release, the live outcome in its own column, and a summary."""
    series = [f for f in ctx.timeline.series() if claim.id in f.claims]
    if not series:
        return Markup()
    cells, points = [], []
    live_in_series = judgement.build == ctx.timeline.main_build
    for file in series:
        entry = file.claims[claim.id]
        is_live = live_in_series and file.release == judgement.release
        outcome = judgement.outcome if is_live else entry.outcome
        title = _title(file, outcome, ctx.locale, entry.shown[0] if entry.shown and not is_live else "")
        cells.append(_cell(file.release, outcome, title, live=is_live))
        if outcome not in (claims.NOT_CHECKABLE, claims.ERROR):
            points.append((file.release, outcome == claims.HOLDS))
    if not live_in_series:
        label = f"{judgement.release}{_paren(text.plain('this_build', ctx.locale), ctx.locale)}"
        cells.append(_cell(label, judgement.outcome, f"{versions()}{_paren(BUILD_NAMES[judgement.build][ctx.locale], ctx.locale)}",
                           live=True))
    summary = span_words(tl.span(points), ctx.locale) if points else ""
    note = text.plain("series_note", ctx.locale, build=BUILD_NAMES[series[0].build][ctx.locale])
    head = tag("span", text.plain("timeline", ctx.locale) + ("：" if ctx.locale == "zh" else ": "), class_="tb-tl-head")
    tail = tag("span", summary, class_="tb-tl-summary") if summary else Markup()
    return tag("p", head + join(cells, " ") + " " + tail, class_="tb-timeline", title=note)


def claim_ids() -> list[str]:
    return sorted(claims.all_claims())


def claim_statement(ctx: PageContext, args: dict[str, str]) -> Markup:
    """What stands for a claim box until the end of the build (and what the search index
    gets): the claim in words, which need no check."""
    return tag("p", code_spans(claims.get(args["id"]).text[ctx.locale]))


@renderer("claim", later=claim_statement, id=Arg(required=True, choices=claim_ids))
def claim_box(ctx: PageContext, args: dict[str, str]) -> Markup:
    claim = claims.get(args["id"])
    seen = claims.observe(claim.id)
    judgement = tl.judge(claim, ctx.timeline)
    status = seen.status
    output = localize(seen.shown, ctx.locale)
    shown = tag("pre", tag("code", output), class_="tb-observed") if seen.shown else Markup()
    if status == claims.HOLDS:
        line, css, detail = "✓ " + common.plain("checked_on", ctx.locale, versions=versions()), "tb-claim-ok", shown
    elif status == claims.NOT_CHECKABLE:
        line, css = "– " + common.plain("not_checkable", ctx.locale, versions=versions()), "tb-claim-not-checkable"
        detail = tag("p", code_spans(claims.REQUIREMENTS[seen.not_checkable].why[ctx.locale]), class_="tb-why")
    elif status == claims.UNAVAILABLE:
        line, css, detail = "· " + text.plain("unavailable_on", ctx.locale, versions=versions()), "tb-claim-not-checkable", shown
    elif status == claims.ERROR:
        line, css, detail = "! " + text.plain("error_on", ctx.locale, versions=versions()), "tb-claim-failed", shown
    elif judgement.surprising:
        line, css, detail = "✗ " + common.plain("claim_failed", ctx.locale, versions=versions()), "tb-claim-failed", shown
    else:
        line, css, detail = "✗ " + text.plain("fails_as_recorded", ctx.locale, versions=versions()), "tb-claim-changed", shown
    if judgement.surprising:
        ctx.warn(f"{ctx.page}: claim {claim.id}: {judgement.problem}: {seen.shown.splitlines()[0] if seen.shown else ''}")
        if judgement.expected.outcome is not None and status != claims.ERROR:
            detail += tag("p", text.text("changed", ctx.locale, release=judgement.release,
                                         expected=outcome_word(judgement.expected.outcome, ctx.locale),
                                         source=tag("code", judgement.expected.source)), class_="tb-why")
    sentence = tag("p", tag("span", line, class_="tb-claim-status") + " " + code_spans(claim.text[ctx.locale]))
    return tag("div", sentence + detail + strip(ctx, claim, judgement), class_=f"tb-claim {css}",
               data_claim=claim.id, data_status=status)


def _observed(file: ClaimsFile, entry: Outcome, locale: str) -> Markup:
    head = tag("p", tag("strong", f"torch {file.torch}") + " " + f"{claims.MARKS[entry.outcome]} {outcome_word(entry.outcome, locale)}")
    output = localize("\n".join(entry.shown), locale)
    body = tag("pre", tag("code", output), class_="tb-observed") if entry.shown else Markup()
    return head + body


@renderer("claim-changes")
def claim_changes(ctx: PageContext, args: dict[str, str]) -> Markup:
    """Every claim whose outcome changed between two consecutive shipped releases,
    grouped by the release it changed in, with both outputs verbatim."""
    if not ctx.timeline.files:
        return empty_notice(text.text("no_timeline", ctx.locale))
    found = ctx.timeline.changes()
    if not found:
        return empty_notice(text.text("changes_none", ctx.locale))
    sections = []
    for after, changes in reversed(found):  # newest first: what a reader upgrading wants
        before = changes[0].before[0]
        items = []
        for change in changes:
            claim = claims.get(change.claim_id)
            page = ctx.claim_pages.get(change.claim_id)
            link = Markup()
            if page:
                link = ("" if ctx.locale == "zh" else " ") + tag("a", text.plain("changes_page", ctx.locale, title=ctx.titles.get(page, page)),
                                 href=page_href(ctx, page))
            items.append(tag("div", tag("p", code_spans(claim.text[ctx.locale]) + link)
                             + tag("div", _observed(*change.before, ctx.locale), class_="tb-change-before")
                             + tag("div", _observed(*change.after, ctx.locale), class_="tb-change-after"),
                             class_="tb-change", data_claim=change.claim_id, data_release=after.release))
        # A Markdown heading between raw HTML blocks: it gets a permalink and a place in
        # the page's table of contents. The release is digits and dots (files.load checks).
        anchor = f"torch-{after.release.replace('.', '-')}"
        heading = markdown_heading(2, text.plain("changes_release", ctx.locale, release=after.release), anchor)
        key = "changes_count_one" if len(changes) == 1 else "changes_count"
        count = tag("p", text.plain(key, ctx.locale, n=len(changes), before=before.torch, after=after.torch))
        sections.append(heading + count + join(items))
    return join(sections)
