"""A progress bar for long commands: rich's, on standard error when it is a terminal; nothing when it is piped or
redirected (logs and CI output stay clean)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def counting(what: str, *, enabled: bool | None = None) -> Iterator[Callable[[int], None] | None]:
    """A callback taking the count done so far (``None`` when no bar is shown): ``with counting("encounters") as
    tick: build(…, progress=tick)``."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("[progress.description]{task.description}"), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=Console(stderr=True),
                  transient=True) as bar:
        task = bar.add_task(what, total=None, rate="")

        def tick(done: int) -> None:
            elapsed = bar.tasks[task].elapsed or 0.0
            bar.update(task, completed=done, rate=f"{done / elapsed:,.0f}/s" if elapsed > 0.5 else "")

        yield tick
