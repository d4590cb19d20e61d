"""A small course tree in a temporary directory, for the kit's tests."""

import pathlib
import tempfile
import textwrap

TASKS_TOML = '''
# ---- Lesson 04: test ----
[[task]]
id = "04.sum"
title = "add two numbers"
hint = "a + b"
points = 2
tests = ["SumTest.*", "ServerTest.Adds*"]

[[task]]
id = "04.twice"
title = "double a number"
hint = "2 * x"
points = 1
tests = ["TwiceTest.Doubles"]

[lesson.04]
minutes = 30
depends = []
# ---- end of lesson 04 ----
'''

MATH_CPP = '''\
#include "lesson/math.hpp"

#include <string>

int sum(int a, int b) {
    // TASK 04.sum: add two numbers
    return a + b;
    // END TASK 04.sum
}

int twice(int x) {
    // TASK 04.twice: double a number
    // STUB: (void)x;
    return 2 * x;
    // END TASK 04.twice
}
'''


class FakeTree:
    def __init__(self, files: dict[str, str] | None = None):
        self._dir = tempfile.TemporaryDirectory(prefix="kit-test-")
        self.root = pathlib.Path(self._dir.name)
        defaults = {"tests/tasks.toml": TASKS_TOML, "lessons/04-test/math.cpp": MATH_CPP}
        for rel, text in (files if files is not None else defaults).items():
            self.write(rel, text)

    def write(self, rel: str, text: str) -> pathlib.Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def cleanup(self) -> None:
        self._dir.cleanup()
