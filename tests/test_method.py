"""Chapter 10: the method content (the course's one step list), and the z-test and sample size worked by hand
equal the helpers."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from course_lib.analysis.casework import method_steps
from course_lib.analysis.experiments import sample_size_per_group, two_proportion_ztest
from course_lib.base.content import content_path, read_yaml
from course_lib.market.simulator import channels, creatives
from course_lib.base.paths import REPO_ROOT as ROOT
from notebook_code import notebook_namespace

METHOD = read_yaml(content_path("method"))


NAMES = [s["name"] for s in METHOD["steps"]]
KEYS = [s["key"] for s in METHOD["steps"]]


def test_method_has_ten_ordered_steps() -> None:
    steps = METHOD["steps"]
    assert [s["step"] for s in steps] == list(range(1, 11))
    assert KEYS == ["objective", "audit", "segments", "proposition", "creatives", "audiences", "test", "adjust",
                    "scale", "document"]
    for s in steps:
        assert set(s) == {"step", "key", "name", "question", "output", "tool", "source_step"}
        assert all(str(v).strip() for v in s.values())
    assert len(set(NAMES)) == len(NAMES)


# --------------------------------------------------------------------------- one step list everywhere


def test_casework_reads_the_one_list() -> None:
    """Chapters 13, 15 and 16 get the steps from method.yaml; casework.yaml holds no second list."""
    steps = method_steps()
    assert steps["key"].tolist() == KEYS and steps["step"].tolist() == NAMES
    assert steps["question"].tolist() == [s["question"] for s in METHOD["steps"]]
    casework = yaml.safe_load((ROOT / "data" / "content" / "casework.yaml").read_text(encoding="utf-8"))
    assert casework.get("method") in (None, []), "casework.yaml must not keep its own list of the method's steps"


def _numbered_items(text: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^\s*\d+\.\s+(.*)$", text, flags=re.M)]


def test_exam_model_answer_lists_the_steps_in_order() -> None:
    """exam-10-02's framework is the one list: same steps, same order, each item starting with the step's name."""
    raw = yaml.safe_load((ROOT / "data" / "content" / "exam_questions.yaml").read_text(encoding="utf-8"))
    answer = next(q for q in raw["questions"] if q["id"] == "exam-10-02")["model_answer"]
    framework = answer[answer.index("**Framework"):answer.index("**Example")]
    items = _numbered_items(framework)
    assert len(items) == len(NAMES)
    for item, name in zip(items, NAMES):
        assert item.startswith(name), (item, name)


def _step_chain(text: str) -> list[str]:
    """'1 Define the objective, 2 Audit ...' -> the names, in order."""
    return [m.strip() for m in re.split(r"(?:^|,)\s*\d{1,2} ", text.strip())[1:]]


def test_revision_note_lists_the_steps_in_order() -> None:
    raw = yaml.safe_load((ROOT / "data" / "content" / "revision.yaml").read_text(encoding="utf-8"))
    points = [p for p in raw["notes"]["test-and-learn"]["points"] if p.startswith("**The method, in order**")]
    assert len(points) == 1
    chain = _step_chain(points[0].split(":", 1)[1].rstrip("."))
    assert chain == NAMES


def test_no_other_place_lists_the_steps_differently() -> None:
    """Any numbered list in the course's data or notebook Markdown that names three or more of the steps must be
    the whole list in the one order."""
    texts = {}
    for path in sorted((ROOT / "data").rglob("*.yaml")):
        texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for folder in ("notebooks", "solutions"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
            texts[f"{folder}/{path.name}"] = "\n".join(markdown)
    lowered = [n.lower() for n in NAMES]
    words = {"objective": 0, "data": 1, "segment": 2, "proposition": 3, "creative": 4, "audience": 5, "test": 6,
             "adjust": 7, "scale": 8, "document": 9, "learning": 9}
    for where, text in texts.items():
        for chain in re.findall(r"[^\n.]*(?:->[^\n.]*){3,}", text):  # objective -> data -> segments -> ...
            order = [next((i for w, i in words.items() if w in part.lower()), None) for part in chain.split("->")]
            order = [i for i in order if i is not None]
            if len(set(order)) >= 3:
                assert order == sorted(order), f"{where} chains the method's steps in another order: {chain!r}"
        items = [i.lower() for i in _numbered_items(text)]
        named = [next((n for n in lowered if i.startswith(n)), None) for i in items]
        hits = [n for n in named if n]
        if len(set(hits)) >= 3:
            # every run of step names must follow the one order
            positions = [lowered.index(n) for n in hits]
            assert positions == sorted(positions), f"{where} lists the method's steps in another order"


def test_plan_is_consistent_with_the_simulator() -> None:
    plan = METHOD["plan"]
    assert plan["channel"] in channels() and plan["control_creative"] in creatives()
    assert {s["creative"] for s in plan["segments"]} <= set(creatives())
    assert set(plan["groups"]) == {"tailored", "control", "rollout"}
    assert sum(plan["groups"].values()) == pytest.approx(1.0)
    assert 0 < plan["test_share"] < 1 and plan["total_budget"] > 0
    for s in plan["segments"]:
        assert set(s) == {"segment", "rule", "proposition", "creative"}


@pytest.fixture(scope="module")
def by_hand():
    """The notebook's own cells, run up to the sample size computed by hand."""
    return notebook_namespace("10-test-and-learn", "sample-size-by-hand")


def test_visible_ztest_equals_the_helper(by_hand) -> None:
    a, b = by_hand["a"], by_hand["b"]
    helper = two_proportion_ztest(b.clicks, b.reach, a.clicks, a.reach)
    assert by_hand["z"] == pytest.approx(helper.z, rel=1e-12)
    assert by_hand["p_value"] == pytest.approx(helper.p_value, rel=1e-9)
    assert by_hand["rate_variant"] / by_hand["rate_control"] - 1 == pytest.approx(helper.lift, rel=1e-12)
    assert by_hand["clicks_test"] == helper


def test_visible_sample_size_equals_the_helper(by_hand) -> None:
    p1 = by_hand["p1"]
    assert by_hand["n_per_group"] == sample_size_per_group(p1, p1 * 1.20)
    assert by_hand["n_per_group"] == sample_size_per_group(p1, by_hand["p2"])


def test_flashcard_and_question_follow_the_one_list() -> None:
    cards = yaml.safe_load((ROOT / "data" / "flashcards" / "cases.yaml").read_text(encoding="utf-8"))["cards"]
    back = next(c for c in cards if c["id"] == "case-coaching-method")["back"]
    assert _step_chain(back.split(":", 1)[1].rstrip(".")) == NAMES
    bank = yaml.safe_load((ROOT / "data" / "questions" / "test-and-learn.yaml").read_text(encoding="utf-8"))
    q = next(q for q in bank["questions"] if q["id"] == "test-and-learn-10")
    right = q["options"][q["answer"]]["text"].lower()
    after_test = [n.lower().split()[0] for n in NAMES[KEYS.index("test") + 1:]]  # adjust, scale, document
    assert [right.index(w) for w in after_test] == sorted(right.index(w) for w in after_test)
