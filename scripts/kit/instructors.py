"""INSTRUCTORS.md's per-lesson part, written from the one source of truth: tests/tasks.toml (the
tasks, their points, tests and an optional one-line `outcome`; [lesson.NN] minutes) and the
first paragraph of each tests/mutants/NN-*.patch.

  python3 scripts/kit/instructors.py            print the part
  python3 scripts/kit/instructors.py --write    put it into INSTRUCTORS.md, between its markers
  python3 scripts/kit/instructors.py --check    exit 1 if INSTRUCTORS.md's part is not current
"""

import argparse
import pathlib
import re
import sys
import tomllib

import mutants as seeded
import tasks as kit

BEGIN = "<!-- per-lesson part: written by scripts/kit/instructors.py --write; edit tests/tasks.toml -->"
END = "<!-- end of the per-lesson part -->"
SHOWN = 4  # test patterns shown per task; tasks.toml has them all


def lesson_titles(root: pathlib.Path) -> dict[str, str]:
    """The `# ---- Lesson NN: title ----` comments of tasks.toml."""
    text = (root / kit.TASKS_FILE).read_text(encoding="utf-8")
    heading = re.compile(r"^# ---- Lesson (?P<n>\d\d): (?P<title>.*?) ----$", re.M)
    return {m["n"]: m["title"] for m in heading.finditer(text)}


def outcomes(root: pathlib.Path) -> dict[str, str]:
    with open(root / kit.TASKS_FILE, "rb") as f:
        return {t["id"]: t["outcome"] for t in tomllib.load(f).get("task", []) if "outcome" in t}


def per_lesson(root: pathlib.Path = kit.ROOT) -> str:
    tasks = kit.load_tasks(root)
    tables = kit.lesson_data(root)
    titles = lesson_titles(root)
    learned = outcomes(root)
    found = seeded.load_mutants(root)
    lessons = sorted({t.lesson for t in tasks} | {m.lesson for m in found})
    text = [BEGIN, ""]
    for lesson in lessons:
        folder = next(iter(sorted((root / "lessons").glob(f"{lesson}-*"))), None)
        title = titles.get(lesson, "")
        link = f"[lesson {lesson}](lessons/{folder.name}/README.md)" if folder else f"lesson {lesson}"
        text += [f"### Lesson {lesson}: {title}" if title else f"### Lesson {lesson}", ""]
        table = tables.get(lesson, {})
        facts = [f"Tasks in {link}'s `## Write it yourself`."]
        if "minutes" in table:
            facts.append(f"A student needs about {table['minutes']} minutes for them.")
        if table.get("depends"):
            facts.append(f"Builds on lesson(s) {', '.join(table['depends'])}.")
        text += [" ".join(facts), ""]
        mine = [t for t in tasks if t.lesson == lesson]
        if mine:
            text += ["| task | points | the student learns to | checked by |", "|---|---|---|---|"]
            for task in mine:
                checked = ", ".join(f"`{p}`" for p in task.tests[:SHOWN])
                if len(task.tests) > SHOWN:
                    checked += f" and {len(task.tests) - SHOWN} more (tests/tasks.toml)"
                outcome = learned.get(task.id, task.title)
                text.append(f"| `{task.id}` | {task.points:g} | {outcome} | {checked} |")
            text.append("")
        demos = [m for m in found if m.lesson == lesson]
        if demos:
            text += ["Seeded bugs to show in class (`git apply tests/mutants/FILE`, `scripts/test "
                     f"{lesson}`, watch what fails, `git apply -R tests/mutants/FILE`):", ""]
            text += [f"- `{m.file_name}`: {m.about}" for m in demos]
            text.append("")
    text.append(END)
    return "\n".join(text)


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/kit/instructors.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    part = per_lesson()
    if not args.write and not args.check:
        print(part)
        return 0
    path = kit.ROOT / "INSTRUCTORS.md"
    text = path.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        print(f"{path}: the markers of the per-lesson part are missing", file=sys.stderr)
        return 1
    updated = text[:start] + part + text[end + len(END):]
    if args.check:
        if updated != text:
            print("INSTRUCTORS.md's per-lesson part is not current: "
                  "python3 scripts/kit/instructors.py --write", file=sys.stderr)
            return 1
        return 0
    path.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
