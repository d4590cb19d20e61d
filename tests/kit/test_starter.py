"""starter.py's stub writer: a region becomes a stub that compiles and throws naming the task."""

import unittest

import starter
import tasks as kit
from fake_tree import FakeTree


class StubWriterTest(unittest.TestCase):
    def setUp(self):
        self.tree = FakeTree()
        self.addCleanup(self.tree.cleanup)
        self.path = self.tree.root / "lessons/04-test/math.cpp"
        self.regions = kit.find_regions(self.tree.root)
        self.stubbed = starter.stub_file(self.path.read_text(), self.regions)

    def test_reference_code_is_gone_and_markers_stay(self):
        self.assertNotIn("return a + b;", self.stubbed)
        self.assertNotIn("return 2 * x;", self.stubbed)
        self.assertIn("    // TASK 04.sum: add two numbers", self.stubbed)
        self.assertIn("    // END TASK 04.twice", self.stubbed)

    def test_stub_throws_naming_the_task_after_its_stub_lines(self):
        lines = self.stubbed.splitlines()
        throw = lines.index('    course::task_not_done("04.twice", "double a number");')
        self.assertEqual(lines[throw - 1], "    (void)x;")
        self.assertIn('    course::task_not_done("04.sum", "add two numbers");', lines)

    def test_include_added_once_after_the_last_include(self):
        lines = self.stubbed.splitlines()
        self.assertEqual(lines.count(starter.INCLUDE), 1)
        self.assertEqual(lines.index(starter.INCLUDE), lines.index("#include <string>") + 1)

    def test_stubbed_file_keeps_well_formed_markers(self):
        self.path.write_text(self.stubbed)  # a student's tree: scripts/grade and the markers still work
        again = kit.find_regions(self.tree.root)
        self.assertEqual([r.task_id for r in again], ["04.sum", "04.twice"])

    def test_stub_only_region_gets_no_throw(self):
        self.path.write_text("#include <x>\n// TASK 04.sum: add two numbers\n// STUB-ONLY\n"
                             "// STUB: int table[1];\nint table[3] = {1, 2, 3};\n// END TASK 04.sum\n")
        regions = [r for r in kit.find_regions(self.tree.root)]
        stubbed = starter.stub_file(self.path.read_text(), regions)
        self.assertIn("int table[1];", stubbed)
        self.assertNotIn("task_not_done", stubbed)
        self.assertNotIn(starter.INCLUDE, stubbed)
        self.assertNotIn("delete the line that throws", stubbed)  # there is none here

    def test_strings_are_escaped_for_cxx(self):
        self.assertEqual(starter.cxx_string('say "hi" \\ bye'), '"say \\"hi\\" \\\\ bye"')


if __name__ == "__main__":
    unittest.main()
