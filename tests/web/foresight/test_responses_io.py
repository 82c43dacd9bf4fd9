"""Export and import of a survey's answers as the responses file of ``clusterworks delphi consensus``
(foresight/responses_io.py and its page). The survey is built in ``world_surveys.py``."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterworks.analytics.delphi import summarise_responses_csv
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.foresight.models import Answer, RoundStatus, Submission
from clusterworks.web.foresight.responses_io import responses_csv, responses_import
from clusterworks.web.foresight.results import survey_results
from tests.web.foresight.world_surveys import build_world

pytestmark = pytest.mark.django_db

HEADER = "round,expert,question,item,kind,value\n"


@pytest.fixture
def world():
    return build_world()


# --- export ------------------------------------------------------------------------------------------


def test_export_is_the_cli_format(world):
    text = responses_csv(survey=world.survey)
    lines = text.split("\n")
    assert lines[0] == "round,expert,question,item,kind,value"
    # the first answers in order of round, question, item and pseudonym; numbers as the CLI writes them
    assert lines[1:5] == [
        "1,E01,importance,tele,rating,2",
        "1,E02,importance,tele,rating,4",
        "1,E03,importance,tele,rating,5",
        "1,E04,importance,tele,rating,5",
    ]
    assert "1,E01,impfeas:2,tele2,rating,3" in lines and "1,E03,priority,x,rank,2" in lines
    assert text.endswith("\n") and len(lines) == 1 + 41 + 1  # header, 41 answers, the last newline


def test_the_cli_reads_the_export_and_finds_the_medians_of_the_results_page(world, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(responses_csv(survey=world.survey), encoding="utf-8")
    items, questions = summarise_responses_csv(path, band=world.survey.agreement_band)
    from_cli = {(s.round, s.question, s.item): s.statistics.median for s in items}
    page = {}
    for question in survey_results(survey=world.survey).questions:
        for item in question.items:
            name = question.question.key + (f":{item.dimension}" if item.dimension else "")
            for r in item.rounds:
                page[(r.round, name, item.item.key)] = r.statistics.median
    assert from_cli == page and len(page) == 3 + 3 + 3 + 2  # importance in 2 rounds, priority, impfeas x 2
    assert from_cli[(2, "importance", "tele")] == 4.5  # 4 4 5 5
    assert [round(q.kendall.w, 4) for q in questions] == [0.4444]  # 4/9, as on the page


def test_export_of_one_round_over_the_web(client, world):
    client.force_login(world.analyst)
    response = client.get(reverse("foresight-responses-csv", args=[world.survey.key]), {"round": 2})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="medtech-2030-responses-round-2.csv"'
    rows = response.content.decode().strip().split("\n")[1:]
    assert len(rows) == 12 and all(row.startswith("2,") for row in rows)  # 4 experts x 3 items


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("analyst", 200), ("other_manager", 403), ("panelist", 403), ("anonymous", 403)],
)
def test_who_may_export(client, world, who, status):
    if who == "panelist":
        client.force_login(world.panel["E01"].user)
    elif who != "anonymous":
        client.force_login(getattr(world, who))
    assert client.get(reverse("foresight-responses-csv", args=[world.survey.key])).status_code == status


# --- import ------------------------------------------------------------------------------------------

VALID = (
    HEADER
    + "2,E06,importance,tele,rating,4\n"
    + "2,E06,importance,implants,rating,3.5\n"
    + "2,E06,importance,robots,rating,2\n"
    + "2,E05,importance,tele,rating,5\n"
)


def test_import_stores_answers_as_submitted_and_replaces_a_draft(world):
    report = responses_import(actor=world.manager, round=world.round2, data=VALID.encode())
    assert report.ok and report.experts == ("E05", "E06") and report.answers == 4
    assert report.replaced_drafts == ("E05",)
    e06 = Submission.objects.get(round=world.round2, panelist__code="E06")
    assert e06.submitted_at is not None
    assert sorted(e06.answers.values_list("item__key", "value")) == [
        ("implants", 3.5),
        ("robots", 2),
        ("tele", 4),
    ]
    # E05's draft had tele 1 and implants 1; the file's single answer replaces both
    e05 = Submission.objects.get(round=world.round2, panelist__code="E05")
    assert list(e05.answers.values_list("item__key", "value")) == [("tele", 5)] and e05.submitted_at
    # and the results count them: round 2 tele is now 4 4 5 5 4 5 -> median 4.5 (sorted 4 4 4 5 5 5)
    importance = next(
        q for q in survey_results(survey=world.survey).questions if q.question.key == "importance"
    )
    tele = next(i for i in importance.items if i.item.key == "tele")
    assert (tele.rounds[1].statistics.n, tele.rounds[1].statistics.median) == (6, 4.5)


def test_a_dry_run_stores_nothing(world):
    before = Answer.objects.count()
    report = responses_import(actor=world.manager, round=world.round2, data=VALID.encode(), dry_run=True)
    assert report.ok and report.dry_run and report.answers == 4
    assert Answer.objects.count() == before
    assert not Submission.objects.filter(panelist__code="E06").exists()


def test_two_scales_merge_into_one_answer(world):
    data = HEADER + "1,E06,impfeas:1,tele2,rating,6\n1,E06,impfeas:2,tele2,rating,2\n"
    report = responses_import(actor=world.manager, round=world.round1, data=data.encode())
    assert report.ok and report.answers == 1
    answer = Answer.objects.get(submission__panelist__code="E06", item__key="tele2")
    assert (answer.value, answer.value2) == (6, 2)


def test_a_complete_ranking_with_ties_imports(world):
    data = HEADER + "1,E06,priority,x,rank,1.5\n1,E06,priority,y,rank,1.5\n1,E06,priority,z,rank,3\n"
    assert responses_import(actor=world.manager, round=world.round1, data=data.encode()).ok


BAD = (
    HEADER
    + "2,E99,importance,tele,rating,4\n"  # 2 unknown expert
    + "2,E06,nonsense,tele,rating,4\n"  # 3 unknown question
    + "2,E06,importance,teleport,rating,4\n"  # 4 unknown item
    + "2,E06,importance,tele,rating,7\n"  # 5 outside the scale 1..5
    + "2,E06,importance,tele,rating,3\n"  # 6 duplicate of line 5
    + "2,E06,importance,robots,rating,high\n"  # 7 not a number
    + "3,E06,importance,implants,rating,3\n"  # 8 no round 3
    + "2,E01,importance,implants,rating,3\n"  # 9 E01 has submitted round 2
    + "2,E06,importance,implants,rank,3\n"  # 10 a rating question as rank
    + "2,E06,why,reason,rating,1\n"  # 11 a text question
)


def _problems(report):
    return {(issue.line, issue.field) for issue in report.issues}


def test_every_problem_of_the_file_is_reported_and_nothing_stored(world):
    before = Answer.objects.count()
    report = responses_import(actor=world.manager, round=world.round2, data=BAD.encode())
    assert not report.ok and Answer.objects.count() == before
    assert {
        (2, "expert"),
        (3, "question"),
        (4, "item"),
        (5, "value"),
        (6, "item"),
        (7, "value"),
        (8, "round"),
        (9, "expert"),
        (10, "kind"),
        (11, "question"),
    } <= _problems(report)
    messages = {(i.line, i.field): i.message for i in report.issues}
    assert "allowed: the pseudonyms of the panel (E01, E02, E03, E04, E05, E06)" in messages[(2, "expert")]
    assert messages[(5, "value")] == "7 is outside the scale of question importance; allowed: 1 to 5"
    assert "duplicate answer" in messages[(6, "item")]  # from the analytics library's validation
    assert "there is no round 3" in messages[(8, "round")]
    assert "E01 has already submitted round 2" in messages[(9, "expert")]
    assert report.total_issues == len(report.issues)


def test_rankings_must_be_complete_and_within_1_to_n(world):
    data = (
        HEADER
        + "1,E06,priority,x,rank,1\n"
        + "1,E06,priority,y,rank,4\n"  # 3: outside 1..2 (only x and y are named) and not a ranking
        + "1,E05,priority,x,rank,2\n"
        + "1,E05,priority,y,rank,1\n"
    )
    report = responses_import(actor=world.manager, round=world.round1, data=data.encode())
    assert not report.ok
    messages = [i.message for i in report.issues]
    assert any("rank 4 is outside 1..2" in m for m in messages)
    # nobody ranks z: the library cannot know it is missing; the survey does
    assert any("question priority has 3 items and the file ranks only x, y" in m for m in messages)


def test_both_scales_of_a_two_scale_rating_are_needed(world):
    data = HEADER + "1,E06,impfeas:1,tele2,rating,6\n1,E06,impfeas,tele2,rating,6\n"
    report = responses_import(actor=world.manager, round=world.round1, data=data.encode())
    messages = {(i.line, i.field): i.message for i in report.issues}
    assert "allowed: both impfeas:1 and impfeas:2" in messages[(2, "question")]
    assert "allowed: impfeas:1 and impfeas:2" in messages[(3, "question")]


def test_structural_problems_come_from_the_library(world):
    report = responses_import(
        actor=world.manager, round=world.round2, data=b"round,expert,question\n2,E06,x\n"
    )
    assert {(1, "item"), (1, "kind"), (1, "value")} <= _problems(report)
    report = responses_import(actor=world.manager, round=world.round2, data=b"\xff\xfe")
    assert not report.ok and "not UTF-8" in report.issues[0].message


def test_import_needs_an_opened_round_and_a_manager(world):
    planned = world.survey.rounds.create(number=3, status=RoundStatus.PLANNED)
    with pytest.raises(Exception, match="opened"):
        responses_import(actor=world.manager, round=planned, data=VALID.encode())
    with pytest.raises(NotAllowed):
        responses_import(actor=world.analyst, round=world.round2, data=VALID.encode())


# --- the page ------------------------------------------------------------------------------------------


def _upload(text: str, name: str = "paper.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_import_page_dry_run_then_import(client, world):
    client.force_login(world.manager)
    url = reverse("foresight-responses", args=[world.survey.key])
    page = client.post(url, {"round": 2, "file": _upload(VALID), "dry_run": "on"}).content.decode()
    assert "Dry run: the file is valid; nothing was stored" in page and "E05, E06" in page
    assert not Submission.objects.filter(panelist__code="E06").exists()
    response = client.post(url, {"round": 2, "file": _upload(VALID)}, follow=True)
    assert "4 answers of 2 experts are stored in round 2." in response.content.decode()
    assert Submission.objects.get(panelist__code="E06").submitted_at is not None


def test_import_page_lists_the_problems(client, world):
    client.force_login(world.manager)
    url = reverse("foresight-responses", args=[world.survey.key])
    text = client.post(url, {"round": 2, "file": _upload(BAD)}).content.decode()
    assert "problems: nothing was stored" in text
    assert "7 is outside the scale of question importance; allowed: 1 to 5" in text
    spreadsheet = SimpleUploadedFile("book.xlsx", b"PK\x03\x04rest", content_type="application/zip")
    text = client.post(url, {"round": 2, "file": spreadsheet}).content.decode()
    assert "Upload a .csv file" in text


@pytest.mark.parametrize(
    ("who", "get", "post"),
    [("manager", 200, 200), ("analyst", 200, 403), ("other_manager", 403, 403), ("panelist", 403, 403)],
)
def test_who_may_import(client, world, who, get, post):
    user = world.panel["E01"].user if who == "panelist" else getattr(world, who)
    client.force_login(user)
    url = reverse("foresight-responses", args=[world.survey.key])
    assert client.get(url).status_code == get
    assert client.post(url, {"round": 2, "file": _upload(VALID), "dry_run": "on"}).status_code == post
    if who == "analyst":
        assert "Import answers collected elsewhere" not in client.get(url).content.decode()
