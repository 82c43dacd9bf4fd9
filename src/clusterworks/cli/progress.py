"""A progress bar on stderr for long commands: ``with progress_bar(enabled) as report: report(done,
total, step)``; one bar per step name, or nothing when disabled (``--json``, ``--quiet``, not a
terminal)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

Report = Callable[[int, int, str], None]


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Report]:
    if not enabled:
        yield lambda done, total, step="": None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars: dict[str, Any] = {}
    with Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as bar:

        def report(done: int, total: int, step: str = "") -> None:
            key = step or "working"
            if key not in bars:
                bars[key] = bar.add_task(key, total=max(total, 1))
            bar.update(bars[key], completed=done if total else 1, total=max(total, 1))

        yield report
