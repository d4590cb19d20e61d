# COURSE_SANITIZE: empty (default), "address,undefined" or "thread".
set(COURSE_SANITIZE "" CACHE STRING "Sanitizers to build with: address,undefined | thread")
if(COURSE_SANITIZE)
  message(STATUS "Building with -fsanitize=${COURSE_SANITIZE}")
  add_compile_options(-fsanitize=${COURSE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${COURSE_SANITIZE})
endif()
