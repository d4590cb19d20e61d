#pragma once
// Lesson 02: one connected client, served by two threads of its own.
//
// The reader thread reads the socket, cuts the bytes into lines (course::LineSplitter), and
// acts on each: the first becomes the client's name, later ones are commands or chat lines
// that it broadcasts through the Room (on this very thread: the broadcast only queues).
// The writer thread takes lines from this client's Outbox and sends them, reporting every byte
// that reaches the socket to the outbox, whose slow-consumer policy judges the client.
//
// Why two threads and a queue: a send blocks when the client stops reading. If the sender's
// thread sent to everyone itself, one stuck client would stop every other client's broadcasts
// too. Here the only thread that ever waits on this client's socket is its own writer.
//
// How a session ends, whoever notices first:
// - the reader (client quit, hung up, went idle, or the server is stopping): leaves the room,
//   closes or aborts the outbox, waits for the writer, closes the socket;
// - the writer (a send failed, or the outbox evicted the client as too slow): leaves the room,
//   aborts the outbox, and shuts the socket down, which wakes the reader, which then does the
//   above.
// The last thing the reader thread does is call `on_finished`, so the server can join it.

#include "common/backpressure.hpp"
#include "common/line_splitter.hpp"
#include "common/logger.hpp"
#include "common/socket_io.hpp"
#include "common/stop_event.hpp"
#include "outbox.hpp"
#include "room.hpp"

#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace lesson02 {

struct SessionConfig {
    std::size_t max_line = 4096;                                       // bytes per line
    course::BackpressureLimits backpressure;                           // 32 MiB; 1 MiB for 10 s
    std::size_t read_size = 4096;                                      // bytes per read
    std::size_t max_batch = 64 * 1024;                                 // bytes per send
    std::chrono::milliseconds name_timeout{std::chrono::seconds(60)};  // from accept to a name
    std::chrono::milliseconds idle_timeout{std::chrono::hours(1)};     // of silence, once named
};

class Session {
public:
    Session(MemberId id, asio::ip::tcp::socket socket, Room& room, const SessionConfig& config,
            course::Logger& log, const course::StopEvent& server_stop);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Starts both threads; `on_finished(id)` is the last thing the reader thread does.
    // Throws std::system_error if a thread cannot be created (then no thread is left running).
    void start(std::function<void(MemberId)> on_finished);
    // Waits for the reader thread (and so the writer) to end. Call it after on_finished.
    void join();

    MemberId id() const noexcept { return id_; }

private:
    void read_loop();
    void write_loop();
    // Writes one batch, telling the outbox of every byte written; `stopped` once the outbox
    // is aborted or evicts the client.
    course::IoResult send_batch(std::string_view bytes);
    // Acts on one line; false when the client asked to quit.
    bool on_line(std::string_view line);
    void take_name(const std::string& name, bool renaming);
    void reply(std::string line) { outbox_->push(std::move(line)); }
    void end_reading(std::string_view reason, std::optional<std::string> last, bool abrupt);

    const MemberId id_;
    asio::ip::tcp::socket socket_;
    Room& room_;
    const SessionConfig config_;
    course::Logger& log_;
    const course::StopEvent& server_stop_;
    const std::string peer_;           // "127.0.0.1:50512", for the log
    std::shared_ptr<Outbox> outbox_;   // shared with the Room, which may outlive us
    course::LineSplitter lines_;       // reader thread only
    std::optional<std::string> name_;  // reader thread only: nullopt until named
    // A deadline, not a timeout per read: a client that drips a byte now and then must not
    // keep its two threads for ever without ever naming itself.
    const std::chrono::steady_clock::time_point name_deadline_;
    std::function<void(MemberId)> on_finished_;
    std::thread writer_;
    std::thread reader_;
};

}  // namespace lesson02
