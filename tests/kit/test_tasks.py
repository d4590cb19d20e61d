"""tasks.py: tests/tasks.toml and the TASK markers (the parser and the consistency checks)."""

import unittest

import tasks as kit
from fake_tree import MATH_CPP, TASKS_TOML, FakeTree


class MarkerParserTest(unittest.TestCase):
    def setUp(self):
        self.tree = FakeTree()
        self.addCleanup(self.tree.cleanup)

    def test_loads_tasks_in_order_with_their_lesson(self):
        tasks = kit.load_tasks(self.tree.root)
        self.assertEqual([t.id for t in tasks], ["04.sum", "04.twice"])
        self.assertEqual(tasks[0].lesson, "04")
        self.assertEqual(tasks[0].points, 2.0)
        self.assertEqual(kit.lesson_data(self.tree.root)["04"]["minutes"], 30)

    def test_finds_regions_with_stub_lines_and_indent(self):
        regions = kit.find_regions(self.tree.root)
        self.assertEqual([(r.task_id, r.begin, r.end) for r in regions],
                         [("04.sum", 5, 7), ("04.twice", 11, 14)])
        self.assertEqual(regions[1].stub_lines, ["(void)x;"])
        self.assertEqual(regions[0].indent, "    ")
        kit.check_consistency(kit.load_tasks(self.tree.root), regions)

    def test_a_missing_end_is_an_error(self):
        self.tree.write("lessons/04-test/math.cpp", MATH_CPP.replace("    // END TASK 04.sum\n", ""))
        with self.assertRaisesRegex(kit.TaskError, "inside TASK 04.sum"):
            kit.find_regions(self.tree.root)

    def test_a_misspelt_marker_is_an_error_not_ignored(self):
        misspelt = MATH_CPP.replace("// END TASK 04.sum", "// END TASK 04-sum")
        self.tree.write("lessons/04-test/math.cpp", misspelt)
        with self.assertRaisesRegex(kit.TaskError, "not in the form"):
            kit.find_regions(self.tree.root)

    def test_title_must_match_word_for_word(self):
        self.tree.write("lessons/04-test/math.cpp", MATH_CPP.replace("add two numbers", "add numbers"))
        with self.assertRaisesRegex(kit.TaskError, "title differs"):
            kit.check_consistency(kit.load_tasks(self.tree.root), kit.find_regions(self.tree.root))

    def test_a_task_without_code_and_code_without_task_are_errors(self):
        self.tree.write("tests/tasks.toml", TASKS_TOML.replace('id = "04.twice"', 'id = "04.thrice"'))
        with self.assertRaises(kit.TaskError) as raised:
            kit.check_consistency(kit.load_tasks(self.tree.root), kit.find_regions(self.tree.root))
        self.assertIn("04.thrice has no TASK region", str(raised.exception))
        self.assertIn("TASK 04.twice is not in", str(raised.exception))

    def test_duplicate_ids_and_missing_fields_are_errors(self):
        self.tree.write("tests/tasks.toml", TASKS_TOML.replace('id = "04.twice"', 'id = "04.sum"'))
        with self.assertRaisesRegex(kit.TaskError, "listed twice"):
            kit.load_tasks(self.tree.root)
        self.tree.write("tests/tasks.toml", TASKS_TOML.replace('hint = "2 * x"\n', ""))
        with self.assertRaisesRegex(kit.TaskError, "lacks"):
            kit.load_tasks(self.tree.root)

    def test_the_course_itself_is_consistent(self):
        kit.check_consistency(kit.load_tasks(), kit.find_regions())


if __name__ == "__main__":
    unittest.main()
