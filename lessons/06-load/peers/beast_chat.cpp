// A broadcast chat with Boost.Beast (Boost 1.74), in the shape of its websocket chat-multi
// example, its files (listener, http_session, websocket_session, shared_state, main) kept as
// sections of this one:
// - listener accepts and hands each socket to an http_session on its own strand;
// - http_session reads the request (body limit 10,000 bytes, 30 s timeout) and hands the socket
//   and the parsed request over to a websocket_session when it is an upgrade;
// - shared_state holds the sessions under a mutex; send() allocates the message once
//   (shared_ptr<std::string const>), copies the session list under the lock and posts to each
//   session's strand outside it;
// - each websocket_session queues what it must send and writes one message at a time.
// Every message goes to every session, the sender too. No greeting: 06-loadgen joins with
// --join probe.
//
// Left out of chat-multi: serving files from a doc root (a plain request gets 404 here).
// Added for measuring: --host and --port (0 = a free port), "listening on HOST:PORT" first.
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/optional.hpp>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

void fail(beast::error_code ec, char const* what) {
    // Normal at shutdown or when a client goes: not worth a line.
    if (ec == net::error::operation_aborted || ec == websocket::error::closed) return;
    std::cerr << what << ": " << ec.message() << "\n";
}

class websocket_session;

// ---- shared_state ----------------------------------------------------------------------------
// Represents the shared server state: the set of connected sessions.
class shared_state {
    std::mutex mutex_;
    std::unordered_set<websocket_session*> sessions_;

public:
    void join(websocket_session* session) {
        std::lock_guard<std::mutex> lock(mutex_);
        sessions_.insert(session);
    }
    void leave(websocket_session* session) {
        std::lock_guard<std::mutex> lock(mutex_);
        sessions_.erase(session);
    }
    void send(std::string message);
};

// ---- websocket_session -----------------------------------------------------------------------
class websocket_session : public std::enable_shared_from_this<websocket_session> {
    beast::flat_buffer buffer_;
    websocket::stream<beast::tcp_stream> ws_;
    std::shared_ptr<shared_state> state_;
    std::vector<std::shared_ptr<std::string const>> queue_;

public:
    websocket_session(tcp::socket&& socket, std::shared_ptr<shared_state> const& state)
        : ws_(std::move(socket)), state_(state) {}

    ~websocket_session() { state_->leave(this); }

    template <class Body, class Allocator> void run(http::request<Body, http::basic_fields<Allocator>> req) {
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
    }

    // Send a message, from any thread: posted to this session's strand.
    void send(std::shared_ptr<std::string const> const& ss) {
        net::post(ws_.get_executor(),
                  beast::bind_front_handler(&websocket_session::on_send, shared_from_this(), ss));
    }

private:
    void on_accept(beast::error_code ec) {
        if (ec) return fail(ec, "accept");
        state_->join(this);
        ws_.async_read(buffer_, beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return fail(ec, "read");
        state_->send(beast::buffers_to_string(buffer_.data()));
        buffer_.consume(buffer_.size());
        ws_.async_read(buffer_, beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
    }

    void on_send(std::shared_ptr<std::string const> const& ss) {
        queue_.push_back(ss);
        if (queue_.size() > 1) return;  // already writing
        ws_.async_write(net::buffer(*queue_.front()),
                        beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) return fail(ec, "write");
        queue_.erase(queue_.begin());
        if (!queue_.empty()) {
            ws_.async_write(net::buffer(*queue_.front()),
                            beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
        }
    }
};

void shared_state::send(std::string message) {
    auto const ss = std::make_shared<std::string const>(std::move(message));
    // A local list of every session, made under the lock; the sends happen outside it.
    std::vector<std::weak_ptr<websocket_session>> v;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        v.reserve(sessions_.size());
        for (auto p : sessions_) v.emplace_back(p->weak_from_this());
    }
    for (auto const& wp : v)
        if (auto sp = wp.lock()) sp->send(ss);
}

// ---- http_session ----------------------------------------------------------------------------
class http_session : public std::enable_shared_from_this<http_session> {
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::shared_ptr<shared_state> state_;
    boost::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> res_;

public:
    http_session(tcp::socket&& socket, std::shared_ptr<shared_state> const& state)
        : stream_(std::move(socket)), state_(state) {}

    void run() {
        parser_.emplace();
        parser_->body_limit(10000);  // bytes
        stream_.expires_after(std::chrono::seconds(30));
        http::async_read(stream_, buffer_, parser_->get(),
                         beast::bind_front_handler(&http_session::on_read, shared_from_this()));
    }

private:
    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::end_of_stream) {
            stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
            return;
        }
        if (ec) return fail(ec, "read");
        if (websocket::is_upgrade(parser_->get())) {
            // The socket and the request go to a websocket_session; this session ends here.
            std::make_shared<websocket_session>(stream_.release_socket(), state_)->run(parser_->release());
            return;
        }
        res_ = {http::status::not_found, parser_->get().version()};
        res_.set(http::field::content_type, "text/plain");
        res_.body() = "This server speaks WebSocket only.\n";
        res_.prepare_payload();
        http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code, std::size_t) {
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        });
    }
};

// ---- listener --------------------------------------------------------------------------------
class listener : public std::enable_shared_from_this<listener> {
    net::io_context& ioc_;
    tcp::acceptor acceptor_;
    std::shared_ptr<shared_state> state_;

public:
    listener(net::io_context& ioc, tcp::endpoint endpoint, std::shared_ptr<shared_state> const& state)
        : ioc_(ioc), acceptor_(ioc), state_(state) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(net::socket_base::max_listen_connections);
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    void run() {
        acceptor_.async_accept(net::make_strand(ioc_),
                               beast::bind_front_handler(&listener::on_accept, shared_from_this()));
    }

private:
    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec) {
            fail(ec, "accept");
        } else {
            std::make_shared<http_session>(std::move(socket), state_)->run();
        }
        run();
    }
};

// ---- main ------------------------------------------------------------------------------------
int main(int argc, char** argv) {
    CLI::App app{"Boost.Beast broadcast chat, chat-multi's shape (any path)", "06-peer-beast-chat"};
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
        net::io_context ioc;
        auto server = std::make_shared<listener>(ioc, tcp::endpoint{net::ip::make_address(host), port},
                                                 std::make_shared<shared_state>());
        server->run();
        // Capture SIGINT and SIGTERM (and SIGHUP) to perform a clean shutdown.
        net::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
        signals.async_wait([&ioc](boost::system::error_code const&, int) { ioc.stop(); });
        std::cout << "listening on " << host << ":" << server->port() << std::endl;

        std::vector<std::thread> v;
        v.reserve(static_cast<std::size_t>(threads - 1));
        for (auto i = threads - 1; i > 0; --i) v.emplace_back([&ioc] { ioc.run(); });
        ioc.run();
        for (auto& t : v) t.join();
    } catch (const std::exception& e) {
        std::cerr << "06-peer-beast-chat: " << e.what() << std::endl;
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
