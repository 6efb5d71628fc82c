"""Exercise framework and the 00-start-here checks, with right and wrong answers."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from course_lib.learning.exercises import ____, Exercise, Placeholder, chapter_module, load_workbook, workbook_exercises
from course_lib.chapters import ch00_start_here as start_here
from course_lib.learning.exercises import (
    Feedback,
    Mismatch,
    expect_frame,
    expect_label,
    expect_number,
    expect_series,
    solution_source,
)
from course_lib.chapters.ch00_start_here import load_ads
from course_lib.learning.progress import PROGRESS_ENV, load_progress

q1, q2 = load_workbook("00-start-here")


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


@pytest.fixture
def ads() -> pd.DataFrame:
    return load_ads()


def _ctr(ads):
    return ads["clicks"] / ads["impressions"]


# --------------------------------------------------------------------------- placeholder


def test_placeholder_is_a_singleton_with_a_readable_repr():
    assert Placeholder() is ____
    assert repr(____) == "____"
    assert not ____


# --------------------------------------------------------------------------- q1: CTR


def test_q1_right_answer(ads):
    fb = q1.evaluate(_ctr(ads))
    assert fb.status == "correct"
    assert "email-lapsed-buyers" in fb.message  # the extra sentence is computed from the data


@pytest.mark.parametrize(
    "variant",
    [
        lambda s: s.sort_values(),  # order of the index does not matter
        lambda s: s.astype("float32"),  # dtype differences are tolerated
        lambda s: s + 1e-12,  # tiny float error
        lambda s: s.rename("ctr"),
        lambda s: s.to_frame("ctr"),  # one-column frame is accepted
    ],
)
def test_q1_tolerant_comparisons(ads, variant):
    assert q1.evaluate(variant(_ctr(ads))).status == "correct"


def test_q1_placeholder_is_not_attempted_not_incorrect():
    fb = q1.evaluate(____)
    assert fb.status == "not_attempted"
    assert fb.text.startswith("Not attempted yet:")


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda a: None, "is None"),
        (lambda a: 100 * _ctr(a), "percentage"),
        (lambda a: a["impressions"] / a["clicks"], "upside down"),
        (lambda a: a["conversions"] / a["clicks"], "conversion rate"),
        (lambda a: a["clicks"] / a["spend"], "divides clicks by spend"),
        (lambda a: _ctr(a).drop("local-radius-3km"), "missing the ad 'local-radius-3km'"),
        (lambda a: pd.concat([_ctr(a), pd.Series({"extra-ad": 0.1})]), "unexpected ad 'extra-ad'"),
        (lambda a: _ctr(a).to_numpy(), "without labels"),
        (lambda a: list(_ctr(a)), "without labels"),
        (lambda a: a, "should be a Series"),
        (lambda a: _ctr(a).reset_index(drop=True), "labels are not the ads"),
        (lambda a: a["clicks"].sum() / a["impressions"].sum(), "all ads together"),
        (lambda a: "0.045", "should be a pandas Series"),
        (lambda a: _ctr(a).where(_ctr(a) < 0.08, 0.5), "1 of 6 values"),
        (lambda a: pd.concat([_ctr(a), _ctr(a).iloc[:1]]), "more than once"),
    ],
)
def test_q1_wrong_answers_get_specific_feedback(ads, make, fragment):
    fb = q1.evaluate(make(ads))
    assert fb.status == "incorrect"
    assert fragment in fb.message
    assert "Traceback" not in fb.text


# --------------------------------------------------------------------------- q2: best ROAS


def _roas(ads):
    return ads["revenue"] / ads["spend"]


def test_q2_right_answer(ads):
    best = _roas(ads).idxmax()
    assert q2.evaluate(best).status == "correct"
    assert q2.evaluate(f"  {best.upper()} ").status == "correct"  # case and spaces do not matter


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda a: a["revenue"].idxmax(), "most revenue"),
        (lambda a: _ctr(a).idxmax(), "best click-through rate"),
        (lambda a: _roas(a).idxmin(), "lowest ROAS"),
        (lambda a: _roas(a), "whole Series"),
        (lambda a: _roas(a).max(), "ROAS value itself"),
        (lambda a: "no-such-ad", "not one of the labels"),
        (lambda a: None, "is None"),
        (lambda a: 3, "should be text"),
        (lambda a: [_roas(a).idxmax()], "single label"),
    ],
)
def test_q2_wrong_answers_get_specific_feedback(ads, make, fragment):
    fb = q2.evaluate(make(ads))
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_checks_compute_expected_values_from_the_data(tmp_path, monkeypatch, ads):
    """Change the data file: the right answers change with it (nothing hard-coded)."""
    changed = ads.copy()
    changed.loc["social-yoga-mats", "revenue"] = 50_000.0  # now the best ROAS
    changed.loc["social-yoga-mats", "clicks"] = 20_000  # and the best CTR
    path = tmp_path / "ads.csv"
    changed.reset_index().to_csv(path, index=False)
    monkeypatch.setattr(start_here, "ADS_PATH", path)
    q1, q2 = load_workbook("00-start-here")  # answers are computed when first needed, per load
    assert q2.evaluate("social-yoga-mats").status == "correct"
    assert q2.evaluate("local-radius-3km").status == "incorrect"
    assert q1.evaluate(_ctr(changed)).status == "correct"
    assert q1.evaluate(_ctr(ads)).status == "incorrect"


def test_load_ads_returns_a_fresh_copy(ads):
    ads.loc["social-yoga-mats", "clicks"] = 0
    assert load_ads().loc["social-yoga-mats", "clicks"] == 800


# --------------------------------------------------------------------------- check / hint / solution


def test_check_finds_the_variable_in_the_callers_globals(capsys, ads):
    namespace = {"q1": q1, "ctr": _ctr(ads)}
    exec("q1.check()", namespace)
    assert capsys.readouterr().out.startswith("Correct:")
    namespace["ctr"] = 100 * _ctr(ads)
    exec("q1.check()", namespace)
    assert capsys.readouterr().out.startswith("Incorrect:")
    assert load_progress()["exercise"]["00-start-here:q1"]["status"] == "incorrect"


def test_check_without_the_variable_is_not_attempted(capsys):
    exec("q2.check()", {"q2": q2})
    out = capsys.readouterr().out
    assert out.startswith("Not attempted yet:") and "best_ad" in out
    assert load_progress()["exercise"]["00-start-here:q2"]["status"] == "not_attempted"


def test_check_with_explicit_value_and_placeholder(capsys):
    q2.check(____)
    assert capsys.readouterr().out.startswith("Not attempted yet:")
    with pytest.raises(TypeError, match="at most one value"):
        q2.check(1, 2)


def test_an_exception_inside_a_checker_becomes_feedback(capsys):
    def broken(value):
        raise RuntimeError("boom")

    ex = Exercise(id="qx", notebook="99-demo", var="x", checker=broken, hints=["h"])
    fb = ex.evaluate(1)
    assert fb.status == "incorrect"
    assert "RuntimeError: boom" in fb.message
    ex.check(1)
    out = capsys.readouterr().out
    assert "Traceback" not in out and out.startswith("Incorrect:")


def test_hints_have_levels(capsys):
    q1.hint()
    first = capsys.readouterr().out
    q1.hint(2)
    second = capsys.readouterr().out
    assert first.startswith("Hint:") and "hint 1 of 2" in first
    assert second.startswith("Hint:") and first != second
    for wrong in (3, 0, -1, "2", 1.5, None, True):
        q1.hint(wrong)  # a friendly note, never a traceback
        out = capsys.readouterr().out
        assert out.startswith("Note:") and "hints 1 to 2" in out


def test_solution_is_read_from_the_solutions_notebook(capsys):
    code = solution_source("00-start-here", "best_ad")
    assert code is not None and "idxmax" in code
    q2.solution()
    out = capsys.readouterr().out
    assert out.startswith("Solution:") and "best_ad = " in out


def test_solution_without_notebook_points_to_the_file(capsys):
    ex = Exercise(id="qx", notebook="98-missing", var="x", checker=lambda v: None)
    ex.solution()
    assert "solutions/98-missing.ipynb" in capsys.readouterr().out


def test_feedback_is_plain_deterministic_ascii(ads):
    texts = [q1.evaluate(v).text for v in (_ctr(ads), ____, None, 100 * _ctr(ads))]
    assert texts == [q1.evaluate(v).text for v in (_ctr(ads), ____, None, 100 * _ctr(ads))]
    for text in texts:
        assert text.isascii()
    fb = Feedback("solution", "one way:", code="x = a < b")
    html = fb._repr_html_()
    assert html.startswith('<div class="mm-feedback mm-solution"') and html == fb._repr_html_()
    assert '<b>Solution:</b> one way:<pre class="mm-code"><code>x = a &lt; b</code></pre></div>' in html
    html = Feedback("not_attempted", "assign `ctr`")._repr_html_()
    assert html.startswith('<div class="mm-feedback mm-not-attempted"')
    assert html.endswith("<b>Not attempted yet:</b> assign <code>ctr</code></div>")


def test_exercise_validates_its_definition():
    with pytest.raises(ValueError, match="variable name"):
        Exercise(id="q", notebook="99-demo", var="not a name", checker=lambda v: None)
    with pytest.raises(TypeError, match="callable"):
        Exercise(id="q", notebook="99-demo", var="x", checker="nope")
    with pytest.raises(TypeError, match="hints"):
        Exercise(id="q", notebook="99-demo", var="x", checker=lambda v: None, hints="one hint")


def test_workbook_registry():
    assert [ex.key for ex in workbook_exercises("00-start-here")] == ["00-start-here:q1", "00-start-here:q2"]
    assert chapter_module("02-segmentation-levels") == "course_lib.chapters.ch02_segmentation_levels"
    with pytest.raises(ValueError, match="no exercises"):
        workbook_exercises("97-no-such-workbook")
    with pytest.raises(ValueError, match="two digits"):
        chapter_module("start-here")


# --------------------------------------------------------------------------- comparison helpers


def test_expect_number():
    expect_number(np.float32(0.1), 0.1, name="x", rel_tol=1e-6)
    expect_number(pd.Series([2.0]), 2, name="x")  # a one-element Series is fine
    with pytest.raises(Mismatch, match="single number"):
        expect_number("2", 2, name="x")
    with pytest.raises(Mismatch, match="division by zero"):
        expect_number(float("inf"), 2, name="x")
    with pytest.raises(Mismatch, match="diameter"):
        expect_number(10.0, 5.0, name="radius", mistakes=[(10.0, "You used the diameter, not the radius.")])
    with pytest.raises(Mismatch, match="should be 5, but it is 7"):
        expect_number(7, 5.0, name="radius")
    with pytest.raises(Mismatch, match="single number"):
        expect_number(True, 1, name="x")


def test_expect_label():
    expect_label("Young Families", "young families", name="seg")
    with pytest.raises(Mismatch, match="not the right answer"):
        expect_label("students", "young families", name="seg")


def test_expect_series_reports_a_missing_segment():
    right = pd.Series({"students": 10, "families": 20, "retirees": 30})
    expect_series(pd.Series({"retirees": 30.0, "students": 10.0, "families": 20.0}), right, name="size")
    with pytest.raises(Mismatch, match="missing the segment 'retirees'"):
        expect_series(right.drop("retirees"), right, name="size", what="segment")


def test_expect_frame():
    right = pd.DataFrame({"n": [1, 2], "share": [0.25, 0.75]}, index=["a", "b"])
    expect_frame(right.iloc[::-1][["share", "n"]].astype(float), right, name="t")
    with pytest.raises(Mismatch, match="missing the column 'share'"):
        expect_frame(right[["n"]], right, name="t")
    with pytest.raises(Mismatch, match="unexpected column 'zzz'"):
        expect_frame(right.assign(zzz=1), right, name="t")
    with pytest.raises(Mismatch, match="should have 2 rows, but it has 1"):
        expect_frame(right.iloc[:1], right, name="t")
    with pytest.raises(Mismatch, match="wrong order"):
        expect_frame(right.iloc[::-1], right, name="t", check_row_order=True)
    with pytest.raises(Mismatch, match="should be a DataFrame"):
        expect_frame([1, 2], right, name="t")
    wrong = right.copy()
    wrong.loc["b", "share"] = 0.7
    with pytest.raises(Mismatch, match="for 'b' it should be 0.75, but it is 0.7"):
        expect_frame(wrong, right, name="t")


def test_expect_single_rejects_collections_with_the_exercise_hint():
    import numpy as np
    import pandas as pd

    from course_lib.learning.exercises import Mismatch, expect_single

    expect_single(3, name="n")  # a number passes
    expect_single(np.array([1, 2]), name="n")  # arrays only when asked for
    with pytest.raises(Mismatch, match=r"`n` should be a single number, but it is a DataFrame of length 2\. Use len"):
        expect_single(pd.DataFrame({"a": [1, 2]}), name="n", hint="Use len(...).")
    with pytest.raises(Mismatch, match="ndarray of length 2"):
        expect_single(np.array([1, 2]), name="n", also=(np.ndarray,))
    expect_single(pd.Series([5.0]), name="n", allow_size_one=True)
    with pytest.raises(Mismatch, match=r"Series of length 1\.$"):
        expect_single(pd.Series([5.0]), name="n")


# --------------------------------------------------------------------------- declarative workbooks


import sys  # noqa: E402
import types  # noqa: E402
from decimal import Decimal  # noqa: E402

from course_lib.learning import exercises as core  # noqa: E402


def _demo_workbook(tmp_path, monkeypatch, spec_text, calls):
    """A fake chapter module + spec file for the workbook 98-demo."""
    module = types.ModuleType("course_lib.chapters.ch98_demo")

    def answers(scale=1):
        calls.append("answers")
        s = pd.Series({"a": 0.1, "b": 0.2}) * scale
        return {"share": 0.25 * scale, "n": 4, "best": "b", "by_label": s, "labels": ["a", "b"]}

    def wrong_answers(scale=1):
        calls.append("wrong")
        return {"percent": 25.0 * scale, "count": 3}

    def must_be_even(value, answers):
        if not isinstance(value, int) or value % 2:
            raise Mismatch("`n` should be an even whole number.")
        return f"{answers['n']} is even too."

    module.answers, module.wrong_answers, module.must_be_even = answers, wrong_answers, must_be_even
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(core, "SPECS_DIR", tmp_path)
    (tmp_path / "98-demo.yaml").write_text(spec_text, encoding="utf-8")
    return lambda: load_workbook("98-demo")


DEMO = """
notebook: 98-demo
constants: {scale: 1}
exercises:
  - id: q1
    var: share
    title: Share with scale {scale}
    expect: number
    answer: share
    single: Use `.mean()`.
    mistakes:
      - {answer: percent, message: "A percentage: give a fraction."}
      - {answer: count, message: "That is a count."}
      - {length: n, message: "Those are the right rows; count them."}
    success: "It is {share:.0%}."
    hints: ["Divide.", "Use scale {scale}."]
  - id: q2
    var: best
    expect: label
    answer: best
    choices: labels
  - id: q3
    var: by_label
    expect: series
    answer: by_label
    what: label
  - id: q4
    var: n
    expect: check
    check: must_be_even
"""


def test_declared_checks_right_wrong_blank_and_lazy(tmp_path, monkeypatch):
    calls = []
    q1, q2, q3, q4 = _demo_workbook(tmp_path, monkeypatch, DEMO, calls)()
    assert calls == []  # nothing computed until the first check
    assert q1.title == "Share with scale 1" and q1.hints[1] == "Use scale 1."
    assert q1.evaluate(____).status == "not_attempted"
    assert q1.evaluate(0.25).text == "Correct: well done. It is 25%."
    assert calls == ["answers"]  # a right answer never computes the typical mistakes
    for right in (np.float64(0.25), np.float32(0.25), Decimal("0.25"), np.array([0.25]), pd.Series([0.25])):
        assert q1.evaluate(right).status == "correct", right
    assert q1.evaluate(25).text == "Incorrect: A percentage: give a fraction."
    assert calls == ["answers", "wrong"]
    assert q1.evaluate(np.int64(3)).text == "Incorrect: That is a count."
    assert q1.evaluate([1, 2, 3, 4]).text == "Incorrect: Those are the right rows; count them."
    assert "Use `.mean()`" in q1.evaluate([1, 2]).text
    assert q1.evaluate(0.3).text == "Incorrect: `share` should be 0.25, but it is 0.3."
    assert q1.evaluate(None).status == "incorrect" and q1.evaluate("x").status == "incorrect"
    assert q2.evaluate(" B ").status == "correct"
    assert "not one of the labels" in q2.evaluate("c").text
    assert q3.evaluate(pd.Series({"b": 0.2, "a": 0.1})).status == "correct"
    assert "missing the label 'b'" in q3.evaluate(pd.Series({"a": 0.1})).text
    assert q4.evaluate(6).text == "Correct: well done. 4 is even too."
    assert q4.evaluate(5).text == "Incorrect: `n` should be an even whole number."


def test_a_mistake_equal_to_the_right_answer_is_never_called_wrong(tmp_path, monkeypatch):
    spec = DEMO.replace("{answer: count, message", "{value: 0.25, message")
    q1 = _demo_workbook(tmp_path, monkeypatch, spec, [])()[0]
    assert q1.evaluate(0.25).status == "correct"


@pytest.mark.parametrize("broken, message", [
    ("expect: number\n    answer: share", "unknown key"),
    ("expect: guess", "expect must be one of"),
    ("expect: check\n    check: no_such_function", "no function 'no_such_function'"),
    ("expect: number\n    mistakes: [{message: hi}]", "needs 'answer'"),
])
def test_bad_declarations_name_the_file_and_the_problem(tmp_path, monkeypatch, broken, message):
    spec = "notebook: 98-demo\nexercises:\n  - id: q1\n    var: x\n    " + broken + "\n"
    if message == "unknown key":
        spec += "    colour: red\n"
    with pytest.raises(ValueError, match=message) as info:
        _demo_workbook(tmp_path, monkeypatch, spec, [])()
    assert "98-demo.yaml" in str(info.value)


def test_a_spec_for_another_notebook_or_none_at_all_is_refused(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="expected '98-demo'"):
        _demo_workbook(tmp_path, monkeypatch, DEMO.replace("notebook: 98-demo", "notebook: 97-other"), [])()
    with pytest.raises(ValueError, match="no exercises for the workbook '96-none'"):
        load_workbook("96-none")
