#!/usr/bin/env bash
# scripts/bench --quick end to end: every scenario ran and succeeded, the table and the plot exist.
set -euo pipefail
root="$1"
out_dir="$(mktemp -d)"
trap 'rm -rf "$out_dir"' EXIT
start=$(date +%s)
"$root/scripts/bench" --quick --out "$out_dir/results.md"
elapsed=$(( $(date +%s) - start ))
echo "scripts/bench --quick took ${elapsed} s"
results="$out_dir/results.md"
for heading in "Echo latency" "Echo throughput" "Broadcast to 100 clients" "Broadcast to 200 clients" \
               "Broadcast paced" "Idle connections" "Fan-out against the number of clients"; do
  grep -q "^## $heading" "$results" || { echo "missing section: $heading"; cat "$results"; exit 1; }
done
# Every row of every table says ok = 1 (column 3 after the leading '|').
rows=$(grep -c '^| 0[0-9]-' "$results")
good=$(grep '^| 0[0-9]-' "$results" | awk -F'|' '{ gsub(/ /, "", $3) } $3 == "1"' | wc -l)
[ "$rows" -ge 15 ] || { echo "expected at least 15 result rows, found $rows"; cat "$results"; exit 1; }
[ "$rows" -eq "$good" ] || { echo "$((rows - good)) of $rows runs failed:"; grep '^| 0[0-9]-' "$results"; exit 1; }
grep -q 'results-fanout.png' "$results"
# A real PNG: the signature, and more than a header.
[ "$(head -c 8 "$out_dir/results-fanout.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]
[ "$(stat -c %s "$out_dir/results-fanout.png")" -gt 5000 ]
[ "$elapsed" -lt 60 ] || echo "warning: slower than the one minute the issue asks for (a loaded machine?)"
echo "ok: $rows runs, plot $(stat -c %s "$out_dir/results-fanout.png") bytes"
