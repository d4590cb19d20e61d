#pragma once
// A deliberately broken chat server for the load generator's tests: lesson 02's protocol (a
// name line first, answered "* you are NAME"; chat lines relayed to everyone else as
// "NAME: TEXT"), except that it drops every `drop_every`-th chat line and sends every
// `duplicate_every`-th twice. The load generator must count exactly what went missing and what
// came twice. One thread, poll(), loopback only; the destructor stops it.

#include <atomic>
#include <cstdint>
#include <thread>

namespace lesson06::testing {

class LossyChat {
public:
    LossyChat(int drop_every, int duplicate_every);
    ~LossyChat();
    LossyChat(const LossyChat&) = delete;
    LossyChat& operator=(const LossyChat&) = delete;

    std::uint16_t port() const noexcept { return port_; }

private:
    void run();

    int drop_every_;
    int duplicate_every_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace lesson06::testing
