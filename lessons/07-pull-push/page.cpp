// A first page for 07-feed-server: the endpoints, and the live feed through EventSource, text
// only (textContent, never HTML from the network). The lesson's four-panel page replaces it.
#include "page.hpp"

namespace lesson07 {

const std::string& feed_page_html() {
    static const std::string page = R"PAGE(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lesson 07: pull vs push</title>
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 1em 2em; color: #222; }
  code { background: #f0f0f3; padding: 0 .3em; }
  #events { font-family: monospace; list-style: none; padding: 0; }
</style>
</head>
<body>
<h1>Lesson 07: one feed, four ways</h1>
<table>
  <tr><td><code>GET /events?after=ID</code></td><td>short poll: the events after ID, at once</td></tr>
  <tr><td><code>GET /events?after=ID&amp;wait=S</code></td><td>long poll: held until an event or S seconds</td></tr>
  <tr><td><code>GET /sse</code></td><td>Server-Sent Events (Last-Event-ID or ?after=ID resumes)</td></tr>
  <tr><td><code>GET /ws</code></td><td>WebSocket: events as text frames; send {"after":ID} to resume</td></tr>
  <tr><td><code>POST /publish</code></td><td>the body (UTF-8, at most 4 KiB) becomes an event</td></tr>
  <tr><td><code>GET /stats</code></td><td>counters per mode</td></tr>
</table>
<p>Live, through <code>EventSource</code>: <span id="status">connecting</span></p>
<ul id="events"></ul>
<script>
  const list = document.getElementById("events");
  const status = document.getElementById("status");
  const source = new EventSource("/sse");
  source.onopen = () => { status.textContent = "open"; };
  source.onerror = () => { status.textContent = "reconnecting"; };
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    const item = document.createElement("li");
    item.textContent = event.id + "  " + event.text + "  (" + ((Date.now() * 1000 - event.us) / 1000).toFixed(1) + " ms)";
    list.prepend(item);
    while (list.children.length > 20) list.lastChild.remove();
  };
</script>
</body>
</html>
)PAGE";
    return page;
}

}  // namespace lesson07
