"""Saved progress: quiz, exercise and flashcard results on the student's disk.

Every check a student runs (``q1.check()``, a quiz's Check button,
``answer(...)``, a flashcard's Know / Don't know) is recorded here, so that
:func:`progress_report` can show scores by topic and what to revise next, and
so that the autograder can read what a submitted workbook achieved.

Where the file lives
--------------------
By default ``~/.micromarketing-course/progress.json``. Set the environment
variable ``MICROMARKETING_PROGRESS`` to a file path to use another file (the
autograder gives every submission its own file this way).

The file is JSON, written atomically (a temporary file in the same folder,
then ``os.replace``), so a crash never leaves half a file behind. A file that
cannot be read is never silently dropped: it is renamed to
``progress.json.corrupt-1`` (``-2``, ...) with a :class:`ProgressWarning`, and
a fresh file is started.

Examples
--------
>>> import os, tempfile
>>> os.environ["MICROMARKETING_PROGRESS"] = os.path.join(tempfile.mkdtemp(), "p.json")
>>> record_result("exercise", "00-start-here:q1", "correct", topic="metrics")
>>> load_progress()["exercise"]["00-start-here:q1"]["status"]
'correct'
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "PROGRESS_ENV", "DEFAULT_PROGRESS_PATH", "STATUSES", "ProgressWarning", "progress_path", "load_progress",
    "record_result", "results_frame", "progress_report", "reset_progress", "atomic_write_text",
]

#: Environment variable that overrides where progress is saved.
PROGRESS_ENV: str = "MICROMARKETING_PROGRESS"
#: Where progress is saved when ``MICROMARKETING_PROGRESS`` is not set.
DEFAULT_PROGRESS_PATH: Path = Path("~/.micromarketing-course/progress.json")
#: The statuses each kind of result may have; the first one counts as a success.
STATUSES: dict[str, tuple[str, ...]] = {
    "exercise": ("correct", "incorrect", "not_attempted"),
    "quiz": ("correct", "incorrect"),
    "flashcard": ("know", "dont_know"),
}
_SUCCESS = {"correct", "know"}
_FORMAT_VERSION = 1


class ProgressWarning(UserWarning):
    """Progress could not be read or saved (the course keeps working)."""


def progress_path() -> Path:
    """Return the progress file in use.

    ``MICROMARKETING_PROGRESS`` when it is set and not empty, otherwise
    ``~/.micromarketing-course/progress.json``.

    Examples
    --------
    >>> str(DEFAULT_PROGRESS_PATH)
    '~/.micromarketing-course/progress.json'
    >>> progress_path().suffix
    '.json'
    """
    override = os.environ.get(PROGRESS_ENV, "").strip()
    return Path(override).expanduser() if override else DEFAULT_PROGRESS_PATH.expanduser()


def _resolve(path: str | os.PathLike[str] | None) -> Path:
    if path is None:
        return progress_path()
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or Path), got {type(path).__name__}.")
    return Path(path).expanduser()


def _file_mode(target: Path) -> int:
    """The permission bits ``target`` should get: its current ones, else 0o666 minus the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file in the same folder + ``os.replace``).

    Readers see either the old file or the complete new one, never a partial
    write. Missing parent folders are created.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> atomic_write_text(target, "hello")
    >>> target.read_text()
    'hello'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}.")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file owner-only; give it the mode a plain open() would (or keep the old file's)
        os.chmod(tmp, _file_mode(target))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _empty() -> dict[str, Any]:
    return {"version": _FORMAT_VERSION, **{kind: {} for kind in STATUSES}}


def _is_valid(data: Any) -> bool:
    if not isinstance(data, dict) or data.get("version") != _FORMAT_VERSION:
        return False
    for kind, allowed in STATUSES.items():
        section = data.get(kind, {})
        if not isinstance(section, dict):
            return False
        for record in section.values():
            if not isinstance(record, dict) or record.get("status") not in allowed:
                return False
    return True


def _move_aside(path: Path, reason: str) -> Path:
    n = 1
    while True:
        aside = path.with_name(f"{path.name}.corrupt-{n}")
        if not aside.exists():
            break
        n += 1
    os.replace(path, aside)
    warnings.warn(
        f"The progress file {path} could not be read ({reason}). It was moved to {aside.name} "
        "and a new progress file was started; nothing was deleted.",
        ProgressWarning,
        stacklevel=3,
    )
    return aside


def load_progress(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read the progress file and return its content.

    Parameters
    ----------
    path : str or Path, optional
        The file to read; default :func:`progress_path`.

    Returns
    -------
    dict
        ``{"version": 1, "exercise": {...}, "quiz": {...}, "flashcard": {...}}``;
        each section maps an item id to a record with at least ``status``.
        A missing file gives empty sections. A corrupted file is moved aside
        (``progress.json.corrupt-N``) with a :class:`ProgressWarning`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> sorted(load_progress(pathlib.Path(tempfile.mkdtemp()) / "none.json"))
    ['exercise', 'flashcard', 'quiz', 'version']
    """
    target = _resolve(path)
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _empty()
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        _move_aside(target, f"not valid JSON: {exc.msg if hasattr(exc, 'msg') else exc}")
        return _empty()
    if not _is_valid(data):
        _move_aside(target, "unexpected content")
        return _empty()
    for kind in STATUSES:
        data.setdefault(kind, {})
    return data


def record_result(
    kind: str,
    item_id: str,
    status: str,
    *,
    topic: str | None = None,
    notebook: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> None:
    """Save one result (the latest result per item wins).

    Parameters
    ----------
    kind : {"exercise", "quiz", "flashcard"}
    item_id : str
        Exercise id (``"00-start-here:q1"``), question id or card id.
    status : str
        ``exercise``: correct / incorrect / not_attempted; ``quiz``: correct /
        incorrect; ``flashcard``: know / dont_know.
    topic, notebook : str, optional
        Used by :func:`progress_report` to group scores.
    path : str or Path, optional
        Progress file; default :func:`progress_path`.

    Notes
    -----
    A timestamp (UTC) and an attempt counter are stored in the file but never
    shown in notebook output. If the file cannot be written (read-only disk),
    a :class:`ProgressWarning` is issued instead of an error.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> record_result("quiz", "basics-01", "incorrect", topic="basics", path=f)
    >>> load_progress(f)["quiz"]["basics-01"]["attempts"]
    1
    """
    if not isinstance(kind, str) or kind not in STATUSES:
        raise ValueError(f"kind must be one of {', '.join(map(repr, STATUSES))}; got {kind!r}.")
    if not isinstance(item_id, str) or not item_id.strip():
        raise TypeError(f"item_id must be a non-empty str, got {item_id!r}.")
    if status not in STATUSES[kind]:
        allowed = ", ".join(map(repr, STATUSES[kind]))
        raise ValueError(f"status for a {kind} must be one of {allowed}; got {status!r}.")
    for name, value in (("topic", topic), ("notebook", notebook)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str or None, got {type(value).__name__}.")
    target = _resolve(path)
    data = load_progress(target)
    previous = data[kind].get(item_id, {})
    record: dict[str, Any] = {
        "status": status,
        "attempts": int(previous.get("attempts", 0)) + 1,
        "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if topic is not None:
        record["topic"] = topic
    if notebook is not None:
        record["notebook"] = notebook
    data[kind][item_id] = record
    try:
        atomic_write_text(target, json.dumps(data, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        warnings.warn(f"Could not save progress to {target}: {exc}", ProgressWarning, stacklevel=2)


def reset_progress(path: str | os.PathLike[str] | None = None) -> None:
    """Start again with empty progress (the old file is replaced atomically).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> record_result("quiz", "basics-01", "correct", path=f)
    >>> reset_progress(f)
    >>> load_progress(f)["quiz"]
    {}
    """
    atomic_write_text(_resolve(path), json.dumps(_empty(), indent=2, sort_keys=True) + "\n")


def results_frame(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return every saved result as a tidy DataFrame (one row per item).

    Columns: ``kind``, ``item``, ``status``, ``topic``, ``notebook``,
    ``attempts``, ``success`` (True for correct / know).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> record_result("quiz", "basics-01", "correct", topic="basics", path=f)
    >>> results_frame(f)[["kind", "item", "success"]].to_dict("records")
    [{'kind': 'quiz', 'item': 'basics-01', 'success': True}]
    """
    data = load_progress(path)
    rows = []
    for kind in STATUSES:
        for item, record in sorted(data[kind].items()):
            rows.append(
                {
                    "kind": kind,
                    "item": item,
                    "status": record["status"],
                    "topic": record.get("topic") or "(no topic)",
                    "notebook": record.get("notebook") or "",
                    "attempts": int(record.get("attempts", 1)),
                    "success": record["status"] in _SUCCESS,
                }
            )
    columns = ["kind", "item", "status", "topic", "notebook", "attempts", "success"]
    return pd.DataFrame(rows, columns=columns)


def progress_report(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Scores by topic, weakest topic first, with what to revise next.

    Parameters
    ----------
    path : str or Path, optional
        Progress file; default :func:`progress_path`.

    Returns
    -------
    pandas.DataFrame
        One row per topic with ``attempted`` (items tried), ``correct``
        (correct answers or cards known), ``score`` (``correct / attempted``,
        0-1) and ``revise_next`` (ids of items still wrong, not attempted or
        marked "don't know", comma-separated; empty when the topic is done).
        Sorted by ``score`` ascending, so the first row is what to revise
        next. Empty (same columns) when nothing has been recorded yet.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> record_result("quiz", "basics-01", "correct", topic="basics", path=f)
    >>> record_result("quiz", "levels-02", "incorrect", topic="segmentation-levels", path=f)
    >>> progress_report(f)[["topic", "score", "revise_next"]].to_dict("records")[0]
    {'topic': 'segmentation-levels', 'score': 0.0, 'revise_next': 'levels-02'}
    """
    results = results_frame(path)
    columns = ["topic", "attempted", "correct", "score", "revise_next"]
    if results.empty:
        return pd.DataFrame(
            {
                "topic": pd.Series(dtype="str"),
                "attempted": pd.Series(dtype="int64"),
                "correct": pd.Series(dtype="int64"),
                "score": pd.Series(dtype="float64"),
                "revise_next": pd.Series(dtype="str"),
            }
        )
    rows = []
    for topic, group in results.groupby("topic", sort=True):
        todo = group.loc[~group["success"], "item"].tolist()
        attempted = int(len(group))
        correct = int(group["success"].sum())
        rows.append(
            {
                "topic": topic,
                "attempted": attempted,
                "correct": correct,
                "score": round(correct / attempted, 3),
                "revise_next": ", ".join(todo),
            }
        )
    report = pd.DataFrame(rows, columns=columns)
    return report.sort_values(["score", "topic"], kind="stable").reset_index(drop=True)
