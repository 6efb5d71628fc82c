"""What a reader sees outside a live kernel, and text that renders as written (issue 20).

- Every learning-layer widget (quiz, drill, flashcards, exam practice) carries a readable
  text/HTML view: a notebook converted with ``nbconvert --to html`` (or shown by a Git
  hosting preview) shows the quiz and the model answers, not an empty box.
- No Markdown the course produces writes money as ``$`` + digits: a pair of ``$`` signs is
  typeset as mathematics ("$0.15 vs $1" shows as "0.15vs1"). US dollars are ``USD 0.15``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from course_lib.base.paths import REPO_ROOT
from course_lib.learning.quiz import get_question
from course_lib.learning.revision import load_exam_questions, render_answer

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NOTEBOOK_DIRS = ("notebooks", "solutions", "exercises")
#: Data files whose text is shown as Markdown or HTML (notes, questions, flashcards, feedback, cases).
DATA_GLOBS = ("data/content/*.yaml", "data/questions/*.yaml", "data/flashcards/*.yaml", "data/exercises/*.yaml",
              "data/cases/*.yaml")
DOLLAR_AMOUNT = re.compile(r"\$\s?\d")
VALUES = {"micro_revenue": 121807.91, "micro_spend": 15278.76, "micro_roas": 7.972}


# --------------------------------------------------------------------------- static views


def _cell(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source)


@pytest.fixture(scope="module")
def static_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small notebook with every learning-layer widget, run as `make execute` runs notebooks, then nbconvert."""
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    tmp = tmp_path_factory.mktemp("static")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        _cell(f"import os\nos.environ['MICROMARKETING_PROGRESS'] = {str(tmp / 'progress.json')!r}"),
        _cell('from course_lib.learning.quiz import self_check\nself_check("00-start-here")'),
        _cell(f"from course_lib.learning.revision import drill, exam_practice\nexam_practice(2, values={VALUES!r})"),
        _cell("drill(5, seed=17)"),
        _cell('from course_lib.learning.flashcards import flashcards\nflashcards("basics", shuffle=False)'),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(REPO_ROOT)}}).execute()
    nb.metadata.pop("widgets", None)  # tools/execute_notebooks.py saves no widget state
    body, _ = HTMLExporter().from_notebook_node(nb)
    return body


@pytest.mark.slow
def test_nbconvert_html_shows_the_quiz(static_html: str) -> None:
    question = get_question("start-01")
    assert 'class="mm-quiz-static"' in static_html
    assert "<code>____</code>" in static_html  # the prompt's `____` rendered as code, not as backticks
    for _label, option in question.presented(0):
        assert option.text.split("`")[0].strip() in static_html
    assert "Revision drill" in static_html and "seed=17" in static_html


@pytest.mark.slow
def test_nbconvert_html_shows_the_model_answers_and_flashcards(static_html: str) -> None:
    assert 'class="mm-exam-static"' in static_html and "<summary>Model answer</summary>" in static_html
    for question in load_exam_questions(2):
        words = " ".join(render_answer(question, VALUES).split()[:10])
        assert words in static_html, question.id
    assert 'class="mm-flashcards-static"' in static_html


def _widget_outputs() -> Iterator[tuple[str, dict]]:
    for folder in ("notebooks", "solutions"):
        for path in sorted((REPO_ROOT / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
                    if WIDGET_VIEW in out.get("data", {}):
                        yield f"{folder}/{path.name}", out["data"]


def test_committed_widget_outputs_have_a_readable_static_view() -> None:
    """Every widget output saved in a notebook has text/html or a friendly text line, never VBox(children=...)."""
    bad = []
    for where, data in _widget_outputs():
        plain = data.get("text/plain", "")
        if "text/html" not in data or re.match(r"^\w*(Box|Widget|Output)\(", plain):
            bad.append(f"{where}: {plain[:60]!r}")
    assert not bad, "re-execute these notebooks (tools/execute_notebooks.py) so their widgets carry an HTML view:\n" \
        + "\n".join(bad)


def test_committed_notebooks_save_no_widget_state() -> None:
    """Saved widget state would replace the text/HTML view in nbconvert and Git previews with an empty widget."""
    with_state = [f"{folder}/{p.name}" for folder in NOTEBOOK_DIRS for p in sorted((REPO_ROOT / folder).glob("*.ipynb"))
                  if "widgets" in nbformat.read(p, as_version=4).metadata]
    assert not with_state, "re-execute with tools/execute_notebooks.py: " + ", ".join(with_state)


# --------------------------------------------------------------------------- currency


def _markdown_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of Markdown/HTML the course shows."""
    for folder in NOTEBOOK_DIRS:
        for path in sorted((REPO_ROOT / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            for i, cell in enumerate(nb.cells):
                where = f"{folder}/{path.name} cell {i}"
                if cell.cell_type == "markdown":
                    yield where, cell.source
                for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
                    for mime in ("text/markdown", "text/html"):
                        text = out.get("data", {}).get(mime)
                        if text:
                            yield f"{where} ({mime} output)", "".join(text) if isinstance(text, list) else text
    for pattern in DATA_GLOBS:
        for path in sorted(REPO_ROOT.glob(pattern)):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.lstrip().startswith("#"):  # a YAML comment is never shown
                    yield f"{path.relative_to(REPO_ROOT)}:{n}", line


def _dollar_amounts(text: str) -> list[str]:
    return [text[max(0, m.start() - 25):m.end() + 15].replace("\n", " ") for m in DOLLAR_AMOUNT.finditer(text)]


def test_the_check_finds_dollar_amounts() -> None:
    assert _dollar_amounts("costs $0.15 vs $ 1 a click") and not _dollar_amounts("costs USD 0.15; $x$ is maths")


def test_no_dollar_sign_amounts_in_rendered_text() -> None:
    """Money in US dollars is written `USD 0.15`: `$0.15 vs $1` renders as maths in Markdown and HTML."""
    found = [f"{where}: ...{snippet}..." for where, text in _markdown_texts() for snippet in _dollar_amounts(text)]
    files = sorted({f.split(":")[0].split(" cell ")[0] for f in found})
    assert not found, f"write US dollars as 'USD 0.15' in {len(files)} file(s): {', '.join(files)}\n" + \
        "\n".join(found[:60])


@pytest.mark.parametrize("path", [Path("README.md")])
def test_readme_has_no_dollar_amounts(path: Path) -> None:
    assert not _dollar_amounts((REPO_ROOT / path).read_text(encoding="utf-8"))
