#include "load_client.hpp"

#include "ws/connection.hpp"
#include "ws_connect.hpp"

#include <sys/resource.h>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <charconv>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace lesson05::testing {

using asio::awaitable;
using asio::ip::tcp;
using clock = std::chrono::steady_clock;

void raise_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

namespace {

struct Client {
    explicit Client(asio::io_context& io) : socket(io) {}
    tcp::socket socket;
    std::optional<ws::Connection> conn;
    std::vector<std::uint32_t> next;  // per sender: the number expected next
    std::size_t received = 0;
    bool greeted = false;
};

class Load {
public:
    Load(asio::io_context& io, const LoadOptions& options) : io_(io), options_(options), deadline_(io) {
        url_.host = "127.0.0.1";
        url_.port = options.port;
        url_.target = "/ws";
        url_.host_header = "127.0.0.1:" + std::to_string(options.port);
        for (std::size_t i = 0; i < options.clients; ++i) clients_.push_back(std::make_unique<Client>(io));
        filler_.assign(options.payload, 'x');
        // A tag of this run: messages of earlier runs (the room's history) are not ours.
        tag_ = "load " + std::to_string(clock::now().time_since_epoch().count() % 1'000'000'007) + " ";
        pattern_ = R"("text":")" + tag_;
    }

    void start() {
        started_ = clock::now();
        deadline_.expires_after(options_.timeout);
        deadline_.async_wait([this](const std::error_code& ec) {
            if (ec) return;
            report_.timed_out = true;
            finish();
        });
        const std::size_t workers = std::min(options_.max_connecting, clients_.size());
        for (std::size_t w = 0; w < workers; ++w) asio::co_spawn(io_, connector(), on_error());
    }

    LoadReport report() {
        for (const auto& c : clients_) {
            report_.greeted += c->greeted;
            report_.complete += c->received == options_.senders * options_.per_sender;
            report_.deliveries += c->received;
        }
        return report_;
    }

private:
    std::function<void(std::exception_ptr)> on_error() {
        return [this](const std::exception_ptr& e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& error) {
                if (report_.first_error.empty()) report_.first_error = error.what();
            }
            finish();
        };
    }

    awaitable<void> connector() {
        while (next_to_connect_ < clients_.size() && !finished_) {
            Client& c = *clients_[next_to_connect_++];
            lesson04::WebSocketConnector connector(c.socket);
            const lesson04::ConnectOptions options;  // named: see WebSocketConnector::connect
            lesson04::Connected connected = co_await connector.connect(url_, options);
            std::string leftover = std::move(connected.leftover);
            ++report_.connected;
            c.conn.emplace(ws::Role::client);
            c.next.assign(options_.senders, 0);
            asio::co_spawn(io_, reader(c, std::move(leftover)), on_error());
        }
    }

    awaitable<void> reader(Client& c, std::string leftover) {
        std::vector<char> buffer(16 * 1024);
        std::string_view in = leftover;
        for (;;) {
            while (const ws::Event event = c.conn->receive(in)) {
                if (event.kind == ws::Event::Kind::text) on_text(c, event.data);
            }
            if (finished_) co_return;
            std::error_code ec;
            const std::size_t n = co_await c.socket.async_read_some(
                asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (!finished_) throw std::runtime_error("a client lost its connection: " + ec.message());
                co_return;
            }
            in = std::string_view(buffer.data(), n);
        }
    }

    void on_text(Client& c, std::string_view text) {
        if (text.starts_with(R"({"type":"hello")")) {
            c.greeted = true;
            if (++greeted_ == clients_.size()) start_burst();
            return;
        }
        if (!text.starts_with(R"({"type":"message")")) return;
        // The server carries our text verbatim: find "load S K" inside the JSON string.
        const auto at = text.find(pattern_);
        if (at == std::string_view::npos) return;
        const char* p = text.data() + at + pattern_.size();
        const char* end = text.data() + text.size();
        std::uint32_t sender = 0, seq = 0;
        auto r = std::from_chars(p, end, sender);
        if (r.ec == std::errc{} && r.ptr < end) r = std::from_chars(r.ptr + 1, end, seq);
        if (r.ec != std::errc{} || sender >= options_.senders || seq != c.next[sender]) {
            ++report_.out_of_order;
            return;
        }
        ++c.next[sender];
        if (++c.received == options_.senders * options_.per_sender && ++complete_ == clients_.size()) {
            report_.burst_seconds = std::chrono::duration<double>(clock::now() - burst_started_).count();
            finish();
        }
    }

    void start_burst() {
        report_.connect_seconds = std::chrono::duration<double>(clock::now() - started_).count();
        burst_started_ = clock::now();
        // Sender s is client s * (clients / senders): spread over the room.
        for (std::size_t s = 0; s < options_.senders; ++s) {
            Client& c = *clients_[s * (clients_.size() / options_.senders)];
            for (std::size_t k = 0; k < options_.per_sender; ++k) {
                c.conn->send_text(tag_ + std::to_string(s) + " " + std::to_string(k) + " " + filler_);
            }
            asio::co_spawn(io_, write_all(c), on_error());
        }
    }

    awaitable<void> write_all(Client& c) {
        std::string bytes(c.conn->pending_output());
        c.conn->consume_output(bytes.size());
        co_await asio::async_write(c.socket, asio::buffer(bytes), asio::use_awaitable);
    }

    void finish() {
        if (finished_) return;
        finished_ = true;
        deadline_.cancel();
        for (auto& c : clients_) {
            std::error_code ec;
            c->socket.close(ec);
        }
    }

    asio::io_context& io_;
    LoadOptions options_;
    asio::steady_timer deadline_;
    ws::WsUrl url_;
    std::vector<std::unique_ptr<Client>> clients_;
    std::string filler_;
    std::string tag_;      // "load NONCE "
    std::string pattern_;  // how the tag appears in the server's JSON
    std::size_t next_to_connect_ = 0;
    std::size_t greeted_ = 0;
    std::size_t complete_ = 0;
    bool finished_ = false;
    clock::time_point started_, burst_started_;
    LoadReport report_;
};

}  // namespace

LoadReport run_load(const LoadOptions& options) {
    raise_file_limit();
    asio::io_context io(1);
    Load load(io, options);
    load.start();
    io.run();
    return load.report();
}

}  // namespace lesson05::testing
