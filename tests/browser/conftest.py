"""Headless Chromium (Debian's chromium + chromium-driver) against the built site.

The session's one site build (tests/conftest.py `site`) is served by a small static server
bound to 127.0.0.1 on a free port, mounted at the path of site_url (/tipsbench/): MkDocs
writes a few links as absolute paths (the home page's language switcher). One browser for
the session, plus one with JavaScript off for the tests that need it.

Without selenium, chromium or chromedriver the tests skip, except in CI (CI=true), where
they fail: a CI run that silently skipped its browser tests would prove nothing.
"""

from __future__ import annotations

import base64
import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

MOUNT = "/tipsbench/"  # the path of site_url in mkdocs.yml
WIDTH = 1280
SHOT_MAX_HEIGHT = 16000  # Chromium captures at most ~16k px in one go

_SCREENSHOTS = pytest.StashKey[Path]()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _missing(reason: str):
    """Skip locally; in CI a missing browser is a broken CI, not a reason to skip."""
    if _in_ci():
        pytest.fail(f"{reason}; CI=true, so the browser tests must run "
                    "(.ci/run installs chromium chromium-driver fonts-noto-cjk)", pytrace=False)
    pytest.skip(f"{reason} (apt-get install chromium chromium-driver fonts-noto-cjk)")


def _binaries() -> tuple[str, str]:
    try:
        import selenium  # noqa: F401
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[dev]')")
    chromium = next(filter(None, map(shutil.which, ["chromium", "chromium-browser"])), None)
    driver = shutil.which("chromedriver")
    if not chromium:
        _missing("no chromium on PATH")
    if not driver:
        _missing("no chromedriver on PATH")
    return chromium, driver


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves the built folder at MOUNT only, as GitHub Pages serves a project site."""

    def translate_path(self, path: str) -> str:
        if not urlsplit(path).path.startswith(MOUNT):
            return str(Path(self.directory) / "__outside_the_mount__")
        return super().translate_path("/" + path[len(MOUNT):])

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def served(site: Path):
    """The built site at http://127.0.0.1:PORT/tipsbench/, stopped after the session."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SiteHandler, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{MOUNT}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _start(tmp_path_factory, *, javascript: bool):
    chromium, driver_path = _binaries()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--hide-scrollbars", f"--window-size={WIDTH},900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    browser = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    browser.set_page_load_timeout(60)
    return browser


@pytest.fixture(scope="session")
def driver(tmp_path_factory):
    """Headless Chromium, one for the session."""
    browser = _start(tmp_path_factory, javascript=True)
    yield browser
    browser.quit()


@pytest.fixture(scope="session")
def driver_nojs(tmp_path_factory):
    """Headless Chromium with JavaScript off."""
    browser = _start(tmp_path_factory, javascript=False)
    yield browser
    browser.quit()


@pytest.fixture(scope="session")
def screenshot(request, tmp_path_factory):
    """save(browser, name): the whole page (up to SHOT_MAX_HEIGHT px tall), WIDTH px wide, as
    name.png in $TIPSBENCH_SCREENSHOTS, or in a folder of pytest's tmp (printed at the end)."""
    folder = os.environ.get("TIPSBENCH_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    request.config.stash[_SCREENSHOTS] = path
    print(f"screenshots: {path}")

    def save(browser, name: str) -> Path:
        height = browser.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
        shot = browser.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True, "optimizeForSpeed": True,
            "clip": {"x": 0, "y": 0, "width": WIDTH, "height": min(height, SHOT_MAX_HEIGHT), "scale": 1},
        })
        out = path / f"{name}.png"
        out.write_bytes(base64.b64decode(shot["data"]))
        return out

    return save


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    path = config.stash.get(_SCREENSHOTS, None)
    if path is not None:
        count = len(list(path.glob("*.png")))
        terminalreporter.write_line(f"browser tests: {count} page screenshots in {path}")
