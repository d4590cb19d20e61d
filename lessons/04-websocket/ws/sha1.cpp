#include "ws/sha1.hpp"

#include <algorithm>
#include <cstring>

namespace ws {

namespace {

constexpr std::uint32_t rotl(std::uint32_t value, int bits) noexcept {
    return (value << bits) | (value >> (32 - bits));
}

}  // namespace

Sha1::Sha1() noexcept : state_{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0} {}

void Sha1::update(std::string_view bytes) noexcept {
    total_bytes_ += bytes.size();
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    std::size_t left = bytes.size();
    while (left > 0) {
        const std::size_t n = std::min(left, block_.size() - block_used_);
        std::memcpy(block_.data() + block_used_, data, n);
        block_used_ += n;
        data += n;
        left -= n;
        if (block_used_ == block_.size()) {
            compress(block_.data());
            block_used_ = 0;
        }
    }
}

Sha1::Digest Sha1::digest() noexcept {
    // Padding: a 1 bit, zeros up to 56 mod 64, then the message length in bits, big-endian.
    const std::uint64_t bit_length = total_bytes_ * 8;
    block_[block_used_++] = 0x80;
    if (block_used_ > 56) {
        std::fill(block_.begin() + static_cast<std::ptrdiff_t>(block_used_), block_.end(), 0);
        compress(block_.data());
        block_used_ = 0;
    }
    std::fill(block_.begin() + static_cast<std::ptrdiff_t>(block_used_), block_.begin() + 56, 0);
    for (int i = 0; i < 8; ++i) block_[56 + i] = static_cast<std::uint8_t>(bit_length >> (56 - 8 * i));
    compress(block_.data());

    Digest out{};
    for (std::size_t i = 0; i < 5; ++i) {
        for (std::size_t j = 0; j < 4; ++j)
            out[i * 4 + j] = static_cast<std::uint8_t>(state_[i] >> (24 - 8 * j));
    }
    return out;
}

void Sha1::compress(const std::uint8_t* block) noexcept {
    std::uint32_t w[80];
    for (int i = 0; i < 16; ++i) {  // the block as 16 big-endian words
        w[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
               (std::uint32_t{block[4 * i + 2]} << 8) | std::uint32_t{block[4 * i + 3]};
    }
    for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);

    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4];
    for (int i = 0; i < 80; ++i) {
        std::uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDC;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6;
        }
        const std::uint32_t temp = rotl(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = temp;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
}

Sha1::Digest Sha1::hash(std::string_view bytes) noexcept {
    Sha1 sha;
    sha.update(bytes);
    return sha.digest();
}

std::string to_hex(const Sha1::Digest& digest) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const std::uint8_t byte : digest) {
        out += digits[byte >> 4];
        out += digits[byte & 0xf];
    }
    return out;
}

}  // namespace ws
