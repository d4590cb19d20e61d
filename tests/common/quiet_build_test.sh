#!/usr/bin/env bash
# Common.RunShowsBuildOutputOnlyWhenSomethingIsBuilt: scripts/run builds through build_quietly
# (scripts/lib.sh), which shows what ninja builds and every error, but nothing at all when there
# was nothing to build (no "Re-checking globbed directories...", no "ninja: no work to do.").
#
#   quiet_build_test.sh SOURCE_DIR BINARY_DIR OBJECTS   (as build_lock_test.sh)
set -euo pipefail
root=$1
source "$(dirname "$0")/small_build_target.sh"
target=$(small_build_target "$2" "$3")

unset SANITIZE BUILD_TYPE
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BUILD_DIR=$work/build
source "$root/scripts/lib.sh"

fail() { echo "FAIL: $*"; exit 1; }

build_quietly "$target" 2>"$work/first.err" || fail "the first build failed: $(cat "$work/first.err")"
grep -q "Building CXX object $target" "$work/first.err" \
  || fail "the first build did not show what it built: $(cat "$work/first.err")"
echo "first build, shown:"
cat "$work/first.err"

build_quietly "$target" 2>"$work/second.err" || fail "the second build failed: $(cat "$work/second.err")"
[ ! -s "$work/second.err" ] || fail "a build with nothing to do printed: $(cat "$work/second.err")"
echo "second build (nothing to do): no output"

status=0
build_quietly no-such-target 2>"$work/bad.err" || status=$?
[ "$status" -ne 0 ] || fail "a build of an unknown target succeeded"
grep -q "no-such-target" "$work/bad.err" || fail "a failed build did not say why: $(cat "$work/bad.err")"
echo "failed build (exit $status), shown:"
cat "$work/bad.err"
