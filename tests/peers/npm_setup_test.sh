#!/usr/bin/env bash
# scripts/deps/lesson04.sh asks scripts/setup for Debian's npm only when the npm command is
# missing (Debian 12's nodejs comes without it), and never when node brings its own npm (the two
# packages conflict). Run in a copy of the scripts with stand-ins for node, npm and setup.
set -euo pipefail
root="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/tree/scripts/deps" "$work/tree/tests/peers" "$work/bin"
cp "$root/scripts/deps/lesson04.sh" "$work/tree/scripts/deps/"
cp "$root/tests/peers/package-lock.json" "$work/tree/tests/peers/"
# Only these commands are on the PATH: no real node or npm can be found.
for tool in bash dirname sha256sum cut cat chmod mkdir; do ln -s "$(command -v "$tool")" "$work/bin/$tool"; done
printf '#!/bin/bash\necho v18\n' > "$work/bin/node"
# The stand-in npm records its arguments and makes the folders npm ci would make; the stand-in
# setup records what it was asked for and "installs" that npm.
cat > "$work/npm" <<'NPM'
#!/bin/bash
echo "npm $*" >> "$LOG"
mkdir -p node_modules/playwright-core node_modules/ws
NPM
cat > "$work/tree/scripts/setup" <<'SETUP'
#!/bin/bash
echo "setup $*" >> "$LOG"
cat "$WORK/npm" > "$WORK/bin/npm" && chmod +x "$WORK/bin/npm"
SETUP
export LOG="$work/log" WORK="$work"
chmod +x "$work/bin/node" "$work/tree/scripts/setup"
touch "$work/log"

# 1. No npm: Debian's npm is installed, then npm ci runs.
PATH="$work/bin" bash "$work/tree/scripts/deps/lesson04.sh" > /dev/null
grep -qx "setup npm" "$work/log" || { echo "npm missing, but setup npm was not called:"; cat "$work/log"; exit 1; }
grep -q "^npm ci" "$work/log" || { echo "npm ci did not run:"; cat "$work/log"; exit 1; }

# 2. npm present (a node that bundles it): setup is not asked for anything.
: > "$work/log"
rm -rf "$work/tree/tests/peers/node_modules"
[ -x "$work/bin/npm" ]  # left by case 1: now node "brings" npm
PATH="$work/bin" bash "$work/tree/scripts/deps/lesson04.sh" > /dev/null
if grep -q "^setup" "$work/log"; then echo "npm present, but setup was called:"; cat "$work/log"; exit 1; fi
grep -q "^npm ci" "$work/log" || { echo "npm ci did not run:"; cat "$work/log"; exit 1; }
echo "ok: Debian's npm only when npm is missing"
