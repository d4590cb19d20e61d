// asio's OpenSSL binding (asio::ssl), compiled once for the programs that link course_tls
// (ASIO_SEPARATE_COMPILATION, as common/asio_impl.cpp does for the rest of asio).
#include <asio/ssl/impl/src.hpp>
