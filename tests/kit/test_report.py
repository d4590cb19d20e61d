"""ctest's JUnit read back, and the grader's outputs: the table, report.md, junit.xml."""

import datetime
import unittest
import xml.etree.ElementTree as ET

import report
import results
import scoring
from tasks import Task

CTEST_JUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="(empty)" tests="4" failures="2" disabled="0" skipped="1" hostname="" time="0">
  <testcase name="SumTest.A" classname="SumTest.A" time="0.01" status="run">
    <system-out>ok</system-out></testcase>
  <testcase name="P/SumTest.B/x  # GetParam() = 1" classname="x" time="2.5" status="fail">
    <failure message="Failed"/><system-out>sum.cpp:3: Failure
Expected equality of these values:
  sum(1, 2)
    Which is: 0
task 04.sum is not done yet: add two numbers (see TASKS.md)</system-out></testcase>
  <testcase name="TwiceTest.Doubles" classname="TwiceTest.Doubles" time="60" status="fail">
    <failure message="Timeout"/><system-out>[ RUN      ] TwiceTest.Doubles</system-out></testcase>
  <testcase name="EchoTest.Late" classname="EchoTest.Late" time="0" status="notrun">
    <skipped message="Disabled"/></testcase>
  <testcase name="EchoTest.NoIpv6" classname="EchoTest.NoIpv6" time="0" status="notrun">
    <skipped message="SKIP_REGULAR_EXPRESSION_MATCHED"/>
    <system-out>[  SKIPPED ] 1 test</system-out></testcase>
</testsuite>
"""

SUM = Task("04.sum", "add two numbers", "a + b", 2, ["SumTest.*", "P/SumTest.*"], "04")
TWICE = Task("04.twice", "double a number", "2 * x", 1, ["TwiceTest.Doubles"], "04")


class ReadJunitTest(unittest.TestCase):
    def test_names_statuses_and_output(self):
        found = results.parse_junit(CTEST_JUNIT)
        self.assertEqual([r.name for r in found],
                         ["SumTest.A", "P/SumTest.B/x", "TwiceTest.Doubles", "EchoTest.Late",
                          "EchoTest.NoIpv6"])
        self.assertEqual([r.status for r in found], ["passed", "Failed", "Timeout", "not run", "skipped"])
        self.assertEqual(found[1].seconds, 2.5)
        self.assertIn("Which is: 0", found[1].output)

    def test_first_lines_pick_the_failure_and_the_task(self):
        lines = results.first_lines(results.parse_junit(CTEST_JUNIT)[1].output)
        self.assertIn("sum.cpp:3: Failure", lines)
        self.assertTrue(any("not done yet" in line for line in lines))


class ReportTest(unittest.TestCase):
    def setUp(self):
        found = results.parse_junit(CTEST_JUNIT)
        self.scores = [scoring.score_lesson("04", [SUM, TWICE], found)]

    def test_table_has_a_row_per_task_and_the_totals(self):
        table = report.score_table(self.scores).splitlines()
        self.assertTrue(table[0].startswith("lesson"))
        self.assertRegex(table[2], r"^04\s+04\.sum\s+1/2\s+1/2$")
        self.assertRegex(table[3], r"^04\s+04\.twice\s+0/1\s+0/1$")
        self.assertRegex(table[4], r"^04\s+\(in no task\)\s+-\s+0/1$")
        self.assertRegex(table[5], r"^04\s+total\s+1/3$")

    def test_markdown_lists_failing_tests_per_task(self):
        text = report.markdown(self.scores, "alice", datetime.datetime(2026, 12, 1), 60)
        self.assertIn("Score **1 / 3**", text)
        self.assertIn("| `04.sum` | 1 / 2 | 1/2 | add two numbers |", text)
        self.assertIn("### `04.twice`: 1 failing", text)
        self.assertIn("- `TwiceTest.Doubles` (Timeout, 60.0 s)", text)

    def test_junit_has_a_testsuite_per_task(self):
        root = ET.fromstring(report.junit(self.scores))
        suites = {s.get("name"): s for s in root.iter("testsuite")}
        self.assertEqual(list(suites), ["04.sum", "04.twice", "04.unscored"])
        self.assertEqual((suites["04.sum"].get("tests"), suites["04.sum"].get("failures")), ("2", "1"))
        failure = suites["04.twice"].find("testcase/failure")
        self.assertEqual(failure.get("message"), "Timeout")

    def test_a_lesson_that_did_not_build(self):
        scores = [scoring.score_lesson("04", [SUM, TWICE], [], ["math.cpp:3:5: error: 'y' was not declared"])]
        text = report.markdown(scores, "bob", datetime.datetime(2026, 12, 1), 60)
        self.assertIn("did not build", text)
        self.assertIn("'y' was not declared", text)
        self.assertIn("not built", report.score_table(scores))
        root = ET.fromstring(report.junit(scores))
        self.assertEqual(root.find("testsuite/testcase").get("name"), "build")

    def test_fractional_points(self):
        self.assertEqual(report.fmt(1.5), "1.5")
        self.assertEqual(report.fmt(2.0), "2")
        self.assertEqual(report.fmt(2 / 3), "0.7")


if __name__ == "__main__":
    unittest.main()
