#!/usr/bin/env bash
# What `scripts/run 09` does: makes the course's local CA and a certificate for localhost,
# 127.0.0.1 and ::1 on first use (make_certs.sh, into .tls/ at the top of the repository, which
# git ignores), says how to trust the CA, and starts 09-tls-chat-server with them.
#
#   scripts/run 09                  the server on https://localhost:7009/
#   scripts/run 09 --port 0 -v      options go to 09-tls-chat-server (--cert/--key are set)
#   scripts/run 09 client ...       another program of the lesson, as for every lesson
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/scripts/lib.sh"
tls_dir="${COURSE_TLS_DIR:-$root/.tls}"

if [ ! -f "$tls_dir/server.pem" ]; then
  "$root/lessons/09-tls/make_certs.sh" "$tls_dir"
  cat >&2 <<TEXT
run 09: made a local certificate authority in $tls_dir (ca.pem; its key ca.key stays there)
run 09: and a certificate for localhost, 127.0.0.1 and ::1 signed by it (server.pem, server.key).
run 09: To let a browser trust it (this CA only, on this machine; remove it when done):
run 09:   Firefox:  Settings > Privacy & Security > Certificates > View Certificates >
run 09:             Authorities > Import... $tls_dir/ca.pem, tick "trust this CA to identify websites"
run 09:   Chromium: Settings > Privacy and security > Security > Manage certificates >
run 09:             Authorities > Import $tls_dir/ca.pem, tick "trust this certificate for identifying websites"
run 09:   curl:     curl --cacert $tls_dir/ca.pem https://localhost:7009/
TEXT
fi
build_quietly 09-tls-chat-server
exec "${BUILD_DIR:-$root/build}/bin/09-tls-chat-server" --cert "$tls_dir/server.pem" --key "$tls_dir/server.key" "$@"
