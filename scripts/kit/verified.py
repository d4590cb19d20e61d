"""tests/mutants/verified.txt: the lessons whose self-check and mutant check passed, each with a
sha256 over every input of those checks. `scripts/grade --changed` skips a lesson whose inputs
hash the same as recorded: its checks would run on the very same files."""

import hashlib
import json
import pathlib

import tasks as kit

VERIFIED_FILE = "tests/mutants/verified.txt"
HEADER = """\
# Lessons whose starter self-check and mutant check passed (scripts/grade --self-check --mutants),
# each with the sha256 of every input of those checks (scripts/kit/verified.py lists them).
# Written by scripts/grade; `scripts/grade --changed` skips a lesson whose inputs still hash so.
"""
# Inputs of every lesson's checks, besides its own folders.
SHARED = ("common/", "tests/support/", "tests/peers/", "tests/common/", "tests/CMakeLists.txt", "cmake/",
          "CMakeLists.txt", "scripts/kit/", "scripts/grade", "scripts/starter", "scripts/deps/")


def lesson_dir(files: dict[str, pathlib.Path], lesson: str) -> str | None:
    prefixes = sorted({rel.split("/")[1] for rel in files
                       if rel.startswith("lessons/") and rel.split("/")[1].startswith(lesson + "-")})
    return f"lessons/{prefixes[0]}/" if prefixes else None


def depends_closure(lesson: str, lessons: dict) -> list[str]:
    """The lesson and every earlier lesson its code links, through [lesson.NN] depends."""
    seen, todo = [], [lesson]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        todo.extend(lessons.get(current, {}).get("depends", []))
    return sorted(seen)


def input_files(files: dict[str, pathlib.Path], lesson: str, lessons: dict) -> list[str]:
    prefixes = list(SHARED) + [f"tests/mutants/{lesson}-"]
    # [lesson.NN] tests_use: later lessons whose programs and test helpers the lesson's tests use
    # (lesson 06's wss:// tests run lesson 09's server): inputs, though not lessons it builds on.
    for each in sorted(set(depends_closure(lesson, lessons)) | set(lessons.get(lesson, {}).get("tests_use", []))):
        folder = lesson_dir(files, each)
        if folder:
            prefixes.append(folder)
        prefixes.append(f"tests/lesson{each}/")
    # Prose is no input: a README or INSTRUCTORS.md edit changes no check's outcome.
    return sorted(rel for rel in files if rel.startswith(tuple(prefixes)) and not rel.endswith(".md"))


def lesson_hash(files: dict[str, pathlib.Path], lesson: str, all_tasks: list[kit.Task], lessons: dict) -> str:
    """sha256 over the lesson's inputs: its files and those of the lessons it depends on, the
    shared code, tests and tools, its mutants, and its own entries of tests/tasks.toml (not the
    whole file: another lesson's tasks do not change this lesson's checks)."""
    digest = hashlib.sha256()
    for rel in input_files(files, lesson, lessons):
        data = files[rel].read_bytes()
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)
    own = [{k: v for k, v in vars(t).items() if k != "order"} for t in all_tasks if t.lesson == lesson]
    entry = json.dumps({"tasks": own, "lesson": lessons.get(lesson, {})}, sort_keys=True, default=str)
    digest.update(b"tasks.toml\0" + entry.encode())
    return digest.hexdigest()


def read_verified(root: pathlib.Path) -> dict[str, str]:
    path = root / VERIFIED_FILE
    if not path.exists():
        return {}
    record = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) >= 2 and not line.startswith("#"):
            record[fields[0]] = fields[1]
    return record


def write_verified(root: pathlib.Path, record: dict[str, str]) -> None:
    path = root / VERIFIED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{lesson} {digest}" for lesson, digest in sorted(record.items())]
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
