#pragma once
// Unpredictable bytes for the handshake key and for mask keys, from the kernel (getrandom).
//
// RFC 6455 10.3 asks for mask keys an attacker cannot predict: a guessable mask would let a
// web page choose the bytes that reach a confused proxy. std::rand or a fixed seed would not
// do. getrandom is a system call, so bytes are fetched 256 at a time and handed out from the
// buffer: one call serves 64 frames.

#include "ws/frame.hpp"

#include <array>
#include <cstddef>
#include <string>

namespace ws {

class RandomSource {
public:
    void fill(std::uint8_t* out, std::size_t size);
    std::string bytes(std::size_t size);
    MaskKey mask_key();

private:
    void refill();

    std::array<std::uint8_t, 256> buffer_{};
    std::size_t used_ = buffer_.size();  // empty: the first use fills it
};

}  // namespace ws
