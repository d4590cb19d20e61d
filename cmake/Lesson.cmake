include(GoogleTest)

# course_add_binary(<name> SOURCES <files...> [LIBS <targets...>])
# A lesson program, built into build/bin/<name> and linked with the common library.
function(course_add_binary name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE course::common ${arg_LIBS})
endfunction()

# course_add_tests(<label> SOURCES <files...> [LIBS <targets...>] [NEEDS <binaries...>])
# One GoogleTest executable per lesson, registered with ctest and labelled <label>
# (common, lesson01, ...). NEEDS lists the lesson binaries the integration tests start, so
# they are built first. `ninja check-<label>` builds what is needed and runs the suite.
function(course_add_tests label)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS;NEEDS" ${ARGN})
  set(exe test-${label})
  add_executable(${exe} ${arg_SOURCES})
  set_target_properties(${exe} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${exe} PRIVATE course::test_support GTest::gtest_main ${arg_LIBS})
  if(arg_NEEDS)
    add_dependencies(${exe} ${arg_NEEDS})
  endif()
  # PRE_TEST: list the tests when ctest runs, not at build time (keeps sanitizer builds fast).
  gtest_discover_tests(${exe}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS ${label} TIMEOUT 180)
  add_custom_target(check-${label}
    COMMAND ${CMAKE_CTEST_COMMAND} -L "^${label}$" --output-on-failure
    DEPENDS ${exe}
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
    USES_TERMINAL)
endfunction()
