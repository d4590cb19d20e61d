"""The students' tasks: tests/tasks.toml (what each task is, its hint, points and tests) and the
TASK markers in the reference code (where each task is). Used by scripts/starter and
scripts/grade; see INSTRUCTORS.md for the format."""

import fnmatch
import pathlib
import re
import tomllib
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parents[2]
TASKS_FILE = "tests/tasks.toml"
# Where markers may be: the code a student writes, never the tests.
CODE_DIRS = ("lessons", "common")
CODE_SUFFIXES = {".cpp", ".hpp", ".h", ".cc"}

ID = r"(?P<id>\d\d\.[a-z0-9][a-z0-9-]*)"
BEGIN = re.compile(r"^(?P<indent>\s*)// TASK " + ID + r": (?P<title>\S.*?)\s*$")
STUB = re.compile(r"^\s*// STUB: (?P<code>.*?)\s*$")
STUB_ONLY = re.compile(r"^\s*// STUB-ONLY\s*$")
END = re.compile(r"^\s*// END TASK " + ID + r"\s*$")
STRAY = re.compile(r"^\s*// (END )?TASK\b")  # a marker with a typo must not pass silently


class TaskError(Exception):
    pass


@dataclass
class Task:
    id: str
    title: str
    hint: str
    points: float
    tests: list[str]
    lesson: str = ""
    order: int = 0

    def matches(self, test_name: str) -> bool:
        return any(fnmatch.fnmatchcase(test_name, pattern) for pattern in self.tests)


@dataclass
class Region:
    path: pathlib.Path  # relative to the tree's root
    task_id: str
    title: str
    indent: str
    begin: int  # index of the TASK line
    end: int  # index of the END TASK line
    stub_lines: list[str] = field(default_factory=list)
    stub_only: bool = False


def load_tasks(root: pathlib.Path = ROOT) -> list[Task]:
    with open(root / TASKS_FILE, "rb") as f:
        data = tomllib.load(f)
    tasks = []
    for order, entry in enumerate(data.get("task", [])):
        missing = {"id", "title", "hint", "points", "tests"} - entry.keys()
        if missing:
            raise TaskError(f"{TASKS_FILE}: task {entry.get('id', order)} lacks {sorted(missing)}")
        task = Task(id=entry["id"], title=entry["title"], hint=entry["hint"],
                    points=float(entry["points"]), tests=list(entry["tests"]), order=order)
        if not re.fullmatch(ID, task.id):
            raise TaskError(f"{TASKS_FILE}: bad task id {task.id!r} (NN.name)")
        task.lesson = task.id[:2]
        tasks.append(task)
    ids = [t.id for t in tasks]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise TaskError(f"{TASKS_FILE}: task ids listed twice: {sorted(dupes)}")
    return tasks


def lesson_data(root: pathlib.Path = ROOT) -> dict:
    """The [lesson.NN] tables (depends, minutes, ...), keyed by "NN"."""
    with open(root / TASKS_FILE, "rb") as f:
        return tomllib.load(f).get("lesson", {})


def code_files(root: pathlib.Path):
    for top in CODE_DIRS:
        for path in sorted((root / top).rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file():
                yield path


def find_regions(root: pathlib.Path = ROOT) -> list[Region]:
    regions = []
    for path in code_files(root):
        lines = path.read_text(encoding="utf-8").splitlines()
        rel = path.relative_to(root)
        open_region = None
        for number, line in enumerate(lines):
            begin, end = BEGIN.match(line), END.match(line)
            if begin:
                if open_region:
                    raise TaskError(f"{rel}:{number + 1}: TASK {begin['id']} inside TASK "
                                    f"{open_region.task_id}")
                open_region = Region(rel, begin["id"], begin["title"], begin["indent"], number, -1)
                following = number + 1
                while following < len(lines):
                    stub, only = STUB.match(lines[following]), STUB_ONLY.match(lines[following])
                    if stub:
                        open_region.stub_lines.append(stub["code"])
                    elif only:
                        open_region.stub_only = True
                    else:
                        break
                    following += 1
            elif end:
                if not open_region or open_region.task_id != end["id"]:
                    raise TaskError(f"{rel}:{number + 1}: END TASK {end['id']} without its TASK line")
                open_region.end = number
                regions.append(open_region)
                open_region = None
            elif STRAY.match(line):
                raise TaskError(f"{rel}:{number + 1}: a TASK marker not in the form INSTRUCTORS.md gives: "
                                f"{line.strip()}")
        if open_region:
            raise TaskError(f"{rel}:{open_region.begin + 1}: TASK {open_region.task_id} has no END TASK line")
    return regions


def check_consistency(tasks: list[Task], regions: list[Region]) -> None:
    """Every task has code, every marked region has a task, titles agree."""
    by_id = {t.id: t for t in tasks}
    problems = []
    for region in regions:
        task = by_id.get(region.task_id)
        if task is None:
            problems.append(f"{region.path}:{region.begin + 1}: TASK {region.task_id} is not in {TASKS_FILE}")
        elif region.title != task.title:
            problems.append(f"{region.path}:{region.begin + 1}: TASK {region.task_id}'s title differs from "
                            f"{TASKS_FILE}'s "
                            f"({region.title!r} != {task.title!r})")
    marked = {r.task_id for r in regions}
    for task in tasks:
        if task.id not in marked:
            problems.append(f"{TASKS_FILE}: task {task.id} has no TASK region in the code")
        if not task.tests:
            problems.append(f"{TASKS_FILE}: task {task.id} lists no tests")
    if problems:
        raise TaskError("\n".join(problems))
