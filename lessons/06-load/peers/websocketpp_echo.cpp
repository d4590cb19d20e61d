// Echo over WebSocket with websocketpp 0.8.2 on standalone asio, as its echo_server example
// writes it: a server endpoint, a message handler that sends the payload back with its opcode,
// listen, start_accept, run. One thread.
//
// Two changes for measuring: the access log is off (websocketpp's default logs every frame
// header to stdout, which would make this a benchmark of std::cout), and we listen on --host
// and --port (0 = a free port) and print "listening on HOST:PORT" first.
//
// websocketpp 0.8.2 is C++11-C++17: its class templates name their constructors with template
// arguments (`basic<concurrency, names>(...)`), which C++20 no longer allows, so this target is
// compiled as C++17 (peers/CMakeLists.txt).
#define ASIO_STANDALONE
#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

using server = websocketpp::server<websocketpp::config::asio>;

int main(int argc, char** argv) {
    CLI::App app{"websocketpp echo server (any path)", "06-peer-websocketpp-echo"};
    std::string host = "127.0.0.1";
    std::uint16_t port = 9002;
    app.add_option("--host", host)->capture_default_str();
    app.add_option("--port", port, "0 = any free port")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    try {
        server echo_server;
        echo_server.clear_access_channels(websocketpp::log::alevel::all);
        echo_server.get_elog().set_ostream(&std::cerr);
        echo_server.init_asio();
        echo_server.set_reuse_addr(true);
        echo_server.set_message_handler(
            [&echo_server](websocketpp::connection_hdl hdl, server::message_ptr msg) {
                echo_server.send(hdl, msg->get_payload(), msg->get_opcode());
            });
        echo_server.listen(host, std::to_string(port));
        echo_server.start_accept();
        asio::signal_set signals(echo_server.get_io_service(), SIGINT, SIGTERM, SIGHUP);
        signals.async_wait([&echo_server](const std::error_code&, int) { echo_server.stop(); });
        asio::error_code ec;
        const auto local = echo_server.get_local_endpoint(ec);
        std::cout << "listening on " << host << ":" << local.port() << std::endl;
        echo_server.run();
    } catch (const std::exception& e) {
        std::cerr << "06-peer-websocketpp-echo: " << e.what() << std::endl;
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
