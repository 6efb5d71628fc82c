"""Flashcards for revision: decks as data, a flip-card widget, know / don't know.

Decks are YAML files in ``data/flashcards/`` (file stem = deck name) holding ``cards``;
a card is a term (``id, kind: term, topic, front, back``) or a comparison whose back is
built from points (``kind: comparison``, ``compare: [Micromarketing, Mass marketing]``,
``points: [{aspect: Audience, left: ..., right: ...}]``). In a notebook,
``flashcards("basics")`` shows the widget (a readable list without a frontend) and
``mark("term-micromarketing", known=False)`` does what "Don't know" does; marks are
saved, and ``flashcards(..., only_unknown=True)`` brings back the cards still to learn.

>>> load_deck("basics")[0].kind in {"term", "comparison"}
True
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from course_lib.base import paths
from course_lib.learning.feedback import Feedback, code_spans, show
from course_lib.learning.progress import load_progress, record_result
from course_lib.base.content import ContentError, read_yaml

__all__ = [
    "FLASHCARDS_DIR", "DeckError", "Card", "validate_decks", "load_deck", "deck_names", "mark", "deck_text",
    "deck_html", "flashcards", "FlashcardWidget",
]

#: Where the decks live.
FLASHCARDS_DIR: Path = paths.DATA_DIR / "flashcards"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FIELDS = {
    "term": {"id", "kind", "topic", "front", "back"},
    "comparison": {"id", "kind", "topic", "front", "compare", "points"},
}


class DeckError(ValueError):
    """A flashcard file is malformed; ``errors`` lists every problem (file + card id)."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} problem(s) in the flashcards:\n" + "\n".join(f"- {e}" for e in errors))


@dataclass(frozen=True)
class Card:
    """One flashcard; ``back`` is plain text (built from the points for a comparison), ``deck`` its file stem."""

    id: str
    kind: str
    topic: str
    front: str
    back: str
    deck: str


def _text(x: Any) -> bool:
    return isinstance(x, str) and bool(x.strip())


def _parse_card(raw: Any, deck: str, where: str, errors: list[str]) -> Card | None:
    if not isinstance(raw, dict):
        errors.append(f"{where}: each card must be a mapping (id: ..., kind: ...), got {type(raw).__name__}.")
        return None
    cid = raw.get("id")
    label = f"{where} card {cid!r}"
    before = len(errors)
    if not (isinstance(cid, str) and _ID.match(cid)):
        errors.append(f"{label}: id must be lowercase words joined by dashes, e.g. 'term-ctr'.")
    kind = raw.get("kind")
    if kind not in _FIELDS:
        errors.append(f"{label}: kind must be 'term' or 'comparison', got {kind!r}.")
        return None
    missing = sorted(_FIELDS[kind] - set(raw))
    unknown = sorted(set(map(str, raw)) - _FIELDS[kind])
    if missing:
        errors.append(f"{label}: missing field(s) {', '.join(map(repr, missing))}.")
    if unknown:
        errors.append(f"{label}: unknown field(s) {', '.join(map(repr, unknown))} for a {kind} card.")
    for name in ("topic", "front") + (("back",) if kind == "term" else ()):
        if name in raw and not _text(raw[name]):
            errors.append(f"{label}: {name} must be non-empty text.")
    if _text(raw.get("topic")) and not _ID.match(raw["topic"]):
        errors.append(f"{label}: topic must be lowercase words joined by dashes, got {raw['topic']!r}.")
    back = str(raw.get("back", "")).strip()
    if kind == "comparison":
        compare, points = raw.get("compare"), raw.get("points")
        if not (isinstance(compare, list) and len(compare) == 2 and all(_text(c) for c in compare)):
            errors.append(f"{label}: compare must list exactly two names, e.g. [Micromarketing, Mass marketing].")
            compare = None
        if not (isinstance(points, list) and len(points) >= 2):
            errors.append(f"{label}: points must list at least two comparison points.")
            points = []
        lines = []
        for i, p in enumerate(points, 1):
            if not (isinstance(p, dict) and set(p) == {"aspect", "left", "right"} and all(_text(v) for v in p.values())):
                errors.append(f"{label}: point {i} must be {{aspect: ..., left: ..., right: ...}} with text values.")
                continue
            if compare:
                lines.append(f"{p['aspect'].strip()}: {compare[0]} - {p['left'].strip()}; "
                             f"{compare[1]} - {p['right'].strip()}.")
        back = "\n".join(lines)
    if len(errors) > before:
        return None
    return Card(id=cid, kind=kind, topic=raw["topic"], front=raw["front"].strip(), back=back, deck=deck)


def _directory(directory: str | os.PathLike[str] | None) -> Path:
    if directory is None:
        return FLASHCARDS_DIR
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory must be a folder path, got {type(directory).__name__}.")
    return Path(directory)


def _read_all(folder: Path) -> tuple[list[Card], list[str]]:
    errors: list[str] = []
    cards: list[Card] = []
    seen: dict[str, str] = {}
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        errors.append(f"{folder}: no *.yaml flashcard files.")
    for file in files:
        try:
            data = read_yaml(file, expect=object, what="flashcard")
        except ContentError as exc:
            errors.append(str(exc))
            continue
        if not isinstance(data, dict) or set(data) != {"cards"} or not isinstance(data["cards"], list) or not data["cards"]:
            errors.append(f"{file.name}: the file must contain one key, 'cards', holding a non-empty list.")
            continue
        for raw in data["cards"]:
            card = _parse_card(raw, file.stem, file.name, errors)
            cid = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(cid, str):
                if cid in seen:
                    errors.append(f"{file.name} card {cid!r}: duplicate id (also in {seen[cid]}).")
                    continue
                seen[cid] = file.name
            if card is not None:
                cards.append(card)
    return cards, errors


def validate_decks(directory: str | os.PathLike[str] | None = None) -> list[str]:
    """Check every deck file; return the problems found (empty list = valid).

    >>> validate_decks()
    []
    """
    return _read_all(_directory(directory))[1]


def deck_names(directory: str | os.PathLike[str] | None = None) -> list[str]:
    """Names of the available decks (file stems), sorted.

    >>> "basics" in deck_names()
    True
    """
    folder = _directory(directory)
    return sorted(f.stem for f in folder.glob("*.yaml")) if folder.is_dir() else []


def load_deck(deck: str | None = None, *, topic: str | None = None,
              directory: str | os.PathLike[str] | None = None) -> list[Card]:
    """Load the cards of one deck (all decks when omitted), optionally of one topic.

    Raises ``DeckError`` listing every malformed card, ``ValueError`` for an unknown deck
    or a filter that leaves no cards.

    >>> len(load_deck("basics", topic="metrics")) >= 3
    True
    """
    folder = _directory(directory)
    cards, errors = _read_all(folder)
    if errors:
        raise DeckError(errors)
    if deck is not None:
        if not isinstance(deck, str):
            raise TypeError(f"deck must be a deck name (str), got {type(deck).__name__}.")
        names = deck_names(folder)
        if deck not in names:
            raise ValueError(f"there is no deck {deck!r}; available decks: {', '.join(names)}.")
        cards = [c for c in cards if c.deck == deck]
    if topic is not None:
        if not isinstance(topic, str):
            raise TypeError(f"topic must be a str, got {type(topic).__name__}.")
        cards = [c for c in cards if c.topic == topic]
        if not cards:
            raise ValueError(f"no flashcards with topic {topic!r}" + (f" in deck {deck!r}." if deck else "."))
    return cards


def _find(card_id: str) -> Card:
    if not isinstance(card_id, str):
        raise TypeError(f"card_id must be a card id (str), got {type(card_id).__name__}.")
    for card in load_deck():
        if card.id == card_id:
            return card
    raise ValueError(f"there is no flashcard {card_id!r}.")


def _record(card: Card, known: bool) -> None:
    record_result("flashcard", card.id, "know" if known else "dont_know", topic=card.topic)


def mark(card_id: str, known: bool) -> None:
    """Mark a card as known or not (what the widget's buttons do) and save it.

    >>> mark("term-micromarketing", known=True)  # doctest: +SKIP
    Known: saved 'term-micromarketing' as known.
    """
    if not isinstance(known, bool):
        raise TypeError(f"known must be True or False, got {known!r}.")
    card = _find(card_id)
    _record(card, known)
    show(_marked(card, known))


def _marked(card: Card, known: bool) -> Feedback:
    """The feedback for a mark: green "Known" or amber "Not known yet" (see learning.feedback)."""
    return Feedback("know" if known else "dont_know", f"saved {card.id!r} as {'known' if known else 'not known yet'}.")


def _order(cards: Sequence[Card], seed: int, shuffle: bool, only_unknown: bool) -> list[Card]:
    cards = list(cards)
    if only_unknown:
        saved = load_progress()["flashcard"]
        cards = [c for c in cards if saved.get(c.id, {}).get("status") != "know"]
    if shuffle:
        random.Random(seed).shuffle(cards)
    return cards


def deck_text(cards: Sequence[Card], *, title: str = "Flashcards") -> str:
    """The deck as plain text: every front followed by its back (the text fallback).

    >>> print(deck_text(load_deck("basics")[:1]).splitlines()[0])
    Flashcards (1 card). Mark each with mark("<id>", known=True or False) or use the widget.
    """
    n = len(cards)
    lines = [f"{title} ({n} card{'s' if n != 1 else ''}). "
             'Mark each with mark("<id>", known=True or False) or use the widget.']
    for i, card in enumerate(cards, 1):
        lines += ["", f"{i}. [{card.id}] {card.front}"]
        lines += [f"   {line}" for line in card.back.splitlines()]
    return "\n".join(lines)


def deck_html(cards: Sequence[Card], *, title: str = "Flashcards") -> str:
    """The deck as static HTML (a notebook viewed without a kernel): each front, its back behind a click.

    >>> "<details" in deck_html(load_deck("basics")[:1])
    True
    """
    items = "".join(f"<li><details><summary><b>{_html(c.front)}</b> <small>[{c.id}]</small></summary>"
                    f"{_html(c.back)}</details></li>" for c in cards)
    n = len(cards)
    return (f'<div class="mm-flashcards-static"><h4>{_html(title)}</h4><p>{n} card{"s" if n != 1 else ""}: '
            f"click a card to turn it over; run the notebook to mark what you know.</p><ol>{items}</ol></div>")


try:
    import ipywidgets as widgets
except ImportError:  # pragma: no cover
    widgets = None  # type: ignore[assignment]


def _html(text: str) -> str:
    return "<br>".join(code_spans(line) for line in text.splitlines())


if widgets is not None:

    class FlashcardWidget(widgets.VBox):
        """Flip cards one at a time; Know / Don't know are saved to progress. Text form: :func:`deck_text`.

        CSS classes for browser tests: ``mm-flashcards``, ``mm-card`` (``mm-card-front`` /
        ``mm-card-back``), ``mm-flip``, ``mm-know``, ``mm-dont-know``, ``mm-prev``, ``mm-next``,
        ``mm-card-count``, ``mm-tally``, ``mm-flash-status`` (the last mark, coloured).
        """

        def __init__(self, cards: Sequence[Card], title: str = "Flashcards") -> None:
            if not cards:
                raise ValueError("there are no cards to show (all known already?).")
            self.cards = list(cards)
            self.title = title
            self.position = 0
            self.flipped = False
            self.known: dict[str, bool] = {}
            self.card = widgets.HTML()
            self.card.add_class("mm-card")
            self.count = widgets.Label()
            self.count.add_class("mm-card-count")
            self.tally = widgets.Label()
            self.tally.add_class("mm-tally")
            self.status = widgets.HTML()
            self.status.add_class("mm-flash-status")
            buttons = []
            for name, css, action in [
                ("Previous", "mm-prev", lambda: self.go(-1)),
                ("Flip", "mm-flip", self.flip),
                ("Know", "mm-know", lambda: self.mark(True)),
                ("Don't know", "mm-dont-know", lambda: self.mark(False)),
                ("Next", "mm-next", lambda: self.go(1)),
            ]:
                button = widgets.Button(description=name)
                button.add_class(css)
                button.on_click(lambda _b, action=action: action())
                buttons.append(button)
            self.buttons = widgets.HBox(buttons)
            super().__init__([widgets.HTML(f"<h4>{_html(title)}</h4>"), self.card, self.buttons,
                              widgets.HBox([self.count, self.tally]), self.status])
            self.add_class("mm-flashcards")
            self._render()

        @property
        def current(self) -> Card:
            """The card on screen."""
            return self.cards[self.position]

        def flip(self) -> None:
            """Turn the current card over."""
            self.flipped = not self.flipped
            self._render()

        def go(self, step: int) -> None:
            """Move ``step`` cards forward (negative: back), wrapping around."""
            self.position = (self.position + step) % len(self.cards)
            self.flipped = False
            self._render()

        def mark(self, known: bool) -> None:
            """Record know / don't know for the current card, then show the next one."""
            card = self.current
            self.known[card.id] = known
            _record(card, known)
            self.go(1)
            self.status.value = _marked(card, known)._repr_html_()

        def _render(self) -> None:
            card = self.current
            if self.flipped:
                body = f'<div class="mm-card-back"><b>{_html(card.front)}</b><br>{_html(card.back)}</div>'
            else:
                body = f'<div class="mm-card-front"><b>{_html(card.front)}</b></div>'
            self.card.value = body
            self.count.value = f"Card {self.position + 1} of {len(self.cards)}"
            n_known = sum(self.known.values())
            self.tally.value = f"Known: {n_known}, not yet: {len(self.known) - n_known}"

        def __repr__(self) -> str:
            return deck_text(self.cards, title=self.title)

        def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
            bundle = super()._repr_mimebundle_(**kwargs) or {}
            bundle["text/plain"] = deck_text(self.cards, title=self.title)
            bundle["text/html"] = deck_html(self.cards, title=self.title)  # static views
            return bundle

else:  # pragma: no cover

    class FlashcardWidget:  # type: ignore[no-redef]
        """Text-only stand-in used when ipywidgets is not installed."""

        def __init__(self, cards: Sequence[Card], title: str = "Flashcards") -> None:
            self.cards, self.title = list(cards), title

        def __repr__(self) -> str:
            return deck_text(self.cards, title=self.title)


def flashcards(deck: str | None = None, *, topic: str | None = None, seed: int = 0, shuffle: bool = True,
               only_unknown: bool = False) -> FlashcardWidget:
    """Return the flashcard widget for a deck (seeded shuffle unless ``shuffle=False``).

    ``only_unknown=True`` leaves out the cards already marked "know" in the progress file.

    >>> flashcards("basics", shuffle=False).current.id == load_deck("basics")[0].id
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}.")
    for name, value in (("shuffle", shuffle), ("only_unknown", only_unknown)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {value!r}.")
    cards = _order(load_deck(deck, topic=topic), seed, shuffle, only_unknown)
    title = f"Flashcards: {deck}" if deck else "Flashcards"
    return FlashcardWidget(cards, title=title)
