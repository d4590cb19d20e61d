#include "feed/response.hpp"

#include "ws/http.hpp"

namespace feed {

Response http_response(int status, std::string_view content_type, std::string_view body, bool keep_alive,
                       std::string_view extra_headers) {
    Response response;
    response.status = status;
    std::string& out = response.bytes;
    out.reserve(160 + content_type.size() + extra_headers.size() + body.size());
    out += "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    out += ws::http_reason_phrase(status);
    out += "\r\nContent-Type: ";
    out += content_type;
    out += "\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\nCache-Control: no-store\r\nConnection: ";
    out += keep_alive ? "keep-alive" : "close";
    out += "\r\n";
    out += extra_headers;
    out += "\r\n";
    response.head_size = out.size();
    out += body;
    return response;
}

Response json_response(int status, std::string_view json, bool keep_alive) {
    return http_response(status, "application/json", json, keep_alive);
}

Response error_response(int status, std::string_view reason, bool keep_alive,
                        std::string_view extra_headers) {
    std::string body(reason);
    for (char& c : body) {
        if (c == '\r' || c == '\n') c = ' ';  // one line, whatever the reason holds
    }
    body += '\n';
    return http_response(status, "text/plain; charset=utf-8", body, keep_alive, extra_headers);
}

Response sse_response_head() {
    // No Content-Length: the stream is the body and ends with the connection, so the answer
    // says Connection: close (RFC 9112 9.6) and the connection carries no other request.
    Response response;
    response.status = 200;
    response.bytes =
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/event-stream\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n"
        "\r\n";
    response.head_size = response.bytes.size();
    return response;
}

std::string_view continue_response() noexcept { return "HTTP/1.1 100 Continue\r\n\r\n"; }

}  // namespace feed
