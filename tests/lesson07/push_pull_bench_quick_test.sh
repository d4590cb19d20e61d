#!/usr/bin/env bash
# scripts/bench push-pull --quick end to end, as a reader runs it: every mode and every sweep
# point delivered every event without an error, the report, the TSV and the plot are in the
# build tree, and the checkout is as it was. Its time is printed, never asserted.
set -euo pipefail
root="$1"
source "$root/tests/support/script_test.sh"
build_dir="${BUILD_DIR:?BUILD_DIR: the build tree the binaries are in}"
results="$build_dir/bench/quick/push-pull.md"
tsv="$build_dir/bench/quick/push-pull.tsv"
plot="$build_dir/bench/quick/push-pull.png"

checkout_before
rm -f "$results" "$tsv" "$plot"  # so that what is checked below was written by this run
run_bench push-pull --quick

for f in "$results" "$tsv"; do [ -s "$f" ] || { echo "missing: $f"; exit 1; }; done
grep -q '^Made by `scripts/bench push-pull --quick`' "$results" || { echo "the report does not say how it was made"; exit 1; }
for mode in poll longpoll sse ws; do
  grep -q "^| $mode | " "$results" || { echo "no row for $mode"; cat "$results"; exit 1; }
done
# The TSV: 4 modes and 4 sweep points, each with every event delivered and no error.
# The targets section: every target has a measured value (memory from idle_memory.py included);
# met or not is the benchmark's to report, never this test's to assert.
grep -q '^## Against the targets' "$results" || { echo "no targets section"; cat "$results"; exit 1; }
[ "$(grep -c '^| \(sse\|ws\|longpoll\)\b.* | \(yes\|no\) |$' "$results")" -eq 7 ] ||
  { echo "not 7 targets with a measured value and a yes or no"; cat "$results"; exit 1; }
col() { tsv_col "$tsv" "$1"; }
rows=$(awk -F'\t' 'NR > 1' "$tsv" | wc -l)
good=$(awk -F'\t' -v e="$(col expected)" -v d="$(col delivered)" -v err="$(col error)" \
         'NR > 1 && $(e) > 0 && $(e) == $(d) && $(err) == "-"' "$tsv" | wc -l)
[ "$rows" -eq 8 ] || { echo "expected 8 result rows, found $rows"; cat "$tsv"; exit 1; }
[ "$rows" -eq "$good" ] || { echo "$((rows - good)) of $rows runs failed or lost events:"; cat "$tsv"; exit 1; }
expect_png "$plot"
expect_checkout_unchanged "scripts/bench push-pull --quick"
[ "$elapsed" -lt 60 ] || echo "warning: slower than the one minute the issue asks for (a loaded machine?)"
echo "ok: $rows runs, plot $(stat -c %s "$plot") bytes, in $build_dir/bench/quick"
