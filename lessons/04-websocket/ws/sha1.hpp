#pragma once
// SHA-1 (FIPS 180-4), written out so the opening handshake hides nothing.
//
// WebSocket uses SHA-1 once, to turn Sec-WebSocket-Key into Sec-WebSocket-Accept (RFC 6455
// 4.2.2). That is not a security use: SHA-1 is broken for signatures, but here it only proves
// the server read the key. Feed any number of pieces with update(), then call digest() once.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ws {

class Sha1 {
public:
    using Digest = std::array<std::uint8_t, 20>;

    Sha1() noexcept;
    void update(std::string_view bytes) noexcept;
    // Pads, finishes and returns the 20-byte hash. The object must not be updated afterwards.
    Digest digest() noexcept;

    static Digest hash(std::string_view bytes) noexcept;

private:
    void compress(const std::uint8_t* block) noexcept;

    std::array<std::uint32_t, 5> state_;
    std::array<std::uint8_t, 64> block_{};
    std::size_t block_used_ = 0;  // bytes waiting in block_
    std::uint64_t total_bytes_ = 0;
};

// "a9993e36..." (lowercase hex), for --trace and tests.
std::string to_hex(const Sha1::Digest& digest);

}  // namespace ws
