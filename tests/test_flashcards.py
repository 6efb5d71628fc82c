"""Flashcards: decks as data, the flip widget, know / don't know saved to progress."""

from __future__ import annotations

import textwrap

import pytest

from course_lib.learning.flashcards import (
    DeckError,
    deck_names,
    deck_text,
    flashcards,
    load_deck,
    mark,
    validate_decks,
)
from course_lib.learning.progress import PROGRESS_ENV, load_progress


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


def test_load_deck_and_filters():
    cards = load_deck("basics")
    assert {c.deck for c in cards} == {"basics"}
    assert len({c.id for c in load_deck()}) == len(load_deck())
    metrics = load_deck("basics", topic="metrics")
    assert metrics and {c.topic for c in metrics} == {"metrics"}
    from course_lib.learning.flashcards import FLASHCARDS_DIR

    assert deck_names() == sorted(p.stem for p in FLASHCARDS_DIR.glob("*.yaml"))
    assert {"basics", "segmentation-levels"} <= set(deck_names())
    with pytest.raises(ValueError, match="no deck 'nope'; available decks: basics"):
        load_deck("nope")
    with pytest.raises(ValueError, match="no flashcards with topic"):
        load_deck("basics", topic="astrology")
    with pytest.raises(TypeError):
        load_deck(3)


def test_comparison_back_is_built_from_points():
    card = next(c for c in load_deck() if c.id == "cmp-micro-vs-mass")
    lines = card.back.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("Audience: Micromarketing - ") and "; Mass marketing - " in lines[0]


def _write(tmp_path, body, name="d.yaml"):
    (tmp_path / name).write_text("cards:" + textwrap.dedent(body), encoding="utf-8")
    return tmp_path


GOOD = """
  - id: term-a
    kind: term
    topic: basics
    front: A
    back: The letter a.
"""


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace("    back: The letter a.\n", ""), "missing field(s) 'back'"),
        (lambda s: s.replace("kind: term", "kind: quote"), "kind must be 'term' or 'comparison'"),
        (lambda s: s.replace("front: A", "front: ''"), "front must be non-empty"),
        (lambda s: s.replace("topic: basics", "topic: Basics Stuff"), "topic must be lowercase"),
        (lambda s: s + "    colour: red\n", "unknown field(s) 'colour'"),
    ],
)
def test_malformed_cards_are_reported_with_file_and_id(tmp_path, edit, message):
    _write(tmp_path, edit(GOOD), name="mine.yaml")
    errors = validate_decks(tmp_path)
    assert any(message in e and e.startswith("mine.yaml card 'term-a'") for e in errors), errors
    with pytest.raises(DeckError, match="problem"):
        load_deck(directory=tmp_path)


def test_comparison_schema_and_duplicates(tmp_path):
    _write(tmp_path, GOOD, name="a.yaml")
    comparison = """
  - id: cmp-x
    kind: comparison
    topic: basics
    front: X vs Y
    compare: [X]
    points:
      - {aspect: Size, left: big}
"""
    _write(tmp_path, GOOD + comparison, name="b.yaml")
    errors = validate_decks(tmp_path)
    assert "b.yaml card 'term-a': duplicate id (also in a.yaml)." in errors
    assert any("cmp-x': compare must list exactly two names" in e for e in errors)
    assert any("cmp-x': points must list at least two" in e for e in errors)


def test_text_fallback_lists_front_and_back():
    cards = load_deck("segmentation-levels")
    text = deck_text(cards)
    for card in cards:
        assert f"[{card.id}] {card.front}" in text
        assert card.back.splitlines()[0] in text
    assert text.isascii()


def test_widget_flip_know_dont_know_and_progress():
    widget = flashcards("basics", shuffle=False)
    first, second = widget.cards[0], widget.cards[1]
    assert "mm-flashcards" in widget._dom_classes
    assert "mm-card-front" in widget.card.value and first.back not in widget.card.value
    widget.flip()
    assert "mm-card-back" in widget.card.value
    widget.mark(False)  # "Don't know" on the first card moves on
    assert widget.current == second
    assert "mm-card-front" in widget.card.value  # the next card starts face down
    widget.mark(True)
    assert widget.tally.value == "Known: 1, not yet: 1"
    assert widget.count.value == f"Card 3 of {len(widget.cards)}"
    saved = load_progress()["flashcard"]
    assert saved[first.id]["status"] == "dont_know" and saved[second.id]["status"] == "know"
    widget.go(-3)
    assert widget.position == len(widget.cards) - 1  # wraps around


def test_buttons_drive_the_widget():
    widget = flashcards("basics", shuffle=False)
    buttons = {b._dom_classes[0]: b for b in widget.buttons.children}
    assert set(buttons) == {"mm-prev", "mm-flip", "mm-know", "mm-dont-know", "mm-next"}
    buttons["mm-flip"].click()
    assert widget.flipped
    buttons["mm-know"].click()
    assert load_progress()["flashcard"][widget.cards[0].id]["status"] == "know"


def test_only_unknown_brings_back_cards_still_to_learn(capsys):
    total = len(load_deck("basics"))
    mark("term-ctr", known=True)
    assert capsys.readouterr().out.strip() == "Known: saved 'term-ctr' as known."
    mark("term-cpa", known=False)
    remaining = flashcards("basics", only_unknown=True)
    ids = [c.id for c in remaining.cards]
    assert "term-ctr" not in ids and "term-cpa" in ids
    assert len(ids) == total - 1


def test_seeded_order_and_text_repr():
    a, b = flashcards("basics", seed=1), flashcards("basics", seed=1)
    assert [c.id for c in a.cards] == [c.id for c in b.cards]
    assert [c.id for c in a.cards] != [c.id for c in flashcards("basics", seed=2).cards]
    bundle = a._repr_mimebundle_()
    assert bundle["text/plain"] == deck_text(a.cards, title="Flashcards: basics")


def test_argument_validation():
    with pytest.raises(TypeError, match="known"):
        mark("term-ctr", known="yes")
    with pytest.raises(ValueError, match="no flashcard 'nope'"):
        mark("nope", known=True)
    with pytest.raises(TypeError, match="seed"):
        flashcards("basics", seed=1.5)
    with pytest.raises(TypeError, match="shuffle"):
        flashcards("basics", shuffle="no")
