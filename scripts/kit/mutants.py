"""Seeded bugs: tests/mutants/NN-<name>.patch, a paragraph saying what the bug is and what it
breaks, a blank line, then a `git diff` of the change (git apply works on it from the root)."""

import pathlib
import re
from dataclasses import dataclass

MUTANTS_DIR = "tests/mutants"
NAME = re.compile(r"^(?P<lesson>\d\d)-(?P<name>[a-z0-9][a-z0-9-]*)\.patch$")
DIFF_LINE = re.compile(r"^(diff |--- |\+\+\+ |@@ )")


class MutantError(Exception):
    pass


@dataclass
class Mutant:
    path: pathlib.Path
    lesson: str
    name: str
    about: str  # the first paragraph, on one line
    diff: str

    @property
    def file_name(self) -> str:
        return self.path.name

    def files(self) -> list[str]:
        """The files the patch changes, as paths from the root (its `+++ b/...` lines)."""
        names = []
        for line in self.diff.splitlines():
            if line.startswith("+++ "):
                name = line[4:].split("\t", 1)[0].strip()
                if name != "/dev/null":
                    names.append(name[2:] if name.startswith("b/") else name)
        return names


def parse_mutant(path: pathlib.Path, text: str | None = None) -> Mutant:
    match = NAME.match(path.name)
    if not match:
        raise MutantError(f"{path}: a mutant's file name is NN-short-name.patch")
    if text is None:
        text = path.read_text(encoding="utf-8")
    head, blank, diff = text.partition("\n\n")
    if not blank or not head.strip():
        raise MutantError(f"{path}: starts with a paragraph saying what the bug breaks, then a blank line")
    for line in head.splitlines():
        if DIFF_LINE.match(line):
            raise MutantError(f"{path}: the first paragraph holds a diff line ({line!r}): "
                              f"the paragraph and the diff need a blank line between them")
    diff = diff.lstrip("\n")
    if not re.search(r"^\+\+\+ ", diff, re.MULTILINE) or not re.search(r"^@@ ", diff, re.MULTILINE):
        raise MutantError(f"{path}: no diff after the first paragraph")
    about = " ".join(line.strip() for line in head.splitlines())
    return Mutant(path, match["lesson"], match["name"], about, diff)


def load_mutants(root: pathlib.Path, lesson: str | None = None) -> list[Mutant]:
    folder = root / MUTANTS_DIR
    if not folder.is_dir():
        return []
    found = [parse_mutant(p) for p in sorted(folder.glob("*.patch"))]
    return [m for m in found if lesson is None or m.lesson == lesson]
