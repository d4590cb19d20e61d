# scripts/bench's peers scenario (lesson 06 against the frameworks students know), sourced by
# scripts/bench after its options, the CPU pinning, start_server/start_command/stop_server and
# load() are set up. The course's servers (02, 04, 05) and the peers of lessons/06-load/peers/
# go through the same scenarios, each run against a freshly started server (pinned like every
# server), each repeated $repeats times: the tables show the median and, in brackets, the
# smallest and largest of the runs. Then the report ($out) and one PNG with three plots.
#
# Scenarios (full; --quick in brackets):
#   echo latency     1 connection, 32 B, one in flight, 5,000 messages (300)
#   echo throughput  100 connections, window 16, 64 B, 1,000 messages each (20, window 4)
#   broadcast 100    100 receivers, 1 sender, 1,000 messages (20)
#   broadcast 1000   1,000 receivers, 5 senders x 100 messages (200 receivers, 5 x 10)
#   idle             5,000 connections held for 2 s: server memory per connection (500)
#
# Server CPU per delivery (core-microseconds) is the server's CPU time over the traffic, from
# /proc, divided by the messages it delivered (echo: answered): it does not depend on how fast
# the load generator is. A run whose load generator used 90 % of its core or more while the
# server used less was limited by the load generator: it is counted in the "loadgen-bound"
# column, and its rate is only a lower bound for that server.

peers_dir="$root/lessons/06-load/peers"
node_modules="$root/tests/peers/node_modules"
python=/usr/bin/python3  # Debian's, with Debian's FastAPI, uvicorn and websockets
node="$(command -v node)"
plot="${out%.md}.png"
if [ "$quick" = 1 ]; then load_timeout=20; fi

# The C++ peers exist only in a build tree configured with -DCOURSE_PEERS=ON.
cpp_peers=0
if grep -q '^COURSE_PEERS:BOOL=ON$' "$build_dir/CMakeCache.txt" 2>/dev/null; then
  cpp_peers=1
  BUILD_DIR="$build_dir" "$root/scripts/build" 06-peer-websocketpp-echo 06-peer-websocketpp-chat \
    06-peer-beast-echo 06-peer-beast-chat >/dev/null
fi

if [ "$quick" = 1 ]; then
  repeats=3; lat_n=300; thr_n=20; thr_w=4; b100_n=20; b1000_c=200; b1000_n=10; idle_n=500
else
  repeats=3; lat_n=5000; thr_n=1000; thr_w=16; b100_n=1000; b1000_c=1000; b1000_n=100; idle_n=5000
fi

echo_servers=(04-ws-server fastapi websockets node-ws)
chat_servers=(02-chat-server 05-chat-server fastapi websockets node-ws)
if [ "$cpp_peers" = 1 ]; then
  echo_servers+=(websocketpp beast)
  chat_servers+=(websocketpp beast)
fi

# label ID: the name a reader knows.
label() {
  case "$1" in
    fastapi) echo "FastAPI + uvicorn" ;;
    websockets) echo "Python websockets" ;;
    node-ws) echo "Node ws" ;;
    websocketpp) echo "websocketpp" ;;
    beast) echo "Boost.Beast" ;;
    *) echo "$1" ;;
  esac
}

# start_peer ID ROLE: starts server ID as an echo or chat server on a free port; sets url and
# join (the 06-loadgen arguments that fit it).
start_peer() {
  local id="$1" role="$2"
  join=(--join probe)
  case "$id" in
    02-chat-server) start_server 02-chat-server --max-clients 12000; url="tcp://127.0.0.1:$server_port"; join=() ;;
    04-ws-server) start_server 04-ws-server; url="ws://127.0.0.1:$server_port/ws" ;;
    05-chat-server) start_server 05-chat-server; url="ws://127.0.0.1:$server_port/ws"; join=() ;;
    fastapi)
      start_command "$id" "$python" "$peers_dir/fastapi_$role.py" --port 0
      url="ws://127.0.0.1:$server_port/ws"
      if [ "$role" = chat ]; then url="$url/1"; fi  # ConnectionManager's /ws/{client_id}
      ;;
    websockets) start_command "$id" "$python" "$peers_dir/websockets_$role.py" --port 0; url="ws://127.0.0.1:$server_port/ws" ;;
    node-ws)
      start_command "$id" env NODE_PATH="$node_modules" "$node" "$peers_dir/node_ws_$role.cjs" --port 0
      url="ws://127.0.0.1:$server_port/ws"
      ;;
    websocketpp|beast) start_command "$id" "$bin/06-peer-$id-$role" --port 0; url="ws://127.0.0.1:$server_port/ws" ;;
  esac
}

# stats VALUES...: "median (min-max)" of numbers ("-" ignored); "-" if none.
stats() {
  printf '%s\n' "$@" | awk '$1 != "-" && $1 != "" { v[++n] = $1 + 0 }
    function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : x >= 1 ? sprintf("%.2f", x) : sprintf("%.3f", x) }
    END {
      if (n == 0) { print "-"; exit }
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      print (n == 1 ? fmt(m) : fmt(m) " (" fmt(v[1]) "-" fmt(v[n]) ")")
    }'
}
median() { stats "$@" | cut -d' ' -f1 | sed 's/^-$/NaN/'; }

# measure ID ROLE MODE ARGS...: $repeats runs of `06-loadgen MODE URL ARGS` against a fresh
# server each (broadcast: with the server's join rule); fills the m_ arrays, one entry per run.
measure() {
  local id="$1" role="$2" mode="$3"; shift 3
  m_ok=0; m_rate=(); m_p50=(); m_p99=(); m_cpu_per=(); m_server=(); m_loadgen=(); m_bytes=(); m_bound=0; m_error="-"
  local i count
  for i in $(seq "$repeats"); do
    start_peer "$id" "$role"
    if [ "$mode" = broadcast ]; then load "$mode" "$url" "${join[@]}" "$@"; else load "$mode" "$url" "$@"; fi
    stop_server
    if [ "$(v ok)" = 1 ]; then
      m_ok=$((m_ok + 1))
    elif [ "$m_error" = "-" ]; then  # the first failed run's error, else what it counted
      m_error="$(err)"
      [ "$m_error" != "-" ] || m_error="run $i: $(v missing) missing, $(v lost) lost, stage $(v stage)"
    fi
    m_rate+=("$(v msg_per_s)"); [ -n "${r[deliveries_per_s]:-}" ] && m_rate[-1]="${r[deliveries_per_s]}"
    m_p50+=("$(ms p50_us)"); m_p99+=("$(ms p99_us)")
    count="${r[delivered]:-${r[received]:-0}}"
    m_cpu_per+=("$(awk -v s="${r[server_cpu_s]:-}" -v n="$count" 'BEGIN { if (s == "" || n == 0) print "-"; else printf "%.3f", s * 1e6 / n }')")
    m_server+=("$(v server_cpu_pct)"); m_loadgen+=("$(v loadgen_cpu_pct)"); m_bytes+=("$(v server_bytes_per_conn)")
    if awk -v l="${r[loadgen_cpu_pct]:-0}" -v s="${r[server_cpu_pct]:-0}" 'BEGIN { exit !(l >= 90 && s < 90) }'; then
      m_bound=$((m_bound + 1))
    fi
  done
}

traffic_header() {  # unit
  add "| server | ok runs | $1/s | p50 ms | p99 ms | server core-us per $2 | server CPU % | loadgen CPU % | loadgen-bound runs | first error |"
  add "|---|---|---|---|---|---|---|---|---|---|"
}
traffic_row() {
  add "| $(label "$1") | $m_ok/$repeats | $(stats "${m_rate[@]}") | $(stats "${m_p50[@]}") | $(stats "${m_p99[@]}") | $(stats "${m_cpu_per[@]}") | $(stats "${m_server[@]}") | $(stats "${m_loadgen[@]}") | $m_bound | $m_error |"
}

: >"$work/echo.dat"
: >"$work/chat.dat"
: >"$work/idle.dat"
failed_runs=0

say "peers: echo latency"
add "## Echo latency (1 connection, 32 B, one message in flight, $lat_n messages)"
add ""
traffic_header messages message
for id in "${echo_servers[@]}"; do
  measure "$id" echo echo -c 1 -n "$lat_n" -s 32
  traffic_row "$id"
  failed_runs=$((failed_runs + repeats - m_ok))
done
add ""

say "peers: echo throughput"
add "## Echo throughput (100 connections, window $thr_w, 64 B, $thr_n messages each)"
add ""
traffic_header messages message
for id in "${echo_servers[@]}"; do
  measure "$id" echo echo -c 100 -w "$thr_w" -s 64 -n "$thr_n"
  traffic_row "$id"
  failed_runs=$((failed_runs + repeats - m_ok))
  echo "\"$(label "$id")\" $(median "${m_rate[@]}") $(median "${m_p99[@]}")" >>"$work/echo.dat"
done
add ""

declare -A b100_rate b100_p99
say "peers: broadcast to 100"
add "## Broadcast to 100 receivers (1 sender, $b100_n messages)"
add ""
traffic_header deliveries delivery
for id in "${chat_servers[@]}"; do
  measure "$id" chat broadcast -c 100 -k 1 -n "$b100_n"
  traffic_row "$id"
  failed_runs=$((failed_runs + repeats - m_ok))
  b100_rate["$id"]="$(median "${m_rate[@]}")"; b100_p99["$id"]="$(median "${m_p99[@]}")"
done
add ""

say "peers: broadcast to $b1000_c"
add "## Broadcast to $b1000_c receivers (5 senders, $b1000_n messages each)"
add ""
traffic_header deliveries delivery
for id in "${chat_servers[@]}"; do
  measure "$id" chat broadcast -c "$b1000_c" -k 5 -n "$b1000_n"
  traffic_row "$id"
  failed_runs=$((failed_runs + repeats - m_ok))
  echo "\"$(label "$id")\" ${b100_rate[$id]} $(median "${m_rate[@]}") ${b100_p99[$id]} $(median "${m_p99[@]}")" >>"$work/chat.dat"
done
add ""

say "peers: idle"
add "## Idle connections ($idle_n held for 2 s, each run against a fresh server)"
add ""
add "| server | ok runs | bytes per connection | first error |"
add "|---|---|---|---|"
for id in 04-ws-server "${chat_servers[@]}"; do
  role=chat; [ "$id" = 04-ws-server ] && role=echo
  measure "$id" "$role" idle -c "$idle_n" --hold 2
  add "| $(label "$id") | $m_ok/$repeats | $(stats "${m_bytes[@]}") | $m_error |"
  failed_runs=$((failed_runs + repeats - m_ok))
  echo "\"$(label "$id")\" $(median "${m_bytes[@]}")" >>"$work/idle.dat"
done
add ""

gnuplot <<GNUPLOT
set terminal png size 1500,480 font ",10"
set output "$plot"
set multiplot layout 1,3 title "Lesson 06: the course's servers and the frameworks students know (median of $repeats runs each)"
set grid ytics
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -30
set key top right
set title "broadcast: deliveries per second"
set ylabel "deliveries/s (log scale)"
set logscale y
set format y "%.0s%c"
plot "$work/chat.dat" using 2:xtic(1) title "100 receivers", "" using 3 title "$b1000_c receivers"
set title "broadcast: p99 send-to-receipt latency"
set ylabel "ms (log scale)"
set format y "%g"
plot "$work/chat.dat" using 4:xtic(1) title "100 receivers", "" using 5 title "$b1000_c receivers"
set title "memory per idle connection ($idle_n connections)"
set ylabel "bytes of server RSS per connection"
unset logscale y
set yrange [0:*]
plot "$work/idle.dat" using 2:xtic(1) title "bytes/connection"
unset multiplot
GNUPLOT

{
  echo "# Lesson 06 against the frameworks students know"
  echo ""
  echo "Made by \`scripts/bench --peers$([ "$quick" = 1 ] && echo " --quick")$([ "$commit" = 1 ] && echo " --commit-results")\` on $(date -u '+%Y-%m-%d %H:%M UTC'):"
  echo "$(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(uname -sr);"
  echo "$pinning. Python $("$python" -c 'import platform; print(platform.python_version())'),"
  echo "FastAPI $("$python" -c 'import fastapi; print(fastapi.__version__)'), uvicorn $("$python" -c 'import uvicorn; print(uvicorn.__version__)'),"
  echo "websockets $("$python" -c 'import websockets; print(websockets.__version__)'), Node $("$node" --version),"
  echo "ws $(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$node_modules/ws/package.json" | head -n 1)."
  if [ "$cpp_peers" = 1 ]; then
    echo "websocketpp 0.8.2 and Boost.Beast (Boost 1.74), built $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build_dir/CMakeCache.txt")."
  else
    echo "websocketpp and Boost.Beast are not in this run: configure the build tree with"
    echo "-DCOURSE_PEERS=ON (after \`scripts/setup peers\`) to add them."
  fi
  echo ""
  echo "Each row: $repeats runs, each against a freshly started server; the median, and in brackets"
  echo "the smallest and the largest. CPU % is of one core over the traffic. Server core-us per"
  echo "delivery is the server's CPU time divided by the messages it delivered: it does not depend"
  echo "on the load generator's speed (but /proc counts CPU in 10 ms ticks: on short runs it is"
  echo "coarse). A loadgen-bound run (load generator at 90 % or more of its core, the server"
  echo "below) measured the load generator: its rate is a lower bound for the server."
  echo "The chats other than 02 and 05 greet nobody: their runs join with \`--join probe\`."
  echo ""
  printf '%s\n' "${report[@]}"
  echo "![peers](./$(basename "$plot"))"
} >"$out"
say "wrote $out and $plot"
[ "$failed_runs" = 0 ] || { say "$failed_runs run(s) were not ok: see the ok and error columns"; exit 1; }
