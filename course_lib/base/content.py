"""The one way the course reads its content files (YAML in ``data/``).

Every notebook reads the question bank and the flashcard decks, so parsing
speed shows up in every chapter's run time. :func:`load_yaml` parses text with
libyaml's C ``CSafeLoader`` when PyYAML was built with it (about ten times
faster) and falls back to the pure-Python ``SafeLoader`` otherwise; both are
*safe* loaders that build only plain Python values. :func:`read_yaml` reads a
file and turns every problem (missing file, a directory in the way, binary
content, a syntax error, the wrong kind of top-level value) into a
:class:`ContentError` that names the file.

Examples
--------
>>> load_yaml("a: [1, 2]\\nb: text")
{'a': [1, 2], 'b': 'text'}
>>> read_yaml(paths.DATA_DIR / "questions" / "topics.yaml")["topics"]["basics"][:11]
'Definitions'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from course_lib.base import paths

__all__ = ["SAFE_LOADER", "ContentError", "load_yaml", "read_yaml", "content_path"]

#: The loader :func:`load_yaml` uses: the C loader when available, else the Python one.
SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(ValueError):
    """A content file is missing or malformed; the message names the file and the entry."""


def load_yaml(text: str) -> Any:
    """Parse YAML text with a safe loader (C-accelerated when available).

    Raises ``yaml.YAMLError`` for malformed text, exactly like ``yaml.safe_load``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str of YAML, got {type(text).__name__}.")
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader


def content_path(name: str) -> Path:
    """The path of ``data/content/<name>.yaml``.

    Examples
    --------
    >>> content_path("method").name
    'method.yaml'
    """
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise ValueError(f"name must be a content file name such as 'method', got {name!r}.")
    return paths.DATA_DIR / "content" / f"{name}.yaml"


def read_yaml(path: str | os.PathLike[str], *, expect: type = dict, what: str = "content") -> Any:
    """Read and parse one YAML file; every problem becomes a :class:`ContentError` naming the file.

    Parameters
    ----------
    path : str or path-like
        The file to read.
    expect : type
        The type the top-level value must have (``dict`` by default, ``list``
        for a plain list, ``object`` for anything).
    what : str
        What the file is, for messages ("question bank", "case settings", ...).

    Raises
    ------
    TypeError
        When ``path`` is not a str or path.
    ContentError
        When the file is missing, is a directory, is not UTF-8 text, is not
        valid YAML or holds the wrong kind of value.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}.")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"the {what} file {path} does not exist.") from None
    except IsADirectoryError:
        raise ContentError(f"the {what} file {path} is a folder, not a file.") from None
    except UnicodeDecodeError:
        raise ContentError(f"the {what} file {path} is not UTF-8 text (is it a binary file?).") from None
    except OSError as exc:
        raise ContentError(f"the {what} file {path} cannot be read ({exc.strerror or exc}).") from None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(f"{path.name} is not valid YAML{line}: {problem}.") from None
    if expect is not object and not isinstance(data, expect):
        raise ContentError(
            f"{path.name} must hold a {expect.__name__} at the top level, got {type(data).__name__}."
        )
    return data
