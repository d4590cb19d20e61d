# scripts/bench's tls scenario (lesson 09), sourced by scripts/bench after its options, the CPU
# pinning and start_server/stop_server are set up. The same loads over plain WebSocket (ws://)
# and over TLS (wss://), with 06-loadgen, on the same machine:
#
#   direct   09-tls-chat-server (lesson 05's chat with TLS under each session) against
#            05-chat-server (the same chat, plain), each fresh, pinned like every server:
#              handshakes/s  `06-loadgen connect`: open, TLS handshake, WebSocket upgrade, hang
#                            up, again; full handshakes, then resumed ones (--tls-resume), and
#                            plain WebSocket set-ups for comparison;
#              echo          one connection, 16 messages of 64 bytes in flight (the chat answers
#                            a room of one: --reply contains);
#              broadcast     receivers and senders flat out, deliveries/s (the median of 3 runs
#                            in the full run; the issue's target: wss at least 2/3 of ws);
#              memory        the server's RSS growth over idle connections (after a warm-up),
#                            per connection (the issue's target: at most 64 KiB over TLS).
#   haproxy  lesson 08's cluster (redis-server and 3 08-chat-node processes, as in
#            bench-cluster.sh) behind HAProxy, plain and then terminating TLS with lesson 09's
#            certificate as `scripts/run 08 --tls` does: set-ups/s, echo and broadcast.
#
# Full: 4 x 500 set-ups per kind, echo 50,000 messages, broadcast 500 receivers x 5 senders x
# 1,000 messages (3 runs; through HAProxy x 400), 2,000 idle connections. Quick: 2 x 50 set-ups,
# echo 2,000, broadcast 100 x 2 x 50 (1 run; through HAProxy 200 x 2 x 20), 200 idle.
#
# "server" is the chat server direct, and HAProxy in the haproxy part (its CPU and memory: what
# terminating TLS costs the front door; the nodes behind it speak plain WebSocket either way).
# Each run's server CPU is also given per operation (set-up, echo, delivery): on a machine where
# the load generator saturates its core first, deliveries/s says as much about the client's
# decryption as the server's encryption, and the server's microseconds per delivery say what the
# server alone paid.

"$root/scripts/setup" lesson08 >/dev/null  # redis-server, haproxy
"$root/scripts/setup" lesson09 >/dev/null  # openssl
BUILD_DIR="$build_dir" "$root/scripts/build" 09-tls-chat-server 08-chat-node >/dev/null

tsv="${out%.md}.tsv"
plot="${out%.md}.png"
source "$root/scripts/bench-cluster-procs.sh"

if [ "$quick" = 1 ]; then
  hs_c=2; hs_n=50; echo_n=2000; bc_c=100; bc_k=2; bc_n=50; bc_runs=1; idle_n=200; ha_c=200; ha_k=2; ha_n=20
else
  hs_c=4; hs_n=500; echo_n=50000; bc_c=500; bc_k=5; bc_n=1000; bc_runs=3; idle_n=2000; ha_c=500; ha_k=5; ha_n=400
fi
idle_warm=50  # connections opened and closed first: the server's one-time allocations are not counted
load_timeout=60
memory_target_kib=64
certs="$work/certs"
"$root/lessons/09-tls/make_certs.sh" "$certs" >/dev/null 2>&1 ||
  { echo "bench: make_certs.sh failed" >&2; exit 1; }
(umask 077; cat "$certs/server.pem" "$certs/server.key" >"$work/haproxy.pem")
tls_args=(--ca "$certs/ca.pem")  # 06-loadgen verifies the certificate, as a real client does

# tls_load MODE PID URL ARGS...: scripts/bench's load against URL, reading PID's CPU and memory
# (0: none); fills r[...]. Every run's stderr is kept for the summary at the end.
tls_load() {
  local mode="$1" load_pid="$2" url="$3"; shift 3  # load_pid: seen by load (bash's dynamic scope)
  load "$mode" "$url" "$@"
  cat "$work/load.err" >>"$work/loads.err"
}

tsv_fields=(section measure transport value unit p50_ms p99_ms handshakes resumed handshake_p50_ms handshake_p99_ms
            server_cpu_pct server_us_per_op loadgen_cpu_pct ok error)
printf '%s\n' "$(IFS=$'\t'; echo "${tsv_fields[*]}")" >"$tsv"
: >"$work/loads.err"
failed=0
ms_of() { local x="${r[$1]:-}"; [ -n "$x" ] && awk -v u="$x" 'BEGIN { printf "%.3f", u / 1000 }' || echo NaN; }
# per_op COUNT_FIELD: the server's CPU microseconds per operation of the last run.
per_op() {
  local cpu="${r[server_cpu_s]:-}" n="${r[$1]:-0}"
  # No CPU time seen (a run shorter than the kernel's 10 ms accounting tick): not measured.
  [ -n "$cpu" ] && [ "$n" -gt 0 ] 2>/dev/null &&
    awk -v c="$cpu" -v n="$n" 'BEGIN { if (c + 0 > 0) printf "%.3f", c * 1e6 / n; else print "NaN" }' || echo NaN
}
# row SECTION MEASURE TRANSPORT VALUE_FIELD UNIT [COUNT_FIELD]: one TSV line from the last run.
row() {
  local values=("$1" "$2" "$3" "${r[$4]:-NaN}" "$5" "$(ms_of p50_us)" "$(ms_of p99_us)"
    "${r[tls_handshakes]:-NaN}" "${r[tls_resumed]:-NaN}" "$(ms_of tls_handshake_p50_us)"
    "$(ms_of tls_handshake_p99_us)" "${r[server_cpu_pct]:-NaN}" "$(per_op "${6:-none}")" "${r[loadgen_cpu_pct]:-NaN}"
    "${r[ok]:-0}" "$(err)")
  (IFS=$'\t'; echo "${values[*]}") >>"$tsv"
  [ "${r[ok]:-0}" = 1 ] || failed=$((failed + 1))
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "NaN" }'; }

# suite SECTION TRANSPORT URL PID: set-ups (and for wss, resumed ones), echo, broadcast.
suite() {
  local section="$1" transport="$2" url="$3" pid="$4" extra=()
  [ "$transport" = wss ] && extra=("${tls_args[@]}")
  say "tls: $section $transport set-ups"
  tls_load connect "$pid" "$url" "${extra[@]}" -c "$hs_c" -n "$hs_n"
  row "$section" setups "$transport" setups_per_s "set-ups/s" setups
  if [ "$transport" = wss ]; then
    tls_load connect "$pid" "$url" "${extra[@]}" --tls-resume -c "$hs_c" -n "$hs_n"
    row "$section" setups_resumed "$transport" setups_per_s "set-ups/s" setups
  fi
  say "tls: $section $transport echo"
  tls_load echo "$pid" "$url" "${extra[@]}" --reply contains -c 1 -w 16 -s 64 -n "$echo_n"
  row "$section" echo "$transport" msg_per_s "messages/s" received
  say "tls: $section $transport broadcast"
  local runs=() costs=() i
  for i in $(seq "$bc_runs"); do
    tls_load broadcast "$pid" "$url" "${extra[@]}" -c "$bc_c" -k "$bc_k" -n "$bc_n"
    row "$section" "broadcast_run$i" "$transport" deliveries_per_s "deliveries/s" delivered
    runs+=("${r[deliveries_per_s]:-NaN}")
    costs+=("$(per_op delivered)")
  done
  echo "$section $transport $(median "${runs[@]}") $(median "${costs[@]}")" >>"$work/broadcast.medians"
}
: >"$work/broadcast.medians"

# idle SECTION TRANSPORT URL PID: a warm-up, then the idle connections measured, against a
# fresh server.
idle() {
  local section="$1" transport="$2" url="$3" pid="$4" extra=()
  [ "$transport" = wss ] && extra=("${tls_args[@]}")
  say "tls: $section $transport memory per idle connection"
  tls_load idle "$pid" "$url" "${extra[@]}" -c "$idle_warm" --hold 0.2
  tls_load idle "$pid" "$url" "${extra[@]}" -c "$idle_n" --hold 1 --connect-rate 2000
  row "$section" idle "$transport" server_bytes_per_conn "bytes/connection"
}

# ---- direct: lesson 09 against lesson 05 ----------------------------------------------------
start_server 09-tls-chat-server --cert "$certs/server.pem" --key "$certs/server.key" --history 0
suite direct wss "wss://localhost:$server_port/ws" "$server_pid"
stop_server
start_server 05-chat-server --history 0
suite direct ws "ws://localhost:$server_port/ws" "$server_pid"
stop_server
start_server 09-tls-chat-server --cert "$certs/server.pem" --key "$certs/server.key" --history 0
idle direct wss "wss://localhost:$server_port/ws" "$server_pid"
start_server 05-chat-server --history 0
idle direct ws "ws://localhost:$server_port/ws" "$server_pid"
stop_server

# ---- haproxy: lesson 08's cluster, HAProxy plain and terminating TLS --------------------------
say "tls: lesson 08's cluster (redis-server, 3 nodes)"
start_redis
for i in 1 2 3; do start_node "$i"; done
cl_check=1
bc_c_direct="$bc_c" bc_k_direct="$bc_k" bc_n_direct="$bc_n"
bc_c="$ha_c" bc_k="$ha_k" bc_n="$ha_n"
for transport in ws wss; do
  haproxy_tls_pem=""
  [ "$transport" = wss ] && haproxy_tls_pem="$work/haproxy.pem"
  start_haproxy "${node_ports[@]}"
  # The nodes' health checks pass within a second (inter 1s, rise 1): wait for a set-up through.
  for _ in $(seq 50); do
    tls_load connect 0 "$transport://localhost:$haproxy_port/ws" $([ "$transport" = wss ] && echo "${tls_args[@]}") -c 1 -n 1
    [ "${r[ok]:-0}" = 1 ] && break
    sleep 0.1
  done
  idle haproxy "$transport" "$transport://localhost:$haproxy_port/ws" "$haproxy_pid"
  suite haproxy "$transport" "$transport://localhost:$haproxy_port/ws" "$haproxy_pid"
  stop_pid "$haproxy_pid"; haproxy_pid=""
done
stop_cluster

# ---- report -----------------------------------------------------------------------------------
col() { head -n 1 "$tsv" | tr '\t' '\n' | grep -nx "$1" | cut -d: -f1; }
value() {  # SECTION MEASURE TRANSPORT FIELD
  awk -F'\t' -v s="$1" -v m="$2" -v t="$3" -v c="$(col "$4")" 'NR > 1 && $1 == s && $2 == m && $3 == t { print $(c) }' "$tsv"
}
bmedian() { awk -v s="$1" -v t="$2" '$1 == s && $2 == t { print $3 }' "$work/broadcast.medians"; }
bcost() { awk -v s="$1" -v t="$2" '$1 == s && $2 == t { print $4 }' "$work/broadcast.medians"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "NaN" || b == "NaN" || b + 0 == 0) print "NaN"; else printf "%.2f", a / b }'; }
fmt() { awk -v v="$1" 'BEGIN { if (v == "" || v == "NaN") print "-"; else printf(v + 0 >= 100 ? "%.0f" : "%.2f", v) }'; }
yes_no() {  # VALUE OP LIMIT
  awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { if (v == "" || v == "NaN") { print "not measured"; exit }
    ok = (op == "<=") ? (v + 0 <= l + 0) : (v + 0 >= l + 0); print ok ? "yes" : "no" }'
}
direct_ratio="$(ratio "$(bmedian direct wss)" "$(bmedian direct ws)")"
haproxy_ratio="$(ratio "$(bmedian haproxy wss)" "$(bmedian haproxy ws)")"
idle_wss="$(value direct idle wss value)"
idle_ws="$(value direct idle ws value)"
cost_ratio="$(ratio "$(bcost direct ws)" "$(bcost direct wss)")"
# The load generator's CPU in the direct broadcast runs (median per transport): at 90 % or more
# of its core it, not the server, set the pace.
loadgen_cpu() {
  median $(awk -F'\t' -v t="$1" -v c="$(col loadgen_cpu_pct)" \
             'NR > 1 && $1 == "direct" && $2 ~ /^broadcast_run/ && $3 == t { print $(c) }' "$tsv")
}
loadgen_ws="$(loadgen_cpu ws)"
loadgen_wss="$(loadgen_cpu wss)"
idle_wss_kib="$(awk -v b="$idle_wss" 'BEGIN { if (b == "" || b == "NaN") print "NaN"; else printf "%.1f", b / 1024 }')"

# md_rows SECTION: one Markdown row per TSV line of that section; NaN shown as "-".
md_rows() {
  awk -F'\t' -v s="$1" 'NR > 1 && $1 == s {
      line = "|"
      for (i = 2; i <= NF; i++) {
        v = $i
        if (v == "NaN") v = "-"
        else if (v ~ /^-?[0-9]+\.[0-9]+$/) v = sprintf(v + 0 >= 100 ? "%.0f" : "%.2f", v)
        line = line " " v " |"
      }
      print line
    }' "$tsv"
}

# The plot: set-ups/s by kind, broadcast deliveries/s ws against wss, direct and via HAProxy.
{
  echo "# kind direct haproxy"
  echo "ws $(value direct setups ws value) $(value haproxy setups ws value)"
  echo "wss-full $(value direct setups wss value) $(value haproxy setups wss value)"
  echo "wss-resumed $(value direct setups_resumed wss value) $(value haproxy setups_resumed wss value)"
} | sed 's/  */ /g; s/ $/ NaN/' >"$work/setups.dat"
{
  echo "# transport direct haproxy"
  echo "ws $(bmedian direct ws) $(bmedian haproxy ws)"
  echo "wss $(bmedian direct wss) $(bmedian haproxy wss)"
} >"$work/broadcast.dat"
gnuplot <<GNUPLOT
set terminal png size 1200,450 font ",10"
set output "$plot"
set multiplot layout 1,2 title "Lesson 09: the same chat over ws:// and wss:// (06-loadgen; direct: 05 vs 09, haproxy: lesson 08's 3 nodes)"
set grid ytics
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key top right
set yrange [0:*]
set title "connection set-ups per second (TCP + TLS + WebSocket upgrade)"
set ylabel "set-ups/s"
plot "$work/setups.dat" using 2:xtic(1) title "direct", "" using 3 title "via HAProxy"
set title "broadcast deliveries per second (flat out)"
set ylabel "deliveries/s"
set format y "%.1s%c"
plot "$work/broadcast.dat" using 2:xtic(1) title "direct", "" using 3 title "via HAProxy"
unset multiplot
GNUPLOT

{
  echo "# Lesson 09 benchmark results: TLS against plain WebSocket"
  echo ""
  echo "Made by \`scripts/bench tls$([ "$quick" = 1 ] && echo " --quick")$([ "$commit" = 1 ] && echo " --commit-results")\` on $(date -u '+%Y-%m-%d %H:%M UTC'):"
  echo "$(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(uname -sr),"
  echo "$(openssl version | awk '{ print $1, $2 }'), AES-NI $(grep -q -w aes /proc/cpuinfo && echo "in the CPU" || echo "absent"), $(haproxy -v | awk 'NR == 1 { print "HAProxy", $3 }');"
  echo "$pinning; HAProxy on the load generator's CPU, as in the cluster scenario. Every server fresh;"
  echo "06-loadgen verifies the certificate (lesson 09's make_certs.sh CA, --ca) as a browser would."
  echo "Set-ups: \`06-loadgen connect -c $hs_c -n $hs_n\` (TCP connect, TLS handshake, WebSocket upgrade,"
  echo "hang up, again: $((hs_c * hs_n)) set-ups); resumed: the same with --tls-resume (each connection offers the"
  echo "URL's latest session ticket). Echo: one connection, 16 messages of 64 bytes in flight, $echo_n"
  echo "messages (the chat answers a room of one). Broadcast: $bc_c_direct receivers, $bc_k_direct senders x $bc_n_direct"
  echo "messages flat out ($bc_runs run(s) each, the median compared); via HAProxy $ha_c x $ha_k x $ha_n. Memory: RSS growth of a fresh"
  echo "server over $idle_n idle connections after $idle_warm warm-up ones, per connection (06-loadgen idle --server-pid)."
  echo "In the HAProxy part, \"server\" is HAProxy (its CPU and memory: what terminating TLS costs the front door)."
  echo "The machine may be shared: a run's CPU columns say which side was busy (100 % is one core)."
  echo ""
  echo "## Against the targets"
  echo ""
  echo "| target | measured | met? |"
  echo "|---|---|---|"
  echo "| broadcast deliveries/s over TLS at least 2/3 of plain WebSocket's, same load | $(fmt "$(bmedian direct wss)") against $(fmt "$(bmedian direct ws)"): ratio $direct_ratio | $(yes_no "$direct_ratio" ">=" 0.667) |"
  echo "| memory per idle TLS connection at most $memory_target_kib KiB | ${idle_wss:-NaN} bytes ($idle_wss_kib KiB; plain: ${idle_ws:-NaN} bytes) | $(yes_no "$idle_wss_kib" "<=" "$memory_target_kib") |"
  echo "| (the server alone: its CPU per delivery, ws against wss, the same ratio) | $(fmt "$(bcost direct ws)") against $(fmt "$(bcost direct wss)") us: ratio $cost_ratio | $(yes_no "$cost_ratio" ">=" 0.667) |"
  echo "| the same through HAProxy terminating TLS: at least 2/3 | $(fmt "$(bmedian haproxy wss)") against $(fmt "$(bmedian haproxy ws)"): ratio $haproxy_ratio | $(yes_no "$haproxy_ratio" ">=" 0.667) |"
  echo ""
  if awk -v a="$loadgen_ws" -v b="$loadgen_wss" 'BEGIN { exit !(a + 0 >= 90 || b + 0 >= 90) }'; then
    echo "The load generator used $(fmt "$loadgen_ws") % (ws) and $(fmt "$loadgen_wss") % (wss) of its core in the direct broadcast"
    echo "runs: at 90 % or more it, not the server, set the pace (it decrypts every delivery too), and"
    echo "deliveries/s compare the clients. The server's CPU per delivery is then the measure of what TLS"
    echo "costs the server."
    echo ""
  fi
  echo "## Summary"
  echo ""
  echo "| | direct ws (05) | direct wss (09) | via HAProxy ws | via HAProxy wss |"
  echo "|---|---|---|---|---|"
  echo "| set-ups/s, full handshake | $(fmt "$(value direct setups ws value)") | $(fmt "$(value direct setups wss value)") | $(fmt "$(value haproxy setups ws value)") | $(fmt "$(value haproxy setups wss value)") |"
  echo "| set-ups/s, resumed (--tls-resume) | - | $(fmt "$(value direct setups_resumed wss value)") ($(value direct setups_resumed wss resumed) of $(value direct setups_resumed wss handshakes) resumed) | - | $(fmt "$(value haproxy setups_resumed wss value)") ($(value haproxy setups_resumed wss resumed) of $(value haproxy setups_resumed wss handshakes) resumed) |"
  echo "| TLS handshake p50 / p99 ms, full | - | $(fmt "$(value direct setups wss handshake_p50_ms)") / $(fmt "$(value direct setups wss handshake_p99_ms)") | - | $(fmt "$(value haproxy setups wss handshake_p50_ms)") / $(fmt "$(value haproxy setups wss handshake_p99_ms)") |"
  echo "| TLS handshake p50 / p99 ms, resumed | - | $(fmt "$(value direct setups_resumed wss handshake_p50_ms)") / $(fmt "$(value direct setups_resumed wss handshake_p99_ms)") | - | $(fmt "$(value haproxy setups_resumed wss handshake_p50_ms)") / $(fmt "$(value haproxy setups_resumed wss handshake_p99_ms)") |"
  echo "| echo messages/s (one connection) | $(fmt "$(value direct echo ws value)") | $(fmt "$(value direct echo wss value)") | $(fmt "$(value haproxy echo ws value)") | $(fmt "$(value haproxy echo wss value)") |"
  echo "| broadcast deliveries/s (median) | $(fmt "$(bmedian direct ws)") | $(fmt "$(bmedian direct wss)") | $(fmt "$(bmedian haproxy ws)") | $(fmt "$(bmedian haproxy wss)") |"
  echo "| server CPU us per delivery (median) | $(fmt "$(bcost direct ws)") | $(fmt "$(bcost direct wss)") | $(fmt "$(bcost haproxy ws)") (HAProxy) | $(fmt "$(bcost haproxy wss)") (HAProxy) |"
  echo "| server bytes per idle connection | ${idle_ws:-NaN} | ${idle_wss:-NaN} | $(value haproxy idle ws value) (HAProxy) | $(value haproxy idle wss value) (HAProxy) |"
  echo ""
  for section in direct haproxy; do
    echo "## Every run, $section"
    echo ""
    echo "| measure | transport | value | unit | p50 ms | p99 ms | TLS handshakes | resumed | handshake p50 ms | handshake p99 ms | server CPU % | server CPU us/op | loadgen CPU % | ok | error |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    md_rows "$section"
    echo ""
  done
  echo "![tls](./$(basename "$plot"))"
} >"$out"
say "wrote $out, $tsv and $plot"
if [ "$failed" != 0 ]; then
  say "$failed runs failed: see the error column; 06-loadgen said:"
  grep -v '^[0-9:.]* \(opening\|all \|done after\)' "$work/loads.err" | tail -n 20 >&2
  exit 1
fi
