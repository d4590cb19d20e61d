#include "page.hpp"

namespace lesson04 {

namespace {

constexpr std::string_view page = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Lesson 04: WebSocket echo</title>
<!-- The icon is part of the page (a data: URL): the browser never asks the server for /favicon.ico. -->
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%232d3142'/%3E%3Cpath d='M3 5.5h9M9.5 3l2.5 2.5L9.5 8M13 10.5H4M6.5 8 4 10.5 6.5 13' fill='none' stroke='%23fff' stroke-width='1.5'/%3E%3C/svg%3E">
<style>
  body { font-family: sans-serif; max-width: 40em; margin: 2em auto; }
  #log { border: 1px solid #ccc; padding: .5em; min-height: 10em; font-family: monospace; }
  .sent { color: #555; } .sent::before { content: "> "; }
  .received::before { content: "< "; } .event { color: #a00; font-style: italic; }
</style>
</head>
<body>
<h1>WebSocket echo</h1>
<p>Status: <span id="status">connecting</span></p>
<form id="form">
  <input id="message" autocomplete="off" placeholder="type a message" autofocus>
  <button id="send" type="submit">Send</button>
</form>
<div id="log"></div>
<script>
"use strict";
// Everything below uses the browser's own WebSocket: it does the handshake, masks our frames
// and answers pings. Open the developer tools (Network, then WS) to watch the frames.
const status = document.getElementById("status");
const log = document.getElementById("log");
const input = document.getElementById("message");

function append(text, cls) {
  const line = document.createElement("div");
  line.className = cls;
  line.textContent = text;  // text, never HTML: a message cannot inject markup
  log.appendChild(line);
}

const scheme = location.protocol === "https:" ? "wss://" : "ws://";
const socket = new WebSocket(scheme + location.host + "/ws");
socket.binaryType = "arraybuffer";

socket.addEventListener("open", () => { status.textContent = "open"; });
socket.addEventListener("message", (event) => {
  if (typeof event.data === "string") append(event.data, "received");
  else append("binary " + event.data.byteLength + " bytes", "received");
});
socket.addEventListener("close", (event) => {
  status.textContent = "closed";
  append("closed with code " + event.code + (event.reason ? ": " + event.reason : ""), "event");
});
socket.addEventListener("error", () => append("WebSocket error", "event"));

document.getElementById("form").addEventListener("submit", (event) => {
  event.preventDefault();  // no page reload
  if (socket.readyState !== WebSocket.OPEN) return;
  socket.send(input.value);
  append(input.value, "sent");
  input.value = "";
});
</script>
</body>
</html>
)html";

}  // namespace

std::string_view echo_page_html() noexcept { return page; }

std::string echo_page_response() {
    std::string out = "HTTP/1.1 200 OK\r\n"
                      "Content-Type: text/html; charset=utf-8\r\n"
                      "Content-Length: " + std::to_string(page.size()) + "\r\n"
                      "Cache-Control: no-store\r\n"
                      "Connection: close\r\n"
                      "\r\n";
    out += page;
    return out;
}

}  // namespace lesson04
