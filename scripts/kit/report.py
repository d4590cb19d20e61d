"""A grading's three outputs: the score table (stdout), report.md and junit.xml."""

import datetime
import xml.etree.ElementTree as ET

from results import first_lines
from scoring import LessonScore


def fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"


def score_table(scores: list[LessonScore]) -> str:
    rows = [("lesson", "task", "points", "tests passed")]
    for lesson in scores:
        for task in lesson.tasks:
            got = task.score if lesson.built else 0.0
            passed = f"{task.passed}/{task.total}" if lesson.built else "not built"
            rows.append((lesson.lesson, task.task.id, f"{fmt(got)}/{fmt(task.task.points)}", passed))
        unscored = lesson.unscored
        if lesson.built:
            rows.append((lesson.lesson, "(in no task)", "-",
                         f"{sum(r.passed for r in unscored)}/{len(unscored)}"))
        rows.append((lesson.lesson, "total", f"{fmt(lesson.score)}/{fmt(lesson.points)}", ""))
    if len(scores) > 1:
        total, points = sum(s.score for s in scores), sum(s.points for s in scores)
        rows.append(("all", "total", f"{fmt(total)}/{fmt(points)}", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown(scores: list[LessonScore], student: str, when: datetime.datetime, timeout: int) -> str:
    total, points = sum(s.score for s in scores), sum(s.points for s in scores)
    sanitized = any(s.sanitize for s in scores)
    text = [f"# Grade: {student}", "",
            f"{when:%Y-%m-%d %H:%M} UTC. Score **{fmt(total)} / {fmt(points)}**. Each test had {timeout} s"
            + (", under AddressSanitizer and UndefinedBehaviorSanitizer." if sanitized else "."),
            "A task scores its points in proportion to its tests that pass; the lesson's other tests are",
            "shown but not scored. The tests are the instructor's, whatever the tree holds under tests/.", ""]
    for lesson in scores:
        text += [f"## Lesson {lesson.lesson}: {fmt(lesson.score)} / {fmt(lesson.points)}", ""]
        if not lesson.built:
            text += ["The lesson did not build, so it scores 0. The compiler's first errors:", "", "```text",
                     *lesson.build_errors, "```", ""]
        text += ["| task | points | tests passed | what it is |", "|---|---|---|---|"]
        for task in lesson.tasks:
            passed = f"{task.passed}/{task.total}" if lesson.built else "not built"
            got = fmt(task.score if lesson.built else 0)
            text.append(f"| `{task.task.id}` | {got} / {fmt(task.task.points)} | {passed} "
                        f"| {task.task.title} |")
        if lesson.built:
            unscored = lesson.unscored
            text.append(f"| (in no task) | - | {sum(r.passed for r in unscored)}/{len(unscored)} "
                        f"| the lesson's other tests |")
        text.append("")
        if not lesson.built:
            continue
        for task in lesson.tasks:
            if not task.failing:
                continue
            text += [f"### `{task.task.id}`: {len(task.failing)} failing", ""]
            text += failures(task.failing)
        failing_unscored = [r for r in lesson.unscored if not r.passed]
        if failing_unscored:
            text += ["### The lesson's other tests (not scored): "
                     f"{len(failing_unscored)} failing", ""]
            text += failures(failing_unscored)
    return "\n".join(text)


def failures(tests, limit: int = 20) -> list[str]:
    out = []
    for result in tests[:limit]:
        out += [f"- `{result.name}` ({result.status}, {result.seconds:.1f} s)", "", "  ```text"]
        out += ["  " + line for line in first_lines(result.output)] or ["  (no output)"]
        out += ["  ```", ""]
    if len(tests) > limit:
        out += [f"- and {len(tests) - limit} more", ""]
    return out


def junit(scores: list[LessonScore]) -> str:
    """One testsuite per task (and one per lesson for its other tests, not scored), each test a
    testcase: what an LMS or a CI server reads."""
    root = ET.Element("testsuites", name="scripts/grade")
    for lesson in scores:
        groups = [(t.task.id, t.tests, f"{fmt(t.score)}/{fmt(t.task.points)} points: {t.task.title}")
                  for t in lesson.tasks]
        groups.append((f"{lesson.lesson}.unscored", lesson.unscored,
                       "the lesson's tests in no task (not scored)"))
        for name, tests, about in groups:
            suite = ET.SubElement(root, "testsuite", name=name, tests=str(len(tests)),
                                  failures=str(sum(not t.passed for t in tests)),
                                  time=f"{sum(t.seconds for t in tests):.3f}")
            properties = ET.SubElement(suite, "properties")
            ET.SubElement(properties, "property", name="about", value=about)
            if not lesson.built:
                case = ET.SubElement(suite, "testcase", name="build", classname=name)
                failure = ET.SubElement(case, "failure", message="the lesson did not build")
                failure.text = "\n".join(lesson.build_errors)
                suite.set("tests", "1")
                suite.set("failures", "1")
                continue
            for result in tests:
                case = ET.SubElement(suite, "testcase", name=result.name, classname=name,
                                     time=f"{result.seconds:.3f}")
                if not result.passed:
                    failure = ET.SubElement(case, "failure", message=result.status)
                    failure.text = "\n".join(first_lines(result.output, 40))
                    ET.SubElement(case, "system-out").text = result.output
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
