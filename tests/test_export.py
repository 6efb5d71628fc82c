"""`make html` and `make slides`: one page per notebook, working links, nothing fetched from the network."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from course_lib.instructor import export
from course_lib.base import paths

NOTEBOOKS = sorted((paths.REPO_ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
WORKBOOKS = sorted((paths.REPO_ROOT / "exercises").glob("[0-9][0-9]-*.ipynb"))


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.script_src: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src"} and value:
                self.refs.append(value)
                if tag == "script" and name == "src":
                    self.script_src.append(value)


def _refs(page: Path) -> _Refs:
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _broken_local_links(page: Path, refs: list[str]) -> list[str]:
    broken = []
    for ref in refs:
        if ref.startswith(("#", "data:", "mailto:", "http://", "https://")):
            continue
        target = (page.parent / ref.split("#")[0]).resolve()
        if not target.exists():
            broken.append(ref)
    return broken


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    assert export.main_html(["--out", str(out)]) == 0
    return out


def test_one_page_per_notebook_and_workbook(site):
    assert sorted(p.stem for p in (site / "notebooks").glob("*.html")) == [p.stem for p in NOTEBOOKS]
    assert sorted(p.stem for p in (site / "exercises").glob("*.html")) == [p.stem for p in WORKBOOKS]


def test_every_local_link_works_and_every_page_is_reachable(site):
    pages = sorted(site.rglob("*.html"))
    reached = set()
    for page in pages:
        refs = _refs(page).refs
        assert _broken_local_links(page, refs) == [], page.name
        reached |= {(page.parent / r.split("#")[0]).resolve() for r in refs if r.endswith(".html")}
    assert {p.resolve() for p in pages if p.name != "index.html"} <= reached


def test_chapters_link_in_course_order(site):
    for before, after in zip(NOTEBOOKS, NOTEBOOKS[1:]):
        refs = _refs(site / "notebooks" / f"{before.stem}.html").refs
        assert f"{after.stem}.html" in refs, (before.stem, after.stem)
        assert f"{before.stem}.html" in _refs(site / "notebooks" / f"{after.stem}.html").refs


def test_pages_fetch_nothing_from_the_network_and_show_no_widget_reprs(site):
    for page in site.rglob("*.html"):
        assert [s for s in _refs(page).script_src if s.startswith("http")] == [], page.name
        text = page.read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-view+json" not in text, page.name
        assert not re.search(r"VBox\(children=", text), page.name


def test_page_title_is_the_notebook_title(site):
    nb = nbformat.read(NOTEBOOKS[1], as_version=4)
    page = (site / "notebooks" / f"{NOTEBOOKS[1].stem}.html").read_text(encoding="utf-8")
    assert f"<title>{export.notebook_title(nb)}</title>" in page


def test_static_notebook_replaces_widgets_without_changing_the_input():
    view = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# T"),
        nbformat.v4.new_code_cell("w", outputs=[
            nbformat.v4.new_output("display_data", data={export.WIDGET_VIEW: view, "text/plain": "VBox(children=(...))"}),
            nbformat.v4.new_output("display_data", data={export.WIDGET_VIEW: view, "text/plain": "Self-check: 3 questions"}),
        ]),
    ], metadata={"widgets": {"state": {}}})
    out = export.static_notebook(nb)
    first, second = out.cells[1].outputs
    assert first["data"] == {"text/markdown": export.WIDGET_NOTE}
    assert second["data"] == {"text/plain": "Self-check: 3 questions"}
    assert "widgets" not in out.metadata
    assert export.WIDGET_VIEW in nb.cells[1].outputs[0]["data"] and "widgets" in nb.metadata


def test_title_is_required():
    with pytest.raises(ValueError, match="no '# Title'"):
        export.notebook_title(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("no heading")]))


def test_bad_output_folder_is_reported(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert export.main_html(["--out", str(f)]) == 2
    assert "is not a folder" in capsys.readouterr().err


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chapter_has_slides(path):
    groups = export.slide_groups(nbformat.read(path, as_version=4))
    assert len(groups) >= 3, f"{path.name}: tag at least 3 slide cells (python tools/tag_slides.py {path.as_posix()})"


def test_slides_are_built_offline_from_tagged_cells(tmp_path):
    out = tmp_path / "slides"
    assert export.main_slides(["--out", str(out)]) == 0
    decks = sorted(p.stem for p in out.glob("[0-9][0-9]-*.html"))
    assert decks == [p.stem for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        page = out / f"{path.stem}.html"
        text = page.read_text(encoding="utf-8")
        groups = export.slide_groups(nbformat.read(path, as_version=4))
        assert text.count("<section>") == len(groups)
        refs = _refs(page)
        assert _broken_local_links(page, refs.refs) == []
        assert "reveal.js/dist/reveal.js" in refs.script_src
        assert not [s for s in refs.script_src if s.startswith("http")]
    assert _broken_local_links(out / "index.html", _refs(out / "index.html").refs) == []
