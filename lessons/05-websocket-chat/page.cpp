// The chat page. Its DOM is a contract the browser tests (tests/lesson05) rely on:
//
//   #status   the connection state, exactly one of: "connecting" (first attempt), "open",
//             "reconnecting" (closed; the next attempt waits for its backoff or is under way)
//   #me       the name the server gave us (guest-N, or the chosen one)
//   #message  the text input; #send sends it (Enter does too) and clears it.
//             "/nick NAME" renames, "/who" asks who is online; anything else is a chat message
//   #log      one <li> per event, oldest first:
//             li.message  a chat message: .time, .from and .text children (.text holds the text);
//                         li.message.mine when we sent it
//             li.notice   join, leave, rename, who answers: .text child
//             li.error    an error event from the server: .text child
//   #who      one <li> per user online (kept up to date by hello/join/leave/rename/users)
//   #online   the number of users online
//
// Text from the network is inserted with textContent, never as HTML: a message
// "<img src=x onerror=alert(1)>" shows up literally. A message of several lines stays inside
// its sender's entry (a grid column right of the name), so it cannot draw a line that looks like
// another user's message. Reconnection backs off exponentially (250 ms doubling to 8 s, with
// jitter) and starts over after a successful open.
#include "page.hpp"

namespace lesson05 {

namespace {

constexpr std::string_view page = R"PAGE(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lesson 05 chat</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.4 system-ui, sans-serif; color: #222; background: #f4f4f6;
         display: grid; grid-template-rows: auto 1fr auto; height: 100vh; }
  header { display: flex; gap: 1em; align-items: center; padding: .5em 1em; background: #2d3142; color: #fff; }
  header h1 { font-size: 1.1em; margin: 0; flex: 1; }
  #status { padding: .1em .6em; border-radius: 1em; background: #888; font-size: .85em; }
  #status[data-state="open"] { background: #2a9d4b; }
  #status[data-state="reconnecting"] { background: #c0392b; }
  main { display: grid; grid-template-columns: 1fr 12em; min-height: 0; }
  #log { list-style: none; margin: 0; padding: .5em 1em; overflow-y: auto; }
  /* An entry is a grid: time | sender | text. Every line of a text, newlines kept, stays in the
     third column, right of its sender and behind a rule, so that no line of a message can pass
     for an entry of its own ("12:00:00 admin: ..."): entries begin at the left edge, and
     nothing of a message is ever drawn there. */
  #log li { padding: .15em .4em; display: grid; grid-template-columns: auto auto minmax(0, 1fr); align-items: baseline; }
  #log li .text { grid-column: 3; white-space: pre-wrap; overflow-wrap: anywhere; }
  #log li.message .text { border-left: 2px solid #d0d3dc; padding-left: .4em; }
  .time { color: #888; font-size: .8em; margin-right: .5em; font-variant-numeric: tabular-nums; }
  .from { font-weight: 600; margin-right: .4em; }
  .from::after { content: ":"; }
  li.notice { color: #666; font-style: italic; }
  li.error { color: #b00020; }
  /* The user's own messages: a tint and a bar that take no room, so the layout stays the same. */
  li.mine { background: #e6eefc; box-shadow: inset 3px 0 #3b6fd8; }
  li.mine .from { color: #244a9b; }
  aside { border-left: 1px solid #ddd; padding: .5em 1em; overflow-y: auto; background: #fff; }
  aside h2 { font-size: .9em; margin: 0 0 .5em; }
  #who { list-style: none; margin: 0; padding: 0; }
  form { display: flex; gap: .5em; padding: .5em 1em; background: #fff; border-top: 1px solid #ddd; }
  #message { flex: 1; padding: .4em; font: inherit; }
  button { font: inherit; padding: .4em 1em; }
</style>
</head>
<body>
<header>
  <h1>Lesson 05 chat</h1>
  <span>you are <b id="me">?</b></span>
  <span id="status" data-state="connecting">connecting</span>
</header>
<main>
  <ul id="log" aria-live="polite"></ul>
  <aside><h2>Online (<span id="online">0</span>)</h2><ul id="who"></ul></aside>
</main>
<form id="composer" autocomplete="off">
  <input id="message" placeholder="Say something; /nick NAME, /who" maxlength="60000" autofocus>
  <button id="send" type="submit">Send</button>
</form>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
let socket = null;
let delay = 250;             // ms before the next attempt; doubles up to maxDelay
const maxDelay = 8000;
const maxEntries = 1000;     // log entries kept; older ones are removed
const users = new Set();     // who is online, as far as the events told us
const shown = new Set();     // "id@time" of every chat message in #log (see onMessage)
let firstAttempt = true;

function setStatus(state) {
  $("status").textContent = state;
  $("status").dataset.state = state;
}

function clock(ms) {
  const d = new Date(typeof ms === "number" ? ms : Date.now());
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function span(cls, text) {
  const s = document.createElement("span");
  s.className = cls;
  s.textContent = text;      // text, never HTML
  return s;
}

function append(kind, text, from, time) {
  const log = $("log");
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  const li = document.createElement("li");
  li.className = kind;
  li.append(span("time", clock(time)));
  if (from !== undefined) li.append(span("from", from));
  li.append(span("text", text));
  log.append(li);
  while (log.children.length > maxEntries) {
    shown.delete(log.firstElementChild.dataset.key);
    log.firstElementChild.remove();
  }
  if (atBottom) log.scrollTop = log.scrollHeight;
  return li;
}

function renderUsers(online) {
  const list = $("who");
  list.replaceChildren(...[...users].sort().map((name) => {
    const li = document.createElement("li");
    li.textContent = name;
    return li;
  }));
  $("online").textContent = String(online !== undefined ? online : users.size);
}

// A message is ours if it comes from the name we have at that point of the stream (the server
// sends events in order, renames included). After a reconnect the server replays its history;
// the messages already in #log are skipped, so ours keep their highlight and none is doubled.
// A message is known by its id and time: ids start again at 1 when the server restarts.
function onMessage(e) {
  const key = e.id + "@" + e.time;
  if (shown.has(key)) return;
  const li = append(e.from === $("me").textContent ? "message mine" : "message", e.text, e.from, e.time);
  li.dataset.key = key;
  shown.add(key);
}

function onEvent(e) {
  switch (e.type) {
    case "hello":
      $("me").textContent = e.name;
      users.clear();
      for (const name of e.users) users.add(name);
      renderUsers(e.online);
      break;
    case "message": onMessage(e); break;
    case "join":
      users.add(e.name);
      renderUsers();
      append("notice", e.name + " joined", undefined, e.time);
      break;
    case "leave":
      users.delete(e.name);
      renderUsers();
      append("notice", e.name + " left", undefined, e.time);
      break;
    case "rename":
      users.delete(e.from);
      users.add(e.to);
      if ($("me").textContent === e.from) $("me").textContent = e.to;
      renderUsers();
      append("notice", e.from + " is now " + e.to, undefined, e.time);
      break;
    case "users":
      users.clear();
      for (const name of e.users) users.add(name);
      renderUsers(e.online);
      append("notice", e.online + " online: " + e.users.join(", "));
      break;
    case "error": append("error", e.text); break;
  }
}

function connect() {
  setStatus(firstAttempt ? "connecting" : "reconnecting");
  firstAttempt = false;
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => { delay = 250; setStatus("open"); };
  ws.onmessage = (m) => {
    let e;
    try { e = JSON.parse(m.data); } catch { append("message", String(m.data), "?"); return; }
    onEvent(e);
  };
  ws.onclose = (c) => {
    if (socket !== ws) return;
    socket = null;
    setStatus("reconnecting");
    if (c.code !== 1000 && c.code !== 1005) append("error", "connection closed: " + c.code + (c.reason ? " " + c.reason : ""));
    const wait = delay * (0.75 + Math.random() / 2);  // jitter: not everyone retries at once
    delay = Math.min(delay * 2, maxDelay);
    setTimeout(connect, wait);
  };
}

$("composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("message").value;
  if (!text || !socket || socket.readyState !== WebSocket.OPEN) return;
  if (text.startsWith("/nick ")) socket.send(JSON.stringify({ type: "nick", name: text.slice(6).trim() }));
  else if (text === "/who") socket.send(JSON.stringify({ type: "who" }));
  else socket.send(JSON.stringify({ type: "message", text }));
  $("message").value = "";
});

connect();
</script>
</body>
</html>
)PAGE";

}  // namespace

std::string_view chat_page_html() noexcept { return page; }

std::string chat_page_response() {
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ";
    out += std::to_string(page.size());
    out += "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
           "Content-Security-Policy: default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
           "connect-src 'self' ws: wss:\r\nConnection: close\r\n\r\n";
    out += page;
    return out;
}

}  // namespace lesson05
