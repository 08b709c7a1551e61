"""`rag ingest --workers N`: N processes on this machine, each ingesting one part of the articles
(rag.ingest.parts) into one Chroma server. Other machines may run other parts (`--part K/N`) at the
same time. A local index takes one writer at a time, so it is refused here."""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import fields
from pathlib import Path

from rag.errors import InputError
from rag.ingest.parts import Part
from rag.ingest.writer import IngestReport
from rag.service import Rag
from rag.settings import Settings


def ingest_in_workers(settings: Settings, paths: list[Path], workers: int, *, prune: bool = False,
                      rebuild: bool = False, follow_links: bool = False, fields_map: dict[str, str] | None = None,
                      on_start: Callable[[int], None] | None = None,
                      progress: Callable[[str], None] | None = None) -> IngestReport:
    """Ingest `paths` in `workers` processes, one part each; their reports merged. The index is created
    (or, with `rebuild`, dropped and created) once first, and the keyword index here catches up last."""
    if not settings.chroma_url:
        raise InputError("--workers needs a Chroma server (chroma_url): a local index takes one writer at a time, "
                         "and the model already uses every core of this machine (README, Scale)")
    if not 1 <= workers <= 64:
        raise InputError(f"--workers {workers}: expected 1 to 64")
    rag = Rag(settings)
    if rebuild:
        rag.index.drop()
    rag.index.open(rag.manifest(), create=True)  # once, rather than by N processes at a time
    share = settings.model_copy(update={"embedding_threads": max(1, (os.cpu_count() or 1) // workers)})
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each: no forked model or client
    with context.Manager() as manager, ProcessPoolExecutor(workers, mp_context=context) as pool:
        events = manager.Queue()
        futures = [pool.submit(ingest_part, share, paths, Part(k, workers), prune, follow_links, fields_map, events)
                   for k in range(1, workers + 1)]
        relay(events, futures, on_start, progress)
        reports = [f.result() for f in futures]  # a worker's RagError is raised here, as it was raised there
    rag.index.committed(False)  # the keyword index: up to every part's chunks, and kept on disk
    return merged(reports)


def ingest_part(settings: Settings, paths: list[Path], part: Part, prune: bool, follow_links: bool,
                fields_map: dict[str, str] | None, events) -> IngestReport:
    """One worker: its part of the articles, its progress sent to the parent."""
    return Rag(settings).ingest(paths, prune=prune, follow_links=follow_links, fields=fields_map, part=part,
                                on_start=lambda n: events.put(("start", n)),
                                progress=lambda source: events.put(("done", source)))


def relay(events, futures: list[Future], on_start: Callable[[int], None] | None,
          progress: Callable[[str], None] | None) -> None:
    """Pass the workers' progress on until every worker has finished (the total grows as each starts)."""
    total = 0
    while True:
        try:
            kind, value = events.get(timeout=0.2)
        except queue.Empty:
            if wait(futures, timeout=0)[1]:
                continue
            return
        if kind == "start" and on_start:
            total += value
            on_start(total)
        elif kind == "done" and progress:
            progress(value)


def merged(reports: list[IngestReport]) -> IngestReport:
    """One report of the parts: lists joined (a collection's own problem, met by every part, once), counts added."""
    out = IngestReport()
    for report in reports:
        for f in fields(IngestReport):
            mine, theirs = getattr(out, f.name), getattr(report, f.name)
            if isinstance(mine, list):
                had = set(mine)
                mine += [x for x in theirs if x not in had]
            elif isinstance(mine, int):
                setattr(out, f.name, mine + theirs)
            elif f.name == "other_types":  # every part walks the same folders
                mine |= theirs
            else:  # undated: each part counts its own rows
                mine.update(theirs)
    return out
