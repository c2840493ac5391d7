"""``watch``: poll a list of feeds on an interval, ingest new items, report and deliver alerts.

Reads the feed list (``ingest/feeds.read_feed_list``) and the feed state in the store; each
poll runs every feed through the live reader and the pipeline (so alerts are raised by the
alert commit hook), then prints the alerts created since the last poll and POSTs the
undelivered ones to the webhook, if any. Writes nothing itself beyond what ingest writes and
the delivery marks on alerts.

Stops cleanly when ``stop`` is set (the CLI sets it on SIGINT/SIGTERM): the item being
fetched finishes, the pages already fetched are committed and their feed items marked, so a
restart resumes without refetching or storing anything twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from crosswire.alerts import deliver_alerts
from crosswire.app import Crosswire
from crosswire.models import IngestResult, IngestSummary, RawDocument, utc_now
from crosswire.watchlists import Alert


@dataclass(slots=True)
class PollReport:
    """One poll of every feed."""

    number: int
    started: datetime
    feeds: int
    new_items: int = 0
    not_modified: int = 0
    summary: IngestSummary = field(default_factory=IngestSummary)
    alerts: list[Alert] = field(default_factory=list)
    delivered: int = 0
    delivery_errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        s = self.summary
        return (f"poll {self.number} at {self.started:%Y-%m-%d %H:%M:%S}Z: {self.feeds} feeds "
                f"({self.not_modified} unchanged), {self.new_items} new items; stored {s.stored},"
                f" updated {s.updated}, duplicates {s.duplicates}, rejected {len(s.rejected)};"
                f" {len(self.alerts)} alerts" + (f", {self.delivered} delivered"
                                                  if self.delivered else ""))


class Watcher:
    """Polls feeds into one ``Crosswire``; see the module docstring."""

    def __init__(self, app: Crosswire, feeds: list[str], stop: threading.Event | None = None,
                 webhook: str | None = None) -> None:
        self.app = app
        self.feeds = feeds
        self.stop = stop or threading.Event()
        self.webhook = webhook
        app.live.stop = self.stop  # before the first fetch: backoff sleeps wake on stop
        self.first_alert = self.last_alert = app.store.last_alert_id()
        self.polls = 0

    def _documents(self) -> Iterator[RawDocument | IngestResult]:
        for url in self.feeds:
            if self.stop.is_set():
                return
            yield from self.app.live.poll_feed(url)

    def poll(self, on_result: Callable[[IngestResult], None] | None = None) -> PollReport:
        """Poll every feed once and ingest what is new."""
        self.polls += 1
        report = PollReport(self.polls, utc_now(), len(self.feeds))
        live = self.app.live
        seen = len(live.polls)
        report.summary = self.app.ingest_documents(self._documents(), on_result=on_result)
        for p in live.polls[seen:]:
            report.new_items += p.new_items
            report.not_modified += int(p.not_modified)
        del live.polls[:]
        store = self.app.store
        report.alerts = store.list_alerts(after_id=self.last_alert)
        if report.alerts:
            self.last_alert = report.alerts[-1].id
        if self.webhook:
            pending = store.list_alerts(after_id=self.first_alert, undelivered=True)
            report.delivered, report.delivery_errors = deliver_alerts(
                store, live.fetcher.post_json, self.webhook, pending)
        return report

    def run(self, interval: float, once: bool = False,
            on_report: Callable[[PollReport], None] | None = None,
            on_result: Callable[[IngestResult], None] | None = None) -> list[PollReport]:
        """Poll until ``stop`` is set (or once); returns the reports of the last poll only
        when ``once`` (a long run keeps nothing in memory)."""
        last: list[PollReport] = []
        while not self.stop.is_set():
            report = self.poll(on_result)
            if on_report is not None:
                on_report(report)
            last = [report]
            if once:
                break
            self.stop.wait(interval)
        return last
