// The whole of asio's implementation, compiled once for every program in the course
// (ASIO_SEPARATE_COMPILATION). Other files include only asio's declarations.
#include <asio/impl/src.hpp>
