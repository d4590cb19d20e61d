#pragma once
// A Redis reply as a plain C++ value, so that no hiredis type reaches the code that uses the
// link. Redis 7 speaks RESP2 to hiredis 0.14, which has exactly these six kinds of reply:
//
//   nil        a missing value (GET of a missing key, XREAD BLOCK that timed out)
//   integer    INCR, XLEN, DEL ...
//   status     a short text that is not data: "OK", "PONG"
//   error      "CODE message": the first word is the error's code ("ERR", "WRONGTYPE", ...)
//   string     a bulk string: any bytes, NUL included (text holds them all)
//   array      a list of replies, possibly nested (XRANGE: [[id, [field, value, ...]], ...])
//
// Errors made by the link itself rather than by Redis use the code LINK, as Redis' own codes
// do: "LINK timeout ...", "LINK down ...", "LINK busy ...", "LINK stopped". A LINK error on a
// command that was sent means the link cannot tell whether Redis executed it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lesson08 {

struct RedisReply {
    enum class Type { nil, integer, status, error, string, array };

    Type type = Type::nil;
    std::int64_t integer = 0;
    std::string text;                  // status, error and string
    std::vector<RedisReply> elements;  // array

    static RedisReply make_nil() { return {}; }
    static RedisReply make_integer(std::int64_t value);
    static RedisReply make_status(std::string text);
    static RedisReply make_error(std::string text);
    static RedisReply make_string(std::string bytes);
    static RedisReply make_array(std::vector<RedisReply> elements);
    // An error of the link itself: "LINK " + what.
    static RedisReply link_error(std::string_view what);

    bool is_nil() const noexcept { return type == Type::nil; }
    bool is_error() const noexcept { return type == Type::error; }
    // The first word of an error ("ERR", "WRONGTYPE", "LINK"); empty if not an error.
    std::string_view error_code() const noexcept;
    bool is_link_error() const noexcept { return error_code() == "LINK"; }

    friend bool operator==(const RedisReply&, const RedisReply&) = default;
};

// redis-cli's way of showing a reply on one line, for logs and test failures:
// (nil), (integer) 3, OK, (error) ERR ..., "bytes with \x00 escaped", [a, b].
std::string describe(const RedisReply& reply);

// Shows an argv as a command line: SET "key" "value" (escaped, long values cut).
std::string describe_command(const std::vector<std::string>& argv);

}  // namespace lesson08
