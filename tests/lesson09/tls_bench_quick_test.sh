#!/usr/bin/env bash
# scripts/bench tls --quick end to end, as a reader runs it: every run ok (set-ups, resumed ones,
# echo, broadcast, idle memory; direct and through HAProxy), the report with its targets section,
# the TSV and the plot in the build tree, the checkout as it was, and nothing left running. Met or not is the
# benchmark's to report, never this test's to assert; its time is printed, never asserted.
set -euo pipefail
root="$1"
source "$root/tests/support/script_test.sh"
build_dir="${BUILD_DIR:?BUILD_DIR: the build tree the binaries are in}"
results="$build_dir/bench/quick/tls.md"
tsv="$build_dir/bench/quick/tls.tsv"
plot="$build_dir/bench/quick/tls.png"
fail() { echo "FAIL: $*"; exit 1; }

checkout_before
rm -f "$results" "$tsv" "$plot"  # so that what is checked below was written by this run
run_bench tls --quick  # its stderr above; nothing it started left running

for f in "$results" "$tsv"; do [ -s "$f" ] || fail "missing: $f"; done
grep -q '^Made by `scripts/bench tls --quick`' "$results" || fail "the report does not say how it was made"
grep -q '^## Against the targets' "$results" || { cat "$results"; fail "no targets section"; }
# The three targets, each with a measured value and a yes or no; the line on the server's CPU per
# delivery may say "not measured" (a quick run's broadcast can be shorter than the kernel's tick).
[ "$(grep -v '^| (the server alone' "$results" | grep -c '^| .* | \(yes\|no\) |$')" -eq 3 ] ||
  { cat "$results"; fail "not 3 targets with a measured value and a yes or no"; }
grep -q '^| (the server alone.* | \(yes\|no\|not measured\) |$' "$results" ||
  { cat "$results"; fail "no line on the server's CPU per delivery"; }
col() { tsv_col "$tsv" "$1"; }
rows=$(awk -F'\t' 'NR > 1' "$tsv" | wc -l)
good=$(awk -F'\t' -v ok="$(col ok)" -v err="$(col error)" -v v="$(col value)" \
         'NR > 1 && $(ok) == 1 && $(err) == "-" && $(v) != "NaN"' "$tsv" | wc -l)
# Each part: wss 4 (set-ups, resumed, echo, 1 broadcast), ws 3, idle 2 (ws, wss).
[ "$rows" -eq 18 ] || { cat "$tsv"; fail "expected 18 result rows, found $rows"; }
[ "$rows" -eq "$good" ] || { cat "$tsv"; fail "$((rows - good)) of $rows runs failed"; }
# --tls-resume resumed most handshakes, direct and through HAProxy.
resumed_ok=$(awk -F'\t' -v m="$(col measure)" -v h="$(col handshakes)" -v r="$(col resumed)" \
               'NR > 1 && $(m) == "setups_resumed" && $(r) * 10 >= $(h) * 8' "$tsv" | wc -l)
[ "$resumed_ok" -eq 2 ] || { cat "$tsv"; fail "--tls-resume did not resume most handshakes"; }
expect_png "$plot"
expect_checkout_unchanged "scripts/bench tls --quick"
echo "ok: $rows runs, plot $(stat -c %s "$plot") bytes, in $build_dir/bench/quick"
