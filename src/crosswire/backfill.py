"""Backfill: the per-article stages on a Dask cluster, the commits in publication order here.

Reads shard files (anything ``crosswire ingest`` reads: ``.jsonl.gz`` shards, folders, HTML,
WARC...) in this process, streaming, and sends batches of raw documents to Dask workers. Each
worker runs phase 1 of the pipeline (``pipeline.prepare_documents`` with ``default_stages``:
extract, clean, language, sentences, keys, embed, and every stage a capability adds there),
with its own encoder and the shared vector cache, and sends prepared articles back. This
process then commits them (duplicate check, store, story assignment and every other commit
hook) one at a time in publication order, so the store ends up as a single-process ingest of
the same articles in that order would leave it.

Bounded memory, by an external merge sort: prepared articles are collected into runs of
``run_size``, each run sorted by ``pipeline.commit_order`` and spilled to a temporary file;
at the end the runs are merged (one article held per run) and committed in order. At most
two batches per worker are in flight. (Processing shards in time order instead would need
shards cut by time, and still sorting inside each; the merge works on any input.)

Fails per article as ``ingest`` does: a document that cannot be read or prepared is stored
as a rejection with its reason and the run goes on. A worker that dies is replaced by Dask
and its batch retried.
"""

from __future__ import annotations

import heapq
import logging
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

from crosswire.config import Settings
from crosswire.errors import ConfigError, CrosswireError
from crosswire.models import Article, IngestResult, IngestSummary, RawDocument
from crosswire.pipeline import Pipeline, Stage, commit_order, prepare_documents

log = logging.getLogger(__name__)

# (commit order key, article, origin, line)
Prepared = tuple[tuple[int, float, str, int], Article, str, int | None]

_worker_stages: dict[Settings, list[Stage]] = {}
_worker_lock = threading.Lock()


def prepare_batch(settings: Settings, batch: list[tuple[int, RawDocument]],
                  forced_language: str | None) -> list[tuple[int, Article | IngestResult]]:
    """Runs on a worker: phase 1 for a batch of (input position, raw document)."""
    from crosswire.app import shared_encoder
    from crosswire.pipeline import default_stages

    with _worker_lock:  # one encoder and one set of stages per worker process
        stages = _worker_stages.get(settings)
        if stages is None:
            stages = _worker_stages[settings] = default_stages(settings,
                                                               shared_encoder(settings))
    prepared = prepare_documents(settings, stages, [raw for _, raw in batch], forced_language)
    return [(seq, item) for (seq, _), item in zip(batch, prepared, strict=True)]


@dataclass(slots=True)
class BackfillOptions:
    workers: int = 2
    scheduler: str | None = None  # address of a running Dask scheduler instead of a local one
    batch: int = 32
    run_size: int = 2000
    spill_dir: str | None = None


class _Runs:
    """Sorted runs of prepared articles: in memory up to ``run_size``, then spilled to disk."""

    def __init__(self, run_size: int, folder: str) -> None:
        self.run_size = run_size
        self.folder = folder
        self.buffer: list[Prepared] = []
        self.files: list[str] = []

    def add(self, item: Prepared) -> None:
        self.buffer.append(item)
        if len(self.buffer) >= self.run_size:
            self._spill()

    def _spill(self) -> None:
        self.buffer.sort(key=lambda r: r[0])
        path = os.path.join(self.folder, f"run{len(self.files):05d}.pickle")
        with open(path, "wb") as fh:
            for item in self.buffer:
                pickle.dump(item, fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.files.append(path)
        self.buffer = []

    @staticmethod
    def _read(fh: BinaryIO) -> Iterator[Prepared]:
        while True:
            try:
                yield pickle.load(fh)
            except EOFError:
                return

    def merged(self) -> Iterator[Prepared]:
        """Every item, in commit order."""
        self.buffer.sort(key=lambda r: r[0])
        handles = [open(p, "rb") for p in self.files]  # noqa: SIM115 - closed below
        try:
            yield from heapq.merge(*(self._read(h) for h in handles), self.buffer,
                                   key=lambda r: r[0])
        finally:
            for h in handles:
                h.close()


def _client(options: BackfillOptions) -> tuple[Any, Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ConfigError("backfill needs Dask: pip install 'distributed'") from exc
    if options.scheduler:
        try:
            return Client(options.scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler {options.scheduler}: {exc}"
                              ) from exc
    if options.workers < 1:
        raise ConfigError("--workers must be at least 1")
    # one process per worker, one task at a time; the cores are shared among the encoders
    threads = max(1, (os.cpu_count() or 1) // options.workers)
    for name in ("distributed", "dask"):  # the scheduler runs here: keep stderr for us
        logging.getLogger(name).setLevel(logging.WARNING)
    cluster = LocalCluster(
        n_workers=options.workers, threads_per_worker=1, processes=True,
        scheduler_kwargs={"dashboard": False}, dashboard_address=None,
        silence_logs=logging.WARNING, env={"OMP_NUM_THREADS": str(threads)},
    )
    return Client(cluster), cluster


def backfill(
    pipeline: Pipeline, items: Iterable[RawDocument | IngestResult], options: BackfillOptions,
    source: str | None = None, language: str | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
    on_prepared: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Prepare ``items`` on a Dask cluster and commit them in order; see the module docstring."""
    from distributed import wait

    summary = IngestSummary()
    store = pipeline.store

    def report(r: IngestResult) -> None:
        if r.status == "rejected":
            store.add_rejection(r.origin, r.line, r.reason or "rejected")
        summary.add(r)
        if on_result is not None:
            on_result(r)

    client, cluster = _client(options)
    try:
        # two batches in flight per worker: one running, one waiting
        slots = 2 * max(1, len(client.scheduler_info().get("workers", {})))
        with tempfile.TemporaryDirectory(prefix="crosswire-backfill-",
                                         dir=options.spill_dir) as folder:
            runs = _Runs(options.run_size, folder)
            where: dict[int, tuple[str, int | None]] = {}
            pending: set[Any] = set()
            settings = pipeline.settings
            prepared = 0

            def harvest(done: Iterable[Any]) -> None:
                nonlocal prepared
                for fut in done:
                    try:
                        results = fut.result()
                    except Exception as exc:  # the cluster, not an article: stop here
                        raise CrosswireError(f"a backfill worker failed: {exc}") from exc
                    for seq, item in results:
                        origin, line = where.pop(seq)
                        if isinstance(item, IngestResult):
                            report(item)
                        else:
                            runs.add((commit_order(item, seq), item, origin, line))
                        prepared += 1
                    if on_prepared is not None:
                        on_prepared(prepared)

            for batch in _batches(items, options.batch, source):
                raws: list[tuple[int, RawDocument]] = []
                for seq, x in batch:
                    if isinstance(x, IngestResult):
                        report(x)
                    else:
                        where[seq] = (x.origin, x.line)
                        raws.append((seq, x))
                if not raws:
                    continue
                pending.add(client.submit(prepare_batch, settings, raws, language, pure=False))
                if len(pending) >= slots:
                    done, pending = wait(pending, return_when="FIRST_COMPLETED")
                    harvest(done)
            if pending:
                harvest(wait(pending).done)
            for _, article, origin, line in runs.merged():
                report(pipeline.commit(article, origin, line))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return summary


def _batches(items: Iterable[RawDocument | IngestResult], size: int, source: str | None
             ) -> Iterator[list[tuple[int, RawDocument | IngestResult]]]:
    batch: list[tuple[int, RawDocument | IngestResult]] = []
    for seq, x in enumerate(items):
        if source is not None and isinstance(x, RawDocument):
            x = replace(x, source=source)
        batch.append((seq, x))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch

