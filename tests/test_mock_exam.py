"""The mock exam: reproducible by seed, topic-balanced, no repeats, and a key that agrees with the quiz grader."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from course_lib.instructor import mock_exam
from course_lib.instructor.mock_exam import EXCLUDED_BY_DEFAULT, FILES, allocate_by_topic, build_mock_exam, main
from course_lib.learning.quiz import grade_answer, load_bank


def _run(tmp_path, name, *args):
    out = tmp_path / name
    assert main(["--out", str(out), *args]) == 0
    return {f: (out / f).read_bytes() for f in FILES}


def test_same_seed_gives_byte_identical_files(tmp_path):
    first = _run(tmp_path, "a", "--questions", "20", "--seed", "7")
    second = _run(tmp_path, "b", "--questions", "20", "--seed", "7")
    assert first == second
    assert set(first) == {"paper.md", "paper.html", "answer-key.md", "answer-key.html"}


def test_different_seeds_give_different_papers():
    papers = {tuple(build_mock_exam(20, seed=s).ids()) for s in range(5)}
    assert len(papers) == 5


@pytest.mark.parametrize("seed", [0, 7, 123])
def test_no_question_repeats_and_topics_are_balanced(seed):
    exam = build_mock_exam(40, seed=seed)
    ids = exam.ids()
    assert len(ids) == len(set(ids)) == 40
    bank = load_bank()
    available = Counter(q.topic for q in bank if q.topic not in EXCLUDED_BY_DEFAULT)
    drawn = Counter(exam.to_frame()["topic"])
    assert not set(drawn) & set(EXCLUDED_BY_DEFAULT)
    # every topic that could take more questions has within one of the largest count
    top = max(drawn.values())
    for topic, n in available.items():
        assert drawn[topic] == n or drawn[topic] >= top - 1, (topic, drawn[topic], top)


def test_allocation_gives_a_short_topic_all_it_has_and_spreads_the_rest_evenly():
    assert allocate_by_topic(7, {"a": 9, "b": 1, "c": 9}, seed=3) == {"a": 3, "b": 1, "c": 3}
    for seed in range(20):
        got = allocate_by_topic(8, {"a": 9, "b": 1, "c": 9, "d": 2}, seed=seed)
        assert sum(got.values()) == 8 and got["b"] == 1 and got["d"] == 2
        assert abs(got["a"] - got["c"]) <= 1


def test_allocation_rejects_impossible_requests():
    with pytest.raises(ValueError, match="only has 3"):
        allocate_by_topic(4, {"a": 1, "b": 2})
    with pytest.raises(ValueError, match="at least 1"):
        allocate_by_topic(0, {"a": 1})
    with pytest.raises(TypeError, match="n_questions must be an int"):
        allocate_by_topic(2.5, {"a": 3})  # type: ignore[arg-type]


def test_topics_filter_and_unknown_topic():
    exam = build_mock_exam(6, seed=1, topics=["rfm", "metrics"])
    assert Counter(exam.to_frame()["topic"]) == {"rfm": 3, "metrics": 3}
    with pytest.raises(ValueError, match="unknown topic.*'prices'"):
        build_mock_exam(5, topics=["rfm", "prices"])


def test_key_answers_are_marked_correct_by_the_quiz_grader():
    """The key's letters, fed back to the independent grader with the paper's seed, must all be correct."""
    exam = build_mock_exam(30, seed=11)
    key = mock_exam.key_markdown(exam)
    answers = re.findall(r"\*\*Answer: (.+?)\*\*", key)
    assert len(answers) == 30
    for q, ans in zip(exam.questions, answers):
        if q.type == "numeric":
            given = float(ans.split()[0])
        else:
            given = ans.lower().replace(" ", "")
        assert grade_answer(q.id, given, seed=exam.seed).status == "correct", (q.id, ans)
        # and a wrong letter is not
        if q.type != "numeric":
            wrong = next(label for label, opt in q.presented(exam.seed) if not opt.correct)
            assert grade_answer(q.id, wrong, seed=exam.seed).status != "correct"


def test_paper_has_no_answers_and_html_is_escaped():
    exam = build_mock_exam(20, seed=7)
    paper = mock_exam.paper_markdown(exam)
    assert "Answer: ______________" in paper or all(q.type != "numeric" for q in exam.questions)
    assert "(right)" not in paper and "explanation" not in paper.lower()
    page = mock_exam.paper_html(exam)
    assert page.startswith("<!DOCTYPE html>") and page.count('<section class="question">') == 20
    assert "<script" not in page and "http" not in page


def test_cli_reports_bad_input_without_traceback(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "x"), "--questions", "100000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: n_questions is 100000") and "Traceback" not in err
    assert main(["--out", str(tmp_path / "y"), "--topics", "nope"]) == 2
    assert "unknown topic" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_write_refuses_a_file_as_folder(tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(ValueError, match="not a folder"):
        mock_exam.write_mock_exam(build_mock_exam(3), f)
    with pytest.raises(TypeError, match="MockExam"):
        mock_exam.write_mock_exam("paper", tmp_path)  # type: ignore[arg-type]


def test_questions_tied_to_a_notebook_never_reach_a_paper():
    tied = {q.id for q in load_bank() if not q.standalone}
    assert {"types-09", "basics-13"} <= tied
    drawn = set()
    for seed in range(10):
        drawn |= set(build_mock_exam(60, seed=seed).ids())
    assert not drawn & tied


def test_standalone_must_be_a_boolean(tmp_path):
    from course_lib.learning.quiz import validate_bank

    (tmp_path / "x.yaml").write_text(
        "questions:\n  - id: x-01\n    type: true_false\n    topic: rfm\n    difficulty: easy\n"
        "    notebook: 05-rfm-micro-segments\n    standalone: 'no'\n    prompt: P?\n    answer: true\n"
        "    options:\n      true: {explanation: yes}\n      false: {explanation: no}\n"
    )
    assert any("standalone must be true or false" in e for e in validate_bank(tmp_path))


def test_case_questions_are_labelled_or_left_out(tmp_path):
    """A question on a worked case (chapters 13-16) says which case it needs; --no-cases leaves them out."""
    exam = build_mock_exam(40, seed=3)
    case_qs = [q for q in exam.questions if q.case_chapter]
    assert case_qs, "a 40-question paper should draw some case questions"
    paper, key = mock_exam.paper_markdown(exam), mock_exam.key_markdown(exam)
    for q in case_qs:
        note = f"Case question: needs the case of chapter {q.notebook[:2]}"
        for text in (paper, key):
            block = text.split(q.prompt)[0].rsplit("## Question", 1)[1]
            assert note in block, q.id
    assert paper.count("Case question:") == len(case_qs)
    assert mock_exam.paper_html(exam).count('class="case"') == len(case_qs)
    plain = build_mock_exam(40, seed=3, cases=False)
    assert not any(q.case_chapter for q in plain.questions) and "Case question" not in mock_exam.paper_markdown(plain)
    out = tmp_path / "no-cases"
    assert main(["--out", str(out), "--questions", "30", "--no-cases"]) == 0
    assert "Case question" not in (out / "paper.md").read_text()
