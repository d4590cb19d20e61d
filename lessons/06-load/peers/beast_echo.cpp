// Echo over WebSocket with Boost.Beast (Boost 1.74), as its websocket_server_async example
// writes it: a listener that accepts and hands each socket to a session; the session accepts
// the WebSocket handshake, then reads a message into a flat_buffer and writes it back, text or
// binary as it came, one at a time, forever. `--threads` io_context threads (default 1).
//
// Changes for measuring: --host and --port (0 = a free port), "listening on HOST:PORT" printed
// first, SIGINT/SIGTERM/SIGHUP stop the io_context (as Beast's chat-multi example does).
#include <boost/asio/dispatch.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

// Report a failure; the errors of a normal close are not failures.
void fail(beast::error_code ec, char const* what) {
    if (ec == net::error::operation_aborted || ec == websocket::error::closed) return;
    std::cerr << what << ": " << ec.message() << "\n";
}

// Echoes back all received WebSocket messages.
class session : public std::enable_shared_from_this<session> {
    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buffer_;

public:
    explicit session(tcp::socket&& socket) : ws_(std::move(socket)) {}

    void run() {
        // On the strand of the socket: thread-safe if --threads > 1.
        net::dispatch(ws_.get_executor(), beast::bind_front_handler(&session::on_run, shared_from_this()));
    }

    void on_run() {
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.async_accept(beast::bind_front_handler(&session::on_accept, shared_from_this()));
    }

    void on_accept(beast::error_code ec) {
        if (ec) return fail(ec, "accept");
        do_read();
    }

    void do_read() {
        ws_.async_read(buffer_, beast::bind_front_handler(&session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == websocket::error::closed) return;
        if (ec) return fail(ec, "read");
        ws_.text(ws_.got_text());
        ws_.async_write(buffer_.data(), beast::bind_front_handler(&session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t bytes_transferred) {
        if (ec) return fail(ec, "write");
        buffer_.consume(bytes_transferred);
        do_read();
    }
};

// Accepts incoming connections and launches the sessions.
class listener : public std::enable_shared_from_this<listener> {
    net::io_context& ioc_;
    tcp::acceptor acceptor_;

public:
    listener(net::io_context& ioc, tcp::endpoint endpoint) : ioc_(ioc), acceptor_(ioc) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(net::socket_base::max_listen_connections);
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    void run() { do_accept(); }

private:
    void do_accept() {
        // Each new connection gets its own strand.
        acceptor_.async_accept(net::make_strand(ioc_),
                               beast::bind_front_handler(&listener::on_accept, shared_from_this()));
    }

    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec) {
            fail(ec, "accept");
        } else {
            std::make_shared<session>(std::move(socket))->run();
        }
        do_accept();
    }
};

int main(int argc, char** argv) {
    CLI::App app{"Boost.Beast echo server (any path)", "06-peer-beast-echo"};
    std::string host = "127.0.0.1";
    unsigned short port = 8080;
    int threads = 1;
    app.add_option("--host", host)->capture_default_str();
    app.add_option("--port", port, "0 = any free port")->capture_default_str();
    app.add_option("--threads", threads, "io_context threads")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    CLI11_PARSE(app, argc, argv);
    try {
        net::io_context ioc{threads};
        auto server = std::make_shared<listener>(ioc, tcp::endpoint{net::ip::make_address(host), port});
        server->run();
        net::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
        signals.async_wait([&ioc](beast::error_code const&, int) { ioc.stop(); });
        std::cout << "listening on " << host << ":" << server->port() << std::endl;

        std::vector<std::thread> v;
        v.reserve(static_cast<std::size_t>(threads - 1));
        for (auto i = threads - 1; i > 0; --i) v.emplace_back([&ioc] { ioc.run(); });
        ioc.run();
        for (auto& t : v) t.join();
    } catch (const std::exception& e) {
        std::cerr << "06-peer-beast-echo: " << e.what() << std::endl;
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
