"""The built site in a real browser (headless Chromium): what readers see, in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOCALES = ("en", "zh")
OTHER = {"en": "zh", "zh": "en"}
DOCS = Path(__file__).resolve().parents[2] / "docs"


def page_paths() -> list[str]:
    """Every page's URL path below the site root ('' for home), from the English sources."""
    found = []
    for path in sorted(DOCS.rglob("*")):
        rel = path.relative_to(DOCS)
        if path.suffix in {".md", ".ipynb"} and not re.search(r"\.[a-z]{2}$", path.stem) and "hooks" not in rel.parts:
            stem = rel.with_suffix("").as_posix()
            found.append("" if stem == "index" else re.sub(r"(^|/)index$", "", stem) + "/")
    return found


PAGES = page_paths()


def page_url(base: str, path: str, locale: str) -> str:
    return base + ("zh/" if locale == "zh" else "") + path


def drain_logs(browser) -> tuple[list[dict], list[str]]:
    """SEVERE console entries, and every URL the page requested, since the last call."""
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return errors, urls


def foreign(urls: list[str]) -> list[str]:
    """Requests to anywhere but the local server (data: and blob: URLs stay in the page)."""
    return [u for u in urls if urlsplit(u).scheme not in {"data", "blob", "about"}
            and urlsplit(u).hostname != "127.0.0.1"]


def _by():
    from selenium.webdriver.common.by import By

    return By


def _wait(browser, seconds: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds, poll_frequency=0.1)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.rstrip("/") or "home")
def test_page_loads_cleanly(driver, served, screenshot, path, locale):
    """No console error, nothing from other hosts, the right <html lang>, a switcher to the
    same page in the other language; and a screenshot for a person to look at."""
    by = _by()
    drain_logs(driver)
    url = page_url(served, path, locale)
    driver.get(url)
    _wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert driver.find_element(by.TAG_NAME, "html").get_attribute("lang") == locale
    assert driver.find_element(by.CSS_SELECTOR, "article h1").text.strip(), "page has no title"
    twin = driver.find_element(by.CSS_SELECTOR, f'.md-select a[hreflang="{OTHER[locale]}"]')
    assert twin.get_attribute("href") == page_url(served, path, OTHER[locale])
    screenshot(driver, f"{locale}-{path.strip('/').replace('/', '-') or 'home'}")
    errors, urls = drain_logs(driver)
    assert not errors, f"{url}: console errors {[e['message'] for e in errors]}"
    assert url in urls
    assert not foreign(urls), f"{url} requested other hosts: {foreign(urls)}"


@pytest.mark.parametrize("locale", LOCALES)
def test_language_switcher_leads_to_the_same_page(driver, served, locale):
    """Clicking the other language in Material's language menu opens this page's twin."""
    from selenium.webdriver.common.action_chains import ActionChains

    by = _by()
    driver.get(page_url(served, "numpy/", locale))
    menu = driver.find_element(by.CSS_SELECTOR, ".md-header .md-select")
    link = menu.find_element(by.CSS_SELECTOR, f'a[hreflang="{OTHER[locale]}"]')
    # The menu opens on hover; the link is only clickable once it is shown.
    ActionChains(driver).move_to_element(menu).perform()
    _wait(driver, 5).until(lambda d: link.is_displayed())
    link.click()
    _wait(driver).until(lambda d: d.current_url == page_url(served, "numpy/", OTHER[locale]))
    _wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert driver.find_element(by.TAG_NAME, "html").get_attribute("lang") == OTHER[locale]


@pytest.mark.parametrize("locale", LOCALES)
def test_charts_are_visible_svg_with_text(driver, served, locale):
    """The Tensor ↔ NumPy page's charts are inline SVG, shown, sized, and carry real text."""
    by = _by()
    driver.get(page_url(served, "numpy/", locale))
    charts = driver.find_elements(by.CSS_SELECTOR, "article svg.tb-chart")
    assert charts, "no svg.tb-chart on the numpy page"
    for chart in charts:
        label = chart.get_attribute("aria-label")
        assert chart.is_displayed(), label
        assert chart.size["width"] > 100 and chart.size["height"] > 50, (label, chart.size)
        texts = [t.get_attribute("textContent").strip() for t in chart.find_elements(by.CSS_SELECTOR, "text")]
        assert any(texts), f"{label} has no text"


# Cells a reader can't see: no box, hidden, or clipped by an ancestor that doesn't scroll.
HIDDEN_CELLS = """
const clipped = (cell) => {
  const r = cell.getBoundingClientRect();
  for (let box = cell.parentElement; box && box !== document.body; box = box.parentElement) {
    const s = getComputedStyle(box);
    if (s.overflowX === "hidden" || s.overflowX === "clip") {
      const b = box.getBoundingClientRect();
      if (r.right <= b.left || r.left >= b.right) return true;
    }
  }
  return false;
};
return [...arguments[0].querySelectorAll("td")].filter((cell) => {
  const r = cell.getBoundingClientRect(), s = getComputedStyle(cell);
  return !(r.width > 0 && r.height > 0) || s.visibility !== "visible" || clipped(cell);
}).map((cell) => cell.textContent);
"""


@pytest.mark.parametrize("locale", LOCALES)
def test_tables_work_without_javascript(driver_nojs, served, locale):
    """With JavaScript off, the numpy page's tables are there, shown, and every cell can be
    read (wide tables scroll sideways inside their own box)."""
    by = _by()
    driver_nojs.get(page_url(served, "numpy/", locale))
    # Material's first script swaps <html class="no-js"> for "js": it must not have run.
    assert "no-js" in driver_nojs.find_element(by.TAG_NAME, "html").get_attribute("class").split()
    tables = driver_nojs.find_elements(by.CSS_SELECTOR, "article table")
    assert tables, "no table on the numpy page"
    for table in tables:
        assert table.is_displayed()
        rows = table.find_elements(by.CSS_SELECTOR, "tbody tr")
        assert rows and all(row.find_element(by.CSS_SELECTOR, "td").is_displayed() for row in rows)
        assert any(cell.text.strip() for cell in table.find_elements(by.CSS_SELECTOR, "td"))
        # WebDriver's own scripts run with page JavaScript off; the page's don't.
        assert not driver_nojs.execute_script(HIDDEN_CELLS, table)


# The search box's state: Material's result count line, and every result link.
SEARCH_STATE = """
const meta = document.querySelector(".md-search-result__meta");
const links = [...document.querySelectorAll(".md-search-result__list a.md-search-result__link")];
return [meta ? meta.textContent.trim() : "", links.map((a) => a.href)];
"""


def _search(driver, served, locale: str, query: str) -> list[str]:
    """Type into Material's search box and wait for the results to settle (each keystroke
    searches again); the result links' paths below the site root."""
    by = _by()
    driver.get(page_url(served, "", locale))
    drain_logs(driver)
    placeholder = json.loads(driver.find_element(by.ID, "__config").get_attribute("textContent"))[
        "translations"]["search.result.placeholder"]
    box = driver.find_element(by.CSS_SELECTOR, "input.md-search__input")
    box.click()
    box.send_keys(query)
    seen: list = []

    def settled(d) -> bool:
        seen.append(d.execute_script(SEARCH_STATE))
        meta = seen[-1][0]
        return bool(meta) and meta != placeholder and len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]

    _wait(driver).until(settled)
    links = seen[-1][1]
    errors, urls = drain_logs(driver)
    assert not errors, [e["message"] for e in errors]
    assert not foreign(urls), foreign(urls)
    root = urlsplit(served).path
    paths = []
    for link in links:
        parts = urlsplit(link)
        assert parts.hostname == "127.0.0.1" and parts.path.startswith(root), link
        paths.append(parts.path[len(root):])
    return paths


@pytest.mark.parametrize(("locale", "query", "page"), [
    ("zh", "内存", "zh/memory/"),
    ("en", "pinned", "gpu/"),
])
def test_search_finds_the_page_in_its_language(driver, served, locale, query, page):
    paths = _search(driver, served, locale, query)
    assert page in paths, f"searching {query!r} on the {locale} site found {paths}"
    if locale == "zh":
        assert all(p.startswith("zh/") for p in paths), f"English pages in zh results: {paths}"
    else:
        assert not any(p.startswith("zh/") for p in paths), f"Chinese pages in en results: {paths}"


@pytest.mark.parametrize(("locale", "query"), [("en", "内存"), ("zh", "pinned")])
def test_search_lists_only_its_own_language(driver, served, locale, query):
    """A word both languages' pages contain lists only the reader's language's pages."""
    paths = _search(driver, served, locale, query)
    if locale == "zh":
        assert all(p.startswith("zh/") for p in paths), paths
    else:
        assert not any(p.startswith("zh/") for p in paths), paths
