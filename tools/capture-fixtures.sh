#!/usr/bin/env bash
# Captures the netlink traffic of iproute2 commands as byte fixtures for the codec tests.
#
# For each fixture it builds a state from scratch inside a throwaway network namespace, runs one
# `ip -n rtnlfix-cap ...` command under strace (hex dumps of every sendmsg/recvmsg/sendto/recvfrom),
# runs the matching `ip -j -d ... show` command for the parsed view, and finally writes
# test/fixtures/kernel/<name>.json through tools/capture-fixtures.ts.
#
# Usage (root, from anywhere):   tools/capture-fixtures.sh
#   KEEP_WORK=1 keeps the raw strace outputs (in /tmp/rtnlfix-cap.*) for inspection.
#   ONLY=name1,name2 captures (and rewrites) only those fixtures; the others are left as they are.
# Needs: ip (iproute2), strace, unshare (util-linux), npx tsx; python3 for the strace samples.
#
# Never touches the initial network namespace: every link, address, route, rule, neighbour,
# nexthop and nsid lives in rtnlfix-cap / rtnlfix-cap-peer, which are deleted on exit, even on
# failure. Only documentation address ranges are used. Re-running replaces every generated file.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/test/fixtures/kernel"
SAMPLES="$ROOT/test/fixtures/strace"
NS=rtnlfix-cap
PEER=rtnlfix-cap-peer
TRACE=(strace -f -e trace=socket,close,sendmsg,recvmsg,sendto,recvfrom -e read=all -e write=all)

die() { echo "capture-fixtures: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "must run as root"
for tool in ip strace unshare npx; do command -v "$tool" >/dev/null || die "$tool not found"; done

# One capture at a time: the namespace names are fixed so that the recorded commands are stable.
exec 9>/tmp/rtnlfix-capture.lock
flock -n 9 || die "another capture is running (/tmp/rtnlfix-capture.lock)"

WORK=$(mktemp -d /tmp/rtnlfix-cap.XXXXXX)
delete_namespaces() {
  ip netns del "$PEER" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}
cleanup() {
  delete_namespaces
  if [[ -n ${KEEP_WORK:-} ]]; then echo "capture-fixtures: work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

KERNEL=$(uname -r)
IPROUTE2=$(ip -V)

SETUP=()   # the commands that built the current state, as recorded in the fixture
NOTE=''

# Records and runs one command of the current state's setup.
run() {
  SETUP+=("$*")
  "$@"
}
nsip() { run ip -n "$NS" "$@"; }

# Starts a new state: a brand-new, empty namespace.
fresh() {
  delete_namespaces
  SETUP=()
  NOTE=''
  run ip netns add "$NS"
}

# Waits until every link that is up has its carrier and no IPv6 address is still tentative
# (duplicate address detection), so that captures don't depend on timing.
settle() {
  local i
  for ((i = 0; i < 100; i++)); do
    if [[ $(ip -n "$NS" link show up) != *NO-CARRIER* && -z $(ip -n "$NS" -6 addr show tentative) ]]; then
      return 0
    fi
    sleep 0.1
  done
  die "links without carrier or IPv6 addresses still tentative after 10 s"
}

# Runs "$@" with a private /run/netns that shows only $NS and $PEER: `ip netns list-id` sends one
# RTM_GETNSID per named namespace, so other namespaces on the host would change the traffic.
private_netns_dir() {
  unshare --mount --propagation private -- bash -euc '
    dir=$1; shift
    for n in '"$NS $PEER"'; do
      [[ -e /run/netns/$n ]] || continue
      touch "$dir/$n"; mount --bind "/run/netns/$n" "$dir/$n"
    done
    mount -t tmpfs rtnlfix-cap-netns /run/netns
    for n in "$dir"/*; do
      touch "/run/netns/${n##*/}"; mount --bind "$n" "/run/netns/${n##*/}"
    done
    exec "$@"' bash "$(mktemp -d "$WORK/netns.XXXXXX")" "$@"
}

# capture NAME EXPECT 'ARGS' ['JSON ARGS' [WRAPPER]]
#   Runs `ip -n $NS ARGS` under strace. EXPECT is ok (exit status 0) or fail (non-zero).
#   JSON ARGS, when given, is the show command whose `ip -n $NS -j ...` output becomes ipJson.
#   TOOL=bridge runs `bridge -n $NS ARGS` (and `bridge -n $NS -j JSON ARGS`) instead.
capture() {
  local name=$1 expect=$2 args=$3 json=${4:-} wrapper=${5:-}
  if [[ -n ${ONLY:-} && ,$ONLY, != *,$name,* ]]; then return 0; fi
  local tool=${TOOL:-ip}
  local -a cmd=("$tool" -n "$NS") words
  read -ra words <<<"$args"
  cmd+=("${words[@]}")
  local status=0
  $wrapper "${TRACE[@]}" -o "$WORK/$name.strace" "${cmd[@]}" >"$WORK/$name.stdout" 2>"$WORK/$name.stderr" || status=$?
  if [[ $expect == ok && $status -ne 0 ]] || [[ $expect == fail && $status -eq 0 ]]; then
    cat "$WORK/$name.stderr" >&2
    die "$name: '${cmd[*]}' exited with $status, expected $expect"
  fi
  {
    printf 'name\t%s\n' "$name"
    printf 'command\t%s\n' "${cmd[*]}"
    local s
    for s in "${SETUP[@]}"; do printf 'setup\t%s\n' "$s"; done
    printf 'kernel\t%s\n' "$KERNEL"
    printf 'iproute2\t%s\n' "$IPROUTE2"
    printf 'exitStatus\t%s\n' "$status"
    [[ -n $NOTE ]] && printf 'note\t%s\n' "$NOTE"
    if [[ -n $json ]]; then
      local -a jcmd=("$tool" -n "$NS" -j)
      read -ra words <<<"$json"
      jcmd+=("${words[@]}")
      $wrapper "${jcmd[@]}" >"$WORK/$name.ipjson"
      printf 'ipJsonCommand\t%s\n' "${jcmd[*]}"
    fi
  } >"$WORK/$name.meta"
  echo "captured $name" >&2
}

# Common building blocks (fixed MAC addresses keep the bytes comparable between runs).
veth_pair() {
  nsip link add veth0 address 02:00:00:00:00:01 type veth peer name veth1 address 02:00:00:00:00:02
}
veth_up_with_addresses() {
  veth_pair
  nsip link set veth0 up
  nsip link set veth1 up
  nsip addr add 192.0.2.1/24 dev veth0
  nsip addr add 2001:db8::1/64 dev veth0 nodad
  settle
}

# ---------------------------------------------------------------------------------------------
fresh
nsip link set lo up
capture link-lo ok 'link show dev lo' '-d link show dev lo'

fresh
nsip link set lo up
veth_pair
nsip link add br0 address 02:00:00:00:00:10 type bridge
nsip link set veth1 master br0
nsip link add vxlan0 address 02:00:00:00:00:20 type vxlan id 42 dstport 4789 local 192.0.2.1 remote 192.0.2.2 dev veth0
nsip link add macvlan0 link veth0 address 02:00:00:00:00:30 type macvlan mode bridge
nsip link add macvtap0 link veth0 address 02:00:00:00:00:31 type macvtap mode vepa
for dev in veth0 veth1 br0 vxlan0 macvlan0 macvtap0; do nsip link set "$dev" up; done
settle
capture link-dump ok '-d link show' '-d link show'

fresh
nsip link set lo up
veth_up_with_addresses
nsip addr add 198.51.100.1/24 broadcast 198.51.100.255 label veth0:1 dev veth0
nsip addr add 2001:db8:2::1/64 dev veth0 valid_lft 3600 preferred_lft 1800 nodad
settle
capture addr-dump ok 'addr show' '-d addr show'

fresh
capture link-create-veth ok 'link add veth2 type veth peer name veth3'

fresh
capture link-create-bridge ok 'link add br0 type bridge'

fresh
veth_pair
capture link-create-vxlan ok 'link add vxlan0 type vxlan id 42 dstport 4789 local 192.0.2.1 remote 192.0.2.2 dev veth0'

fresh
veth_pair
capture link-create-macvlan ok 'link add macvlan0 link veth0 type macvlan mode bridge'

fresh
veth_pair
capture link-create-macvtap ok 'link add macvtap0 link veth0 type macvtap mode vepa'

fresh
nsip link add veth2 type veth peer name veth3
capture error-eexist fail 'link add veth2 type veth peer name veth3'

fresh
veth_pair
capture error-extack fail 'link set veth0 mtu 10'

fresh
capture error-extack-offset fail 'link add vxlan0 type vxlan id 42 dstport 4789 srcport 2000 1000'

fresh
veth_pair
capture error-unknown-kind fail 'link add vlan0 link veth0 type vlan id 5'

fresh
veth_up_with_addresses
capture error-route-gateway fail 'route add 198.51.100.0/24 via 192.0.2.99 dev veth1'

fresh
nsip link set lo up
veth_up_with_addresses
nsip route add default via 192.0.2.254 dev veth0
nsip route add 198.51.100.0/24 via 192.0.2.2
nsip route add blackhole 203.0.113.0/24
nsip route add 198.51.100.0/24 via 192.0.2.2 dev veth0 table 1000
nsip route add 2001:db8:1::/64 via 2001:db8::2 dev veth0 metric 1024
nsip route add 203.0.113.128/25 nexthop via 192.0.2.2 weight 1 nexthop via 192.0.2.3 weight 2
capture route-dump ok 'route show table all' '-d route show table all'

fresh
veth_up_with_addresses
nsip neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev veth0 nud permanent
nsip neigh add 192.0.2.3 lladdr 02:00:00:00:00:03 dev veth0 nud stale
nsip neigh add 2001:db8::2 lladdr 02:00:00:00:00:02 dev veth0 nud permanent
capture neigh-dump ok 'neigh show' '-d neigh show'

fresh
nsip rule add from 192.0.2.0/24 table 1000 priority 100
nsip rule add to 198.51.100.0/24 table main priority 200
nsip rule add fwmark 0x10/0xff table 1000 priority 300
capture rule-dump ok 'rule show' '-d rule show'

fresh
nsip link set lo up   # a blackhole nexthop sits on lo, which must be up
veth_up_with_addresses
nsip nexthop add id 1 via 192.0.2.2 dev veth0
nsip nexthop add id 2 via 192.0.2.3 dev veth0
nsip nexthop add id 3 blackhole
nsip nexthop add id 10 group 1
nsip nexthop add id 11 group 1,1/2,3
capture nexthop-dump ok 'nexthop show' '-d nexthop show'

fresh
nsip link set lo up
veth_pair
nsip link set veth0 up
nsip link set veth1 up
nsip addr add 192.0.2.1/24 dev veth0
nsip addr add 192.0.2.2/24 dev veth0
nsip addr add 198.51.100.1/24 broadcast 198.51.100.255 label veth0:7 dev veth0 metric 50 noprefixroute valid_lft 3600 preferred_lft 1800
nsip addr add 203.0.113.1 peer 203.0.113.2/30 dev veth0
nsip addr add 2001:db8::1/64 dev veth0 nodad mngtmpaddr
nsip addr add 2001:db8:5::1 peer 2001:db8:5::2/64 dev veth0 nodad
nsip addr add 2001:db8:6::1/64 dev veth0 nodad valid_lft 600 preferred_lft 0
settle
capture addr-model ok 'addr show dev veth0' '-d addr show dev veth0'

fresh
veth_up_with_addresses
nsip neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev veth0 nud permanent
nsip neigh add 192.0.2.3 lladdr 02:00:00:00:00:03 dev veth0 nud stale router extern_learn
nsip neigh add 192.0.2.4 lladdr 02:00:00:00:00:04 dev veth0 nud noarp proto zebra
nsip neigh add proxy 192.0.2.50 dev veth0
nsip neigh add proxy 2001:db8::50 dev veth0
capture neigh-proxy ok 'neigh show proxy' '-d neigh show proxy'

fresh
veth_up_with_addresses
nsip link add br0 address 02:00:00:00:00:10 type bridge
nsip link add vb0 address 02:00:00:00:00:11 type veth peer name vb1 address 02:00:00:00:00:12
nsip link set vb0 master br0
nsip link set vb0 type bridge_slave learning off
nsip link add vxlan0 address 02:00:00:00:00:20 type vxlan id 42 dstport 4789 local 192.0.2.1 dev veth0
for dev in br0 vb0 vb1 vxlan0; do nsip link set "$dev" up; done
run bridge -n "$NS" fdb add 02:00:00:00:01:01 dev vb0 master static
run bridge -n "$NS" fdb add 02:00:00:00:01:02 dev vb0 master permanent
run bridge -n "$NS" fdb add 02:00:00:00:01:03 dev vb0 master dynamic extern_learn
run bridge -n "$NS" fdb add 02:00:00:00:01:04 dev vb0 master static sticky
run bridge -n "$NS" fdb add 02:00:00:00:01:05 dev vb0 self permanent
run bridge -n "$NS" fdb add 00:00:00:00:00:00 dev vxlan0 dst 192.0.2.2
run bridge -n "$NS" fdb append 00:00:00:00:00:00 dev vxlan0 dst 192.0.2.3 static
run bridge -n "$NS" fdb add 02:00:00:00:02:01 dev vxlan0 dst 192.0.2.4 port 4790 vni 43 via veth0
settle
TOOL=bridge capture fdb-dump ok 'fdb show' 'fdb show'

fresh
nsip link set lo up
veth_up_with_addresses
nsip nexthop add id 1 via 192.0.2.2 dev veth0
nsip nexthop add id 2 via 192.0.2.3 dev veth0 onlink proto zebra
nsip nexthop add id 3 dev veth1
nsip -6 nexthop add id 4 blackhole
nsip nexthop add id 5 via 192.0.2.5 fdb
nsip nexthop add id 6 via 192.0.2.6 fdb
nsip nexthop add id 10 group 1,200/2,3 type resilient buckets 16 idle_timer 30 unbalanced_timer 60
nsip nexthop add id 11 group 5/6 fdb
capture nexthop-model ok 'nexthop show' '-d nexthop show'

fresh
run ip netns add "$PEER"
nsip netns set "$PEER" 5
NOTE="Captured with a private /run/netns showing only $NS and $PEER: iproute2 sends one RTM_GETNSID (NETNSA_FD) per named namespace it finds there before the RTM_GETNSID dump."
capture nsid-dump ok 'netns list-id' 'netns list-id' private_netns_dir

delete_namespaces

# ---------------------------------------------------------------------------------------------
# Samples for the strace parser's own tests: several iovecs, a MSG_PEEK into a real buffer, and
# <unfinished ...>/<... resumed> lines from two threads. Captured with python3 when available.
PYTHON=$(command -v python3 || true)
if [[ -n $PYTHON ]] && command -v pyenv >/dev/null && pyenv which python3 >/dev/null 2>&1; then
  PYTHON=$(pyenv which python3)   # the real binary, not the pyenv shim script
fi
if [[ -n ${ONLY:-} ]]; then
  echo "ONLY is set: strace samples not refreshed" >&2
elif [[ -n $PYTHON ]]; then
  fresh
  cat >"$WORK/iovecs.py" <<'PY'
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.bind((0, 0))
body = struct.pack('=BxHiII', 0, 0, 1, 0, 0)          # ifinfomsg for ifindex 1 (lo)
hdr = struct.pack('=IHHII', 16 + len(body), 18, 1, 7, 0)  # RTM_GETLINK, NLM_F_REQUEST, seq 7
s.sendmsg([hdr, body])                                 # header and body in two iovecs
s.recvmsg_into([bytearray(16), bytearray(4096)])       # the reply into two iovecs
hdr = struct.pack('=IHHII', 16 + len(body), 18, 5, 8, 0)  # NLM_F_REQUEST|NLM_F_ACK, seq 8
s.sendto(hdr + struct.pack('=BxHiII', 0, 0, 999, 0, 0), (0, 0))  # no such ifindex: ENODEV
s.recvfrom(65536, socket.MSG_PEEK)                     # peek into a real buffer: dumped
s.recvfrom(65536)                                      # the same datagram, read for real
PY
  cat >"$WORK/threads.py" <<'PY'
import socket, struct, threading, time
ev = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
ev.bind((0, 1))                                        # RTMGRP_LINK
t = threading.Thread(target=lambda: ev.recv(65536))    # blocks: <unfinished ...>
t.start()
time.sleep(0.2)
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.bind((0, 0))
body = struct.pack('=BxHiII', 0, 0, 1, 1, 1)           # lo: set IFF_UP
s.send(struct.pack('=IHHII', 16 + len(body), 16, 5, 1, 0) + body)  # RTM_NEWLINK + ACK
s.recv(65536)
t.join()
PY
  ip netns exec "$NS" strace -f -e trace=socket,sendmsg,recvmsg,sendto,recvfrom -e read=all -e write=all \
    -o "$WORK/python-iovecs.strace" "$PYTHON" "$WORK/iovecs.py"
  ip netns exec "$NS" strace -f -e trace=socket,sendto,recvfrom -e read=all -e write=all \
    -o "$WORK/python-threads.strace" "$PYTHON" "$WORK/threads.py"
  delete_namespaces
  mkdir -p "$SAMPLES"
  cp "$WORK/python-iovecs.strace" "$WORK/python-threads.strace" "$SAMPLES/"
  echo "captured strace samples" >&2
else
  echo "python3 not found: strace samples not refreshed" >&2
fi
mkdir -p "$SAMPLES"
[[ -f $WORK/link-lo.strace ]] && cp "$WORK/link-lo.strace" "$SAMPLES/ip-link-lo.strace"

# ---------------------------------------------------------------------------------------------
mkdir -p "$OUT"
cd "$ROOT"
npx --no-install tsx tools/capture-fixtures.ts "$WORK" "$OUT"
