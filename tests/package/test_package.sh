#!/usr/bin/env bash
# The Debian package, end to end:
#
#   sudo tests/package/test_package.sh BUILD_DIR     (a built Release or RelWithDebInfo folder)
#
# 1. cpack -G DEB (into a temporary folder, not BUILD_DIR); the .deb's files
#    and dependencies (each one installable from the configured archive).
# 2. apt-get install ./hookbot_*.deb; the files, the user, the directories,
#    the key (0600, the user's, unreadable by others), the enabled service,
#    `systemd-analyze verify` on the installed units, `systemd-analyze
#    security` at 2.0 or below for hookbot.service and hookbot-fanout@.service.
# 3. A reinstall (what an upgrade's postinst does) keeps the key.
# 4. `hookbot serve` as the user hookbot with /etc/hookbot/key, under
#    strace -f; one more worker as hookbot-fanout@.service runs it (--attach,
#    in a network namespace of its own, like PrivateNetwork=); tokens from
#    `hookbot make-tokens` (as hookbot); websocket subscribers on every worker
#    get a small and a large (blob) publish; the processes are the user's; the
#    bus is the user's and gone after SIGTERM. Every system call the programs
#    made is one the units' SystemCallFilter= allows.
# 5. apt-get purge: nothing left (programs, units, /etc/hookbot, state and
#    runtime directories, enable symlinks, bus segments). The user hookbot
#    stays, by design (Debian's practice; see packaging/debian/postrm).
#
# Needs root (apt-get, the user switch), no running systemd. Refuses to run
# where hookbot is installed already (it would remove it). Whatever happens,
# the trap stops what it started and purges what it installed. Last line:
# "package: N passed, M failed"; exit status 0 only without failures.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
passed=0
failed=0
work=""
serve_pid=""
attach_pid=""
subscriber_pid=""
installed_by_us=0

pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# check "what" command...: one check, passed when the command succeeds.
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
summary() { echo "package: $passed passed, $failed failed"; }
# A failure the rest cannot go on from.
die() {
    fail "$*"
    exit 1
}

# Polls "$@" every 0.1 s until it succeeds; false after $1 seconds.
wait_until() {
    local seconds=$1
    shift
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1")" = Z ]; }
# Waits up to $2 seconds for process $1 (a child of this shell) to exit.
wait_exit() { wait_until "$2" gone "$1"; }

# Stops strace ($1, a child of this shell) by stopping what it traces: SIGTERM
# to its child (serve, or the attached worker), SIGKILL to both after 10 s.
stop_traced() {
    local pid=$1 child
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    child=$(pgrep -P "$pid" || true)
    [ -n "$child" ] && kill -TERM $child 2>/dev/null
    if ! wait_exit "$pid" 10; then
        [ -n "$child" ] && kill -KILL $child 2>/dev/null
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
stop_pid() {
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    wait_exit "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

apt_get() {
    # Another apt (scripts/install-deps.sh elsewhere) may hold the lock: wait
    # for it, at most 5 minutes.
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get -o DPkg::Lock::Timeout=300 -y -q "$@"
}

# Installed, half installed or configured, or its configuration left: any
# state but not-installed.
dpkg_knows_hookbot() {
    local status
    status=$(dpkg-query -W -f='${Status}' hookbot 2>/dev/null) || return 1
    [ -n "$status" ] && ! grep -q ' not-installed$' <<<"$status"
}

# The test's own stdout and stderr, for cleanup: a signal that arrives while
# a command's output goes to a log runs the traps with that redirection on.
exec 3>&1 4>&2
cleanup() {
    local status=$?
    set +e
    exec 1>&3 2>&4
    stop_pid "$subscriber_pid"
    stop_traced "$attach_pid"
    stop_traced "$serve_pid"
    if [ "$installed_by_us" = 1 ] && dpkg_knows_hookbot; then
        echo "cleanup: purging the hookbot package" >&2
        apt_get purge hookbot >/dev/null 2>&1 || dpkg --purge hookbot >/dev/null 2>&1
    fi
    [ -n "$work" ] && rm -rf "$work"
    summary
    [ "$failed" -eq 0 ] && [ "$status" -eq 0 ] || exit 1
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---------------------------------------------------------------- preconditions
[ $# -eq 1 ] || die "usage: $0 BUILD_DIR"
build=$(cd "$1" && pwd) || die "no build folder $1"
[ -f "$build/CPackConfig.cmake" ] || die "$build/CPackConfig.cmake missing: configure $build with this checkout"
[ "$(id -u)" -eq 0 ] || die "needs root (apt-get install, running serve as the user hookbot)"
[ -d /run/systemd/system ] && echo "note: systemd runs here: the package's postinst also starts hookbot.service on :8080" >&2
for tool in cpack dpkg-deb dpkg-shlibdeps apt-get apt-cache systemd-analyze curl strace setpriv unshare; do
    command -v "$tool" >/dev/null || die "$tool missing: run scripts/install-deps.sh"
done
/usr/bin/python3 -c 'import websockets' 2>/dev/null || die "/usr/bin/python3 lacks websockets: run scripts/install-deps.sh"
if dpkg_knows_hookbot; then
    die "the package hookbot is installed here already; this test would remove it (apt-get purge hookbot first)"
fi

work=$(mktemp -d /tmp/hookbot-package-test.XXXXXX)
chmod 0755 "$work" # apt's _apt user reads the .deb from here

# ---------------------------------------------------------------- 1. build
echo "== cpack in $build"
cpack_start=$SECONDS
(cd "$build" && timeout 600 cpack -G DEB -B "$work/cpack" >"$work/cpack.log" 2>&1) \
    || { cat "$work/cpack.log" >&2; die "cpack -G DEB"; }
echo "cpack took $((SECONDS - cpack_start)) s"
debs=("$work"/cpack/hookbot_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || die "cpack made no single hookbot_*.deb"
deb=${debs[0]}
pass "cpack -G DEB made $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

contents=$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|')
for f in /usr/bin/hookbot /usr/bin/hookbot-acceptor /usr/bin/hookbot-fanout /usr/bin/hookbot-tokens \
    /usr/lib/systemd/system/hookbot.service /usr/lib/systemd/system/hookbot.socket \
    /usr/lib/systemd/system/hookbot-fanout@.service /usr/lib/sysusers.d/hookbot.conf \
    /usr/lib/tmpfiles.d/hookbot.conf /usr/share/doc/hookbot/README.md; do
    check "the .deb holds $f" grep -qx "$f" <<<"$contents"
done
check "the .deb holds nothing under /usr/local, /etc or /var" \
    bash -c '! grep -E "^/(usr/local|etc|var)/" <<<"$1"' _ "$contents"
control=$(dpkg-deb -I "$deb")
for script in postinst prerm postrm; do
    check "the .deb has a $script" grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +\* +$script " <<<"$control"
done
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libstdc++6 libssl3 libsystemd0 libboost-program-options systemd; do
    check "Depends names $lib" grep -q "$lib" <<<"$depends"
done
installable() {
    local name
    for name in $(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*)//; s/ //g' | grep .); do
        policy=$(apt-cache policy "$name")
        grep -q 'Candidate: [0-9]' <<<"$policy" || { echo "no candidate for $name" >&2; return 1; }
    done
}
check "every dependency has an installable candidate in the archive" installable

# ---------------------------------------------------------------- 2. install
echo "== apt-get install $deb"
installed_by_us=1
apt_get install "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; die "apt-get install ./$(basename "$deb")"; }
pass "apt-get install ./$(basename "$deb")"

mode_owner() { stat -c '%a %U:%G' "$1"; }
for p in hookbot hookbot-acceptor hookbot-fanout hookbot-tokens; do
    check "/usr/bin/$p is 755 root:root" [ "$(mode_owner /usr/bin/$p)" = "755 root:root" ]
done
units=(/usr/lib/systemd/system/hookbot.service /usr/lib/systemd/system/hookbot.socket
    /usr/lib/systemd/system/hookbot-fanout@.service)
check "the units name /usr/bin, not /usr/local (outside comments)" \
    bash -c 'grep -q "^ExecStart=/usr/bin/hookbot serve" "$1" && grep -q "^ExecStart=/usr/bin/hookbot-fanout " "$2" && ! grep -hv "^#" "$@" | grep -q /usr/local' \
    _ "${units[0]}" "${units[2]}" "${units[1]}"
check "the units point to /usr/share/doc/hookbot/README.md" grep -q "file:///usr/share/doc/hookbot/README.md" "${units[0]}"

IFS=: read -r _ _ uid gid _ home shell < <(getent passwd hookbot) || die "no user hookbot"
check "hookbot is a system user (uid $uid < 1000)" [ "$uid" -lt 1000 ]
check "hookbot's group is hookbot" [ "$(getent group hookbot | cut -d: -f3)" = "$gid" ]
check "hookbot's home is /var/lib/hookbot, shell nologin" [ "$home:$shell" = /var/lib/hookbot:/usr/sbin/nologin ]
check "hookbot has no password" bash -c '[[ "$(getent shadow hookbot | cut -d: -f2)" == "!"* ]]'
check "/var/lib/hookbot is 750 hookbot:hookbot" [ "$(mode_owner /var/lib/hookbot)" = "750 hookbot:hookbot" ]
check "/run/hookbot is 750 hookbot:hookbot" [ "$(mode_owner /run/hookbot)" = "750 hookbot:hookbot" ]
check "/etc/hookbot is 750 root:hookbot" [ "$(mode_owner /etc/hookbot)" = "750 root:hookbot" ]
check "/etc/hookbot/key is 600 hookbot:hookbot" [ "$(mode_owner /etc/hookbot/key)" = "600 hookbot:hookbot" ]
check "/etc/hookbot/key holds one 64-hex-digit key" \
    bash -c '[ "$(grep -v "^#" /etc/hookbot/key | grep -cE "^[0-9a-f]{64}$")" = 1 ]'
check "nobody else can read the key" \
    bash -c '! setpriv --reuid=nobody --regid=nogroup --clear-groups cat /etc/hookbot/key >/dev/null 2>&1'
check "hookbot.service is enabled (multi-user.target.wants)" \
    [ "$(realpath -q /etc/systemd/system/multi-user.target.wants/hookbot.service)" = /usr/lib/systemd/system/hookbot.service ]

verify_out=$(timeout 60 systemd-analyze verify --man=no "${units[@]}" 2>&1) && verify_rc=0 || verify_rc=$?
[ -n "$verify_out" ] && echo "$verify_out" >&2
check "systemd-analyze verify: the installed units, no output" [ "$verify_rc:$verify_out" = "0:" ]

# The "Overall exposure level" number; fails above 2.0.
exposure() {
    local out
    out=$(timeout 60 systemd-analyze security --offline=true --no-pager "$1" 2>&1) || true
    sed -n 's/.*Overall exposure level for .*: \([0-9][0-9]*\.[0-9]\).*/\1/p' <<<"$out"
}
for unit in "${units[0]}" "${units[2]}"; do
    score=$(exposure "$unit")
    echo "systemd-analyze security $(basename "$unit"): ${score:-?}"
    check "$(basename "$unit") exposure ${score:-?} <= 2.0" \
        awk -v s="$score" 'BEGIN { exit !(s != "" && s + 0 <= 2.0) }'
done

# ---------------------------------------------------------------- 3. reinstall keeps the key
key_before=$(sha256sum /etc/hookbot/key)
apt_get install --reinstall "$deb" >"$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log" >&2; die "apt-get install --reinstall"; }
check "a reinstall (postinst configure with the old version) keeps the key" \
    [ "$(sha256sum /etc/hookbot/key)" = "$key_before" ]
check "... and its mode and owner" [ "$(mode_owner /etc/hookbot/key)" = "600 hookbot:hookbot" ]

# ---------------------------------------------------------------- 4. serve as hookbot
as_hookbot() { setpriv --reuid=hookbot --regid=hookbot --init-groups --inh-caps=-all -- "$@"; }
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
echo "== hookbot serve as hookbot on $base"
# strace as root traces the user's processes; -u would count its own
# setuid calls, setpriv's are skipped below (before the first exec of hookbot).
# umask 077: the units' UMask=.
(cd / && umask 077 && exec env -i PATH=/usr/bin:/bin strace -f -qq -o "$work/strace.serve" \
    setpriv --reuid=hookbot --regid=hookbot --init-groups --inh-caps=-all -- \
    /usr/bin/hookbot --key-file /etc/hookbot/key serve --bind "127.0.0.1:$port" --workers 2 \
    --control-socket /run/hookbot/control.sock --bus-dir /var/lib/hookbot) \
    >"$work/serve.log" 2>&1 3>&- 4>&- &
serve_pid=$!

status_ok() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/status")" = 200 ]; }
metric() { curl -s --max-time 2 "$base/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
if ! wait_until 30 status_ok; then
    cat "$work/serve.log" >&2
    die "serve answers /status within 30 s"
fi
pass "serve (as hookbot, with /etc/hookbot/key) answers /status"
check "serve says where its keys come from" grep -q "token keys: 1 from --key-file /etc/hookbot/key" "$work/serve.log"
check "the control socket is /run/hookbot/control.sock, hookbot's" \
    bash -c '[ -S /run/hookbot/control.sock ] && [ "$(stat -c %U /run/hookbot/control.sock)" = hookbot ]'

# The unit hookbot-fanout@.service's command, in a network namespace of its
# own (PrivateNetwork=), as hookbot.
(cd / && umask 077 && exec env -i PATH=/usr/bin:/bin strace -f -qq -o "$work/strace.attach" \
    unshare --net setpriv --reuid=hookbot --regid=hookbot --init-groups --inh-caps=-all -- \
    /usr/bin/hookbot-fanout --attach /run/hookbot/control.sock) >"$work/attach.log" 2>&1 3>&- 4>&- &
attach_pid=$!
workers_are() { [ "$(metric hookbot_workers)" = "$1" ]; }
check "an attached worker (hookbot-fanout@'s command, no network) joins: 3 workers" \
    wait_until 30 workers_are 3

pid_tree() { # the process $1 and its descendants
    local p
    echo "$1"
    for p in $(pgrep -P "$1"); do pid_tree "$p"; done
}
users=$(for p in $(pid_tree "$serve_pid") $(pid_tree "$attach_pid"); do
    comm=$(ps -o comm= -p "$p") || continue
    case $comm in hookbot | hookbot-accepto* | hookbot-fanout) echo "$comm $(ps -o user= -p "$p")" ;; esac
done | sort | uniq -c)
echo "$users"
check "serve, the acceptor and 3 workers all run as hookbot" \
    bash -c '[ "$(grep -c " hookbot$" <<<"$1")" = 3 ] && [ "$(awk "{ n += \$1 } END { print n }" <<<"$1")" = 5 ]' _ "$users"
bus=$(find /dev/shm -maxdepth 1 -name "hookbot.*" -user hookbot)
check "the bus in /dev/shm is hookbot's" [ -n "$bus" ]
ls -l $bus
check "... and no other user may read it" \
    [ -z "$(find /dev/shm -maxdepth 1 -name "hookbot.*" -user hookbot -perm /077)" ]
check "its rings are a file in /var/lib/hookbot (--bus-dir, as the unit has it), 600 hookbot:hookbot" \
    bash -c '[ "$(find /var/lib/hookbot -maxdepth 1 -name "hookbot.*.rings" -user hookbot -perm 600 | wc -l)" = 1 ]' 

tokens=$(as_hookbot /usr/bin/hookbot --key-file /etc/hookbot/key make-tokens --bare /pub/pkg /sub/pkg) \
    || die "hookbot make-tokens as hookbot"
pub_token=$(sed -n 1p <<<"$tokens")
sub_token=$(sed -n 2p <<<"$tokens")
check "hookbot-tokens (root, --key-file) makes the same token" \
    [ "$(/usr/bin/hookbot-tokens --bare --key-file /etc/hookbot/key /pub/pkg)" = "$pub_token" ]

# Three subscribers (least-loaded: one on each worker) wait for two
# messages each; "ready" once all three handshakes are done.
cat >"$work/subscribe.py" <<'EOF'
import asyncio, sys
import websockets

url, token, ready, out = sys.argv[1:5]

async def main():
    sockets = [await websockets.connect(url, extra_headers={"Authorization": "Bearer " + token},
                                        max_size=None, open_timeout=10) for _ in range(3)]
    open(ready, "w").close()

    async def two(ws):
        got = [await asyncio.wait_for(ws.recv(), 20) for _ in range(2)]
        return [m.decode() if isinstance(m, bytes) else m for m in got]

    results = await asyncio.gather(*(two(ws) for ws in sockets))
    with open(out, "w") as f:
        for messages in results:
            f.write(" ".join(f"{len(m)}:{m[:5]}" for m in messages) + "\n")
    for ws in sockets:
        await ws.close()

asyncio.run(main())
EOF
timeout 60 /usr/bin/python3 "$work/subscribe.py" "ws://127.0.0.1:$port/sub/pkg" "$sub_token" \
    "$work/ready" "$work/received" >"$work/subscribe.log" 2>&1 3>&- 4>&- &
subscriber_pid=$!
# The subscriber counts per worker, e.g. "1 1 1".
per_worker() { curl -s --max-time 2 "$base/metrics" | awk '$1 ~ /^hookbot_subscribers\{/ { print $2 }' | sort | xargs; }
subscribed() { [ -e "$work/ready" ] && [ "$(per_worker)" = "1 1 1" ]; }
check "3 websocket subscribers on /sub/pkg, one on each worker" wait_until 20 subscribed

code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@"; }
check "a publish without a token: 401" [ "$(code -X POST --data-binary hello "$base/pub/pkg")" = 401 ]
check "a publish with the sub token: 401" \
    [ "$(code -X POST -H "Authorization: Bearer $sub_token" --data-binary hello "$base/pub/pkg")" = 401 ]
check "publish hello to /pub/pkg: 200" \
    [ "$(code -X POST -H "Authorization: Bearer $pub_token" --data-binary hello "$base/pub/pkg")" = 200 ]
head -c 100000 /dev/zero | tr '\0' x >"$work/large"
check "publish 100000 bytes (a bus blob) to /pub/pkg: 200" \
    [ "$(code -X POST -H "Authorization: Bearer $pub_token" --data-binary @"$work/large" "$base/pub/pkg")" = 200 ]
if wait_exit "$subscriber_pid" 30 && wait "$subscriber_pid"; then
    subscriber_pid=""
    check "every subscriber got both messages" \
        [ "$(sort -u "$work/received")" = "5:hello 100000:xxxxx" ]
else
    subscriber_pid=""
    cat "$work/subscribe.log" >&2
    fail "the subscribers got their messages within 30 s"
fi

echo "== SIGTERM"
# strace exits with the status of what it traces: its child, the program.
for name in attach serve; do
    var=${name}_pid
    pid=${!var}
    kill -TERM $(pgrep -P "$pid")
    if wait_exit "$pid" 20; then
        wait "$pid" && rc=0 || rc=$?
        check "$name: exit status 0 on SIGTERM (it was $rc)" [ "$rc" = 0 ]
    else
        fail "$name: stops within 20 s of SIGTERM"
        stop_traced "$pid"
    fi
    printf -v "$var" %s ""
done
check "serve removed its bus from /dev/shm" bash -c '[ -z "$(find /dev/shm -maxdepth 1 -name "hookbot.*" -user hookbot)" ]'

# Every system call made after the first exec of a hookbot program (setpriv's
# and unshare's own are not the service's) is allowed by each unit's filter.
/usr/bin/python3 - "$work/strace.serve" "$work/strace.attach" "${units[0]}" "${units[2]}" \
    >"$work/syscalls.log" 2>&1 <<'EOF' && syscalls_rc=0 || syscalls_rc=$?
import re, subprocess, sys

def used(path):
    calls, started, first = set(), set(), None
    line_re = re.compile(r"^(\d+) +(?:<\.\.\. (\w+) resumed>|(\w+)\()")
    for line in open(path):
        m = line_re.match(line)
        if not m:
            continue
        pid, name = m.group(1), m.group(2) or m.group(3)
        first = first or pid
        if pid == first and pid not in started:
            if name == "execve" and re.search(r'execve\("/usr/bin/hookbot', line) and "= 0" in line:
                started.add(pid)
            continue
        calls.add(name)
    return calls

def group(name, seen=None):
    out = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager", name],
                         capture_output=True, text=True, check=True).stdout
    calls = set()
    for line in out.splitlines()[1:]:
        word = line.strip()
        if not word or word.startswith("#"):
            continue
        calls |= group(word) if word.startswith("@") else {word}
    return calls

def allowed(unit):
    allow, deny = set(), set()
    for line in open(unit):
        if line.startswith("SystemCallFilter="):
            value = line.split("=", 1)[1].strip()
            target = deny if value.startswith("~") else allow
            for word in value.lstrip("~").split():
                target |= group(word) if word.startswith("@") else {word}
    return allow - deny

serve_calls, attach_calls = used(sys.argv[1]), used(sys.argv[2])
ok = True
for unit, calls in ((sys.argv[3], serve_calls), (sys.argv[4], attach_calls | serve_calls)):
    allow = allowed(unit)
    missing = sorted(calls - allow)
    print(f"{unit}: {len(calls)} system calls used, {len(allow)} allowed; not allowed: {missing or 'none'}")
    ok = ok and bool(calls) and not missing
print("used by serve, acceptor, workers:", " ".join(sorted(serve_calls)))
print("used by the attached worker:", " ".join(sorted(attach_calls)))
sys.exit(0 if ok else 1)
EOF
cat "$work/syscalls.log"
check "every system call used is allowed by the units' SystemCallFilter=" [ "$syscalls_rc" = 0 ]

# ---------------------------------------------------------------- 5. purge
echo "== apt-get purge hookbot"
apt_get purge hookbot >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; die "apt-get purge hookbot"; }
installed_by_us=0
pass "apt-get purge hookbot"
check "dpkg knows no hookbot any more" eval '! dpkg_knows_hookbot'
for p in /usr/bin/hookbot /usr/bin/hookbot-acceptor /usr/bin/hookbot-fanout /usr/bin/hookbot-tokens \
    "${units[@]}" /usr/lib/sysusers.d/hookbot.conf /usr/lib/tmpfiles.d/hookbot.conf \
    /usr/share/doc/hookbot /etc/hookbot /var/lib/hookbot /run/hookbot; do
    check "purge removed $p" [ ! -e "$p" ]
done
leftovers=$(find /etc/systemd /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
    /var/lib/dpkg/info -name '*hookbot*' 2>/dev/null || true)
check "no enable symlinks, helper state or dpkg files named hookbot left${leftovers:+: $leftovers}" [ -z "$leftovers" ]
owned=$(find /etc /var /run /dev/shm /tmp -xdev -user hookbot 2>/dev/null | grep -v "^$work" || true)
check "no file of the user hookbot left in /etc /var /run /dev/shm /tmp${owned:+: $owned}" [ -z "$owned" ]
echo "note: the user hookbot stays after purge (by design): $(getent passwd hookbot || echo gone)"
