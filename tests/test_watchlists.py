"""The watchlist matcher, and where actors and events plug into alerts."""

from __future__ import annotations

import pytest

import crosswire.alerts as alerts
from crosswire.models import Article, Mention
from crosswire.pipeline import content_hash
from crosswire.watchlists import EventRef, Watchlist, match_article

TR = Article(text="Kuzey Kore'nin Rusya'ya asker gönderdiği bildirildi. Seul'de açıklama yapıldı.",
             title="Kuzey Kore Rusya'ya asker gönderdi", language="tr", source="Ege Kıyısı",
             url="https://www.egekiyisi.example/dunya/1")
ZH = Article(text="朝鲜向俄罗斯派遣部队的消息引起关注。", title="朝鲜派兵", language="zh",
             url="https://news.example.cn/a")
BOTH = frozenset({"actors", "events"})


def test_keywords_match_word_starts_in_any_case_and_inflection() -> None:
    assert match_article(Watchlist(id=1, keywords=("kore",)), TR) == ["keyword 'kore' in title"]
    assert match_article(Watchlist(id=1, keywords=("RUSYA",)), TR) == [
        "keyword 'rusya' in title"]
    assert match_article(Watchlist(id=1, keywords=("seul",)), TR) == ["keyword 'seul' in text"]
    assert match_article(Watchlist(id=1, keywords=("ore",)), TR) is None  # not a word start
    assert match_article(Watchlist(id=1, keywords=("俄罗斯",)), ZH) == ["keyword '俄罗斯' in text"]


def test_filters_combine_with_and_values_with_or() -> None:
    w = Watchlist(id=1, keywords=("asker", "troops"), languages=("tr", "en"),
                  sources=("egekiyisi.example",))
    assert match_article(w, TR) == ["language tr", "source egekiyisi.example",
                                    "keyword 'asker' in title"]
    assert match_article(Watchlist(id=1, keywords=("asker",), languages=("en",)), TR) is None
    assert match_article(Watchlist(id=1, sources=("Ege Kıyısı",)), TR) == [
        "source Ege Kıyısı"]
    assert match_article(Watchlist(id=1, sources=("other.example",)), TR) is None


def test_actor_and_event_criteria_wait_until_that_data_exists() -> None:
    w = Watchlist(id=1, actors=("North Korea",), event_types=("MOBILIZE",))
    assert w.waiting_for(frozenset()) == ["actors", "events"]
    assert "waiting for actors and events data" in w.status(frozenset())
    assert match_article(w, TR) is None
    with_mentions = Article(text=TR.text, title=TR.title, language="tr", mentions=[
        Mention(0, 10, "Kuzey Kore", "Q423", "North Korea", "country")])
    assert match_article(Watchlist(id=2, actors=("north korea",)), with_mentions,
                         available=BOTH) == ["actor North Korea"]
    mobilize = EventRef("e1", "MOBILIZE", "North Korea", "Russia")
    assert match_article(w, with_mentions, [mobilize], BOTH) == [
        "actor North Korea", "event MOBILIZE North Korea -> Russia"]
    assert match_article(w, with_mentions, [EventRef("e2", "AID", "North Korea", "Russia")],
                         BOTH) is None


def test_event_source_plugs_into_the_alert_hook(cw, monkeypatch: pytest.MonkeyPatch) -> None:
    store = cw.store
    article = Article(text=TR.text, title=TR.title, language="tr",
                      content_hash=content_hash(TR.text))
    with store.transaction():
        article.id = store.insert_article(article)
    w = Watchlist(id=None, event_types=("MOBILIZE",))
    wid = store.add_watchlist(w)
    watchlists = store.list_watchlists()
    # the events capability wired its source (migration 3 + EVENT_SOURCE): nothing coded yet
    assert "events" in alerts.available_data(store)
    monkeypatch.setattr(alerts, "EVENT_SOURCE", None)
    assert "events" not in alerts.available_data(store)
    hook = alerts.AlertHook()
    with store.transaction():
        hook(store, article, False)
    assert store.list_alerts() == []

    # a source that reports one event: the watchlist alerts on it
    monkeypatch.setattr(alerts, "EVENT_SOURCE",
                        lambda s, a: [EventRef("ev9", "MOBILIZE", "North Korea", "Russia")])
    with store.transaction():
        new = alerts.alerts_for_article(store, article, None, watchlists,
                                        frozenset({"events"}),
                                        alerts.EVENT_SOURCE(store, article))  # type: ignore[misc]
    found = store.list_alerts()
    assert [a.id for a in found] == new
    assert [(a.watchlist_id, a.kind, a.event_id) for a in found] == [
        (wid, "story", None), (wid, "event", "ev9")]
    assert found[1].payload["reasons"] == ["event MOBILIZE North Korea -> Russia"]
