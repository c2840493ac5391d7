"""The HTTP API against a real uvicorn server on a loopback port: reads, ingest, and the
safety rules (token, same-origin writes, host names, body size, the fetch guard)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from tests.conftest import seeds_or_skip
from tests.httpserver import LocalServer
from tests.webserver import HOSTILE_ACTOR, ServerThread, serving

import crosswire
from crosswire.errors import ConfigError
from crosswire.web import ServeOptions
from crosswire.web.security import check_binding

pytest_plugins = ("tests.web_fixtures",)  # web_cw, web_server, web_client



def _story_of(client: httpx.Client, external_id: str) -> int:
    for s in client.get("/api/v1/stories", params={"with_articles": True}).json()["stories"]:
        if any(a["external_id"] == external_id for a in s["articles"]):
            return int(s["id"])
    raise AssertionError(f"no story holds {external_id}")


def test_health_reports_the_store_and_capabilities(web_client: httpx.Client) -> None:
    r = web_client.get("/api/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["articles"] >= 4
    assert set(body["capabilities"]) >= {"events", "graph", "provenance"}
    assert body["writes_need_token"] is False


def test_stories_filter_by_language_actor_and_dates(web_client: httpx.Client) -> None:
    all_ = web_client.get("/api/v1/stories").json()["stories"]
    ohrid = _story_of(web_client, "web-en-1")
    story = next(s for s in all_ if s["id"] == ohrid)
    assert set(story["languages"]) == {"en", "tr", "de"} and story["n_articles"] == 3
    turkish = web_client.get("/api/v1/stories", params={"lang": "tr"}).json()["stories"]
    assert ohrid in [s["id"] for s in turkish]
    assert all("tr" in s["languages"] for s in turkish)
    before = web_client.get("/api/v1/stories", params={"until": "2025-03-05"}).json()["stories"]
    assert ohrid not in [s["id"] for s in before]
    assert web_client.get("/api/v1/stories", params={"since": "banana"}).status_code == 400
    assert web_client.get("/api/v1/stories", params={"lang": "english!"}).status_code == 400


def test_stories_by_an_actor_named_in_another_language(web_client: httpx.Client) -> None:
    seeds_or_skip()
    by_turkish = web_client.get("/api/v1/stories", params={"actor": "Kuzey Kore"}).json()
    assert by_turkish["stories"], "the seeds' story names North Korea"
    titles = [s["title"] for s in by_turkish["stories"]]
    by_english = web_client.get("/api/v1/stories", params={"actor": "North Korea"}).json()
    assert titles == [s["title"] for s in by_english["stories"]]
    unknown = web_client.get("/api/v1/stories", params={"actor": "Qwxzv Unknownland"})
    assert unknown.status_code == 404 and "Qwxzv" in unknown.json()["error"]


def test_story_article_and_their_not_found(web_client: httpx.Client) -> None:
    sid = _story_of(web_client, "web-tr-1")
    story = web_client.get(f"/api/v1/stories/{sid}").json()
    assert {a["language"] for a in story["articles"]} == {"en", "tr", "de"}
    aid = next(a["id"] for a in story["articles"] if a["language"] == "tr")
    article = web_client.get(f"/api/v1/articles/{aid}").json()
    assert article["text"].startswith("Ohri Gölü'nde")
    first = article["sentences"][0]
    assert article["text"][first["start"]:first["end"]] == first["text"]
    assert web_client.get("/api/v1/stories/999999").status_code == 404
    assert web_client.get("/api/v1/articles/999999").json() == {"error": "no article with id 999999"}
    listed = web_client.get("/api/v1/articles", params={"story_id": sid}).json()["articles"]
    assert sorted(a["id"] for a in listed) == sorted(a["id"] for a in story["articles"])


def test_alignment_links_the_same_claim_across_languages(web_client: httpx.Client) -> None:
    sid = _story_of(web_client, "web-en-1")
    story = web_client.get(f"/api/v1/stories/{sid}").json()
    ids = {a["language"]: a["id"] for a in story["articles"]}
    r = web_client.get(f"/api/v1/stories/{sid}/alignment", params={"a": [ids["en"], ids["tr"]]})
    body = r.json()
    assert body["article_ids"] == [ids["en"], ids["tr"]]
    en_text = web_client.get(f"/api/v1/articles/{ids['en']}").json()
    tr_text = web_client.get(f"/api/v1/articles/{ids['tr']}").json()
    pairs = []
    for g in body["groups"]:
        by = {s["article_id"]: s["sentence"] for s in g["sentences"]}
        if ids["en"] in by and ids["tr"] in by:
            pairs.append((en_text["sentences"][by[ids["en"]]]["text"],
                          tr_text["sentences"][by[ids["tr"]]]["text"]))
    # the engine-room sentence is said in both languages and must be paired with its match
    engine = [tr for en, tr in pairs if "engine room" in en]
    assert engine and "makine dairesinde" in engine[0]


def test_brief_in_json_markdown_and_html(web_client: httpx.Client) -> None:
    sid = _story_of(web_client, "web-de-1")
    brief = web_client.get(f"/api/v1/stories/{sid}/brief").json()
    assert brief["story"]["id"] == sid and brief["shared_claims"]
    md = web_client.get(f"/api/v1/stories/{sid}/brief", params={"format": "md"})
    assert md.headers["content-type"].startswith("text/markdown") and md.text.startswith("# ")
    html = web_client.get(f"/api/v1/stories/{sid}/brief", params={"format": "html"})
    assert html.headers["content-type"].startswith("text/html") and "<h1" in html.text


def test_actor_by_any_name_with_network_and_timeline(web_client: httpx.Client) -> None:
    seeds_or_skip()
    actor = web_client.get("/api/v1/actors/Kuzey Kore'nin").json()
    assert actor["id"] == "country:kp" and actor["stories"]
    assert {"tr", "en"} <= set(actor["languages"])
    network = web_client.get("/api/v1/actors/country:kp/network").json()
    ids = {n["id"] for n in network["nodes"]}
    assert {"country:kp", "country:ru"} <= ids
    assert any({e["source"], e["target"]} == {"country:kp", "country:ru"}
               for e in network["edges"])
    days = web_client.get("/api/v1/actors/Северная Корея/timeline").json()["days"]
    assert {d["language"] for d in days} >= {"tr", "en"}
    listed = web_client.get("/api/v1/actors", params={"lang": "tr"}).json()["actors"]
    assert "country:kp" in [a["id"] for a in listed]
    assert web_client.get("/api/v1/actors/Qwxzv Unknownland").status_code == 404


def test_search_finds_english_article_from_a_turkish_query(web_client: httpx.Client) -> None:
    r = web_client.get("/api/v1/search", params={"q": "Ohri Gölü feribot yangını yolcular"})
    hits = {h["article"]["external_id"]: h for h in r.json()["hits"]}
    assert "meaning" in hits["web-en-1"]["matched"]
    # the Turkish article also matches by words, with the words marked in its sentences
    tr = hits["web-tr-1"]
    assert "words" in tr["matched"]
    marked = [s["text"] for s in tr["sentences"] if s["marks"]]
    assert any("Ohri" in t for t in marked)
    only_de = web_client.get("/api/v1/search", params={"q": "ferry fire", "lang": "de"}).json()
    assert only_de["hits"] and {h["article"]["language"] for h in only_de["hits"]} == {"de"}
    assert web_client.get("/api/v1/search", params={"q": ""}).status_code == 400


def test_sources_give_per_source_figures(web_client: httpx.Client) -> None:
    sources = {s["source"]: s for s in web_client.get("/api/v1/sources").json()["sources"]}
    assert sources["Ege Bülteni"]["languages"] == {"tr": 1}
    assert sources["Balkan Ledger"]["n_articles"] == 1 and sources["Balkan Ledger"]["n_stories"] == 1


def test_openapi_describes_every_endpoint_and_no_cdn_docs(web_client: httpx.Client) -> None:
    spec = web_client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/stories", "/api/v1/stories/{story_id}/brief", "/api/v1/search",
                 "/api/v1/ingest", "/api/v1/actors/{name_or_id}", "/api/v1/sources",
                 "/api/v1/health", "/api/v1/articles/{article_id}"):
        assert path in spec["paths"], path
    assert web_client.get("/docs").status_code == 404  # Swagger UI would load from a CDN
    page = web_client.get("/api")
    assert page.status_code == 200 and "/api/v1/search" in page.text


def test_security_headers_on_pages_and_api(web_client: httpx.Client) -> None:
    for path in ("/stories", "/api/v1/health"):
        h = web_client.get(path).headers
        assert "script-src 'self'" in h["content-security-policy"]
        assert "cdn" not in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"


def test_ingest_text_then_find_it(web_client: httpx.Client) -> None:
    body = {"title": "Wildfire near Mugla forces evacuation of two villages",
            "text": "A wildfire near Mugla forced the evacuation of two villages on Tuesday. "
                    "Firefighting planes dropped water through the night.",
            "source": "Test Wire", "published": "2025-07-01T06:00:00Z"}
    r = web_client.post("/api/v1/ingest", json=body)
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["stored"] == 1 and result["results"][0]["story_id"]
    again = web_client.post("/api/v1/ingest", json=body).json()
    assert again["duplicates"] == 1 and again["stored"] == 0
    hits = web_client.get("/api/v1/search", params={"q": "Mugla wildfire", "mode": "words"}).json()
    assert result["article_ids"][0] in [h["article"]["id"] for h in hits["hits"]]
    assert web_client.post("/api/v1/ingest", json={"title": "no text"}).status_code == 400
    bad = web_client.post("/api/v1/ingest", json={**body, "published": "last Tuesday"})
    assert bad.status_code == 400 and "ISO 8601" in bad.json()["error"]
    page = ("<html><head><title>Bridge reopens in Mostar</title></head><body><nav>Home | "
            "World</nav><article><p>The old bridge in Mostar reopened to walkers on Monday "
            "after three weeks of repairs to its stone parapet.</p></article></body></html>")
    r = web_client.post("/api/v1/ingest", json={"text": page, "source": "Test Wire"})
    aid = r.json()["article_ids"][0]
    stored = web_client.get(f"/api/v1/articles/{aid}").json()
    assert stored["title"] == "Bridge reopens in Mostar" and "<p>" not in stored["text"]
    assert "Home | World" not in stored["text"]


def test_ingest_file_upload_reports_each_line(web_client: httpx.Client) -> None:
    lines = [json.dumps({"id": "up-1", "title": "Hail damages vineyards in Kakheti",
                         "text": "Hail damaged vineyards across Kakheti on Friday, growers "
                                 "said, weeks before the harvest.", "language": "en"}),
             "{not json", json.dumps({"id": "up-3", "title": "empty"})]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    r = web_client.post("/api/v1/ingest/file", files={"file": ("batch.jsonl.gz", data)})
    assert r.status_code == 200
    body = r.json()
    assert body["stored"] == 1
    reasons = {(x["origin"], x["line"]): x["reason"] for x in body["rejected"]}
    assert set(reasons) == {("batch.jsonl.gz", 2), ("batch.jsonl.gz", 3)}
    assert "not valid JSON" in reasons[("batch.jsonl.gz", 2)]
    bad = web_client.post("/api/v1/ingest/file", files={"file": ("run.exe", b"MZ")})
    assert bad.status_code == 422 and "unsupported file type" in bad.json()["rejected"][0]["reason"]


def test_url_ingest_refuses_private_addresses(web_client: httpx.Client) -> None:
    with LocalServer() as site:
        site.page("/page", "<html><body><p>secret</p></body></html>")
        r = web_client.post("/api/v1/ingest", json={"url": site.url("/page")})
        assert r.status_code == 422
        assert "loopback" in r.json()["rejected"][0]["reason"]
        assert site.hits()["/page"] == 0
    r = web_client.post("/api/v1/ingest", json={"url": "file:///etc/passwd"})
    assert r.status_code == 422 and r.json()["stored"] == 0


def test_allow_private_lets_the_server_fetch_loopback(tmp_path: Path) -> None:
    app = crosswire.open(str(tmp_path / "private.db"))
    page = (b"<html><head><title>Harbour reopens after the storm</title></head><body><article>"
            b"<p>The harbour of Burgas reopened on Thursday after the storm had closed it for "
            b"two days, the port authority said.</p><p>Ferries to the islands will resume "
            b"their normal timetable on Saturday.</p></article></body></html>")
    try:
        with LocalServer() as site, serving(app, allow_private=True) as srv:
            site.page("/harbour", page)
            r = httpx.post(srv.url + "/api/v1/ingest", json={"url": site.url("/harbour")},
                           timeout=120)
            assert r.status_code == 200 and r.json()["stored"] == 1, r.text
            aid = r.json()["article_ids"][0]
            article = httpx.get(f"{srv.url}/api/v1/articles/{aid}").json()
            assert "Burgas" in article["text"]
    finally:
        app.close()


def test_writes_from_another_site_are_refused(web_client: httpx.Client) -> None:
    body = {"text": "A cross-site write must never be stored by the web_server."}
    before = web_client.get("/api/v1/health").json()["articles"]
    r = web_client.post("/api/v1/ingest", json=body, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = web_client.post("/api/v1/ingest", json=body, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert web_client.get("/api/v1/health").json()["articles"] == before


def test_dns_rebinding_host_names_are_refused(web_server: ServerThread) -> None:
    r = httpx.get(web_server.url + "/api/v1/health", headers={"Host": "attacker.example:8000"})
    assert r.status_code == 421
    ok = httpx.get(web_server.url + "/api/v1/health", headers={"Host": f"localhost:{web_server.port}"})
    assert ok.status_code == 200


def test_token_guards_every_write(tmp_path: Path) -> None:
    app = crosswire.open(str(tmp_path / "token.db"))
    try:
        with serving(app, token="s3cret-token", max_upload_bytes=2000) as srv:
            body = {"text": "The council approved the new bridge over the river on Monday."}
            r = httpx.post(srv.url + "/api/v1/ingest", json=body)
            assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
            r = httpx.post(srv.url + "/api/v1/ingest", json=body,
                           headers={"Authorization": "Bearer wrong-token"})
            assert r.status_code == 401
            r = httpx.post(srv.url + "/api/v1/ingest", json=body,
                           headers={"Authorization": "Bearer s3cret-token"})
            assert r.status_code == 200 and r.json()["stored"] == 1
            # reads stay open; bodies over the cap are refused before they are read
            assert httpx.get(srv.url + "/api/v1/stories").status_code == 200
            big = {"text": "word " * 1000}
            r = httpx.post(srv.url + "/api/v1/ingest", json=big,
                           headers={"Authorization": "Bearer s3cret-token"})
            assert r.status_code == 413
            assert app.store.count_articles() == 1
    finally:
        app.close()


def test_serve_refuses_a_public_address_without_token(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "crosswire", "--db", str(tmp_path / "x.db"),
                           "serve", "--host", "0.0.0.0", "--port", "0"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CROSSWIRE_TOKEN": ""})
    assert proc.returncode == 2
    lines = [x for x in proc.stderr.strip().splitlines() if x.strip()]
    assert "--token" in proc.stderr and "0.0.0.0" in proc.stderr
    assert "Traceback" not in proc.stderr and len(lines) <= 3
    with pytest.raises(ConfigError, match="at least 8"):
        check_binding(ServeOptions(host="0.0.0.0", token="short"))
    check_binding(ServeOptions(host="0.0.0.0", token="long-enough-token"))
    check_binding(ServeOptions(host="::1"))


def test_hostile_text_comes_back_as_data_in_json(web_client: httpx.Client) -> None:
    actor = web_client.get("/api/v1/actors/new:xss-actor").json()
    assert actor["name"] == HOSTILE_ACTOR
    r = web_client.get("/api/v1/actors/new:xss-actor")
    assert r.headers["content-type"] == "application/json"
