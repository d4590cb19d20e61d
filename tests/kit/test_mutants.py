"""Mutant files: a paragraph, a blank line, a git diff; and every committed mutant is well formed."""

import pathlib
import unittest

import mutants
import tasks as kit

DIFF = """diff --git a/lessons/04-test/math.cpp b/lessons/04-test/math.cpp
--- a/lessons/04-test/math.cpp
+++ b/lessons/04-test/math.cpp
@@ -6,3 +6,3 @@
-    return a + b;
+    return a - b;
"""


class MutantsTest(unittest.TestCase):
    def test_parses_the_paragraph_and_the_diff(self):
        text = "Subtracts instead of adding:\nsums go wrong.\n\n" + DIFF
        mutant = mutants.parse_mutant(pathlib.Path("04-minus.patch"), text)
        self.assertEqual((mutant.lesson, mutant.name), ("04", "minus"))
        self.assertEqual(mutant.about, "Subtracts instead of adding: sums go wrong.")
        self.assertTrue(mutant.diff.startswith("diff --git"))
        self.assertEqual(mutant.files(), ["lessons/04-test/math.cpp"])

    def test_rejects_a_file_without_the_paragraph_or_the_blank_line(self):
        with self.assertRaisesRegex(mutants.MutantError, "paragraph"):
            mutants.parse_mutant(pathlib.Path("04-minus.patch"), DIFF)
        with self.assertRaisesRegex(mutants.MutantError, "diff line"):
            mutants.parse_mutant(pathlib.Path("04-minus.patch"), "Subtracts.\n" + DIFF + "\nmore\n")

    def test_rejects_a_bad_name_and_a_missing_diff(self):
        with self.assertRaisesRegex(mutants.MutantError, "file name"):
            mutants.parse_mutant(pathlib.Path("minus.patch"), "x\n\n" + DIFF)
        with self.assertRaisesRegex(mutants.MutantError, "no diff"):
            mutants.parse_mutant(pathlib.Path("04-minus.patch"), "Subtracts.\n\nnothing here\n")

    def test_every_committed_mutant_is_well_formed_and_names_existing_files(self):
        for mutant in mutants.load_mutants(kit.ROOT):
            with self.subTest(mutant=mutant.file_name):
                self.assertTrue(mutant.files())
                for rel in mutant.files():
                    self.assertTrue((kit.ROOT / rel).is_file(), f"{mutant.file_name}: no {rel}")


if __name__ == "__main__":
    unittest.main()
