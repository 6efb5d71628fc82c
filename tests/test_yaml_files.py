"""The fast YAML reader gives exactly what PyYAML's safe_load gives, on every course data file."""

from __future__ import annotations

import pytest
import yaml

from course_lib.base.paths import DATA_DIR
from course_lib.base.content import SAFE_LOADER, load_yaml

FILES = sorted(DATA_DIR.rglob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA_DIR)))
def test_same_result_as_safe_load(path):
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.safe_load(text)


def test_it_is_a_safe_loader():
    assert issubclass(SAFE_LOADER, (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['echo unsafe']")


def test_malformed_text_and_wrong_type():
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [1, 2")
    with pytest.raises(TypeError, match="text must be a str"):
        load_yaml(b"a: 1")  # type: ignore[arg-type]
