"""Verdicts are data: one registry, valid words, real evidence, and contradictions caught."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tipsbench import claims, testing, verdicts
from tipsbench.render.registry import PageContext, render_markers
from tipsbench.results import load_run

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
TIPS = verdicts.all_tips()
SHIPPED = sorted((ROOT / "results").glob("*.json"))
HAN = re.compile(r"[\u4e00-\u9fff]")
# The verdict words, as a page would type them by hand (what must no longer happen).
TYPED_VERDICT = re.compile(r"\*\*(Holds|Partly holds|Holds only if|Outdated|Does not hold|Verdict|"
                           r"成立|部分成立|有条件成立|已过时|不成立)\b|结论：\*\*")


class TestRegistry:
    def test_the_seed_tips_are_all_there_in_order(self):
        """The tips index lists the seed's 14 tips, numbered 1…14 without a gap."""
        assert [t.index for t in verdicts.indexed()] == list(range(1, 15))

    @pytest.mark.parametrize("tip_id", sorted(TIPS))
    def test_tip_is_complete_in_both_languages(self, tip_id):
        """Each tip has the seed's words and the reason in both languages, and a known verdict."""
        tip = TIPS[tip_id]
        assert tip.verdict in verdicts.VERDICTS
        assert tip.seed["en"].strip() and HAN.search(tip.seed["zh"]) or tip.seed["zh"].strip()
        assert set(tip.reason) == {"en", "zh"}
        assert bool(tip.reason["en"]) == bool(tip.reason["zh"]), tip_id
        if tip.reason["zh"]:
            assert HAN.search(tip.reason["zh"]), tip_id

    @pytest.mark.parametrize("tip_id", sorted(TIPS))
    def test_evidence_names_real_claims_and_pages(self, tip_id):
        """Every claim a tip rests on exists, and its page is a real page in both languages."""
        tip = TIPS[tip_id]
        known = claims.all_claims()
        assert all(cid in known for cid in tip.claims), tip_id
        stem = tip.page.split("#")[0]
        assert (DOCS / f"{stem}.md").is_file() and (DOCS / f"{stem}.zh.md").is_file()
        assert tip.claims or tip.rules or tip.verdict != verdicts.HOLDS or tip.id.startswith("tensorboard."), tip_id

    def test_registry_refuses_unknown_verdicts(self):
        """A verdict outside the five words can't be registered."""
        with pytest.raises(ValueError, match="is not one of"):
            verdicts.Tip(id="x", page="numpy", seed={"en": "x", "zh": "x"}, verdict="mostly", reason={"en": "", "zh": ""})


class TestPages:
    @pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
    def test_no_verdict_word_typed_in_a_page(self, page):
        """Pages render verdicts only through markers: no bold verdict word typed by hand."""
        text = (DOCS / page).read_text(encoding="utf-8")
        if page.startswith("index"):  # the home page defines the five words; it gives no verdict
            return
        if page.startswith("tips"):  # the tips index names the five words in its intro
            text = text.split("<!-- tipsbench:tips-index -->", 1)[-1]
        assert not TYPED_VERDICT.search(text), TYPED_VERDICT.search(text).group(0)

    def test_twins_show_the_same_verdicts(self):
        """The English and Chinese page of each pair carry the same verdict markers."""
        for en in DOCS.glob("*.md"):
            if en.name.endswith(".zh.md"):
                continue
            zh = en.with_name(en.stem + ".zh.md")
            find = re.compile(r"<!-- tipsbench:(verdicts?|tips-index)[^>]*-->")
            assert sorted(find.findall(en.read_text())) == sorted(find.findall(zh.read_text())), en.name


class TestEvidence:
    @pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
    def test_shipped_runs_agree_with_every_verdict(self, path):
        """On every shipped run, every rule of every tip holds: no verdict is contradicted."""
        run = load_run(path)
        for tip in TIPS.values():
            for rule in tip.rules:
                result = rule.evaluate(run)
                assert result.holds is not False, f"{tip.id}: {rule.id}: {result.detail}"

    def test_a_contradicting_run_fails_the_build_naming_tip_and_evidence(self):
        """A run where the whole-model file is 5% bigger contradicts tip 6: the page says so and warns."""
        run = testing.run([testing.paired("save_load.same_file_size/mlp-1MiB", [1.05], kind="exact")])
        warnings: list[str] = []
        out = render_markers("<!-- tipsbench:verdict tip=save_load.state_dict_faster_smaller -->",
                             PageContext("en", "save-load.md", (run,), warnings.append, "save-load/"))
        assert 'data-verdict="partly-holds"' in out and "tb-verdict-contradicted" in out
        assert any("save_load.state_dict_faster_smaller" in w and "save_load.same_file_size" in w for w in warnings)

    def test_a_failing_claim_contradicts_its_tip(self, monkeypatch):
        """A claim a tip rests on that fails on this torch turns the verdict red and warns."""
        monkeypatch.setitem(claims._OBSERVED, "memory.element_sizes", claims.Observation(False, "int64: 4 bytes"))
        warnings: list[str] = []
        out = render_markers("<!-- tipsbench:verdicts page=memory -->",
                             PageContext("zh", "memory.zh.md", (), warnings.append, "zh/memory/"))
        assert "与证据矛盾" in out and any("memory.element_size" in w for w in warnings)

    @pytest.mark.parametrize("locale", ["en", "zh"])
    def test_each_tip_has_one_verdict_on_every_page(self, locale):
        """Rendering every marker of every page gives each tip one and the same verdict."""
        seen: dict[str, set[str]] = {}
        for page in DOCS.glob("*.md"):
            if page.name.endswith(".zh.md") != (locale == "zh"):
                continue
            html = render_markers(page.read_text(encoding="utf-8"), PageContext(locale, page.name, (), lambda m: None))
            for tip, verdict in re.findall(r'data-tip="([^"]+)" data-verdict="([^"]+)"', html):
                seen.setdefault(tip, set()).add(verdict)
        assert seen and all(len(v) == 1 for v in seen.values())
        assert {t.id for t in verdicts.indexed()} <= set(seen)


SMALL_LOADS = "save_load.state_dict_loads_faster_when_small"


def test_rules_read_each_machines_newest_run_that_measured_them():
    """A newer run without the rule's comparisons (a GPU-only run) doesn't hide the run
    that measured them: the rule still sees it, and still catches what contradicts the verdict."""
    older = testing.run([testing.paired("save_load.same_file_size/mlp-1MiB", [1.10], kind="exact")],
                        when="2026-11-01T00:00:00+00:00")
    newer = testing.run([testing.bench("numpy", "from_numpy", 1e-6, direction="numpy_to_torch")],
                        when="2026-11-02T00:00:00+00:00")
    evidence = verdicts.evaluate(verdicts.get("save_load.state_dict_faster_smaller"), (older, newer))
    assert any("save_load.same_file_size" in line for line in evidence.contradictions)


def test_a_run_without_the_comparisons_says_nothing():
    """A run that didn't measure a rule's comparisons neither confirms nor contradicts it."""
    quick = testing.run([testing.bench("numpy", "from_numpy", 1e-6, direction="numpy_to_torch")])
    evidence = verdicts.evaluate(verdicts.get("save_load.full_model_slow"), (quick,))
    assert not evidence.contradictions and not evidence.rules


def _small_loads(ratios: list[float], busy: bool = False):
    return testing.run([testing.paired(f"{SMALL_LOADS}/{kind}", ratios, busy=busy)
                        for kind in ("mlp", "cnn", "transformer")])


TIGHT_FASTER = [1.6 + 0.01 * i for i in range(24)]  # every pair ≥ 1.6: holds (needs ≥ 1.10)
WIDE = [0.5 + 0.1 * i for i in range(24)]  # 0.5 … 2.8: the interval straddles 1.10
TIGHT_SLOWER = [0.8 + 0.005 * i for i in range(24)]  # 0.80 … 0.92: the whole model is faster


@pytest.mark.parametrize(("ratios", "busy", "holds"), [
    (TIGHT_FASTER, False, True),
    (WIDE, False, None),  # a wide interval decides nothing: never holds "within the noise"
    (TIGHT_SLOWER, False, False),  # the opposite, decided: against the verdict
    (TIGHT_SLOWER, True, None),  # the same on a busy machine: postponed, not flipped
    (TIGHT_FASTER, True, True),  # a hold on a busy machine still holds
])
def test_the_interval_decides_the_small_load_rule(ratios, busy, holds):
    tip = verdicts.get("save_load.state_dict_faster_smaller")
    rule = next(r for r in tip.rules if r.id == SMALL_LOADS)
    run = _small_loads(ratios, busy)
    result = rule.evaluate(run)
    assert result.holds is holds and "mlp: " in result.detail and "95% CI" in result.detail
    assert result.postponed == (busy and ratios is TIGHT_SLOWER)
    evidence = verdicts.evaluate(tip, (run,))
    assert bool(evidence.contradictions) == (holds is False)
    out = render_markers("<!-- tipsbench:verdict tip=save_load.state_dict_faster_smaller -->",
                         PageContext("en", "p.md", (run,), lambda m: None))
    word = {True: "Holds on the one machine measured", False: "Fails on the one machine measured",
            None: "Inconclusive on the one machine measured"}[holds]
    assert word in out and "95% CI" in out
    zh = render_markers("<!-- tipsbench:verdict tip=save_load.state_dict_faster_smaller -->",
                        PageContext("zh", "p.zh.md", (run,), lambda m: None))
    assert "置信区间" in zh and "95% CI" not in zh and "在实测的唯一一台机器上" in zh


def test_many_machines_are_summed_up_in_words_with_each_interval_a_click_away():
    """Three machines: the rule holds on two and is inconclusive on one; the line says so in
    words, and each machine's intervals sit in a <details> list with its file."""
    runs = [testing.run([testing.paired(f"{SMALL_LOADS}/{kind}", ratios) for kind in ("mlp", "cnn", "transformer")],
                        key=key, path=f"results/{key}_20261129T000000Z.json")
            for key, ratios in (("m1_2t", TIGHT_FASTER), ("m2_2t", TIGHT_FASTER), ("m3_2t", WIDE))]
    out = render_markers("<!-- tipsbench:verdict tip=save_load.state_dict_faster_smaller -->",
                         PageContext("en", "p.md", tuple(runs), pytest.fail))
    assert "Holds on 2 of 3 machines, inconclusive on 1" in out
    assert out.count("<details") >= 1 and all(f"{key}_20261129T000000Z.json" in out for key in ("m1_2t", "m2_2t", "m3_2t"))
    zh = render_markers("<!-- tipsbench:verdict tip=save_load.state_dict_faster_smaller -->",
                        PageContext("zh", "p.zh.md", tuple(runs), pytest.fail))
    assert "在 3 台机器中的 2 台上成立，1 台无定论" in zh
