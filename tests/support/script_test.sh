# What the shell tests (tests/*/*.sh) share, sourced after `set -euo pipefail` and `root="$1"`:
#
#   checkout_before; ...; expect_checkout_unchanged WHAT
#       `git status` before and after, compared: a checkout with work in progress passes too, as
#       long as WHAT changed nothing (only an explicit --commit-results may write bench/).
#   run_bench ARGS...
#       scripts/bench ARGS as a reader runs it, in a session of its own, timed into `elapsed`;
#       fails if the bench fails or leaves any process of that session running.
#   expect_png FILE     a real PNG: the signature, and more than a header.
#   tsv_col TSV NAME    the number of the column called NAME in the TSV's header.
#   wait_for FILE TEXT SECONDS [PID]
#       until FILE has a line containing TEXT (printed), bounded by SECONDS, or until PID has
#       exited (a script that gave up will not write it any more).

checkout_before() {
  in_git=0
  if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    in_git=1
    status_before="$(git -C "$root" status --porcelain=v1 2>&1)"
  fi
}

expect_checkout_unchanged() {
  if [ "$in_git" != 1 ]; then
    echo "note: $root is not a git checkout: the check that $1 left it unchanged was skipped"
    return 0
  fi
  local status_after
  status_after="$(git -C "$root" status --porcelain=v1 2>&1)"
  if [ "$status_before" != "$status_after" ]; then
    echo "$1 changed the checkout ($root); git status before and after:"
    diff <(echo "$status_before") <(echo "$status_after") || true
    return 1
  fi
}

run_bench() {
  local sid_file start left sid
  sid_file="$(mktemp)"
  start=$SECONDS
  # setsid: the bench and everything it starts share a new session id, found afterwards by ps.
  setsid -w bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$sid_file" "$root/scripts/bench" "$@" ||
    { local status=$?; rm -f "$sid_file"; echo "scripts/bench $* failed (exit $status)"; return 1; }
  elapsed=$((SECONDS - start))
  echo "scripts/bench $* took ${elapsed} s"
  sid="$(cat "$sid_file")"
  rm -f "$sid_file"
  left="$(ps -eo sid=,pid=,args= | awk -v sid="$sid" '$1 == sid')"
  [ -z "$left" ] || { echo "processes left running by scripts/bench $*:"; echo "$left"; return 1; }
}

expect_png() {
  [ -s "$1" ] || { echo "missing: $1"; return 1; }
  [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || { echo "not a PNG: $1"; return 1; }
  [ "$(stat -c %s "$1")" -gt 5000 ] || { echo "a PNG of $(stat -c %s "$1") bytes, only a header: $1"; return 1; }
}

tsv_col() { head -n 1 "$1" | tr '\t' '\n' | grep -nx "$2" | cut -d: -f1; }

wait_for() {
  timeout "$3" grep -m 1 -F "$2" <(tail -n +1 -F ${4:+--pid="$4"} "$1" 2>/dev/null) ||
    { echo "no \"$2\" in $1 within $3 s${4:+ or before PID $4 exited}:"; cat "$1"; return 1; }
}
