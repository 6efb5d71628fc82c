"""Mock exams: a randomized, topic-balanced paper and its answer key.

``python -m course_lib mock-exam --questions 20 --seed 7 --out DIR`` writes ``FILES``
(paper and answer key, Markdown and printable self-contained HTML) into ``DIR``. The same
seed gives the same paper, byte for byte. Questions are drawn from the whole bank without
repetition, spread over the topics as evenly as the bank allows; ``standalone: false``
questions (about a notebook's own results) are never drawn. A question about a worked case
(chapters 13-16) is labelled with the case it needs on the paper and in the key; ``cases=False``
(``--no-cases``, for a paper set before the cases are taught) leaves them out.

>>> exam = build_mock_exam(10, seed=7)
>>> len(exam.questions), len({q.id for q in exam.questions}), build_mock_exam(10, seed=7).ids() == exam.ids()
(10, 10, True)
"""

from __future__ import annotations

import html
import os
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from course_lib.base.files import ArgumentParser, check_writable, number_in, staged_folder
from course_lib.learning.progress import atomic_write_text
from course_lib.learning.quiz import Question, load_bank

__all__ = [
    "MockExam", "build_mock_exam", "allocate_by_topic", "paper_markdown", "key_markdown", "paper_html",
    "key_html", "write_mock_exam", "main",
]

#: Topics left out unless asked for: questions about using the course, not about marketing.
EXCLUDED_BY_DEFAULT: tuple[str, ...] = ("how-the-course-works",)

#: Files written by :func:`write_mock_exam`, in order.
FILES: tuple[str, ...] = ("paper.md", "paper.html", "answer-key.md", "answer-key.html")


@dataclass(frozen=True)
class MockExam:
    """A drawn paper: its questions in order, and how they were drawn."""

    questions: tuple[Question, ...]
    seed: int
    title: str = "Micromarketing and micro-targeting: mock exam"

    def ids(self) -> list[str]:
        """Question ids in paper order."""
        return [q.id for q in self.questions]

    def to_frame(self) -> pd.DataFrame:
        """One row per question: number, id, topic, difficulty, type, notebook."""
        qs = self.questions
        return pd.DataFrame({"number": range(1, len(qs) + 1),
                             **{f: [getattr(q, f) for q in qs] for f in ("id", "topic", "difficulty", "type", "notebook")}})


def allocate_by_topic(n_questions: int, available: dict[str, int], *, seed: int = 0) -> dict[str, int]:
    """Split ``n_questions`` over topics (``{topic: questions available}``) as evenly as possible.

    Each topic gets ``n // topics``; ``seed`` picks the topics that get the remainder; a topic
    too small gives its shortfall to the others. Topics allocated nothing are left out.

    >>> allocate_by_topic(5, {"a": 9, "b": 1, "c": 9}, seed=0)
    {'a': 2, 'b': 1, 'c': 2}
    """
    if isinstance(n_questions, bool) or not isinstance(n_questions, int):
        raise TypeError(f"n_questions must be an int, got {type(n_questions).__name__}.")
    total = sum(available.values())
    if n_questions < 1:
        raise ValueError(f"n_questions must be at least 1, got {n_questions}.")
    if n_questions > total:
        raise ValueError(f"n_questions is {n_questions}, but the bank only has {total} question(s) to draw from.")
    rng = random.Random(f"allocate:{seed}")
    counts = {t: 0 for t in sorted(available)}
    left = n_questions
    while left:
        open_topics = [t for t in counts if counts[t] < available[t]]
        share, extra = divmod(left, len(open_topics))
        short = [t for t in open_topics if available[t] - counts[t] <= share]
        if short:  # topics that cannot take an even share give all they have; share the rest again
            for t in short:
                left -= available[t] - counts[t]
                counts[t] = available[t]
            continue
        lucky = set(rng.sample(open_topics, extra)) if extra else set()
        for t in open_topics:
            counts[t] += share + (t in lucky)
        left = 0
    return {t: c for t, c in counts.items() if c}


def build_mock_exam(n_questions: int = 20, *, seed: int = 0, topics: Sequence[str] | None = None,
                    bank: Sequence[Question] | None = None, title: str | None = None, cases: bool = True) -> MockExam:
    """Draw a topic-balanced paper of ``n_questions`` distinct questions (same seed, same paper).

    ``topics`` limits the draw (default: every topic but ``EXCLUDED_BY_DEFAULT``); ``bank``
    replaces the question bank. ``ValueError`` for an unknown topic or too many questions.

    >>> exam = build_mock_exam(6, seed=1, topics=["rfm", "metrics"])
    >>> sorted(exam.to_frame()["topic"].value_counts().to_dict().items())
    [('metrics', 3), ('rfm', 3)]
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}.")
    questions = [q for q in (load_bank() if bank is None else bank) if q.standalone and (cases or not q.case_chapter)]
    by_topic: dict[str, list[Question]] = {}
    for q in questions:
        by_topic.setdefault(q.topic, []).append(q)
    if topics is not None:
        if isinstance(topics, str):
            topics = [topics]
        unknown = sorted(set(topics) - set(by_topic))
        if unknown:
            raise ValueError(f"topics has unknown topic(s) {', '.join(map(repr, unknown))}; "
                             f"the bank's topics are {', '.join(sorted(by_topic))}.")
        by_topic = {t: by_topic[t] for t in topics}
    else:
        by_topic = {t: qs for t, qs in by_topic.items() if t not in EXCLUDED_BY_DEFAULT}
    if not by_topic:
        raise ValueError("the question bank is empty: there is nothing to draw from.")
    allocation = allocate_by_topic(n_questions, {t: len(qs) for t, qs in by_topic.items()}, seed=seed)
    rng = random.Random(f"draw:{seed}")
    drawn = [q for t, k in allocation.items() for q in rng.sample(by_topic[t], k)]
    rng.shuffle(drawn)
    default = "Micromarketing and micro-targeting: mock exam"
    return MockExam(questions=tuple(drawn), seed=seed, title=title or default)


# --------------------------------------------------------------------------- Markdown


def _instruction(q: Question) -> str:
    return {"single": "Choose one answer.", "multiple": "Choose all answers that apply.",
            "true_false": "True or false?", "numeric": "Write a number" + (f" (in {q.unit})." if q.unit else ".")}[q.type]


def _label(label: str) -> str:
    """Display form of an option label: ``A``, ``B``, ... or ``True``/``False``."""
    return label.upper() if len(label) == 1 else label.capitalize()


def _case_note(q: Question) -> str:
    """The label of a question that needs a worked case, e.g. "Case question: needs the case of chapter 13 ..."."""
    if not q.case_chapter:
        return ""
    number, name = q.case_chapter[:2], q.case_chapter[3:].replace("case-", "").replace("-", " ")
    return f"Case question: needs the case of chapter {number} ({name})."


def _option_line(label: str, text: str) -> str:
    return text if label in {"true", "false"} else f"{_label(label)}. {text}"


def _header(exam: MockExam, what: str) -> list[str]:
    return [f"# {exam.title} ({what})", "", f"Paper seed {exam.seed} · {len(exam.questions)} questions · one mark "
            f"each · topics: {', '.join(sorted({q.topic for q in exam.questions}))}", ""]


def paper_markdown(exam: MockExam) -> str:
    """The question paper as Markdown (no answers)."""
    lines = _header(exam, "question paper")
    lines += ["Name: ____________________   Roll number: __________", ""]
    for i, q in enumerate(exam.questions, 1):
        lines += [f"## Question {i}", ""] + ([f"**{_case_note(q)}**", ""] if q.case_chapter else [])
        lines += [q.prompt, "", f"*{_instruction(q)}*", ""]
        if q.type == "numeric":
            lines += ["Answer: ______________", ""]
        else:
            lines += [f"- {_option_line(label, opt.text)}" for label, opt in q.presented(exam.seed)]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _key_entry(q: Question, seed: int) -> tuple[str, list[str]]:
    if q.type == "numeric":
        value = f"{q.value:g}" + (f" {q.unit}" if q.unit else "")
        tol = f" (accepted within ±{q.tolerance:g})" if q.tolerance else ""
        return f"{value}{tol}", [q.explanation] + [f"A common slip: {v:g} ({why})" for v, why in q.mistakes]
    presented = q.presented(seed)
    right = [_label(label) for label, opt in presented if opt.correct]
    notes = [f"**{_label(label)}** ({'right' if opt.correct else 'wrong'}): {opt.explanation}" for label, opt in presented]
    return ", ".join(right), notes


def key_markdown(exam: MockExam) -> str:
    """The answer key as Markdown: the answer and why, option by option."""
    lines = _header(exam, "answer key")
    for i, q in enumerate(exam.questions, 1):
        answer, notes = _key_entry(q, exam.seed)
        lines += [f"## Question {i}", "", f"*{q.topic} · {q.difficulty} · from {q.notebook} · id {q.id}*", ""]
        lines += ([f"**{_case_note(q)}**", ""] if q.case_chapter else []) + [q.prompt, "", f"**Answer: {answer}**", ""]
        lines += [f"- {n}" for n in notes]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- HTML

_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; color: #111; }
h1 { font-size: 1.5rem; border-bottom: 2px solid #111; padding-bottom: .3rem; }
.meta { color: #444; font-size: .9rem; }
.question { margin: 1.2rem 0; padding-top: .4rem; border-top: 1px solid #ccc; break-inside: avoid;
            page-break-inside: avoid; }
.question h2 { font-size: 1.05rem; margin: 0 0 .4rem 0; }
.instruction { font-style: italic; color: #333; }
.options { list-style: none; padding-left: .5rem; }
.options li { margin: .25rem 0; }
.answer { font-weight: bold; }
.blank { border-bottom: 1px solid #111; display: inline-block; min-width: 12rem; height: 1.2rem; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""


def _inline(text: str) -> str:
    """Escape ``text`` for HTML, keeping Markdown ``**bold**`` and ``code``."""
    out = html.escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", out)


def _page(title: str, meta: str, body: list[str]) -> str:
    head = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            f"<title>{html.escape(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
            f"<h1>{html.escape(title)}</h1>", f'<p class="meta">{html.escape(meta)}</p>']
    return "\n".join([*head, *body, "</body>", "</html>", ""])


def _meta(exam: MockExam) -> str:
    return _header(exam, "")[2]


def paper_html(exam: MockExam) -> str:
    """The question paper as one printable, self-contained HTML page."""
    body = ['<p>Name: <span class="blank"></span> &nbsp; Roll number: <span class="blank"></span></p>']
    for i, q in enumerate(exam.questions, 1):
        body += ['<section class="question">', f"<h2>Question {i}</h2>"]
        body += [f'<p class="case"><strong>{html.escape(_case_note(q))}</strong></p>'] if q.case_chapter else []
        body += [f"<p>{_inline(q.prompt)}</p>", f'<p class="instruction">{html.escape(_instruction(q))}</p>']
        if q.type == "numeric":
            body.append('<p>Answer: <span class="blank"></span></p>')
        else:
            body.append('<ul class="options">')
            body += [f"<li>{_inline(_option_line(label, opt.text))}</li>" for label, opt in q.presented(exam.seed)]
            body.append("</ul>")
        body.append("</section>")
    return _page(f"{exam.title} (question paper)", _meta(exam), body)


def key_html(exam: MockExam) -> str:
    """The answer key as one printable, self-contained HTML page."""
    body: list[str] = []
    for i, q in enumerate(exam.questions, 1):
        answer, notes = _key_entry(q, exam.seed)
        meta = html.escape(f"{q.topic} · {q.difficulty} · from {q.notebook} · id {q.id}")
        case = [f'<p class="case"><strong>{html.escape(_case_note(q))}</strong></p>'] if q.case_chapter else []
        body += ['<section class="question">', f"<h2>Question {i}</h2>", f'<p class="meta">{meta}</p>', *case,
                 f"<p>{_inline(q.prompt)}</p>", f'<p class="answer">Answer: {html.escape(answer)}</p>', "<ul>",
                 *[f"<li>{_inline(n)}</li>" for n in notes], "</ul>", "</section>"]
    return _page(f"{exam.title} (answer key)", _meta(exam), body)


def write_mock_exam(exam: MockExam, out_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write the four files of :data:`FILES` into ``out_dir`` atomically; return ``{name: path}``."""
    if not isinstance(exam, MockExam):
        raise TypeError(f"exam must be a MockExam from build_mock_exam(), got {type(exam).__name__}.")
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"out_dir must be a folder path, got {type(out_dir).__name__}.")
    folder = check_writable(out_dir, "out_dir")
    writers = {"paper.md": paper_markdown, "paper.html": paper_html, "answer-key.md": key_markdown,
               "answer-key.html": key_html}
    texts = {name: writers[name](exam) for name in FILES}
    with staged_folder(folder) as stage:  # a paper never sits next to another seed's key
        for name in FILES:
            atomic_write_text(stage / name, texts[name])
    return {name: folder / name for name in FILES}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m course_lib mock-exam --questions 20 --seed 7 --out DIR [--topics a,b]``."""
    parser = ArgumentParser(
        prog="python -m course_lib mock-exam",
        description="Write a randomized, topic-balanced mock exam and a separate answer key "
        "(Markdown and printable HTML). The same seed always gives the same paper.",
    )
    parser.add_argument("--questions", type=number_in(1, 10**9), default=20, help="number of questions (default: 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the draw (default: 0)")
    parser.add_argument("--out", required=True, help="folder to write paper.* and answer-key.* into")
    parser.add_argument("--topics", default=None, help="comma-separated topics to draw from (default: all)")
    parser.add_argument("--title", default=None, help="heading of the paper")
    parser.add_argument("--no-cases", action="store_true", help="leave out questions on the worked cases (13-16)")
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    topics = [t.strip() for t in args.topics.split(",") if t.strip()] if args.topics else None
    try:
        check_writable(args.out, "--out")
        exam = build_mock_exam(args.questions, seed=args.seed, topics=topics, title=args.title, cases=not args.no_cases)
        written = write_mock_exam(exam, args.out)
    except (ValueError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = exam.to_frame()["topic"].value_counts().sort_index()
    print(f"mock exam: {len(exam.questions)} questions over {len(counts)} topics (seed {exam.seed})")
    for name, path in written.items():
        print(f"  wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
