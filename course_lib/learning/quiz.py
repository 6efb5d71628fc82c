"""Multiple-choice self-checks: the question bank, answers and the quiz widget.

Questions are data: YAML files by topic in ``data/questions/`` (topics listed with a
description in ``topics.yaml``). Each file is ``{questions: [...]}``; a question has::

    id: levels-03                  # unique across the bank
    type: single                   # single | multiple | true_false | numeric
    topic: segmentation-levels     # a key of topics.yaml
    difficulty: easy               # easy | medium | hard
    notebook: 02-segmentation-levels
    prompt: Which level ...?
    options:                       # not for numeric; every option explains itself
      a: {text: ..., explanation: ...}
    answer: b                      # single: a key; multiple: a list; true_false: true/false
    # numeric: answer: {value: 2.5, tolerance: 0.01}, explanation: ...,
    #          mistakes: [{value: 250, explanation: ...}], unit: ... (optional)
    standalone: false              # optional: refers to its notebook's results (default true)

In a notebook: ``self_check("02-segmentation-levels")`` (the widget, text without a
frontend) and ``answer("levels-03", "b")`` (the same feedback as plain text).

>>> grade_answer("start-01", "z").status
'incorrect'
"""

from __future__ import annotations

import math
import os
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from course_lib.base import paths
from course_lib.learning.feedback import Feedback, code_spans, show
from course_lib.learning.progress import record_result
from course_lib.base.content import ContentError, read_yaml

__all__ = [
    "QUESTIONS_DIR", "QUESTION_TYPES", "DIFFICULTIES", "QuestionBankError", "Option", "Question",
    "validate_bank", "load_bank", "load_topics", "get_question", "grade_answer", "answer", "quiz_text",
    "quiz_html", "self_check", "QuizWidget", "CASE_CHAPTERS",
]

#: Where the question bank lives.
QUESTIONS_DIR: Path = paths.DATA_DIR / "questions"
#: The file in that folder listing the allowed topics (not a question file).
TOPICS_FILE: str = "topics.yaml"
QUESTION_TYPES: tuple[str, ...] = ("single", "multiple", "true_false", "numeric")
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
#: Notebook numbers of the worked cases: their questions only make sense after the case chapter.
CASE_CHAPTERS: tuple[str, ...] = ("13", "14", "15", "16")
#: The seed each question was last shown with (by the widget or its text), so that
#: :func:`answer` grades the letters the student saw.
_SHOWN: dict[str, int] = {}

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_STEM = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEY = re.compile(r"^[a-z0-9_]+$")
_REQUIRED = ("id", "type", "topic", "difficulty", "notebook", "prompt", "answer")
_ALLOWED = {
    "single": set(_REQUIRED) | {"options", "standalone"},
    "multiple": set(_REQUIRED) | {"options", "standalone"},
    "true_false": set(_REQUIRED) | {"options", "standalone"},
    "numeric": set(_REQUIRED) | {"explanation", "mistakes", "unit", "standalone"},
}


class QuestionBankError(ValueError):
    """The question bank has malformed questions; ``errors`` lists every problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__(
            f"{len(self.errors)} problem(s) in the question bank:\n" + "\n".join(f"- {e}" for e in self.errors)
        )


@dataclass(frozen=True)
class Option:
    """One answer option of a choice question."""

    key: str
    text: str
    explanation: str
    correct: bool


@dataclass(frozen=True)
class Question:
    """One question of the bank (see the module docstring for the fields)."""

    id: str
    type: str
    prompt: str
    topic: str
    difficulty: str
    notebook: str
    options: tuple[Option, ...] = ()
    value: float | None = None
    tolerance: float = 0.0
    explanation: str = ""
    unit: str = ""
    mistakes: tuple[tuple[float, str], ...] = ()
    standalone: bool = True
    source: str = field(default="", compare=False)

    @property
    def correct_keys(self) -> tuple[str, ...]:
        """Keys of the correct options (empty for numeric questions)."""
        return tuple(o.key for o in self.options if o.correct)

    def option(self, key: str) -> Option:
        """Return the option with this key (``ValueError`` if there is none)."""
        for opt in self.options:
            if opt.key == key:
                return opt
        raise ValueError(f"question {self.id!r} has no option {key!r} (options: {', '.join(self.keys())}).")

    def keys(self) -> list[str]:
        """Option keys in bank order."""
        return [o.key for o in self.options]

    def presented(self, seed: int = 0) -> list[tuple[str, Option]]:
        """Options as shown: ``(label, option)`` pairs, shuffled with ``seed`` and relabelled a, b, ...

        True/false keeps ``true``, ``false``; :func:`answer` and the widget use the same labels.
        """
        opts = list(self.options)
        if self.type == "true_false":
            return [(o.key, o) for o in sorted(opts, key=lambda o: o.key != "true")]
        random.Random(f"{seed}:{self.id}").shuffle(opts)
        return [(chr(ord("a") + i), o) for i, o in enumerate(opts)]

    def labels(self, seed: int = 0) -> list[str]:
        """The labels students choose from, in display order."""
        return [label for label, _ in self.presented(seed)]

    @property
    def case_chapter(self) -> str | None:
        """The case notebook (13-16) this question needs, or None for a question that stands on its own.

        >>> get_question("start-01").case_chapter is None
        True
        """
        return self.notebook if self.notebook[:2] in CASE_CHAPTERS else None


# --------------------------------------------------------------------------- loading and schema


def _key(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw).strip().lower()


def _nonempty_str(x: Any) -> bool:
    return isinstance(x, str) and bool(x.strip())


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _parse_question(raw: Any, where: str, errors: list[str]) -> Question | None:
    if not isinstance(raw, dict):
        errors.append(f"{where}: each question must be a mapping (id: ..., type: ...), got {type(raw).__name__}.")
        return None
    qid = raw.get("id")
    label = f"{where} question {qid!r}" if qid is not None else f"{where} (question without id)"
    n_before = len(errors)
    for name in _REQUIRED:
        if name not in raw:
            errors.append(f"{label}: missing field {name!r}.")
    if not (isinstance(qid, str) and _ID.match(qid)):
        errors.append(f"{label}: id must be lowercase words joined by dashes, e.g. 'levels-03'.")
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        errors.append(f"{label}: type must be one of {', '.join(QUESTION_TYPES)}; got {qtype!r}.")
        return None
    unknown = sorted(set(map(str, raw)) - _ALLOWED[qtype])
    if unknown:
        errors.append(f"{label}: unknown field(s) {', '.join(map(repr, unknown))} for a {qtype} question.")
    for name in ("prompt", "topic"):
        if name in raw and not _nonempty_str(raw[name]):
            errors.append(f"{label}: {name} must be non-empty text.")
    if "topic" in raw and _nonempty_str(raw["topic"]) and not _ID.match(raw["topic"]):
        errors.append(f"{label}: topic must be lowercase words joined by dashes, got {raw['topic']!r}.")
    if "difficulty" in raw and raw["difficulty"] not in DIFFICULTIES:
        errors.append(f"{label}: difficulty must be one of {', '.join(DIFFICULTIES)}; got {raw['difficulty']!r}.")
    if "notebook" in raw and not (isinstance(raw["notebook"], str) and _STEM.match(raw["notebook"])):
        errors.append(f"{label}: notebook must be a file stem like '01-what-is-micromarketing'; got {raw['notebook']!r}.")

    options: list[Option] = []
    value, tolerance, explanation, unit, mistakes = None, 0.0, "", "", []
    if qtype == "numeric":
        ans = raw.get("answer")
        if not isinstance(ans, dict) or set(ans) != {"value", "tolerance"}:
            errors.append(f"{label}: a numeric answer must be {{value: <number>, tolerance: <number >= 0>}}.")
        else:
            if not _number(ans["value"]):
                errors.append(f"{label}: answer value must be a finite number, got {ans['value']!r}.")
            if not _number(ans["tolerance"]) or ans["tolerance"] < 0:
                errors.append(f"{label}: answer tolerance must be a number >= 0, got {ans['tolerance']!r}.")
            else:
                value, tolerance = ans["value"], float(ans["tolerance"])
        if not _nonempty_str(raw.get("explanation")):
            errors.append(f"{label}: a numeric question needs an explanation of how to get the value.")
        explanation = raw.get("explanation") or ""
        unit = raw.get("unit") or ""
        if "unit" in raw and not isinstance(raw["unit"], str):
            errors.append(f"{label}: unit must be text.")
        for i, m in enumerate(raw.get("mistakes") or []):
            if not (isinstance(m, dict) and set(m) == {"value", "explanation"} and _number(m["value"])
                    and _nonempty_str(m["explanation"])):
                errors.append(f"{label}: mistake {i + 1} must be {{value: <number>, explanation: <text>}}.")
            else:
                if value is not None and abs(m["value"] - value) <= tolerance:
                    errors.append(f"{label}: mistake {i + 1} ({m['value']}) is within the tolerance of the answer.")
                mistakes.append((float(m["value"]), m["explanation"]))
    else:
        raw_opts = raw.get("options")
        if not isinstance(raw_opts, dict) or len(raw_opts) < 2:
            errors.append(f"{label}: options must be a mapping of at least two keys (a: ..., b: ...).")
            raw_opts = {}
        keys = [_key(k) for k in raw_opts]
        if len(set(keys)) != len(keys):
            errors.append(f"{label}: option keys are duplicated.")
        if qtype == "true_false" and raw_opts and sorted(keys) != ["false", "true"]:
            errors.append(f"{label}: a true_false question has exactly the options 'true' and 'false'.")
        ans = raw.get("answer")
        if qtype == "single":
            correct = [_key(ans)] if isinstance(ans, (str, int)) and not isinstance(ans, bool) else None
            if correct is None:
                errors.append(f"{label}: a single-choice answer must be one option key, got {ans!r}.")
        elif qtype == "true_false":
            correct = [_key(ans)] if isinstance(ans, bool) else None
            if correct is None:
                errors.append(f"{label}: a true_false answer must be true or false, got {ans!r}.")
        else:
            if not isinstance(ans, list) or not ans:
                errors.append(f"{label}: a multiple-select answer must be a non-empty list of option keys.")
                correct = None
            else:
                correct = [_key(a) for a in ans]
                if len(set(correct)) != len(correct):
                    errors.append(f"{label}: the answer lists an option twice.")
                if raw_opts and len(set(correct)) >= len(keys):
                    errors.append(f"{label}: every option is correct; keep at least one wrong option.")
        for k in correct or []:
            if raw_opts and k not in keys:
                errors.append(f"{label}: the answer {k!r} is not one of the options ({', '.join(keys)}).")
        for raw_key, opt in raw_opts.items():
            k = _key(raw_key)
            if not _KEY.match(k):
                errors.append(f"{label}: option key {raw_key!r} must be a short lowercase key like 'a'.")
            if qtype == "true_false" and isinstance(opt, str):
                opt = {"explanation": opt}
            if not isinstance(opt, dict):
                errors.append(f"{label}: option {k!r} must be {{text: ..., explanation: ...}}.")
                continue
            extra = set(opt) - {"text", "explanation"}
            if extra:
                errors.append(f"{label}: option {k!r} has unknown field(s) {', '.join(sorted(map(repr, extra)))}.")
            text = opt.get("text", k.capitalize() if qtype == "true_false" else None)
            if not _nonempty_str(text):
                errors.append(f"{label}: option {k!r} has no text.")
            if not _nonempty_str(opt.get("explanation")):
                errors.append(f"{label}: option {k!r} has no explanation (every option must say why it is right or wrong).")
            options.append(Option(k, str(text or "").strip(), str(opt.get("explanation") or "").strip(),
                                  k in (correct or [])))
    if not isinstance(raw.get("standalone", True), bool):
        errors.append(f"{label}: standalone must be true or false, got {raw['standalone']!r}.")
    if len(errors) > n_before:
        return None
    return Question(
        id=qid,
        type=qtype,
        prompt=raw["prompt"].strip(),
        topic=raw["topic"],
        difficulty=raw["difficulty"],
        notebook=raw["notebook"],
        options=tuple(options),
        value=None if value is None else float(value),
        tolerance=tolerance,
        explanation=explanation.strip(),
        unit=unit.strip(),
        mistakes=tuple(mistakes),
        standalone=raw.get("standalone", True) is not False,
        source=where,
    )


def _read_topics(directory: Path, errors: list[str]) -> dict[str, str] | None:
    """Read ``topics.yaml`` (``{topics: {name: description}}``); None when the folder has none."""
    path = directory / TOPICS_FILE
    if not path.is_file():
        return None
    try:
        data = read_yaml(path, expect=object, what="topics")
    except ContentError as exc:
        errors.append(str(exc))
        return None
    table = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(table, dict) or not table or not all(
        isinstance(k, str) and _ID.match(k) and _nonempty_str(v) for k, v in table.items()
    ):
        errors.append(f"{TOPICS_FILE}: must hold 'topics:', a mapping of topic names (lowercase-dashed) to descriptions.")
        return None
    return {str(k): str(v).strip() for k, v in table.items()}


def load_topics(directory: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Return the question topics, ``{name: description}`` (``QuestionBankError`` if missing or malformed).

    >>> "rfm" in load_topics()
    True
    """
    folder = _directory(directory)
    errors: list[str] = []
    topics = _read_topics(folder, errors)
    if topics is None:
        raise QuestionBankError(errors or [f"{folder / TOPICS_FILE}: the topics file does not exist."])
    return topics


def _read_bank(directory: Path) -> tuple[list[Question], list[str]]:
    if not directory.is_dir():
        return [], [f"{directory}: the question folder does not exist."]
    errors: list[str] = []
    questions: list[Question] = []
    seen: dict[str, str] = {}
    files = [f for f in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")) if f.name != TOPICS_FILE]
    if not files:
        errors.append(f"{directory}: no *.yaml question files.")
    topics = _read_topics(directory, errors)
    for file in files:
        where = file.name
        try:
            data = read_yaml(file, expect=object, what="question")
        except ContentError as exc:
            errors.append(str(exc))
            continue
        if not isinstance(data, dict) or set(data) != {"questions"} or not isinstance(data["questions"], list):
            errors.append(f"{where}: the file must contain one key, 'questions', holding a list of questions.")
            continue
        for raw in data["questions"]:
            q = _parse_question(raw, where, errors)
            if q is not None and topics is not None and q.topic not in topics:
                errors.append(
                    f"{where} question {q.id!r}: topic {q.topic!r} is not listed in {TOPICS_FILE}; "
                    f"use one of {', '.join(topics)}."
                )
                q = None
            qid = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(qid, str):
                if qid in seen:
                    errors.append(f"{where} question {qid!r}: duplicate id (also in {seen[qid]}).")
                    continue
                seen[qid] = where
            if q is not None:
                questions.append(q)
    return questions, errors


def _directory(directory: str | os.PathLike[str] | None) -> Path:
    if directory is None:
        return QUESTIONS_DIR
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory must be a folder path, got {type(directory).__name__}.")
    return Path(directory)


def validate_bank(directory: str | os.PathLike[str] | None = None) -> list[str]:
    """Check every question file; return the problems found, each naming file and question id.

    >>> validate_bank()
    []
    """
    return _read_bank(_directory(directory))[1]


_CACHE: dict[Path, tuple[tuple[tuple[str, float], ...], list[Question]]] = {}


def load_bank(directory: str | os.PathLike[str] | None = None, *, notebook: str | None = None,
              topic: str | None = None) -> list[Question]:
    """Load the question bank (files sorted by name), optionally only one notebook's or topic's.

    Raises ``QuestionBankError`` listing every problem when any question is malformed.

    >>> [q.id for q in load_bank(notebook="00-start-here")][:2]
    ['start-01', 'start-02']
    """
    folder = _directory(directory)
    files = sorted(folder.glob("*.y*ml")) if folder.is_dir() else []  # topics.yaml included: it changes validity
    stamp = tuple((str(f), f.stat().st_mtime) for f in files)
    cached = _CACHE.get(folder)
    if cached is not None and cached[0] == stamp:
        questions = cached[1]
    else:
        questions, errors = _read_bank(folder)
        if errors:
            raise QuestionBankError(errors)
        _CACHE[folder] = (stamp, questions)
    if notebook is not None:
        if not isinstance(notebook, str):
            raise TypeError(f"notebook must be a str like '02-segmentation-levels', got {type(notebook).__name__}.")
        questions = [q for q in questions if q.notebook == notebook]
    if topic is not None:
        if not isinstance(topic, str):
            raise TypeError(f"topic must be a str, got {type(topic).__name__}.")
        questions = [q for q in questions if q.topic == topic]
    return list(questions)


def get_question(qid: str, directory: str | os.PathLike[str] | None = None) -> Question:
    """Return the question with id ``qid`` (``ValueError`` naming close ids if unknown).

    >>> get_question("start-01").type
    'single'
    """
    if not isinstance(qid, str):
        raise TypeError(f"qid must be a question id (str) such as 'start-01', got {type(qid).__name__}.")
    bank = load_bank(directory)
    for q in bank:
        if q.id == qid.strip():
            return q
    import difflib

    close = difflib.get_close_matches(qid, [q.id for q in bank], n=3)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    raise ValueError(f"there is no question {qid!r} in the bank.{hint}")


# --------------------------------------------------------------------------- grading


def _parse_choice(question: Question, choice: Any, seed: int) -> tuple[set[str] | float | None, str | None]:
    """Normalise a student's choice; return (chosen labels or number, problem message)."""
    if choice is None:
        return None, "no answer was given."
    if question.type == "numeric":
        if isinstance(choice, str):
            try:
                choice = float(choice.strip().rstrip("%").replace(",", ""))
            except ValueError:
                return None, f"{choice!r} is not a number."
        if isinstance(choice, bool) or not isinstance(choice, (int, float)) or not math.isfinite(choice):
            return None, f"the answer should be a number, got {choice!r}."
        return float(choice), None
    labels = question.labels(seed)
    if question.type == "true_false" and isinstance(choice, bool):
        return {_key(choice)}, None
    if isinstance(choice, str):
        parts = [p for p in re.split(r"[\s,;]+", choice.strip().lower()) if p]
    elif isinstance(choice, (list, tuple, set, frozenset)):
        parts = [_key(p) for p in choice]
    else:
        return None, f"the answer should be an option letter such as {labels[0]!r}, got {choice!r}."
    chosen = set(parts)
    unknown = sorted(chosen - set(labels))
    if unknown:
        return None, f"{', '.join(map(repr, unknown))} is not an option; choose from {', '.join(labels)}."
    if not chosen:
        return None, "no option was chosen."
    if question.type in {"single", "true_false"} and len(chosen) > 1:
        return None, "choose exactly one option."
    return chosen, None


def grade_answer(qid: str | Question, choice: Any, *, seed: int = 0) -> Feedback:
    """Judge an answer and return its :class:`Feedback`, without saving or showing it.

    ``choice`` is an option letter as displayed (``"b"``), several for multiple select
    (``["a", "c"]`` or ``"a, c"``), ``True``/``False``, or a number (``"3%"`` reads as 3);
    letters depend on ``seed``. The message explains every chosen option; an unusable
    choice is ``"incorrect"`` with the reason.

    >>> grade_answer("start-01", "z").message
    "'z' is not an option; choose from a, b, c, d."
    """
    question = qid if isinstance(qid, Question) else get_question(qid)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}.")
    parsed, problem = _parse_choice(question, choice, seed)
    if problem is not None:
        return Feedback("incorrect", problem)
    if question.type == "numeric":
        assert isinstance(parsed, float) and question.value is not None
        unit = f" {question.unit}" if question.unit else ""
        if abs(parsed - question.value) <= question.tolerance + 1e-12:
            return Feedback("correct", question.explanation)
        for wrong, why in question.mistakes:
            if abs(parsed - wrong) <= max(question.tolerance, 1e-9):
                return Feedback("incorrect", f"{parsed:g}{unit} is not right. {why}")
        return Feedback("incorrect", f"{parsed:g}{unit} is not right. Hint: {question.explanation}")
    assert isinstance(parsed, set)
    presented = question.presented(seed)
    right = {label for label, opt in presented if opt.correct}
    lines = [f"({label}) {opt.explanation}" for label, opt in presented if label in parsed]
    if parsed == right:
        return Feedback("correct", " ".join(lines))
    if question.type == "multiple":
        missed = len(right - parsed)
        if missed:
            lines.append(f"You missed {missed} correct option{'s' if missed > 1 else ''}.")
    return Feedback("incorrect", " ".join(lines))


def answer(qid: str, choice: Any, *, seed: int | None = None) -> None:
    """Answer a question from code: show the widget's feedback as text and save the result.

    The letters are those the question was last shown with (a self-check or the drill,
    whatever its seed); pass ``seed`` to grade against another presentation.

    >>> answer("start-01", "z")  # doctest: +SKIP
    Incorrect: 'z' is not an option; choose from a, b, c, d.
    """
    question = get_question(qid)
    if seed is None:
        seed = _SHOWN.get(question.id, 0)
    feedback = grade_answer(question, choice, seed=seed)
    record_result("quiz", question.id, feedback.status, topic=question.topic, notebook=question.notebook)
    show(feedback)


def _choice_hint(question: Question, seed: int = 0) -> str:
    if question.type == "numeric":
        unit = f" (in {question.unit})" if question.unit else ""
        return f'answer("{question.id}", <number>){unit}'
    if question.type == "true_false":
        return f'answer("{question.id}", True) or answer("{question.id}", False)'
    extra = f", seed={seed}" if seed else ""  # the letters above are those of this seed
    if question.type == "multiple":
        return f'answer("{question.id}", ["a", "c", ...]{extra})  (select all that apply)'
    return f'answer("{question.id}", "<letter>"{extra})'


def _shown(questions: Sequence[Question], seed: int) -> None:
    for q in questions:
        _SHOWN[q.id] = seed


def quiz_text(questions: Sequence[Question], seed: int = 0, *, title: str = "Self-check") -> str:
    """Render questions as plain text (what the widget shows without a frontend).

    >>> print(quiz_text(load_bank(notebook="00-start-here")[:1]).splitlines()[0])
    Self-check (1 question). Answer with answer("<id>", ...) or use the widget.
    """
    _shown(questions, seed)
    n = len(questions)
    lines = [f"{title} ({n} question{'s' if n != 1 else ''}). Answer with answer(\"<id>\", ...) or use the widget."]
    for i, q in enumerate(questions, 1):
        lines.append("")
        lines.append(f"{i}. [{q.id}] {q.prompt}")
        for label, opt in q.presented(seed):
            lines.append(f"   ({label}) {opt.text}")
        lines.append(f"   -> {_choice_hint(q, seed)}")
    return "\n".join(lines)


def quiz_html(questions: Sequence[Question], seed: int = 0, *, title: str = "Self-check") -> str:
    """The quiz as static HTML (a notebook viewed without a kernel): prompts and options, no answers.

    >>> "<code>____</code>" in quiz_html([get_question("start-01")])
    True
    """
    _shown(questions, seed)
    items = []
    for q in questions:
        opts = "".join(f"<li>({label}) {code_spans(o.text)}</li>" for label, o in q.presented(seed))
        how = code_spans(f"`{_choice_hint(q, seed)}`")
        items.append(f'<li><b>{code_spans(q.prompt)}</b> <small>[{q.id}]</small>'
                     f'<ul style="list-style:none">{opts}</ul><small>{how}</small></li>')
    n = len(questions)
    return (f'<div class="mm-quiz-static"><h4>{code_spans(title)}</h4><p>{n} question{"s" if n != 1 else ""}. '
            "Run the notebook to check your answers here, or answer in code as shown.</p>"
            f'<ol>{"".join(items)}</ol></div>')


# --------------------------------------------------------------------------- widget

try:  # ipywidgets is a course dependency; the text fallback still works without it
    import ipywidgets as widgets
except ImportError:  # pragma: no cover
    widgets = None  # type: ignore[assignment]


class _QuestionPanel:
    """Widgets for one question; kept separate so tests can drive them."""

    def __init__(self, question: Question, seed: int, on_change: Any) -> None:
        self.question = question
        self.seed = seed
        self.correct: bool | None = None
        self._on_change = on_change
        opts = question.presented(seed)
        _shown([question], seed)
        prompt = widgets.HTML(f"<b>{code_spans(question.prompt)}</b>")
        prompt.add_class("mm-prompt")
        self._labels = [label for label, _ in opts]
        if question.type == "numeric":
            self.input = widgets.Text(placeholder="a number" + (f" ({question.unit})" if question.unit else ""))
        else:  # one box per option, its text as HTML so `code` shows as code; single choice: one box at a time
            boxes = [widgets.Checkbox(value=False, description=f"({label}) {code_spans(o.text)}", indent=False,
                                      description_allow_html=True, layout=widgets.Layout(width="auto"))
                     for label, o in opts]
            if question.type != "multiple":
                for box in boxes:
                    box.observe(self._only_one, names="value")
            self.input = widgets.VBox(boxes)
        self.input.add_class("mm-options")
        self.button = widgets.Button(description="Check", button_style="primary")
        self.button.add_class("mm-check")
        self.feedback = widgets.HTML("")
        self.feedback.add_class("mm-feedback")
        self.button.on_click(lambda _b: self.check())
        self.box = widgets.VBox([prompt, self.input, self.button, self.feedback])
        self.box.add_class("mm-question")
        self.box.add_class(f"mm-q-{question.id}")

    def _only_one(self, change: dict[str, Any]) -> None:
        if change["new"]:
            for box in self.input.children:
                if box is not change["owner"]:
                    box.value = False

    def select(self, *labels: str) -> None:
        """Tick these option labels (and untick the rest), as a student would."""
        for label, box in zip(self._labels, self.input.children, strict=True):
            box.value = label in labels

    def choice(self) -> Any:
        if self.question.type == "numeric":
            return self.input.value.strip() or None
        chosen = [k for k, cb in zip(self._labels, self.input.children, strict=True) if cb.value]
        if self.question.type == "multiple":
            return chosen
        return chosen[0] if chosen else None

    def check(self) -> Feedback:
        fb = grade_answer(self.question, self.choice(), seed=self.seed)
        self.correct = fb.status == "correct"
        record_result("quiz", self.question.id, fb.status, topic=self.question.topic,
                      notebook=self.question.notebook)
        self.feedback.value = fb._repr_html_()  # coloured, with an icon (see learning.feedback)
        self._on_change()
        return fb


if widgets is not None:

    class QuizWidget(widgets.VBox):
        """The quiz: a panel per question with a Check button, and a score; its text form is :func:`quiz_text`.

        Shows at most ``per_page`` questions at a time, in pages of even size (16 questions: two
        pages of 8), with Previous / Next when there is more than one page.
        CSS classes for browser tests: ``mm-quiz``, ``mm-question``, ``mm-q-<id>``,
        ``mm-options``, ``mm-check``, ``mm-feedback`` (``mm-correct``/``mm-incorrect``), ``mm-score``,
        ``mm-page``, ``mm-prev-page``, ``mm-next-page``.
        """

        def __init__(self, questions: Sequence[Question], seed: int = 0, title: str = "Self-check",
                     per_page: int = 10) -> None:
            if isinstance(per_page, bool) or not isinstance(per_page, int) or per_page < 1:
                raise ValueError(f"per_page must be a whole number >= 1, got {per_page!r}.")
            self.questions = list(questions)
            self.seed = seed
            self.title = title
            self.per_page = math.ceil(len(questions) / math.ceil(len(questions) / per_page)) if questions else 1
            self.page = 0
            self.panels = [_QuestionPanel(q, seed, self._update_score) for q in self.questions]
            self.score_label = widgets.HTML()
            self.score_label.add_class("mm-score")
            header = widgets.HTML(f"<h4>{code_spans(title)}</h4>")
            self.page_label = widgets.Label()
            self.page_label.add_class("mm-page")
            nav = []
            for text, css, step in (("\u2039 Previous questions", "mm-prev-page", -1),
                                    ("Next questions \u203a", "mm-next-page", 1)):
                button = widgets.Button(description=text, layout=widgets.Layout(width="auto"))
                button.add_class(css)
                button.on_click(lambda _b, step=step: self.go(self.page + step))
                nav.append(button)
            self.nav = widgets.HBox([nav[0], self.page_label, nav[1]])
            self.nav.layout.display = None if len(self.panels) > self.per_page else "none"
            super().__init__([header] + [p.box for p in self.panels] + [self.nav, self.score_label])
            self.add_class("mm-quiz")
            self.go(0)
            self._update_score()

        @property
        def pages(self) -> int:
            """Number of pages of ``per_page`` questions."""
            return max(1, math.ceil(len(self.panels) / self.per_page))

        def go(self, page: int) -> None:
            """Show page ``page`` (0-based, clipped to the pages there are)."""
            self.page = min(max(page, 0), self.pages - 1)
            first = self.page * self.per_page
            for i, panel in enumerate(self.panels):
                panel.box.layout.display = None if first <= i < first + self.per_page else "none"
            last = min(first + self.per_page, len(self.panels))
            self.page_label.value = f"Questions {first + 1}-{last} of {len(self.panels)}"
            self.nav.children[0].disabled = self.page == 0
            self.nav.children[2].disabled = self.page == self.pages - 1

        @property
        def score(self) -> int:
            """Number of questions whose latest check was correct."""
            return sum(bool(p.correct) for p in self.panels)

        def _update_score(self) -> None:
            checked = sum(p.correct is not None for p in self.panels)
            self.score_label.value = f"Score: {self.score} / {len(self.panels)} (checked {checked})"

        def __repr__(self) -> str:
            return quiz_text(self.questions, self.seed, title=self.title)

        def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
            bundle = super()._repr_mimebundle_(**kwargs) or {}
            bundle["text/plain"] = quiz_text(self.questions, self.seed, title=self.title)
            bundle["text/html"] = quiz_html(self.questions, self.seed, title=self.title)  # static views
            return bundle

else:  # pragma: no cover

    class QuizWidget:  # type: ignore[no-redef]
        """Text-only stand-in used when ipywidgets is not installed."""

        def __init__(self, questions: Sequence[Question], seed: int = 0, title: str = "Self-check") -> None:
            self.questions, self.seed, self.title = list(questions), seed, title

        def __repr__(self) -> str:
            return quiz_text(self.questions, self.seed, title=self.title)


def self_check(notebook: str, *, seed: int = 0, topic: str | None = None,
               ids: Iterable[str] | None = None) -> QuizWidget:
    """Return the self-check quiz for a notebook stem (optionally one ``topic`` or these ``ids``).

    >>> len(self_check("00-start-here").questions) >= 5
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}.")
    questions = load_bank(notebook=notebook, topic=topic)
    if ids is not None:
        if isinstance(ids, str):
            raise TypeError("ids must be a list of question ids, not a single string.")
        by_id = {q.id: q for q in questions}
        wanted = list(ids)
        missing = [i for i in wanted if i not in by_id]
        if missing:
            raise ValueError(f"no question(s) {', '.join(map(repr, missing))} for notebook {notebook!r}.")
        questions = [by_id[i] for i in wanted]
    if not questions:
        raise ValueError(f"there are no questions for notebook {notebook!r}" + (f" and topic {topic!r}." if topic else "."))
    if ids is None:  # open with the chapter's own file (the one holding most of its questions)
        per_file = {f: sum(q.source == f for q in questions) for f in {q.source for q in questions}}
        questions.sort(key=lambda q: (-per_file[q.source], q.source))
    return QuizWidget(questions, seed=seed, title=f"Self-check: {notebook}")
