// A broadcast chat with websocketpp 0.8.2 on standalone asio, in the shape of its
// broadcast_server example: the asio thread turns open, close and message events into actions
// on a queue; a second thread takes them off under a lock and keeps the set of connections
// (connection_hdl, compared with owner_less), sending each message to every connection, the
// sender too. No greeting: 06-loadgen joins with --join probe.
//
// As in websocketpp_echo.cpp: the access log is off, --host/--port (0 = free), the listening
// line first, and C++17 (websocketpp 0.8.2 is not valid C++20).
#define ASIO_STANDALONE
#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

#include <CLI/CLI.hpp>

#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <queue>
#include <set>
#include <string>
#include <thread>

using server = websocketpp::server<websocketpp::config::asio>;
using websocketpp::connection_hdl;

enum class ActionType { subscribe, unsubscribe, message, stop };

struct Action {
    ActionType type;
    connection_hdl hdl;
    server::message_ptr msg;
};

class BroadcastServer {
public:
    BroadcastServer() {
        server_.clear_access_channels(websocketpp::log::alevel::all);
        server_.get_elog().set_ostream(&std::cerr);
        server_.init_asio();
        server_.set_reuse_addr(true);
        server_.set_open_handler([this](connection_hdl hdl) { push({ActionType::subscribe, hdl, nullptr}); });
        server_.set_close_handler([this](connection_hdl hdl) {
            push({ActionType::unsubscribe, hdl, nullptr});
        });
        server_.set_message_handler([this](connection_hdl hdl, server::message_ptr msg) {
            push({ActionType::message, hdl, msg});
        });
    }

    void run(const std::string& host, std::uint16_t port) {
        server_.listen(host, std::to_string(port));
        server_.start_accept();
        asio::signal_set signals(server_.get_io_service(), SIGINT, SIGTERM, SIGHUP);
        signals.async_wait([this](const std::error_code&, int) {
            server_.stop();
            push({ActionType::stop, {}, nullptr});
        });
        asio::error_code ec;
        std::cout << "listening on " << host << ":" << server_.get_local_endpoint(ec).port() << std::endl;
        std::thread worker([this] { process_messages(); });
        server_.run();
        worker.join();
    }

private:
    void push(Action action) {
        {
            std::lock_guard<std::mutex> guard(action_lock_);
            actions_.push(std::move(action));
        }
        action_cond_.notify_one();
    }

    void process_messages() {
        for (;;) {
            std::unique_lock<std::mutex> lock(action_lock_);
            action_cond_.wait(lock, [this] { return !actions_.empty(); });
            Action a = std::move(actions_.front());
            actions_.pop();
            lock.unlock();

            std::lock_guard<std::mutex> guard(connection_lock_);
            switch (a.type) {
            case ActionType::subscribe: connections_.insert(a.hdl); break;
            case ActionType::unsubscribe: connections_.erase(a.hdl); break;
            case ActionType::message:
                for (const auto& hdl : connections_) {
                    websocketpp::lib::error_code ec;
                    server_.send(hdl, a.msg, ec);  // a connection closing meanwhile: skipped
                }
                break;
            case ActionType::stop: return;
            }
        }
    }

    server server_;
    std::set<connection_hdl, std::owner_less<connection_hdl>> connections_;
    std::queue<Action> actions_;
    std::mutex action_lock_;
    std::mutex connection_lock_;
    std::condition_variable action_cond_;
};

int main(int argc, char** argv) {
    CLI::App app{"websocketpp broadcast chat (any path)", "06-peer-websocketpp-chat"};
    std::string host = "127.0.0.1";
    std::uint16_t port = 9002;
    app.add_option("--host", host)->capture_default_str();
    app.add_option("--port", port, "0 = any free port")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    try {
        BroadcastServer chat;
        chat.run(host, port);
    } catch (const std::exception& e) {
        std::cerr << "06-peer-websocketpp-chat: " << e.what() << std::endl;
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
