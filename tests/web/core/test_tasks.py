"""Background tasks: progress, outcome, problems, who may see them, and the threaded path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clusterworks.analytics.issues import FileIssue, InvalidInput
from clusterworks.web.core import tasks
from clusterworks.web.core.models import Task, TaskStatus
from tests.factories import UserFactory


def test_a_finished_task_keeps_its_result_and_last_progress(db):
    user = UserFactory()

    def run(progress):
        for done in range(1, 4):
            progress(done, 3, "rows")
        return {"rows": 3}

    task = tasks.task_start(user=user, kind="test", title="Count", run=run, done_url="/somewhere/")
    assert task.status == TaskStatus.DONE and task.result == {"rows": 3}
    # the last call (done == total) is always written, whatever the throttle
    assert (task.done, task.total, task.percent, task.step) == (3, 3, 100, "rows")


def test_a_failed_task_lists_every_problem(db, client):
    user = UserFactory()
    issues = [
        FileIssue("p.csv", 3, "year", "NA", "no year"),
        FileIssue("p.csv", 7, "type", "X", "unknown type"),
    ]

    def run(progress):
        raise InvalidInput(issues)

    task = tasks.task_start(user=user, kind="test", title="Import", run=run)
    assert task.status == TaskStatus.FAILED
    assert task.problems == [
        "p.csv, line 3, field 'year': no year",
        "p.csv, line 7, field 'type': unknown type",
    ]
    client.force_login(user)
    page = client.get(reverse("task", args=[task.pk]))
    assert page.status_code == 200
    assert "p.csv, line 7, field &#x27;type&#x27;: unknown type" in page.content.decode()
    status = client.get(reverse("task-status", args=[task.pk])).json()
    assert status["status"] == "failed" and len(status["problems"]) == 2


def test_only_the_starter_sees_the_task(db, client):
    task = Task.objects.create(user=UserFactory(), kind="test", title="Mine")
    client.force_login(UserFactory())
    assert client.get(reverse("task", args=[task.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("task-status", args=[task.pk])).status_code in (302, 403)


def test_running_page_refreshes_and_a_silent_task_is_interrupted(db, client):
    user = UserFactory()
    task = Task.objects.create(user=user, kind="test", title="Long", done=5, total=20, step="rows")
    client.force_login(user)
    html = client.get(reverse("task", args=[task.pk])).content.decode()
    assert 'http-equiv="refresh"' in html and "5 / 20 (25 %)" in html  # 5 of 20 is 25 %
    Task.objects.filter(pk=task.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=11))
    html = client.get(reverse("task", args=[task.pk])).content.decode()
    assert 'http-equiv="refresh"' not in html and "stopped reporting progress" in html
    assert client.get(reverse("task-status", args=[task.pk])).json()["status"] == "interrupted"


@pytest.mark.django_db(transaction=True)
def test_the_threaded_path_finishes_in_the_background():
    user = UserFactory()
    with override_settings(TASKS_SYNCHRONOUS=False):
        task = tasks.task_start(user=user, kind="test", title="Threaded", run=lambda progress: {"ok": True})
    for _ in range(200):
        task.refresh_from_db()
        if task.status != TaskStatus.RUNNING:
            break
        import time

        time.sleep(0.05)
    assert task.status == TaskStatus.DONE and task.result == {"ok": True}
