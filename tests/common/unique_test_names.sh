#!/usr/bin/env bash
# Every GoogleTest name (Suite.Name) is used once in the whole of tests/: ctest sets a test's
# label by its name, so a name in two suites would run, and be labelled, under both lessons.
set -euo pipefail
tests="$1/tests"
duplicates=$(grep -rhoE --include='*.cpp' '^\s*TEST(_F|_P)?\(\s*[A-Za-z0-9_]+\s*,\s*[A-Za-z0-9_]+' "$tests" \
  | sed -E 's/^\s*TEST(_F|_P)?\(\s*//; s/\s//g; s/,/./' | sort | uniq -d)
if [ -n "$duplicates" ]; then
  echo "test names used in more than one place under tests/ (rename one of each):"
  for name in $duplicates; do
    echo "  $name:"
    grep -rnE --include='*.cpp' "TEST(_F|_P)?\(\s*${name%%.*}\s*,\s*${name#*.}\b" "$tests" | sed 's/^/    /'
  done
  exit 1
fi
echo "ok: $(grep -rhoE --include='*.cpp' '^\s*TEST(_F|_P)?\(' "$tests" | wc -l) test names, each used once"
