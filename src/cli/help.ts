// Usage texts, one per object (`rtnl link --help`), and the general one (`rtnl --help`).

/** The help topics: the general one and one per object. */
export type HelpTopic = 'rtnl' | 'link' | 'address' | 'route' | 'neigh' | 'rule' | 'nexthop' | 'netns' | 'monitor' | 'decode' | 'qdisc' | 'class' | 'filter';

/** The usage text of each topic. */
export const HELP: Readonly<Record<HelpTopic, string>> = {
  rtnl: `Usage: rtnl [OPTIONS] OBJECT COMMAND [ARGS]
       rtnl OBJECT --help

OBJECT := link | address | route | neigh | rule | nexthop | netns | monitor | decode
          (abbreviations as ip: l, a, r, n, ru, nh, net, m, d)
          | qdisc | class | filter   (traffic control, with tc's arguments)
OPTIONS := -n NETNS      work inside the named network namespace (or namespace file)
           -j            JSON output, with the field names and values of ip -j
           -p            indented JSON
           -d            details (as ip -d)
           -s            statistics (as ip -s, -s -s; qdisc, class, filter: as tc -s)
           -br, -brief   ip's brief form (link, address)
           -o, -oneline  one line per object, as ip -o (link, address, route, neigh;
                         not with -d for link)
           -c[=always|never|auto], -color   colours, as ip -c
           -batch FILE|- run the commands of FILE (or stdin), one per line, as ip -batch
           -force        with -batch: go on after a failing command, as ip -force
           -4 | -6       IPv4 or IPv6 only
           -h, --help    this text; 'rtnl OBJECT --help' for an object's commands
           -V, --version the version

Without -j, listings are tables. A failure prints one line, as ip words it where ip
has a message ('rtnl: Cannot find device "nosuch"'), else 'rtnl: RTM_NEWLINK: EEXIST
(File exists)' with the kernel's explanation when it gave one, and exits with status
1 (2 for a command line error).`,

  link: `Usage: rtnl link show [[dev] NAME] [type KIND] [master NAME] [up]
       rtnl link add [name] NAME [link DEV] [address MAC] [mtu N] [master NAME]
                     [txqlen N] [alias TEXT] [netns NS] [up] type KIND [KIND-ARGS]
       rtnl link set [dev] NAME [up | down] [mtu N] [name NEW] [address MAC]
                     [master NAME | nomaster] [netns NS | PID] [txqlen N] [alias TEXT]
                     [promisc on|off] [group N]
       rtnl link del [dev] NAME

KIND-ARGS:
  veth       peer [name] NAME [address MAC] [mtu N] [netns NS]
  vxlan      id N [dstport N] [local IP] [remote IP | group IP] [dev NAME] [ttl N]
             [tos N] [learning | nolearning] [ageing N]
  macvlan, macvtap   mode private|vepa|bridge|passthru|source   (with 'link DEV')
  ipvlan, ipvtap     mode l2|l3|l3s                              (with 'link DEV')
  vlan       id N [protocol 802.1q|802.1ad]                      (with 'link DEV')
  bridge     [stp_state 0|1] [vlan_filtering 0|1] [forward_delay N] [priority N]
             [ageing_time N] [mcast_snooping 0|1]
  bond       [mode balance-rr|active-backup|balance-xor|broadcast|802.3ad|balance-tlb|balance-alb]
  vrf        table N
  dummy, ifb, nlmon, ...   no arguments

With -j, 'link show' prints what 'ip -j link show' prints (-d: 'ip -j -d link show').`,

  address: `Usage: rtnl address show [[dev] NAME]
       rtnl address flush [dev NAME] [scope S] [label PATTERN] [to PREFIX]
                          [primary | secondary | -FLAG | FLAG]... [proto P]
       rtnl address add ADDR/LEN dev NAME [peer ADDR[/LEN]] [broadcast + | IP]
                        [label LABEL] [scope global|site|link|host|N] [metric N]
                        [valid_lft SECONDS|forever] [preferred_lft SECONDS|forever]
                        [nodad] [noprefixroute] [mngtmpaddr] [optimistic] [autojoin] [home]
       rtnl address replace ... (as add)
       rtnl address del ADDR/LEN dev NAME [peer ADDR]

With -j, 'address show' prints what 'ip -j address show' prints: one object per link,
its addresses in addr_info. -4 / -6 limit it to one family.`,

  route: `Usage: rtnl route show|flush [SELECTOR]
SELECTOR := [root PREFIX | match PREFIX | exact PREFIX | [to] PREFIX] [table ID|NAME|all]
            [dev NAME] [proto P] [type TYPE] [scope S] [via GW] [src ADDR] [from PREFIX]
            [tos N] [metric N]
       rtnl route get [to] ADDR [from ADDR] [iif NAME] [oif NAME] [mark N] [fibmatch]
       rtnl route add|del|replace|append|change [type] [TYPE] PREFIX|default
                      [via [inet|inet6] GW] [dev NAME] [table ID] [metric N] [proto P]
                      [scope S] [src ADDR] [onlink] [nhid N] [mtu N] [advmss N]
                      [pref low|medium|high] [expires SECONDS]
                      [nexthop via GW dev NAME [weight N] [onlink]]...
TYPE := unicast | blackhole | unreachable | prohibit | throw | local | broadcast |
        multicast | anycast | nat

'route show' lists the main table of IPv4 routes, like ip: -6 for IPv6, 'table all'
for every table of both families. With -j it prints what 'ip -j route show' prints.`,

  neigh: `Usage: rtnl neigh show [[dev] NAME] [proxy] [nud all|STATE]
       rtnl neigh flush [dev NAME] [nud all|STATE] [PREFIX]
       rtnl neigh add|replace|change [to] ADDR [lladdr MAC] dev NAME [nud STATE]
                                      [router] [extern_learn] [proxy] [proto P]
       rtnl neigh del [to] ADDR dev NAME [proxy]
STATE := permanent | noarp | reachable | stale | delay | probe | failed | incomplete

With -j, 'neigh show' prints what 'ip -j neigh show' prints (NOARP entries hidden
unless 'nud all').`,

  rule: `Usage: rtnl rule show
       rtnl rule add|del [not] [from PREFIX] [to PREFIX] [priority N] [fwmark M[/MASK]]
                         [iif NAME] [oif NAME] [tos N] [uidrange A-B] [ipproto P]
                         [sport P[-P]] [dport P[-P]] [l3mdev] [proto P]
                         [table ID | lookup ID] [goto N] [nop] [blackhole | unreachable | prohibit]
                         [suppress_prefixlength N] [suppress_ifgroup N]

'rule show' lists IPv4 rules, like ip: -6 for IPv6. With -j it prints what
'ip -j rule show' prints.`,

  nexthop: `Usage: rtnl nexthop show [id N] [dev NAME] [groups] [fdb]
       rtnl nexthop get id N
       rtnl nexthop add|replace [id N] [via GW] [dev NAME] [onlink] [blackhole] [fdb]
                                [proto P]
       rtnl nexthop add|replace [id N] group ID[,WEIGHT][/ID[,WEIGHT]...]
                                [type mpath | resilient [buckets N] [idle_timer S]
                                 [unbalanced_timer S]]
       rtnl nexthop del id N

With -j, 'nexthop show' prints what 'ip -j nexthop show' prints.`,

  netns: `Usage: rtnl netns list
       rtnl netns add NAME
       rtnl netns del NAME
       rtnl netns list-id
       rtnl netns set NAME ID|auto
       rtnl netns exec NAME COMMAND [ARGS...]
       rtnl netns identify [PID]
       rtnl netns pids NAME
       rtnl netns attach NAME PID

'list-id' and 'set' concern the ids of the namespace -n names (default: this one),
as 'ip [-n NETNS] netns list-id' and 'ip [-n NETNS] netns set'.`,

  monitor: `Usage: rtnl monitor [all | link | address | route | neigh | rule | nexthop | nsid | tc ...]
                    [all-nsid]

Prints one line per kernel event (JSON lines with -j) until interrupted (Ctrl-C).
'tc' reports qdiscs, classes and filters (as 'tc monitor'; not part of 'all', as ip).
'all-nsid' also reports the events of every namespace that has an id here.`,

  qdisc: `Usage: rtnl [-s] qdisc show [dev NAME] [invisible]
       rtnl qdisc add|replace|change|del dev NAME [handle H] [root | parent H]
                  [ingress_block N] [egress_block N] KIND [OPTIONS]
       rtnl qdisc add|del dev NAME ingress | clsact
KIND and OPTIONS, as tc:
  htb        [default MINOR] [r2q N] [direct_qlen N] [offload]
  tbf        rate RATE burst SIZE (latency TIME | limit SIZE) [peakrate RATE]
             [mtu SIZE] [mpu SIZE] [overhead N] [linklayer ethernet|atm]
  pfifo, pfifo_head_drop   [limit PACKETS]      bfifo   [limit SIZE]
  prio       [bands N] [priomap P P ...]
  noqueue, pfifo_fast, and kinds this kernel lacks: no options (the kernel answers)
H is a handle as tc writes it: 1:, 1:10, root, ffff:fff1. RATE: 8mbit, 32kbit, 1gbit,
100kbps (bytes). SIZE: 32kbit, 10kb, 1600. TIME: 400ms, 1s, 50us.

With -j, 'qdisc show' prints what 'tc -j qdisc show' prints (-s: 'tc -j -s').`,

  class: `Usage: rtnl [-s] [-d] class show [dev NAME] [parent H | root] [classid H]
       rtnl class add|replace|change|del dev NAME [parent H | root] classid H
                  [htb rate RATE [ceil RATE] [burst SIZE] [cburst SIZE] [prio N]
                   [quantum N] [mtu N] [mpu SIZE] [overhead N] [linklayer ethernet|atm]]

Text as 'tc class show' prints it. tc 6.1 prints classes as text only: -j prints the
fields newer tc prints for them.`,

  filter: `Usage: rtnl [-s] filter show [dev NAME] [parent H | root | ingress | egress]
                          [prio N] [protocol PROTO] [chain N]
       rtnl filter add|replace|change|del dev NAME (parent H | root | ingress | egress)
                   [handle H] [protocol PROTO] [prio N] [chain N] [u32 U32-OPTIONS]
U32-OPTIONS := [match SELECTOR]... [classid|flowid H] [action ACTION]... [ht H]
               [link H] [divisor N] [indev NAME] [mark VALUE MASK] [skip_hw | skip_sw]
SELECTOR := u32|u16|u8 VALUE MASK at OFFSET | ip src|dst PREFIX |
            ip sport|dport|protocol|tos VALUE MASK | ip6 src|dst PREFIX |
            ip6 sport|dport|protocol VALUE MASK
ACTION := mirred egress|ingress redirect|mirror dev NAME [CONTROL] |
          gact CONTROL | CONTROL | police rate RATE burst SIZE [mtu SIZE]
          [conform-exceed CONTROL[/CONTROL]]
CONTROL := pass | drop | pipe | stolen | reclassify | continue | goto chain N
PROTO := all | ip | ipv6 | arp | 802.1Q | 802.1ad | NUMBER

Without a parent, 'filter show' lists the filters of every qdisc and class of the device.
With -j it prints what 'tc -j filter show' prints.`,

  decode: `Usage: rtnl decode FILE [fd N]

Decodes a capture: pcap or pcapng (LINKTYPE_NETLINK, as written by the library's
RecordingTransport, nlmon or tcpdump), or strace output with hex dumps
(strace -f -e trace=socket,sendmsg,recvmsg,sendto,recvfrom -e read=all -e write=all
-o FILE ...). Prints every datagram's messages: type, flags, sequence number, port id
and the decoded object.
With -j, a JSON array of datagrams (64-bit numbers as strings, bytes as hex).
'fd N' keeps one socket's datagrams of an strace capture.`,
};

/** The help text of a topic, with a trailing newline. */
export function helpText(topic: HelpTopic): string {
  return `${HELP[topic]}\n`;
}
