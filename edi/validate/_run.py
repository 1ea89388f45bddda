"""One `edi validate` run over several files: each file's findings go to its own sink as they are final, and an
interchange control number another file of the run used is reported too (snip1.envelope.isa13.duplicate)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from edi.validate._duplicates import InterchangeRegistry
from edi.validate._engine import Report, Sink, replay
from edi.validate.profiles import PayerProfile
from edi.x12 import Source


class ClosingSink(Sink, Protocol):
    def close(self, report: Report) -> None:
        """The file is done: write its summary."""


def validate_run(sources: Sequence[tuple[Source, str]], sink_for: Callable[[str], ClosingSink], *,
                 snips: Sequence[int], profiles: Sequence[PayerProfile] = (), jobs: int | None = None,
                 max_errors: int | None = None, keep_findings: bool = False) -> Iterator[Report]:
    """Validate ``sources`` ((Path, bytes or a stream), name) in order, giving each file's findings to a sink from
    ``sink_for(name)`` and closing it before the next file starts; yield each file's report once its sink is
    closed. Files stream one at a time (flat memory) unless several files can share the cores — then their
    reports are made in parallel and replayed — or ``keep_findings`` asks for reports that hold every finding
    (acknowledgments are built from them). ``max_errors`` checks each file in one process, so that what is not
    shown is not kept either."""
    from edi.validate import validate_files, validate_into

    registry = InterchangeRegistry()
    streamed = not keep_findings and (jobs == 1 or max_errors is not None or len(sources) == 1
                                      or not all(isinstance(source, Path) for source, _ in sources))
    if streamed:
        for source, name in sources:
            sink = sink_for(name)
            report = validate_into(source, sink, snips=snips, profiles=profiles, name=name,
                                   jobs=1 if max_errors is not None else jobs)
            for finding in registry.check(report):
                sink.finding(finding)   # known only once the file's interchanges are all read
            sink.close(report)
            yield report
        return
    reports = validate_files([source for source, _ in sources], snips=snips, jobs=jobs, profiles=profiles,  # type: ignore[misc]
                             names=[name for _, name in sources], registry=registry)
    for report in reports:
        sink = sink_for(report.file)
        replay(report, sink)
        sink.close(report)
        yield report
