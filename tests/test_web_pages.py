"""The pages as a browser without JavaScript gets them: hostile text stays text, the markup
passes basic accessibility checks, optional sections appear only with their data, and the
ingest form is CSRF-safe."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import httpx
from tests.conftest import seeds_or_skip
from tests.webserver import build_store, serving

import crosswire
from crosswire.brief import EventSummary
from crosswire.web.render import render
from crosswire.web.security import ServeOptions
from crosswire.web.state import WebState

pytest_plugins = ("tests.web_fixtures",)  # web_cw, web_server, web_client



def _ids(cw: crosswire.Crosswire) -> dict[str, tuple[int, int]]:
    """external id -> (article id, story id)."""
    return {a.external_id: (a.id, a.story_id) for a in cw.store.list_articles()
            if a.external_id and a.id is not None and a.story_id is not None}


def _pages(cw: crosswire.Crosswire) -> list[str]:
    ids = _ids(cw)
    hostile_article, hostile_story = ids["web-xss-1"]
    ohrid = ids["web-en-1"][1]
    return ["/stories", f"/stories/{hostile_story}", f"/stories/{ohrid}",
            f"/articles/{hostile_article}", "/search?q=Dockworkers+Varna", "/sources",
            "/actors", "/actors/new:xss-actor", "/ingest", "/api",
            "/search?q=feribot+yang%C4%B1n%C4%B1"]


class Outline(HTMLParser):
    """What the accessibility checks look at: headings, form controls, labels, lang."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.controls: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.html_lang: str | None = None
        self.lang_tags: list[tuple[str, str | None]] = []
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label":
            if a.get("for"):
                self.labels.add(a["for"] or "")
            self._label_depth += 1
        if tag in ("input", "select", "textarea"):
            a["_wrapped"] = "1" if self._label_depth else None
            self.controls.append(a)
        if tag in ("article", "q") or "lang" in a:
            self.lang_tags.append((tag, a.get("lang")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1


def outline(html: str) -> Outline:
    o = Outline()
    o.feed(html)
    return o


def test_hostile_markup_is_shown_as_text_everywhere(web_cw: crosswire.Crosswire,
                                                    web_client: httpx.Client) -> None:
    seen_escaped = set()
    for path in _pages(web_cw):
        html = web_client.get(path).text
        # escaped markup may sit inside an attribute value (a select option); markup
        # itself must never appear
        for raw in ("<script>alert(", "<img src=x", "<b onmouseover", 'href="javascript:',
                    "href='javascript:"):
            assert raw not in html, (path, raw)
        for marker in ("xss-title", "xss-source", "xss-text", "xss-actor", "xss-bold"):
            if marker in html:
                seen_escaped.add(marker)
                assert re.search(r"&lt;(script|img|b)\b[^<>]*" + marker, html) or (
                    marker in ("xss-source", "xss-bold")), (path, marker)
    # every hostile field was on some page (escaped), so the test looked at them all
    assert seen_escaped == {"xss-title", "xss-source", "xss-text", "xss-actor", "xss-bold"}


def test_article_page_shows_the_hostile_url_but_never_links_it(web_cw: crosswire.Crosswire,
                                                              web_client: httpx.Client) -> None:
    aid = _ids(web_cw)["web-xss-1"][0]
    html = web_client.get(f"/articles/{aid}").text
    assert "javascript:alert(&#39;xss-url&#39;)" in html
    assert 'href="javascript' not in html
    good = web_client.get(f"/articles/{_ids(web_cw)['web-en-1'][0]}").text
    assert 'href="https://ledger.example/ohrid-ferry"' in good


def test_pages_pass_basic_accessibility_checks(web_cw: crosswire.Crosswire,
                                               web_client: httpx.Client) -> None:
    for path in _pages(web_cw):
        o = outline(web_client.get(path).text)
        assert o.html_lang == "en", path
        assert o.headings.count(1) == 1 and o.headings[0] == 1, (path, o.headings)
        for prev, nxt in zip(o.headings, o.headings[1:], strict=False):
            assert nxt <= prev + 1, (path, o.headings)
        for c in o.controls:
            if c.get("type") in ("hidden", "submit"):
                continue
            named = c.get("id") in o.labels or c.get("aria-label") or c.get("_wrapped")
            assert named, (path, c)


def test_article_text_carries_its_language(web_cw: crosswire.Crosswire,
                                           web_client: httpx.Client) -> None:
    ids = _ids(web_cw)
    story = web_client.get(f"/stories/{ids['web-tr-1'][1]}").text
    columns = [lang for tag, lang in outline(story).lang_tags if tag == "article"]
    assert sorted(columns) == ["de", "en", "tr"]
    assert 'dir="ltr"' in story
    article = outline(web_client.get(f"/articles/{ids['web-tr-1'][0]}").text)
    assert ("div", "tr") in article.lang_tags or ("h1", "tr") in article.lang_tags


def test_story_page_aligns_sentences_without_javascript(web_cw: crosswire.Crosswire,
                                                        web_client: httpx.Client) -> None:
    sid = _ids(web_cw)["web-en-1"][1]
    html = web_client.get(f"/stories/{sid}").text
    groups = re.findall(r'class="s aligned" id="s-(\d+)-(\d+)" data-g="(\d+)"', html)
    by_group: dict[str, set[str]] = {}
    for aid, _, g in groups:
        by_group.setdefault(g, set()).add(aid)
    assert any(len(arts) >= 2 for arts in by_group.values())
    # the claims of the brief are on the page, citing sentences shown side by side
    assert "What the sources agree on" in html and re.search(r'href="#s-\d+-\d+"', html)
    # a story with no coded events and no flagged article shows neither section
    assert 'id="h-events"' not in html and 'id="h-prov"' not in html


def test_choosing_articles_and_reader_language(web_cw: crosswire.Crosswire,
                                               web_client: httpx.Client) -> None:
    ids = _ids(web_cw)
    sid = ids["web-en-1"][1]
    tr, de = ids["web-tr-1"][0], ids["web-de-1"][0]
    html = web_client.get(f"/stories/{sid}", params={"a": [tr, de]}).text
    assert sorted(lang for tag, lang in outline(html).lang_tags if tag == "article") == [
        "de", "tr"]
    assert web_client.get(f"/stories/{sid}", params={"lang": "tr"}).status_code == 200
    missing = web_client.get("/stories/999999")
    assert missing.status_code == 404 and "no story with id 999999" in missing.text


def test_seed_story_page_and_actor_page(web_client: httpx.Client) -> None:
    seeds_or_skip()
    stories = web_client.get("/stories", params={"actor": "Kuzey Kore"}).text
    assert "North Korea" in stories
    actor = web_client.get("/actors/Kuzey%20Kore", follow_redirects=True).text  # to the id
    o = outline(actor)
    assert "Kuzey Kore" in actor and 'id="network-data"' in actor
    assert o.headings.count(1) == 1
    assert web_client.get("/actors?name=%D0%A1%D0%B5%D0%B2%D0%B5%D1%80%D0%BD%D0%B0%D1%8F+"
                      "%D0%9A%D0%BE%D1%80%D0%B5%D1%8F", follow_redirects=False
                      ).headers["location"] == "/actors/country%3Akp"


def test_search_page_marks_the_matching_words(web_client: httpx.Client) -> None:
    html = web_client.get("/search", params={"q": "feribot yangını"}).text
    assert re.search(r"<mark>feribot", html, re.I)
    assert "matched by" in html
    assert "No" not in web_client.get("/search").text.split("<h1>")[1][:40]


def test_event_and_provenance_sections_render_contract_data_escaped() -> None:
    event = EventSummary("ev1", "MOBILIZE", "North Korea", "<i>Russia</i>", "2024-10-18",
                         True, ({"article_id": 7, "language": "tr",
                                 "sentence": "<script>alert(1)</script> Kuzey Kore asker gönderdi."},))
    html = render("partials/story_events.html", brief=SimpleNamespace(events=[event]))
    assert "MOBILIZE" in html and "hedged" in html and "&lt;i&gt;Russia" in html
    assert "<script>" not in html and 'href="/articles/7"' in html
    record = {"article_id": 9, "copy_of": None, "translation_of": 4, "rewrite_of": None,
              "independent": False,
              "machine_written": {"score": 0.91, "reasons": ["disclosure: <b>AI</b> used"]}}
    html = render("partials/provenance_item.html", p=record)
    assert "translation of" in html and 'href="/articles/4"' in html
    assert "not independent" in html and "0.91" in html and "&lt;b&gt;AI" in html


def test_ingest_form_needs_its_csrf_token(web_cw: crosswire.Crosswire, web_client: httpx.Client
                                          ) -> None:
    form = web_client.get("/ingest")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
    assert token and "crosswire_csrf" in form.cookies
    assert "samesite=strict" in form.headers["set-cookie"].lower()
    text = "Snow closed the mountain pass near Shipka on Wednesday, the road agency said."
    refused = httpx.post(web_client.base_url.join("/ingest"), data={"text": text, "csrf": "0" * 64},
                         files={"file": ("", b"")})
    assert refused.status_code == 403
    ok = web_client.post("/ingest", data={"text": text, "title": "Shipka pass closed",
                                      "csrf": token.group(1)}, files={"file": ("", b"")})
    assert ok.status_code == 200 and "Stored 1" in ok.text
    aid = int(re.search(r'href="/articles/(\d+)"', ok.text).group(1))  # type: ignore[union-attr]
    assert web_cw.article(aid).title == "Shipka pass closed"


def test_ingest_form_asks_for_the_token_when_the_server_has_one(tmp_path: Path) -> None:
    app = crosswire.open(str(tmp_path / "form.db"))
    try:
        with serving(app, token="form-token-123") as srv, httpx.Client(base_url=srv.url) as c:
            form = c.get("/ingest").text
            assert 'name="token" type="password"' in form
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form).group(1)  # type: ignore[union-attr]
            data = {"text": "Fog delayed flights at Sofia airport on Friday morning.",
                    "csrf": csrf}
            assert c.post("/ingest", data=data, files={"file": ("", b"")}).status_code == 401
            ok = c.post("/ingest", data={**data, "token": "form-token-123"},
                        files={"file": ("", b"")})
            assert ok.status_code == 200 and "Stored 1" in ok.text
    finally:
        app.close()


def test_story_page_shows_an_article_ingested_after_it_was_cached(
        web_cw: crosswire.Crosswire, web_client: httpx.Client) -> None:
    sid = _ids(web_cw)["web-en-1"][1]
    before = web_client.get(f"/stories/{sid}").text
    assert "Le ferry" not in before
    assert 'title="French"' not in web_client.get("/stories").text
    french = {"title": "Le ferry du lac d'Ohrid immobilisé après un incendie",
              "language": "fr", "source": "Courrier des Balkans test",
              "published": "2025-03-10T14:00:00Z",
              "text": "Un ferry a pris feu lundi matin sur le lac d'Ohrid et les 40 passagers "
                      "ont été ramenés à terre par des bateaux de pêche. L'incendie a éclaté "
                      "dans la salle des machines peu après le départ de Struga."}
    r = web_client.post("/api/v1/ingest", json=french)
    assert r.json()["results"][0]["story_id"] == sid, r.text
    after = web_client.get(f"/stories/{sid}").text
    assert "Le ferry du lac d&#39;Ohrid" in after
    listed = web_client.get("/stories").text  # cached before; the new language shows now
    row = listed[listed.index(f'href="/stories/{sid}"'):]
    assert 'title="French">FR</abbr>' in row[:row.index("</tr>")]


def test_background_preparation_readies_the_newest_stories(tmp_path: Path) -> None:
    app = build_store(tmp_path / "warm.db")
    state = WebState(app, ServeOptions())
    try:
        newest = app.stories(limit=3)
        assert newest and not any(state.prepared(s, "en") for s in newest)
        state.start_warming(3, interval=0.05)
        deadline = time.monotonic() + 120
        while not all(state.prepared(s, "en") for s in newest):
            assert time.monotonic() < deadline, "stories not prepared"
            time.sleep(0.05)
    finally:
        state.stop_warming()
        app.close()


def test_seed_pages_show_events_and_provenance(web_client: httpx.Client) -> None:
    seeds_or_skip()
    stories = web_client.get("/api/v1/stories", params={"actor": "Kuzey Kore"}).json()["stories"]
    sid = next(s["id"] for s in stories if {"tr", "en"} <= set(s["languages"]))
    story = web_client.get(f"/stories/{sid}").text
    events = story.split('id="h-events"')[1].split("</section>")[0]
    assert "MOBILIZE" in events and "North Korea" in events
    provenance = story.split('id="h-prov"')[1].split("</section>")[0]
    assert "machine-written" in provenance and "Artificial intelligence was used" in provenance
    actor = web_client.get("/actors/country%3Akp").text
    assert 'id="h-events"' in actor and "MOBILIZE" in actor
    assert "Events between these actors" in actor  # the network is the event graph
