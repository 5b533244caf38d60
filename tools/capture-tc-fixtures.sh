#!/usr/bin/env bash
# Captures the netlink traffic of `tc` commands as byte fixtures for the traffic-control tests:
# test/fixtures/kernel/tc/<name>.json, in the format of tools/capture-fixtures.sh (whose second
# half, tools/capture-fixtures.ts, writes the files; `ipJson` holds `tc -j -s ... show` output).
#
# Usage (root, from anywhere):   tools/capture-tc-fixtures.sh
#   KEEP_WORK=1 keeps the raw strace outputs (in /tmp/rtnlfix-tc.*) for inspection.
#   ONLY=name1,name2 captures only these fixtures and leaves the others as they are.
# Needs: tc and ip (iproute2), strace, npx tsx.
#
# Never touches the initial network namespace: everything lives in the namespace rtnlfix-tc,
# deleted on exit, even on failure (the ifb device too is created inside it).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/test/fixtures/kernel/tc"
NS=rtnlfix-tc
TRACE=(strace -f -e trace=socket,close,sendmsg,recvmsg,sendto,recvfrom -e read=all -e write=all)

die() { echo "capture-tc-fixtures: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "must run as root"
for tool in ip tc strace npx; do command -v "$tool" >/dev/null || die "$tool not found"; done

exec 9>/tmp/rtnlfix-tc-capture.lock
flock -n 9 || die "another capture is running (/tmp/rtnlfix-tc-capture.lock)"

WORK=$(mktemp -d /tmp/rtnlfix-tc.XXXXXX)
cleanup() {
  ip netns del "$NS" 2>/dev/null || true
  if [[ -n ${KEEP_WORK:-} ]]; then echo "capture-tc-fixtures: work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

KERNEL=$(uname -r)
IPROUTE2=$(tc -V)
SETUP=()

run() { SETUP+=("$*"); "$@"; }
nsip() { run ip -n "$NS" "$@"; }
nstc() { run tc -n "$NS" "$@"; }

# A fresh namespace with a veth pair (fixed MACs) and an ifb device, all up.
fresh() {
  ip netns del "$NS" 2>/dev/null || true
  SETUP=()
  run ip netns add "$NS"
  nsip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02
  nsip link add ifb9 address 02:00:00:00:00:09 type ifb
  nsip link set v0 up
  nsip link set v1 up
  nsip link set ifb9 up
}

# capture NAME EXPECT 'ARGS' ['JSON ARGS' | text]: runs `tc -n $NS ARGS` under strace; EXPECT is ok
# or fail; `text` keeps what tc printed (tc 6.1 prints classes as text only, even with -j).
capture() {
  local name=$1 expect=$2 args=$3 json=${4:-}
  if [[ -n ${ONLY:-} && ",$ONLY," != *",$name,"* ]]; then return 0; fi
  local -a cmd=(tc -n "$NS") words
  read -ra words <<<"$args"
  cmd+=("${words[@]}")
  local status=0
  "${TRACE[@]}" -o "$WORK/$name.strace" "${cmd[@]}" >"$WORK/$name.stdout" 2>"$WORK/$name.stderr" || status=$?
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
    if [[ $json == text ]]; then
      printf 'keepStdout\t1\n'
    elif [[ -n $json ]]; then
      local -a jcmd=(tc -n "$NS" -j)
      read -ra words <<<"$json"
      jcmd+=("${words[@]}")
      "${jcmd[@]}" >"$WORK/$name.ipjson"
      printf 'ipJsonCommand\t%s\n' "${jcmd[*]}"
    fi
  } >"$WORK/$name.meta"
  echo "captured $name" >&2
}

# --- Requests as tc sends them, and the kernel's answers
fresh
capture qdisc-add-tbf ok 'qdisc add dev v0 root handle 1: tbf rate 8mbit burst 32kbit latency 400ms'
fresh
capture qdisc-add-tbf-peak ok 'qdisc add dev v0 root handle 1: tbf rate 10gbit burst 1mb limit 3000000 peakrate 12gbit mtu 9000'
fresh
capture qdisc-add-htb ok 'qdisc add dev v0 root handle 1: htb default 10'
fresh
nstc qdisc add dev v0 root handle 1: htb default 10
capture class-add-htb ok 'class add dev v0 parent 1: classid 1:10 htb rate 4mbit ceil 5mbit'
fresh
capture qdisc-add-pfifo ok 'qdisc add dev v0 root handle 2: pfifo limit 50'
fresh
capture qdisc-add-ingress ok 'qdisc add dev v0 ingress'
fresh
nstc qdisc add dev v0 ingress
capture filter-add-u32-mirred ok 'filter add dev v0 parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev ifb9'
fresh
nstc qdisc add dev v0 root handle 1: htb default 10
nstc class add dev v0 parent 1: classid 1:10 htb rate 4mbit
capture filter-add-u32-ip ok 'filter add dev v0 parent 1: protocol ip prio 1 u32 match ip dst 198.51.100.0/24 match ip dport 80 0xffff flowid 1:10'
# This kernel has no gact or police actions (CONFIG_NET_ACT_GACT/POLICE unset): tc's requests are
# kept as the bytes to encode, with the kernel's refusal.
fresh
nstc qdisc add dev v0 clsact
capture error-action-gact fail 'filter add dev v0 ingress protocol ip prio 2 u32 match ip src 192.0.2.1/32 action drop'
fresh
nstc qdisc add dev v0 clsact
capture error-action-police fail 'filter add dev v0 egress protocol all prio 3 u32 match u32 0 0 police rate 1mbit burst 10k drop'

# Classes: 64-bit rates, the framing settings, change and delete.
fresh
nstc qdisc add dev v0 root handle 1: htb default 10
capture class-add-htb-64 ok 'class add dev v0 parent 1: classid 1:20 htb rate 40gbit ceil 50gbit burst 150k prio 3 quantum 1500'
fresh
nstc qdisc add dev v0 root handle 1: htb default 10
capture class-add-htb-atm ok 'class add dev v0 parent 1: classid 1:30 htb rate 1mbit overhead 10 mpu 64 linklayer atm mtu 9000 cburst 20k'
fresh
nstc qdisc add dev v0 root handle 1: htb
nstc class add dev v0 parent 1: classid 1:10 htb rate 4mbit
capture class-change-htb ok 'class change dev v0 parent 1: classid 1:10 htb rate 2mbit ceil 3mbit'
capture class-del ok 'class del dev v0 classid 1:10'

# u32 filters: IPv6, ports and protocols, a mirror to ingress; a dump of them; delete by priority.
fresh
nstc qdisc add dev v0 root handle 1: htb default 10
nstc class add dev v0 parent 1: classid 1:10 htb rate 4mbit
capture filter-add-u32-ip6 ok 'filter add dev v0 parent 1: protocol ipv6 prio 2 u32 match ip6 src 2001:db8::/64 match ip6 dport 443 0xffff match ip6 protocol 6 0xff flowid 1:10'
capture filter-add-u32-ports ok 'filter add dev v0 parent 1: protocol ip prio 3 u32 match ip protocol 17 0xff match ip sport 53 0xffff match ip dport 5353 0xffff match ip src 192.0.2.0/24 classid 1:10'
capture filter-add-u32-mirror ok 'filter add dev v0 parent 1: protocol ip prio 4 u32 match ip dst 203.0.113.7/32 action mirred ingress mirror dev ifb9'
capture filter-dump-u32 ok '-s filter show dev v0 parent 1:' '-s filter show dev v0 parent 1:'
capture filter-del-prio ok 'filter del dev v0 parent 1: protocol ip prio 3 u32'

# Kinds this kernel lacks: what tc sends for them, and the kernel's refusal.
fresh
nstc qdisc add dev v0 clsact
capture error-filter-flower fail 'filter add dev v0 ingress protocol ip prio 5 flower dst_ip 198.51.100.0/24 src_ip 192.0.2.0/25 ip_proto tcp dst_port 80 skip_hw action mirred egress redirect dev ifb9'
capture error-filter-matchall fail 'filter add dev v0 egress protocol all prio 6 matchall skip_sw classid 1:1 action mirred egress mirror dev ifb9'
capture error-filter-basic fail 'filter add dev v0 ingress protocol arp prio 7 basic classid 1:2 action mirred egress redirect dev ifb9'
capture error-action-skbedit fail 'filter add dev v0 ingress protocol all prio 8 u32 match u32 0 0 action skbedit mark 7 priority 1:2 queue_mapping 3'
capture error-action-vlan fail 'filter add dev v0 ingress protocol all prio 8 u32 match u32 0 0 action vlan push id 100 protocol 802.1Q priority 5'
capture error-action-tunnel-key fail 'filter add dev v0 ingress protocol all prio 8 u32 match u32 0 0 action tunnel_key set src_ip 192.0.2.1 dst_ip 192.0.2.2 id 42 dst_port 4789 tos 0x10 ttl 64 nocsum'
capture error-action-gact-random fail 'filter add dev v0 ingress protocol all prio 8 u32 match u32 0 0 action pass random determ drop 10'

# --- Errors
fresh
capture error-qdisc-kind fail 'qdisc add dev v0 root netem delay 10ms'
fresh
nstc qdisc add dev v0 clsact
capture error-filter-kind fail 'filter add dev v0 ingress protocol all matchall action drop'
fresh
capture error-qdisc-parent fail 'qdisc add dev v0 parent 7:1 pfifo'

# --- Dumps, with tc -j -s for the same state
fresh
nstc qdisc add dev v0 root handle 1: tbf rate 8mbit burst 32kbit latency 400ms
nstc qdisc add dev v0 ingress
nstc qdisc add dev v1 root handle 2: pfifo limit 50
nstc qdisc add dev ifb9 root handle 1: htb default 10 r2q 5
nstc class add dev ifb9 parent 1: classid 1:10 htb rate 4mbit ceil 5mbit prio 2
nstc class add dev ifb9 parent 1:10 classid 1:20 htb rate 1mbit ceil 4mbit burst 15k
nstc qdisc add dev ifb9 parent 1:20 handle 20: bfifo limit 30000
nstc filter add dev v0 parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev ifb9
capture qdisc-dump ok '-s qdisc show' '-s qdisc show'
capture class-dump ok '-s class show dev ifb9' text
capture filter-dump ok '-s filter show dev v0 parent ffff:' '-s filter show dev v0 parent ffff:'

fresh
nsip link set v1 down
nstc qdisc add dev v1 root handle 3: pfifo_head_drop limit 20
nstc qdisc add dev v0 clsact
nstc qdisc add dev ifb9 root handle 5: pfifo_fast
capture qdisc-dump-more ok '-s qdisc show' '-s qdisc show'

ip netns del "$NS"
mkdir -p "$OUT"
cd "$ROOT"
if [[ -n ${ONLY:-} ]]; then
  # Only the named fixtures: written apart, then copied over (capture-fixtures.ts empties its output).
  mkdir -p "$WORK/out"
  npx --no-install tsx tools/capture-fixtures.ts "$WORK" "$WORK/out"
  cp "$WORK"/out/*.json "$OUT"/
else
  npx --no-install tsx tools/capture-fixtures.ts "$WORK" "$OUT"
fi
