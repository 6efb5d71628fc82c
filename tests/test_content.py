"""course_lib.learning.tables: the examples table, comparison tables and audiences, and their validation."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml

from course_lib.learning.tables import (
    EXAMPLES_PATH,
    ContentError,
    comparison_names,
    example_kinds,
    load_audiences,
    load_comparison,
    load_examples,
)

ROOT = Path(__file__).resolve().parents[1]

# The brands the issue asks the examples table to cover (checked against the file, not against itself).
REQUIRED_BRANDS = {"Procter & Gamble", "Uber", "Delta", "M&M's", "Amazon", "Nike", "Coca-Cola", "Scrimba",
                   "Red Bull", "Starbucks", "Netflix"}


# --------------------------------------------------------------------------- the shipped files


def test_examples_cover_every_brand_of_the_sources():
    examples = load_examples()
    assert set(examples["company"]) == REQUIRED_BRANDS
    assert list(examples.columns) == ["company", "initiative", "what_they_did", "kind", "basis", "audience", "source"]
    assert not examples.isna().any().any()


def test_examples_kind_is_a_readable_ordered_label():
    examples = load_examples()
    kinds = example_kinds()
    assert isinstance(examples["kind"].dtype, pd.CategoricalDtype)
    assert examples["kind"].cat.ordered
    assert list(examples["kind"].cat.categories) == kinds["label"].tolist()
    assert set(examples["kind"]) <= set(kinds["label"])
    # One-to-one examples are the individual-level ones named in the sources.
    one_to_one = set(examples.loc[examples["kind"] == "One-to-one personalisation", "company"])
    assert one_to_one == {"M&M's", "Amazon", "Coca-Cola", "Netflix"}


def test_examples_cite_a_readable_source():
    examples = load_examples()
    assert examples["source"].str.contains("Micromarketing|Micro-Targeting").all()
    assert (examples.loc[examples["company"] == "Uber", "source"].str.contains("encyclopedia")).all()


@pytest.mark.parametrize("kind", ["local", "Local (geographic)", "  LOCAL (GEOGRAPHIC) "])
def test_filter_by_kind_key_or_label(kind):
    local = load_examples(kind=kind)
    assert local["company"].tolist() == ["Uber", "Starbucks"]
    assert local.index.tolist() == [0, 1]


def test_filter_by_unknown_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="kind 'global' is not one of"):
        load_examples(kind="global")
    with pytest.raises(TypeError, match="kind must be a str"):
        load_examples(kind=3)


def test_every_call_returns_a_new_frame():
    first = load_examples()
    first.loc[0, "company"] = "changed"
    assert load_examples().loc[0, "company"] == "Procter & Gamble"


def test_comparison_tables():
    assert comparison_names() == ["micro-vs-mass", "micro-vs-niche", "micro-vs-macro"]
    mass = load_comparison("micro-vs-mass")
    assert mass.columns.tolist() == ["Mass (undifferentiated) marketing", "Micromarketing", "source"]
    assert mass.index.name == "aspect"
    assert {"Who is targeted", "Cost"} <= set(mass.index)
    assert mass.attrs["title"] == "Micromarketing vs mass marketing"
    niche = load_comparison("micro-vs-niche", sources=False)
    assert niche.columns.tolist() == ["Niche marketing", "Micromarketing"]
    assert len(niche) >= 4


def test_macromarketing_is_defined_as_society_level_not_as_mass_marketing():
    """Issue 15: macromarketing is marketing's role in and effect on society (aggregate), not mass marketing."""
    macro = load_comparison("micro-vs-macro", sources=False)
    assert macro.columns.tolist() == ["Macromarketing", "Micromarketing"]
    what = macro.loc["What it is", "Macromarketing"].lower()
    assert "society" in what and "mass" not in what and "widest" not in what and "largest" not in what
    assert "aggregate" in macro.loc["Level of analysis", "Macromarketing"].lower()
    assert "mass" in macro.loc["Not to be confused with", "Macromarketing"].lower()  # says it is NOT mass marketing
    assert "macro" not in " ".join(load_comparison("micro-vs-mass").columns).lower()  # mass is not "macro"
    assert set(load_comparison("micro-vs-macro")["source"].str.extract(r"(https?://\S+?)\)")[0]) == {
        "https://whatis.techtarget.com/definition/macromarketing", "https://marketing-dictionary.org/m/macromarketing/"}

    from course_lib.learning.flashcards import load_deck

    from course_lib.learning.quiz import load_bank

    for question in load_bank():  # every explanation that mentions macromarketing defines it the course's way
        for option in question.options or ():
            text = f"{option.text} {option.explanation}"
            if "macromarketing" in text.lower():
                assert not re.search(r"(broadest|widest|largest) possible (market|audience)", text), (question.id, text)

    card = {c.id: c for c in load_deck("basics")}["term-macromarketing"]
    assert "society" in card.back and "not a synonym of mass marketing" in card.back
    assert "widest possible market" not in card.back


# My chapters' data files: the ones shown to students as text or Markdown.
_MY_DATA = ["data/content/comparisons.yaml", "data/content/examples.yaml", "data/content/levels_examples.yaml",
            "data/content/audiences.yaml", "data/questions/basics.yaml", "data/questions/segmentation-levels.yaml",
            "data/questions/course.yaml", "data/flashcards/basics.yaml", "data/flashcards/segmentation-levels.yaml",
            "data/exercises/00-start-here.yaml", "data/exercises/01-what-is-micromarketing.yaml",
            "data/exercises/02-segmentation-levels.yaml"]
_MY_NOTEBOOKS = [f"{folder}/{stem}.ipynb" for folder in ("notebooks", "solutions", "exercises")
                 for stem in ("00-start-here", "01-what-is-micromarketing", "02-segmentation-levels")]
_DOLLAR_AMOUNT = re.compile(r"\$\s?(?:\d|\.\d|\{)")  # "$0.15", "$ 1", "${cost:.2f}": typeset as maths in Markdown
_MACRO_AS_MASS = re.compile(r"mass \(or macro\)|\(macro\) marketing|macro \(mass\)|mass \(macro\)", re.I)


@pytest.mark.parametrize("relative", _MY_DATA)
def test_data_files_write_dollars_as_usd_and_keep_macro_apart_from_mass(relative):
    text = (ROOT / relative).read_text(encoding="utf-8")
    assert not _DOLLAR_AMOUNT.findall(text), f"{relative}: write US dollars as 'USD 0.15', not with a $ sign"
    assert not _MACRO_AS_MASS.findall(text), f"{relative}: macromarketing is not mass marketing"
    assert "Rs " not in text, f"{relative}: write rupees as ₹1,200"


def _shown_text(cell: dict) -> list[str]:
    """The Markdown of a cell, or the text a code cell shows (Markdown, plain text, HTML, printed lines)."""
    if cell["cell_type"] == "markdown":
        return ["".join(cell["source"])]
    shown = []
    for output in cell.get("outputs", []):
        if "text" in output:
            shown.append("".join(output["text"]))
        for kind in ("text/markdown", "text/plain", "text/html"):
            if kind in output.get("data", {}):
                shown.append("".join(output["data"][kind]))
    return shown


@pytest.mark.parametrize("relative", _MY_NOTEBOOKS)
def test_notebooks_show_no_dollar_sign_amounts_and_no_macro_as_mass(relative):
    """A pair of $ in Markdown is typeset as maths ("$0.15 vs $1" shows as "0.15vs1"): the course writes USD 0.15."""
    cells = json.loads((ROOT / relative).read_text(encoding="utf-8"))["cells"]
    for i, cell in enumerate(cells):
        for text in _shown_text(cell):
            assert not _DOLLAR_AMOUNT.findall(text), f"{relative}, cell {i}: {_DOLLAR_AMOUNT.findall(text)}"
            assert not _MACRO_AS_MASS.findall(text), f"{relative}, cell {i}: macromarketing is not mass marketing"
            assert "NaN" not in text, f"{relative}, cell {i}: show missing values as '–' or 'n/a'"
            if cell["cell_type"] == "markdown":
                assert "Rs " not in text, f"{relative}, cell {i}: write rupees as ₹1,200"


def test_textbook_framework_is_taught_once_with_questions_and_cards():
    """Issue 15, section 4: STP, Kotler's levels and targeting strategies, positioning, in chapter 01's bank."""
    from course_lib.learning.flashcards import load_deck
    from course_lib.learning.quiz import load_bank

    bank = {q.id: q for q in load_bank(notebook="01-what-is-micromarketing")}
    assert {"basics-15", "basics-16", "basics-17", "basics-18", "basics-19"} <= set(bank)
    fronts = {}
    for deck in sorted(p.stem for p in (ROOT / "data" / "flashcards").glob("*.yaml")):
        for card in load_deck(deck):
            fronts.setdefault(card.front.casefold(), []).append(f"{deck}:{card.id}")
    for front in ("segmentation, targeting, positioning (stp)", "positioning and differentiation",
                  "the four market-targeting strategies (kotler and armstrong)", "macromarketing"):
        assert len(fronts.get(front, [])) == 1, f"one definition per term: {front!r} is on {fronts.get(front)}"
    notebook = json.loads((ROOT / "notebooks" / "01-what-is-micromarketing.ipynb").read_text(encoding="utf-8"))
    markdown = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    for words in ("Undifferentiated", "Differentiated", "Concentrated", "Local marketing", "individual (one-to-one)",
                  "**Positioning**", "Competitors and differentiation", "Kotler"):
        assert words in markdown, words


def test_comparison_errors():
    with pytest.raises(ValueError, match="there is no comparison 'micro-vs-macro-2'"):
        load_comparison("micro-vs-macro-2")
    with pytest.raises(TypeError, match="name must be a str"):
        load_comparison(1)
    with pytest.raises(TypeError, match="sources must be True or False"):
        load_comparison("micro-vs-mass", sources="yes")


def test_audiences_select_customers_and_suggest_known_creatives():
    from course_lib.market.datasets import load_customers
    from course_lib.market.simulator import creatives

    audiences = load_audiences()
    customers = load_customers()
    assert audiences.loc["Everyone (mass)", "rule"] == ""
    assert set(audiences["suggested_creative"]) <= set(creatives())
    for name, rule in audiences["rule"].items():
        if rule:
            size = int(customers.eval(rule).sum())
            assert 0 < size < len(customers), name


# --------------------------------------------------------------------------- validation of broken files


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _examples_with(tmp_path, **changes):
    data = yaml.safe_load(EXAMPLES_PATH.read_text(encoding="utf-8"))
    data["examples"] = data["examples"][:2]
    for key, value in changes.items():
        data["examples"][0][key] = value
    path = tmp_path / "examples.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"kind": "viral"}, "kind 'viral' is not one of"),
        ({"basis": "astrology"}, "basis 'astrology' is not one of"),
        ({"source": "wikipedia"}, "source 'wikipedia' is not one of"),
        ({"company": ""}, "company must be non-empty text"),
        ({"slogan": "x"}, "unknown field(s) slogan"),
        ({"initiative": None}, "initiative must be non-empty text"),
    ],
)
def test_malformed_examples_are_named(tmp_path, changes, fragment):
    path = _examples_with(tmp_path, **changes)
    with pytest.raises(ContentError) as info:
        load_examples(path=path)
    assert fragment in str(info.value)
    assert "examples.yaml: example 1" in str(info.value)


def test_missing_field_and_duplicates_are_named(tmp_path):
    data = yaml.safe_load(EXAMPLES_PATH.read_text(encoding="utf-8"))
    del data["examples"][1]["audience"]
    path = tmp_path / "examples.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContentError, match=r"example 2 is missing audience"):
        load_examples(path=path)
    data = yaml.safe_load(EXAMPLES_PATH.read_text(encoding="utf-8"))
    data["examples"].append(dict(data["examples"][0]))
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContentError, match="appears twice"):
        load_examples(path=path)


def test_missing_or_invalid_files(tmp_path):
    with pytest.raises(ContentError, match="does not exist"):
        load_examples(path=tmp_path / "nope.yaml")
    with pytest.raises(ContentError, match="not valid YAML"):
        load_examples(path=_write(tmp_path, "bad.yaml", "examples: [unclosed\n"))
    with pytest.raises(ContentError, match="must hold a dict at the top level"):
        load_examples(path=_write(tmp_path, "list.yaml", "- a\n- b\n"))
    with pytest.raises(ContentError, match="mapping 'sources'"):
        load_examples(path=_write(tmp_path, "nosrc.yaml", "examples: []\n"))
    with pytest.raises(TypeError, match="path must be a str"):
        load_examples(path=3)


def test_malformed_comparisons(tmp_path):
    path = _write(tmp_path, "cmp.yaml", """\
        comparisons:
          a-vs-b:
            title: A vs B
            columns: [A, B]
            rows:
              - {aspect: Size, left: big, right: small, source: studysmarter}
              - {aspect: Size, left: one, right: many, source: studysmarter}
          three:
            title: Three columns
            columns: [A, B, C]
            rows: [{aspect: x, left: y, right: z, source: studysmarter}]
          bad-source:
            title: Bad source
            columns: [A, B]
            rows: [{aspect: x, left: y, right: z, source: blog}]
          no-rows:
            title: No rows
            columns: [A, B]
        """)
    with pytest.raises(ContentError, match="'Size' appears twice"):
        load_comparison("a-vs-b", path=path)
    with pytest.raises(ContentError, match="columns must name the two approaches"):
        load_comparison("three", path=path)
    with pytest.raises(ContentError, match="source 'blog' is not one of"):
        load_comparison("bad-source", path=path)
    with pytest.raises(ContentError, match="non-empty list 'rows'"):
        load_comparison("no-rows", path=path)
    with pytest.raises(ContentError, match="mapping 'comparisons'"):
        comparison_names(path=_write(tmp_path, "empty.yaml", "other: 1\n"))


def test_malformed_audiences(tmp_path):
    good = "audiences:\n  - {name: Everyone, rule: '', suggested_creative: generic_sale}\n"
    assert load_audiences(path=_write(tmp_path, "ok.yaml", good)).loc["Everyone", "rule"] == ""
    unknown = "audiences:\n  - {name: X, rule: age > 30, suggested_creative: free_beer}\n"
    with pytest.raises(ContentError, match="suggested_creative 'free_beer' is not a creative"):
        load_audiences(path=_write(tmp_path, "unknown.yaml", unknown))
    dup = ("audiences:\n  - {name: X, rule: age > 30, suggested_creative: run_club}\n"
           "  - {name: X, rule: age > 40, suggested_creative: run_club}\n")
    with pytest.raises(ContentError, match="audience 'X' appears twice"):
        load_audiences(path=_write(tmp_path, "dup.yaml", dup))
    noname = "audiences:\n  - {rule: age > 30, suggested_creative: run_club}\n"
    with pytest.raises(ContentError, match="audience 1 is missing name"):
        load_audiences(path=_write(tmp_path, "noname.yaml", noname))
