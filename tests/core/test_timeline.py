"""The claims timeline: files read and refused, releases ordered, spans and changes
computed, the live outcome judged against what the shipped files expect, and pages that
show all of it. Small hand-made claims files; no torch release is downloaded."""

from __future__ import annotations

import json

import pytest

from tipsbench import claims, testing, verdicts
from tipsbench.claims import files
from tipsbench.claims import timeline as tl
from tipsbench.render.registry import PageContext, render_markers
from tipsbench.results import ResultsError

CLAIM = "numpy.from_numpy_shares"  # any registered claim without a build scope


def _series(tmp_path, outcomes_by_torch: dict[str, str], claim_id: str = CLAIM, **options) -> tl.Timeline:
    return tl.Timeline(testing.claims_file(tmp_path, torch, {claim_id: outcome}, **options)
                       for torch, outcome in outcomes_by_torch.items())


class TestFiles:
    def test_round_trip(self, tmp_path):
        read = testing.claims_file(tmp_path, "2.6.0+cu124", {CLAIM: "holds", "gpu.accelerator_api": "unavailable"},
                                   shown={CLAIM: ["a", "b"]})
        assert (read.torch, read.release, read.build) == ("2.6.0+cu124", "2.6", "cuda-no-gpu")
        assert read.claims[CLAIM] == files.Outcome(CLAIM, "holds", ("a", "b"))
        assert read.claims["gpu.accelerator_api"].outcome == "unavailable"

    @pytest.mark.parametrize(("change", "problem"), [
        (lambda d: d.pop("tipsbench_claims"), "tipsbench_claims is missing (not a tipsbench claims file?)"),
        (lambda d: d.update(tipsbench_claims=99), "claims format 99 is newer than this tipsbench reads"),
        (lambda d: d.update(release="2.7"), "release '2.7' is not the release of torch 2.6.0"),
        (lambda d: d.update(torch="latest"), "torch should be a torch version such as 2.15.0+cpu"),
        (lambda d: d.update(build="gpu"), "build should be one of cpu, cuda-no-gpu"),
        (lambda d: d["claims"][0].update(outcome="maybe"), "claims[0].outcome should be one of holds, fails"),
        (lambda d: d["claims"].append(dict(d["claims"][0])), "claims[1].id: claim 'numpy.from_numpy_shares' appears twice"),
        (lambda d: d["claims"][0].update(shown=["ok", "a\nb"]), "claims[0].shown[1] contains a control character"),
        (lambda d: d["claims"][0].update(shown="one string"), "claims[0].shown should be a list"),
    ])
    def test_bad_file_is_one_line_naming_it(self, tmp_path, change, problem):
        data = testing.claims_data("2.6.0", {CLAIM: "holds"})
        change(data)
        path = tmp_path / "torch-2.6.0.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(ResultsError) as caught:
            files.load(path)
        message = str(caught.value)
        assert message.startswith(str(path)) and problem in message and "\n" not in message

    def test_broken_json_and_missing_file(self, tmp_path):
        (tmp_path / "torch-2.6.0.json").write_text('{"tipsbench_claims": 1,', encoding="utf-8")
        found, errors = files.load_dir(tmp_path)
        assert found == [] and "truncated JSON" in str(errors[0])
        with pytest.raises(ResultsError, match="torch-9.9.json"):
            files.load(tmp_path / "torch-9.9.json")

    def test_long_output_is_cut_with_a_line_saying_so(self):
        lines = files._lines("\n".join(f"line {i}" for i in range(100)))
        assert len(lines) == files.MAX_LINES and lines[-1] == "… 41 more lines"

    def test_unprintable_output_is_written_visibly(self):
        assert files._lines("ok\x1b[31mred") == ["ok\\x1b[31mred"]


class TestSeries:
    def test_releases_order_as_numbers_and_the_newer_patch_wins(self, tmp_path):
        timeline = _series(tmp_path, {"2.10.0": "holds", "2.9.0": "holds", "2.9.1": "fails"})
        assert [f.torch for f in timeline.series()] == ["2.9.1", "2.10.0"]

    def test_main_build_is_the_one_with_most_releases(self, tmp_path):
        _series(tmp_path, {"2.4.1": "holds", "2.5.1": "holds"})
        testing.claims_file(tmp_path, "2.13.0+cpu", {CLAIM: "holds"}, build="cpu")
        timeline = tl.Timeline(files.load_dir(tmp_path)[0])
        assert timeline.main_build == "cuda-no-gpu" and len(timeline.series("cpu")) == 1

    @pytest.mark.parametrize(("flags", "kind", "releases"), [
        ([1, 1, 1], "all", ("2.4", "2.6")),
        ([0, 1, 1], "since", ("2.5",)),
        ([1, 1, 0], "until", ("2.5",)),
        ([0, 0, 0], "none", ()),
        ([1, 0, 1], "list", ("2.4", "2.6")),
        ([0, 1, 0], "list", ("2.5",)),
    ])
    def test_span(self, flags, kind, releases):
        points = list(zip(("2.4", "2.5", "2.6"), map(bool, flags), strict=True))
        assert tl.span(points) == tl.Span(kind, releases)

    def test_span_of_runs(self):
        points = [("2.4", True), ("2.5", True), ("2.6", False), ("2.7", True), ("2.8", True), ("2.9", False)]
        assert tl.span(points) == tl.Span("list", ("2.4–2.5", "2.7–2.8"))

    def test_changes_name_the_release_and_both_outcomes(self, tmp_path):
        timeline = _series(tmp_path, {"2.12.1": "holds", "2.13.0": "holds", "2.14.1": "fails", "2.15.0": "fails"})
        [(after, [change])] = timeline.changes()
        assert after.release == "2.14" and change.claim_id == CLAIM
        assert (change.before[1].outcome, change.after[1].outcome) == ("holds", "fails")

    def test_unavailable_is_not_failing(self, tmp_path):
        """A tip whose API doesn't exist yet is 'unavailable' there, never 'fails'."""
        a = testing.claims_file(tmp_path, "2.4.1", {"gpu.accelerator_api": "unavailable", CLAIM: "holds"})
        b = testing.claims_file(tmp_path, "2.5.1", {"gpu.accelerator_api": "fails", CLAIM: "holds"})
        ids = ("gpu.accelerator_api", CLAIM)
        assert tl.evidence_outcome(ids, a) == "unavailable" and tl.evidence_outcome(ids, b) == "fails"


class TestExpectation:
    def test_same_release_and_build(self, tmp_path):
        timeline = _series(tmp_path, {"2.14.1": "fails", "2.15.0": "holds"})
        assert timeline.expectation(claims.get(CLAIM), "2.14", "cuda-no-gpu").outcome == "fails"

    def test_a_newer_release_is_expected_to_behave_like_the_newest(self, tmp_path):
        timeline = _series(tmp_path, {"2.14.1": "holds", "2.15.0": "fails"})
        expected = timeline.expectation(claims.get(CLAIM), "2.16", "cuda-no-gpu")
        assert expected == tl.Expectation("fails", "torch-2.15.0.json")

    def test_another_build_of_the_release_counts_unless_the_claim_names_builds(self, tmp_path):
        timeline = _series(tmp_path, {"2.4.1": "fails", "2.13.0+cpu": "holds"}, build="cuda-no-gpu")
        claim = claims.get(CLAIM)
        assert timeline.expectation(claim, "2.4", "cpu").outcome == "fails"
        scoped = claims.Claim(CLAIM, claim.text, claim.check, scope=claims.Scope(builds=("cpu",)))
        assert timeline.expectation(scoped, "2.4", "cpu").source == "its scope"

    def test_without_files_the_scope_decides(self):
        claim = claims.get("save_load.full_model_default_load_fails")  # since 2.6
        empty = tl.Timeline(())
        assert empty.expectation(claim, "2.7", "cpu").outcome == "holds"
        assert empty.expectation(claim, "2.5", "cpu").outcome is None

    def test_an_expected_failure_is_no_news_and_an_unexpected_one_is(self, tmp_path):
        expected_fail = tl.Judgement("fails", tl.Expectation("fails", "torch-2.4.1.json"), "2.4", "cuda-no-gpu")
        changed = tl.Judgement("fails", tl.Expectation("holds", "torch-2.15.0.json"), "2.16", "cuda-no-gpu")
        broken = tl.Judgement("error", tl.Expectation("error", "torch-2.15.0.json"), "2.15", "cuda-no-gpu")
        assert not expected_fail.surprising and expected_fail.problem == ""
        assert changed.surprising and "changed on torch 2.16" in changed.problem and "torch-2.15.0.json" in changed.problem
        assert broken.surprising


class TestScope:
    def test_scope_covers_releases_as_numbers_and_builds(self):
        scope = claims.Scope(since="2.6", until="2.13", builds=("cpu",))
        assert scope.covers("2.10", "cpu") and not scope.covers("2.5", "cpu")
        assert not scope.covers("2.14", "cpu") and not scope.covers("2.10", "cuda-no-gpu")

    def test_unknown_build_is_refused(self):
        with pytest.raises(ValueError, match="unknown builds"):
            claims.claim("x.y", en="x", zh="x", builds=("gpu",))


class TestPages:
    @pytest.fixture(autouse=True)
    def cpu_2_13(self, monkeypatch):
        """The live torch these pages are built with, whatever torch runs the tests."""
        from tipsbench.claims import build

        monkeypatch.setattr(build, "installed_release", lambda: "2.13")
        monkeypatch.setattr(build, "installed_build", lambda: "cpu")

    def _render(self, marker, timeline, locale="en"):
        warnings: list[str] = []
        out = render_markers(marker, PageContext(locale, "p.md", (), warnings.append, url="p/", timeline=timeline,
                                                 claim_pages={CLAIM: "numpy"}, titles={"numpy": "Tensor ↔ NumPy"}))
        return out, warnings

    def test_claim_box_shows_one_cell_per_release_and_a_summary(self, tmp_path):
        timeline = _series(tmp_path, {"2.4.1": "unavailable", "2.5.1": "holds", "2.6.0": "holds"})
        out, warnings = self._render(f"<!-- tipsbench:claim id={CLAIM} -->", timeline)
        assert out.count('class="tb-tl ') >= 3 and 'data-release="2.4" data-outcome="unavailable"' in out
        assert "holds since 2.5" in out and warnings == []

    def test_zh_summary(self, tmp_path):
        timeline = _series(tmp_path, {"2.4.1": "holds", "2.5.1": "fails"})
        out, _ = self._render(f"<!-- tipsbench:claim id={CLAIM} -->", timeline, "zh")
        assert "到 2.4 为止成立" in out and "各版本" in out

    def test_an_unexpected_live_outcome_warns_and_says_changed(self, tmp_path, monkeypatch):
        from tipsbench.claims import build

        monkeypatch.setattr(build, "installed_release", lambda: "2.16")
        monkeypatch.setattr(build, "installed_build", lambda: "cuda-no-gpu")
        monkeypatch.setitem(claims._OBSERVED, CLAIM, claims.Observation(False, "now it copies"))
        timeline = _series(tmp_path, {"2.15.0": "holds"})
        out, warnings = self._render(f"<!-- tipsbench:claim id={CLAIM} -->", timeline)
        assert 'data-status="fails"' in out and "Changed on torch 2.16" in out
        assert len(warnings) == 1 and "changed on torch 2.16" in warnings[0] and CLAIM in warnings[0]

    def test_an_expected_failure_is_shown_without_a_warning(self, tmp_path, monkeypatch):
        from tipsbench.claims import build

        monkeypatch.setattr(build, "installed_release", lambda: "2.15")
        monkeypatch.setattr(build, "installed_build", lambda: "cuda-no-gpu")
        monkeypatch.setitem(claims._OBSERVED, CLAIM, claims.Observation(False, "copies"))
        timeline = _series(tmp_path, {"2.14.1": "holds", "2.15.0": "fails"})
        out, warnings = self._render(f"<!-- tipsbench:claim id={CLAIM} -->", timeline)
        assert "tb-claim-changed" in out and "as the timeline records" in out and warnings == []
        assert 'data-release="2.15" data-outcome="fails"' in out and "tb-tl-live" in out

    def test_changes_page_lists_releases_newest_first_with_outputs(self, tmp_path):
        timeline = _series(tmp_path, {"2.4.1": "fails", "2.5.1": "holds", "2.6.0": "fails"})
        out, warnings = self._render("<!-- tipsbench:claim-changes -->", timeline)
        assert out.index('## torch 2.6 {#torch-2-6}') < out.index('## torch 2.5 {#torch-2-5}')
        assert f"{CLAIM} on 2.5.1" in out and 'href="../numpy/"' in out and warnings == []

    def test_changes_page_without_files(self):
        out, _ = self._render("<!-- tipsbench:claim-changes -->", tl.Timeline(()), "zh")
        assert "tipsbench timeline" in out


def test_verdict_span_over_releases(tmp_path):
    tip = verdicts.get("save_load.state_dict_faster_smaller")
    outcomes = {cid: "holds" for cid in tip.claims}
    older = {**outcomes, tip.claims[0]: "fails"}
    timeline = tl.Timeline([testing.claims_file(tmp_path, "2.5.1", older),
                            testing.claims_file(tmp_path, "2.6.0", outcomes),
                            testing.claims_file(tmp_path, "2.7.1", outcomes)])
    assert verdicts.release_span(tip, timeline) == tl.Span("since", ("2.6",))


@pytest.mark.slow
def test_claims_command_writes_a_file_that_reads_back(tmp_path, capsys):
    """`tipsbench claims --json` on the installed torch: every claim, one outcome each."""
    from tipsbench import cli

    path = tmp_path / "out.json"
    assert cli.main(["claims", "--json", str(path)]) == 0
    read = files.load(path)
    assert set(read.claims) == set(claims.all_claims())
    assert all(o.outcome == claims.observe(cid).status for cid, o in read.claims.items())
    assert "tipsbench: wrote" in capsys.readouterr().out


def test_a_release_that_could_not_check_a_tips_claims_says_nothing_about_it(tmp_path):
    """One claim held and the other couldn't be checked: the tip's claims are not 'held'
    on that release, and its release span leaves the release out."""
    from tipsbench import testing, verdicts

    ids = ("gpu.import_does_not_init_cuda", "gpu.hidden_means_no_cuda")
    a = testing.claims_file(tmp_path, "2.8.0+cu128", {ids[0]: "holds", ids[1]: "not-checkable"})
    assert tl.evidence_outcome(ids, a) == "not-checkable"
    tip = verdicts.get("gpu.visible_devices")
    assert verdicts.release_span(tip, tl.Timeline([a])) is None
