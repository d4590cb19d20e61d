#pragma once
// Joins hiredis' event loop to asio.
//
// hiredis does not wait for anything itself. Its asynchronous API (a redisAsyncContext) asks
// its host event loop, through five callbacks in `context->ev`, to watch the connection's
// socket: addRead/delRead ("tell me / stop telling me when it is readable"), addWrite/delWrite
// (the same for writable) and cleanup (the context is being freed: forget it). When the loop
// sees the socket ready, it calls redisAsyncHandleRead or redisAsyncHandleWrite, and hiredis
// reads, writes and runs the reply callbacks.
//
// asio can do that watching: posix::stream_descriptor::async_wait(wait_read / wait_write) on
// the socket's file descriptor completes when the descriptor is ready, without reading
// anything, which is exactly what a C library that does its own reads needs. The same pattern
// plugs any such library (libcurl's multi interface, c-ares, libpq) into asio.
//
// hiredis owns the descriptor: it opened it and redisFree closes it. The adapter only borrows
// it, and gives it back with release() (not close()) when hiredis calls cleanup.

#include <asio/io_context.hpp>

struct redisAsyncContext;

namespace lesson08 {

// Installs the adapter in `context`'s ev hooks. Call right after redisAsyncConnect and before
// anything that makes hiredis ask for events (redisAsyncSetConnectCallback asks for a write
// event at once, to see the connect complete). From then on the context lives on `io`: every
// hiredis callback (reply, connect, disconnect) runs on the thread running `io`. The adapter
// frees itself when hiredis calls cleanup (redisAsyncFree, or a disconnect hiredis decided).
// Returns false if the context already has an adapter.
bool attach_to_asio(asio::io_context& io, redisAsyncContext* context);

}  // namespace lesson08
