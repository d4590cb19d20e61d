#pragma once
// A deliberately broken chat server for the load generator's tests: lesson 02's protocol (a
// name line first, answered "* you are NAME"; chat lines relayed to everyone else as
// "NAME: TEXT"), except for the faults asked for: it drops every `drop_every`-th chat line,
// sends every `duplicate_every`-th twice, and holds every `delay_every`-th back until the next
// one has been relayed. The load generator must count exactly what went missing, what came
// twice and what came out of order. One thread, poll(), loopback only; the destructor stops it.

#include <atomic>
#include <cstdint>
#include <thread>

namespace lesson06::testing {

class LossyChat {
public:
    struct Faults {  // 0: never
        int drop_every = 0;
        int duplicate_every = 0;
        int delay_every = 0;
    };

    explicit LossyChat(Faults faults);
    ~LossyChat();
    LossyChat(const LossyChat&) = delete;
    LossyChat& operator=(const LossyChat&) = delete;

    std::uint16_t port() const noexcept { return port_; }

private:
    void run();

    Faults faults_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace lesson06::testing
