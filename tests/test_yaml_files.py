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


# --------------------------------------------------------------------------- read_yaml: the one file loader


def test_read_yaml_names_the_file_for_every_problem(tmp_path):
    from course_lib.base.content import ContentError, read_yaml

    (tmp_path / "ok.yaml").write_text("a: 1\n", encoding="utf-8")
    assert read_yaml(tmp_path / "ok.yaml") == {"a": 1}
    (tmp_path / "syntax.yaml").write_text("a: 1\nb: [2\n", encoding="utf-8")
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00\x81")
    (tmp_path / "list.yaml").write_text("- 1\n", encoding="utf-8")
    (tmp_path / "folder.yaml").mkdir()
    cases = {
        "missing.yaml": "does not exist",
        "folder.yaml": "is a folder",
        "binary.yaml": "not UTF-8",
        "syntax.yaml": "syntax.yaml is not valid YAML (line",
        "list.yaml": "must hold a dict",
    }
    for name, message in cases.items():
        with pytest.raises(ContentError, match=message.replace("(", r"\(")) as info:
            read_yaml(tmp_path / name, what="test")
        assert name in str(info.value)
    assert read_yaml(tmp_path / "list.yaml", expect=list) == [1]
    with pytest.raises(TypeError, match="path must be"):
        read_yaml(3)  # type: ignore[arg-type]
