# Warnings for all project code (not for third-party headers, which come in as system headers).
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
                    -Wcast-align -Woverloaded-virtual)
option(COURSE_WERROR "Treat warnings as errors" OFF)
if(COURSE_WERROR)
  add_compile_options(-Werror)
endif()
