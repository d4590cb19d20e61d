"""scripts/grade: grades a student's tree with the instructor's tests, and proves the suites
catch what they should (--self-check, --mutants). INSTRUCTORS.md explains the whole workflow.

  scripts/grade DIR [NN...]            build DIR's lessons, run their suites, score each task
  scripts/grade --self-check [NN...]   with every task of NN stubbed, exactly its tasks' tests fail
  scripts/grade --mutants [NN...]      every seeded bug of tests/mutants/NN-*.patch is caught
  scripts/grade --self-check --mutants --changed     what CI runs: lessons whose inputs changed
"""

import argparse
import datetime
import os
import pathlib
import re
import signal
import sys
import time

import mutants as seeded
import report
import scoring
import starter
import tasks as kit
import verified
from workspace import Workspace, grading_files, reference_files

LESSON = re.compile(r"^\d{1,2}$")


def indent(lines: list[str]) -> str:
    return "\n    ".join(lines)


def say(text: str) -> None:
    print(f"scripts/grade: {text}", file=sys.stderr, flush=True)


def lesson_labels_before(root: pathlib.Path, lesson: str) -> list[str]:
    numbers = sorted({p.name[:2] for p in (root / "lessons").glob("[0-9][0-9]-*") if p.is_dir()})
    return ["common"] + [f"lesson{n}" for n in numbers if n < lesson]


# ---- grading a student's tree ----

def grade(args, tasks: list[kit.Task], lessons: list[str]) -> int:
    student = args.dir.resolve()
    if not (student / "lessons").is_dir():
        say(f"{student} is not a course tree (no lessons/ folder)")
        return 2
    out = (args.out or student / "grade").resolve()
    out.mkdir(parents=True, exist_ok=True)
    scores, failed_build = [], False
    with Workspace(args.work, args.timeout, jobs=args.jobs) as ws:
        written = ws.sync(grading_files(student, kit.ROOT, [out]))
        say(f"copied {student} into {ws.src} with the instructor's tests/, cmake/, scripts/ "
            f"({written} file(s) changed since the last grading)")
        for lesson in lessons:
            label = f"lesson{lesson}"
            say(f"lesson {lesson}: building build-{label}" + (" with ASan+UBSan" if args.sanitize else ""))
            built = ws.build([f"build-{label}"], args.sanitize)
            if not built.ok:
                failed_build = True
                say(f"lesson {lesson}: the build failed ({built.seconds:.0f} s); it scores 0")
                errors = built.first_errors(strip=f"{ws.src}/")
                scores.append(scoring.score_lesson(lesson, tasks, [], errors, args.sanitize))
                continue
            ws.setup_deps(label)
            say(f"lesson {lesson}: built in {built.seconds:.0f} s; running ctest -L ^{label}$ "
                f"(at most {args.timeout} s a test)")
            start = time.monotonic()
            results = ws.ctest(label, out / f"ctest-{label}.xml", args.sanitize)
            say(f"lesson {lesson}: {len(results)} test(s) in {time.monotonic() - start:.0f} s")
            if not results:
                failed_build = True
                no_tests = ["ctest ran no test (see the ctest output)"]
                scores.append(scoring.score_lesson(lesson, tasks, [], no_tests, args.sanitize))
                continue
            scores.append(scoring.score_lesson(lesson, tasks, results, sanitize=args.sanitize))
    now = datetime.datetime.now(datetime.timezone.utc)
    (out / "report.md").write_text(report.markdown(scores, str(student), now, args.timeout), encoding="utf-8")
    (out / "junit.xml").write_text(report.junit(scores), encoding="utf-8")
    print(report.score_table(scores))
    print(f"\nreport: {out / 'report.md'}\njunit:  {out / 'junit.xml'}")
    return 2 if failed_build else 0


# ---- the checks of the course itself ----

class LessonCheck:
    """One lesson's self-check and mutant check in the shared workspace."""

    def __init__(self, ws: Workspace, lesson: str, tasks: list[kit.Task], out: pathlib.Path):
        self.ws, self.lesson, self.tasks, self.out = ws, lesson, tasks, out
        self.label = f"lesson{lesson}"
        self.problems: list[str] = []
        self.lesson_tasks = [t for t in tasks if t.lesson == lesson]

    def run_label(self, label: str, tag: str, stop_on_failure: bool = False, jobs: int | None = None):
        built = self.ws.build([f"build-{label}"])
        if not built.ok:
            return None, built
        self.ws.setup_deps(label)
        junit = self.out / f"{tag}-{label}.xml"
        return self.ws.ctest(label, junit, stop_on_failure=stop_on_failure, jobs=jobs), built

    def reference(self) -> bool:
        start = time.monotonic()
        results, built = self.run_label(self.label, "reference")
        if results is None:
            self.problems.append("the reference does not build:\n    " + indent(built.first_errors(10)))
            return False
        failing = [r for r in results if not r.passed]
        skipped = sum(r.skipped for r in results)
        say(f"lesson {self.lesson}: reference: {len(results) - len(failing) - skipped}/{len(results)} pass"
            + (f", {skipped} skipped themselves" if skipped else "") + " "
            f"(build {built.seconds:.0f} s, total {time.monotonic() - start:.0f} s)")
        if not results:
            self.problems.append(f"the reference: ctest ran no test of {self.label}")
        for r in failing:
            self.problems.append(f"the reference fails {r.name} ({r.status})")
        return bool(results) and not failing

    def self_check(self) -> None:
        start = time.monotonic()
        regions = [r for r in kit.find_regions(self.ws.src) if r.task_id[:2] == self.lesson]
        by_file: dict[pathlib.Path, list[kit.Region]] = {}
        for region in regions:
            by_file.setdefault(region.path, []).append(region)
        for rel, file_regions in by_file.items():
            text = (self.ws.src / rel).read_text(encoding="utf-8")
            self.ws.edit(str(rel), starter.stub_file(text, file_regions).encode())
        try:
            # Most of a stubbed suite's time is tests waiting for an answer that never comes,
            # up to their own timeouts, not CPU: three at a time per core (198 s -> 76 s for
            # lesson 04 on 2 cores, the same failures).
            results, built = self.run_label(self.label, "stubbed", jobs=3 * (os.cpu_count() or 1))
            if results is None:
                self.problems.append("the starter does not build:\n    " + indent(built.first_errors(10)))
                return
            problems = scoring.self_check_problems(self.lesson_tasks, results)
            self.problems += problems
            failing = sum(not r.passed for r in results)
            say(f"lesson {self.lesson}: starter: {failing}/{len(results)} fail, "
                f"{'as the tasks say' if not problems else f'{len(problems)} problem(s)'} "
                f"(build {built.seconds:.0f} s)")
            unnamed = scoring.unnamed_failures(self.lesson_tasks, results)
            if unnamed:
                say(f"lesson {self.lesson}: note: {len(unnamed)} failing test(s) do not name the task in "
                    f"their output (a server's stderr may not reach it): {', '.join(unnamed[:5])}"
                    + (" ..." if len(unnamed) > 5 else ""))
            stubbed = {(self.ws.src / rel).resolve() for rel in by_file}
            for label in lesson_labels_before(self.ws.src, self.lesson):
                if not self.affects(label, stubbed):
                    continue
                earlier, built = self.run_label(label, "stubbed")
                if earlier is None:
                    self.problems.append(f"{label} does not build with lesson {self.lesson}'s tasks stubbed")
                    continue
                broken = [r for r in earlier
                          if not r.passed and not any(t.matches(r.name) for t in self.lesson_tasks)]
                say(f"lesson {self.lesson}: starter: {label} (built from a stubbed file): "
                    f"{len(earlier) - len(broken)}/{len(earlier)} pass")
                self.problems += [f"{label}'s {r.name} fails with lesson {self.lesson}'s tasks stubbed"
                                  for r in broken]
        finally:
            self.ws.restore()
        say(f"lesson {self.lesson}: self-check took {time.monotonic() - start:.0f} s")

    def affects(self, label: str, stubbed: set[pathlib.Path]) -> bool:
        """Whether a label's tests are built from a stubbed file (a header: from a file beside it)."""
        inputs = self.ws.build_inputs(f"build-{label}")
        if not inputs:
            return False
        folders = {p.parent for p in inputs}
        return any(path in inputs or (path.suffix in (".hpp", ".h") and path.parent in folders)
                   for path in stubbed)

    def mutants(self, found: list[seeded.Mutant]) -> None:
        if len(found) < 3:
            say(f"lesson {self.lesson}: note: {len(found)} mutant(s); the course wants at least 3 per lesson")
        for mutant in found:
            start = time.monotonic()
            applied, error = self.ws.apply_patch(mutant.diff)
            try:
                if not applied:
                    self.problems.append(f"{mutant.file_name} does not apply: {error.strip()}")
                    continue
                results, built = self.run_label(self.label, f"mutant-{mutant.name}", stop_on_failure=True)
                if results is None:
                    self.problems.append(f"{mutant.file_name} does not build (a mutant must compile):\n    "
                                         + "\n    ".join(built.first_errors(6)))
                    continue
                caught = [r for r in results if not r.passed and r.why != "not run"]
                took = time.monotonic() - start
                if caught:
                    names = ", ".join(f"{r.name} ({r.status})" for r in caught[:3])
                    say(f"lesson {self.lesson}: {mutant.file_name}: caught by {names} "
                        f"(build {built.seconds:.0f} s, total {took:.0f} s)")
                else:
                    self.problems.append(f"{mutant.file_name} is not caught: all {len(results)} tests of "
                                         f"{self.label} pass ({mutant.about})")
            finally:
                self.ws.restore()


def check(args, tasks: list[kit.Task], lessons: list[str]) -> int:
    lesson_tables = kit.lesson_data(kit.ROOT)
    files = reference_files(kit.ROOT)
    all_mutants = seeded.load_mutants(kit.ROOT)
    failed, passed_both = [], {}
    out = args.out or args.work / "checks"
    with Workspace(args.work, args.timeout, jobs=args.jobs) as ws:
        record = verified.read_verified(kit.ROOT)  # once the lock is ours: another run may have written it
        synced = False
        for lesson in lessons:
            digest = verified.lesson_hash(files, lesson, tasks, lesson_tables)
            if args.changed and record.get(lesson) == digest:
                say(f"lesson {lesson}: unchanged since its checks passed (inputs sha256 {digest[:16]}), "
                    f"skipped")
                continue
            if not synced:
                written = ws.sync(files)
                say(f"copied this checkout into {ws.src} ({written} file(s) changed since the last run)")
                synced = True
            lesson_check = LessonCheck(ws, lesson, tasks, out / lesson)
            start = time.monotonic()
            if lesson_check.reference():
                lesson_tasks = lesson_check.lesson_tasks
                if args.self_check:
                    if lesson_tasks:
                        lesson_check.self_check()
                    else:
                        say(f"lesson {lesson}: no tasks in tests/tasks.toml, nothing to self-check")
                if args.mutants:
                    lesson_check.mutants([m for m in all_mutants if m.lesson == lesson])
            took = time.monotonic() - start
            if lesson_check.problems:
                failed.append(lesson)
                say(f"lesson {lesson}: FAILED ({took:.0f} s):\n  - " + "\n  - ".join(lesson_check.problems))
            else:
                say(f"lesson {lesson}: passed ({took:.0f} s)")
                if args.self_check and args.mutants:
                    passed_both[lesson] = digest
    if passed_both:
        record.update(passed_both)
        verified.write_verified(kit.ROOT, record)
        say(f"recorded {' '.join(sorted(passed_both))} in {verified.VERIFIED_FILE} (commit it)")
    if failed:
        say(f"checks failed for lesson(s) {' '.join(failed)}")
        return 1
    return 0


def stop_on_signal(number, frame):
    # SIGTERM or SIGHUP (CI cancelled, terminal closed): unwind, so that the running ctest or
    # ninja is killed (subprocess.run does it) and the stubs or the mutant are taken out again.
    raise SystemExit(128 + number)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)
    parser = argparse.ArgumentParser(prog="scripts/grade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("args", nargs="*", metavar="DIR|NN",
                        help="the student's tree (to grade), then lessons")
    parser.add_argument("--self-check", action="store_true",
                        help="with every task of a lesson stubbed, exactly its tasks' tests fail; "
                             "the reference passes")
    parser.add_argument("--mutants", action="store_true",
                        help="the lesson's suite catches every tests/mutants/NN-*.patch")
    parser.add_argument("--changed", action="store_true",
                        help=f"skip lessons whose inputs hash as {verified.VERIFIED_FILE} records")
    parser.add_argument("--sanitize", action="store_true", help="grade under ASan+UBSan (a Debug build)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds each test may take (default 60)")
    parser.add_argument("--jobs", type=int,
                        help="tests run at once (default one per core; a stubbed suite three per core)")
    parser.add_argument("--out", type=pathlib.Path,
                        help="where report.md and junit.xml go (default DIR/grade)")
    parser.add_argument("--work", type=pathlib.Path, default=kit.ROOT / "build" / "kit",
                        help="the scratch tree and its build directories (default build/kit)")
    args = parser.parse_args(argv)
    checking = args.self_check or args.mutants
    if args.changed and not checking:
        parser.error("--changed goes with --self-check and/or --mutants")
    words = list(args.args)
    args.dir = None
    if not checking:
        if not words or LESSON.match(words[0]):
            parser.error("give the student's tree to grade (or --self-check / --mutants)")
        args.dir = pathlib.Path(words.pop(0))
    bad = [w for w in words if not LESSON.match(w)]
    if bad:
        parser.error(f"not a lesson number: {' '.join(bad)}")
    args.work = args.work.resolve()
    try:
        tasks = kit.load_tasks(kit.ROOT)
        kit.check_consistency(tasks, kit.find_regions(kit.ROOT))
        mutant_lessons = {m.lesson for m in seeded.load_mutants(kit.ROOT)}
    except (kit.TaskError, seeded.MutantError) as error:
        say(str(error))
        return 2
    with_tasks = sorted({t.lesson for t in tasks})
    default = sorted(set(with_tasks) | (mutant_lessons if args.mutants else set()))
    lessons = [w.zfill(2) for w in words] or default
    if not checking:
        missing = [lesson for lesson in lessons if lesson not in with_tasks]
        if missing:
            parser.error(f"lesson(s) {' '.join(missing)} have no tasks "
                         f"(lessons with tasks: {' '.join(with_tasks)})")
        return grade(args, tasks, lessons)
    return check(args, tasks, lessons)


if __name__ == "__main__":
    sys.exit(main())
