"""The verified record: what a lesson's inputs are, their hash, and the file itself."""

import unittest

import tasks as kit
import verified
from fake_tree import FakeTree

FILES = {
    "lessons/04-ws/a.cpp": "a", "lessons/05-chat/b.cpp": "b", "lessons/06-load/c.cpp": "c",
    "lessons/05-chat/README.md": "prose",
    "common/x.cpp": "x",
    "tests/lesson04/t.cpp": "t4", "tests/lesson05/t.cpp": "t5", "tests/lesson06/t.cpp": "t6",
    "tests/mutants/04-bug.patch": "m4", "tests/mutants/05-bug.patch": "m5", "tests/mutants/verified.txt": "",
    "README.md": "r", "scripts/kit/grade.py": "g",
}
LESSONS = {"05": {"depends": ["04"]}, "06": {"depends": ["04"]}}


class VerifiedRecordTest(unittest.TestCase):
    def setUp(self):
        self.tree = FakeTree({rel: text for rel, text in FILES.items()})
        self.addCleanup(self.tree.cleanup)
        self.files = {rel: self.tree.root / rel for rel in FILES}
        self.tasks = [kit.Task("05.room", "t", "h", 1, ["RoomTest.*"], "05", 7),
                      kit.Task("06.load", "t", "h", 1, ["LoadTest.*"], "06", 8)]

    def hash05(self):
        return verified.lesson_hash(self.files, "05", self.tasks, LESSONS)

    def test_inputs_are_the_lesson_its_depends_and_the_shared_files(self):
        inputs = verified.input_files(self.files, "05", LESSONS)
        self.assertEqual(inputs, ["common/x.cpp", "lessons/04-ws/a.cpp", "lessons/05-chat/b.cpp",
                                  "scripts/kit/grade.py", "tests/lesson04/t.cpp", "tests/lesson05/t.cpp",
                                  "tests/mutants/05-bug.patch"])

    def test_a_later_lesson_its_tests_use_is_an_input_too(self):
        lessons = {"05": {"depends": ["04"], "tests_use": ["06"]}}
        inputs = verified.input_files(self.files, "05", lessons)
        self.assertIn("lessons/06-load/c.cpp", inputs)
        self.assertIn("tests/lesson06/t.cpp", inputs)
        self.assertNotIn("tests/mutants/06-bug.patch", inputs)  # its mutants are its own

    def test_hash_changes_with_an_input_and_only_with_an_input(self):
        before = self.hash05()
        self.tree.write("README.md", "changed")
        self.tree.write("lessons/05-chat/README.md", "changed")  # prose: no check depends on it
        self.tree.write("lessons/06-load/c.cpp", "changed")
        self.tree.write("tests/mutants/04-bug.patch", "changed")
        self.assertEqual(self.hash05(), before)
        self.tree.write("lessons/04-ws/a.cpp", "changed")
        self.assertNotEqual(self.hash05(), before)

    def test_hash_follows_the_lessons_own_tasks_not_the_others(self):
        before = self.hash05()
        self.tasks[1].points = 9
        self.tasks[0].order = 3  # another lesson's tasks added before it
        self.assertEqual(self.hash05(), before)
        self.tasks[0].tests.append("RoomTest2.*")
        self.assertNotEqual(self.hash05(), before)

    def test_record_round_trip(self):
        verified.write_verified(self.tree.root, {"05": "ab" * 32, "04": "cd" * 32})
        text = (self.tree.root / verified.VERIFIED_FILE).read_text()
        self.assertTrue(text.startswith("#"))
        self.assertIn("04 " + "cd" * 32 + "\n05 ", text)  # sorted by lesson
        self.assertEqual(verified.read_verified(self.tree.root), {"04": "cd" * 32, "05": "ab" * 32})


if __name__ == "__main__":
    unittest.main()
