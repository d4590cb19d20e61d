include(GoogleTest)

# Each test's time limit in seconds: a test that hangs fails after it and never hangs a run.
# scripts/grade builds with a shorter one (-DCOURSE_TEST_TIMEOUT=60, its --timeout).
set(COURSE_TEST_TIMEOUT 180 CACHE STRING "Time limit of each lesson test, in seconds")

# course_add_binary(<name> SOURCES <files...> [LIBS <targets...>])
# A lesson program, built into build/bin/<name> and linked with the common library.
function(course_add_binary name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE course::common ${arg_LIBS})
endfunction()

# course_add_tests(<label> SOURCES <files...> [LIBS <targets...>] [NEEDS <binaries...>] [TSAN]
#                  [EXE <name>] [ALSO_LABELS <labels...>])
# A GoogleTest executable (test-<label>, or EXE), registered with ctest and labelled <label>
# (common, lesson01, ...); a lesson may have several, each with its own EXE name. NEEDS lists
# the lesson binaries the integration tests start, so they are built first. TSAN adds the label
# `tsan`: CI runs those suites under ThreadSanitizer. ALSO_LABELS gives the tests those labels
# too: the suites of the lessons that link this code rerun its tests (lesson 04's core under
# lesson05 and lesson06, as CS144's check targets rerun the earlier labs), each test still one
# test with one name. `ninja build-<label>` builds what a label's tests need; `ninja
# check-<label>` also runs them.
function(course_add_tests label)
  cmake_parse_arguments(arg "TSAN" "EXE" "SOURCES;LIBS;NEEDS;ALSO_LABELS" ${ARGN})
  set(labels ${label} ${arg_ALSO_LABELS})
  if(arg_TSAN)
    list(APPEND labels tsan)
  endif()
  set(exe test-${label})
  if(arg_EXE)
    set(exe ${arg_EXE})
  endif()
  add_executable(${exe} ${arg_SOURCES})
  set_target_properties(${exe} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${exe} PRIVATE course::test_support GTest::gtest_main ${arg_LIBS})
  if(arg_NEEDS)
    add_dependencies(${exe} ${arg_NEEDS})
  endif()
  # PRE_TEST: list the tests when ctest runs, not at build time (keeps sanitizer builds fast).
  gtest_discover_tests(${exe}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS ${label} TIMEOUT ${COURSE_TEST_TIMEOUT})
  if(arg_ALSO_LABELS)
    # gtest_discover_tests passes one value per property (a list would be split into separate
    # arguments), so the extra labels are set by a script ctest runs after the discovered tests
    # are defined: their names are in ${exe}_TESTS by then.
    set(labels_script ${CMAKE_CURRENT_BINARY_DIR}/${exe}_labels.cmake)
    set(all_labels ${label} ${arg_ALSO_LABELS})
    file(WRITE ${labels_script}
      "foreach(test IN LISTS ${exe}_TESTS)\n"
      "  set_tests_properties(\"\${test}\" PROPERTIES LABELS \"${all_labels}\")\n"
      "endforeach()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_script})
  endif()
  if(arg_TSAN)
    # A discovered test carries one label, so the suites for ThreadSanitizer are listed in a
    # file that scripts/test reads for `scripts/test tsan`.
    set_property(GLOBAL APPEND PROPERTY COURSE_TSAN_LABELS ${label})
  endif()
  foreach(each IN LISTS labels)
    if(NOT TARGET build-${each})
      add_custom_target(build-${each})
    endif()
    add_dependencies(build-${each} ${exe})
  endforeach()
  if(NOT TARGET check-${label})
    add_custom_target(check-${label}
      COMMAND ${CMAKE_CTEST_COMMAND} -L "^${label}$" --output-on-failure
      DEPENDS build-${label}
      WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
      USES_TERMINAL)
  endif()
endfunction()

# Writes build/tsan-labels: the labels whose suites CI runs under ThreadSanitizer.
function(course_write_tsan_labels)
  get_property(labels GLOBAL PROPERTY COURSE_TSAN_LABELS)
  list(REMOVE_DUPLICATES labels)
  string(REPLACE ";" "\n" text "${labels}")
  file(WRITE ${CMAKE_BINARY_DIR}/tsan-labels "${text}\n")
endfunction()
