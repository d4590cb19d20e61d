"""scripts/starter NN|all DIR: a student's tree. The whole course (tracked files only, no
history), with each task region of the chosen lessons replaced by a stub that compiles and
fails naming the task, the instructor-only files left out, and TASKS.md listing the tasks."""

import argparse
import pathlib
import shutil
import subprocess
import sys

import tasks as kit

# Instructor-only: the seeded bugs show the reference code in their diffs; CI is ours.
LEFT_OUT = ("tests/mutants/", ".ci/")
INCLUDE = '#include "common/task.hpp"'


def cxx_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tracked_files(root: pathlib.Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], check=True, capture_output=True).stdout
    return [name for name in out.decode().split("\0") if name and not name.startswith(LEFT_OUT)]


def stub_file(text: str, regions: list[kit.Region]) -> str:
    lines = text.splitlines()
    out, cursor, needs_include = [], 0, False
    for region in sorted(regions, key=lambda r: r.begin):
        out.extend(lines[cursor:region.begin])
        pad = region.indent
        out.append(lines[region.begin])  # the TASK line stays: the student sees where to write
        if region.stub_only:  # no throw here: another region of the task throws
            out.append(f"{pad}// Your code here (TASKS.md has a hint).")
        else:
            out.append(f"{pad}// Your code here (TASKS.md has a hint); then delete the line that throws.")
        out.extend(pad + code for code in region.stub_lines)
        if not region.stub_only:
            call = f"course::task_not_done({cxx_string(region.task_id)}, {cxx_string(region.title)});"
            out.append(pad + call)
            needs_include = True
        out.append(lines[region.end])
        cursor = region.end + 1
    out.extend(lines[cursor:])
    if needs_include and INCLUDE not in lines:
        last_include = max((i for i, line in enumerate(out) if line.startswith("#include ")), default=None)
        if last_include is None:
            raise kit.TaskError("a stubbed file has no #include line to put common/task.hpp after")
        out.insert(last_include + 1, INCLUDE)
    return "\n".join(out) + "\n"


def tasks_markdown(chosen: list[kit.Task], lessons: list[str]) -> str:
    text = ["# Your tasks", "",
            "Each task is a region of the code between `// TASK <id>` and `// END TASK <id>`.",
            "Until you write it, it throws an error that names it, and the tests that need it fail.",
            "Write it, delete the line that throws, and run the lesson's tests:", "",
            "    scripts/test " + (lessons[0] if len(lessons) == 1 else "NN")
            + "    # every test of the lesson",
            "",
            "Take the tasks in this order. `grep -rn 'TASK <id>' lessons common` finds where each one goes.",
            ""]
    for lesson in lessons:
        lesson_tasks = [t for t in chosen if t.lesson == lesson]
        if not lesson_tasks:
            continue
        text += [f"## Lesson {lesson}", ""]
        for number, task in enumerate(lesson_tasks, 1):
            text += [f"{number}. **`{task.id}`**: {task.title}. ({task.points:g} points)",
                     f"   - Hint: {task.hint}",
                     f"   - Checked by: {', '.join('`' + p + '`' for p in task.tests)}", ""]
    return "\n".join(text)


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/starter", description=__doc__)
    parser.add_argument("lesson", help="NN (one lesson's tasks) or all")
    parser.add_argument("dir", type=pathlib.Path, nargs="?",
                        help="where to write the student's tree (must not exist or be empty)")
    parser.add_argument("--in-place", action="store_true",
                        help="stub the regions in the reference tree itself, nothing else (to check the "
                             "tests against the stubs with an incremental build; undo with git checkout)")
    parser.add_argument("--from", dest="source", type=pathlib.Path, default=kit.ROOT,
                        help="the reference tree (default: this checkout)")
    args = parser.parse_args()
    root = args.source.resolve()

    try:
        tasks = kit.load_tasks(root)
        regions = kit.find_regions(root)
        kit.check_consistency(tasks, regions)
    except kit.TaskError as error:
        print(f"scripts/starter: {error}", file=sys.stderr)
        return 1
    all_lessons = sorted({t.lesson for t in tasks})
    if args.lesson == "all":
        lessons = all_lessons
    else:
        lesson = args.lesson.zfill(2)
        if lesson not in all_lessons:
            print(f"scripts/starter: lesson {lesson} has no tasks "
                  f"(lessons with tasks: {' '.join(all_lessons)})",
                  file=sys.stderr)
            return 1
        lessons = [lesson]
    chosen = [t for t in tasks if t.lesson in lessons]
    stubbed = [r for r in regions if r.task_id[:2] in lessons]

    by_file: dict[pathlib.Path, list[kit.Region]] = {}
    for region in stubbed:
        by_file.setdefault(region.path, []).append(region)
    if args.in_place:
        for rel, file_regions in by_file.items():
            path = root / rel
            path.write_text(stub_file(path.read_text(encoding="utf-8"), file_regions), encoding="utf-8")
        print(f"scripts/starter: stubbed {len(chosen)} task(s) of lesson(s) {' '.join(lessons)} in place, in "
              f"{len(by_file)} file(s) of {root}")
        return 0
    if args.dir is None:
        parser.error("give the directory to write the student's tree to (or --in-place)")
    target = args.dir.resolve()
    if target.exists() and any(target.iterdir()):
        print(f"scripts/starter: {target} is not empty", file=sys.stderr)
        return 1
    for name in tracked_files(root):
        source, dest = root / name, target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        rel = pathlib.Path(name)
        if rel in by_file:
            dest.write_text(stub_file(source.read_text(encoding="utf-8"), by_file[rel]), encoding="utf-8")
            shutil.copymode(source, dest)
        elif source.is_symlink():
            dest.symlink_to(source.readlink())
        else:
            shutil.copy2(source, dest)
    (target / "TASKS.md").write_text(tasks_markdown(chosen, lessons), encoding="utf-8")
    print(f"scripts/starter: wrote {target}: lesson(s) {' '.join(lessons)}, {len(chosen)} task(s) in "
          f"{len(by_file)} file(s); TASKS.md lists them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
