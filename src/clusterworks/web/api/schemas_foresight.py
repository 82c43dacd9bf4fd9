"""Response bodies and query parameters of the foresight part of the API: Delphi surveys, their results
and pseudonymised answers, priority exercises and technology roadmaps. Read-only.

The bodies are built by the endpoints (``surveys.py``, ``plans.py``) from the foresight app's selectors;
these classes document and check them. Keys, not ids, refer to objects; experts appear only under their
pseudonyms (``E01``), never by name.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Path, Schema
from pydantic import Field

from clusterworks.web.foresight.models import (
    CriterionSource,
    Direction,
    Layer,
    QuestionKind,
    RoundStatus,
    StoppingRule,
    SurveyStatus,
)

from .schemas import Page, Query, choice_filter

SurveyStatusValue = Literal[tuple(SurveyStatus.values)]  # type: ignore[valid-type]
RoundStatusValue = Literal[tuple(RoundStatus.values)]  # type: ignore[valid-type]
StoppingRuleValue = Literal[tuple(StoppingRule.values)]  # type: ignore[valid-type]
QuestionKindValue = Literal[tuple(QuestionKind.values)]  # type: ignore[valid-type]
CriterionSourceValue = Literal[tuple(CriterionSource.values)]  # type: ignore[valid-type]
DirectionValue = Literal[tuple(Direction.values)]  # type: ignore[valid-type]
LayerValue = Literal[tuple(Layer.values)]  # type: ignore[valid-type]
VerdictValue = Literal["consensus", "stable", "continue"]

#: keys the examples of the documentation use: those of the demo instance (``clusterworks demo``)
EXAMPLE_SURVEY = "moscow-medtech-delphi-2027-2035"
EXAMPLE_EXERCISE = "moscow-medtech-priorities-2027-2035"
EXAMPLE_ROADMAP = "moscow-medtech-roadmap-2027-2035"

#: the largest round number (rounds are numbered with small integers)
MAX_ROUND = 32767

# path parameters
SurveyKey = Path(..., description="The survey's key.", example=EXAMPLE_SURVEY)
ExerciseKey = Path(..., description="The priority exercise's key.", example=EXAMPLE_EXERCISE)
RoadmapKey = Path(..., description="The roadmap's key.", example=EXAMPLE_ROADMAP)


class Titles(Schema):
    key: str
    title_en: str
    title_ru: str


# --- queries ----------------------------------------------------------------------------------------------


class PlanQuery(Query):
    cluster: str = Field("", max_length=80, description="Key of the cluster.")


class SurveyQuery(PlanQuery):
    status: SurveyStatusValue | None = choice_filter()


class ResponseQuery(Query):
    round: int | None = choice_filter(ge=1, le=MAX_ROUND, description="Only the answers of this round.")


# --- surveys ----------------------------------------------------------------------------------------------


class SurveyRules(Schema):
    """The consensus and stopping rules (docs/methods/delphi.md)."""

    agreement_band: float = Field(description="An answer agrees when within this distance of the median.")
    consensus_iqr: float = Field(description="Consensus: the largest interquartile range.")
    consensus_agreement: float = Field(description="Consensus: the smallest share of answers in agreement.")
    stability_p: float = Field(description="Stable when the Wilcoxon p-value of the change is above this.")
    max_cv_change: float = Field(description="Stable: the largest change of the CV, as a share of the CV.")
    stopping_rule: StoppingRuleValue


class SurveyRound(Schema):
    number: int
    status: RoundStatusValue
    deadline: dt.datetime | None


class Survey(Schema):
    key: str
    title_en: str
    title_ru: str
    description_en: str
    description_ru: str
    cluster: str = Field(description="The cluster's key.")
    status: SurveyStatusValue
    rules: SurveyRules
    rounds: list[SurveyRound]
    created_at: dt.datetime
    web_url: str


class Dimension(Schema):
    number: int = Field(description="1 or 2: the first (`value`) or second (`value2`) scale.")
    name_en: str
    name_ru: str


class Question(Schema):
    key: str
    kind: QuestionKindValue
    title_en: str
    title_ru: str
    help_en: str
    help_ru: str
    scale_min: float | None = Field(description="Lowest point of a rating scale, earliest year of a time.")
    scale_max: float | None
    dimensions: list[Dimension] = Field(description="The two scales of a `rating2` question; else empty.")
    max_choices: int | None = Field(description="How many options a `choice` question lets an expert pick.")
    first_round: int = Field(description="Asked from this round ...")
    last_round: int | None = Field(description="... to this one (null: every later round).")
    agreement_band: float = Field(description="The agreement band used for this question.")
    consensus_iqr: float = Field(description="The largest IQR of consensus used for this question.")
    items: list[Titles]


class SurveyDetail(Survey):
    questions: list[Question]


class ResponseRecord(Schema):
    """One numeric answer: a row of the responses table of `clusterworks delphi consensus`."""

    round: int
    expert: str = Field(description="The expert's pseudonym, e.g. E07.")
    question: str = Field(description="The question's key; `key:1`, `key:2`: the two scales of a rating2.")
    item: str
    kind: Literal["rating", "rank"]
    value: float


# --- survey results ---------------------------------------------------------------------------------------


class RoundProgress(Schema):
    round: int
    status: RoundStatusValue
    panel: int = Field(description="Panelists expected to answer.")
    submitted: int
    drafted: int = Field(description="Answers saved but not submitted.")
    not_started: int


class ItemRound(Schema):
    """The answers to an item (one scale of it) in one round."""

    round: int
    n: int
    median: float
    q1: float
    q3: float
    iqr: float
    mean: float
    sd: float | None = Field(description="Null for a single answer.")
    cv: float | None = Field(description="Coefficient of variation; null for a single answer or a mean of 0.")
    agreement: float = Field(description="Share of the answers within the agreement band of the median.")
    min: float
    max: float
    consensus: bool
    stable: bool | None = Field(description="Against the previous round answered; null in the first.")
    verdict: VerdictValue = Field(description="The stopping rule's verdict: consensus, stable or continue.")


class ItemResult(Schema):
    item: str = Field(description="The item's key.")
    dimension: int | None = Field(description="1 or 2 for the two scales of a rating2; else null.")
    rounds: list[ItemRound]


class Concordance(Schema):
    """Kendall's W of the rankings of a rank question in one round."""

    round: int
    w: float | None = Field(description="Null when every expert tied every item.")
    chi2: float | None
    df: int
    p: float | None
    experts: int
    items: int


class ChoiceRound(Schema):
    round: int
    respondents: int
    counts: dict[str, int] = Field(description="Item key -> how many experts chose it.")


class Problem(Schema):
    round: int
    message: str


class QuestionResult(Schema):
    key: str
    kind: QuestionKindValue
    title_en: str
    title_ru: str
    items: list[ItemResult] = Field(description="Statistics of the numeric questions; else empty.")
    concordance: list[Concordance] = Field(description="Per round, for a rank question; else empty.")
    choices: list[ChoiceRound] = Field(description="Per round, for a choice question; else empty.")
    problems: list[Problem] = Field(description="Answers the statistics could not use, and why.")


class SurveyResults(Schema):
    survey: str = Field(description="The survey's key.")
    progress: list[RoundProgress] = Field(description="Per opened round; counts only.")
    questions: list[QuestionResult]


# --- priorities -------------------------------------------------------------------------------------------


class Exercise(Schema):
    key: str
    title_en: str
    title_ru: str
    cluster: str = Field(description="The cluster's key.")
    survey: str | None = Field(description="Key of the Delphi survey the criteria may take medians from.")
    top: int = Field(description="How many of the best-ranked candidates are priorities.")
    created_at: dt.datetime
    web_url: str


class Criterion(Schema):
    key: str
    title_en: str
    title_ru: str
    weight: float
    share: float = Field(description="The weight divided by the sum of the weights.")
    direction: DirectionValue
    source: CriterionSourceValue
    question: str | None = Field(description="For a `delphi` criterion: the question's key.")
    dimension: int = Field(description="For a `delphi` criterion on a rating2: its scale (1 or 2).")
    low: float | None = Field(description="The scale the scores lie on, if any.")
    high: float | None


class Candidate(Schema):
    key: str
    title_en: str
    title_ru: str
    competences: list[str] = Field(description="Codes of the competences it needs.")


class RankedCandidate(Schema):
    rank: int = Field(description="1 for the best; tied candidates share the best rank of their group.")
    candidate: Titles
    score: float = Field(description="The weighted sum of the normalised scores, from 0 to 1.")
    contributions: dict[str, float] = Field(description="Criterion key -> its part of the score.")
    is_priority: bool


class MissingScore(Schema):
    candidate: str
    criterion: str
    reason: str


class ExerciseDetail(Exercise):
    criteria: list[Criterion]
    candidates: list[Candidate]
    ranking: list[RankedCandidate] = Field(description="The candidates with every score, by rank.")
    missing: list[MissingScore] = Field(description="Scores the ranking lacks, and why.")
    error: str = Field(description="Why the candidates cannot be ranked (empty when they are).")


# --- roadmaps ---------------------------------------------------------------------------------------------


class Roadmap(Schema):
    key: str
    title_en: str
    title_ru: str
    description_en: str
    description_ru: str
    cluster: str = Field(description="The cluster's key.")
    exercise: str | None = Field(description="Key of the priority exercise it follows.")
    start_year: int
    end_year: int
    created_at: dt.datetime
    web_url: str


class RoadmapNode(Schema):
    key: str
    layer: LayerValue
    title_en: str
    title_ru: str
    start_year: int | None
    end_year: int | None
    trl: int | None = Field(description="Technology readiness level, 1 to 9.")
    candidate: str | None = Field(description="Key of the candidate priority it serves.")
    competences: list[str] = Field(description="Codes of the competences it needs.")
    holders: dict[str, list[str]] = Field(
        description="Competence code -> keys of the cluster's current members holding it."
    )
    missing: list[str] = Field(description="Needed competences no current member holds.")
    is_gap: bool


class RoadmapLink(Schema):
    source: str
    target: str = Field(description="The node that serves or enables the source.")


class Chain(Schema):
    nodes: list[str] = Field(description="Node keys, from the need down.")
    complete: bool = Field(description="Whether the cluster's members hold every competence it needs.")


class PartnerMatch(Schema):
    organisation: str = Field(description="The organisation's key.")
    covers: list[str] = Field(description="The missing competences it holds.")


class GapPartners(Schema):
    node: str = Field(description="The gap node's key.")
    missing: list[str]
    partners: list[PartnerMatch] = Field(description="Organisations outside the cluster, best first.")
    uncoverable: list[str] = Field(description="Missing competences no organisation offers.")


class RoadmapDetail(Roadmap):
    nodes: list[RoadmapNode]
    links: list[RoadmapLink]
    chains: list[Chain]
    partners: list[GapPartners]
    problems: list[str] = Field(description="Rules the roadmap breaks (then no chains are listed).")


# named pages, so that the OpenAPI schema reads SurveyPage rather than Page_Survey_
class SurveyPage(Page[Survey]):
    pass


class ResponseRecordPage(Page[ResponseRecord]):
    pass


class ExercisePage(Page[Exercise]):
    pass


class RoadmapPage(Page[Roadmap]):
    pass
