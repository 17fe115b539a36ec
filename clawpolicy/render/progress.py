"""The progress of a batch on a terminal: how many cases are done (of how many, when the
input can be counted), the rate in cases a second, the time elapsed and the time left.

It refreshes on time, several times a second, in a thread of its own (rich's), not on a
count of cases: the first figures show within a fraction of a second however slow a case is.
It is drawn only on a terminal (the command line decides), and erased when the batch ends,
so that the summary line stands alone."""

from __future__ import annotations

from typing import TextIO

REFRESHES_PER_SECOND = 4


class BatchProgress:
    """`with BatchProgress(stream, total) as progress: ... progress.advance()`."""

    def __init__(self, stream: TextIO, total: int | None, force_terminal: bool | None = None,
                 clock=None):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                                   TextColumn, TimeElapsedColumn, TimeRemainingColumn)
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task) -> Text:
                speed = task.finished_speed or task.speed
                return Text("-- cases/s" if speed is None else f"{speed:,.0f} cases/s")

        counted = [BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()] if total \
            else [TextColumn("{task.completed:,} cases")]
        self._progress = Progress(
            TextColumn("determining"), *counted, Rate(), TimeElapsedColumn(),
            console=Console(file=stream, force_terminal=force_terminal),
            refresh_per_second=REFRESHES_PER_SECOND, transient=True,
            **({"get_time": clock} if clock else {}))
        self._task = self._progress.add_task("batch", total=total)

    def __enter__(self) -> "BatchProgress":
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def advance(self, done: int = 1) -> None:
        self._progress.update(self._task, advance=done)

    def refresh(self) -> None:
        """Draw now (rich draws on its own several times a second)."""
        self._progress.refresh()
