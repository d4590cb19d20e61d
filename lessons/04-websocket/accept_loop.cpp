#include "accept_loop.hpp"

#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>

namespace lesson04 {

namespace {

constexpr auto accept_retry_delay = std::chrono::milliseconds(100);  // after e.g. EMFILE

}  // namespace

asio::awaitable<void> accept_connections(asio::ip::tcp::acceptor& acceptor, course::Logger& log,
                                         std::size_t max_connections, std::string busy_response,
                                         AcceptHooks hooks) {
    for (;;) {
        std::error_code ec;
        asio::ip::tcp::socket socket =
            co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (hooks.stopping()) co_return;
        if (ec) {  // e.g. out of file descriptors: wait a little instead of spinning
            log.info("accept failed: ", ec.message());
            asio::steady_timer pause(acceptor.get_executor(), accept_retry_delay);
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        const std::size_t open = hooks.open_connections();
        if (open >= max_connections) {
            // Full: say so in HTTP (one non-blocking write: a fresh socket has room) and hang up.
            log.info("connection refused: ", open, " connections is the maximum (503)");
            socket.non_blocking(true, ec);
            socket.write_some(asio::buffer(busy_response), ec);
            socket.close(ec);
            continue;
        }
        hooks.start_session(std::move(socket));
    }
}

}  // namespace lesson04
