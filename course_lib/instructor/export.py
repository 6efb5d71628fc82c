"""Static exports of the course: a browsable HTML site and reveal.js slide decks.

``make html`` (``python -m course_lib html --out site``) turns every chapter and student
workbook into a static page with its committed outputs, an index and previous / next /
workbook links; widgets become a short note (or their text form), remote scripts are
dropped, so the site reads offline without Python. ``make slides`` builds one reveal.js
deck per chapter from the cells tagged ``slides``: a tagged Markdown cell starting with a
heading opens a slide, a tagged code cell shows its output only. reveal.js is vendored in
``tools/vendor/reveal.js`` and copied next to the decks.

>>> import nbformat
>>> notebook_title(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# RFM\\n\\ntext")]))
'RFM'
"""

from __future__ import annotations

import copy
import html
import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

from course_lib.base import paths
from course_lib.base.files import ArgumentParser, check_writable, staged_folder
from course_lib.instructor.student_version import read_notebook
from course_lib.learning.progress import atomic_write_text

__all__ = [
    "SLIDE_TAG", "notebook_title", "static_notebook", "slide_groups", "export_html", "export_slides",
    "main_html", "main_slides",
]

#: Cell tag that puts a cell on the chapter's slides.
SLIDE_TAG: str = "slides"
#: Where the vendored reveal.js lives.
REVEAL_DIR: Path = paths.REPO_ROOT / "tools" / "vendor" / "reveal.js"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ("*Interactive widget: open this notebook in JupyterLab (`make lab`) to use it. "
               "The cells around it show its default view.*")
_WIDGET_REPR = re.compile(r"^[A-Z][A-Za-z]*\(")
_REMOTE_SCRIPT = re.compile(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.I)
_MATHJAX_CONFIG = re.compile(r'<script type="text/x-mathjax-config">.*?</script>\s*', re.S | re.I)
_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.M)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)

_SITE_CSS = """
.mm-nav { font-family: system-ui, sans-serif; font-size: 14px; display: flex; gap: 1.2em; flex-wrap: wrap;
          padding: .6em 1em; margin: 0 0 1em 0; background: #f3f5f8; border-bottom: 1px solid #d0d7de; }
.mm-nav a { color: #0b5cad; text-decoration: none; }
.mm-nav a:hover { text-decoration: underline; }
.mm-nav .mm-here { font-weight: 600; color: #222; }
"""


def notebook_title(nb: nbformat.NotebookNode) -> str:
    """The notebook's title: the first ``# Heading`` of its first Markdown cell."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = _TITLE.search(cell.source)
            if match:
                return match.group(1).strip()
            break
    raise ValueError("the notebook's first Markdown cell has no '# Title' heading.")


def static_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` fit for a static page: widget state dropped, widget views replaced.

    A widget whose text form is only its repr becomes :data:`WIDGET_NOTE`; quizzes and
    flashcards keep their readable text.
    """
    out = copy.deepcopy(nb)
    out.metadata.pop("widgets", None)
    for cell in out.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            text = data.get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            if not text or _WIDGET_REPR.match(text):
                output["data"] = {"text/markdown": WIDGET_NOTE}
            else:
                output["data"] = {"text/plain": text}
    return out


def _nav(links: list[tuple[str, str | None]]) -> str:
    parts = [f'<a href="{html.escape(href)}">{html.escape(text)}</a>' if href else
             f'<span class="mm-here">{html.escape(text)}</span>' for text, href in links]
    return '<nav class="mm-nav">' + " ".join(parts) + "</nav>"


def _with_nav(page: str, nav: str) -> str:
    page = _REMOTE_SCRIPT.sub("", page)
    page = _MATHJAX_CONFIG.sub("", page)
    page = page.replace("</head>", f"<style>{_SITE_CSS}</style>\n</head>", 1)
    page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + nav, page, count=1)
    return page.replace("</body>", nav + "\n</body>", 1)


def _notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def _index_page(chapters: list[tuple[str, str]], workbooks: set[str]) -> str:
    rows = []
    for stem, title in chapters:
        workbook = f'<a href="exercises/{stem}.html">workbook</a>' if stem in workbooks else ""
        rows.append(f'<tr><td><a href="notebooks/{stem}.html">{html.escape(title)}</a></td><td>{workbook}</td></tr>')
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        "<title>Micromarketing and micro-targeting: the course</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;"
        "padding:.45em;text-align:left}a{color:#0b5cad}</style>",
        "</head>", "<body>",
        "<h1>Micromarketing and micro-targeting: the course</h1>",
        "<p>This is the read-only version of the course: every chapter with its results, and every "
        "workbook. Interactive widgets, quizzes that remember your answers and exercise checks need "
        "the notebooks themselves: install the course and run <code>make lab</code>.</p>",
        "<table>", "<tr><th>Chapter</th><th>Workbook</th></tr>", *rows, "</table>",
        "</body>", "</html>", "",
    ])


def export_html(out_dir: str | os.PathLike[str] = "site", *, root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write the static HTML course into ``out_dir``; return ``index.html`` then the chapter and workbook pages.

    ``root`` is the folder holding ``notebooks/`` and ``exercises/`` (default: this repository).
    """
    base = Path(root) if root is not None else paths.REPO_ROOT
    out = Path(out_dir)
    check_writable(out, "out_dir")
    chapters = _notebooks(base / "notebooks")
    if not chapters:
        raise ValueError(f"there are no chapter notebooks (NN-name.ipynb) in {base / 'notebooks'}.")
    workbooks = {p.stem: p for p in _notebooks(base / "exercises")}
    titles = [(p.stem, _title(p)) for p in chapters]
    with staged_folder(out) as stage:  # the whole new site or the old one
        _write_html(stage, chapters, titles, workbooks)
    return [out / "index.html", *(out / "notebooks" / f"{p.stem}.html" for p in chapters),
            *(out / "exercises" / f"{stem}.html" for stem in workbooks)]


def _title(path: Path) -> str:
    nb = read_notebook(path)  # its errors name the file
    try:
        return notebook_title(nb)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc} Add one.") from None


def _write_html(out: Path, chapters: list[Path], titles: list[tuple[str, str]], workbooks: dict[str, Path]) -> None:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    atomic_write_text(out / "index.html", _index_page(titles, set(workbooks)))
    for i, (stem, title) in enumerate(titles):
        links: list[tuple[str, str | None]] = [("Course index", "../index.html")]
        if i > 0:
            links.append((f"← {titles[i - 1][1]}", f"{titles[i - 1][0]}.html"))
        links.append((title, None))
        if i + 1 < len(titles):
            links.append((f"{titles[i + 1][1]} →", f"{titles[i + 1][0]}.html"))
        if stem in workbooks:
            links.append(("Workbook", f"../exercises/{stem}.html"))
        nb = static_notebook(read_notebook(chapters[i]))
        page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
        atomic_write_text(out / "notebooks" / f"{stem}.html", _with_nav(page, _nav(links)))
    chapter_stems = {stem for stem, _ in titles}
    for stem, path in workbooks.items():
        links = [("Course index", "../index.html"), (f"Workbook {stem}", None)]
        if stem in chapter_stems:
            links.append(("Chapter", f"../notebooks/{stem}.html"))
        nb = static_notebook(read_notebook(path))
        page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": f"Workbook {stem}"}})
        atomic_write_text(out / "exercises" / f"{stem}.html", _with_nav(page, _nav(links)))


# --------------------------------------------------------------------------- slides


def _is_slide_cell(cell: nbformat.NotebookNode) -> bool:
    tags = cell.get("metadata", {}).get("tags", [])
    slide_type = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    return SLIDE_TAG in tags or slide_type in {"slide", "subslide", "fragment", "-"}


def slide_groups(nb: nbformat.NotebookNode) -> list[list[nbformat.NotebookNode]]:
    """Group the slide cells of ``nb`` into slides (a heading or ``slide_type: slide`` opens one).

    >>> import nbformat
    >>> md = nbformat.v4.new_markdown_cell
    >>> nb = nbformat.v4.new_notebook(cells=[md("# A", metadata={"tags": ["slides"]}),
    ...     md("text", metadata={"tags": ["slides"]}), md("# not shown"), md("## B", metadata={"tags": ["slides"]})])
    >>> [len(g) for g in slide_groups(nb)]
    [2, 1]
    """
    groups: list[list[nbformat.NotebookNode]] = []
    for cell in nb.cells:
        if not _is_slide_cell(cell):
            continue
        opens = cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "slide" or (
            cell.cell_type == "markdown" and cell.source.lstrip().startswith("#")
        )
        if opens or not groups:
            groups.append([])
        groups[-1].append(cell)
    return groups


def _output_html(output: nbformat.NotebookNode) -> str:
    if output.get("output_type") == "stream":
        return f"<pre>{html.escape(output.get('text', ''))}</pre>"
    data = output.get("data", {})
    if "image/png" in data:
        return f'<img alt="figure" src="data:image/png;base64,{data["image/png"].strip()}">'
    if "text/html" in data:
        return data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"])
    if "text/markdown" in data:
        return _markdown(data["text/markdown"])
    if "text/plain" in data:
        return f"<pre>{html.escape(data['text/plain'])}</pre>"
    return ""


def _markdown(source: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return _ANCHOR_LINK.sub("", markdown2html_mistune(source))


def _deck(title: str, slides: list[list[nbformat.NotebookNode]]) -> str:
    sections = []
    for group in slides:
        body = []
        for cell in group:
            if cell.cell_type == "markdown":
                body.append(_markdown(cell.source))
            elif cell.cell_type == "code":
                body += [_output_html(o) for o in cell.get("outputs", [])]
        sections.append("<section>\n" + "\n".join(b for b in body if b) + "\n</section>")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        '<link rel="stylesheet" href="reveal.js/dist/reveal.css">',
        '<link rel="stylesheet" href="reveal.js/dist/theme/white.css">',
        "<style>.reveal{font-size:26px}.reveal section{text-align:left}.reveal h1{font-size:1.6em}"
        ".reveal h2{font-size:1.2em}.reveal table{font-size:.6em}.reveal img{max-height:520px}"
        ".reveal pre{font-size:.5em;box-shadow:none}</style>",
        "</head>", "<body>", '<div class="reveal"><div class="slides">', *sections, "</div></div>",
        '<script src="reveal.js/dist/reveal.js"></script>',
        "<script>Reveal.initialize({hash: true, slideNumber: true, width: 1100, height: 760});</script>",
        "</body>", "</html>", "",
    ])


def export_slides(out_dir: str | os.PathLike[str] = "site/slides", *, root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write one reveal.js deck per chapter with slide cells, plus an index and reveal.js; return the pages."""
    base = Path(root) if root is not None else paths.REPO_ROOT
    out = Path(out_dir)
    check_writable(out, "out_dir")
    if not (REVEAL_DIR / "dist" / "reveal.js").is_file():
        raise ValueError(f"reveal.js is missing from {REVEAL_DIR}; restore it from git.")
    chapters = _notebooks(base / "notebooks")
    if not chapters:
        raise ValueError(f"there are no chapter notebooks (NN-name.ipynb) in {base / 'notebooks'}.")
    decks = []
    for path in chapters:
        nb = read_notebook(path)
        slides = slide_groups(static_notebook(nb))
        if slides:
            decks.append((path.stem, _title(path), slides))
    with staged_folder(out) as stage:  # all the new decks or the old ones
        _write_slides(stage, decks)
    return [out / "index.html", *(out / f"{stem}.html" for stem, _, _ in decks)]


def _write_slides(out: Path, decks: list[tuple[str, str, list[list[nbformat.NotebookNode]]]]) -> None:
    shutil.copytree(REVEAL_DIR, out / "reveal.js", dirs_exist_ok=True)
    entries = []
    for stem, title, slides in decks:
        atomic_write_text(out / f"{stem}.html", _deck(title, slides))
        entries.append(f'<li><a href="{stem}.html">{html.escape(title)}</a> '
                       f"({len(slides)} slides)</li>")
    atomic_write_text(out / "index.html", "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        "<title>Slides: micromarketing and micro-targeting</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;line-height:1.6}</style>",
        "</head>", "<body>", "<h1>Slides</h1>",
        "<p>One deck per chapter. Arrow keys move between slides; <kbd>Esc</kbd> shows them all.</p>",
        "<ul>", *entries, "</ul>", "</body>", "</html>", "",
    ]))


# --------------------------------------------------------------------------- command line


def _main(argv: Sequence[str] | None, prog: str, default: str, what: str, func) -> int:  # type: ignore[no-untyped-def]
    parser = ArgumentParser(prog=f"python -m course_lib {prog}", description=what)
    parser.add_argument("--out", default=default, help=f"output folder (default: {default})")
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        pages = func(args.out)
    except (ValueError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(pages)} page(s); open {pages[0]}")
    return 0


def main_html(argv: Sequence[str] | None = None) -> int:
    """``python -m course_lib html [--out site]``."""
    return _main(argv, "html", "site", "Build the static HTML version of the course.", export_html)


def main_slides(argv: Sequence[str] | None = None) -> int:
    """``python -m course_lib slides [--out site/slides]``."""
    return _main(argv, "slides", "site/slides", "Build reveal.js slides from cells tagged 'slides'.", export_slides)
