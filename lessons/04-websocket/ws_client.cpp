// 04-ws-client: a terminal WebSocket client on the lesson's protocol core (ws/).
//
// Connects to ws://host:port/path, sends each stdin line as a text message and prints what
// arrives (text as is; binary, pong and close as one-line summaries). Commands start with "/"
// (client_commands.hpp); some break the protocol on purpose, to watch the server enforce it.
// Everything is sent in pieces of --chunk N bytes if asked, the handshake included.
//
// The connection, stdin, the writer, closing and Ctrl-C are the shared skeleton's
// (terminal_client.hpp); this file is what the lesson 04 client does with lines and events.

#include "client_commands.hpp"
#include "terminal_client.hpp"
#include "trace.hpp"

#include "common/cli.hpp"

#include <iostream>

namespace {

constexpr std::size_t binary_hex_shown = 32;  // bytes of a binary message printed

class EchoClient : public lesson04::Behaviour {
public:
    explicit EchoClient(course::Logger& log) : log_(log) {}

    LineResult on_line(std::string_view line, ws::Connection& conn) override {
        using Kind = lesson04::ClientCommand::Kind;
        const lesson04::ClientCommand command = lesson04::parse_client_command(line, random_.mask_key());
        switch (command.kind) {
        case Kind::text: conn.send_text(command.text); break;
        case Kind::binary: conn.send_binary(command.text); break;
        case Kind::ping: conn.send_ping(command.text); break;
        case Kind::close: conn.close(command.code, command.text); break;
        case Kind::quit: return LineResult::quit;
        case Kind::fragments: send_fragments(conn, command.text, command.count); break;
        case Kind::raw:
            log_.info("sending a deliberate protocol violation: ", lesson04::hex_bytes(command.text, 16),
                      command.text.size() > 16 ? " ..." : "");
            conn.send_raw(command.text);
            break;
        case Kind::help: std::cerr << lesson04::client_commands_help(); break;
        case Kind::usage: std::cerr << command.text << "\n"; break;
        case Kind::unknown:
            std::cerr << "unknown command " << command.text << " (try /help; //text sends \"/text\")\n";
            break;
        }
        return LineResult::keep_reading;
    }

    void on_event(const ws::Event& event) override {
        using Kind = ws::Event::Kind;
        switch (event.kind) {
        case Kind::text: std::cout << event.data << std::endl; break;
        case Kind::binary:
            std::cout << "binary " << event.data.size()
                      << " bytes: " << lesson04::hex_bytes(event.data, binary_hex_shown) << std::endl;
            break;
        case Kind::ping: log_.verbose("ping received (", event.data.size(), " bytes): pong sent"); break;
        case Kind::pong: std::cout << "pong: " << event.data << std::endl; break;
        case Kind::close:
            std::cout << "close: " << event.code << (event.data.empty() ? "" : " ") << event.data
                      << std::endl;
            log_.verbose("the server closed with ", event.code, " (", ws::close_code_name(event.code), ")");
            break;
        case Kind::error:
            log_.info("the server broke the protocol: ", event.data, "; closing with ", event.code);
            break;
        case Kind::none: break;
        }
    }

private:
    // N pieces of nearly equal size; a piece may end inside a UTF-8 sequence: that is allowed,
    // only the whole message must be valid UTF-8.
    static void send_fragments(ws::Connection& conn, std::string_view text, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t from = text.size() * i / n;
            const std::size_t to = text.size() * (i + 1) / n;
            conn.send_frame(i == 0 ? ws::Opcode::text : ws::Opcode::continuation,
                            text.substr(from, to - from), i + 1 == n);
        }
    }

    course::Logger& log_;
    ws::RandomSource random_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Lesson 04: a terminal WebSocket client. Sends stdin lines as text messages, prints what arrives",
        "04-ws-client"};
    course::CommonOptions options;
    options.port = 7004;
    course::add_common_options(app, options, course::Role::client);
    std::string url;
    lesson04::TerminalClientOptions client;
    client.max_line = 16 * 1024 * 1024;  // a message may be large: the lesson tests 1009
    client.read_buffer_size = 64 * 1024;
    std::chrono::milliseconds connect_timeout{10'000};
    app.add_option("url", url, "ws://host:port/path (default: ws://HOST:PORT/ws from --host and --port)");
    app.add_option("--chunk", client.chunk, "write everything, the handshake included, in pieces of N bytes")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    course::add_seconds_option(app, "--connect-timeout,--timeout", connect_timeout,
                               "time to connect and complete the handshake");
    app.add_option("--origin", client.connect.origin, "send this Origin header (as a browser would)");
    app.add_option("--protocol", client.connect.subprotocols, "offer this subprotocol (repeat for several)");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        client.url = lesson04::client_url(url, options.host, options.port);
        client.connect.timeout = connect_timeout;
        course::Logger log(options.log_level());
        EchoClient behaviour(log);
        return lesson04::run_terminal_client(client, behaviour, log);
    });
}
