#!/usr/bin/env bash
# scripts/run 08 as a reader runs it: the cluster starts (Redis, three nodes, HAProxy), its first
# stdout line is HAProxy's "listening on"; two 05-chat-clients chat through that address; SIGINT
# (Ctrl-C) stops the script with status 0 within 20 s and leaves none of its processes running.
set -euo pipefail
set -m  # background jobs keep SIGINT (without job control, bash makes them ignore it)
root="$1"
bin="${BUILD_DIR:?BUILD_DIR: the build tree the binaries are in}/bin"
work=$(mktemp -d)
run_pid="" listener_pid="" listener_in=""
cleanup() {
  [ -z "$listener_in" ] || exec {listener_in}>&- 2>/dev/null || true
  [ -z "$listener_pid" ] || kill "$listener_pid" 2>/dev/null || true
  [ -z "$run_pid" ] || kill -TERM "$run_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
source "$root/tests/support/script_test.sh"  # wait_for

"$root/scripts/run" 08 > "$work/run.out" 2> "$work/run.err" &
run_pid=$!
line=$(wait_for "$work/run.out" "listening on" 90 "$run_pid") || { cat "$work/run.err"; exit 1; }
[ "$(head -n 1 "$work/run.out")" = "$line" ] || { echo "the first stdout line is not 'listening on'"; exit 1; }
port=${line##*:}
# Its log line naming the nodes comes right after "listening on", on stderr: waited for too.
wait_for "$work/run.err" "3 node(s) on ports" 10 "$run_pid" > /dev/null || { echo "no three nodes"; exit 1; }
children=$(ps -o pid= --ppid "$run_pid" | tr '\n' ' ')
for program in redis-server 08-chat-node haproxy; do
  ps -o comm= --ppid "$run_pid" | grep -q "^${program:0:15}" || { echo "no $program started"; ps -f --ppid "$run_pid"; exit 1; }
done

# Two terminal clients through HAProxy: what one says, the other prints.
mkfifo "$work/listener.in"
"$bin/05-chat-client" --port "$port" --no-time < "$work/listener.in" > "$work/listener.out" 2>&1 &
listener_pid=$!
exec {listener_in}> "$work/listener.in"
wait_for "$work/listener.out" "* you are guest-" 15 >/dev/null
# The speaker types once greeted, and its stdin ends (it quits) once the listener printed it.
: > "$work/speaker.out"
{
  wait_for "$work/speaker.out" "* you are guest-" 15 >/dev/null
  echo "hello through the cluster"
  wait_for "$work/listener.out" ": hello through the cluster" 15 >/dev/null
} | timeout 30 "$bin/05-chat-client" --port "$port" --no-time > "$work/speaker.out" 2>&1
exec {listener_in}>&-
listener_in=""
timeout 10 tail --pid="$listener_pid" -f /dev/null || true
listener_pid=""

# Ctrl-C: status 0 within 20 s, and nothing it started is left.
kill -INT "$run_pid"
timeout 20 tail --pid="$run_pid" -f /dev/null || { echo "scripts/run 08 still running 20 s after SIGINT"; exit 1; }
status=0; wait "$run_pid" || status=$?
run_pid=""
[ "$status" = 0 ] || { echo "scripts/run 08 exited with $status after SIGINT:"; cat "$work/run.err"; exit 1; }
for pid in $children; do
  if [ -e "/proc/$pid" ]; then echo "PID $pid is still there: $(tr '\0' ' ' < "/proc/$pid/cmdline")"; exit 1; fi
done
grep -q "run 08: stopped" "$work/run.err" || { echo "no 'stopped' line:"; cat "$work/run.err"; exit 1; }
echo "ok: cluster on port $port chatted and stopped on SIGINT; its $(echo $children | wc -w) processes are gone"
