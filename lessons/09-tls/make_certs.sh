#!/usr/bin/env bash
# Makes a local certificate authority (CA) and a server certificate it signs, with openssl,
# into DIR, unless they are there already. `scripts/run 09` uses it for the course's own CA
# (in .tls/, which git ignores); the lesson 09 tests make a fresh one in a temporary folder.
#
#   lessons/09-tls/make_certs.sh DIR [NAME...]
#
# NAMEs are what the server certificate is valid for (its subjectAltName): host names and IP
# addresses; default localhost 127.0.0.1 ::1. Files written (keys readable by you only):
#   ca.pem ca.key          the CA: trust ca.pem in a browser or give it to a client (--ca)
#   server.pem server.key  the server's certificate and key: 09-tls-chat-server --cert --key
#   server.spki            the SHA-256 hash of the server's public key, base64, for Chromium's
#                          --ignore-certificate-errors-spki-list
# Keys are ECDSA P-256. The CA is valid for 10 years, the server certificate for 397 days, or
# SERVER_DAYS days if set: SERVER_DAYS=-1 makes one that expired a day before it was made (to
# see a client refuse it; use a DIR of its own). Nothing is fetched from anywhere.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: make_certs.sh DIR [NAME...]" >&2; exit 2; }
dir=$1; shift
names=("$@")
server_days="${SERVER_DAYS:-397}"
[[ "$server_days" =~ ^-?[0-9]+$ ]] || { echo "make_certs.sh: SERVER_DAYS must be a whole number of days" >&2; exit 2; }
[ ${#names[@]} -gt 0 ] || names=(localhost 127.0.0.1 ::1)
command -v openssl >/dev/null || { echo "make_certs.sh: openssl missing: run scripts/setup" >&2; exit 1; }
mkdir -p "$dir"
umask 077

san=""
for name in "${names[@]}"; do
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then entry="IP:$name"; else entry="DNS:$name"; fi
  san="${san:+$san,}$entry"
done

if [ ! -f "$dir/ca.pem" ] || [ ! -f "$dir/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -subj "/O=Network course/CN=Network course local CA $(hostname) $(date +%Y%m%d%H%M%S)" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  rm -f "$dir/server.pem"  # a new CA: the old server certificate is not signed by it
fi

if [ ! -f "$dir/server.pem" ] || [ ! -f "$dir/server.key" ]; then
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$dir/server.key" -out "$dir/server.csr" -subj "/CN=${names[0]}" 2>/dev/null
  printf '%s\n' "subjectAltName=$san" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" > "$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days "$server_days" -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
  rm -f "$dir/server.csr" "$dir/server.ext" "$dir/ca.srl"
fi

openssl x509 -in "$dir/server.pem" -pubkey -noout | openssl pkey -pubin -outform der \
  | openssl dgst -sha256 -binary | openssl base64 > "$dir/server.spki"
chmod 644 "$dir/ca.pem" "$dir/server.pem" "$dir/server.spki"
