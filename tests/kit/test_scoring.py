"""The task <-> test mapping (tasks.toml's glob patterns), scoring, and the self-check's rule."""

import unittest

import scoring
from results import TestResult
from tasks import Task


def task(task_id, points, tests):
    return Task(task_id, f"title of {task_id}", "hint", points, tests, task_id[:2])


def run(**outcomes):
    """run(**{"SumTest.A": True}) -> results; False fails, "Timeout" times out."""
    found = []
    for name, outcome in outcomes.items():
        if outcome is True:
            found.append(TestResult(name, True))
        else:
            found.append(TestResult(name, False, 1.0, "out", "Timeout" if outcome == "Timeout" else "Failed"))
    return found


SUM = task("04.sum", 2, ["SumTest.*", "ServerTest.Adds*"])
TWICE = task("04.twice", 1, ["TwiceTest.Doubles"])
OTHER = task("05.other", 5, ["SumTest.*"])


class TaskTestMappingTest(unittest.TestCase):
    def test_globs_match_whole_names_case_sensitively(self):
        self.assertTrue(SUM.matches("SumTest.AddsSmall"))
        self.assertTrue(SUM.matches("ServerTest.AddsOverTheNetwork"))
        self.assertFalse(SUM.matches("ServerTest.Subtracts"))
        self.assertFalse(SUM.matches("sumtest.AddsSmall"))
        self.assertFalse(TWICE.matches("TwiceTest.DoublesNegative"))
        self.assertTrue(task("04.p", 1, ["Peers/*Test.Echoes*"]).matches("Peers/WsTest.EchoesForA/NodeWs"))

    def test_a_test_may_belong_to_two_tasks(self):
        both = task("04.both", 1, ["SumTest.A", "TwiceTest.*"])
        results = run(**{"SumTest.A": False, "TwiceTest.Doubles": True})
        self.assertEqual(len(scoring.tests_of(both, results)), 2)
        self.assertEqual(len(scoring.tests_of(SUM, results)), 1)


class ScoringTest(unittest.TestCase):
    def test_points_in_proportion_to_passing_tests(self):
        results = run(**{"SumTest.A": True, "SumTest.B": False, "ServerTest.AddsX": True, "SumTest.C": True,
                         "TwiceTest.Doubles": True, "EchoTest.Other": False})
        lesson = scoring.score_lesson("04", [SUM, TWICE, OTHER], results)
        self.assertEqual([t.task.id for t in lesson.tasks], ["04.sum", "04.twice"])  # 05's task not here
        self.assertEqual((lesson.tasks[0].passed, lesson.tasks[0].total), (3, 4))
        self.assertAlmostEqual(lesson.tasks[0].score, 1.5)
        self.assertEqual(lesson.tasks[1].score, 1.0)
        self.assertAlmostEqual(lesson.score, 2.5)
        self.assertEqual(lesson.points, 3.0)
        self.assertEqual([r.name for r in lesson.unscored], ["EchoTest.Other"])

    def test_a_test_that_skipped_itself_counts_for_nothing(self):
        results = run(**{"SumTest.A": True, "SumTest.Ipv6": True, "EchoTest.Ipv6": True})
        results[1].why = results[2].why = "skipped"
        lesson = scoring.score_lesson("04", [SUM], results)
        self.assertEqual((lesson.tasks[0].passed, lesson.tasks[0].total), (1, 1))
        self.assertEqual(lesson.unscored, [])
        self.assertEqual(scoring.self_check_problems([SUM], [TestResult("SumTest.A", False), results[1]]), [])

    def test_a_task_whose_tests_did_not_run_scores_zero(self):
        lesson = scoring.score_lesson("04", [SUM, TWICE], run(**{"TwiceTest.Doubles": True}))
        self.assertEqual((lesson.tasks[0].total, lesson.tasks[0].score), (0, 0.0))
        self.assertEqual(lesson.score, 1.0)

    def test_a_lesson_that_does_not_build_scores_zero(self):
        lesson = scoring.score_lesson("04", [SUM, TWICE], [], ["a.cpp:1: error: expected ';'"])
        self.assertFalse(lesson.built)
        self.assertEqual((lesson.score, lesson.points), (0.0, 3.0))


class SelfCheckRuleTest(unittest.TestCase):
    def test_exactly_the_tasks_tests_fail(self):
        stubbed = run(**{"SumTest.A": False, "ServerTest.AddsX": False, "TwiceTest.Doubles": False,
                         "Echo.Ok": True})
        self.assertEqual(scoring.self_check_problems([SUM, TWICE], stubbed), [])

    def test_a_task_test_that_passes_with_the_stub_is_reported(self):
        stubbed = run(**{"SumTest.A": True, "TwiceTest.Doubles": False})
        problems = scoring.self_check_problems([SUM, TWICE], stubbed)
        self.assertEqual(len(problems), 1)
        self.assertIn("SumTest.A passes with 04.sum stubbed", problems[0])

    def test_a_failing_test_of_no_task_is_reported(self):
        stubbed = run(**{"SumTest.A": False, "TwiceTest.Doubles": False, "EchoTest.Echoes": False})
        problems = scoring.self_check_problems([SUM, TWICE], stubbed)
        self.assertEqual(len(problems), 1)
        self.assertIn("EchoTest.Echoes fails", problems[0])
        self.assertIn("no task lists it", problems[0])

    def test_a_task_matching_nothing_and_a_hanging_stub_are_reported(self):
        stubbed = run(**{"SumTest.A": "Timeout"})
        problems = scoring.self_check_problems([SUM, TWICE], stubbed)
        self.assertTrue(any("04.twice" in p and "match no test" in p for p in problems))
        self.assertTrue(any("SumTest.A hangs" in p for p in problems))

    def test_failures_that_do_not_name_the_task_are_listed(self):
        stubbed = run(**{"SumTest.A": False, "SumTest.B": False})
        stubbed[0].output = "C++ exception: task 04.sum is not done yet: add two numbers"
        self.assertEqual(scoring.unnamed_failures([SUM], stubbed), ["SumTest.B"])


if __name__ == "__main__":
    unittest.main()
