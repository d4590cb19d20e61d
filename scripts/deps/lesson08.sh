#!/usr/bin/env bash
# Lesson 08's browser test drives Chromium with lesson 04's peers (tests/peers/): install them
# the same way.
set -euo pipefail
exec "$(dirname "$0")/lesson04.sh"
