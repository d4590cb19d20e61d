// 06-loadgen: a load generator for the course's servers. See run.hpp, worker.hpp and README.md.
//
//   06-loadgen echo ws://127.0.0.1:7004/ws -c 100 -n 10000 -w 16 -s 64
//   06-loadgen broadcast ws://127.0.0.1:7005/ws -c 1000 --senders 5 -n 100
//   06-loadgen idle ws://127.0.0.1:7005/ws -c 10000 --server-pid PID
//   06-loadgen connect wss://localhost:7009/ws --ca ca.pem -c 8 -n 500 --tls-resume
#include "run.hpp"

#include "common/cli.hpp"
#include "common/stop_event.hpp"

#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    CLI::App app{
        "Lesson 06: load generator (echo, broadcast, idle, connect) for tcp://, ws:// and wss:// servers",
        "06-loadgen"};
    lesson06::LoadOptions options;
    // --host and --port give the URL when none is written: ws://HOST:PORT/ws (lesson 05's chat).
    course::CommonOptions common;
    common.port = 7005;
    course::add_common_options(app, common, course::Role::client);
    std::string mode_text;
    std::vector<std::string> urls;
    app.add_option("mode", mode_text, "echo, broadcast, idle or connect (open and close, -n times each)")
        ->required()
        ->check(CLI::IsMember({"echo", "broadcast", "idle", "connect"}));
    app.add_option("url", urls,
                   "tcp://HOST:PORT, ws://HOST:PORT/PATH or wss://HOST:PORT/PATH (default: ws://HOST:PORT/ws "
                   "from --host, --port); "
                   "several (same scheme): the connections are dealt out over them in turn, as to the "
                   "nodes of a cluster");
    app.add_option("-c,--connections", options.connections,
                   "connections (broadcast: receivers; connect: open at once)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
    app.add_option("-n,--messages", options.messages,
                   "messages per connection (broadcast: per sender; connect: set-ups per connection)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
    app.add_option("-s,--size", options.size, "bytes per message (broadcast: padded after the token)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    app.add_option("-w,--window", options.window, "echo: messages in flight per connection")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
    app.add_option("-k,--senders", options.senders, "broadcast: connections that send")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{10'000}));
    app.add_option("--rate", options.rate,
                   "broadcast: messages per second from all senders (default: flat out)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("-t,--threads", options.threads, "threads, one io_context each")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{64}));
    course::add_seconds_option(app, "--timeout", options.timeout,
                               "hard bound: report what was measured by then");
    course::add_seconds_option(app, "--hold", options.hold, "idle: how long to hold the connections open");
    course::add_seconds_option(app, "--linger", options.linger,
                               "broadcast: time without a delivery, after all is sent, that ends the run");
    app.add_option("--connect-rate", options.connect_rate, "new connections per second")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--connect-burst", options.connect_burst, "connection attempts in progress at once")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
    app.add_option("--server-pid", options.server_pid,
                   "report this process's CPU time and memory (from /proc)");
    app.add_option("--ready", options.ready_marker,
                   "broadcast: text that tells a member has joined (default: '* you are ' for tcp://, "
                   "'\"type\":\"hello\"' for ws://)");
    std::string join_text = "greeting";
    app.add_option("--join", join_text,
                   "broadcast: how members know they joined: 'greeting' (the server's --ready text) or "
                   "'probe' (for servers that greet nobody: a probe message each receiver must see)")
        ->capture_default_str()
        ->check(CLI::IsMember({"greeting", "probe"}));
    std::string reply_text = "exact";
    app.add_option(
           "--reply", reply_text,
           "echo: 'exact' (an echo server) or 'contains' (the reply wraps the message, as lesson 05's "
           "chat does for a room of one: use -c 1; other messages are ignored)")
        ->capture_default_str()
        ->check(CLI::IsMember({"exact", "contains"}));
    app.add_option("--ca", options.tls.ca_file, "wss://: trust the CA certificates in this PEM file")
        ->check(CLI::ExistingFile);
    app.add_flag("--insecure", options.tls.insecure,
                 "wss://: do not verify the server's certificate at all (experiments only!)");
    app.add_flag("--tls-resume", options.tls.resume,
                 "wss://: resume the TLS session of an earlier connection to the same URL");
    app.add_flag("--json", options.json, "print the result as one JSON object instead of text");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        static const std::map<std::string, lesson06::Mode> modes{{"echo", lesson06::Mode::echo},
                                                                 {"broadcast", lesson06::Mode::broadcast},
                                                                 {"idle", lesson06::Mode::idle},
                                                                 {"connect", lesson06::Mode::connect}};
        options.mode = modes.at(mode_text);
        options.reply_contains = reply_text == "contains";
        options.join = join_text == "probe" ? lesson06::JoinRule::probe : lesson06::JoinRule::greeting;
        if (urls.empty()) {
            const bool v6 = common.host.find(':') != std::string::npos;
            urls.push_back("ws://" + (v6 ? "[" + common.host + "]" : common.host) + ":" +
                           std::to_string(common.port) + "/ws");
        }
        for (const std::string& url : urls) options.targets.push_back(lesson06::parse_target(url));
        for (const lesson06::Target& target : options.targets) {
            if (target.scheme != options.targets.front().scheme)
                throw std::invalid_argument("all URLs must have the same scheme (tcp://, ws:// or wss://)");
        }
        course::Logger log(common.log_level());
        options.log = &log;
        const bool tls = options.targets.front().scheme == lesson06::Target::Scheme::wss;
        if (!tls && (!options.tls.ca_file.empty() || options.tls.insecure || options.tls.resume))
            throw std::invalid_argument("--ca, --insecure and --tls-resume are for wss:// URLs");
        if (options.tls.insecure) {  // even with --quiet: nobody should forget it is on
            std::cerr
                << "06-loadgen: --insecure: the server's certificate is NOT verified (anyone in between "
                   "could read and change the traffic)\n";
        }
        // Ctrl-C, SIGTERM or SIGHUP end the run early, with the report of what was measured.
        course::StopEvent stop;
        course::SignalStopper stopper(stop, log);
        options.stop = &stop;
        if (options.threads > options.connections) options.threads = options.connections;
        if (options.ready_marker.empty()) {
            options.ready_marker = options.targets.front().scheme == lesson06::Target::Scheme::tcp
                                       ? "* you are "
                                       : "\"type\":\"hello\"";
        }
        options.run_id = std::random_device{}() & 0x7fffffff;

        const lesson06::RunResult result = lesson06::run_load(options);
        if (options.json) {
            std::cout << result.report.json() << std::endl;
        } else {
            std::cout << "06-loadgen " << mode_text << " " << lesson06::urls_of(options.targets) << "\n"
                      << result.report.human() << result.report.result_line() << std::endl;
        }
        // Stopped on request: the report says so (stopped=1, ok=0), and that is not an error.
        return result.ok || result.stopped ? EXIT_SUCCESS : EXIT_FAILURE;
    });
}
