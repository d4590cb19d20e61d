// 05-chat-client: a terminal client for 05-chat-server. Shows what arrives as readable lines on
// stdout while it reads your lines from stdin: text is a chat message, /nick NAME renames you,
// /who lists who is online, /quit (or end of input) leaves.
//
// The connection, stdin, the writer, closing and Ctrl-C are lesson 04's terminal client
// skeleton (terminal_client.hpp); this file is what the chat client does with lines and events,
// and client_view.hpp (unit-tested) is how it words them.

#include "client_view.hpp"
#include "terminal_client.hpp"
#include "ws/utf8.hpp"

#include "common/cli.hpp"

#include <iostream>

namespace {

void print_help() {
    std::cerr << "Type a line to send it. Commands:\n"
                 "  /nick NAME   choose your name (letters, digits, _ - .)\n"
                 "  /who         who is online\n"
                 "  //text       send \"/text\"\n"
                 "  /quit        leave (so does end of input, Ctrl-D)\n";
}

class ChatClient : public lesson04::Behaviour {
public:
    ChatClient(bool show_time, course::Logger& log) : show_time_(show_time), log_(log) {}

    LineResult on_line(std::string_view line, ws::Connection& conn) override {
        const lesson05::InputLine input = lesson05::interpret_input(line);
        switch (input.kind) {
        case lesson05::InputLine::Kind::send:
            if (!ws::is_valid_utf8(input.message)) std::cerr << "that line is not UTF-8; not sent\n";
            else conn.send_text(input.message);
            break;
        case lesson05::InputLine::Kind::quit: return LineResult::quit;
        case lesson05::InputLine::Kind::help: print_help(); break;
        case lesson05::InputLine::Kind::unknown:
            std::cerr << "unknown command " << input.message << " (try /help)\n";
            break;
        case lesson05::InputLine::Kind::empty: break;
        }
        return LineResult::keep_reading;
    }

    void on_event(const ws::Event& event) override {
        using Kind = ws::Event::Kind;
        if (event.kind == Kind::text) {
            std::cout << lesson05::describe_server_event(event.data, show_time_) << std::endl;
        } else if (event.kind == Kind::close) {
            log_.info("the server closed the chat: ", event.code, " (", ws::close_code_name(event.code), ")",
                      event.data.empty() ? "" : ": ", event.data);
        } else if (event.kind == Kind::error) {
            log_.info("the server broke the protocol: ", event.data, "; closing with ", event.code);
        }
    }

private:
    bool show_time_;
    course::Logger& log_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 05: a terminal client for 05-chat-server. Type to chat; /nick NAME, /who, /quit",
                 "05-chat-client"};
    course::CommonOptions options;
    options.port = 7005;
    course::add_common_options(app, options, course::Role::client);
    std::string url;
    bool no_time = false;
    lesson04::TerminalClientOptions client;
    client.connected_note.clear();  // the server's welcome line says it
    std::chrono::milliseconds connect_timeout{10'000};
    app.add_option("url", url, "ws://host:port/ws (default: from --host and --port)");
    app.add_option("--origin", client.connect.origin,
                   "send this Origin header (a server with --allowed-origin checks it)");
    course::add_seconds_option(app, "--connect-timeout", connect_timeout,
                               "time to connect and complete the handshake");
    app.add_flag("--no-time", no_time, "print messages without their time");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        client.url = lesson04::client_url(url, options.host, options.port);
        client.connect.timeout = connect_timeout;
        course::Logger log(options.log_level());
        ChatClient behaviour(!no_time, log);
        return lesson04::run_terminal_client(client, behaviour, log);
    });
}
