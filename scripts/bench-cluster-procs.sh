# The processes of lesson 08's cluster for scripts/bench's scenarios (bench-cluster.sh, and
# bench-tls.sh's HAProxy part), sourced after scripts/bench has set up the CPU pinning, $work, $bin
# and stop_server: redis-server, 08-chat-node processes and HAProxy, each started on a free port
# and waited for, and stopped in the right order. Set cl_check (1: HAProxy health-checks the
# nodes' /healthz; 0: lesson 05, which has none) before start_haproxy, and haproxy_tls_pem (a PEM
# with the certificate and its key) for HAProxy to terminate TLS, as `scripts/run 08 --tls` does.
lesson08_dir="$root/lessons/08-chat-cluster"
cl_check=1
haproxy_tls_pem=""

redis_pid=""
redis_port=""
haproxy_pid=""
haproxy_port=""
node_pids=()
node_ports=()
chat_pids=()  # the chat servers of the running configuration: the nodes, or lesson 05

# stop_pid PID: SIGTERM, then SIGKILL if it has not exited within 5 s.
stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# HAProxy first (no new clients), then the nodes (their leaves go to Redis), then Redis.
stop_cluster() {
  [ -z "$haproxy_pid" ] || stop_pid "$haproxy_pid"
  local pid
  for pid in "${node_pids[@]}"; do stop_pid "$pid"; done
  [ -z "$redis_pid" ] || stop_pid "$redis_pid"
  haproxy_pid=""; redis_pid=""; node_pids=(); node_ports=(); chat_pids=()
}
cleanup() { stop_cluster; stop_server; rm -rf "$work"; }  # replaces scripts/bench's: trap ... EXIT

# wait_for FILE PATTERN PID: until FILE has a line matching PATTERN (10 s at most, or until PID
# exits). A bounded poll of a file the process writes: no fixed sleep.
wait_for() {
  for _ in $(seq 500); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}

# A port nobody listens on now (taken meanwhile, the start is retried).
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 30000))
    [ -z "$(ss -Htan "( sport = :$port )")" ] && { echo "$port"; return 0; }
  done
  return 1
}

start_redis() {
  mkdir -p "$work/redis"
  for _ in 1 2 3; do
    redis_port="$(free_port)"
    rm -f "$work/redis.out"  # an earlier Redis's "Ready" must not be taken for this one's
    "${server_pin[@]}" redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize no --supervised no \
      --save '' --appendonly no --dir "$work/redis" --logfile '' >"$work/redis.out" 2>&1 &
    redis_pid=$!
    wait_for "$work/redis.out" 'Ready to accept connections' "$redis_pid" && return 0
    stop_pid "$redis_pid"; redis_pid=""
    grep -q 'Address already in use' "$work/redis.out" || break
  done
  echo "bench: redis-server did not start: $(tail -n 5 "$work/redis.out")" >&2
  exit 1
}

# start_node I: 08-chat-node nodeI on a free port, ready once it has read the stream's tail.
start_node() {
  local log="$work/node$1"
  # An earlier configuration's node$1 wrote these files: gone first, or wait_for would find its
  # lines before this process's shell has truncated them.
  rm -f "$log.out" "$log.err"
  "${server_pin[@]}" "$bin/08-chat-node" --port 0 --node-name "node$1" --redis-port "$redis_port" \
    >"$log.out" 2>"$log.err" &
  local pid=$!
  node_pids+=("$pid"); chat_pids+=("$pid")
  if ! wait_for "$log.err" "read the stream's tail" "$pid"; then
    echo "bench: 08-chat-node node$1 did not start: $(tail -n 5 "$log.err")" >&2
    exit 1
  fi
  node_ports+=("$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$log.out" | head -n 1)")
}

# start_haproxy PORT...: the lesson's haproxy.cfg with one server line per port; no health
# check for lesson 05 (it has no /healthz: every answer would be a 404).
start_haproxy() {
  local count=$# with_check="$cl_check" i
  # With TLS, the bind line as scripts/run 08 --tls writes it (lessons/08-chat-cluster/run.sh).
  awk -v count="$count" -v check="$with_check" -v tls="$([ -n "$haproxy_tls_pem" ] && echo 1 || echo 0)" '
    /^ *server node[0-9]/ { n = substr($2, 5) + 0; if (n > count) next; if (!check) sub(/ check$/, "") }
    /^ *(option httpchk|http-check)/ && !check { next }
    /^ *bind / && tls { $0 = $0 " ssl crt \"${TLS_PEM}\" alpn http/1.1 ssl-min-ver TLSv1.2" }
    { print }' "$lesson08_dir/haproxy.cfg" >"$work/haproxy.cfg"
  local env=()
  for i in $(seq "$count"); do env+=("NODE${i}_PORT=${!i}"); done
  for _ in 1 2 3; do
    haproxy_port="$(free_port)"
    env "${env[@]}" FRONTEND_PORT="$haproxy_port" TLS_PEM="$haproxy_tls_pem" "${load_pin[@]}" haproxy -f "$work/haproxy.cfg" -db \
      >"$work/haproxy.out" 2>&1 &
    haproxy_pid=$!
    for _ in $(seq 500); do
      [ -n "$(ss -Hltn "( sport = :$haproxy_port )")" ] && break
      kill -0 "$haproxy_pid" 2>/dev/null || break
      sleep 0.02
    done
    if kill -0 "$haproxy_pid" 2>/dev/null && [ -n "$(ss -Hltn "( sport = :$haproxy_port )")" ]; then return 0; fi
    stop_pid "$haproxy_pid"; haproxy_pid=""
    grep -q 'cannot bind' "$work/haproxy.out" || break
  done
  echo "bench: haproxy did not start: $(tail -n 5 "$work/haproxy.out")" >&2
  exit 1
}
