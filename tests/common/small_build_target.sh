# Sourced by the tests of scripts/build and scripts/run. They need a real build that is as small
# as builds get: one object file of course_common, compiled in about a second.

# small_build_target BINARY_DIR OBJECTS: prints the ninja target (a path relative to a build
# directory) of course_common's line_splitter.cpp.o if there is one, else of its first object.
# OBJECTS: $<TARGET_OBJECTS:course_common> from CMake, absolute paths in BINARY_DIR, ';'-separated.
small_build_target() {
  local binary_dir=$1 objects object each
  IFS=';' read -r -a objects <<<"$2"
  object=${objects[0]}
  for each in "${objects[@]}"; do [[ "$each" != */line_splitter.cpp.o ]] || object=$each; done
  object=${object#"$binary_dir"/}
  echo "${object//\/.\//\/}"  # CMake writes dir/./file.o; ninja knows it as dir/file.o
}
