// The rule model: one shape, `Rule`, returned by list() and events and accepted back by add() and
// delete(); `RuleSpec` is the same shape with what the kernel fills in made optional. Names and
// values are the ones `ip rule` users write: prefixes with their length, one table id, port
// ranges, priority 0 included.

import { FibRuleFlags } from '../generated/rule.js';
import type { IpFamily, IpProto, Realms, RouteProtocol, RouteTable } from '../route/model.js';

/**
 * What a rule does when it matches: look up a table (`to-tbl`, `lookup` in `ip rule`), jump to
 * another rule (`goto`), nothing (`nop`), or refuse the packet (`blackhole`, `unreachable`,
 * `prohibit`). A number for an action without a name here.
 */
export type RuleAction = 'to-tbl' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit' | number;

/** A flag of a rule (FIB_RULE_*) by name, or the value of a bit without a name. */
export type RuleFlag = keyof typeof FibRuleFlags | number;

/** An inclusive range of ports, such as `{ start: 1000, end: 2000 }`; one port is `{ start: 443, end: 443 }`. */
export interface PortRange {
  /** The first port of the range, 1 to 65535. */
  start: number;
  /** The last port of the range, `start` to 65535. */
  end: number;
}

/** An inclusive range of user ids. */
export interface UidRange {
  /** The first uid of the range. */
  start: number;
  /** The last uid of the range. */
  end: number;
}

/**
 * A routing policy rule, as `list()` and events return it and as `add()` and `delete()` take it
 * back: `rules.delete(rule)` deletes exactly the rule listed, and `rules.add(rule)` creates it
 * again. Absent selectors match everything.
 */
export interface Rule {
  /** `inet` (IPv4) or `inet6` (IPv6). */
  family: IpFamily;
  /** The rule's priority (`pref` in `ip rule`): rules are tried from the lowest; 0 is the first (the `local` table's rule). */
  priority: number;
  /** The source prefix to match, such as `192.0.2.0/24` (`from`); absent: any source (`from all`). */
  from?: string;
  /** The destination prefix to match, such as `198.51.100.0/24` (`to`); absent: any destination. */
  to?: string;
  /** The table to look up (`lookup`), by id (254 main, 255 local, 253 default); absent when the rule looks up no table. */
  table?: number;
  /** What the rule does when it matches. */
  action: RuleAction;
  /**
   * Flags (FIB_RULE_*): `invert` (`not`: the rule matches what the selector does not) is the only
   * one a request sets; `unresolved` (a goto target missing), `iif-detached`, `oif-detached`, ...
   * are states the kernel reports, ignored by add() and delete().
   */
  flags: RuleFlag[];
  /** The interface packets must arrive on, by name (`iif`); it need not exist. */
  iif?: string;
  /** The interface packets must leave by, by name (`oif`); it need not exist. */
  oif?: string;
  /** The firewall mark to match (`fwmark`); 0 with a mask matches packets whose masked mark is 0. */
  fwmark?: number;
  /** The mask applied to the firewall mark before comparing (`fwmark MARK/MASK`); the kernel makes it all ones when a mark is given alone. */
  fwmask?: number;
  /** The priority of the rule to jump to, for action `goto`. */
  goto?: number;
  /** Type of service (DS field) to match (`tos`, IPv4). Absent when 0. */
  tos?: number;
  /** DSCP value to match (FRA_DSCP; kernels from 6.13, not in iproute2 6.1). */
  dscp?: number;
  /** Mask for `dscp` (FRA_DSCP_MASK). */
  dscpMask?: number;
  /** IPv6 flow label to match (FRA_FLOWLABEL). */
  flowlabel?: number;
  /** Mask for `flowlabel` (FRA_FLOWLABEL_MASK). */
  flowlabelMask?: number;
  /** Ignore routes found with a prefix length of this many bits or less (`suppress_prefixlength`). */
  suppressPrefixlength?: number;
  /** Ignore routes whose device is in this interface group (`suppress_ifgroup`). */
  suppressIfgroup?: number;
  /** The socket uids to match (`uidrange`). */
  uidRange?: UidRange;
  /** The IP protocol to match (`ipproto`): a name for the common ones, else its number. */
  ipProto?: IpProto;
  /** The source ports to match (`sport`). */
  sport?: PortRange;
  /** Mask for the source port (FRA_SPORT_MASK; newer kernels). */
  sportMask?: number;
  /** The destination ports to match (`dport`). */
  dport?: PortRange;
  /** Mask for the destination port (FRA_DPORT_MASK; newer kernels). */
  dportMask?: number;
  /** Look up the table of the packet's l3mdev (VRF) device (`l3mdev`). */
  l3mdev?: boolean;
  /** Realms to match (`realms FROM/TO`, IPv4). */
  realms?: Realms;
  /** Who installed the rule (FRA_PROTOCOL): `unspec` for `ip rule add`, `kernel` for the default rules, ... */
  protocol: RouteProtocol;
}

/**
 * A rule to add or delete, like `ip rule add|del`: the shape of {@link Rule}, with what the kernel
 * fills in made optional and the table also by name. Adding uses the defaults `ip rule add` uses:
 * family that of `from` or `to`, else `inet`; action `to-tbl` (or `goto` when `goto` is given);
 * table main when neither a table nor `l3mdev` is given; a priority below the last rule's when none
 * is given; protocol `unspec`. Of `flags`, only `invert` (`not`) is sent: the others are the
 * kernel's. Deleting matches on the fields given and nothing else. Unknown keys are refused.
 */
export interface RuleSpec extends Partial<Omit<Rule, 'table' | 'flags'>> {
  /** The table to look up, by id or name (`main`, `local`, `default`). */
  table?: RouteTable;
  /** `['invert']` to match the packets that do NOT match the selector (`not`); other flags are ignored. */
  flags?: readonly RuleFlag[];
}

// Every key of each shape, checked complete by the compiler.
const RULE_FIELDS: Record<keyof Rule | keyof RuleSpec, true> = {
  family: true, priority: true, from: true, to: true, table: true, action: true, flags: true, iif: true, oif: true, fwmark: true,
  fwmask: true, goto: true, tos: true, dscp: true, dscpMask: true, flowlabel: true, flowlabelMask: true, suppressPrefixlength: true,
  suppressIfgroup: true, uidRange: true, ipProto: true, sport: true, sportMask: true, dport: true, dportMask: true, l3mdev: true,
  realms: true, protocol: true,
};

/** The keys of {@link RuleSpec} (and of {@link Rule}): anything else is refused. */
export const RULE_KEYS: ReadonlySet<string> = new Set(Object.keys(RULE_FIELDS));

/** The keys of {@link PortRange} and {@link UidRange}. */
export const RANGE_KEYS: ReadonlySet<string> = new Set(['start', 'end'] satisfies (keyof PortRange)[]);

const range = (r: { start: number; end: number } | undefined): string => (r === undefined ? '' : `${r.start}-${r.end}`);

/**
 * The identity of a rule: a rule has no id, so every field that makes it match and act is part
 * of it (two rules that differ in anything are two rules), but its state flags. Use it to diff two
 * lists or follow events.
 */
export function ruleKey(r: Rule): string {
  const flags = r.flags.includes('invert') ? 'not' : '';
  return [
    r.family, r.priority, flags, r.from ?? '', r.to ?? '', r.table ?? '', r.action, r.iif ?? '', r.oif ?? '', r.fwmark ?? '', r.fwmask ?? '',
    r.goto ?? '', r.tos ?? '', r.dscp ?? '', r.dscpMask ?? '', r.flowlabel ?? '', r.flowlabelMask ?? '', r.suppressPrefixlength ?? '',
    r.suppressIfgroup ?? '', range(r.uidRange), r.ipProto ?? '', range(r.sport), r.sportMask ?? '', range(r.dport), r.dportMask ?? '',
    r.l3mdev ? 'l3mdev' : '', r.realms ? `${r.realms.from}/${r.realms.to}` : '', r.protocol,
  ].join('|');
}
