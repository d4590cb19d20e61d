# Shared by scripts/run and scripts/pair: find a lesson's programs by number and role, and
# build them without noise.

# lesson_binaries NN: the program names a lesson builds (from its CMakeLists.txt).
lesson_binaries() {
  local dir
  dir=$(ls -d "$root"/lessons/"$1"-*/ 2>/dev/null | head -n 1)
  [ -n "$dir" ] || { echo "no lesson $1 in $root/lessons" >&2; return 1; }
  grep -oE "course_add_binary\(($1-[a-z0-9-]+)" "$dir/CMakeLists.txt" | sed 's/course_add_binary(//'
}

# lesson_binary NN ROLE: NN-ROLE if it exists, else the first program whose name ends in -ROLE.
lesson_binary() {
  local names name
  names=$(lesson_binaries "$1") || return 1
  for name in $names; do [ "$name" = "$1-$2" ] && { echo "$name"; return; }; done
  for name in $names; do [[ "$name" == *-"$2" ]] && { echo "$name"; return; }; done
  echo "lesson $1 has no '$2' program; it has: $(echo $names)" >&2
  return 1
}

# build_quietly TARGET...: scripts/build, with its output on stderr, minus ninja's lines for a
# build that had nothing to do ("Re-checking globbed directories...", "ninja: no work to do."),
# so that a program's own output comes first. What gets built, and every error, still shows, as
# it happens (sed -u: no buffering).
build_quietly() {
  "$root/scripts/build" "$@" 2>&1 \
    | sed -u -E '/^\[[0-9]+\/[0-9]+\] Re-checking globbed directories\.\.\.$/d; /^ninja: no work to do\.$/d' >&2
}
