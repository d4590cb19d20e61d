// The echo page. Its DOM is a contract the browser tests (tests/peers/browser_echo.mjs,
// tests/lesson04/peers/page_states.mjs) rely on:
//
//   #pill     the connection's state, as a coloured pill: data-state is the same word as #status;
//             once closed, data-clean is "true" if the closing handshake completed, else "false"
//   #status   exactly one of "connecting", "open", "closing" (our close sent, the answer not yet
//             in), "closed"
//   #detail   empty until closed, then the close code and the reason the other side gave, or
//             the code's name in parentheses when it gave none: "1001 server shutting down",
//             "1000 (normal closure)", "1006 (no close frame)"
//   #message  the text input; #send sends it as a text message and clears it (Enter does too)
//   #close    sends a close 1000 "bye"; #connect opens a new WebSocket once closed. Each button
//             is enabled only in the state where it makes sense
//   #log      one <li> per entry, oldest first, at most 500: li.sent (what we sent), li.received
//             (a message from the server: textContent is exactly the message), li.event (open,
//             close). .legend holds one <li> of each class, with the same marker
//
// Text from the network (messages, close reasons) is inserted with textContent, never as HTML.
// The icon is a data: URL in the page, so the browser never asks the server for /favicon.ico.
#include "page.hpp"

#include "ws/handshake.hpp"

#include <string_view>

namespace lesson04 {

namespace {

constexpr std::string_view page = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lesson 04: WebSocket echo</title>
<!-- The icon is part of the page (a data: URL): the browser never asks the server for /favicon.ico. -->
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%232d3142'/%3E%3Cpath d='M3 5.5h9M9.5 3l2.5 2.5L9.5 8M13 10.5H4M6.5 8 4 10.5 6.5 13' fill='none' stroke='%23fff' stroke-width='1.5'/%3E%3C/svg%3E">
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.4 system-ui, sans-serif; color: #222; background: #f4f4f6;
         display: grid; grid-template-rows: auto auto 1fr auto; height: 100vh; }
  header { display: flex; gap: 1em; align-items: center; padding: .5em 1em; background: #2d3142; color: #fff; }
  h1 { font-size: 1.1em; margin: 0; flex: 1; }
  #pill { padding: .1em .7em; border-radius: 1em; font-size: .85em; background: #b7791f; }
  #pill[data-state="open"] { background: #2a9d4b; }
  #pill[data-state="closed"] { background: #6b6f7b; }
  #pill[data-state="closed"][data-clean="false"] { background: #c0392b; }
  .legend { display: flex; flex-wrap: wrap; gap: .3em 1.5em; list-style: none; margin: 0;
            padding: .4em 1em; font-size: .85em; color: #555; border-bottom: 1px solid #ddd; }
  #log { list-style: none; margin: 0; padding: .5em 1em; overflow-y: auto; font-family: ui-monospace, monospace; }
  #log li { padding: .1em 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  /* One marker per kind of entry, the same in the legend and in the log. */
  .sent::before, .received::before, .event::before { display: inline-block; width: 1.5em; font-weight: bold; }
  .sent::before { content: "\2192"; color: #2b6cb0; }      /* → to the server */
  .received::before { content: "\2190"; color: #2a9d4b; }  /* ← from the server */
  .event::before { content: "\2022"; color: #888; }        /* • */
  #log li.event { color: #666; font-style: italic; font-family: system-ui, sans-serif; }
  form { display: flex; gap: .5em; padding: .5em 1em; background: #fff; border-top: 1px solid #ddd; }
  #message { flex: 1; padding: .4em; font: inherit; }
  button { font: inherit; padding: .4em 1em; }
</style>
</head>
<body>
<header>
  <h1>Lesson 04: WebSocket echo</h1>
  <span id="pill" data-state="connecting"><span id="status">connecting</span> <span id="detail"></span></span>
</header>
<ul class="legend" aria-label="legend">
  <li class="sent">sent by this page</li>
  <li class="received">echoed by the server</li>
  <li class="event">the connection opened or closed</li>
</ul>
<ol id="log" aria-live="polite"></ol>
<form id="form" autocomplete="off">
  <input id="message" placeholder="type a message, then Enter" autofocus>
  <button id="send" type="submit" disabled>Send</button>
  <button id="close" type="button" disabled>Close</button>
  <button id="connect" type="button" disabled>Reconnect</button>
</form>
<script>
"use strict";
// Everything below uses the browser's own WebSocket: it does the handshake, masks our frames
// and answers pings. Open the developer tools (Network, then WS) to watch the frames.
const $ = (id) => document.getElementById(id);
const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
const maxEntries = 500;  // the log is bounded too
// Shown when a close frame gave no reason (RFC 6455 7.4.1). 1005 and 1006 are never sent:
// the browser reports them itself, for a close without a code and for no close frame at all.
const codeNames = { 1000: "normal closure", 1001: "going away", 1002: "protocol error", 1003: "unsupported data",
                    1005: "no status code", 1006: "no close frame", 1007: "invalid payload data",
                    1008: "policy violation", 1009: "message too big", 1011: "internal error" };
let socket = null;

function setState(state, detail = "") {
  $("status").textContent = state;
  $("detail").textContent = detail;  // may hold the server's reason: text, never HTML
  $("pill").dataset.state = state;
  $("send").disabled = state !== "open";
  $("close").disabled = state !== "open";
  $("connect").disabled = state !== "closed";
}

function append(kind, text) {
  const log = $("log");
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  const li = document.createElement("li");
  li.className = kind;
  li.textContent = text;  // text, never HTML: a message cannot inject markup
  log.append(li);
  while (log.children.length > maxEntries) log.firstElementChild.remove();
  if (atBottom) log.scrollTop = log.scrollHeight;
}

function connect() {
  setState("connecting");
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  socket = ws;
  ws.addEventListener("open", () => {
    setState("open");
    append("event", "open: " + url);
  });
  ws.addEventListener("message", (event) => {
    if (typeof event.data === "string") append("received", event.data);
    else append("received", "binary " + event.data.byteLength + " bytes");
  });
  // No "error" handler: that event carries no detail (on purpose: a page may not learn why a
  // connection failed). The close event that always follows has the code.
  ws.addEventListener("close", (event) => {
    const why = event.reason || (event.code in codeNames ? "(" + codeNames[event.code] + ")" : "");
    const detail = (event.code + " " + why).trim();
    setState("closed", detail);
    $("pill").dataset.clean = String(event.wasClean);
    append("event", "closed " + detail + (event.wasClean ? "" : ": the connection ended without a closing handshake"));
  });
}

$("form").addEventListener("submit", (event) => {
  event.preventDefault();  // no page reload
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  socket.send($("message").value);
  append("sent", $("message").value);
  $("message").value = "";
});
$("close").addEventListener("click", () => {
  socket.close(1000, "bye");  // the server answers with its own close, echoing the code
  setState("closing");
  append("event", "sent close 1000 \"bye\"; waiting for the server's close");
});
$("connect").addEventListener("click", connect);

connect();
</script>
</body>
</html>
)html";

}  // namespace

std::string_view echo_page_html() noexcept { return page; }

std::string echo_page_response() {
    // The Content-Security-Policy is a second line of defence: should markup ever get into the
    // page, it could load nothing from anywhere, and talk to no server but this one. The
    // page's own script and style are inline, so they have to be allowed; the icon is data:.
    return ws::http_ok_response("text/html; charset=utf-8", page,
                                "Cache-Control: no-store\r\n"
                                "X-Content-Type-Options: nosniff\r\n"
                                "Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; "
                                "style-src 'unsafe-inline'; img-src data:; connect-src 'self'\r\n");
}

}  // namespace lesson04
