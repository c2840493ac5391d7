"""Fixtures of the web test modules, loaded with ``pytest_plugins = ("tests.web_fixtures",)``:
one store, server and client per module, since modules ingest into their store."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from tests.webserver import ServerThread, build_store, serving

import crosswire


@pytest.fixture(scope="module")
def web_cw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[crosswire.Crosswire]:
    """The web test store."""
    app = build_store(tmp_path_factory.mktemp("web") / "web.db")
    yield app
    app.close()


@pytest.fixture(scope="module")
def web_server(web_cw: crosswire.Crosswire) -> Iterator[ServerThread]:
    with serving(web_cw) as s:
        yield s


@pytest.fixture(scope="module")
def web_client(web_server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=web_server.url, timeout=120) as c:
        yield c
