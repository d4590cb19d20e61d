"""Tasks against test results: which tests check which task (tasks.toml's patterns), a lesson's
score, and the self-check's rule (with every task stubbed, exactly the tasks' tests fail)."""

from dataclasses import dataclass, field

from results import TestResult
from tasks import Task


@dataclass
class TaskScore:
    task: Task
    tests: list[TestResult]

    @property
    def passed(self) -> int:
        return sum(1 for t in self.tests if t.passed)

    @property
    def total(self) -> int:
        return len(self.tests)

    @property
    def score(self) -> float:
        return self.task.points * self.passed / self.total if self.total else 0.0

    @property
    def failing(self) -> list[TestResult]:
        return [t for t in self.tests if not t.passed]


@dataclass
class LessonScore:
    lesson: str
    tasks: list[TaskScore]
    unscored: list[TestResult]  # the label's tests that no task lists: shown, not scored
    build_errors: list[str] = field(default_factory=list)  # the build failed: the lesson scores 0
    sanitize: bool = False

    @property
    def built(self) -> bool:
        return not self.build_errors

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tasks) if self.built else 0.0

    @property
    def points(self) -> float:
        return sum(t.task.points for t in self.tasks)


def tests_of(task: Task, results: list[TestResult]) -> list[TestResult]:
    return [r for r in results if task.matches(r.name)]


def score_lesson(lesson: str, tasks: list[Task], results: list[TestResult],
                 build_errors: list[str] | None = None, sanitize: bool = False) -> LessonScore:
    results = [r for r in results if not r.skipped]  # a test that skipped itself counts for nothing
    mine = [t for t in tasks if t.lesson == lesson]
    scores = [TaskScore(task, tests_of(task, results)) for task in mine]
    unscored = [r for r in results if not any(task.matches(r.name) for task in mine)]
    return LessonScore(lesson, scores, unscored, list(build_errors or []), sanitize)


def self_check_problems(lesson_tasks: list[Task], stubbed: list[TestResult]) -> list[str]:
    """What breaks the self-check's rule, with every task of the lesson stubbed: a task's test
    that passes anyway, a test of no task that fails, a task with no test in the label, a test
    that ran out of time (a stub must fail, not hang)."""
    problems = []
    stubbed = [r for r in stubbed if not r.skipped]
    for task in lesson_tasks:
        if not tests_of(task, stubbed):
            problems.append(f"task {task.id}: its patterns {task.tests} match no test of the label")
    for result in stubbed:
        owners = [t.id for t in lesson_tasks if t.matches(result.name)]
        if owners and result.passed:
            problems.append(f"{result.name} passes with {', '.join(owners)} stubbed: it does not check "
                            f"{'them' if len(owners) > 1 else 'it'} (remove it from the task's tests)")
        elif not owners and not result.passed:
            problems.append(f"{result.name} fails ({result.status}) with the lesson's tasks stubbed, "
                            f"but no task lists it")
        elif owners and result.why == "Timeout":
            problems.append(f"{result.name} hangs with {', '.join(owners)} stubbed (it ran out of time "
                            f"instead of failing)")
    return problems


def unnamed_failures(lesson_tasks: list[Task], stubbed: list[TestResult]) -> list[str]:
    """Tests that fail with the tasks stubbed without naming a task in their output (a server
    process's stderr may not reach the test's output: a warning, not an error)."""
    names = [f"task {t.id} is not done yet" for t in lesson_tasks]
    return [r.name for r in stubbed
            if not r.passed and any(t.matches(r.name) for t in lesson_tasks)
            and not any(n in r.output for n in names)]
