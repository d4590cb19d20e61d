#include "ws/random.hpp"

#include <sys/random.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ws {

void RandomSource::refill() {
    std::size_t got = 0;
    while (got < buffer_.size()) {
        const ssize_t n = ::getrandom(buffer_.data() + got, buffer_.size() - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(std::string("getrandom: ") + std::strerror(errno));
        got += static_cast<std::size_t>(n);
    }
    used_ = 0;
}

void RandomSource::fill(std::uint8_t* out, std::size_t size) {
    while (size > 0) {
        if (used_ == buffer_.size()) refill();
        const std::size_t n = std::min(size, buffer_.size() - used_);
        std::memcpy(out, buffer_.data() + used_, n);
        used_ += n;
        out += n;
        size -= n;
    }
}

std::string RandomSource::bytes(std::size_t size) {
    std::string out(size, '\0');
    fill(reinterpret_cast<std::uint8_t*>(out.data()), size);
    return out;
}

MaskKey RandomSource::mask_key() {
    MaskKey key;
    fill(key.data(), key.size());
    return key;
}

}  // namespace ws
