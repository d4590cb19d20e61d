#!/usr/bin/env bash
# The peer self-tests use the same npm packages as lesson 04.
exec bash "$(dirname "$0")/lesson04.sh"
