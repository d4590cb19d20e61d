#!/usr/bin/env bash
# scripts/bench tls --quick end to end, as a reader runs it: every run ok (set-ups, resumed ones,
# echo, broadcast, idle memory; direct and through HAProxy), the report with its targets section,
# the TSV and the plot in the build tree, and the checkout as it was. Met or not is the
# benchmark's to report, never this test's to assert; its time is printed, never asserted.
set -euo pipefail
root="$1"
build_dir="${BUILD_DIR:?BUILD_DIR: the build tree the binaries are in}"
results="$build_dir/bench/quick/tls.md"
tsv="$build_dir/bench/quick/tls.tsv"
plot="$build_dir/bench/quick/tls.png"
stderr_file="$(mktemp)"
trap 'rm -f "$stderr_file"' EXIT

checkout_status() { git -C "$root" status --porcelain=v1 2>&1; }
in_git=0
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  in_git=1
  status_before="$(checkout_status)"
fi
fail() {
  echo "FAIL: $*"
  echo "---- the last lines scripts/bench tls --quick wrote on stderr ----"
  tail -n 30 "$stderr_file"
  exit 1
}

rm -f "$results" "$tsv" "$plot"  # so that what is checked below was written by this run
start=$(date +%s)
status=0
"$root/scripts/bench" tls --quick 2>"$stderr_file" || status=$?
elapsed=$(( $(date +%s) - start ))
echo "scripts/bench tls --quick took ${elapsed} s (exit $status)"
[ "$status" = 0 ] || fail "scripts/bench tls --quick exited with $status"

for f in "$results" "$tsv" "$plot"; do [ -s "$f" ] || fail "missing: $f"; done
grep -q '^Made by `scripts/bench tls --quick`' "$results" || fail "the report does not say how it was made"
grep -q '^## Against the targets' "$results" || { cat "$results"; fail "no targets section"; }
# The three targets, each with a measured value and a yes or no; the line on the server's CPU per
# delivery may say "not measured" (a quick run's broadcast can be shorter than the kernel's tick).
[ "$(grep -v '^| (the server alone' "$results" | grep -c '^| .* | \(yes\|no\) |$')" -eq 3 ] ||
  { cat "$results"; fail "not 3 targets with a measured value and a yes or no"; }
grep -q '^| (the server alone.* | \(yes\|no\|not measured\) |$' "$results" ||
  { cat "$results"; fail "no line on the server's CPU per delivery"; }
col() { head -n 1 "$tsv" | tr '\t' '\n' | grep -nx "$1" | cut -d: -f1; }
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
[ "$(head -c 8 "$plot" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "the plot is not a PNG"
[ "$(stat -c %s "$plot")" -gt 5000 ] || fail "the plot is too small to hold the charts"

if [ "$in_git" = 1 ]; then
  status_after="$(checkout_status)"
  if [ "$status_before" != "$status_after" ]; then
    echo "scripts/bench tls --quick changed the checkout ($root); git status before and after:"
    diff <(echo "$status_before") <(echo "$status_after") || true
    exit 1
  fi
fi
echo "ok: $rows runs, plot $(stat -c %s "$plot") bytes, in $build_dir/bench/quick"
