"""Reading the course's YAML data files quickly and safely.

Every notebook reads the question bank and the flashcard decks, so parsing
speed shows up in every chapter's run time. :func:`load_yaml` parses with
libyaml's C ``CSafeLoader`` when PyYAML was built with it (about ten times
faster) and falls back to the pure-Python ``SafeLoader`` otherwise. Both are
*safe* loaders: they build only plain Python values, never arbitrary objects.

Examples
--------
>>> load_yaml("a: [1, 2]\\nb: text")
{'a': [1, 2], 'b': 'text'}
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["SAFE_LOADER", "load_yaml"]

#: The loader :func:`load_yaml` uses: the C loader when available, else the Python one.
SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML text with a safe loader (C-accelerated when available).

    Raises ``yaml.YAMLError`` for malformed text, exactly like ``yaml.safe_load``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str of YAML, got {type(text).__name__}.")
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
