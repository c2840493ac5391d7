"""Pages rendered on the server: readable without JavaScript, every text escaped.

Each handler gathers data through ``Crosswire`` (or the cached story reading and brief of
``WebState``) and renders one template; scripts only add highlighting, plots and the network
view on top of what the HTML already shows.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crosswire import __version__
from crosswire.brief_render import angles, render_html
from crosswire.cli.common import parse_duration
from crosswire.config import DEFAULT_LANGUAGES
from crosswire.errors import NotFound
from crosswire.models import IngestSummary
from crosswire.store.views import UNNAMED_SOURCE
from crosswire.views import MAX_COLUMNS
from crosswire.web import capabilities as caps
from crosswire.web.common import blank, check_write, language, state_of, when
from crosswire.web.render import article_paragraphs, render, vendor_available
from crosswire.web.security import CSRF_COOKIE
from crosswire.web.state import IngestReport, WebState, pasted, story_version

router = APIRouter(include_in_schema=False)
PAGE = 50
ACTOR_TYPES = ("country", "organisation", "person", "city", "region", "armed_group",
               "armed_force", "government", "facility", "unknown")


def render_page(template: str, nav: str | None = None, **context: Any) -> str:
    return render(template, nav=nav, version=__version__, vendor=vendor_available(),
                  **context)


def page(request: Request, template: str, nav: str | None = None, status: int = 200,
         **context: Any) -> HTMLResponse:
    return HTMLResponse(render_page(template, nav, **context), status_code=status)


def _languages(state: WebState) -> list[tuple[str, int]]:
    return state.facet("languages", state.app.store.language_counts)


def _source_names(state: WebState) -> list[str]:
    return state.facet("sources", lambda: [f.source for f in state.app.source_figures(200)
                                           if f.source != UNNAMED_SOURCE])


@router.get("/", response_class=HTMLResponse)
@router.get("/stories", response_class=HTMLResponse)
def stories_page(request: Request, lang: str | None = None, actor: str | None = None,
                 source: str | None = None, since: str | None = None,
                 until: str | None = None, offset: Annotated[int, Query(ge=0)] = 0
                 ) -> HTMLResponse:
    state = state_of(request)
    filters = {"lang": blank(lang), "actor": blank(actor), "source": blank(source),
               "since": blank(since), "until": blank(until)}

    def build() -> str:
        message = None
        try:
            found = state.app.stories(
                language=language(filters["lang"]), source=filters["source"],
                since=when(filters["since"], "since"), until=when(filters["until"], "until"),
                limit=PAGE + 1, offset=offset, actor=filters["actor"])
        except NotFound as exc:
            found, message = [], f"{exc}: try another spelling, or an id from the Actors page"
        except HTTPException as exc:
            found, message = [], str(exc.detail)
        return render_page("stories.html", "stories", stories=found[:PAGE],
                           more=len(found) > PAGE, offset=offset, limit=PAGE, filters=filters,
                           message=message, languages=_languages(state),
                           source_names=_source_names(state))

    # relative dates ("7d") move with the clock: those lists are not kept
    if any(f and parse_duration(f) is not None for f in (filters["since"], filters["until"])):
        return HTMLResponse(build())
    key = ("stories", tuple(filters.items()), offset, state.store.stories_version())
    return HTMLResponse(state.page(key, build))


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: int,
               a: Annotated[list[int] | None, Query()] = None, lang: str | None = None
               ) -> HTMLResponse:
    state = state_of(request)
    reader = language(lang) or state.app.settings.reader_language
    head = state.store.get_story(story_id, with_articles=False)

    def build() -> str:
        story = state.app.story(story_id)
        reading = state.reading(story, a or [], reader)
        brief = state.brief(story, reader)
        columns = [{"article": art, "paragraphs": article_paragraphs(art, reading.groups)}
                   for art in reading.articles]
        title_language = next((x.language for x in story.articles if x.title == story.title),
                              None)
        langs = list(dict.fromkeys([reader, *story.languages, *DEFAULT_LANGUAGES[:4]]))
        return render_page("story.html", "stories", story=story, reading=reading,
                           brief=brief, columns=columns,
                           shown={art.id for art in reading.articles},
                           n_groups=len(set(reading.groups.values())), angles=angles(brief),
                           reader=reader, reader_choices=langs, title_language=title_language,
                           max_columns=MAX_COLUMNS)

    key = ("story", *story_version(head), tuple(a or ()), reader)
    return HTMLResponse(state.page(key, build))


@router.get("/stories/{story_id}/brief", response_class=HTMLResponse)
def brief_page(request: Request, story_id: int, lang: str | None = None) -> HTMLResponse:
    """The standalone brief (the same page as ``crosswire brief ID --format html``)."""
    state = state_of(request)
    story = state.app.store.get_story(story_id, with_articles=False)
    return HTMLResponse(render_html(state.brief(story, language(lang))))


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: int) -> HTMLResponse:
    state = state_of(request)
    article = state.app.article(article_id)
    return page(request, "article.html", "stories", article=article,
                paragraphs=article_paragraphs(article),
                provenance=state.app.provenance(article_id).to_dict())


@router.get("/actors", response_class=HTMLResponse)
def actors_page(request: Request, type: str | None = None, lang: str | None = None,
                name: str | None = None, offset: Annotated[int, Query(ge=0)] = 0
                ) -> Response:
    state = state_of(request)
    filters = {"type": blank(type), "lang": blank(lang), "name": blank(name)}
    message = None
    if filters["name"]:
        try:
            found = state.app.actor(filters["name"])
        except NotFound as exc:
            message = str(exc)
        else:
            return RedirectResponse(f"/actors/{quote(found.id, safe='')}", status_code=303)
    actors = [] if message else state.app.actors(
        limit=PAGE + 1, offset=offset, type=filters["type"], language=language(filters["lang"]))
    return page(request, "actors.html", "actors", actors=actors[:PAGE],
                more=len(actors) > PAGE, offset=offset, limit=PAGE, filters=filters,
                message=message, types=ACTOR_TYPES, languages=_languages(state))


@router.get("/actors/{name_or_id}", response_class=HTMLResponse)
def actor_page(request: Request, name_or_id: str) -> Response:
    state = state_of(request)
    app = state.app
    actor = app.actor(name_or_id)
    if actor.id != name_or_id:
        return RedirectResponse(f"/actors/{quote(actor.id, safe='')}", status_code=307)

    def build() -> str:
        names: dict[str, list[str]] = {}
        for alias, lang in actor.aliases:
            names.setdefault(lang or "?", []).append(alias)
        timeline = app.actor_timeline(actor.id)
        series: dict[str, dict[str, int]] = {}
        for day, lang, n in timeline:
            series.setdefault(lang, {})[day] = n
        network = caps.actor_graph(app, actor.id) or app.actor_network(actor.id).to_dict()
        events = caps.actor_events(app, actor.id)
        return render_page("actor.html", "actors", actor=actor, names=sorted(names.items()),
                           stories=app.actor_stories(actor.id, limit=30), timeline=timeline,
                           timeline_series=series, network=network, events=events,
                           events_series=caps.event_counts_by_day(events) if events else {})

    key = ("actor", actor.id, actor.n_mentions, actor.n_articles, len(actor.aliases),
           state.store.stories_version(), state.store.events_version())
    return HTMLResponse(state.page(key, build))


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "", lang: str | None = None,
                mode: str = "both") -> HTMLResponse:
    state = state_of(request)
    mode = mode if mode in ("both", "meaning", "words") else "both"
    hits = state.app.search(q, language=language(lang), mode=mode,  # type: ignore[arg-type]
                            limit=20) if q.strip() else []
    return page(request, "search.html", "search", query=q.strip(), hits=hits,
                lang=blank(lang), mode=mode, languages=_languages(state))


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request) -> HTMLResponse:
    state = state_of(request)

    def build() -> str:
        figures = state.app.source_figures()
        extras = caps.source_extras(state.app)
        columns = list(dict.fromkeys(k for rec in extras.values() for k in rec))
        return render_page("sources.html", "sources", sources=figures, extras=extras,
                           extra_columns=columns, unnamed=UNNAMED_SOURCE)

    # not kept: the provenance figures change whenever a story is first aligned (a brief, a
    # provenance query), and nothing versions that
    return HTMLResponse(build())


def _ingest_page(request: Request, report: IngestReport | None = None,
                 status: int = 200) -> HTMLResponse:
    state = state_of(request)
    cookie = request.cookies.get(CSRF_COOKIE) or state.csrf.new_cookie()
    response = page(request, "ingest.html", "ingest", status=status, report=report,
                    csrf=state.csrf.token_for(cookie), token_required=bool(state.options.token),
                    allow_private=state.app.settings.allow_private,
                    max_upload_mb=state.options.max_upload_bytes // 1_000_000)
    response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


@router.get("/ingest", response_class=HTMLResponse)
def ingest_form(request: Request) -> HTMLResponse:
    return _ingest_page(request)


@router.post("/ingest", response_class=HTMLResponse)
def ingest_submit(request: Request, csrf: Annotated[str, Form()] = "",
                  token: Annotated[str | None, Form()] = None,
                  text: Annotated[str, Form()] = "", title: Annotated[str, Form()] = "",
                  url: Annotated[str, Form()] = "", source: Annotated[str, Form()] = "",
                  lang: Annotated[str, Form()] = "",
                  file: Annotated[UploadFile | None, File()] = None) -> HTMLResponse:
    state = state_of(request)
    if not state.csrf.valid(request.cookies.get(CSRF_COOKIE), csrf):
        raise HTTPException(403, "the form has expired or came from another site: "
                                 "reload the Ingest page and send it again")
    check_write(request, token)
    src, code = blank(source), language(lang)
    reports: list[IngestReport] = []
    if text.strip():
        reports.append(state.ingest([pasted(text, "pasted text", title=blank(title))], src,
                                    code))
    if file is not None and file.filename:
        reports.append(state.ingest_upload(file.filename, file.file.read(), src, code))
    if url.strip():
        reports.append(state.ingest_url(url.strip(), src, code))
    if not reports:
        return _ingest_page(request, IngestReport(IngestSummary()), 400)
    merged = IngestReport(IngestSummary())
    for r in reports:
        merged.results.extend(r.results)
        merged.summary.rejected.extend(r.summary.rejected)
        merged.summary.notes.extend(r.summary.notes)
        merged.summary.stored += r.summary.stored
        merged.summary.updated += r.summary.updated
        merged.summary.duplicates += r.summary.duplicates
        merged.summary.article_ids.extend(r.summary.article_ids)
    return _ingest_page(request, merged)


@router.get("/api", response_class=HTMLResponse)
def api_page(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    by_tag: dict[str, list[dict[str, Any]]] = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            params = [{"name": p["name"], "where": p["in"], "required": p.get("required"),
                       "type": _type_name(p.get("schema", {})),
                       "description": p.get("description") or p.get("schema", {}).get(
                           "description", "")} for p in op.get("parameters", [])]
            by_tag.setdefault((op.get("tags") or ["other"])[0], []).append(
                {"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                 "params": params})
    return page(request, "api.html", "api", spec=spec, operations=list(by_tag.items()),
                token_required=bool(state_of(request).options.token))


def _type_name(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(_type_name(s) for s in schema["anyOf"] if s.get("type") != "null")
    if schema.get("type") == "array":
        return f"list of {_type_name(schema.get('items', {}))}"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    return str(schema.get("type", "any"))
