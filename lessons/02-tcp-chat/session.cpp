#include "session.hpp"

#include "common/endpoint.hpp"
#include "common/fd_wait.hpp"
#include "common/hex_dump.hpp"
#include "protocol.hpp"

#include <algorithm>
#include <asio/error.hpp>
#include <system_error>
#include <vector>

namespace lesson02 {

namespace {

std::string peer_of(const asio::ip::tcp::socket& socket) {
    std::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    return ec ? std::string("unknown peer") : course::format_endpoint(endpoint);
}

std::string join_names(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

std::string seconds(std::chrono::milliseconds time) {
    const auto whole = time.count() / 1000;
    const auto tenths = time.count() % 1000 / 100;
    return std::to_string(whole) + (tenths != 0 ? "." + std::to_string(tenths) : "") + " s";
}

// The last line for a client evicted as too slow (it gets it if its socket takes it at once).
std::string eviction_line(course::Backpressure verdict, const course::BackpressureLimits& limits) {
    return protocol::error("too slow: " + course::describe(verdict, limits) + "; disconnecting");
}

const char* help_text = "commands: /nick NAME (change your name), /who (who is here), /quit (leave), /help";

}  // namespace

Session::Session(MemberId id, asio::ip::tcp::socket socket, Room& room, const SessionConfig& config,
                 course::Logger& log, const course::StopEvent& server_stop)
    : id_(id), socket_(std::move(socket)), room_(room), config_(config), log_(log), server_stop_(server_stop),
      peer_(peer_of(socket_)),
      outbox_(std::make_shared<Outbox>(config.backpressure,
                                       [limits = config.backpressure](course::Backpressure verdict) {
                                           return eviction_line(verdict, limits);
                                       })),
      lines_(config.max_line), name_deadline_(std::chrono::steady_clock::now() + config.name_timeout) {
    // Set before any thread starts: from then on both threads only read the socket's flags,
    // so reading on one thread while writing on the other is not a data race.
    socket_.non_blocking(true);
    std::error_code ec;
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);  // a chat line should leave at once
}

Session::~Session() { join(); }

void Session::start(std::function<void(MemberId)> on_finished) {
    on_finished_ = std::move(on_finished);
    writer_ = std::thread([this] { write_loop(); });
    try {
        reader_ = std::thread([this] { read_loop(); });
    } catch (const std::system_error&) {
        outbox_->abort();  // the writer is waiting for lines that will never come
        writer_.join();
        throw;
    }
}

void Session::join() {
    if (reader_.joinable()) reader_.join();
}

void Session::read_loop() {
    log_.info("client #", id_, " connected from ", peer_);
    reply(protocol::notice("welcome! what is your name? (up to " + std::to_string(protocol::max_name) +
                           " letters, digits, '_', '-' or '.')"));
    std::vector<char> buffer(config_.read_size);
    const auto no_name = [&] {
        return end_reading(
            "no name", protocol::error("no name after " + seconds(config_.name_timeout) + "; disconnecting"),
            false);
    };
    for (;;) {
        // Until it has a name, a client has until name_deadline_ to pick one (a port scanner,
        // a forgotten nc or a client dripping bytes should not hold two threads for an hour).
        // Once named, the idle timeout starts again with every read.
        auto timeout = config_.idle_timeout;
        if (!name_) {
            timeout = std::chrono::ceil<std::chrono::milliseconds>(name_deadline_ -
                                                                   std::chrono::steady_clock::now());
            if (timeout <= std::chrono::milliseconds::zero()) return no_name();
        }
        const auto got = course::read_some(socket_, asio::buffer(buffer), server_stop_, timeout);
        switch (got.status) {
        case course::IoStatus::ok: break;
        case course::IoStatus::closed: return end_reading("disconnected", std::nullopt, false);
        case course::IoStatus::stopped:
            return end_reading("", protocol::notice("server shutting down"), true);
        case course::IoStatus::timed_out:
            if (!name_) return no_name();
            return end_reading("idle", protocol::error("idle for " + seconds(timeout) + "; disconnecting"),
                               false);
        case course::IoStatus::failed:
            log_.verbose("client #", id_, " read failed: ", got.error.message());
            return end_reading("connection lost", std::nullopt, true);
        }
        if (log_.tracing()) {
            log_.trace(course::hex_dump(
                "recv " + std::to_string(got.bytes) + " bytes from #" + std::to_string(id_) + " " + peer_,
                {buffer.data(), got.bytes}));
        }
        // One read may hold several lines, or part of one: the splitter sorts that out.
        lines_.push({buffer.data(), got.bytes});
        while (auto event = lines_.pop()) {
            if (event->kind == course::LineEvent::Kind::too_long) {
                reply(protocol::error("line too long (over " + std::to_string(config_.max_line) +
                                      " bytes); dropped"));
                continue;
            }
            if (!on_line(event->text)) return end_reading("quit", protocol::notice("bye"), false);
        }
    }
}

bool Session::on_line(std::string_view line) {
    using Kind = protocol::Command::Kind;
    auto command = protocol::parse_command(line);
    // Before it has a name, whatever a client sends (but a command) is the name it asks for.
    if (!name_ && command.kind == Kind::say) command = {Kind::nick, std::move(command.argument)};
    switch (command.kind) {
    case Kind::empty: return true;
    case Kind::quit: return false;
    case Kind::help: reply(protocol::notice(help_text)); return true;
    case Kind::who: {
        const auto names = room_.names();
        reply(protocol::notice("here (" + std::to_string(names.size()) + "): " + join_names(names)));
        return true;
    }
    case Kind::nick: take_name(command.argument, name_.has_value()); return true;
    case Kind::unknown:
        reply(protocol::error("unknown command " + protocol::sanitize(command.argument) + "; try /help"));
        return true;
    case Kind::say:
        if (!room_.say(id_, protocol::sanitize(command.argument))) {
            // Removed behind our back: our outbox evicted us as too slow, or a send failed.
            // The writer's shutdown of the socket ends this loop at the next read.
            log_.verbose("client #", id_, " is no longer in the room; line dropped");
        }
        return true;
    }
    return true;
}

void Session::take_name(const std::string& name, bool renaming) {
    const auto result = renaming ? room_.rename(id_, name) : room_.join(id_, name, outbox_);
    switch (result) {
    case Room::NameResult::ok:
        log_.info("client #", id_, renaming ? " renamed from " + *name_ + " to " : " joined as ", name);
        name_ = name;
        break;
    case Room::NameResult::unchanged: reply(protocol::notice("you are " + name)); break;
    case Room::NameResult::taken: reply(protocol::error("name " + name + " is taken; try another")); break;
    case Room::NameResult::invalid:
        reply(protocol::error("invalid name '" + protocol::sanitize(name) + "': use 1 to " +
                              std::to_string(protocol::max_name) + " letters, digits, '_', '-' or '.'"));
        break;
    }
}

void Session::end_reading(std::string_view reason, std::optional<std::string> last, bool abrupt) {
    // When the server stops, everyone leaves at once: no "X left" flood for the others.
    const bool stopping = server_stop_.requested();
    // Our writer shutting the socket down looks like a hang-up from here; say what it was.
    const auto eviction = outbox_->eviction();
    if (eviction) reason = "too slow, disconnected";
    room_.leave(id_, reason, !stopping);
    log_.info("client #", id_, " ", name_.value_or("(no name)"), " ",
              stopping ? "closed: server shutting down" : "left: " + std::string(reason),
              eviction ? " (" + course::describe(*eviction, config_.backpressure) + ")" : "");
    if (abrupt || stopping) {
        outbox_->abort(std::move(last));
    } else {
        outbox_->close(std::move(last));  // the writer sends what is queued, then stops
    }
    writer_.join();
    // Release our outbox (and its eventfd) before the socket: a server short of descriptors
    // can then accept the next client into the one we free last, with room for its outbox.
    outbox_.reset();
    std::error_code ec;
    socket_.close(ec);
    on_finished_(id_);
}

void Session::write_loop() {
    bool mid_line = false;  // the last send stopped inside a line
    for (;;) {
        Outbox::Batch batch = outbox_->pop(config_.max_batch);
        if (batch.kind == Outbox::Batch::Kind::end) break;
        if (batch.kind == Outbox::Batch::Kind::last) {
            if (mid_line) batch.bytes.insert(0, "\n");  // keep the goodbye on a line of its own
            // One try, no waiting: after an abort the cancel event is set, so write_all makes
            // one attempt and returns. A client that stopped reading may never see this line.
            course::write_all(socket_, asio::buffer(batch.bytes), outbox_->cancelled(),
                              std::chrono::milliseconds(0));
            log_.trace("sent last line to #", id_, ": ", batch.bytes.substr(0, batch.bytes.size() - 1));
            break;
        }
        const auto sent = send_batch(batch.bytes);
        if (sent.status == course::IoStatus::ok) continue;
        mid_line = sent.bytes > 0 && batch.bytes[sent.bytes - 1] != '\n';
        if (sent.status == course::IoStatus::stopped) {
            // Aborted (pop() has the last line), or evicted: by a push on another thread, which
            // has removed us from the room already, or by our own check, so leave it here.
            if (outbox_->eviction()) room_.leave(id_, "too slow, disconnected");
            continue;
        }
        // A failure means the client is gone (reset, broken pipe).
        log_.info("client #", id_, " send failed: ", sent.error.message());
        room_.leave(id_, "connection lost");
        outbox_->abort();
    }
    // Wakes the reader if it is still waiting for the client (and sends our FIN).
    std::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
}

course::IoResult Session::send_batch(std::string_view bytes) {
    // TASK 02.send-batch: write a batch to the socket, reporting each partial write to the outbox
    // STUB: (void)bytes;
    using clock = std::chrono::steady_clock;
    const auto soft_time = config_.backpressure.soft_time;
    auto progress_at = clock::now();  // the batch was just taken: the stall clock runs from here
    std::size_t done = 0;
    while (done < bytes.size()) {
        std::error_code ec;
        const std::size_t n = socket_.write_some(asio::buffer(bytes.substr(done)), ec);  // maybe a part
        if (n > 0) {
            if (log_.tracing()) {
                log_.trace(course::hex_dump(
                    "send " + std::to_string(n) + " bytes to #" + std::to_string(id_) + " " + peer_,
                    bytes.substr(done, n)));
            }
            done += n;
            progress_at = clock::now();
            if (!outbox_->sent(n, progress_at)) return {course::IoStatus::stopped, done};
        }
        if (!ec) continue;
        if (ec != asio::error::would_block && ec != asio::error::try_again) {
            return {course::IoStatus::failed, done, ec};
        }
        // The socket buffer is full: the client is not reading as fast as we write. Wait for
        // room, but only until it has made no progress for the soft time; then the outbox
        // judges it (stalled, or above the soft bound for too long). No timer runs while the
        // client keeps up: the writer sleeps on its condition variable with nothing queued.
        using std::chrono::milliseconds;
        const auto left = std::chrono::ceil<milliseconds>(progress_at + soft_time - clock::now());
        const auto wait = course::wait_writable(socket_.native_handle(), outbox_->cancelled(),
                                                std::max(left, milliseconds::zero()));  // < 0: for ever
        if (wait == course::WaitResult::stopped) return {course::IoStatus::stopped, done};
        if (wait == course::WaitResult::timed_out) {
            if (!outbox_->check()) return {course::IoStatus::stopped, done};
            // Not judged yet: the meter counts progress no later than we do, so this does not
            // happen; should it, wait a whole soft time again rather than spin.
            progress_at = clock::now();
        }
    }
    return {course::IoStatus::ok, done};
    // END TASK 02.send-batch
}

}  // namespace lesson02
