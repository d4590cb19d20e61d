"""INSTRUCTORS.md's per-lesson part, written from tasks.toml and the mutants' first paragraphs."""

import unittest

import instructors
from fake_tree import TASKS_TOML, FakeTree

MUTANT = """Subtracts instead of adding: every sum is wrong.

--- a/lessons/04-test/math.cpp
+++ b/lessons/04-test/math.cpp
@@ -6 +6 @@
-    return a + b;
+    return a - b;
"""


class InstructorsPartTest(unittest.TestCase):
    def test_lists_tasks_minutes_outcomes_and_mutants(self):
        tree = FakeTree()
        self.addCleanup(tree.cleanup)
        with_outcome = TASKS_TOML.replace('points = 1\n', 'points = 1\noutcome = "scale a value"\n')
        tree.write("tests/tasks.toml", with_outcome)
        tree.write("tests/mutants/04-minus.patch", MUTANT)
        (tree.root / "lessons/04-test/README.md").write_text("# 04\n")
        part = instructors.per_lesson(tree.root)
        self.assertTrue(part.startswith(instructors.BEGIN) and part.endswith(instructors.END))
        self.assertIn("### Lesson 04: test", part)
        self.assertIn("[lesson 04](lessons/04-test/README.md)", part)
        self.assertIn("about 30 minutes", part)
        self.assertIn("| `04.sum` | 2 | add two numbers | `SumTest.*`, `ServerTest.Adds*` |", part)
        self.assertIn("| `04.twice` | 1 | scale a value | `TwiceTest.Doubles` |", part)
        self.assertIn("- `04-minus.patch`: Subtracts instead of adding: every sum is wrong.", part)


if __name__ == "__main__":
    unittest.main()
