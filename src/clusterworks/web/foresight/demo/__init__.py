"""The foresight part of the demo: a closed Delphi survey of the Moscow Medical Technologies Cluster, a
running one that the demo user ``expert`` can answer, a priority exercise on the closed survey's results
and a technology roadmap 2027-2035 with its technology chains.

Everything here is illustrative: the experts are synthetic users (``delphi-e01`` ..., who cannot log in)
and their answers are drawn from a fixed seed so that the panel converges visibly in round 2; three
illustrative organisations outside the cluster hold the competences the roadmap needs and no member
holds, so that the roadmap shows gaps and partner proposals. Building twice changes nothing: every row
is upserted on its key, answers are rewritten only when they differ from the generated ones, and the
workflow of the running survey (its status, rounds and deadline) is set once, so that what a visitor
did to it survives a rebuild -- except that an open round whose deadline has passed gets a new one.
"""

from .answers import closed_survey_answers, running_survey_answers
from .build import build_foresight_demo
from .content import CLOSED_SURVEY, EXERCISE, PANEL, ROADMAP, RUNNING_SURVEY, SEED

__all__ = [
    "CLOSED_SURVEY",
    "EXERCISE",
    "PANEL",
    "ROADMAP",
    "RUNNING_SURVEY",
    "SEED",
    "build_foresight_demo",
    "closed_survey_answers",
    "running_survey_answers",
]
