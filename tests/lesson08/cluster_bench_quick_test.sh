#!/usr/bin/env bash
# scripts/bench cluster --quick end to end, as a reader runs it: every configuration (lesson 05
# direct and behind HAProxy; 1, 2 and 3 nodes, direct (06-loadgen deals the clients out over the
# nodes) and behind HAProxy), paced and flat out,
# delivered every message once, in order, without an error; the CPU columns were measured; the
# report, the TSV and the plot are in the build tree; the checkout is as it was; and no
# redis-server, node or HAProxy the benchmark started is left running. Its time is printed,
# never asserted.
set -euo pipefail
root="$1"
source "$root/tests/support/script_test.sh"
build_dir="${BUILD_DIR:?BUILD_DIR: the build tree the binaries are in}"
results="$build_dir/bench/quick/cluster.md"
tsv="$build_dir/bench/quick/cluster.tsv"
plot="$build_dir/bench/quick/cluster.png"
checkout_before
rm -f "$results" "$tsv" "$plot"  # so that what is checked below was written by this run
run_bench cluster --quick  # and nothing it started is left running

for f in "$results" "$tsv"; do [ -s "$f" ] || { echo "missing: $f"; exit 1; }; done
grep -q '^Made by `scripts/bench cluster --quick`' "$results" || { echo "the report does not say how it was made"; exit 1; }
for config in "05-chat-server" "05-chat-server + HAProxy" "1 node" "1 node + HAProxy" "2 nodes" \
              "2 nodes + HAProxy" "3 nodes" "3 nodes + HAProxy"; do
  [ "$(grep -cF "| $config | " "$results")" -eq 4 ] || { echo "not 4 rows (2 loads, 2 CPU tables) for $config"; cat "$results"; exit 1; }
done

# The TSV: 6 configurations x 2 loads, each complete: every message delivered once, in order.
col() { tsv_col "$tsv" "$1"; }
rows=$(awk -F'\t' 'NR > 1' "$tsv" | wc -l)
good=$(awk -F'\t' -v e="$(col expected)" -v d="$(col delivered)" -v m="$(col missing)" -v dup="$(col duplicates)" \
         -v o="$(col out_of_order)" -v ok="$(col ok)" -v err="$(col error)" \
         'NR > 1 && $(e) > 0 && $(e) == $(d) && $(m) == 0 && $(dup) == 0 && $(o) == 0 && $(ok) == 1 && $(err) == "-"' \
         "$tsv" | wc -l)
[ "$rows" -eq 16 ] || { echo "expected 16 result rows, found $rows"; cat "$tsv"; exit 1; }
[ "$rows" -eq "$good" ] || { echo "$((rows - good)) of $rows runs failed or lost messages:"; cat "$tsv"; exit 1; }
# CPU was read for every process that ran: the chat always, Redis with nodes, HAProxy in front.
cpu_bad=$(awk -F'\t' -v k="$(col kind)" -v via="$(col via)" -v c="$(col chat_cpu_ms)" -v r="$(col redis_cpu_ms)" \
            -v h="$(col haproxy_cpu_ms)" '
  function measured(x) { return x != "NaN" && x + 0 > 0 }
  NR > 1 && (!measured($(c)) || ($(k) == "08" && !measured($(r))) || ($(via) == "haproxy" && !measured($(h))))' "$tsv" | wc -l)
[ "$cpu_bad" -eq 0 ] || { echo "$cpu_bad rows lack a CPU measurement:"; cat "$tsv"; exit 1; }
expect_png "$plot"
expect_checkout_unchanged "scripts/bench cluster --quick"
[ "$elapsed" -lt 60 ] || echo "warning: slower than the one minute the issue asks for (a loaded machine?)"
echo "ok: $rows runs, plot $(stat -c %s "$plot") bytes, in $build_dir/bench/quick"
