"""The workflow as a graph and as a picture: the default workflow (and a call's copy of it) is sound --
every state reachable from the draft, every non-terminal state has an exit and no terminal state has one,
every transition joins known states and names a known actor --; the SVG places every state without
overlap and routes long transitions around the states in between; the Mermaid text has every
transition; and docs/programme-workflow.md is current."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest

from clusterworks.web.programme import diagram
from clusterworks.web.programme.models import DEFAULT_WORKFLOW, Actor, Transition, WorkflowState
from tests.factories import CallFactory

DOC = Path(__file__).resolve().parents[3] / "docs" / "programme-workflow.md"


def _reachable_by_hand(start: str, edges: list[tuple[str, str]]) -> set[str]:
    """Breadth-first search, independent of the module's own."""
    seen, queue = {start}, deque([start])
    while queue:
        state = queue.popleft()
        for source, target in edges:
            if source == state and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def test_the_default_workflow_graph_is_sound():
    states = {key: terminal for key, _name, terminal in DEFAULT_WORKFLOW["states"]}
    steps = DEFAULT_WORKFLOW["transitions"]
    edges = [(source, target) for _key, source, target, _actor, _name in steps]
    assert _reachable_by_hand("draft", edges) == set(states)
    sources = {source for source, _target in edges}
    for key, terminal in states.items():
        assert (key in sources) != terminal, key  # an exit exactly when not terminal
    assert {actor for _k, _s, _t, actor, _n in steps} <= set(Actor.values)
    assert all(source in states and target in states for source, target in edges)
    assert len({key for key, *_rest in steps}) == len(steps)
    assert {k for k, t in states.items() if t} == {"rejected", "ineligible", "withdrawn", "closed"}
    assert diagram.graph_problems(*diagram.default_graph()) == []


def test_a_new_calls_workflow_is_the_default_one(db):
    call = CallFactory()
    states, steps = diagram.call_graph(call)
    assert diagram.graph_problems(states, steps) == []
    assert [(s.key, s.terminal) for s in states] == [(k, t) for k, _n, t in DEFAULT_WORKFLOW["states"]]
    assert {(t.key, t.source, t.target, t.actor) for t in steps} == {
        (k, s, t, a) for k, s, t, a, _n in DEFAULT_WORKFLOW["transitions"]
    }


def test_graph_problems_are_found(db):
    call = CallFactory()
    WorkflowState.objects.create(call=call, key="limbo", position=99, name_en="Limbo")  # unreachable, no exit
    closed = WorkflowState.objects.get(call=call, key="closed")
    Transition.objects.create(
        call=call, key="reopen", source=closed, target=WorkflowState.objects.get(call=call, key="reporting"),
        actor="officer", name_en="Reopen",
    )  # fmt: skip
    Transition.objects.filter(call=call, key="close").update(actor="robot")
    problems = diagram.graph_problems(*diagram.call_graph(call))
    assert problems == [
        "transition “close” names the actor “robot”; known: applicant, commission, officer, system",
        "state “limbo” cannot be reached from “draft”",
        "the terminal state “closed” has an exit",
        "state “limbo” is not terminal but has no exit",
    ]


def test_the_svg_draws_every_state_and_transition_without_overlap():
    states, steps = diagram.default_graph()
    layout = diagram._layout(states, steps, "draft")
    boxes = {
        key: (item.x - diagram.NODE_W / 2, diagram._y(item.layer) - diagram.NODE_H / 2)
        for key, item in layout.items.items()
        if not item.dummy
    }
    assert set(boxes) == {s.key for s in states}
    keys = sorted(boxes)
    for i, a in enumerate(keys):  # no two boxes overlap
        for b in keys[i + 1 :]:
            (ax, ay), (bx, by) = boxes[a], boxes[b]
            apart = abs(ax - bx) >= diagram.NODE_W or abs(ay - by) >= diagram.NODE_H
            assert apart, (a, b)
    # the longest path from the draft: draft 0, submitted 1, screening 2, review 3, commission 4,
    # funded 5, awarded 6, reporting 7, closed 8; withdrawn one below submitted (2)
    layers = {key: item.layer for key, item in layout.items.items() if not item.dummy}
    assert [layers[k] for k in ("draft", "submitted", "screening", "review", "commission")] == [0, 1, 2, 3, 4]
    assert (layers["funded"], layers["awarded"], layers["closed"], layers["withdrawn"]) == (5, 6, 8, 2)
    assert all(x >= 0 and x + diagram.NODE_W <= layout.width for x, _y in boxes.values())
    svg = str(diagram.workflow_svg(states, steps, title="Default"))
    assert svg.count('class="wf-state') == len(states)
    assert svg.count('<path class="wf-edge') == len(steps)
    for step in steps:
        assert f'data-transition="{step.key}"' in svg
    assert '<title id="wf-title">Default</title>' in svg


def test_a_transition_that_skips_a_layer_goes_around_the_state_in_between():
    states, steps = diagram.default_graph()
    layout = diagram._layout(states, steps, "draft")
    points = {step.key: route for step, route in layout.paths}["withdraw"]  # draft (0) -> withdrawn (2)
    assert len(points) == 3  # through one waypoint, in layer 1
    waypoint_x = points[1][0]
    submitted = layout.items["submitted"]
    assert abs(waypoint_x - submitted.x) >= diagram.NODE_W / 2  # beside the "submitted" box, not through it


def test_a_workflow_with_a_cycle_is_drawn():
    states = [diagram.State("draft", "Draft", False), diagram.State("check", "Check", False),
              diagram.State("done", "Done", True)]  # fmt: skip
    steps = [
        diagram.Step("send", "draft", "check", "applicant", "Send"),
        diagram.Step("return", "check", "draft", "officer", "Return for changes"),
        diagram.Step("accept", "check", "done", "officer", "Accept"),
    ]
    assert diagram.graph_problems(states, steps) == []
    svg = str(diagram.workflow_svg(states, steps, title="Cycle"))
    assert svg.count('<path class="wf-edge') == 3 and 'data-transition="return"' in svg


def test_mermaid_has_every_state_and_transition():
    states, steps = diagram.default_graph()
    text = diagram.workflow_mermaid(states, steps)
    lines = text.splitlines()
    assert lines[0] == "stateDiagram-v2" and "    [*] --> draft" in lines
    assert "    screening --> review : Eligible#58; send to expert review (Programme officer)" in lines
    assert sum(" --> " in line and "[*]" not in line for line in lines) == len(steps)
    assert {line.split()[0] for line in lines if line.endswith("--> [*]")} == {
        "rejected",
        "ineligible",
        "withdrawn",
        "closed",
    }


def test_the_workflow_page_is_current():
    expected = diagram.workflow_markdown()
    command = "uv run python -m clusterworks.web.programme.diagram > docs/programme-workflow.md"
    assert DOC.exists(), f"run: {command}"
    assert DOC.read_text(encoding="utf-8") == expected, f"docs/programme-workflow.md is stale; run: {command}"
    assert "```mermaid" in expected and "| `submit` | Draft | Submitted | Applicant | Submit |" in expected
    assert "regional / (federal + regional)" in expected


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_call_page_draws_the_calls_own_workflow(client, db, language):
    call = CallFactory(key="wf-call")
    WorkflowState.objects.filter(call=call, key="review").update(
        name_en="Peer review", name_ru="Рецензирование"
    )
    page = client.get(f"/programme/calls/{call.key}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert ("Рецензирование" if language == "ru" else "Peer review") in page
    assert page.count('class="wf-state') == len(DEFAULT_WORKFLOW["states"])
