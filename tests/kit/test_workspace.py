"""The scratch tree: copied file by file (unchanged files untouched), edits undone with newer
modification times (so ninja rebuilds them), patches applied inside another repository."""

import io
import os
import pathlib
import subprocess
import unittest

import workspace
from fake_tree import FakeTree


class WorkspaceTest(unittest.TestCase):
    def setUp(self):
        self.source = FakeTree({"a.cpp": "int a;\n", "sub/b.cpp": "int b;\n", "run.sh": "#!/bin/sh\n"})
        os.chmod(self.source.root / "run.sh", 0o755)
        self.home = FakeTree({})
        # The scratch tree inside a git repository, as build/kit/src lies in the instructor's checkout.
        subprocess.run(["git", "init", "-q", str(self.home.root)], check=True)
        self.addCleanup(self.source.cleanup)
        self.addCleanup(self.home.cleanup)
        self.ws = workspace.Workspace(self.home.root / "build" / "kit", log=io.StringIO())
        self.files = {rel: self.source.root / rel for rel in ["a.cpp", "sub/b.cpp", "run.sh"]}

    def test_sync_writes_only_what_differs_and_removes_the_rest(self):
        self.assertEqual(self.ws.sync(self.files), 3)
        self.assertTrue(os.access(self.ws.src / "run.sh", os.X_OK))
        mtime = (self.ws.src / "a.cpp").stat().st_mtime_ns
        self.source.write("sub/b.cpp", "int b2;\n")
        (self.ws.src / "stale.cpp").write_text("old")
        self.assertEqual(self.ws.sync(self.files), 2)  # b.cpp written, stale.cpp removed
        self.assertEqual((self.ws.src / "a.cpp").stat().st_mtime_ns, mtime)
        self.assertEqual((self.ws.src / "sub/b.cpp").read_text(), "int b2;\n")
        self.assertFalse((self.ws.src / "stale.cpp").exists())

    def test_restore_brings_back_the_bytes_with_a_newer_mtime(self):
        self.ws.sync(self.files)
        self.ws.edit("a.cpp", b"stub\n")
        object_mtime = (self.ws.src / "a.cpp").stat().st_mtime_ns  # as if built from the stub right now
        self.ws.edit("new.cpp", b"x")
        self.ws.restore()
        self.assertEqual((self.ws.src / "a.cpp").read_text(), "int a;\n")
        self.assertGreater((self.ws.src / "a.cpp").stat().st_mtime_ns, object_mtime)
        self.assertFalse((self.ws.src / "new.cpp").exists())

    def test_patch_applies_inside_another_repository_and_is_undone(self):
        self.ws.sync(self.files)
        diff = "--- a/sub/b.cpp\n+++ b/sub/b.cpp\n@@ -1 +1 @@\n-int b;\n+long b;\n"
        applied, error = self.ws.apply_patch(diff)
        self.assertTrue(applied, error)
        self.assertEqual((self.ws.src / "sub/b.cpp").read_text(), "long b;\n")
        self.ws.restore()
        self.assertEqual((self.ws.src / "sub/b.cpp").read_text(), "int b;\n")
        applied, error = self.ws.apply_patch(diff.replace("int b;", "int c;"))
        self.assertFalse(applied)
        self.assertIn("patch", error)

    def test_grading_files_take_tests_and_tools_from_the_instructor(self):
        student = FakeTree({"lessons/04/a.cpp": "mine", "tests/t.cpp": "my test", "extra.txt": "e",
                            "build/x.o": "o", "grade/report.md": "old", ".git/HEAD": "h"})
        self.addCleanup(student.cleanup)
        (student.root / "lessons/04/answer.cpp").symlink_to(workspace.kit.ROOT / "CMakeLists.txt")
        (student.root / "lessons/04/inside.cpp").symlink_to("a.cpp")
        files = workspace.grading_files(student.root, workspace.kit.ROOT, [student.root / "grade"])
        self.assertEqual(files["lessons/04/a.cpp"], student.root / "lessons/04/a.cpp")
        self.assertEqual(files["extra.txt"], student.root / "extra.txt")
        self.assertNotIn("tests/t.cpp", files)
        self.assertNotIn("lessons/04/answer.cpp", files)  # a link out of the tree: not the student's
        self.assertIn("lessons/04/inside.cpp", files)
        self.assertEqual(files["tests/tasks.toml"], workspace.kit.ROOT / "tests/tasks.toml")
        self.assertEqual(files["CMakeLists.txt"], workspace.kit.ROOT / "CMakeLists.txt")
        for rel in files:
            self.assertFalse(rel.startswith(("build/", "grade/", ".git/", "tests/mutants/")), rel)
        self.assertNotIn("lessons/04-websocket/README.md", files)  # the student's lessons, not ours


if __name__ == "__main__":
    unittest.main()
