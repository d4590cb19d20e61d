// The chat page. Its DOM is a contract the browser tests (tests/lesson05) rely on:
//
//   #status   data-state is the connection state, exactly one of: "connecting" (first attempt),
//             "open", "reconnecting" (lost; waiting for the next attempt, or making it). Its
//             text is "connecting", "open", or while reconnecting one line that updates:
//             "reconnecting in 4 s (attempt 3)", then "reconnecting now (attempt 3)"
//   #me       the name the server gave us (guest-N, or the chosen one)
//   #message  the text input; #send sends it (Enter does too) and clears it, once the server's
//             hello has arrived. "/nick NAME" renames, "/who" asks who is online; anything else
//             is a chat message
//   #log      one <li> per event, oldest first:
//             li.message  a chat message: .time, .from and .text children (.text holds the text);
//                         li.message.mine when we sent it
//             li.notice   join, leave, rename, who answers: .text child
//             li.error    an error event from the server: .text child
//             li.connection.lost / li.connection.back   one line when the connection is lost
//                         (or cannot be made), one when it is back: retries add none
//   #people   the aside holding #online (the number of users online) and #who (one <li> per
//             user online, kept up to date by hello/join/leave/rename/users)
//   #me and #people have class "stale" and #stale-note is shown while disconnected: from the
//   loss until the next hello
//
// Text from the network is inserted with textContent, never as HTML: a message
// "<img src=x onerror=alert(1)>" shows up literally. A message of several lines stays inside
// its sender's entry (a grid column right of the name), so it cannot draw a line that looks like
// another user's message. Reconnection backs off exponentially (250 ms doubling to 8 s, with
// jitter) and starts over after a successful open. After a reconnect the page asks for the name
// the user chose again (a nick command); if someone else has it now, one error line says so and
// the page stays the guest the server named it. It also resumes: it sends
// {"type":"resume","after":ID} with the id of the last message it saw, and shows the messages it
// missed (the server sends them just before its `resumed` answer) in their place, before the
// newer ones, none twice; if the server no longer has them, one error line says so.
#include "page.hpp"

#include "ws/handshake.hpp"

#include <string_view>

namespace lesson05 {

namespace {

constexpr std::string_view page = R"PAGE(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lesson 05 chat</title>
<!-- The icon is part of the page (a data: URL): the browser never asks the server for /favicon.ico. -->
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Cpath d='M2 3.5A1.5 1.5 0 0 1 3.5 2h9A1.5 1.5 0 0 1 14 3.5v6a1.5 1.5 0 0 1-1.5 1.5H7l-3 3v-3h-.5A1.5 1.5 0 0 1 2 9.5z' fill='%232d3142'/%3E%3C/svg%3E">
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
  li.connection { color: #8a4b00; }
  li.connection .text { font-weight: 600; }
  /* The user's own messages: a tint and a bar that take no room, so the layout stays the same. */
  li.mine { background: #e6eefc; box-shadow: inset 3px 0 #3b6fd8; }
  li.mine .from { color: #244a9b; }
  /* Stale: what we knew when the connection was lost, greyed until the next hello. */
  #me.stale { opacity: .5; font-style: italic; }
  #people.stale h2, #people.stale #who { opacity: .45; }
  #stale-note { margin: 0 0 .5em; font-size: .8em; color: #8a4b00; }
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
  <aside id="people">
    <h2>Online (<span id="online">0</span>)</h2>
    <p id="stale-note" hidden></p>
    <ul id="who"></ul>
  </aside>
</main>
<form id="composer" autocomplete="off">
  <input id="message" placeholder="Say something; /nick NAME, /who" maxlength="60000" autofocus>
  <button id="send" type="submit">Send</button>
</form>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
const firstDelay = 250;      // ms before the first retry; doubles up to maxDelay
const maxDelay = 8000;
const maxEntries = 1000;     // log entries kept; older ones are removed

// The connection, one state at a time (#status shows it):
//   "connecting"  the page's first attempt is under way
//   "joining"     open; the server's hello (who we are) has not arrived yet
//   "catching-up" greeted after a reconnect; the page's own commands (its name back, the
//                 resume) are not all answered yet, and the composer waits for them
//   "ready"       open and greeted: the composer sends
//   "waiting"     lost, or never reached: the next attempt starts at retryAt
//   "retrying"    a later attempt is under way
let state = "connecting";
let socket = null;
let connectedBefore = false; // has any attempt ever opened? (words the log's lines)
let attempt = 0;             // the retry waited for or under way; 0 while connected
let delay = firstDelay;      // the next retry's delay before jitter
let retryAt = 0;             // Date.now() at which "waiting" ends
let countdownTimer = 0;      // updates #status every second while "waiting"

// Who we are. `me` is the name the server gave us last. `chosen` is the name the user took
// with /nick (null for a guest): after a reconnect the server has forgotten us and greets us as
// a new guest-N, so the page asks for `chosen` again with the same nick command.
let me = null;
let chosen = null;

// The commands the page sends by itself after a hello, oldest first, while unanswered:
// "reclaim" (the nick command for `chosen`) and "resume". An error event carries no reference to
// the command it answers, so the page attributes it by order: a server answers one connection's
// commands in the order they came, so an error that arrives while these are outstanding answers
// the oldest. That holds because nothing else can be outstanding: the composer waits
// ("catching-up"), and news about the server itself comes as `status`, never as `error`. A
// reclaim that succeeded is answered by our own rename, which may come after `resumed` (lesson
// 08 delivers a rename when it reads it back from Redis): `resumed` with the reclaim still
// outstanding means the server accepted it.
let pending = [];

// Resume. `lastId` is the id of the last message we saw (null before the first). While a resume
// is outstanding it stays as it was sent, and `received` lists every message event since, as
// {id, li} (li null for one we already showed): `resumed` says that its last `missed` entries
// are the replay, which belongs before the newer messages this connection brought first
// (`firstNew`, the first message <li> it added).
let lastId = null;
let received = [];
let firstNew = null;

const users = new Set();     // who is online, as far as the events told us
const shown = new Set();     // "id@time" of every chat message in #log (see onMessage)

// #status: data-state is "connecting", "open" or "reconnecting"; the text adds the details.
function showStatus() {
  let kind = "open", text = "open";
  switch (state) {
    case "connecting": kind = text = "connecting"; break;
    case "waiting": {
      const seconds = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
      kind = "reconnecting";
      text = "reconnecting in " + seconds + " s (attempt " + attempt + ")";
      break;
    }
    case "retrying": kind = "reconnecting"; text = "reconnecting now (attempt " + attempt + ")"; break;
  }
  $("status").textContent = text;
  $("status").dataset.state = kind;
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

// While disconnected, the name and the list are what they were when the connection was lost:
// they are greyed and a note says since when, until the next hello brings the truth.
function markStale(stale) {
  $("me").classList.toggle("stale", stale);
  $("people").classList.toggle("stale", stale);
  $("stale-note").hidden = !stale;
  if (stale) $("stale-note").textContent = "Not connected since " + clock() + ": this list and your name may be out of date.";
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

function setMe(name) {
  me = name;
  $("me").textContent = name;
}

function onHello(e) {
  setMe(e.name);
  users.clear();
  for (const name of e.users) users.add(name);
  renderUsers(e.online);
  markStale(false);
  pending = [];
  firstNew = null;
  received = [];
  // A reconnect (or a server that greets us again): our name back, then what we missed.
  if (chosen !== null && chosen !== e.name) {
    pending.push("reclaim");
    socket.send(JSON.stringify({ type: "nick", name: chosen }));
  }
  if (lastId !== null) {
    pending.push("resume");
    socket.send(JSON.stringify({ type: "resume", after: lastId }));
  }
  state = pending.length === 0 ? "ready" : "catching-up";
}

// One of the page's own commands is answered: the composer sends once all are.
function answered(command) {
  const at = pending.indexOf(command);
  if (at !== -1) pending.splice(at, 1);
  if (pending.length === 0 && state === "catching-up") state = "ready";
}

// A message is ours if it comes from the name we have at that point of the stream (the server
// sends events in order, renames included). After a reconnect the server replays its history;
// the messages already in #log are skipped, so ours keep their highlight and none is doubled.
// A message is known by its id and time: ids start again at 1 when the server restarts.
function onMessage(e) {
  const key = e.id + "@" + e.time;
  const resuming = pending.includes("resume");
  if (shown.has(key)) {
    if (resuming) received.push({ id: e.id, li: null });
    return;
  }
  const li = append(e.from === me ? "message mine" : "message", e.text, e.from, e.time);
  li.dataset.key = key;
  shown.add(key);
  if (firstNew === null) firstNew = li;
  if (resuming) received.push({ id: e.id, li });
  else lastId = e.id;
}

// The answer to our resume: the last `missed` messages received were the replay. They are
// older than anything else this connection brought (its greeting's history, then live), so they
// move before the first of those; our last id is the newest message then.
function onResumed(e) {
  if (!pending.includes("resume")) return;
  const missed = Math.min(Math.max(0, Number(e.missed) || 0), received.length);
  const replay = received.slice(received.length - missed);
  const newer = received.slice(0, received.length - missed);
  if (firstNew !== null && firstNew.isConnected && newer.some((r) => r.li !== null)) {
    for (const r of replay) if (r.li !== null) $("log").insertBefore(r.li, firstNew);
  }
  const newest = newer.length > 0 ? newer.at(-1) : replay.at(-1);
  if (newest !== undefined) lastId = newest.id;
  received = [];
  answered("reclaim");       // answered before the resume (else an error came): accepted
  answered("resume");
}

function onRename(e) {
  users.delete(e.from);
  users.add(e.to);
  if (e.from === me) {
    setMe(e.to);
    chosen = e.to;
    answered("reclaim");
  }
  renderUsers();
  append("notice", e.from + " is now " + e.to, undefined, e.time);
}

function onError(e) {
  switch (pending[0]) {
    case "reclaim":          // someone else has the name now: we stay the guest we were made
      append("error", "could not take back your name " + chosen + " (" + e.text + "): you are " + me +
             " now; /nick NAME picks another");
      chosen = null;
      answered("reclaim");
      break;
    case "resume": {         // the server cannot say what we missed: we go on from here
      append("error", "could not fetch the messages sent while you were away (" + e.text + ")");
      const newest = received.at(-1);
      if (newest !== undefined) lastId = newest.id;
      received = [];
      answered("resume");
      break;
    }
    default: append("error", e.text);
  }
}

function onEvent(e) {
  switch (e.type) {
    case "hello": onHello(e); break;
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
    case "rename": onRename(e); break;
    case "users":
      users.clear();
      for (const name of e.users) users.add(name);
      renderUsers(e.online);
      append("notice", e.online + " online: " + e.users.join(", "));
      break;
    case "resumed": onResumed(e); break;
    case "error": onError(e); break;
    case "status": append("notice", e.text); break;  // lesson 08's nodes: their store is down, back
  }
}

function connect() {
  clearInterval(countdownTimer);
  if (state === "waiting") state = "retrying";
  showStatus();
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    if (attempt > 0) append("connection back", (connectedBefore ? "connection back" : "connected") + " (attempt " + attempt + ")");
    connectedBefore = true;
    attempt = 0;
    delay = firstDelay;
    pending = [];
    state = "joining";
    showStatus();
  };
  ws.onmessage = (m) => {
    let e;
    try { e = JSON.parse(m.data); } catch { append("message", String(m.data), "?"); return; }
    onEvent(e);
  };
  ws.onclose = (c) => {
    if (socket !== ws) return;
    socket = null;
    // One log line when the connection is lost (or cannot be made at first); the retries that
    // follow only update #status.
    if (state !== "retrying") {
      const why = " (close code " + c.code + (c.reason ? ": " + c.reason : "") + ")";
      append("connection lost", (state === "connecting" ? "cannot reach the server" : "connection lost") + why);
      markStale(true);
    }
    attempt += 1;
    const wait = delay * (0.75 + Math.random() / 2);  // jitter: not everyone retries at once
    delay = Math.min(delay * 2, maxDelay);
    state = "waiting";
    retryAt = Date.now() + wait;
    setTimeout(connect, wait);
    countdownTimer = setInterval(showStatus, 1000);
    showStatus();
  };
}

$("composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("message").value;
  if (!text || state !== "ready") return;
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

std::string chat_page_response() {
    return ws::http_ok_response("text/html; charset=utf-8", page,
                                "Cache-Control: no-store\r\n"
                                "X-Content-Type-Options: nosniff\r\n"
                                "Content-Security-Policy: default-src 'self'; script-src 'unsafe-inline'; "
                                "style-src 'unsafe-inline'; img-src data:; connect-src 'self' ws: wss:\r\n");
}

}  // namespace lesson05
