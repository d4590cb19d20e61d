// Preloaded into a server by EchoServerTest.EchoesEveryByteWhenEachSendTakesOnlyAFewBytes
// (LD_PRELOAD): every send() and sendmsg() it makes takes at most a few bytes (1 to 7, in turn),
// as the kernel's may whenever a socket's send buffer is nearly full. That happens on its own
// only when timing fills the buffer; here it happens on every call, so a server that takes a
// send() for complete loses bytes every time, not now and then.
//
// Each function calls the next definition of itself (dlsym RTLD_NEXT: a sanitizer's wrapper,
// then the C library's) with fewer bytes; errors (EAGAIN: the buffer is full) are the kernel's.

#include <dlfcn.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <algorithm>
#include <atomic>
#include <cstddef>

namespace {

std::atomic<unsigned> calls{0};

std::size_t next_limit() { return 1 + calls.fetch_add(1, std::memory_order_relaxed) % 7; }

template <typename Function> Function next_definition(const char* name) {
    return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" ssize_t send(int fd, const void* data, std::size_t size, int flags) {
    static const auto real = next_definition<ssize_t (*)(int, const void*, std::size_t, int)>("send");
    return real(fd, data, std::min(size, next_limit()), flags);
}

extern "C" ssize_t sendmsg(int fd, const msghdr* message, int flags) {
    static const auto real = next_definition<ssize_t (*)(int, const msghdr*, int)>("sendmsg");
    // The first buffer that has bytes, cut short; the others wait for the next call.
    for (std::size_t i = 0; i < message->msg_iovlen; ++i) {
        if (message->msg_iov[i].iov_len == 0) continue;
        iovec piece{message->msg_iov[i].iov_base, std::min(message->msg_iov[i].iov_len, next_limit())};
        msghdr shorter = *message;
        shorter.msg_iov = &piece;
        shorter.msg_iovlen = 1;
        return real(fd, &shorter, flags);
    }
    return real(fd, message, flags);
}
