"""Shared fixtures for the unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test saves progress into its own temporary file, never the user's."""
    path = tmp_path / "progress.json"
    monkeypatch.setenv("MICROMARKETING_PROGRESS", str(path))
    return path
