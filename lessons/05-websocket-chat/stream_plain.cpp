// Plain TCP under a chat session (see stream.hpp): non-blocking reads into the server's shared
// buffer, gathered writes straight from the write queue's shared frames.
#include "stream.hpp"

#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

namespace lesson05 {

namespace {

using asio::awaitable;
using asio::ip::tcp;

class PlainStream final : public Stream {
public:
    PlainStream(tcp::socket socket, std::vector<char>& read_buffer)
        : socket_(std::move(socket)), read_buffer_(read_buffer) {}

    tcp::socket& socket() noexcept override { return socket_; }

    awaitable<std::string> handshake(course::Logger&, std::string) override { co_return std::string(); }

    awaitable<std::string_view> read_some(std::error_code& ec) override {
        // Try first (the bytes are often there already), wait for readability only when there
        // are none. While waiting the connection owns no buffer at all.
        for (;;) {
            const std::size_t n = socket_.read_some(asio::buffer(read_buffer_), ec);
            if (ec != asio::error::would_block && ec != asio::error::try_again)
                co_return std::string_view(read_buffer_.data(), n);
            co_await socket_.async_wait(tcp::socket::wait_read,
                                        asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return std::string_view();
        }
    }

    course::GatheredWrite write_some(const iovec* buffers, std::size_t count, std::error_code& ec) override {
        return course::send_gathered(socket_.native_handle(), buffers, count, ec);
    }

    void on_writable(std::function<void(const std::error_code&)> ready) override {
        socket_.async_wait(tcp::socket::wait_write, std::move(ready));
    }

    awaitable<void> writable(std::error_code& ec) override {
        co_await socket_.async_wait(tcp::socket::wait_write, asio::redirect_error(asio::use_awaitable, ec));
    }

    void shutdown_send() override {
        std::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_send, ec);
    }

    void cancel() override {
        std::error_code ec;
        socket_.cancel(ec);
    }

    void close() override {
        std::error_code ec;
        socket_.close(ec);
    }

private:
    tcp::socket socket_;
    std::vector<char>& read_buffer_;
};

}  // namespace

std::shared_ptr<Stream> make_plain_stream(tcp::socket socket, std::vector<char>& shared_read_buffer) {
    return std::make_shared<PlainStream>(std::move(socket), shared_read_buffer);
}

}  // namespace lesson05
