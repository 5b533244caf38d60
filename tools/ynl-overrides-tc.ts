// Hand corrections to the kernel's tc.yaml (traffic control: qdiscs, classes, filters, actions),
// applied by tools/ynl-gen.ts before generating src/rtnl/generated/tc.ts. Each entry says why in a
// one-line comment; structs were checked against <linux/pkt_sched.h>, <linux/pkt_cls.h> and
// <linux/tc_act/*.h>, and against the bytes this kernel sends (test/fixtures/kernel/tc).

import type { FamilyOverrides, YnlAttr } from './ynl-overrides.js';

/** The filter kinds whose options carry an action list (TCA_*_ACT). */
const FILTERS_WITH_ACTIONS = ['basic-attrs', 'bpf-attrs', 'cgroup-attrs', 'flower-attrs', 'fw-attrs', 'matchall-attrs', 'route-attrs', 'u32-attrs'];

/** The tc_gen members every action's parameter struct starts with (<linux/pkt_cls.h>). */
const TC_GEN = [
  { name: 'index', type: 'u32', doc: 'The action\'s index in its kind\'s table.' },
  { name: 'capab', type: 'u32' },
  { name: 'action', type: 's32', doc: 'What happens to the packet after this action (TC_ACT_*).' },
  { name: 'refcnt', type: 's32' },
  { name: 'bindcnt', type: 's32' },
] as const;

const ipv4: Partial<YnlAttr> = { type: 'u32', 'byte-order': 'big-endian', 'display-hint': 'ipv4' };

/** Overrides of the tc family. */
export const tcOverrides: FamilyOverrides = {
  definitions: [
    // struct tc_mirred (<linux/tc_act/tc_mirred.h>): the mirred action's parameters; YNL leaves TCA_MIRRED_PARMS binary.
    {
      name: 'tc-mirred',
      type: 'struct',
      members: [...TC_GEN, { name: 'eaction', type: 's32', doc: 'TCA_EGRESS_REDIR (1), TCA_EGRESS_MIRROR (2), TCA_INGRESS_REDIR (3), TCA_INGRESS_MIRROR (4).' }, { name: 'ifindex', type: 'u32' }],
    },
    // struct tc_skbedit (<linux/tc_act/tc_skbedit.h>): tc_gen only.
    { name: 'tc-skbedit', type: 'struct', members: [...TC_GEN] },
    // struct tc_tunnel_key (<linux/tc_act/tc_tunnel_key.h>): tc_gen and the set/release choice.
    { name: 'tc-tunnel-key', type: 'struct', members: [...TC_GEN, { name: 't-action', type: 's32', doc: 'TCA_TUNNEL_KEY_ACT_SET (1) or _RELEASE (2).' }] },
    // struct tc_act_bpf (<linux/tc_act/tc_bpf.h>): tc_gen only.
    { name: 'tc-act-bpf', type: 'struct', members: [...TC_GEN] },
    // struct tc_htb_xstats (<linux/pkt_sched.h>): what an htb class reports in TCA_XSTATS.
    {
      name: 'tc-htb-xstats',
      type: 'struct',
      members: [
        { name: 'lends', type: 'u32' },
        { name: 'borrows', type: 'u32' },
        { name: 'giants', type: 'u32' },
        { name: 'tokens', type: 's32', doc: 'Tokens left for the rate, in nanoseconds of sending at the rate (psched ticks).' },
        { name: 'ctokens', type: 's32', doc: 'Tokens left for the ceil.' },
      ],
    },
  ],
  definitionPatches: [
    // TCA_CLS_FLAGS_NOT_IN_HW is bit 3 (<linux/pkt_cls.h>); the spec spells it not-in-nw.
    { definition: 'cls-flags', patch: { 'name-prefix': 'tca-cls-flags-', entries: ['skip-hw', 'skip-sw', 'in-hw', 'not-in-hw', 'verbose'] } },
  ],
  members: [
    // struct tc_ratespec: overhead is an unsigned short, cell_align a short, mpu an unsigned short (12 bytes, not 9).
    { struct: 'tc-ratespec', member: 'overhead', patch: { type: 'u16' } },
    // (see overhead)
    { struct: 'tc-ratespec', member: 'cell-align', patch: { type: 's16' } },
    // (see overhead)
    { struct: 'tc-ratespec', member: 'mpu', patch: { type: 'u16' } },
    // struct tc_stats ends with 4 bytes of padding: the kernel sends sizeof() = 40 bytes.
    { struct: 'tc-stats', member: 'backlog', insertAfter: { name: 'pad', type: 'pad', len: 4 } },
    // struct gnet_stats_basic is 16 bytes (a u64 and a u32, aligned to 8), as the kernel sends it.
    { struct: 'gnet-stats-basic', member: 'packets', insertAfter: { name: 'pad', type: 'pad', len: 4 } },
    // struct tc_u32_sel: one byte of padding before the __be16 offmask; keys[] is a flexible array (x-codec of TCA_U32_SEL).
    { struct: 'tc-u32-sel', member: 'nkeys', insertAfter: { name: 'pad', type: 'pad', len: 1 } },
    // (see nkeys)
    { struct: 'tc-u32-sel', member: 'keys', remove: true },
    // struct tc_u32_pcnt: kcnts[] is a flexible array of one u64 per key (x-codec of TCA_U32_PCNT).
    { struct: 'tc-u32-pcnt', member: 'kcnts', remove: true },
    // struct tc_pedit_sel: two bytes of padding after flags; keys[] is a flexible array (x-codec of TCA_PEDIT_PARMS).
    { struct: 'tc-pedit-sel', member: 'flags', insertAfter: { name: 'pad', type: 'pad', len: 2 } },
    // (see flags)
    { struct: 'tc-pedit-sel', member: 'keys', remove: true },
  ],
  attributes: [
    // TCA_STATS_APP's format depends on TCA_KIND of the enclosing message, which a nested set cannot see; the same
    // bytes come decoded in TCA_XSTATS.
    { set: 'tca-stats-attrs', attr: 'app', patch: { type: 'binary' } },
    // The netem qdisc's TCA_NETEM_LOSS (the loss model) would take the key of tc_netem_qopt.loss (the loss percentage).
    { set: 'netem-attrs', attr: 'loss', key: 'lossModel' },
    // Action lists are numbered from 1 (tcf_action_init reads tb[1] .. tb[TCA_ACT_MAX_PRIO]; index 0 is ignored).
    ...FILTERS_WITH_ACTIONS.map((set) => ({ set, attr: 'act', patch: { 'x-first-index': 1 } })),
    // tc opens TCA_ACT_OPTIONS with NLA_F_NESTED (m_action.c: addattr_nest(n, MAX_MSG, TCA_ACT_OPTIONS | NLA_F_NESTED)).
    { set: 'act-attrs', attr: 'options', patch: { 'x-nested-flag': true } },
    // TCA_U32_SEL: struct tc_u32_sel followed by nkeys struct tc_u32_key.
    { set: 'u32-attrs', attr: 'sel', patch: { 'x-codec': { call: 'structAndArray' as const, args: [{ struct: 'tc-u32-sel' }, { literal: 'keys' }, { struct: 'tc-u32-key' }] } } },
    // TCA_U32_PCNT: struct tc_u32_pcnt followed by one u64 hit count per key.
    { set: 'u32-attrs', attr: 'pcnt', patch: { 'x-codec': { call: 'structAndArray' as const, args: [{ struct: 'tc-u32-pcnt' }, { literal: 'kcnts' }, { scalar: { type: 'u64' as const } }] } } },
    // TCA_U32_FLAGS are TCA_CLS_FLAGS_* bits.
    { set: 'u32-attrs', attr: 'flags', patch: { enum: 'cls-flags', 'enum-as-flags': true } },
    // TCA_MATCHALL_FLAGS are TCA_CLS_FLAGS_* bits.
    { set: 'matchall-attrs', attr: 'flags', patch: { enum: 'cls-flags', 'enum-as-flags': true } },
    // TCA_BPF_FLAGS_GEN are TCA_CLS_FLAGS_* bits.
    { set: 'bpf-attrs', attr: 'flags-gen', patch: { enum: 'cls-flags', 'enum-as-flags': true } },
    // TCA_PEDIT_PARMS(_EX): struct tc_pedit_sel followed by nkeys struct tc_pedit_key.
    { set: 'act-pedit-attrs', attr: 'parms', patch: { 'x-codec': { call: 'structAndArray' as const, args: [{ struct: 'tc-pedit-sel' }, { literal: 'keys' }, { struct: 'tc-pedit-key' }] } } },
    // TCA_MIRRED_PARMS is struct tc_mirred.
    { set: 'act-mirred-attrs', attr: 'parms', patch: { struct: 'tc-mirred' } },
    // TCA_SKBEDIT_PARMS is struct tc_skbedit.
    { set: 'act-skbedit-attrs', attr: 'parms', patch: { struct: 'tc-skbedit' } },
    // TCA_TUNNEL_KEY_PARMS is struct tc_tunnel_key.
    { set: 'act-tunnel-key-attrs', attr: 'parms', patch: { struct: 'tc-tunnel-key' } },
    // TCA_TUNNEL_KEY_ENC_IPV4_SRC/DST are IPv4 addresses (__be32).
    { set: 'act-tunnel-key-attrs', attr: 'enc-ipv4-src', patch: ipv4 },
    // (see enc-ipv4-src)
    { set: 'act-tunnel-key-attrs', attr: 'enc-ipv4-dst', patch: ipv4 },
    // TCA_TUNNEL_KEY_ENC_IPV6_SRC/DST are IPv6 addresses (struct in6_addr).
    { set: 'act-tunnel-key-attrs', attr: 'enc-ipv6-src', patch: { 'display-hint': 'ipv6' } },
    // (see enc-ipv6-src)
    { set: 'act-tunnel-key-attrs', attr: 'enc-ipv6-dst', patch: { 'display-hint': 'ipv6' } },
    // TCA_TUNNEL_KEY_ENC_KEY_ID is a __be32 (nla_put_be32 in tunnel_key_dump, NLA_U32 in its policy), not a u64.
    { set: 'act-tunnel-key-attrs', attr: 'enc-key-id', patch: { type: 'u32', 'byte-order': 'big-endian' } },
    // TCA_ACT_BPF_PARMS is struct tc_act_bpf.
    { set: 'act-bpf-attrs', attr: 'parms', patch: { struct: 'tc-act-bpf' } },
    // TCA_ACT_BPF_ID is a u32 (nla_put_u32 in tcf_bpf_dump_ebpf_info).
    { set: 'act-bpf-attrs', attr: 'id', patch: { type: 'u32' } },
    // TCA_VLAN_PUSH_VLAN_PROTOCOL is a __be16 ethertype (nla_put_be16 in tcf_vlan_dump).
    { set: 'act-vlan-attrs', attr: 'push-vlan-protocol', patch: { 'byte-order': 'big-endian' } },
    // TCA_VLAN_PUSH_ETH_DST/SRC are MAC addresses.
    { set: 'act-vlan-attrs', attr: 'push-eth-dst', patch: { 'display-hint': 'mac' } },
    // (see push-eth-dst)
    { set: 'act-vlan-attrs', attr: 'push-eth-src', patch: { 'display-hint': 'mac' } },
  ],
  formats: [
    // An htb class reports struct tc_htb_xstats in TCA_XSTATS (htb_dump_class_stats).
    { subMessage: 'tca-stats-app-msg', format: { value: 'htb', 'fixed-header': 'tc-htb-xstats' } },
  ],
};
