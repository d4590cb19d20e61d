#!/usr/bin/env bash
# A whole local cluster on loopback, what `scripts/run 08` starts: one redis-server (redis.conf,
# nothing on disk), N 08-chat-node processes (default 3), and HAProxy in front (haproxy.cfg).
#
#   scripts/run 08                  build, start, print the address to open; Ctrl-C stops all
#   scripts/run 08 --nodes 2        two nodes
#   scripts/run 08 --port 8008      HAProxy on port 8008 (default 0: any free port)
#   scripts/run 08 -- -v            arguments after -- go to every node
#   scripts/run 08 --tls            HAProxy terminates TLS (https://, wss://) with lesson 09's
#                                   local CA (.tls/, made on first use); the nodes stay plain
#
# Like a lesson's server, its first line on stdout is `listening on HOST:PORT`, HAProxy's
# address (so scripts/pair works with it unchanged); its log goes to stderr: each node's lines
# prefixed with its name, HAProxy's warnings (a node DOWN or UP). Each process starts on a free
# port in a fresh temporary directory and is waited for by its readiness, never by a sleep.
# SIGINT (Ctrl-C), SIGTERM and SIGHUP stop HAProxy, then the nodes (they say goodbye to their
# clients and record their leaves in Redis), then Redis, each by the PID this script started,
# and remove the directory: nothing is left running.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
lesson_dir="$root/lessons/08-chat-cluster"
source "$root/scripts/lib.sh"

nodes=3
tls=0
frontend_port=0
node_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="${2:?--nodes needs a number}"; shift ;;
    --port) frontend_port="${2:?--port needs a number}"; shift ;;
    --tls) tls=1 ;;
    --help|-h) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; node_args=("$@"); break ;;
    *) echo "run 08: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$nodes" =~ ^[1-9]$ ]] || { echo "run 08: --nodes takes 1 to 9" >&2; exit 2; }

for program in redis-server haproxy; do
  command -v "$program" >/dev/null || "$root/scripts/setup" lesson08
done
build_quietly 08-chat-node
node_bin="${BUILD_DIR:-$root/build}/bin/08-chat-node"

log() { echo "$(date +%T.%3N) run 08: $*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/chat-cluster.XXXXXX")
pids=()          # every process started, in the order it is stopped: HAProxy, nodes, Redis
redis_pid="" haproxy_pid=""
node_pids=()

# running PID: true while PID is alive and not yet a zombie (an exited child not yet waited for).
running() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; }
# any_node_running: true while at least one node is alive.
any_node_running() {
  local pid
  for pid in "${node_pids[@]}"; do running "$pid" && return 0; done
  return 1
}

# Stops what this script started, by PID, in order (HAProxy, the nodes, Redis): SIGTERM, up to
# 10 s for each group to exit (a bounded poll), SIGKILL for what is left, and waits for each, so
# none is left behind, not even as a zombie.
stopping=0
stop_all() {
  [ "$stopping" = 0 ] || return 0
  stopping=1
  trap '' INT TERM HUP
  local group pid deadline
  for group in "$haproxy_pid" "${node_pids[*]}" "$redis_pid"; do
    [ -n "${group// /}" ] || continue
    # shellcheck disable=SC2086  # a group is one PID or the nodes' PIDs
    kill -TERM $group 2>/dev/null || true
    deadline=$((SECONDS + 10))
    for pid in $group; do
      while running "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.05; done
      if running "$pid"; then kill -KILL "$pid" 2>/dev/null && log "PID $pid did not stop in 10 s: killed"; fi
      wait "$pid" 2>/dev/null || true
    done
  done
  rm -rf "$work"
}
trap 'stop_all' EXIT
trap 'log "stopping"; stop_all; log "stopped"; exit 0' INT TERM HUP

# A free TCP port on loopback, for the programs that cannot take port 0 and report theirs
# (Redis, HAProxy). Another program may take it before ours binds, so callers retry.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_line FILE TEXT PID SECONDS: waits until FILE has a line containing TEXT, and prints
# it; fails at once if PID exits first, or after SECONDS. (tail --pid ends with the process.)
wait_for_line() {
  local line fd tail_pid found=1
  exec {fd}< <(exec timeout "$4" tail -n +1 -F -s 0.05 --pid="$3" "$1" 2>/dev/null)
  tail_pid=$!
  while IFS= read -r -u "$fd" line; do
    if [[ "$line" == *"$2"* ]]; then found=0; echo "$line"; break; fi
  done
  kill "$tail_pid" 2>/dev/null || true
  exec {fd}<&-
  return "$found"
}

# Copies a child's log to our stderr, each line prefixed with its name. It ignores SIGINT (so
# Ctrl-C, which reaches it too, leaves it running): it ends when its program closes its stderr.
prefix() { (trap '' INT; exec sed -u "s/^/$1/" >&2); }

# The children run in their own session (setsid, which execs: the PID stays the program's), so
# Ctrl-C in this terminal reaches only this script, which stops them in order.

# 1. Redis.
for attempt in 1 2 3; do
  redis_port=$(free_port)
  setsid redis-server "$lesson_dir/redis.conf" --port "$redis_port" --dir "$work" > "$work/redis.log" 2>&1 < /dev/null &
  redis_pid=$!
  if wait_for_line "$work/redis.log" "Ready to accept connections" "$redis_pid" 15 >/dev/null; then break; fi
  wait "$redis_pid" 2>/dev/null || true
  grep -q "Address already in use" "$work/redis.log" && [ "$attempt" -lt 3 ] && continue
  cat "$work/redis.log" >&2
  log "redis-server did not start"; exit 1
done
log "redis-server on 127.0.0.1:$redis_port (PID $redis_pid, log $work/redis.log)"

# 2. The nodes, each on a free port (--port 0), ready when it prints "listening on".
node_ports=()
for n in $(seq 1 "$nodes"); do
  setsid "$node_bin" --port 0 --node-name "node$n" --redis-port "$redis_port" "${node_args[@]}" \
    < /dev/null > "$work/node$n.out" 2> >(prefix "node$n  ") &
  node_pids+=("$!")
  line=$(wait_for_line "$work/node$n.out" "listening on" "$!" 15) || { log "node$n did not start"; exit 1; }
  node_ports+=("${line##*:}")
done

# 3. HAProxy: haproxy.cfg with one server line per node, ports filled in from the environment.
# With --tls the frontend's bind gets lesson 09's certificate (HAProxy wants it and its key in
# one file): TLS ends at HAProxy, the nodes behind it see plain WebSocket.
scheme=http curl_tls=()
if [ "$tls" = 1 ]; then
  tls_dir="${COURSE_TLS_DIR:-$root/.tls}"
  "$root/lessons/09-tls/make_certs.sh" "$tls_dir"
  (umask 077; cat "$tls_dir/server.pem" "$tls_dir/server.key" > "$work/haproxy.pem")
  export TLS_PEM="$work/haproxy.pem"
  scheme=https curl_tls=(--cacert "$tls_dir/ca.pem")
fi
config="$work/haproxy.cfg"
{
  grep -vE '^\s*server node[0-9]+ ' "$lesson_dir/haproxy.cfg" | if [ "$tls" = 1 ]; then
    sed -E 's|^(\s*bind .*)$|\1 ssl crt "${TLS_PEM}" alpn http/1.1 ssl-min-ver TLSv1.2|'
  else cat; fi
  for n in $(seq 1 "$nodes"); do
    echo "    server node$n \"127.0.0.1:\${NODE${n}_PORT}\" check"
  done
} > "$config"
for n in $(seq 1 "$nodes"); do export "NODE${n}_PORT=${node_ports[n - 1]}"; done
for attempt in 1 2 3; do
  export FRONTEND_PORT="$frontend_port"
  [ "$frontend_port" != 0 ] || FRONTEND_PORT=$(free_port)
  setsid haproxy -f "$config" -db < /dev/null 2> >(prefix "haproxy ") &
  haproxy_pid=$!
  # Ready when its frontend answers: /healthz goes through to a node (a bounded poll).
  deadline=$((SECONDS + 15))
  until curl -sf "${curl_tls[@]}" -o /dev/null --max-time 1 "$scheme://127.0.0.1:$FRONTEND_PORT/healthz"; do
    # Every node died after it started (their logs above say why): nothing can become ready.
    if ! any_node_running; then log "every node exited"; exit 1; fi
    if ! running "$haproxy_pid" || [ "$SECONDS" -ge "$deadline" ]; then break; fi
    sleep 0.1  # a bounded poll: 15 s at most
  done
  if curl -sf "${curl_tls[@]}" -o /dev/null --max-time 1 "$scheme://127.0.0.1:$FRONTEND_PORT/healthz"; then break; fi
  kill "$haproxy_pid" 2>/dev/null || true
  wait "$haproxy_pid" 2>/dev/null || true
  haproxy_pid=""
  [ "$frontend_port" = 0 ] && [ "$attempt" -lt 3 ] && continue
  log "haproxy did not start (config: $config)"; exit 1
done

echo "listening on 127.0.0.1:$FRONTEND_PORT"
log "$nodes node(s) on ports ${node_ports[*]} behind HAProxy (PID $haproxy_pid); open" \
    "$scheme://127.0.0.1:$FRONTEND_PORT/ in a browser; Ctrl-C stops everything"

# Runs until a signal. A node may die (kill -9 one to see its clients move): the rest go on.
# If HAProxy or Redis dies, the cluster is unusable: stop.
while true; do
  wait -n || true
  if ! running "$haproxy_pid"; then log "haproxy exited"; exit 1; fi
  if ! running "$redis_pid"; then log "redis-server exited"; exit 1; fi
  for n in $(seq 1 "$nodes"); do
    pid=${node_pids[n - 1]}
    if [ -n "$pid" ] && ! running "$pid"; then
      log "node$n (PID $pid) exited; the others go on"
      node_pids[n - 1]=""
    fi
  done
done
