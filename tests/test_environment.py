"""The pip pins, the conda environment and the running environment all agree."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
import yaml

from course_lib.base.paths import REPO_ROOT

PIN_RE = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)$")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirements(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """Return (direct pins, all pins) from requirements.txt text; every line must be an exact pin."""
    direct_part, _, _ = text.partition("# --- everything they pull in ---")
    pins: dict[str, str] = {}
    direct: dict[str, str] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN_RE.match(line)
        if not match:
            raise ValueError(f"requirements.txt line {lineno} is not an exact 'name==version' pin: {line!r}")
        pins[normalise(match[1])] = match[2]
    for line in direct_part.splitlines():
        if (match := PIN_RE.match(line.strip())):
            direct[normalise(match[1])] = match[2]
    return direct, pins


def parse_environment(text: str) -> dict[str, str]:
    """Return {name: version} for the conda dependencies pinned with '='."""
    env = yaml.safe_load(text)
    pins: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section: its exact pins count too (packages not on conda-forge)
            for item in dep.get("pip", []):
                if (match := PIN_RE.match(str(item).split("#")[0].strip())):
                    pins[normalise(match[1])] = match[2]
            continue
        name, _, version = dep.partition("=")
        pins[normalise(name)] = version.lstrip("=")
    return pins


def disagreements(direct: dict[str, str], conda: dict[str, str]) -> list[str]:
    problems = []
    for name, version in direct.items():
        if name not in conda:
            problems.append(f"{name}=={version} is pinned for pip but missing from environment.yml")
        elif conda[name] != version:
            problems.append(f"{name}: requirements.txt pins {version}, environment.yml pins {conda[name]}")
    for name, version in conda.items():
        if name not in {"python", "pip"} and name not in direct:
            problems.append(f"{name}={version} is in environment.yml but not a direct pin in requirements.txt")
    return problems


@pytest.fixture(scope="module")
def pins() -> tuple[dict[str, str], dict[str, str]]:
    return parse_requirements((REPO_ROOT / "requirements.txt").read_text(encoding="utf-8"))


def test_environment_yml_matches_requirements(pins) -> None:
    direct, _ = pins
    conda = parse_environment((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert disagreements(direct, conda) == []
    assert conda["python"].startswith("3.11")


def test_the_required_packages_are_pinned(pins) -> None:
    direct, _ = pins
    for name in ["jupyterlab", "pandas", "matplotlib", "seaborn", "ipywidgets", "scikit-learn", "nbval", "pytest"]:
        assert name in direct, f"{name} must be a direct, exact pin"


def test_pyproject_dependencies_are_pinned(pins) -> None:
    direct, _ = pins
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    missing = [d for d in project["dependencies"] if normalise(re.split(r"[<>=!~ ]", d)[0]) not in direct]
    assert missing == []


def test_running_environment_is_the_pinned_one(pins) -> None:
    _, every = pins
    wrong = []
    for name, version in every.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{name} is pinned but not installed")
            continue
        if installed != version:
            wrong.append(f"{name}: pinned {version}, installed {installed}")
    assert wrong == [], "the suite must run on the pinned versions (run `make setup`)"


def test_the_checks_can_fail() -> None:
    direct, every = parse_requirements("# x\npandas==3.1.1\nnbval==0.11.0\n# --- everything they pull in ---\nsix==1.17.0\n")
    assert direct == {"pandas": "3.1.1", "nbval": "0.11.0"} and every["six"] == "1.17.0"
    conda = parse_environment("dependencies:\n  - python=3.11\n  - pandas=3.0.0\n  - extra=1.0\n  - pip:\n    - -e .\n")
    problems = disagreements(direct, conda)
    assert any("pandas" in p and "3.0.0" in p for p in problems)
    assert any("nbval" in p and "missing" in p for p in problems)
    assert any("extra" in p for p in problems)
    with pytest.raises(ValueError, match="line 1"):
        parse_requirements("pandas>=3\n")
