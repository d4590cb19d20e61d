#include "redis/asio_adapter.hpp"

#include <hiredis/async.h>

#include <asio/posix/stream_descriptor.hpp>

#include <memory>
#include <system_error>

namespace lesson08 {

namespace {

// One adapter per hiredis context. It keeps itself alive (self_) from attach until hiredis
// calls cleanup, and every wait in flight holds it too: a wait that completes after cleanup
// finds the adapter still there and the context gone (context_ == nullptr), and does nothing.
class AsioAdapter : public std::enable_shared_from_this<AsioAdapter> {
public:
    AsioAdapter(asio::io_context& io, redisAsyncContext* context)
        : context_(context), socket_(io, context->c.fd) {}

    void install() {
        self_ = shared_from_this();
        // hiredis hands `ev.data` back to each hook: the C way of writing a closure.
        context_->ev.data = this;
        context_->ev.addRead = [](void* data) { of(data).add(of(data).read_); };
        context_->ev.delRead = [](void* data) { of(data).remove(of(data).read_); };
        context_->ev.addWrite = [](void* data) { of(data).add(of(data).write_); };
        context_->ev.delWrite = [](void* data) { of(data).remove(of(data).write_); };
        context_->ev.cleanup = [](void* data) { of(data).cleanup(); };
    }

private:
    // One direction to watch: whether hiredis wants to hear about it, and whether an
    // async_wait for it is in flight (asio cannot cancel one direction alone, so "remove"
    // lets the wait finish and ignores it).
    struct Watch {
        asio::posix::descriptor_base::wait_type type;
        bool wanted = false;
        bool waiting = false;
    };

    static AsioAdapter& of(void* data) { return *static_cast<AsioAdapter*>(data); }

    // hiredis asks again and again ("always re-schedule reads"): adding is idempotent.
    void add(Watch& watch) {
        watch.wanted = true;
        wait(watch);
    }

    void remove(Watch& watch) { watch.wanted = false; }

    void wait(Watch& watch) {
        if (!context_ || !watch.wanted || watch.waiting) return;
        watch.waiting = true;
        // async_wait reads nothing: it only says "ready". asio re-arms its epoll registration
        // for each wait, so bytes that arrived while nobody waited still wake it.
        socket_.async_wait(watch.type, [self = shared_from_this(), &watch](const std::error_code& error) {
            self->on_ready(watch, error);
        });
    }

    void on_ready(Watch& watch, const std::error_code& error) {
        watch.waiting = false;
        // operation_aborted: cleanup released the descriptor. No other error is expected
        // from a wait; hiredis sees a broken connection itself when it reads or writes.
        if (error || !context_ || !watch.wanted) return;
        // hiredis reads or writes once and runs the callbacks of the replies that are
        // complete. It may free the context in there (a reset, a protocol error, the user's
        // redisAsyncFree): then cleanup has run and context_ is null.
        if (&watch == &read_) {
            redisAsyncHandleRead(context_);
        } else {
            redisAsyncHandleWrite(context_);
        }
        wait(watch);  // still wanted (reads always are; writes until the buffer is out)
    }

    // hiredis is freeing the context and will close the descriptor itself: give it back
    // (release, not close), which also ends the waits in flight with operation_aborted.
    void cleanup() {
        context_ = nullptr;
        read_.wanted = write_.wanted = false;
        socket_.release();
        self_.reset();  // last statement: this may be the last owner
    }

    redisAsyncContext* context_;
    asio::posix::stream_descriptor socket_;
    Watch read_{asio::posix::descriptor_base::wait_read};
    Watch write_{asio::posix::descriptor_base::wait_write};
    std::shared_ptr<AsioAdapter> self_;
};

}  // namespace

bool attach_to_asio(asio::io_context& io, redisAsyncContext* context) {
    if (context->ev.data != nullptr) return false;
    std::make_shared<AsioAdapter>(io, context)->install();
    return true;
}

}  // namespace lesson08
