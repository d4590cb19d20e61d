#!/usr/bin/env bash
# Lesson 09's peers are lesson 04's (tests/peers/): install them the same way.
set -euo pipefail
exec "$(dirname "$0")/lesson04.sh"
