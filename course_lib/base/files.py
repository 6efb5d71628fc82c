"""Safe file output: atomic writes, a lock between processes, all-or-nothing folders, one-line CLI errors.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "site"
>>> with staged_folder(out) as stage:
...     atomic_write(stage / "a.txt", "new")
>>> (out / "a.txt").read_text()
'new'
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_write", "file_lock", "check_writable", "staged_folder", "ArgumentParser", "number_in"]


def _umask_mode(bits: int = 0o666) -> int:
    mask = os.umask(0)
    os.umask(mask)
    return bits & ~mask


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, keep_mode: bool = True) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace``, creating folders.

    The file gets the old file's permissions (``keep_mode``) or else those the umask gives a new file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o7777 if keep_mode else _umask_mode()
    except FileNotFoundError:
        mode = _umask_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(tmp, mode)  # mkstemp makes the file private to its owner
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str]) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` (created if needed) across processes; yields False if it cannot be had."""
    try:
        handle = open(path, "a+b")  # noqa: SIM115 - closed below
    except OSError:
        yield False
        return
    try:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            handle.seek(0)
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield True
    finally:
        handle.close()  # closing releases the lock


def check_writable(path: str | os.PathLike[str], arg: str, *, folder: bool = True) -> Path:
    """Fail at once (``ValueError`` naming ``arg``) unless ``path`` can be written: a folder, or a file if not ``folder``."""
    target = Path(path).expanduser()
    if target.exists() and target.is_dir() != folder:
        raise ValueError(f"{arg} {target} is not a {'folder' if folder else 'file'}; give the path of a "
                         f"{'folder' if folder else 'file'} instead.")
    parent = target if folder and target.is_dir() else target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"{arg} {target} cannot be written ({parent} is not a writable folder); "
                         "choose another place or fix its permissions.")
    return target


@contextlib.contextmanager
def staged_folder(target: str | os.PathLike[str], *, keep_old: bool = True) -> Iterator[Path]:
    """Yield a staging folder next to ``target`` (a copy of it if ``keep_old``); on success it replaces ``target``.

    On an error ``target`` is left as it was and the staging folder is removed.
    """
    target = check_writable(target, "output folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    old = stage.with_name(stage.name.replace(".new-", ".old-"))
    try:
        if keep_old and target.is_dir():
            shutil.copytree(target, stage, dirs_exist_ok=True, symlinks=True)
        os.chmod(stage, target.stat().st_mode & 0o7777 if target.is_dir() else _umask_mode(0o777))
        yield stage
        if target.exists():
            os.replace(target, old)
        try:
            os.replace(stage, target)
        except BaseException:
            if old.exists():
                os.replace(old, target)
            raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


class ArgumentParser(argparse.ArgumentParser):
    """argparse with errors on one line (``prog: error: ...; see --help``) and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message}; see --help.", file=sys.stderr)
        raise SystemExit(2)


def number_in(low: float, high: float, *, whole: bool = True):  # type: ignore[no-untyped-def]
    """An argparse ``type=`` accepting a whole (or any finite) number from ``low`` to ``high``.

    >>> number_in(1, 10)("3"), number_in(0.1, 60, whole=False)("2.5")
    (3, 2.5)
    """
    def parse(text: str) -> float:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if whole else ''}number") from None
        if not low <= value <= high:  # also NaN and infinity
            raise argparse.ArgumentTypeError(f"{text} makes no sense here: give a number from {low:g} to {high:,}")
        return value

    return parse
