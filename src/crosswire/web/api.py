"""The JSON API under ``/api/v1``: the same read-side functions as the CLI, the same fields
as its ``--json`` output (docs/formats.md), and ingest.

Every handler is a thin call into ``Crosswire``; errors map to status codes: unknown id 404,
bad parameter 400, missing token 401, cross-site write 403, body too large 413.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from crosswire import __version__
from crosswire.brief_render import render_brief
from crosswire.ingest.files import parse_datetime
from crosswire.web import capabilities as caps
from crosswire.web.common import blank, check_write, language, state_of, when
from crosswire.web.state import IngestReport, pasted

router = APIRouter(prefix="/api/v1")

Lang = Annotated[str | None, Query(description="ISO 639-1 language code, e.g. `tr`.")]
Limit = Annotated[int, Query(ge=1, le=500, description="How many records.")]
Offset = Annotated[int, Query(ge=0, description="Skip this many (paging).")]


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


@router.get("/health", tags=["meta"], summary="Server status and optional capabilities")
def health(request: Request) -> JSONResponse:
    state = state_of(request)
    store = state.app.store
    return _json({"status": "ok", "version": __version__, "schema": store.schema_version(),
                  "articles": store.approx_article_count(),
                  "capabilities": caps.PROVIDES,
                  "writes_need_token": bool(state.options.token)})


@router.get("/articles", tags=["articles"], summary="Articles, in publication order")
def articles(request: Request, story_id: int | None = None, limit: Limit = 50,
             offset: Offset = 0) -> JSONResponse:
    found = state_of(request).app.store.list_articles(story_id=story_id, limit=limit,
                                                      offset=offset)
    return _json({"articles": [a.to_dict() for a in found]})


@router.get("/articles/{article_id}", tags=["articles"],
            summary="One article: text, sentences with offsets, mentions, removed debris")
def article(request: Request, article_id: int) -> JSONResponse:
    return _json(state_of(request).app.article_record(article_id))


@router.get("/stories", tags=["stories"], summary="Stories, newest activity first")
def stories(request: Request, lang: Lang = None,
            source: Annotated[str | None, Query(description="Source (outlet) name.")] = None,
            actor: Annotated[str | None, Query(
                description="Actor id or any of its names, in any language.")] = None,
            since: Annotated[str | None, Query(
                description="Active since: ISO date or 24h, 7d...")] = None,
            until: Annotated[str | None, Query(description="Started by: ISO date.")] = None,
            with_articles: bool = False, limit: Limit = 50, offset: Offset = 0
            ) -> JSONResponse:
    found = state_of(request).app.stories(
        language=language(lang), source=blank(source), since=when(since, "since"),
        until=when(until, "until"), limit=limit, offset=offset, with_articles=with_articles,
        actor=blank(actor))
    return _json({"stories": [s.to_dict(with_articles=with_articles) for s in found]})


@router.get("/stories/{story_id}", tags=["stories"], summary="One story with its articles")
def story(request: Request, story_id: int) -> JSONResponse:
    return _json(state_of(request).app.story(story_id).to_dict())


@router.get("/stories/{story_id}/brief", tags=["stories"],
            summary="How each source tells the story: claims, contradictions, summary")
def brief(request: Request, story_id: int, lang: Lang = None,
          format: Literal["json", "md", "html"] = "json") -> Response:
    state = state_of(request)
    result = state.brief(state.app.store.get_story(story_id, with_articles=False),
                         language(lang))
    if format == "json":
        return _json(result.to_dict())
    text = render_brief(result, format)
    if format == "html":
        return Response(text, media_type="text/html; charset=utf-8")
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")


@router.get("/stories/{story_id}/alignment", tags=["stories"],
            summary="Sentences that say the same thing across the chosen articles")
def alignment(request: Request, story_id: int,
              a: Annotated[list[int] | None, Query(
                  description="Article ids to align (default: one per language).")] = None,
              lang: Lang = None) -> JSONResponse:
    state = state_of(request)
    story_ = state.app.store.get_story(story_id, with_articles=False)
    return _json(state.reading(story_, a or [], language(lang)).to_dict())


@router.get("/actors", tags=["actors"], summary="Actors by mentions, with names per language")
def actors(request: Request, type: str | None = None, lang: Lang = None, new: bool = False,
           limit: Limit = 50, offset: Offset = 0) -> JSONResponse:
    found = state_of(request).app.actors(limit=limit, offset=offset, type=blank(type),
                                         language=language(lang),
                                         known=False if new else None)
    return _json({"actors": [a.to_dict() for a in found]})


@router.get("/actors/{name_or_id}", tags=["actors"],
            summary="One actor by id or any name: names, stories, neighbours")
def actor(request: Request, name_or_id: str,
          limit: Annotated[int, Query(ge=1, le=200)] = 20) -> JSONResponse:
    app = state_of(request).app
    found = app.actor(name_or_id)
    data = found.to_dict()
    data["stories"] = [s.to_dict(with_articles=False)
                       for s in app.actor_stories(found.id, limit=limit)]
    data["neighbours"] = [{"id": i, "name": n, "type": t, "n_articles": k}
                          for i, n, t, k in app.actor_neighbours(found.id, limit=limit)]
    return _json(data)


@router.get("/actors/{name_or_id}/network", tags=["actors"],
            summary="Co-mention network: the actor, its neighbours and their links")
def network(request: Request, name_or_id: str,
            limit: Annotated[int, Query(ge=1, le=100)] = 20) -> JSONResponse:
    app = state_of(request).app
    return _json(app.actor_network(app.actor(name_or_id).id, limit).to_dict())


@router.get("/actors/{name_or_id}/timeline", tags=["actors"],
            summary="Articles naming the actor per day and language")
def timeline(request: Request, name_or_id: str) -> JSONResponse:
    app = state_of(request).app
    actor_id = app.actor(name_or_id).id
    return _json({"actor": actor_id, "days": [
        {"day": d, "language": lg, "n_articles": n} for d, lg, n in app.actor_timeline(actor_id)]})


@router.get("/search", tags=["search"],
            summary="Search in any language, by meaning and by words")
def search(request: Request,
           q: Annotated[str, Query(min_length=1, max_length=500, description="The query.")],
           lang: Lang = None, mode: Literal["both", "meaning", "words"] = "both",
           limit: Annotated[int, Query(ge=1, le=100)] = 20) -> JSONResponse:
    hits = state_of(request).app.search(q, language=language(lang), mode=mode, limit=limit)
    return _json({"query": q, "hits": [h.to_dict() for h in hits]})


@router.get("/sources", tags=["sources"], summary="Per-source figures")
def sources(request: Request, limit: Limit = 200, offset: Offset = 0) -> JSONResponse:
    state = state_of(request)
    figures = [f.to_dict() for f in state.app.source_figures(limit, offset)]
    extras = caps.source_extras(state.app)
    for f in figures:
        f.update(extras.get(f["source"], {}))
    return _json({"sources": figures})


class IngestRequest(BaseModel):
    """One document (``text``), or a page or feed to fetch (``url`` alone)."""

    text: str | None = Field(None, description="The article text (plain text or HTML).")
    title: str | None = None
    url: str | None = Field(None, description="With text: the article's address. Alone: "
                                              "fetched through the guarded fetcher.")
    source: str | None = Field(None, description="Source (outlet) name.")
    language: str | None = Field(None, description="ISO 639-1 code instead of detection.")
    published: str | None = Field(None, description="ISO 8601 date or date-time.")


def _report(report: IngestReport) -> JSONResponse:
    return _json(report.to_dict(), 422 if report.summary.rejected and not (
        report.summary.stored or report.summary.updated or report.summary.duplicates) else 200)


@router.post("/ingest", tags=["ingest"], summary="Ingest one document, or fetch a URL")
def ingest(request: Request, body: IngestRequest) -> JSONResponse:
    check_write(request)
    state = state_of(request)
    lang = language(body.language)
    if not body.text and body.url:
        return _report(state.ingest_url(body.url.strip(), blank(body.source), lang))
    if not body.text or not body.text.strip():
        raise HTTPException(400, "give 'text', or a 'url' to fetch")
    published = parse_datetime(body.published) if body.published else None  # 400 if bad
    doc = pasted(body.text, "<api>", title=blank(body.title), url=blank(body.url),
                 source=blank(body.source), published=published)
    return _report(state.ingest([doc], language=lang))


@router.post("/ingest/file", tags=["ingest"],
             summary="Ingest an uploaded file: .txt, .md, .html, .jsonl(.gz), .warc(.gz)")
def ingest_file(request: Request, file: Annotated[UploadFile, File()],
                source: Annotated[str | None, Form()] = None,
                lang: Annotated[str | None, Form()] = None) -> JSONResponse:
    check_write(request)
    data = file.file.read()
    return _report(state_of(request).ingest_upload(file.filename or "upload", data,
                                                   blank(source), language(lang)))
