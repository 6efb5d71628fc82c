"""Command-line entry point: ``python -m course_lib COMMAND [ARGS]``.

Each command lives in the module named after its idea; this file only maps
command names to ``module:function`` so that importing one command never
imports the others. Every target function takes ``argv: list[str]`` and
returns an exit code; an unexpected error is one line on stderr (exit 1).
"""

from __future__ import annotations

import importlib
import os
import sys

#: command name -> ("module", "function", one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "lab": ("course_lib.instructor.launch", "main", "start JupyterLab on the course (what `make lab` runs)"),
    "data": ("course_lib.market.build", "main", "regenerate every file in data/ (what `make data` runs)"),
    "exercises": ("course_lib.instructor.student_version", "main", "generate exercises/ from solutions/ (`make exercises`)"),
    "grade": ("course_lib.instructor.grading", "main", "grade a folder of submitted workbooks into a CSV"),
    "mock-exam": ("course_lib.instructor.mock_exam", "main", "write a reproducible mock exam and answer key"),
    "html": ("course_lib.instructor.export", "main_html", "build the static HTML course into site/ (`make html`)"),
    "slides": ("course_lib.instructor.export", "main_slides", "build reveal.js slides into site/slides/ (`make slides`)"),
}


def _usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: python -m course_lib COMMAND [ARGS]", "", "commands:"]
    lines += [f"  {name:<{width}}  {help_}" for name, (_, _, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``argv[0]`` to its command and return the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"error: unknown command {name!r}; `python -m course_lib --help` lists the commands.", file=sys.stderr)
        return 2
    module_name, func_name, _ = COMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        print(f"error: the command {name!r} is not available yet ({module_name} is missing).", file=sys.stderr)
        return 2
    try:
        return int(getattr(module, func_name)(rest) or 0)
    except KeyboardInterrupt:
        print(f"{name}: stopped (Ctrl-C); the old output was kept.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback; COURSE_DEBUG=1 shows it
        if os.environ.get("COURSE_DEBUG"):
            raise
        message = " ".join(str(exc).split())[:300] or "no details"
        print(f"error: {name}: {type(exc).__name__}: {message} (COURSE_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 1
