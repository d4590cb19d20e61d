#!/usr/bin/env bash
# scripts/pair 01 end to end: the server and the client start side by side in tmux, a line
# typed into the client pane comes back echoed, and the server pane shows the connection.
set -euo pipefail
root="$1"
# A tmux server of the test's own (its socket in a fresh folder) and a session name of its own:
# a student's `scripts/pair 01` session, and their other tmux sessions, are never touched.
unset TMUX
TMUX_TMPDIR="$(mktemp -d)"
export TMUX_TMPDIR
session="pair-test-$$"
trap 'tmux kill-server 2>/dev/null || true; rm -rf "$TMUX_TMPDIR"' EXIT

"$root/scripts/pair" 01 --detach --session "$session"

# Wait (bounded: 10 s) until a pane shows the text. A wait for an event, not a guess.
wait_for() {  # pane text
  for _ in $(seq 100); do
    tmux capture-pane -p -t "$session.$1" | grep -qF -- "$2" && return 0
    sleep 0.1  # ok-sleep: polling the screen, bounded
  done
  echo "pane $1 never showed '$2'; it shows:" >&2
  tmux capture-pane -p -t "$session.$1" >&2
  return 1
}

wait_for 0 "listening on 127.0.0.1:"
wait_for 0 "connected"
tmux send-keys -t "$session.1" "hello from pair" Enter
# The client pane shows the typed line once and its echo once: two occurrences.
for _ in $(seq 100); do
  [ "$(tmux capture-pane -p -t "$session.1" | grep -cF 'hello from pair')" -ge 2 ] && break
  sleep 0.1  # ok-sleep: polling the screen, bounded
done
[ "$(tmux capture-pane -p -t "$session.1" | grep -cF 'hello from pair')" -ge 2 ] || {
  echo "no echo in the client pane:" >&2; tmux capture-pane -p -t "$session.1" >&2; exit 1; }
tmux send-keys -t "$session.1" "exit" Enter
wait_for 0 "disconnected after 16 bytes"
echo "pair 01: ok"
