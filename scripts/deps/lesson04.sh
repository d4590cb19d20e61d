#!/usr/bin/env bash
# Installs the npm side of the real-peer tests into tests/peers/node_modules: playwright-core
# (drives Debian's /usr/bin/chromium; it never downloads a browser) and ws (Node's WebSocket
# library), exactly as pinned in tests/peers/package-lock.json.
# Idempotent: `npm ci` runs only when node_modules is missing or older than the lock file;
# a stamp holding the lock file's hash says which lock file node_modules was built from.
# Lesson 05 reuses the same peers: its deps script just calls this one.
set -euo pipefail
peers="$(cd "$(dirname "$0")/../../tests/peers" && pwd)"
stamp="$peers/node_modules/.course-lock.sha256"

command -v node >/dev/null || { echo "lesson04.sh: node not found (install the nodejs package)" >&2; exit 1; }
# A node that bundles npm (NodeSource's, for one) needs nothing more; Debian's own nodejs comes
# without npm, which is Debian's package `npm` (the two conflict, so only when npm is missing).
command -v npm >/dev/null || "$(dirname "$0")/../setup" npm
command -v npm >/dev/null || { echo "lesson04.sh: npm not found even after installing Debian's npm" >&2; exit 1; }

wanted="$(sha256sum "$peers/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] \
   && [ -d "$peers/node_modules/playwright-core" ] && [ -d "$peers/node_modules/ws" ]; then
  exit 0
fi

echo "setup: npm ci in tests/peers (playwright-core, ws)"
# No install scripts and no browser download: the tests use Debian's chromium.
(cd "$peers" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund \
   --loglevel=error >/dev/null)
echo "$wanted" > "$stamp"
