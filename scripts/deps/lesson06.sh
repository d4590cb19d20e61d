#!/usr/bin/env bash
# Lesson 06's Node ws peer uses tests/peers' ws: install it the way lesson 04 does.
set -euo pipefail
exec "$(dirname "$0")/lesson04.sh"
