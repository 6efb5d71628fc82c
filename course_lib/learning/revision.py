"""Exam revision (notebook 17): notes, comparison tables, exam questions with model answers, a weighted drill.

The content is data: ``data/content/revision.yaml`` (notes per topic, comparison
tables, the test-and-learn loop) and ``data/content/exam_questions.yaml``
(2-, 5- and 10-mark questions with model answers and marking schemes).

The drill scores each topic from the progress file (quiz answers, exercise
checks, flashcards) by first attempts: an item got wrong and then right still
shows the weakness. A topic's weight is ``base + boost * (1 - score)``; a
topic never tried counts as half right. Inside a topic, questions not yet
answered right at the first attempt come first.

Examples
--------
>>> import tempfile, pathlib
>>> from course_lib.learning.progress import record_result
>>> f = pathlib.Path(tempfile.mkdtemp()) / "p.json"
>>> record_result("quiz", "rfm-01", "incorrect", topic="rfm", path=f)
>>> w = topic_weights(f)
>>> w.loc[w["topic"] == "rfm", "weight"].item() > w.loc[w["topic"] == "basics", "weight"].item()
True
"""

from __future__ import annotations

import html
import math
import os
import random
import re
import string
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from course_lib.base import paths
from course_lib.base.content import ContentError, read_yaml
from course_lib.learning import tables as content
from course_lib.learning.progress import results_frame
from course_lib.learning.quiz import Question, QuizWidget, load_bank, load_topics

__all__ = ["REVISION_PATH", "EXAM_QUESTIONS_PATH", "MARK_LEVELS", "TEN_MARK_STRUCTURE", "RevisionError",
           "ExamQuestion", "load_notes", "notes_markdown", "comparison_names", "load_revision_comparison",
           "learning_loop", "load_exam_questions", "exam_questions_frame", "render_answer", "exam_text", "exam_html",
           "exam_practice", "ExamPractice", "topic_weights", "allocate", "drill_questions", "drill"]

#: Notes, revision comparison tables and the test-and-learn loop.
REVISION_PATH: Path = paths.DATA_DIR / "content" / "revision.yaml"
#: Exam-style questions with model answers and marking schemes.
EXAM_QUESTIONS_PATH: Path = paths.DATA_DIR / "content" / "exam_questions.yaml"
#: The mark levels of the exam questions.
MARK_LEVELS: tuple[int, ...] = (2, 5, 10)
#: The labels a 10-mark model answer is structured under, in this order.
TEN_MARK_STRUCTURE: tuple[str, ...] = ("Definition", "Framework", "Example", "Evaluation", "Conclusion")

#: Topics the drill leaves out: questions about using the course, not about marketing.
EXCLUDED: tuple[str, ...] = ("how-the-course-works",)


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}.")
    return float(value)


def topic_weights(progress_path: str | os.PathLike[str] | None = None, *, bank: Sequence[Question] | None = None,
                  base: float = 1.0, boost: float = 3.0) -> pd.DataFrame:
    """Score every topic from the progress file and weight it for the drill.

    One row per topic (``topic``, ``questions``, ``attempted``, ``right_first_time``,
    ``score`` = right_first_time / attempted or NaN, ``weight``), heaviest first.

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
    by_topic = results.groupby("topic")["first_success"].agg(attempted="size", right_first_time="sum")
    table = pd.DataFrame({"topic": counts.index, "questions": counts.to_numpy()})
    table = table.merge(by_topic, left_on="topic", right_index=True, how="left")
    cols = ["attempted", "right_first_time"]
    table[cols] = table[cols].fillna(0).astype("int64")
    table["score"] = (table["right_first_time"] / table["attempted"]).where(table["attempted"] > 0)
    table["weight"] = base + boost * (1 - table["score"].fillna(0.5))
    table = table.sort_values(["weight", "topic"], ascending=[False, True], kind="mergesort")
    return table.reset_index(drop=True)


def allocate(n_questions: int, weights: pd.DataFrame) -> dict[str, int]:
    """Split ``n_questions`` over topics in proportion to ``weights["weight"]``.

    Largest remainders get the leftover questions (ties: heavier topic, then
    name); no topic gets more than its ``questions``.

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


def drill_questions(n_questions: int = 10, *, seed: int = 0, progress_path: str | os.PathLike[str] | None = None,
                    bank: Sequence[Question] | None = None) -> list[Question]:
    """Pick ``n_questions`` distinct questions, weighted towards weak topics.

    Inside a topic, questions not answered right at the first attempt come
    before the others; ties are broken by ``seed``. The result is
    shuffled with ``seed`` so topics are mixed.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}.")
    questions = [q for q in (load_bank() if bank is None else bank) if q.topic not in EXCLUDED]
    weights = topic_weights(progress_path, bank=questions)
    counts = allocate(n_questions, weights)
    results = results_frame(progress_path)
    solved = set(results.loc[(results["kind"] == "quiz") & results["success"] & results["first_success"], "item"])
    rng = random.Random(f"drill:{seed}")
    picked: list[Question] = []
    for topic, k in counts.items():
        pool = [q for q in questions if q.topic == topic]
        rng.shuffle(pool)
        pool.sort(key=lambda q: q.id in solved)  # stable: unsolved first, shuffled within each group
        picked += pool[:k]
    rng.shuffle(picked)
    return picked


def drill(n_questions: int = 10, *, seed: int = 0, progress_path: str | os.PathLike[str] | None = None) -> QuizWidget:
    """The revision drill as a quiz widget (answers are saved like any quiz).

    >>> quiz = drill(5, seed=3)
    >>> len(quiz.questions)
    5
    """
    questions = drill_questions(n_questions, seed=seed, progress_path=progress_path)
    return QuizWidget(questions, seed=seed, title="Revision drill: weakest topics first")


# --------------------------------------------------------------------------- revision content


#: A revision content file is missing or malformed (the message names the file and the entry).
RevisionError = ContentError


def _read_yaml(path: str | os.PathLike[str] | None, default: Path, what: str) -> tuple[dict[str, Any], str]:
    path = default if path is None else path
    return read_yaml(path, what=what), Path(path).name


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_topic(topic: str | None, topics: Mapping[str, str]) -> None:
    if topic is not None and not isinstance(topic, str):
        raise TypeError(f"topic must be a str such as 'rfm', got {type(topic).__name__}.")
    if topic is not None and topic not in topics:
        raise ValueError(f"topic {topic!r} is not one of {', '.join(map(repr, topics))}.")


def load_notes(topic: str | Sequence[str] | None = None, *, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The short revision notes: exam-ready bullet points per topic (one topic, a list of topics, or all).

    One row per point: ``topic``, ``description``, ``chapters``, ``sources``, ``point``.

    >>> notes = load_notes("rfm")
    >>> notes["topic"].unique().tolist()
    ['rfm']
    >>> len(notes) >= 3
    True
    """
    data, name = _read_yaml(path, REVISION_PATH, "revision")
    topics = load_topics()
    wanted = [topic] if isinstance(topic, str) or topic is None else topic
    if not isinstance(wanted, Sequence) or (topic is not None and not wanted):
        raise TypeError(f"topic must be a topic name or a non-empty list of them, got {topic!r}.")
    for t in wanted:
        _check_topic(t, topics)
    notes = data.get("notes")
    if not isinstance(notes, dict) or not notes:
        raise RevisionError(f"{name} must have a mapping 'notes' (topic: chapters, sources, points).")
    citations = _citations()
    rows = []
    for key in [t for t in topics if t in notes] + [t for t in notes if t not in topics]:
        entry = notes[key]
        where = f"{name}: notes for {key!r}"
        if key not in topics:
            raise RevisionError(f"{where}: {key!r} is not a topic of topics.yaml.")
        if not isinstance(entry, dict) or set(entry) != {"chapters", "sources", "points"}:
            raise RevisionError(f"{where} must have exactly chapters, sources and points.")
        points, chapters, sources = entry["points"], entry["chapters"], entry["sources"]
        if not isinstance(points, list) or not points or not all(_text(p) for p in points):
            raise RevisionError(f"{where}: points must be a non-empty list of text.")
        if not isinstance(chapters, list) or not all(isinstance(c, str) and re.fullmatch(r"\d{2}", c)
                                                     for c in chapters):
            raise RevisionError(f"{where}: chapters must be a list of two-digit notebook numbers such as '05'.")
        if not isinstance(sources, list) or any(s not in citations for s in sources):
            raise RevisionError(f"{where}: sources must be a list of keys of {', '.join(citations)}.")
        for point in points:
            rows.append({"topic": key, "description": topics[key], "chapters": ", ".join(chapters),
                         "sources": "; ".join(citations[s] for s in sources), "point": point.strip()})
    table = pd.DataFrame(rows, columns=["topic", "description", "chapters", "sources", "point"])
    if topic is not None:
        empty = [t for t in wanted if t not in set(table["topic"])]
        if empty:
            raise ValueError(f"there are no revision notes for topic(s) {', '.join(map(repr, empty))} yet.")
        order = {t: i for i, t in enumerate(wanted)}
        table = table[table["topic"].isin(order)]
        table = table.sort_values("topic", key=lambda c: c.map(order), kind="mergesort").reset_index(drop=True)
    return table


def _citations() -> dict[str, str]:
    data, _ = _read_yaml(None, content.EXAMPLES_PATH, "examples")
    return dict(data.get("sources") or {})


def notes_markdown(topic: str | Sequence[str] | None = None, *, path: str | os.PathLike[str] | None = None) -> str:
    """The revision notes as Markdown: a heading per topic, then its bullet points.

    ``topic`` works as in :func:`load_notes` (one topic, a list, or all).

    >>> print(notes_markdown("metrics").splitlines()[0])
    ### Reach, CTR, conversion rate, CPA, ROAS, engagement and response analysis (`metrics`)
    """
    notes = load_notes(topic, path=path)
    lines: list[str] = []
    for key, group in notes.groupby("topic", sort=False):
        first = group.iloc[0]
        cited = f" · sources: {first['sources']}" if first["sources"] else ""
        lines += [f"### {first['description']} (`{key}`)", "", f"*Chapter(s) {first['chapters']}*{cited}", ""]
        lines += [f"- {p}" for p in group["point"]] + [""]
    return "\n".join(lines).rstrip() + "\n"


def comparison_names(*, path: str | os.PathLike[str] | None = None) -> list[str]:
    """Every comparison table available for revision: revision.yaml's first, then chapter 01's.

    >>> names = comparison_names()
    >>> {"mass-vs-micro", "micro-vs-macro", "micro-vs-niche"} <= set(names)
    True
    """
    data, name = _read_yaml(path, REVISION_PATH, "revision")
    own = data.get("comparisons")
    if not isinstance(own, dict) or not own:
        raise RevisionError(f"{name} must have a mapping 'comparisons' (name: table).")
    return list(own) + [n for n in content.comparison_names() if n not in own]


def load_revision_comparison(name: str, *, sources: bool = True,
                             path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One comparison table, from revision.yaml or (if not there) chapter 01's comparisons.yaml.

    >>> table = load_revision_comparison("mass-vs-micro", sources=False)
    >>> table.index.tolist()[:4]
    ['Audience size', 'Message', 'Data use', 'Cost and efficiency']
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str such as 'mass-vs-micro', got {type(name).__name__}.")
    names = comparison_names(path=path)
    if name not in names:
        raise ValueError(f"there is no comparison {name!r}; choose one of {', '.join(map(repr, names))}.")
    data, _ = _read_yaml(path, REVISION_PATH, "revision")
    file = (REVISION_PATH if path is None else Path(path)) if name in data["comparisons"] else None
    return content.load_comparison(name, path=file, sources=sources)  # a ContentError is a RevisionError


def learning_loop(*, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The test-and-learn loop (chapter 10) as a table: ``step``, ``what``, ``source`` (a citation).

    >>> learning_loop()["step"].iloc[0]
    'Plan the test'
    """
    data, name = _read_yaml(path, REVISION_PATH, "revision")
    steps = data.get("test_and_learn")
    if not isinstance(steps, list) or not steps:
        raise RevisionError(f"{name} must have a non-empty list 'test_and_learn'.")
    citations = _citations()
    rows = []
    for i, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or set(step) != {"step", "what", "source"} or not all(map(_text, step.values())):
            raise RevisionError(f"{name}: test_and_learn step {i} must have non-empty step, what and source.")
        if step["source"] not in citations:
            raise RevisionError(f"{name}: test_and_learn step {i}: source {step['source']!r} is not one of "
                                f"{', '.join(citations)}.")
        rows.append({"step": step["step"], "what": step["what"], "source": citations[step["source"]]})
    table = pd.DataFrame(rows)
    table.index = pd.RangeIndex(1, len(table) + 1, name="n")
    return table


# --------------------------------------------------------------------------- exam questions


@dataclass(frozen=True)
class ExamQuestion:
    """One exam-style question with its model answer and marking scheme.

    ``model_answer`` is Markdown and may hold placeholders such as
    ``{micro_roas:.1f}``; :func:`render_answer` fills them in.
    """

    id: str
    marks: int
    topic: str
    question: str
    model_answer: str
    marking_scheme: tuple[tuple[str, int], ...]

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Names of the values the model answer needs, in order of first use."""
        return _placeholders(self.model_answer)


def _placeholders(text: str) -> tuple[str, ...]:
    names: list[str] = []
    for _literal, field_name, _spec, _conv in string.Formatter().parse(text):
        if field_name is not None and field_name not in names:
            names.append(field_name)
    return tuple(names)


_QUESTION_FIELDS = {"id", "marks", "topic", "question", "model_answer", "marking_scheme"}
_EXAM_ID = re.compile(r"^exam-(2|5|10)-\d{2}$")


def _parse_exam_question(raw: Any, where: str, topics: Mapping[str, str], declared: Mapping[str, Any],
                         errors: list[str]) -> ExamQuestion | None:
    if not isinstance(raw, dict):
        errors.append(f"{where} must be a mapping with {', '.join(sorted(_QUESTION_FIELDS))}.")
        return None
    missing, extra = sorted(_QUESTION_FIELDS - set(raw)), sorted(set(raw) - _QUESTION_FIELDS)
    if missing or extra:
        problems = [f"{word} {', '.join(keys)}" for word, keys in (("missing", missing), ("unknown", extra)) if keys]
        errors.append(f"{where}: " + "; ".join(problems))
        return None
    qid, marks = raw["id"], raw["marks"]
    where = f"{where} ({qid})"
    bad = len(errors)
    if not isinstance(qid, str) or not _EXAM_ID.match(qid):
        errors.append(f"{where}: id must look like 'exam-5-03'.")
    if isinstance(marks, bool) or marks not in MARK_LEVELS:
        errors.append(f"{where}: marks must be one of {MARK_LEVELS}, got {marks!r}.")
    elif isinstance(qid, str) and _EXAM_ID.match(qid) and qid.split("-")[1] != str(marks):
        errors.append(f"{where}: the id says {qid.split('-')[1]} marks but marks is {marks}.")
    if raw["topic"] not in topics:
        errors.append(f"{where}: topic {raw['topic']!r} is not a key of topics.yaml.")
    for key in ("question", "model_answer"):
        if not _text(raw[key]):
            errors.append(f"{where}: {key} must be non-empty text.")
    scheme = raw["marking_scheme"]
    points: list[tuple[str, int]] = []
    if not isinstance(scheme, list) or not scheme:
        errors.append(f"{where}: marking_scheme must be a non-empty list of {{point, marks}}.")
    else:
        for j, item in enumerate(scheme, start=1):
            ok = (isinstance(item, dict) and set(item) == {"point", "marks"} and _text(item["point"])
                  and isinstance(item["marks"], int) and not isinstance(item["marks"], bool) and item["marks"] >= 1)
            if not ok:
                errors.append(f"{where}: marking_scheme item {j} must be {{point: text, marks: whole number >= 1}}.")
            else:
                points.append((item["point"].strip(), item["marks"]))
        if len(points) == len(scheme) and marks in MARK_LEVELS and sum(m for _, m in points) != marks:
            errors.append(f"{where}: the marking scheme adds up to {sum(m for _, m in points)}, not {marks}.")
    if _text(raw["model_answer"]):
        answer = raw["model_answer"]
        try:
            names = _placeholders(answer)
        except ValueError as exc:
            errors.append(f"{where}: model_answer has a malformed placeholder ({exc}).")
            names = ()
        undeclared = [n for n in names if n not in declared]
        if undeclared:
            errors.append(f"{where}: placeholder(s) {', '.join(undeclared)} are not declared under 'values'.")
        if marks == 10:
            found = [answer.find(f"**{label}") for label in TEN_MARK_STRUCTURE]
            if -1 in found or found != sorted(found):
                errors.append(f"{where}: a 10-mark model answer must have the labels "
                              f"{', '.join(TEN_MARK_STRUCTURE)} in bold, in this order.")
    if len(errors) > bad:
        return None
    return ExamQuestion(id=qid, marks=marks, topic=raw["topic"], question=raw["question"].strip(),
                        model_answer=raw["model_answer"].strip(), marking_scheme=tuple(points))


def load_exam_questions(marks: int | None = None, *, topic: str | None = None,
                        path: str | os.PathLike[str] | None = None) -> list[ExamQuestion]:
    """Load the exam-style questions (one mark level or topic, or all), checking every one.

    A :class:`RevisionError` lists every problem in the file at once.

    >>> len(load_exam_questions(10)) >= 4
    True
    """
    if marks is not None and (isinstance(marks, bool) or marks not in MARK_LEVELS):
        raise ValueError(f"marks must be one of {MARK_LEVELS} or None, got {marks!r}.")
    topics = load_topics()
    _check_topic(topic, topics)
    data, name = _read_yaml(path, EXAM_QUESTIONS_PATH, "exam questions")
    declared = data.get("values") or {}
    if not isinstance(declared, dict) or not all(_text(v) for v in declared.values()):
        raise RevisionError(f"{name}: 'values' must map each placeholder name to a description.")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        raise RevisionError(f"{name} must have a non-empty list 'questions'.")
    errors: list[str] = []
    questions = [q for i, r in enumerate(raw, start=1)
                 if (q := _parse_exam_question(r, f"{name}: question {i}", topics, declared, errors)) is not None]
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            errors.append(f"{name}: the id {q.id!r} appears twice.")
        seen.add(q.id)
    if errors:
        raise RevisionError(f"{len(errors)} problem(s) in {name}:\n" + "\n".join(f"- {e}" for e in errors))
    return [q for q in questions if (marks is None or q.marks == marks) and (topic is None or q.topic == topic)]


def exam_questions_frame(marks: int | None = None, *, topic: str | None = None) -> pd.DataFrame:
    """The exam questions as a table: ``id``, ``marks``, ``topic``, ``question``, ``scheme_points``.

    >>> exam_questions_frame(2)["marks"].unique().tolist()
    [2]
    """
    rows = [{"id": q.id, "marks": q.marks, "topic": q.topic, "question": q.question,
             "scheme_points": len(q.marking_scheme)} for q in load_exam_questions(marks, topic=topic)]
    return pd.DataFrame(rows, columns=["id", "marks", "topic", "question", "scheme_points"])


def render_answer(question: ExamQuestion, values: Mapping[str, Any] | None = None) -> str:
    """The model answer with its numbers filled in from ``values``.

    >>> q = load_exam_questions(2)[0]
    >>> render_answer(q).startswith("Micromarketing is")
    True
    """
    if not isinstance(question, ExamQuestion):
        raise TypeError(f"question must be an ExamQuestion, got {type(question).__name__}.")
    values = {} if values is None else values
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a mapping of placeholder name to number, got {type(values).__name__}.")
    missing = [n for n in question.placeholders if n not in values]
    if missing:
        raise ValueError(f"the model answer of {question.id} needs value(s) for {', '.join(missing)}.")
    try:
        return question.model_answer.format_map(dict(values))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"a value for the model answer of {question.id} does not fit its format: {exc}") from None


def _scheme_text(question: ExamQuestion) -> list[str]:
    return [f"- [{m}] {point}" for point, m in question.marking_scheme]


def _blocks(text: str) -> list[list[tuple[str, list[str]]]]:
    """Split a small Markdown subset into blocks of ("p" | "ul" | "ol", paragraphs or items), in order."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        parts: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            m = re.match(r"^\s*([-*]|\d+\.)\s+(.*)$", line)
            if m:
                kind = "ul" if m.group(1) in "-*" else "ol"
                if not parts or parts[-1][0] != kind:
                    parts.append((kind, []))
                parts[-1][1].append(m.group(2).strip())
            elif parts and parts[-1][0] != "p" and line.startswith("  "):
                parts[-1][1][-1] += " " + line.strip()
            elif parts and parts[-1][0] == "p":
                parts[-1][1][-1] += " " + line.strip()
            else:
                parts.append(("p", [line.strip()]))
        blocks.append(parts)
    return blocks


def _wrap_text(text: str, width: int = 110) -> str:
    """Reflow Markdown for the plain-text view: paragraphs and list items wrapped at ``width``."""
    out: list[str] = []
    for parts in _blocks(text):
        for kind, lines in parts:
            for n, line in enumerate(lines, start=1):
                first = "" if kind == "p" else ("- " if kind == "ul" else f"{n}. ")
                out.append(textwrap.fill(line, width, initial_indent=first, subsequent_indent=" " * len(first)))
        out.append("")
    return "\n".join(out).rstrip()


def exam_text(questions: Sequence[ExamQuestion], values: Mapping[str, Any] | None = None,
              *, title: str = "Exam practice") -> str:
    """Plain-text version of the exam practice: each question, then its model answer and marking scheme."""
    lines = [title, "=" * len(title), "Try each question first; the model answer follows it."]
    for q in questions:
        lines += ["", textwrap.fill(f"{q.id} [{q.marks} marks, {q.topic}] {q.question}", 110), "",
                  "Model answer:", _wrap_text(render_answer(q, values)), "", f"Marking scheme ({q.marks} marks):"]
        lines += _scheme_text(q)
    return "\n".join(lines)


def _scheme_html(question: ExamQuestion) -> str:
    return "<ul>" + "".join(f"<li>[{m}] {html.escape(p)}</li>" for p, m in question.marking_scheme) + "</ul>"


def exam_html(questions: Sequence[ExamQuestion], values: Mapping[str, Any] | None = None,
              *, title: str = "Exam practice") -> str:
    """Static HTML of the exam practice (a notebook viewed without a kernel): every question, its model
    answer and marking scheme behind a click (``<details>``), as the widget's accordions are.

    >>> "Model answer" in exam_html(load_exam_questions(2)[:1])
    True
    """
    parts = [f'<div class="mm-exam-static"><h4>{html.escape(title)}</h4>'
             "<p>Try each question first; then open its model answer.</p>"]
    for q in questions:
        parts += [f'<div class="mm-exam-q"><p><b>{q.id}</b> [{q.marks} marks, {html.escape(q.topic)}]</p>',
                  _md_html(q.question),
                  f"<details><summary>Model answer</summary>{_md_html(render_answer(q, values))}</details>",
                  f"<details><summary>Marking scheme ({q.marks} marks)</summary>{_scheme_html(q)}</details></div>"]
    return "".join(parts) + "</div>"


def _md_html(text: str) -> str:
    """A small Markdown subset to HTML: paragraphs, '-' and '1.' lists, **bold**, *italic*, `code`."""
    def inline(s: str) -> str:
        s = html.escape(s, quote=False)
        s = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)
        s = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", s)
        return re.sub(r"`([^`]+)`", r"<code>\1</code>", s)

    out: list[str] = []
    for parts in _blocks(text):
        for kind, lines in parts:
            if kind == "p":
                out += [f"<p>{inline(line)}</p>" for line in lines]
            else:
                out.append(f"<{kind}>" + "".join(f"<li>{inline(i)}</li>" for i in lines) + f"</{kind}>")
    return "".join(out)


class ExamPractice(widgets.VBox):
    """Exam questions with their model answers and marking schemes hidden in a closed Accordion.

    Its text representation is :func:`exam_text`, so a notebook without a
    widget frontend still shows every question and answer. CSS classes for
    browser tests: ``mm-exam``, ``mm-exam-q``, ``mm-exam-<id>``, ``mm-exam-answer``.
    """

    def __init__(self, questions: Sequence[ExamQuestion], values: Mapping[str, Any] | None = None,
                 title: str = "Exam practice") -> None:
        self.questions = list(questions)
        self.values = dict(values or {})
        self.title = title
        answers = {q.id: render_answer(q, self.values) for q in self.questions}  # fail early on a missing value
        self.accordions: dict[str, Any] = {}
        boxes = [widgets.HTML(f"<h4>{html.escape(title)}</h4>")]
        for q in self.questions:
            head = widgets.HTML(f"<b>{q.id}</b> [{q.marks} marks, {html.escape(q.topic)}]<br>{_md_html(q.question)}")
            accordion = widgets.Accordion(children=[widgets.HTML(_md_html(answers[q.id])), widgets.HTML(_scheme_html(q))],
                                          titles=("Model answer", f"Marking scheme ({q.marks} marks)"))
            accordion.selected_index = None  # closed: try the question first
            accordion.add_class("mm-exam-answer")
            self.accordions[q.id] = accordion
            box = widgets.VBox([head, accordion])
            box.add_class("mm-exam-q")
            box.add_class(f"mm-exam-{q.id}")
            boxes.append(box)
        super().__init__(boxes)
        self.add_class("mm-exam")

    def reveal(self, qid: str) -> None:
        """Open the model answer of one question (the same as clicking it)."""
        if qid not in self.accordions:
            raise ValueError(f"no question {qid!r} here; choose one of {', '.join(self.accordions)}.")
        self.accordions[qid].selected_index = 0

    def __repr__(self) -> str:
        return exam_text(self.questions, self.values, title=self.title)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:  # text and HTML views for static renderers
        return {**(super()._repr_mimebundle_(**kwargs) or {}), "text/plain": repr(self),
                "text/html": exam_html(self.questions, self.values, title=self.title)}


def exam_practice(marks: int | None = None, values: Mapping[str, Any] | None = None, *, topic: str | None = None
                  ) -> ExamPractice:
    """Exam questions with model answers hidden until clicked (text without a widget frontend).

    >>> practice = exam_practice(2, values={"micro_revenue": 121807.91, "micro_spend": 15278.76, "micro_roas": 7.97})
    >>> len(practice.questions) >= 4
    True
    """
    questions = load_exam_questions(marks, topic=topic)
    if not questions:
        raise ValueError(f"there are no exam questions for marks={marks!r}, topic={topic!r}.")
    title = f"Exam practice: {marks}-mark questions" if marks else "Exam practice"
    return ExamPractice(questions, values, title=title)
