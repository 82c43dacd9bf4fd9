"""Background tasks: long work started from a page runs in a thread of the server process while its
page (``/tasks/<id>/``) shows the progress and, at the end, the outcome.

:func:`task_start` records a :class:`~clusterworks.web.core.models.Task` and runs ``run(progress)`` in a
daemon thread under the starting user as the audit actor. ``progress(done, total, step)`` is cheap to
call often: it writes to the database at most every :data:`PROGRESS_EVERY` seconds. ``run`` returns a
JSON-serialisable dict (the result shown on the task's page); an exception fails the task, and an
exception with ``lines()`` (the analytics readers' :class:`~clusterworks.analytics.issues.InvalidInput`)
lists every problem. A task that stops reporting for :data:`STALE_AFTER` (the server restarted) is shown
as interrupted. With ``settings.TASKS_SYNCHRONOUS`` (the tests) the work runs in the caller.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .audit import acting_as
from .models import Task, TaskStatus

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5
STALE_AFTER = dt.timedelta(minutes=10)

Progress = Callable[[int, int, str], None]


class _Reporter:
    def __init__(self, task_id: Any):
        self.task_id = task_id
        self.last = 0.0

    def __call__(self, done: int, total: int, step: str = "") -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY and done < total:
            return
        self.last = now
        Task.objects.filter(pk=self.task_id).update(
            done=done, total=total, step=str(step)[:200], updated_at=timezone.now()
        )


def _problems(error: BaseException) -> list[str]:
    lines = getattr(error, "lines", None)
    if callable(lines):
        return [str(line) for line in lines()]
    return [str(error) or error.__class__.__name__]


def _run(task_id: Any, user: Any, source: str, run: Callable[[Progress], dict | None]) -> None:
    reporter = _Reporter(task_id)
    try:
        with acting_as(user, source):
            result = run(reporter) or {}
    except Exception as error:  # the task's page shows it; the server goes on
        if not isinstance(error, ValueError | LookupError | PermissionError):
            logger.exception("task %s failed", task_id)
        Task.objects.filter(pk=task_id).update(
            status=TaskStatus.FAILED,
            problems=_problems(error),
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    else:
        Task.objects.filter(pk=task_id).update(
            status=TaskStatus.DONE, result=result, finished_at=timezone.now(), updated_at=timezone.now()
        )


def task_start(
    *, user: Any, kind: str, title: str, run: Callable[[Progress], dict | None], done_url: str = ""
) -> Task:
    """Start ``run(progress)`` in the background and return its task (refresh it to see progress)."""
    task = Task.objects.create(user=user, kind=kind, title=title[:300], done_url=done_url)
    if getattr(settings, "TASKS_SYNCHRONOUS", False):
        _run(task.pk, user, "web", run)
        task.refresh_from_db()
        return task

    def thread_main() -> None:
        close_old_connections()
        try:
            _run(task.pk, user, "web", run)
        finally:
            connection.close()

    threading.Thread(target=thread_main, name=f"task-{task.pk}", daemon=True).start()
    return task


def is_stale(task: Task, now: dt.datetime | None = None) -> bool:
    """A running task that has not reported for :data:`STALE_AFTER`: its server process has gone."""
    return task.status == TaskStatus.RUNNING and (now or timezone.now()) - task.updated_at > STALE_AFTER
