// The pull-vs-push page. Its DOM and its `window.feedPanels` are a contract the browser test
// (tests/lesson07/browser/feed_page.mjs) relies on:
//
//   section#poll, #longpoll, #sse, #ws   one panel per mode, each holding:
//     .pill      data-state is exactly one of "connecting" (the first request or connection is
//                under way), "open" (the last request was answered, or the stream is open),
//                "reconnecting" (it failed; the next attempt is waiting or under way),
//                "paused"; its text adds the details ("every 1 s", "retry in 2 s")
//     .toggle    a button: "Pause" stops the panel (its request is aborted, its stream
//                closed), "Resume" starts it again from the last id it received, so nothing
//                published meanwhile is lost
//     .events    an <ol>, newest first, at most 50 <li>: .id ("#12"), .latency ("0.4 ms"),
//                .text (the event's text, as text); li.burst when the event came in one answer
//                with others
//     .received .p50 .requests .per-event .duplicates   the panel's numbers
//     .server    what /stats says the server sent to every client of this mode
//     .note      the latest thing worth a sentence (a reset, an error); empty otherwise
//   #poll-interval   a <select> of the polling interval in seconds: 0.25, 0.5, 1 (default), 2, 5
//   #publish-form    #publish-text and #publish POST the text to /publish; #publish-result says
//                    "published #N" or the server's refusal
//
//   window.feedPanels.poll / .longpoll / .sse / .ws: plain data the test reads without scraping:
//     connection  the same word as the pill's data-state
//     lastId      the newest event id received; null until the panel knows where "now" is
//     received    events shown; duplicates: events received again (id <= lastId, dropped);
//                 resets: times the server said our resume point was not in its log
//     requests    HTTP requests this panel made (streams: the connections it opened)
//     bytes       bytes it received, as counted here (see each panel's .counted line)
//     ids, latenciesMs   the last 1000 received, oldest first
//
// Text from the network is inserted with textContent, never as HTML: an event "<b>x</b>" shows
// up literally. The document carries its own Content-Security-Policy in a <meta> element, and
// names its icon as a data: URL, so the browser asks this server for nothing else and nothing
// from anywhere else. Latency is the browser's wall clock minus the event's `us` (the server's):
// the same clock only when both run on one machine.
#include "page.hpp"

namespace lesson07 {

namespace {

constexpr const char* page = R"PAGE(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<!-- A second line of defence should markup ever get in: no script or style from anywhere but
     this document, no images but data: URLs, and requests to this server only (CSP Level 3:
     'self' covers ws:// and wss:// to the page's own host and port too). -->
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'">
<title>Lesson 07: pull vs push</title>
<!-- The icon is part of the page (a data: URL): the browser never asks the server for /favicon.ico. -->
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%232d3142'/%3E%3Cpath d='M3 4h4M3 8h7M3 12h10' stroke='%23fff' stroke-width='1.6' stroke-linecap='round'/%3E%3C/svg%3E">
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #222; background: #f4f4f6; }
  header.top { display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: center; padding: .5em 1em;
               background: #2d3142; color: #fff; }
  header.top h1 { font-size: 1.1em; margin: 0; flex: 1; }
  #publish-form { display: flex; gap: .4em; align-items: center; }
  #publish-text { width: 22em; max-width: 50vw; padding: .3em; font: inherit; }
  #publish-result { font-size: .85em; min-width: 8em; }
  button, select { font: inherit; padding: .2em .7em; }
  .intro { margin: .5em 1em 0; color: #555; font-size: .9em; }
  /* Four panels in a row on a wide screen, two by two, then one above the other. */
  main { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .75em; padding: .75em 1em; }
  @media (max-width: 1100px) { main { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
  @media (max-width: 640px) { main { grid-template-columns: minmax(0, 1fr); } }
  .panel { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .5em .75em;
           display: flex; flex-direction: column; min-height: 24em; }
  .panel header { display: flex; align-items: center; gap: .5em; }
  .panel h2 { font-size: 1em; margin: 0; flex: 1; }
  .how { margin: .3em 0; font-size: .85em; color: #444; }
  .how code { font-size: .95em; }
  .pill { padding: .05em .7em; border-radius: 1em; font-size: .8em; color: #fff; background: #b7791f; white-space: nowrap; }
  .pill[data-state="open"] { background: #2a9d4b; }
  .pill[data-state="paused"] { background: #6b6f7b; }
  .pill[data-state="reconnecting"] { background: #c0392b; }
  dl.numbers { display: grid; grid-template-columns: auto 1fr; gap: 0 .8em; margin: .3em 0; font-size: .9em; }
  dl.numbers dt { color: #666; }
  dl.numbers dd { margin: 0; font-variant-numeric: tabular-nums; font-weight: 600; }
  .counted, .server { margin: .2em 0; font-size: .78em; color: #666; }
  .note { margin: .2em 0; font-size: .8em; color: #8a4b00; min-height: 1.2em; }
  ol.events { list-style: none; margin: .3em 0 0; padding: 0; overflow-y: auto; max-height: 60vh;
              font-size: .85em; border-top: 1px solid #eee; }
  ol.events li { display: grid; grid-template-columns: 4em 5.5em minmax(0, 1fr); padding: .1em .2em;
                 border-bottom: 1px solid #f2f2f2; }
  /* Events that came in one answer together: a bar on the left. Polling shows its bursts. */
  ol.events li.burst { box-shadow: inset 3px 0 #d99a1e; }
  .id { color: #888; font-variant-numeric: tabular-nums; }
  .latency { text-align: right; padding-right: .6em; font-variant-numeric: tabular-nums; }
  .text { white-space: pre-wrap; overflow-wrap: anywhere; }
</style>
</head>
<body>
<header class="top">
  <h1>Lesson 07: pull vs push</h1>
  <form id="publish-form" autocomplete="off">
    <input id="publish-text" placeholder="an event's text (up to 4 KiB)" aria-label="event text">
    <button id="publish" type="submit">Publish</button>
    <span id="publish-result" aria-live="polite"></span>
  </form>
</header>
<p class="intro">One feed, four ways. Each panel first asks <code>GET /events</code> where
"now" is (the newest id), then follows the feed from there; Pause and Resume go on from the last id. Latency is this browser's clock minus the time the server
created the event (one clock when both run on this machine). p50 is the median of the last 100.
Requests and bytes are counted by this page; the grey line under them is what the server counted
for every client of that mode (<code>GET /stats</code>, which this page asks every 2 s).</p>
<main>
  <section class="panel" id="poll">
    <header><h2>Polling</h2><span class="pill" data-state="connecting">connecting</span><button class="toggle" type="button">Pause</button></header>
    <p class="how"><code>GET /events?after=ID</code> every
      <select id="poll-interval" aria-label="polling interval">
        <option value="250">0.25 s</option><option value="500">0.5 s</option>
        <option value="1000" selected>1 s</option><option value="2000">2 s</option>
        <option value="5000">5 s</option>
      </select>, answered at once, often with <code>[]</code></p>
    <dl class="numbers"></dl>
    <p class="counted">bytes: the bodies of the answers, empty ones included; the HTTP heads are invisible to JavaScript</p>
    <p class="server"></p><p class="note"></p>
    <ol class="events"></ol>
  </section>
  <section class="panel" id="longpoll">
    <header><h2>Long polling</h2><span class="pill" data-state="connecting">connecting</span><button class="toggle" type="button">Pause</button></header>
    <p class="how"><code>GET /events?after=ID&amp;wait=25</code>: held by the server until an event
      exists (or 25 s pass), then asked again at once</p>
    <dl class="numbers"></dl>
    <p class="counted">bytes: the bodies of the answers; the HTTP heads are invisible to JavaScript</p>
    <p class="server"></p><p class="note"></p>
    <ol class="events"></ol>
  </section>
  <section class="panel" id="sse">
    <header><h2>EventSource (SSE)</h2><span class="pill" data-state="connecting">connecting</span><button class="toggle" type="button">Pause</button></header>
    <p class="how"><code>GET /sse?after=ID</code>: one response that never ends, an <code>id:</code> and a
      <code>data:</code> line per event; the browser reconnects by itself with <code>Last-Event-ID</code></p>
    <dl class="numbers"></dl>
    <p class="counted">bytes: each event's id: and data: lines, rebuilt from the event (the retry: line and the heartbeat comments are invisible to JavaScript)</p>
    <p class="server"></p><p class="note"></p>
    <ol class="events"></ol>
  </section>
  <section class="panel" id="ws">
    <header><h2>WebSocket</h2><span class="pill" data-state="connecting">connecting</span><button class="toggle" type="button">Pause</button></header>
    <p class="how"><code>GET /ws</code>, the page sends <code>{"after":ID}</code>, then the server
      sends a text frame per event</p>
    <dl class="numbers"></dl>
    <p class="counted">bytes: each message plus its frame header (2 bytes up to 125, 4 up to 65,535, else 10), computed from its length</p>
    <p class="server"></p><p class="note"></p>
    <ol class="events"></ol>
  </section>
</main>
<script>
"use strict";
const maxShown = 50;          // events listed per panel; older ones are removed
const maxKept = 1000;         // ids and latencies kept per panel in window.feedPanels
const p50Window = 100;        // the median is taken over the last 100 latencies
const longPollWait = 25;      // seconds; the server holds at most its --max-wait (30 s by default)
const pollTimeout = 10000;    // ms an ordinary request may take before the page gives up on it
const firstDelay = 250;       // ms before the first retry after a failure; doubles up to maxDelay
const maxDelay = 8000;
const statsEvery = 2000;      // ms between two GET /stats
const encoder = new TextEncoder();
const utf8Length = (text) => encoder.encode(text).length;
const wsUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";

// The wall clock in microseconds. Date.now() has whole milliseconds, and a push on loopback
// takes less than one, so the page adds the monotonic clock to the moment it started.
const wallMicros = () => (performance.timeOrigin + performance.now()) * 1000;

const numbers = [["received", "events"], ["p50", "latency p50"], ["requests", "requests"],
                 ["per-event", "bytes per event"], ["duplicates", "duplicates"]];

function makePanel(mode, start) {
  const root = document.getElementById(mode);
  const list = root.querySelector("dl.numbers");
  for (const [cls, label] of numbers) {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.className = cls;
    list.append(dt, dd);
  }
  const panel = {
    mode, root, start,
    run: null,                 // the AbortController of the running panel; null while paused
    delay: firstDelay,         // the next retry's delay before jitter
    wake: null,                // ends the polling panel's wait early (a new interval)
    state: { mode, connection: "connecting", lastId: null, received: 0, duplicates: 0, resets: 0,
             requests: 0, bytes: 0, ids: [], latenciesMs: [] },
  };
  root.querySelector(".toggle").addEventListener("click", () => (panel.run ? pause(panel) : resume(panel)));
  return panel;
}

function setConnection(p, kind, text) {
  const pill = p.root.querySelector(".pill");
  pill.dataset.state = kind;
  pill.textContent = text || kind;
  p.state.connection = kind;
}

function note(p, text) { p.root.querySelector(".note").textContent = text; }  // text, never HTML

function p50(values) {
  if (values.length === 0) return null;
  const last = values.slice(-p50Window).sort((a, b) => a - b);
  return last[Math.ceil(last.length / 2) - 1];
}

const ms = (value) => (Math.abs(value) < 10 ? value.toFixed(1) : Math.round(value).toString()) + " ms";

function showNumbers(p) {
  const s = p.state;
  const set = (cls, text) => { p.root.querySelector("dd." + cls).textContent = text; };
  const median = p50(s.latenciesMs);
  set("received", String(s.received));
  set("p50", median === null ? "–" : ms(median));
  set("requests", String(s.requests));
  set("per-event", s.received ? (s.bytes / s.received).toFixed(1) : "– (" + s.bytes + " so far)");
  set("duplicates", String(s.duplicates));
}

function keep(array, value) {
  array.push(value);
  if (array.length > maxKept) array.splice(0, array.length - maxKept);
}

// Events that arrived together (one poll answer, one message), oldest first.
function accept(p, events) {
  const s = p.state;
  const now = wallMicros();
  const list = p.root.querySelector("ol.events");
  for (const e of events) {
    if (typeof e !== "object" || e === null || !Number.isSafeInteger(e.id) || typeof e.us !== "number") {
      note(p, "not an event: " + JSON.stringify(e).slice(0, 200));
      continue;
    }
    if (s.lastId !== null && e.id <= s.lastId) {
      s.duplicates += 1;
      continue;
    }
    s.lastId = e.id;
    s.received += 1;
    const latency = (now - e.us) / 1000;
    keep(s.ids, e.id);
    keep(s.latenciesMs, latency);
    const li = document.createElement("li");
    if (events.length > 1) li.className = "burst";
    for (const [cls, text] of [["id", "#" + e.id], ["latency", ms(latency)], ["text", String(e.text)]]) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;  // text, never HTML: "<b>x</b>" stays five characters and a b
      li.append(span);
    }
    list.prepend(li);
    while (list.children.length > maxShown) list.lastElementChild.remove();
  }
  showNumbers(p);
}

// A correct server never answers after=ID with an id <= ID, so an answer that starts there
// means its log started again (a restart): take it as a reset, not as duplicates.
function acceptAnswer(p, events) {
  if (events.length > 0 && p.state.lastId !== null && events[0].id <= p.state.lastId) {
    p.state.resets += 1;
    note(p, "the server's log started again (it restarted?): from #" + events[0].id);
    p.state.lastId = events[0].id - 1;
  }
  accept(p, events);
}

// Waits `delay` ms, or less if the panel is paused or woken.
function sleep(p, signal, delay) {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); signal.removeEventListener("abort", done); p.wake = null; resolve(); };
    const timer = setTimeout(done, delay);
    signal.addEventListener("abort", done);
    p.wake = done;
  });
}

function retryDelay(p) {
  const wait = p.delay * (0.75 + Math.random() / 2);  // jitter: not every page retries at once
  p.delay = Math.min(p.delay * 2, maxDelay);
  return wait;
}

// One GET /events: its body counted, parsed, checked. Aborted when the panel pauses, or after
// `timeout` ms without an answer (a proxy may hold a request for ever).
async function getEvents(p, signal, query, timeout) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, timeout);
  signal.addEventListener("abort", abort);
  try {
    p.state.requests += 1;
    showNumbers(p);
    const response = await fetch("/events" + query, { cache: "no-store", signal: controller.signal });
    const body = await response.text();
    p.state.bytes += utf8Length(body);
    if (!response.ok) throw new Error("HTTP " + response.status + " " + body.trim());
    const events = JSON.parse(body);
    if (!Array.isArray(events)) throw new Error("the answer is not a JSON array");
    return events;
  } catch (err) {
    if (controller.signal.aborted && !signal.aborted) throw new Error("no answer within " + timeout / 1000 + " s");
    throw err;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", abort);
  }
}

// Where "now" is: GET /events without after= answers with the newest event only (or []).
async function learnNow(p, signal) {
  const events = await getEvents(p, signal, "", pollTimeout);
  p.state.lastId = events.length ? events[events.length - 1].id : 0;
}

async function failed(p, signal, err) {
  const wait = retryDelay(p);
  setConnection(p, "reconnecting", "retry in " + (wait / 1000).toFixed(1) + " s");
  note(p, String(err.message || err));
  await sleep(p, signal, wait);
}

// Polling: ask, show, wait out the rest of the interval, ask again.
async function runPoll(p, signal) {
  while (!signal.aborted) {
    const started = performance.now();
    try {
      if (p.state.lastId === null) await learnNow(p, signal);
      else acceptAnswer(p, await getEvents(p, signal, "?after=" + p.state.lastId, pollTimeout));
      p.delay = firstDelay;
      setConnection(p, "open", "every " + intervalMs() / 1000 + " s");
      // Wait for the rest of the interval (woken early when it changes).
      while (!signal.aborted && performance.now() < started + intervalMs()) {
        await sleep(p, signal, started + intervalMs() - performance.now());
      }
    } catch (err) {
      if (!signal.aborted) await failed(p, signal, err);
    }
  }
}

// Long polling: ask with wait=; the server answers when an event exists; ask again at once.
async function runLongPoll(p, signal) {
  while (!signal.aborted) {
    try {
      if (p.state.lastId === null) await learnNow(p, signal);
      setConnection(p, "open", "held");
      const query = "?after=" + p.state.lastId + "&wait=" + longPollWait;
      acceptAnswer(p, await getEvents(p, signal, query, (longPollWait + 10) * 1000));
      p.delay = firstDelay;
    } catch (err) {
      if (!signal.aborted) await failed(p, signal, err);
    }
  }
}

// The bytes of one event on the stream, rebuilt: "id: N\n", one "data: " line per line, "\n"
// (EventSource hides the stream itself).
function sseBytes(m, name) {
  let n = (name ? utf8Length("event: " + name + "\n") : 0) + 1;
  if (!name && m.lastEventId) n += utf8Length("id: " + m.lastEventId + "\n");
  for (const line of m.data.split("\n")) n += utf8Length("data: " + line + "\n");
  return n;
}

// A stream panel first learns where "now" is, like the others, then opens its stream from
// there: an event published in between comes from the log, and Pause/Resume loses nothing.
async function startStream(p, signal, open) {
  while (!signal.aborted && p.state.lastId === null) {
    try {
      await learnNow(p, signal);
    } catch (err) {
      if (!signal.aborted) await failed(p, signal, err);
    }
  }
  if (!signal.aborted) open(p, signal);
}

// EventSource: the browser opens the stream, parses it, and after a drop reconnects by itself
// (after the server's retry: delay), sending the last id it saw as Last-Event-ID.
function openSse(p, signal) {
  const url = "/sse?after=" + p.state.lastId;
  const source = new EventSource(url);
  p.state.requests += 1;
  showNumbers(p);
  signal.addEventListener("abort", () => source.close());
  source.onopen = () => {
    setConnection(p, "open", "stream open");
    p.delay = firstDelay;
  };
  source.onmessage = (m) => {
    p.state.bytes += sseBytes(m);
    let e;
    try { e = JSON.parse(m.data); } catch { note(p, "not JSON: " + m.data.slice(0, 200)); return; }
    accept(p, [e]);
  };
  source.addEventListener("reset", (m) => {
    p.state.bytes += sseBytes(m, "reset");
    p.state.resets += 1;
    p.state.lastId = 0;  // what follows starts over: every event the server still keeps
    note(p, "reset: the server's log no longer holds our resume point; events may be missing (" + m.data.slice(0, 200) + ")");
  });
  source.onerror = () => {
    if (signal.aborted) return;
    if (source.readyState === EventSource.CONNECTING) {
      // The browser retries by itself; each retry is a new request.
      p.state.requests += 1;
      showNumbers(p);
      setConnection(p, "reconnecting", "browser retrying");
      note(p, "the stream dropped: the browser reconnects with Last-Event-ID: " + (p.state.lastId ?? "none"));
      return;
    }
    // CLOSED: the browser gave up (an HTTP error, or not text/event-stream); so do we, for a while.
    const wait = retryDelay(p);
    setConnection(p, "reconnecting", "retry in " + (wait / 1000).toFixed(1) + " s");
    note(p, "the server refused the stream; the page tries again");
    setTimeout(() => startStream(p, signal, openSse), wait);
  };
}

// The size of a server's (unmasked) frame carrying `text`: RFC 6455 5.2.
function frameBytes(text) {
  const n = utf8Length(text);
  return n + (n < 126 ? 2 : n < 65536 ? 4 : 10);
}

function openWs(p, signal) {
  const ws = new WebSocket(wsUrl);
  p.state.requests += 1;
  showNumbers(p);
  const close = () => ws.close(1000, "paused");
  signal.addEventListener("abort", close);
  ws.onopen = () => {
    ws.send(JSON.stringify({ after: p.state.lastId }));  // resume from the log
    setConnection(p, "open", "open");
    p.delay = firstDelay;
  };
  ws.onmessage = (m) => {
    if (typeof m.data !== "string") { note(p, "a binary message: not an event"); return; }
    p.state.bytes += frameBytes(m.data);
    let e;
    try { e = JSON.parse(m.data); } catch { note(p, "not JSON: " + m.data.slice(0, 200)); return; }
    accept(p, Array.isArray(e) ? e : [e]);
  };
  ws.onclose = (c) => {
    signal.removeEventListener("abort", close);
    if (signal.aborted) return;
    const wait = retryDelay(p);
    setConnection(p, "reconnecting", "retry in " + (wait / 1000).toFixed(1) + " s");
    note(p, "closed: " + c.code + (c.reason ? " " + c.reason : ""));
    setTimeout(() => startStream(p, signal, openWs), wait);
  };
}

function resume(p) {
  p.run = new AbortController();
  p.delay = firstDelay;
  p.root.querySelector(".toggle").textContent = "Pause";
  setConnection(p, "connecting");
  note(p, p.state.lastId === null ? "" : "resumed after #" + p.state.lastId);
  p.start(p, p.run.signal);
}

function pause(p) {
  p.run.abort();
  p.run = null;
  p.root.querySelector(".toggle").textContent = "Resume";
  setConnection(p, "paused");
  note(p, p.state.lastId === null ? "" : "paused after #" + p.state.lastId + "; Resume goes on from there");
}

const panels = {
  poll: makePanel("poll", runPoll),
  longpoll: makePanel("longpoll", runLongPoll),
  sse: makePanel("sse", (p, signal) => startStream(p, signal, openSse)),
  ws: makePanel("ws", (p, signal) => startStream(p, signal, openWs)),
};
window.feedPanels = Object.fromEntries(Object.entries(panels).map(([mode, p]) => [mode, p.state]));

function intervalMs() { return Number(document.getElementById("poll-interval").value); }
document.getElementById("poll-interval").addEventListener("change", () => {
  if (panels.poll.run) setConnection(panels.poll, "open", "every " + intervalMs() / 1000 + " s");
  if (panels.poll.wake) panels.poll.wake();  // a shorter interval takes effect now
});

// What the server counted per mode, for every client of that mode (this page's and others').
async function refreshStats() {
  try {
    const response = await fetch("/stats", { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const stats = await response.json();
    window.feedStats = stats;
    for (const [mode, p] of Object.entries(panels)) {
      const c = stats.modes && stats.modes[mode];
      if (!c) continue;
      const perEvent = c.events ? ((c.head_bytes + c.body_bytes) / c.events).toFixed(0) + " bytes per event" : "no event yet";
      p.root.querySelector(".server").textContent = "server, all " + mode + " clients: " + c.requests + " requests, " +
        c.events + " events, " + perEvent + " (heads " + c.head_bytes + " + bodies " + c.body_bytes + "), " + c.open + " open";
    }
  } catch (err) {
    for (const p of Object.values(panels)) p.root.querySelector(".server").textContent = "server counters unavailable: " + err.message;
  }
  setTimeout(refreshStats, statsEvery);
}

document.getElementById("publish-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const input = document.getElementById("publish-text");
  const result = document.getElementById("publish-result");
  const text = input.value;
  if (utf8Length(text) > 4096) { result.textContent = "too long: at most 4096 bytes of UTF-8"; return; }
  try {
    const response = await fetch("/publish", { method: "POST", body: text,
                                               headers: { "Content-Type": "text/plain; charset=utf-8" } });
    const body = await response.text();
    if (response.status !== 202) { result.textContent = "refused: " + response.status + " " + body.trim(); return; }
    result.textContent = "published #" + JSON.parse(body).id;
    input.value = "";
  } catch (err) {
    result.textContent = "failed: " + err.message;
  }
});

for (const p of Object.values(panels)) { showNumbers(p); resume(p); }
refreshStats();
</script>
</body>
</html>
)PAGE";

}  // namespace

const std::string& feed_page_html() {
    static const std::string html(page);  // built once, on first use
    return html;
}

}  // namespace lesson07
