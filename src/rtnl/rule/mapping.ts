// The one place where a rule message's wire encodings are undone and redone: split prefixes
// (address + length), the 8-bit table of the header beside FRA_TABLE, FRA_PRIORITY left out for
// priority 0, -1 for an unset FRA_SUPPRESS_PREFIXLEN, the FRA_FWMARK the kernel leaves out when a
// mask comes with mark 0, realms packed in one u32, FRA_L3MDEV as a u8. Pure functions, no I/O.
//
// For every rule the kernel lists, ruleFromWire(ruleToWire(rule)) equals rule.

import type { SchemaValue } from '../../netlink/message.js';
import { parsePrefix } from '../common/prefix.js';
import type { ruleMessage } from '../generated/rule.js';
import type { IpFamily, IpProto } from '../route/model.js';
import type { Rule, RuleAction } from './model.js';

/** A rule message as the codec decodes it (struct fib_rule_hdr and the FRA_* attributes). */
export type RuleWire = SchemaValue<typeof ruleMessage>;

const IP_PROTO_NAMES: ReadonlyMap<number, IpProto> = new Map([
  [1, 'icmp'],
  [6, 'tcp'],
  [17, 'udp'],
  [58, 'ipv6-icmp'],
  [132, 'sctp'],
]);
const IP_PROTO_NUMBERS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, 'ipv6-icmp': 58, sctp: 132 };

/** FR_ACT_* values the model names (the others, such as FR_ACT_RES3, stay numbers). */
const ACTION_NUMBERS: Readonly<Record<string, number>> = { unspec: 0, res3: 4, res4: 5 };

function prefixText(addr: string | undefined, len: number, family: unknown): string {
  return `${addr ?? (family === 'inet6' ? '::' : '0.0.0.0')}/${len}`;
}

/** A rule message as the model describes it. Never throws: unexpected values pass through. */
export function ruleFromWire(w: RuleWire): Rule {
  const family = w.family as IpFamily;
  const action: RuleAction = typeof w.action === 'string' && Object.hasOwn(ACTION_NUMBERS, w.action) ? ACTION_NUMBERS[w.action] : (w.action as RuleAction);
  const rule: Rule = { family, priority: w.priority ?? 0, action, flags: w.flags, protocol: w.protocol ?? 'unspec' };
  if (w.srcLen !== 0 || w.src !== undefined) rule.from = prefixText(w.src, w.srcLen, family);
  if (w.dstLen !== 0 || w.dst !== undefined) rule.to = prefixText(w.dst, w.dstLen, family);
  const table = w.table ?? w.frhTable;
  if (table !== 0) rule.table = table;
  if (w.iifname !== undefined) rule.iif = w.iifname;
  if (w.oifname !== undefined) rule.oif = w.oifname;
  // The kernel sends FRA_FWMARK only for a mark other than 0, and FRA_FWMASK with any mark or mask.
  if (w.fwmark !== undefined || w.fwmask !== undefined) rule.fwmark = w.fwmark ?? 0;
  if (w.fwmask !== undefined) rule.fwmask = w.fwmask;
  if (w.goto !== undefined) rule.goto = w.goto;
  if (w.tos !== 0) rule.tos = w.tos;
  if (w.dscp !== undefined) rule.dscp = w.dscp;
  if (w.dscpMask !== undefined) rule.dscpMask = w.dscpMask;
  if (w.flowlabel !== undefined) rule.flowlabel = w.flowlabel;
  if (w.flowlabelMask !== undefined) rule.flowlabelMask = w.flowlabelMask;
  // -1 is "not set": the kernel sends it for every rule.
  if (w.suppressPrefixlen !== undefined && w.suppressPrefixlen !== -1) rule.suppressPrefixlength = w.suppressPrefixlen;
  if (w.suppressIfgroup !== undefined && w.suppressIfgroup !== -1) rule.suppressIfgroup = w.suppressIfgroup;
  if (w.uidRange !== undefined) rule.uidRange = w.uidRange;
  if (w.ipProto !== undefined) rule.ipProto = IP_PROTO_NAMES.get(w.ipProto) ?? w.ipProto;
  if (w.sportRange !== undefined) rule.sport = w.sportRange;
  if (w.sportMask !== undefined) rule.sportMask = w.sportMask;
  if (w.dportRange !== undefined) rule.dport = w.dportRange;
  if (w.dportMask !== undefined) rule.dportMask = w.dportMask;
  if (w.l3mdev !== undefined && w.l3mdev !== 0) rule.l3mdev = true;
  if (w.flow !== undefined) rule.realms = { from: w.flow >>> 16, to: w.flow & 0xffff };
  return rule;
}

/**
 * The rule message for a rule. FRA_PRIORITY is always sent (priority 0 included: without it the
 * kernel picks a priority); tables above 255 go in FRA_TABLE with 0 in the header, as iproute2
 * sends them.
 * @throws {@link InvalidArgumentError} when `from` or `to` is not a prefix.
 */
export function ruleToWire(r: Rule): Partial<RuleWire> {
  const from = r.from === undefined ? undefined : parsePrefix(r.from, 'from');
  const to = r.to === undefined ? undefined : parsePrefix(r.to, 'to');
  const table = r.table ?? 0;
  const w: Partial<RuleWire> = {
    family: r.family,
    dstLen: to?.length ?? 0,
    srcLen: from?.length ?? 0,
    tos: r.tos ?? 0,
    frhTable: table < 256 ? table : 0,
    action: r.action,
    flags: r.flags,
    priority: r.priority,
  };
  if (from !== undefined) w.src = from.address;
  if (to !== undefined) w.dst = to.address;
  if (table >= 256) w.table = table;
  if (r.iif !== undefined) w.iifname = r.iif;
  if (r.oif !== undefined) w.oifname = r.oif;
  if (r.fwmark !== undefined) w.fwmark = r.fwmark;
  if (r.fwmask !== undefined) w.fwmask = r.fwmask;
  if (r.goto !== undefined) w.goto = r.goto;
  if (r.dscp !== undefined) w.dscp = r.dscp;
  if (r.dscpMask !== undefined) w.dscpMask = r.dscpMask;
  if (r.flowlabel !== undefined) w.flowlabel = r.flowlabel;
  if (r.flowlabelMask !== undefined) w.flowlabelMask = r.flowlabelMask;
  if (r.suppressPrefixlength !== undefined) w.suppressPrefixlen = r.suppressPrefixlength;
  if (r.suppressIfgroup !== undefined) w.suppressIfgroup = r.suppressIfgroup;
  if (r.uidRange !== undefined) w.uidRange = { start: r.uidRange.start, end: r.uidRange.end };
  if (r.ipProto !== undefined) w.ipProto = typeof r.ipProto === 'number' ? r.ipProto : IP_PROTO_NUMBERS[r.ipProto];
  if (r.sport !== undefined) w.sportRange = { start: r.sport.start, end: r.sport.end };
  if (r.sportMask !== undefined) w.sportMask = r.sportMask;
  if (r.dport !== undefined) w.dportRange = { start: r.dport.start, end: r.dport.end };
  if (r.dportMask !== undefined) w.dportMask = r.dportMask;
  if (r.l3mdev) w.l3mdev = 1;
  if (r.realms !== undefined) w.flow = ((r.realms.from << 16) | r.realms.to) >>> 0;
  if (r.protocol !== 0 && r.protocol !== 'unspec') w.protocol = r.protocol;
  return w;
}
