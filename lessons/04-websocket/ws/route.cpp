#include "ws/route.hpp"

namespace ws {

namespace {

Route refuse(int status, std::string summary, std::string response) {
    Route route;
    route.kind = Route::Kind::refuse;
    route.status = status;
    route.response = std::make_shared<const std::string>(std::move(response));
    route.summary = std::move(summary);
    return route;
}

}  // namespace

Route route_request(const HttpHead& request, const Site& site) {
    const std::string_view target = request.target;
    const std::string_view path = target.substr(0, target.find('?'));
    const std::string line = request.method + " " + request.target;
    if (path == "/ws") {
        Route route;
        route.handshake = evaluate_handshake(request, site.handshake);
        const HandshakeResult& hs = *route.handshake;
        route.kind = hs.accepted() ? Route::Kind::upgrade : Route::Kind::refuse;
        route.status = hs.status;
        route.response = std::make_shared<const std::string>(hs.response);
        route.summary = hs.accepted() ? line + " -> 101"
                                      : "handshake refused: " + std::to_string(hs.status) + " " + hs.reason;
        return route;
    }
    if (path == "/" || path == "/index.html") {
        if (request.method != "GET") {
            return refuse(405, line + " -> 405", http_error_response(405, "only GET here", "Allow: GET\r\n"));
        }
        Route route;
        route.kind = Route::Kind::page;
        route.status = 200;
        route.response = site.page;
        route.summary = line + " -> 200 page";
        return route;
    }
    return refuse(404, line + " -> 404", http_error_response(404, "no such page: try / or /ws"));
}

Route refuse_bad_request(int status, std::string_view reason) {
    return refuse(status, "bad request: " + std::to_string(status) + " " + std::string(reason),
                  http_error_response(status, reason));
}

}  // namespace ws
