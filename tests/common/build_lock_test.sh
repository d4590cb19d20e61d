#!/usr/bin/env bash
# Common.TwoBuildsAtOnceAreSerialised: two `scripts/build` started at once in the same fresh
# build directory both succeed, because scripts/build lets one run at a time (flock on
# BUILD_DIR/build.lock). Without the lock, two CMake configures and two ninjas share the
# directory and, about every other time, one of them fails.
#
#   build_lock_test.sh SOURCE_DIR BINARY_DIR OBJECTS
# OBJECTS: course_common's object files ($<TARGET_OBJECTS:course_common>); the builds make one of
# them (small_build_target.sh): a real compile of about a second, the cheapest build there is.
#
# Round 1 holds the lock itself: both builds must say they wait and must not have configured
# anything, then, once it lets go, both must succeed with exactly one compile between them.
# Rounds 2-4 are the real race, nobody holding the lock: both succeed, exactly one compiles.
set -euo pipefail -m  # -m: each build runs in its own process group, which cleanup can end
root=$1
source "$(dirname "$0")/small_build_target.sh"
target=$(small_build_target "$2" "$3")

unset SANITIZE BUILD_TYPE  # the default configuration: this tests the lock, not a build type
work=$(mktemp -d)
declare -A pid err_fd
cleanup() {
  local name
  for name in "${!pid[@]}"; do kill -KILL -- "-${pid[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  local log
  for log in "$work"/*.log; do [ -e "$log" ] && { echo "--- ${log##*/}"; cat "$log"; }; done
  exit 1
}

# start NAME DIR: scripts/build TARGET in DIR, in the background; stdout to NAME.log, stderr
# through a FIFO the test reads line by line (expect_line) and then drains (finish).
start() {
  local name=$1 dir=$2 fd
  mkfifo "$work/$name.err"
  (
    # The build must not inherit the test's own lock: a lock belongs to the open file, so a
    # child holding a copy of it would keep it taken after the test lets go.
    [ -z "${lock:-}" ] || exec {lock}>&-
    BUILD_DIR=$dir exec "$root/scripts/build" "$target" >"$work/$name.log" 2>"$work/$name.err"
  ) &
  pid[$name]=$!
  exec {fd}<"$work/$name.err"
  err_fd[$name]=$fd
}

# expect_line NAME TEXT: waits (60 s at most) for a line of NAME's stderr that contains TEXT.
expect_line() {
  local name=$1 text=$2 line deadline=$((SECONDS + 60))
  while [ "$SECONDS" -lt "$deadline" ] \
        && IFS= read -r -t "$((deadline - SECONDS))" -u "${err_fd[$name]}" line; do
    echo "$line" >>"$work/$name.log"
    [[ "$line" != *"$text"* ]] || return 0
  done
  fail "build $name never printed '$text' (it finished, failed or hung without it)"
}

# finish NAME: reads NAME's stderr to the end, waits for it, and fails unless it succeeded.
finish() {
  local name=$1 status=0
  local fd=${err_fd[$name]}
  cat <&"$fd" >>"$work/$name.log"
  exec {fd}<&-
  wait "${pid[$name]}" || status=$?
  unset "pid[$name]"
  [ "$status" -eq 0 ] || fail "build $name exited with $status"
}

# exactly_one_compiled DIR NAME NAME: the object exists, and one build compiled it, not both.
exactly_one_compiled() {
  local dir=$1 compiled
  [ -f "$dir/$target" ] || fail "$target was not built in $dir"
  compiled=$(cat "$work/$2.log" "$work/$3.log" | grep -c "Building CXX object $target" || true)
  [ "$compiled" -eq 1 ] || fail "$target was compiled $compiled times, not once: the builds overlapped"
}

echo "target: $target"

# Round 1: the test holds the lock.
held=$work/held
mkdir -p "$held"
exec {lock}>>"$held/build.lock"
flock --nonblock "$lock" || fail "could not take the lock of a fresh directory"
start a "$held"
start b "$held"
expect_line a "waiting for another build"
expect_line b "waiting for another build"
[ ! -e "$held/CMakeCache.txt" ] || fail "a build configured $held while the test held its lock"
exec {lock}>&-  # let go: the two now take turns
unset lock
finish a
finish b
exactly_one_compiled "$held" a b
echo "round 1: both waited for the lock, then both succeeded, one compile"

# Rounds 2-4: two builds at once in a fresh directory, nobody else holding the lock.
for round in 2 3 4; do
  race=$work/race$round
  start "a$round" "$race"
  start "b$round" "$race"
  finish "a$round"
  finish "b$round"
  exactly_one_compiled "$race" "a$round" "b$round"
  echo "round $round: both succeeded, one compile"
done
