"""End to end in a real browser: Debian's Chromium driven by Playwright against
``crosswire serve`` running as its own process. Screenshots go to tests/artifacts/.

Skipped, with one message, when Playwright or /usr/bin/chromium is missing (``make test``
installs Chromium with apt-get where it can).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import ROOT, seeds_or_skip
from tests.webserver import build_store

from crosswire.web.render import vendor_available

CHROMIUM = Path(os.environ.get("CROSSWIRE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions"]

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - dev extra missing
    sync_playwright = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    sync_playwright is None or not CHROMIUM.is_file(),
    reason=f"browser tests need the playwright package and Debian's chromium at {CHROMIUM} "
           "(make test installs it with apt-get)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web-browser") / "web.db"
    build_store(db).close()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "crosswire", "--db", str(db), "serve",
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/api/v1/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"crosswire serve did not start: {proc.communicate()[1]}")
        time.sleep(0.1)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.problems = problems  # type: ignore[attr-defined]
    yield pg
    context.close()


def _seed_story_url(base_url: str) -> str:
    stories = httpx.get(base_url + "/api/v1/stories", params={"actor": "Kuzey Kore"}).json()
    seed = next(s for s in stories["stories"] if set(s["languages"]) == {"tr", "en"})
    return f"{base_url}/stories/{seed['id']}"


def test_select_a_turkish_sentence_highlights_the_english_one(base_url: str, page: Page
                                                              ) -> None:
    seeds_or_skip()
    page.goto(base_url + "/stories")
    page.screenshot(path=str(ARTIFACTS / "stories.png"), full_page=True)
    page.get_by_role("link", name=re.compile("New Changes in Military Alliances")).first.click()
    page.wait_for_load_state()
    assert page.url == _seed_story_url(base_url)
    turkish = page.locator('article[lang="tr"] .s.aligned').first
    group = turkish.get_attribute("data-g")
    english = page.locator(f'article[lang="en"] .s.aligned[data-g="{group}"]').first
    before = english.evaluate("e => getComputedStyle(e).backgroundColor")
    turkish.hover()
    assert "hl" in (english.get_attribute("class") or "").split()
    turkish.focus()
    page.keyboard.press("Enter")
    assert "sel" in (english.get_attribute("class") or "").split()
    assert english.get_attribute("aria-pressed") == "true"
    assert english.evaluate("e => getComputedStyle(e).backgroundColor") != before
    english_text = re.sub(r"\d+$", "", english.inner_text()).strip()
    assert english_text[:60] in page.locator("#align-status").inner_text()
    # the pair is one the server's alignment gives for these two articles
    alignment = httpx.get(page.url.replace("/stories/", "/api/v1/stories/") + "/alignment"
                          ).json()
    pairs = [g for g in alignment["groups"] if str(g["group"]) == group]
    assert len(pairs) == 1 and len({s["article_id"] for s in pairs[0]["sentences"]}) == 2
    english.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "seed-story.png"))
    page.keyboard.press("Escape")
    assert "sel" not in (english.get_attribute("class") or "").split()
    assert page.problems == []  # type: ignore[attr-defined]


def test_turkish_search_finds_the_english_article(base_url: str, page: Page) -> None:
    seeds_or_skip()
    page.goto(base_url + "/search")
    page.get_by_label("Query, in any language").fill("Kuzey Kore askerleri Rusya'da")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    results = page.locator("li.hit")
    titles = [results.nth(i).locator("h3").inner_text() for i in range(results.count())]
    english = [t for t in titles if t.startswith("New Changes in Military Alliances")]
    assert english, titles
    hit = results.filter(has_text="New Changes in Military Alliances").first
    assert "meaning" in hit.locator(".meta").inner_text()
    assert page.locator("li.hit mark").count() > 0  # the Turkish hits mark the words
    page.screenshot(path=str(ARTIFACTS / "search-tr.png"))
    assert page.problems == []  # type: ignore[attr-defined]


def test_actor_page_draws_the_network_and_the_plot(base_url: str, page: Page) -> None:
    seeds_or_skip()
    page.goto(base_url + "/actors?name=Kuzey+Kore")
    assert page.url.endswith("/actors/country%3Akp")
    if all(vendor_available().values()):
        page.wait_for_selector("#network canvas")
        assert page.locator("#network").is_visible()
        assert page.locator("#timeline-plot .uplot").count() == 1
    else:  # without `make assets` the same data shows as tables
        assert not page.locator("#network").is_visible()
        assert page.get_by_role("link", name="Russia").first.is_visible()
    names = page.locator("dl.names-by-language").inner_text()
    assert "Kuzey Kore" in names and "North Korea" in names
    page.screenshot(path=str(ARTIFACTS / "actor-north-korea.png"), full_page=True)
    assert page.problems == []  # type: ignore[attr-defined]


def test_hostile_article_runs_no_script(base_url: str, page: Page) -> None:
    hostile = httpx.get(base_url + "/api/v1/search",
                        params={"q": "Dockworkers Varna", "mode": "words"}).json()["hits"][0]
    article = hostile["article"]
    for path in (f"/articles/{article['id']}", f"/stories/{article['story_id']}",
                 "/search?q=Dockworkers+Varna", "/sources", "/actors/new:xss-actor",
                 "/stories"):
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        inline = "script:not([src]):not([type='application/json'])"
        assert page.evaluate(f"document.querySelectorAll(\"{inline}\").length") == 0
        assert page.locator("img").count() == 0
    assert "<script>alert('xss-title')</script>" in page.content().replace("&lt;", "<").replace(
        "&gt;", ">")
    assert page.problems == []  # type: ignore[attr-defined]


def test_keyboard_reaches_the_controls(base_url: str, page: Page) -> None:
    page.goto(base_url + "/stories")
    reached: list[str] = []
    for _ in range(20):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(
            "(() => { const e = document.activeElement;"
            " return (e.id || e.textContent || e.tagName).trim().slice(0, 30); })()"))
    assert reached[0] == "Skip to content"
    assert {"Stories", "Search", "Ingest", "f-lang", "f-actor", "Filter"} <= set(reached)
    page.goto(base_url + "/ingest")
    for field in ("Text", "Address (http or https)", "Source name (optional)"):
        page.get_by_label(field).focus()
        assert page.evaluate("document.activeElement.tagName") in ("INPUT", "TEXTAREA")
