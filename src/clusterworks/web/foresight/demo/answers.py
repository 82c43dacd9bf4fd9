"""The synthetic answers of the demo surveys, drawn with numpy's ``default_rng`` from a constant seed, so
that every build writes the same answers and the closed survey converges visibly in round 2."""

from __future__ import annotations

import numpy as np

from .content import (
    BARRIER_WEIGHTS,
    BARRIERS,
    CLOSED_COMMENTS,
    CLOSED_TEXTS,
    DIGITAL_SERVICES,
    DROPOUT,
    GROUP_LEANING,
    PANEL,
    PROBABILITY_CENTRES,
    RANKED_TOPICS,
    RUNNING_DRAFT,
    RUNNING_SUBMITTED,
    RUNNING_TEXTS,
    SEED,
    STUBBORN,
    TIME_CENTRES,
    TOPICS,
)

# (round, code) -> {(question key, item key): (value, value2, text, comment)}
Answers = dict[tuple[int, str], dict[tuple[str, str], tuple[float | None, float | None, str, str]]]


def closed_survey_answers(seed: int = SEED) -> Answers:
    """The synthetic answers of the closed survey, by round and expert: the same for the same seed.

    Round 1 draws each rating around the topic's centre, shifted by the expert's group and personal
    bias; in round 2 each expert moves a random share (0.3-0.75; 0.1 for the stubborn ones) of the way
    to the round-1 median, so the spread shrinks. Ranks, years and probabilities converge the same way;
    a few experts change their choice of barriers to the most chosen one. E12 does not answer round 2.
    """
    rng = np.random.default_rng(seed)
    codes = [seat.code for seat in PANEL]
    groups = [seat.group for seat in PANEL]
    n = len(codes)
    pull = rng.uniform(0.3, 0.75, size=n)
    for i, code in enumerate(codes):
        if code in STUBBORN:
            pull[i] = 0.1
    bias = rng.normal(0.0, 0.6, size=n)

    def converge(first: np.ndarray, low: float, high: float, noise: float, step: float = 1.0) -> np.ndarray:
        """Round-2 answers: each expert moves part of the way to the round-1 median of each item."""
        median = np.median(first, axis=0)
        moved = first + pull[:, None] * (median[None, :] - first) + rng.normal(0, noise, first.shape)
        return np.clip(np.rint(moved / step) * step, low, high)

    leaning = np.array([[GROUP_LEANING[g].get(t.key, 0.0) for t in TOPICS] for g in groups])

    def ratings(centres: list[float]) -> tuple[np.ndarray, np.ndarray]:
        first = np.array(centres)[None, :] + leaning + bias[:, None] + rng.normal(0, 1.5, (n, len(centres)))
        first = np.clip(np.rint(first), 1, 9)
        return first, converge(first, 1, 9, 0.45)

    importance = ratings([t.importance for t in TOPICS])
    feasibility = ratings([t.feasibility for t in TOPICS])
    market = ratings([t.market + (0.5 if t.key == "biosensors" else 0.0) for t in TOPICS])

    ranked = [t for t in TOPICS if t.key in RANKED_TOPICS]
    ranked_leaning = np.array([[GROUP_LEANING[g].get(t.key, 0.0) for t in ranked] for g in groups])
    latent = np.array([t.importance for t in ranked])[None, :] + ranked_leaning + rng.normal(0, 1.4, (n, 5))
    rank1 = _ranks(-latent)
    mean_rank = rank1.mean(axis=0)
    latent2 = (1 - pull[:, None]) * rank1 + pull[:, None] * mean_rank[None, :] + rng.normal(0, 0.3, (n, 5))
    rank2 = _ranks(latent2)

    years1 = np.array(list(TIME_CENTRES.values()))[None, :] + rng.normal(0, 2.5, (n, 3))
    years1 += np.array([{"science": 1.0, "clinic": 0.0, "industry": -1.0}[g] for g in groups])[:, None]
    years1 = np.clip(np.rint(years1), 2027, 2050)
    years = (years1, converge(years1, 2027, 2050, 0.4))

    chances1 = np.array(list(PROBABILITY_CENTRES.values()))[None, :] + rng.normal(0, 18, (n, 2))
    chances1 = np.clip(np.rint(chances1 / 5) * 5, 0, 100)
    chances = (chances1, converge(chances1, 0, 100, 3.0, step=5))

    chosen1 = []
    for group in groups:
        how_many = 2 if rng.random() < 0.6 else 1
        picks = rng.choice(len(BARRIERS), size=how_many, replace=False, p=BARRIER_WEIGHTS[group])
        chosen1.append(sorted(int(p) for p in picks))
    counts = np.bincount([p for picks in chosen1 for p in picks], minlength=len(BARRIERS))
    favourite = int(np.argmax(counts))
    chosen2 = []
    for picks in chosen1:
        picks = list(picks)
        if favourite not in picks and rng.random() < 0.5:
            picks[-1] = favourite
        chosen2.append(sorted(picks))

    comments = {(r, code, q, item): text for r, code, q, item, text in CLOSED_COMMENTS}
    texts = dict(CLOSED_TEXTS)
    answers: Answers = {}
    for number in (1, 2):
        which = number - 1
        for i, code in enumerate(codes):
            if number == 2 and code == DROPOUT:
                continue
            rows: dict[tuple[str, str], tuple[float | None, float | None, str, str]] = {}
            for j, topic in enumerate(TOPICS):
                rows["importance", topic.key] = (float(importance[which][i, j]), None, "", "")
                rows["feasibility-market", topic.key] = (
                    float(feasibility[which][i, j]),
                    float(market[which][i, j]),
                    "",
                    "",
                )
            for j, topic in enumerate(ranked):
                rows["priority-rank", topic.key] = (float((rank1, rank2)[which][i, j]), None, "", "")
            for j, key in enumerate(TIME_CENTRES):
                rows["clinical-practice", key] = (float(years[which][i, j]), None, "", "")
            for j, key in enumerate(PROBABILITY_CENTRES):
                rows["probability", key] = (float(chances[which][i, j]), None, "", "")
            for p, barrier in enumerate(BARRIERS):  # every option has a row: 1 chosen, 0 not
                rows["barriers", barrier] = (float(p in (chosen1, chosen2)[which][i]), None, "", "")
            if number == 1:
                rows["other-topics", "answer"] = (None, None, texts[code], "")
            for (question, item), (value, value2, text, _) in list(rows.items()):
                comment = comments.get((number, code, question, item), "")
                rows[question, item] = (value, value2, text, comment)
            answers[number, code] = rows
    return answers


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Places 1..n of each row's values, smallest first (ties cannot occur with continuous noise)."""
    return (np.argsort(np.argsort(scores, axis=1), axis=1) + 1).astype(float)


def running_survey_answers(seed: int = SEED) -> Answers:
    """Synthetic round-1 answers of the running survey's panelists E01-E03, E05 and the draft of E06."""
    rng = np.random.default_rng(seed + 1)
    texts = dict(RUNNING_TEXTS)
    answers: Answers = {}
    for code in (*RUNNING_SUBMITTED, RUNNING_DRAFT):
        rows: dict[tuple[str, str], tuple[float | None, float | None, str, str]] = {}
        for key, _, _, centre in DIGITAL_SERVICES:
            rows["importance", key] = (
                float(np.clip(np.rint(centre + rng.normal(0, 1.5)), 1, 9)),
                None,
                "",
                "",
            )
        if code != RUNNING_DRAFT:
            chance = float(np.clip(np.rint((55 + rng.normal(0, 20)) / 5) * 5, 0, 100))
            rows["reimbursement", "remote-monitoring-oms"] = (chance, None, "", "")
            chosen = rng.choice(len(BARRIERS), size=2, replace=False, p=BARRIER_WEIGHTS["clinic"])
            for p, barrier in enumerate(BARRIERS):
                rows["barriers", barrier] = (float(p in chosen), None, "", "")
            rows["ideas", "answer"] = (None, None, texts[code], "")
        answers[1, code] = rows
    answers[1, "E02"]["importance", "remote-monitoring"] = (
        *answers[1, "E02"]["importance", "remote-monitoring"][:3],
        "Пациенты с сердечной недостаточностью — первые кандидаты: меньше повторных госпитализаций.",
    )
    return answers
