#!/usr/bin/env bash
# Installs what is missing, builds, and starts hookbot on 127.0.0.1:8080 with a
# development key (generated once, kept in build/dev-key), printing URLs to try.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build"

key_file="$root/build/dev-key"
[ -s "$key_file" ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$key_file")
# A key file (README "Keys"): edit it and send SIGHUP to rotate.
unset HOOKBOT_KEY
export HOOKBOT_KEY_FILE=$key_file
bind=${HOOKBOT_BIND:-127.0.0.1:8080}
export HOOKBOT_URL_BASE="http://$bind"
bin="$root/build/bin"

pub=$("$bin/hookbot" make-tokens /pub/hello)
sub=$("$bin/hookbot" make-tokens /sub/hello)
cat <<INFO
hookbot is starting on $bind (development key in $key_file).

  publish:    curl -d 'hello, world' $pub
  subscribe:  $sub
              e.g. $bin/hookbot listen $sub

Stop it with Ctrl-C.
INFO
exec "$bin/hookbot" serve --bind "$bind"
