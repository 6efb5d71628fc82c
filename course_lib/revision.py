"""Exam revision: a multiple-choice drill over the whole bank, weighted towards weak topics.

The drill reads the student's progress file (every quiz answer, exercise
check and flashcard mark is saved there, see :mod:`course_lib.progress`) and
scores each topic. A topic's weight is ``base + boost * (1 - score)``: a topic
answered perfectly keeps the base weight, a topic answered all wrong gets
``base + boost``, and a topic never tried sits halfway, so the drill spends
most of its questions where the student is weakest without ignoring the rest.
Inside a topic, questions the student has not yet answered correctly come first.

In a notebook::

    from course_lib.revision import topic_weights, drill
    topic_weights()            # the table behind the drill
    drill(12, seed=1)          # the quiz widget (text without a frontend)

Examples
--------
>>> import tempfile, pathlib
>>> from course_lib.progress import record_result
>>> f = pathlib.Path(tempfile.mkdtemp()) / "p.json"
>>> record_result("quiz", "rfm-01", "incorrect", topic="rfm", path=f)
>>> w = topic_weights(f)
>>> w.loc[w["topic"] == "rfm", "weight"].item() > w.loc[w["topic"] == "basics", "weight"].item()
True
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Sequence

import pandas as pd

from course_lib.progress import results_frame
from course_lib.quiz import Question, QuizWidget, load_bank

__all__ = ["topic_weights", "allocate", "drill_questions", "drill"]

#: Topics the drill leaves out: questions about using the course, not about marketing.
EXCLUDED: tuple[str, ...] = ("how-the-course-works",)


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}.")
    return float(value)


def topic_weights(
    progress_path: str | os.PathLike[str] | None = None,
    *,
    bank: Sequence[Question] | None = None,
    base: float = 1.0,
    boost: float = 3.0,
) -> pd.DataFrame:
    """Score every topic from the progress file and weight it for the drill.

    Parameters
    ----------
    progress_path : path-like, optional
        The progress file (default: the student's, see :func:`course_lib.progress.progress_path`).
    bank : sequence of Question, optional
        The questions (default: the whole bank); fixes the list of topics.
    base, boost : float
        Weight of a perfect topic, and the extra weight of a topic answered all wrong.

    Returns
    -------
    pandas.DataFrame
        One row per topic: ``topic``, ``questions`` (in the bank), ``attempted``,
        ``correct``, ``score`` (correct / attempted, NaN when nothing was tried),
        ``weight``; weakest (heaviest) first, then by topic name.
    """
    base, boost = _positive("base", base), _positive("boost", boost)
    if base == 0 and boost == 0:
        raise ValueError("base and boost cannot both be 0: every topic would have weight 0.")
    questions = [q for q in (load_bank() if bank is None else bank) if q.topic not in EXCLUDED]
    if not questions:
        raise ValueError("the question bank has no questions to drill.")
    counts = pd.Series([q.topic for q in questions]).value_counts()
    results = results_frame(progress_path)
    results = results[results["topic"].isin(counts.index)]
    by_topic = results.groupby("topic")["success"].agg(attempted="size", correct="sum")
    table = pd.DataFrame({"topic": counts.index, "questions": counts.to_numpy()})
    table = table.merge(by_topic, left_on="topic", right_index=True, how="left")
    table[["attempted", "correct"]] = table[["attempted", "correct"]].fillna(0).astype("int64")
    table["score"] = (table["correct"] / table["attempted"]).where(table["attempted"] > 0)
    table["weight"] = base + boost * (1 - table["score"].fillna(0.5))
    table = table.sort_values(["weight", "topic"], ascending=[False, True], kind="mergesort")
    return table.reset_index(drop=True)


def allocate(n_questions: int, weights: pd.DataFrame) -> dict[str, int]:
    """Split ``n_questions`` over topics in proportion to ``weights["weight"]``.

    Largest remainders get the leftover questions (ties: heavier topic, then
    name); no topic gets more than its ``questions``.

    Examples
    --------
    >>> w = pd.DataFrame({"topic": ["a", "b"], "questions": [10, 10], "weight": [3.0, 1.0]})
    >>> allocate(8, w)
    {'a': 6, 'b': 2}
    """
    if isinstance(n_questions, bool) or not isinstance(n_questions, int) or n_questions < 1:
        raise ValueError(f"n_questions must be a whole number >= 1, got {n_questions!r}.")
    cap = dict(zip(weights["topic"], weights["questions"].astype(int)))
    weight = dict(zip(weights["topic"], weights["weight"].astype(float)))
    if n_questions > sum(cap.values()):
        raise ValueError(f"n_questions is {n_questions}, but the bank only has {sum(cap.values())} question(s).")
    counts = {t: 0 for t in cap}
    left = n_questions
    while left:
        open_topics = [t for t in counts if counts[t] < cap[t] and weight[t] > 0] or [
            t for t in counts if counts[t] < cap[t]
        ]
        total = sum(weight[t] for t in open_topics) or len(open_topics)
        shares = {t: left * (weight[t] / total if total else 1 / len(open_topics)) for t in open_topics}
        given = 0
        for t in open_topics:
            k = min(int(shares[t]), cap[t] - counts[t])
            counts[t] += k
            given += k
        if given == 0:  # hand out one at a time by largest remainder
            t = min(open_topics, key=lambda t: (-(shares[t] - int(shares[t])), -weight[t], t))
            counts[t] += 1
            given = 1
        left -= given
    return {t: c for t, c in counts.items() if c}


def drill_questions(
    n_questions: int = 10,
    *,
    seed: int = 0,
    progress_path: str | os.PathLike[str] | None = None,
    bank: Sequence[Question] | None = None,
) -> list[Question]:
    """Pick ``n_questions`` distinct questions, weighted towards weak topics.

    Inside a topic, questions not yet answered correctly come before those
    already answered correctly; ties are broken by ``seed``. The result is
    shuffled with ``seed`` so topics are mixed.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}.")
    questions = [q for q in (load_bank() if bank is None else bank) if q.topic not in EXCLUDED]
    weights = topic_weights(progress_path, bank=questions)
    counts = allocate(n_questions, weights)
    results = results_frame(progress_path)
    solved = set(results.loc[(results["kind"] == "quiz") & results["success"], "item"])
    rng = random.Random(f"drill:{seed}")
    picked: list[Question] = []
    for topic, k in counts.items():
        pool = [q for q in questions if q.topic == topic]
        rng.shuffle(pool)
        pool.sort(key=lambda q: q.id in solved)  # stable: unsolved first, shuffled within each group
        picked += pool[:k]
    rng.shuffle(picked)
    return picked


def drill(
    n_questions: int = 10,
    *,
    seed: int = 0,
    progress_path: str | os.PathLike[str] | None = None,
) -> QuizWidget:
    """The revision drill as a quiz widget (answers are saved like any quiz).

    Examples
    --------
    >>> quiz = drill(5, seed=3)
    >>> len(quiz.questions)
    5
    """
    questions = drill_questions(n_questions, seed=seed, progress_path=progress_path)
    return QuizWidget(questions, seed=seed, title=f"Revision drill ({len(questions)} questions, weakest topics first)")
