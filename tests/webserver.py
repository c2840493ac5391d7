"""A real uvicorn server on a loopback port around a ``crosswire.web`` app, for the web tests,
and the store they share: the two seed articles (when present), a three-language story of our
own and an article whose title, source, text and URL are hostile markup."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from tests.conftest import DATA, SEED_EN, SEED_TR

import crosswire
from crosswire.models import Mention
from crosswire.store import ActorInfo

WEB_ARTICLES = DATA / "web_articles.jsonl"
HOSTILE_ACTOR = "<script>alert('xss-actor')</script>"


def build_store(path: Path) -> crosswire.Crosswire:
    """Ingest the web test articles (and the seeds when present); add an actor with a hostile
    name mentioned in the hostile article, the way the actors stage would store one."""
    cw = crosswire.open(str(path))
    sources = [str(WEB_ARTICLES)]
    if SEED_TR.is_file() and SEED_EN.is_file():
        sources += [str(SEED_TR), str(SEED_EN)]
    summary = cw.ingest(sources)
    assert not summary.rejected, summary.rejected
    hostile = next(a for a in cw.store.list_articles() if a.external_id == "web-xss-1")
    assert hostile.id is not None
    article = cw.article(hostile.id)
    start = article.text.index("Dockworkers")
    mention = Mention(start, start + len("Dockworkers"), "Dockworkers", "new:xss-actor")
    info = ActorInfo("new:xss-actor", HOSTILE_ACTOR, "unknown", known=False)
    cw.store.replace_mentions(hostile.id, [*article.mentions, mention], "en",
                              {"new:xss-actor": info}, {})
    return cw


class ServerThread:
    """uvicorn serving ``app`` on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


@contextmanager
def serving(cw: crosswire.Crosswire, **options: Any) -> Iterator[ServerThread]:
    from crosswire.web import ServeOptions, create_app

    server = ServerThread(create_app(cw, ServeOptions(**options))).start()
    try:
        yield server
    finally:
        server.stop()
