#!/usr/bin/env bash
# scripts/run 08 --tls: HAProxy terminates TLS in front of lesson 08's nodes with lesson 09's
# local CA (here a fresh one, COURSE_TLS_DIR in a temporary folder). openssl s_client sees TLS 1.3
# and ALPN http/1.1 from HAProxy with a chain that verifies; two 09-tls-clients, verifying, chat
# through it; SIGINT stops the script with status 0 and leaves none of its processes running.
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

COURSE_TLS_DIR="$work/tls" "$root/scripts/run" 08 --tls --nodes 2 > "$work/run.out" 2> "$work/run.err" &
run_pid=$!
line=$(wait_for "$work/run.out" "listening on" 90) || { cat "$work/run.err"; exit 1; }
port=${line##*:}
# The address it logs right after that line says https://.
wait_for "$work/run.err" "open https://127.0.0.1:$port/" 10 >/dev/null
children=$(ps -o pid= --ppid "$run_pid" | tr '\n' ' ')

# HAProxy's TLS, as OpenSSL's client sees it.
s_client=$(timeout 15 openssl s_client -connect "127.0.0.1:$port" -servername localhost -alpn http/1.1 \
  -CAfile "$work/tls/ca.pem" -verify_return_error < /dev/null 2>&1) || { echo "s_client failed: $s_client"; exit 1; }
for expected in "New, TLSv1.3, Cipher is TLS_" "ALPN protocol: http/1.1" "Verify return code: 0 (ok)"; do
  grep -qF "$expected" <<< "$s_client" || { echo "s_client: no \"$expected\" in:"; echo "$s_client"; exit 1; }
done

# Two verifying terminal clients through HAProxy: what one says, the other prints.
mkfifo "$work/listener.in"
"$bin/09-tls-client" --port "$port" --ca "$work/tls/ca.pem" --no-time < "$work/listener.in" > "$work/listener.out" 2>&1 &
listener_pid=$!
exec {listener_in}> "$work/listener.in"
wait_for "$work/listener.out" "* you are guest-" 15 >/dev/null
: > "$work/speaker.out"
{
  wait_for "$work/speaker.out" "* you are guest-" 15 >/dev/null
  echo "hello through TLS at the edge"
  wait_for "$work/listener.out" ": hello through TLS at the edge" 15 >/dev/null
} | timeout 30 "$bin/09-tls-client" --port "$port" --ca "$work/tls/ca.pem" --no-time > "$work/speaker.out" 2>&1
grep -q "verified: CN = localhost" "$work/speaker.out" || { echo "the client did not verify:"; cat "$work/speaker.out"; exit 1; }
exec {listener_in}>&-
listener_in=""
timeout 10 tail --pid="$listener_pid" -f /dev/null || true
listener_pid=""

# Ctrl-C: status 0 within 20 s, and nothing it started is left.
kill -INT "$run_pid"
timeout 20 tail --pid="$run_pid" -f /dev/null || { echo "scripts/run 08 --tls still running 20 s after SIGINT"; exit 1; }
status=0; wait "$run_pid" || status=$?
run_pid=""
[ "$status" = 0 ] || { echo "scripts/run 08 --tls exited with $status after SIGINT:"; cat "$work/run.err"; exit 1; }
for pid in $children; do
  if [ -e "/proc/$pid" ]; then echo "PID $pid is still there: $(tr '\0' ' ' < "/proc/$pid/cmdline")"; exit 1; fi
done
echo "ok: HAProxy on port $port served TLS 1.3 with ALPN http/1.1; two verifying clients chatted; stopped on SIGINT"
