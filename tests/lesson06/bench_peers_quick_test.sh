#!/usr/bin/env bash
# scripts/bench --peers --quick end to end: every scenario ran against the course's servers and
# at least the FastAPI, Python websockets and Node ws peers, every run of every row was ok, the
# report and a real PNG are in the build tree, and the checkout is as it was.
set -euo pipefail
root="$1"
source "$root/tests/support/script_test.sh"
build_dir="${BUILD_DIR:?BUILD_DIR: the build tree the binaries are in}"
results="$build_dir/bench/quick/peers.md"
plot="$build_dir/bench/quick/peers.png"

checkout_before
rm -f "$results" "$plot"  # so that what is checked below was written by this run
run_bench --peers --quick

[ -f "$results" ] || { echo "no report at $results"; exit 1; }
for heading in "Echo latency" "Echo throughput" "Broadcast to 100 receivers" "Broadcast to 200 receivers" \
               "Idle connections"; do
  grep -q "^## $heading" "$results" || { echo "missing section: $heading"; cat "$results"; exit 1; }
done
grep -q '^Made by `scripts/bench --peers --quick`' "$results" || { echo "the report does not say how it was made"; exit 1; }
# The rows each server must have: echo (2 tables), broadcast (2) and idle for the chats.
for server in "04-ws-server" "02-chat-server" "05-chat-server" "FastAPI + uvicorn" "Python websockets" "Node ws"; do
  count=$(grep -cF "| $server |" "$results" || true)
  [ "$count" -ge 3 ] || { echo "$server: $count rows, expected at least 3"; cat "$results"; exit 1; }
done
# Every row says n/n runs ok (column 3 after the leading '|').
rows=$(grep -cE '^\| [^-|][^|]* \| [0-9]+/[0-9]+ \|' "$results")
bad=$(grep -E '^\| [^-|][^|]* \| [0-9]+/[0-9]+ \|' "$results" | awk -F'|' '{ gsub(/ /, "", $3); split($3, n, "/") } n[1] != n[2]' || true)
[ "$rows" -ge 24 ] || { echo "expected at least 24 result rows, found $rows"; cat "$results"; exit 1; }
[ -z "$bad" ] || { echo "rows with failed runs:"; echo "$bad"; exit 1; }
grep -q 'peers.png' "$results"
expect_png "$plot"
expect_checkout_unchanged "scripts/bench --peers --quick"
[ "$elapsed" -lt 120 ] || echo "warning: slower than the two minutes the issue asks for (a loaded machine?)"
echo "ok: $rows rows, plot $(stat -c %s "$plot") bytes, in $build_dir/bench/quick"
