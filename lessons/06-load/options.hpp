#pragma once
// What a load run is asked to do (06-loadgen's flags) and the state its threads share.

#include "target.hpp"

#include <sys/types.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace course {
class Logger;     // common/logger.hpp
class StopEvent;  // common/stop_event.hpp
}  // namespace course

namespace lesson06 {

// connect: each of the connections opens (TCP, TLS for wss://, the WebSocket upgrade), closes
// and opens again, `messages` times: how fast a server sets connections up.
enum class Mode { echo, broadcast, idle, connect };

// wss:// (tls_client.hpp): whom to trust, and whether to resume sessions.
struct TlsClientOptions {
    std::string ca_file;    // PEM CA certificates to trust; empty: the system's
    bool insecure = false;  // verify nothing (the command line says so on stderr)
    bool resume = false;    // --tls-resume: offer the session of an earlier connection
};

// How a broadcast run knows that every member has joined the room before it sends.
//   greeting: each member waits for the server's own "you joined" message (--ready).
//   probe:    for servers that greet nobody: a sender sends the run's probe (token.hpp) into
//             the room, again after 50, 100, 200 ms ... (at most 1 s apart), until every
//             receiver has seen one. Senders are ready once connected.
enum class JoinRule { greeting, probe };

struct LoadOptions {
    Mode mode = Mode::echo;
    // One or more servers: connection i (receivers first, then senders) goes to targets[i % size],
    // so the clients spread evenly over several nodes of a cluster, as a load balancer would.
    std::vector<Target> targets;
    std::size_t connections = 1;  // echo, idle: connections; broadcast: receivers; connect: at once
    std::size_t messages = 1000;  // echo: per connection; broadcast: per sender; connect: set-ups each
    std::size_t size = 32;        // bytes per message (broadcast: at least the token)
    std::size_t window = 1;       // echo: messages in flight per connection
    std::size_t senders = 1;      // broadcast
    double rate = 0;              // broadcast: messages/s from all senders together; 0 = flat out
    std::size_t threads = 1;      // io_contexts, one thread each
    std::chrono::milliseconds timeout{30'000};  // hard bound on the whole run
    std::chrono::milliseconds hold{1'000};      // idle: how long to hold the connections
    std::chrono::milliseconds linger{2'000};    // broadcast: quiet time after the last send that ends the run
    double connect_rate = 5'000;                // new connections per second (all threads)
    std::size_t connect_burst = 256;            // connection attempts in progress at once (all threads)
    pid_t server_pid = 0;                       // read its CPU time and memory from /proc
    JoinRule join = JoinRule::greeting;         // broadcast
    std::string ready_marker;                   // broadcast, greeting: text that says a member has joined
    std::uint32_t run_id = 0;                   // in every token and name of this run
    // echo: a reply is the message itself (an echo server), or any message that contains it
    // (--reply contains: lesson 05's chat answers a room of one with {"type":"message",...,"text":
    // "<the message>"}; messages without it, such as its hello, are ignored).
    bool reply_contains = false;
    TlsClientOptions tls;  // wss://
    bool json = false;
    course::Logger* log = nullptr;  // progress on stderr (info), each lost connection (verbose)
    // Set: once it is requested (Ctrl-C, SIGTERM, SIGHUP) the run ends early and reports what it
    // measured by then, as at a timeout.
    const course::StopEvent* stop = nullptr;
};

// Counters the worker threads update and the coordinating thread watches. Workers call
// notify() when something the coordinator may be waiting for has changed.
struct SharedProgress {
    std::atomic<std::size_t> opened{0};    // connected (and handshaken)
    std::atomic<std::size_t> failed{0};    // never opened
    std::atomic<std::size_t> ready{0};     // broadcast: joined the room
    std::atomic<std::size_t> finished{0};  // echo: connections with every echo back; broadcast: receivers
                                           // with every token; connect: connections with every set-up done
    std::atomic<std::size_t> lost{0};      // opened, then closed by the server or an error
    std::atomic<std::size_t> senders_done{0};
    std::atomic<std::int64_t> last_receipt_ns{0};  // broadcast: steady clock of the latest delivery

    std::mutex mutex;
    std::condition_variable changed;
    std::string first_error;  // guarded by mutex

    void notify() {
        std::lock_guard lock(mutex);
        changed.notify_all();
    }
    void record_error(const std::string& what) {
        std::lock_guard lock(mutex);
        if (first_error.empty()) first_error = what;
        changed.notify_all();
    }
};

// Nanoseconds on the steady clock: what tokens carry and latencies are computed from.
inline std::uint64_t now_nanos() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

}  // namespace lesson06
