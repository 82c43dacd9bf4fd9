"""A call's workflow drawn from its data: an inline SVG for the call's page and Mermaid text for the docs.

The workflow is a directed graph: states (a key, a name, terminal or not) and transitions (a key, the
source and target states, the actor who may take it, a name). :func:`call_graph` reads a call's graph in
the active language, :func:`default_graph` the default workflow of every new call
(:data:`~clusterworks.web.programme.models.DEFAULT_WORKFLOW`).

* :func:`graph_problems` checks a graph: every state reachable from the initial one (``draft``), every
  non-terminal state has an exit and no terminal state has one, every transition joins two known states
  and names a known actor.
* :func:`workflow_svg` lays the graph out in layers (a simplified Sugiyama layout): each state sits one
  layer below the lowest of its predecessors (the longest path from the initial state, back edges
  reversed), a transition that skips layers passes through invisible waypoints so that it never crosses
  a state, and the states of a layer are ordered by the mean position of their predecessors. Each
  transition is labelled with its name and its actor and coloured by the actor; the SVG has a
  ``<title>`` and ``<desc>``, and the pages list the transitions in a table as its text alternative.
* :func:`workflow_mermaid` writes a Mermaid ``stateDiagram-v2``; :func:`workflow_markdown` the page
  ``docs/programme-workflow.md``, with the default workflow's diagram and its tables::

      uv run python -m clusterworks.web.programme.diagram > docs/programme-workflow.md

  A test keeps the page current.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

INITIAL = "draft"


@dataclass(frozen=True)
class State:
    key: str
    name: str
    terminal: bool


@dataclass(frozen=True)
class Step:
    key: str
    source: str
    target: str
    actor: str
    name: str


def actor_keys() -> list[str]:
    from .models import Actor

    return list(Actor.values)


def actor_label(actor: str) -> str:
    from clusterworks.web.registry.models import choice_label

    from .models import Actor

    return choice_label(Actor, actor)


def default_graph() -> tuple[list[State], list[Step]]:
    """The default workflow (English names), as every new call gets it."""
    from .models import DEFAULT_WORKFLOW

    states = [State(key, name, terminal) for key, name, terminal in DEFAULT_WORKFLOW["states"]]
    steps = [Step(*row) for row in DEFAULT_WORKFLOW["transitions"]]
    return states, steps


def call_graph(call: Any) -> tuple[list[State], list[Step]]:
    """``call``'s workflow, names in the active language."""
    from .services.workflow import workflow_graph

    states, transitions = workflow_graph(call)
    return (
        [State(s.key, str(s), s.terminal) for s in states],
        [Step(t.key, t.source.key, t.target.key, t.actor, str(t)) for t in transitions],
    )


# ----------------------------------------------------------------------------------------------- checks


def reachable(states: list[State], steps: list[Step], initial: str = INITIAL) -> set[str]:
    exits: dict[str, list[str]] = defaultdict(list)
    for step in steps:
        exits[step.source].append(step.target)
    seen, todo = {initial}, [initial]
    while todo:
        for target in exits[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen & {s.key for s in states}


def graph_problems(states: list[State], steps: list[Step], initial: str = INITIAL) -> list[str]:
    """What is wrong with a workflow graph, one sentence each in the active language (empty: nothing)."""
    problems: list[str] = []
    keys = [s.key for s in states]
    known = set(keys)
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(_("state “%(state)s” is defined more than once") % {"state": key})
    if initial not in known:
        problems.append(_("the initial state “%(state)s” is missing") % {"state": initial})
    actors = set(actor_keys())
    step_keys = [t.key for t in steps]
    for key in sorted({k for k in step_keys if step_keys.count(k) > 1}):
        problems.append(_("transition “%(step)s” is defined more than once") % {"step": key})
    for step in steps:
        for end in (step.source, step.target):
            if end not in known:
                problems.append(
                    _("transition “%(step)s” joins the unknown state “%(state)s”")
                    % {"step": step.key, "state": end}
                )
        if step.actor not in actors:
            problems.append(
                _("transition “%(step)s” names the actor “%(actor)s”; known: %(known)s")
                % {"step": step.key, "actor": step.actor, "known": ", ".join(sorted(actors))}
            )
    if initial in known:
        found = reachable(states, steps, initial)
        for key in keys:
            if key not in found:
                problems.append(
                    _("state “%(state)s” cannot be reached from “%(initial)s”")
                    % {"state": key, "initial": initial}
                )
    sources = {t.source for t in steps}
    for state in states:
        if state.terminal and state.key in sources:
            problems.append(_("the terminal state “%(state)s” has an exit") % {"state": state.key})
        if not state.terminal and state.key not in sources:
            problems.append(_("state “%(state)s” is not terminal but has no exit") % {"state": state.key})
    return problems


# ----------------------------------------------------------------------------------------------- layout

NODE_W, NODE_H, DUMMY_W = 190, 40, 24
GAP_X, LAYER_H, MARGIN = 36, 118, 16
LABEL_LINE = 12


@dataclass
class _Item:
    key: str  # a state's key, or "~<step>~<layer>" for a waypoint
    layer: int
    width: float
    x: float = 0.0

    @property
    def dummy(self) -> bool:
        return self.key.startswith("~")


def _layers(states: list[State], steps: list[Step], initial: str) -> tuple[dict[str, int], set[str]]:
    """The layer of every state (the longest path from ``initial`` over the graph with its back edges
    reversed) and the keys of the reversed transitions."""
    order = [s.key for s in states]
    exits: dict[str, list[Step]] = defaultdict(list)
    for step in steps:
        exits[step.source].append(step)
    reversed_steps: set[str] = set()
    colour: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(key: str) -> None:  # iterative DFS would do too; workflows have a few dozen states
        colour[key] = 1
        for step in exits[key]:
            if step.target == key:
                continue
            if colour.get(step.target) == 1:
                reversed_steps.add(step.key)
            elif step.target not in colour:
                visit(step.target)
        colour[key] = 2

    for root in [initial, *order]:
        if root in order and root not in colour:
            visit(root)
    edges = [
        (t.target, t.source) if t.key in reversed_steps else (t.source, t.target)
        for t in steps
        if t.source != t.target and t.source in colour and t.target in colour
    ]
    layer = dict.fromkeys(order, 0)
    for _round in range(len(order)):  # relax: a DAG settles in fewer rounds than it has states
        changed = False
        for a, b in edges:
            if layer[b] < layer[a] + 1:
                layer[b] = layer[a] + 1
                changed = True
        if not changed:
            break
    return layer, reversed_steps


@dataclass
class _Layout:
    items: dict[str, _Item]
    rows: list[list[_Item]]
    paths: list[tuple[Step, list[tuple[float, float]]]]
    width: float
    height: float


def _layout(states: list[State], steps: list[Step], initial: str) -> _Layout:
    layer, reversed_steps = _layers(states, steps, initial)
    position = {s.key: i for i, s in enumerate(states)}
    terminal = {s.key: s.terminal for s in states}
    items = {s.key: _Item(s.key, layer[s.key], NODE_W) for s in states}
    chains: dict[str, list[str]] = {}
    for step in steps:
        if step.source == step.target or step.source not in items or step.target not in items:
            continue
        top, bottom = (step.target, step.source) if step.key in reversed_steps else (step.source, step.target)
        chain = [top]
        for level in range(layer[top] + 1, layer[bottom]):
            dummy = _Item(f"~{step.key}~{level}", level, DUMMY_W)
            items[dummy.key] = dummy
            chain.append(dummy.key)
        chain.append(bottom)
        chains[step.key] = chain
    depth = max((i.layer for i in items.values()), default=0)
    rows: list[list[_Item]] = [[] for _ in range(depth + 1)]
    for item in items.values():
        rows[item.layer].append(item)
    predecessors: dict[str, list[str]] = defaultdict(list)
    for chain in chains.values():
        for a, b in zip(chain, chain[1:], strict=False):
            predecessors[b].append(a)

    def tie(item: _Item) -> tuple:
        return (item.dummy, terminal.get(item.key, False), position.get(item.key, 0), item.key)

    rows[0].sort(key=tie)
    for _sweep in range(2):
        for row in rows:
            _place(row)
        for row in rows[1:]:

            def centre(item: _Item) -> float:
                xs = [items[p].x for p in predecessors[item.key]]
                return sum(xs) / len(xs) if xs else 0.0

            row.sort(key=lambda item: (round(centre(item), 3), tie(item)))
    for row in rows:
        _place(row)
    width = max((_row_width(row) for row in rows), default=NODE_W) + 2 * MARGIN
    for row in rows:  # centre each row on the canvas
        shift = (width - _row_width(row)) / 2 - MARGIN
        for item in row:
            item.x += shift + MARGIN
    paths = []
    for step in steps:
        chain = chains.get(step.key)
        if chain is None:
            continue
        points = [(items[k].x, _y(items[k].layer)) for k in chain]
        if step.key in reversed_steps:
            points.reverse()
        paths.append((step, points))
    return _Layout(items, rows, paths, width, (depth + 1) * LAYER_H - (LAYER_H - NODE_H) + 2 * MARGIN)


def _row_width(row: list[_Item]) -> float:
    return sum(i.width for i in row) + GAP_X * max(0, len(row) - 1)


def _place(row: list[_Item]) -> None:
    x = 0.0
    for item in row:
        item.x = x + item.width / 2
        x += item.width + GAP_X


def _y(layer: int) -> float:
    """The vertical centre of a layer's states."""
    return MARGIN + layer * LAYER_H + NODE_H / 2


# ------------------------------------------------------------------------------------------------- SVG


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _lines(text: str, width: int, most: int) -> list[str]:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _ends(layout: _Layout) -> dict[tuple[str, str], float]:
    """Horizontal offsets where transitions leave the bottom of a state and enter its top, spread so that
    the exits (and entries) of one state do not start at one point."""
    offsets: dict[tuple[str, str], float] = {}
    exits: dict[str, list[tuple[float, str]]] = defaultdict(list)
    entries: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for step, points in layout.paths:
        exits[step.source].append((points[1][0], step.key))
        entries[step.target].append((points[-2][0], step.key))
    for side, groups in (("out", exits), ("in", entries)):
        for _state, group in groups.items():
            group.sort()
            spread = min(48.0, (NODE_W - 30) / max(1, len(group) - 1)) if len(group) > 1 else 0.0
            for index, (_x, key) in enumerate(group):
                offsets[(side, key)] = (index - (len(group) - 1) / 2) * spread
    return offsets


def workflow_svg(
    states: list[State], steps: list[Step], *, title: str, initial: str = INITIAL, id_prefix: str = "wf"
) -> SafeString:
    """The workflow as an inline SVG: states as boxes in layers, transitions as arrows labelled with
    their name and actor and coloured by the actor (the pages explain the colours)."""
    layout = _layout(states, steps, initial)
    by_key = {s.key: s for s in states}
    offsets = _ends(layout)
    desc = _("%(states)s states and %(steps)s transitions; the table below lists every transition.") % {
        "states": len(states),
        "steps": len(steps),
    }
    parts: list[Any] = [
        format_html(
            '<svg class="workflow-diagram" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
            'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc><defs>',
            _n(layout.width),
            _n(layout.height),
            _n(layout.width),
            _n(layout.height),
            id_prefix,
            id_prefix,
            id_prefix,
            title,
            id_prefix,
            desc,
        )  # fmt: skip
    ]
    for actor in actor_keys():
        parts.append(
            format_html(
                '<marker id="{}-arrow-{}" class="wf-arrow wf-actor-{}" viewBox="0 0 10 10" refX="9" refY="5" '
                'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>',
                id_prefix,
                actor,
                actor,
            )  # fmt: skip
        )
    parts.append(mark_safe("</defs>"))  # noqa: S308  (a constant)
    labels: list[Any] = []
    for step, points in layout.paths:
        (x0, y0), (x1, y1) = points[0], points[-1]
        downward = y1 > y0
        start = (x0 + offsets[("out", step.key)], y0 + (NODE_H / 2 if downward else -NODE_H / 2))
        end = (x1 + offsets[("in", step.key)], y1 - (NODE_H / 2 if downward else -NODE_H / 2))
        middle = points[1:-1]
        route = [start, *middle, end]
        d = "M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in route)
        name = step.name
        who = actor_label(step.actor)
        parts.append(
            format_html(
                '<path class="wf-edge wf-actor-{}" data-transition="{}" d="{}" fill="none" stroke="#555" '
                'stroke-width="1.5" marker-end="url(#{}-arrow-{})"><title>{}</title></path>',
                step.actor,
                step.key,
                d,
                id_prefix,
                step.actor,
                _("%(step)s (%(actor)s): %(source)s → %(target)s")
                % {
                    "step": name,
                    "actor": who,
                    "source": by_key[step.source].name,
                    "target": by_key[step.target].name,
                },
            )  # fmt: skip
        )
        # the label sits on the first segment, a third of the way down
        (ax, ay), (bx, by) = route[0], route[1]
        lx, ly = ax + (bx - ax) * 0.45, ay + (by - ay) * 0.45
        lines = _lines(name, 24, 2)
        height = LABEL_LINE * (len(lines) + 1) + 4
        wide = max(len(line) for line in [*lines, who]) * 5.6 + 8
        labels.append(
            format_html(
                '<g class="wf-label wf-actor-{}"><rect x="{}" y="{}" width="{}" height="{}" rx="3" '
                'fill="#fff" fill-opacity="0.92"/>',
                step.actor,
                _n(lx - wide / 2),
                _n(ly - height / 2),
                _n(wide),
                _n(height),
            )  # fmt: skip
        )
        top = ly - height / 2 + LABEL_LINE
        for index, line in enumerate(lines):
            labels.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>',
                    _n(lx),
                    _n(top + index * LABEL_LINE),
                    line,
                )  # fmt: skip
            )
        labels.append(
            format_html(
                '<text class="wf-who" x="{}" y="{}" text-anchor="middle" font-size="9" '
                'font-style="italic" fill="#444">{}</text></g>',
                _n(lx),
                _n(top + len(lines) * LABEL_LINE),
                who,
            )  # fmt: skip
        )
    for step in steps:  # a transition back to its own state: a loop on the right side
        if step.source == step.target and step.source in layout.items:
            item = layout.items[step.source]
            x, y = item.x + NODE_W / 2, _y(item.layer)
            parts.append(
                format_html(
                    '<path class="wf-edge wf-actor-{}" d="M{},{} c24,-18 24,18 0,8" fill="none" '
                    'stroke="#555" marker-end="url(#{}-arrow-{})"><title>{}</title></path>',
                    step.actor,
                    _n(x),
                    _n(y - 4),
                    id_prefix,
                    step.actor,
                    step.name,
                )  # fmt: skip
            )
    parts.extend(labels)
    for row in layout.rows:
        for item in row:
            if item.dummy:
                continue
            state = by_key[item.key]
            css = (
                "wf-state"
                + (" is-terminal" if state.terminal else "")
                + (" is-initial" if state.key == initial else "")
            )
            x, y = item.x - NODE_W / 2, _y(item.layer) - NODE_H / 2
            parts.append(
                format_html(
                    '<g class="{}" data-state="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="{}" '
                    'fill="{}" stroke="#333" stroke-width="{}"/>',
                    css,
                    state.key,
                    _n(x),
                    _n(y),
                    NODE_W,
                    NODE_H,
                    4 if state.terminal else 14,
                    "#e9ecef" if state.terminal else "#fff",
                    2.5 if state.key == initial else 1.2,
                )  # fmt: skip
            )
            lines = _lines(state.name, 30, 2)
            first = _y(item.layer) + 4 - (len(lines) - 1) * 6.5
            for index, line in enumerate(lines):
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" text-anchor="middle" font-size="12">{}</text>',
                        _n(item.x),
                        _n(first + index * 13),
                        line,
                    )  # fmt: skip
                )
            parts.append(mark_safe("</g>"))  # noqa: S308  (a constant)
    parts.append(mark_safe("</svg>"))  # noqa: S308  (a constant)
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308  (every part is built by format_html)


# --------------------------------------------------------------------------------------------- Mermaid


def _mermaid_text(text: str) -> str:
    """Text safe inside a Mermaid label: the characters Mermaid reads as syntax as entity codes."""
    return "".join(f"#{ord(c)};" if c in ':;#"{}<>' else c for c in text)


def workflow_mermaid(states: list[State], steps: list[Step], initial: str = INITIAL) -> str:
    """A Mermaid ``stateDiagram-v2`` of the workflow: each transition labelled ``name (actor)``."""
    lines = ["stateDiagram-v2"]
    for state in states:
        lines.append(f'    state "{_mermaid_text(state.name)}" as {state.key}')
    lines.append(f"    [*] --> {initial}")
    for step in steps:
        label = _mermaid_text(f"{step.name} ({actor_label(step.actor)})")
        lines.append(f"    {step.source} --> {step.target} : {label}")
    for state in states:
        if state.terminal:
            lines.append(f"    {state.key} --> [*]")
    return "\n".join(lines) + "\n"


HEADER = """# The workflow of a call

Generated from the data of the default workflow (`DEFAULT_WORKFLOW` in
`src/clusterworks/web/programme/models.py`) by `python -m clusterworks.web.programme.diagram`; a test keeps
it current. Every new call gets a copy of this workflow; a call's page draws its own workflow the same
way. An application starts as a draft; each transition is taken by one kind of actor, is recorded in the
application's history with who took it, when and why, and tells the applicants in the app and by e-mail.
"""


ACTORS = (
    "Who each actor is: the applicant is the application's author, a representative of the applicant or of "
    "a co-applicant organisation, or a manager of the applicant cluster; a programme officer is one named on "
    "the call's programme; the commission chair is the chair of the call's commission without a conflict of "
    'interest on the application (see the [programme guide](programme-guide.md), "Who sees what").'
)
SUBMISSION = (
    "An application is submitted before the call's deadline, complete and within the call's rules, every "
    "problem reported at once with the field it concerns: a title and a summary; the sector, when the call "
    "has sectors; a cluster and a region the call admits; every required question answered, each answer of "
    "its kind (a number, yes or no) and within its length; a budget by expenditure line and year -- the "
    "call's year and the two following -- with federal, regional and own money, every amount 0 or more, a "
    "federal request above 0 and at most the call's cap per cluster, each line at most its share of the "
    "federal request, and the regional co-financing share, regional / (federal + regional) over the whole "
    "budget, within the call's range, bounds included (own funds do not count in it); the least viable "
    "amount, when given, at most the federal request. Drafts are saved with their problems shown, and "
    "every save that changes something is kept as a revision."
)
LOCKS = (
    "Once an application of the call has been submitted, a change of the call's rules must not make it "
    "wrong: the year and the opening are fixed and the deadline only moves later; eligible clusters and "
    "regions, attachment types, expenditure lines, sectors and optional questions may be added but not "
    "removed; the co-financing range only widens; the cap per cluster, a line's largest share, the largest "
    "attachment and a question's longest answer only loosen; a question's kind is fixed and it may stop, "
    "but not start, being required. Once a review score is recorded the rubric (criteria, weights, scales) "
    "is fixed. Names, descriptions, wording, the envelope, the minimum score, the sector quotas and the "
    "review and commission settings stay editable. A call with applications stays published."
)


def _paragraph(text: str) -> str:
    return textwrap.fill(text, 105, break_on_hyphens=False, break_long_words=False)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def workflow_markdown() -> str:
    """The page ``docs/programme-workflow.md``: the default workflow as a Mermaid diagram and tables."""
    from django.utils import translation

    with translation.override("en"):
        states, steps = default_graph()
        names = {s.key: s.name for s in states}
        out = [HEADER, "\n```mermaid\n", workflow_mermaid(states, steps), "```\n"]
        out.append("\n## States\n\n| state | name | terminal |\n|---|---|---|\n")
        for state in states:
            out.append(f"| `{state.key}` | {_cell(state.name)} | {'yes' if state.terminal else 'no'} |\n")
        out.append(
            "\n## Transitions\n\n| transition | from | to | taken by | name |\n|---|---|---|---|---|\n"
        )
        for step in steps:
            out.append(
                f"| `{step.key}` | {_cell(names[step.source])} | {_cell(names[step.target])} | "
                f"{_cell(actor_label(step.actor))} | {_cell(step.name)} |\n"
            )
        out.append("\n" + _paragraph(ACTORS) + "\n")
        out.append("\n## What submission checks\n\n" + _paragraph(SUBMISSION) + "\n")
        out.append(
            "\n## What a call keeps fixed once applications are submitted\n\n" + _paragraph(LOCKS) + "\n"
        )
    return "".join(out)


if __name__ == "__main__":
    from clusterworks.cli.django_setup import setup_django

    setup_django()
    import sys

    sys.stdout.write(workflow_markdown())
