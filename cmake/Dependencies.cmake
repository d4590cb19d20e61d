# All dependencies come from Debian packages; nothing is downloaded at build time.
# A missing one stops configure with the package to install (scripts/setup installs them all).

find_path(ASIO_INCLUDE_DIR asio.hpp)
if(NOT ASIO_INCLUDE_DIR)
  message(FATAL_ERROR "standalone asio not found: install the Debian package libasio-dev "
                      "(or run scripts/setup)")
endif()

find_package(CLI11 CONFIG QUIET)
if(NOT CLI11_FOUND)
  message(FATAL_ERROR "CLI11 not found: install the Debian package libcli11-dev (or run scripts/setup)")
endif()

find_package(GTest QUIET)
if(NOT GTest_FOUND)
  message(FATAL_ERROR "GoogleTest not found: install the Debian package libgtest-dev (or run scripts/setup)")
endif()

find_package(Threads REQUIRED)

# hiredis, the C client of Redis (lesson 08), through pkg-config as Debian ships it (0.14).
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(hiredis QUIET IMPORTED_TARGET hiredis)
endif()
if(NOT hiredis_FOUND)
  message(FATAL_ERROR "hiredis not found: install the Debian packages libhiredis-dev and pkgconf "
                      "(or run scripts/setup)")
endif()

# OpenSSL 3 for TLS (lesson 09, through asio::ssl): only the targets that link course_tls use it.
find_package(OpenSSL 3 QUIET)
if(NOT OPENSSL_FOUND)
  message(FATAL_ERROR "OpenSSL 3 not found: install the Debian package libssl-dev (or run scripts/setup)")
endif()
