// Routing policy rules: RTM_NEWRULE / RTM_DELRULE / RTM_GETRULE.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../netlink/constants.js';
import { InvalidArgumentError } from '../../netlink/errors.js';
import type { SchemaValue } from '../../netlink/message.js';
import { changeObject, dumpObjects } from '../common/requests.js';
import { RtProtocol } from '../generated/common.js';
import { FrAct, RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE, ruleMessage } from '../generated/rule.js';
import { validateLinkName } from '../link/links.js';
import { parsePrefix, type Prefix } from '../common/prefix.js';
import { checkInteger, enumNumber } from '../common/checks.js';
import { ipProtoNumber, RT_TABLE, routeTableId, type IpFamily, type IpProto, type RouteProtocol, type RouteTable } from '../route/routes.js';

/**
 * A rule as the kernel describes it: the fib_rule_hdr (`family`, `dstLen`, `srcLen`, `tos`,
 * `frhTable`, `action`, `flags`) and the attributes (`priority`, `src`, `dst`, `iifname`,
 * `oifname`, `fwmark`, `fwmask`, `table`, `goto`, `suppressPrefixlen`, `uidRange`, `ipProto`,
 * `sportRange`, `dportRange`, `l3mdev`, `protocol`, ...). `table` holds the full table id.
 */
export type Rule = SchemaValue<typeof ruleMessage>;

/**
 * What a rule does when it matches: look up a table (`to-tbl`, also spelled `to_tbl`), jump to
 * another rule (`goto`), nothing (`nop`), or refuse the packet (`blackhole`, `unreachable`, `prohibit`).
 */
export type RuleAction = 'to-tbl' | 'to_tbl' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

/** A port or an inclusive port range `[low, high]`. */
export type PortRange = number | readonly [number, number];

/**
 * A rule to add or delete, like `ip rule add|del`. Adding uses the defaults `ip rule add` uses:
 * action `to-tbl` (or `goto` when `goto` is given) and table main when neither a table nor
 * `l3mdev` is given. Deleting matches on the fields given and nothing else.
 */
export interface RuleSpec {
  /** `inet` or `inet6`; default: the family of `from` or `to`, else `inet` (like `ip rule`). */
  family?: IpFamily;
  /** The rule's priority (FRA_PRIORITY), 0 to 2^32-1; the kernel picks one below the last when absent. */
  priority?: number;
  /** Source prefix (`from`). */
  from?: string;
  /** Destination prefix (`to`). */
  to?: string;
  /** Incoming interface, by name (it need not exist yet). */
  iif?: string;
  /** Outgoing interface, by name (it need not exist yet). */
  oif?: string;
  /** Firewall mark to match. */
  fwmark?: number;
  /** Mask for `fwmark` (default all ones). */
  fwmask?: number;
  /** The table to look up. */
  table?: RouteTable;
  /** The action (default `to-tbl`, or `goto` when `goto` is given). */
  action?: RuleAction;
  /** The priority of the rule to jump to, for action `goto`. */
  goto?: number;
  /** Ignore routes found with a prefix length of this many bits or less (FRA_SUPPRESS_PREFIXLEN). */
  suppressPrefixlength?: number;
  /** Ignore routes whose device is in this interface group (FRA_SUPPRESS_IFGROUP). */
  suppressIfgroup?: number;
  /** Range of socket uids to match. */
  uidRange?: {
    /** First uid of the range. */
    start: number;
    /** Last uid of the range. */
    end: number;
  };
  /** IP protocol to match. */
  ipProto?: IpProto;
  /** Source port or range to match. */
  sport?: PortRange;
  /** Destination port or range to match. */
  dport?: PortRange;
  /** Look up the table of the l3mdev (VRF) device of the packet (FRA_L3MDEV). */
  l3mdev?: boolean;
  /** Match the packets that do NOT match the selector (`not`). */
  invert?: boolean;
  /** Type of service to match (IPv4 DSCP/TOS byte). */
  tos?: number;
  /** Who installs the rule (FRA_PROTOCOL). */
  protocol?: RouteProtocol;
}

/** Filters for {@link Rules.list}. */
export interface RuleFilter {
  /** Only IPv4 (`inet`) or IPv6 (`inet6`) rules (default both). */
  family?: IpFamily;
}

function portRange(field: string, p: PortRange): { start: number; end: number } {
  const [start, end] = typeof p === 'number' ? [p, p] : Array.isArray(p) && p.length === 2 ? p : [NaN, NaN];
  checkInteger(field, start, 1, 0xffff);
  checkInteger(field, end, 1, 0xffff);
  if (start > end) throw new InvalidArgumentError(field, `the range ${start}-${end} is empty`);
  return { start, end };
}

/** The routing policy rules of one network namespace. */
export class Rules {
  constructor(private readonly conn: Connection) {}

  /**
   * Adds a rule, like `ip rule add`.
   * @throws {@link InvalidArgumentError} for a malformed prefix, port range or option, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the same rule exists.
   */
  async add(spec: RuleSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, ruleMessage, this.message(spec, false), undefined, opts);
  }

  /**
   * Deletes the first rule matching the fields given, like `ip rule del`.
   * @throws {@link NetlinkError} `ENOENT` when no rule matches.
   */
  async delete(spec: RuleSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_DELRULE, 0, ruleMessage, this.message(spec, true), undefined, opts);
  }

  /** Lists rules, like `ip rule show` (both families unless `family` is given), in priority order per family. */
  async list(filter: RuleFilter = {}, opts?: RequestOptions): Promise<Rule[]> {
    if (filter.family !== undefined && filter.family !== 'inet' && filter.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(filter.family)}`);
    }
    // The kernel takes no filter in a rule dump but the family (a strict dump refuses anything else).
    const query = { family: filter.family ?? 'unspec', dstLen: 0, srcLen: 0, tos: 0, frhTable: 0, action: 0, flags: [] } as Partial<Rule>;
    const res = await dumpObjects(this.conn, RTM_GETRULE, RTM_NEWRULE, ruleMessage, query, opts);
    return res.items.filter((r) => (filter.family === undefined ? r.family === 'inet' || r.family === 'inet6' : r.family === filter.family));
  }

  private message(spec: RuleSpec, del: boolean): Partial<Rule> {
    if (spec === null || typeof spec !== 'object') throw new InvalidArgumentError('priority', 'expected a rule spec');
    if (spec.family !== undefined && spec.family !== 'inet' && spec.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(spec.family)}`);
    }
    let from: Prefix | undefined;
    let to: Prefix | undefined;
    if (spec.from !== undefined) from = parsePrefix(spec.from, 'from');
    if (spec.to !== undefined) to = parsePrefix(spec.to, 'to');
    const family = spec.family ?? from?.family ?? to?.family ?? 'inet';
    if (from && from.family !== family) throw new InvalidArgumentError('from', `${spec.from} is not an ${family} prefix`);
    if (to && to.family !== family) throw new InvalidArgumentError('to', `${spec.to} is not an ${family} prefix`);

    let action: number;
    if (spec.action !== undefined) {
      const name = spec.action === 'to_tbl' ? 'to-tbl' : spec.action;
      action = enumNumber('action', name, FrAct);
      if (action === 0) throw new InvalidArgumentError('action', 'unspec is not a rule action');
    } else {
      action = del ? 0 : spec.goto !== undefined ? FrAct.goto : FrAct['to-tbl'];
    }
    if (spec.goto !== undefined && action !== FrAct.goto) throw new InvalidArgumentError('goto', `a goto target needs action goto, not ${String(spec.action)}`);
    let table = spec.table === undefined ? 0 : routeTableId('table', spec.table);
    if (!del && table === 0 && action === FrAct['to-tbl'] && !spec.l3mdev) table = RT_TABLE.main;
    if (table !== 0 && action !== 0 && action !== FrAct['to-tbl']) {
      throw new InvalidArgumentError('table', `action ${Object.keys(FrAct).find((k) => FrAct[k as keyof typeof FrAct] === action) ?? action} looks up no table`);
    }
    checkInteger('tos', spec.tos, 0, 255);

    const msg = {
      family,
      dstLen: to?.length ?? 0,
      srcLen: from?.length ?? 0,
      tos: spec.tos ?? 0,
      frhTable: table < 256 ? table : RT_TABLE.unspec,
      action,
      flags: spec.invert ? ['invert'] : [],
    } as Partial<Rule>;
    if (table >= 256) msg.table = table;
    checkInteger('priority', spec.priority, 0, 0xffffffff);
    if (spec.priority !== undefined) msg.priority = spec.priority;
    if (from) msg.src = from.address;
    if (to) msg.dst = to.address;
    if (spec.iif !== undefined) {
      validateLinkName(spec.iif, 'iif');
      msg.iifname = spec.iif;
    }
    if (spec.oif !== undefined) {
      validateLinkName(spec.oif, 'oif');
      msg.oifname = spec.oif;
    }
    checkInteger('fwmark', spec.fwmark, 0, 0xffffffff);
    checkInteger('fwmask', spec.fwmask, 0, 0xffffffff);
    if (spec.fwmask !== undefined && spec.fwmark === undefined) throw new InvalidArgumentError('fwmask', 'a mask needs an fwmark');
    if (spec.fwmark !== undefined) msg.fwmark = spec.fwmark;
    if (spec.fwmask !== undefined) msg.fwmask = spec.fwmask;
    checkInteger('goto', spec.goto, 0, 0xffffffff);
    if (spec.goto !== undefined) msg.goto = spec.goto;
    checkInteger('suppressPrefixlength', spec.suppressPrefixlength, 0, family === 'inet' ? 32 : 128);
    if (spec.suppressPrefixlength !== undefined) msg.suppressPrefixlen = spec.suppressPrefixlength;
    checkInteger('suppressIfgroup', spec.suppressIfgroup, 0, 0x7fffffff);
    if (spec.suppressIfgroup !== undefined) msg.suppressIfgroup = spec.suppressIfgroup;
    if (spec.uidRange !== undefined) {
      const u = spec.uidRange;
      if (u === null || typeof u !== 'object') throw new InvalidArgumentError('uidRange', 'expected { start, end }');
      checkInteger('uidRange.start', u.start, 0, 0xffffffff);
      checkInteger('uidRange.end', u.end, 0, 0xffffffff);
      if (u.start === undefined || u.end === undefined) throw new InvalidArgumentError('uidRange', 'expected { start, end }');
      if (u.start > u.end) throw new InvalidArgumentError('uidRange', `the range ${u.start}-${u.end} is empty`);
      msg.uidRange = { start: u.start, end: u.end };
    }
    if (spec.ipProto !== undefined) msg.ipProto = ipProtoNumber('ipProto', spec.ipProto);
    if (spec.sport !== undefined) msg.sportRange = portRange('sport', spec.sport);
    if (spec.dport !== undefined) msg.dportRange = portRange('dport', spec.dport);
    if (spec.l3mdev) msg.l3mdev = 1;
    if (spec.protocol !== undefined) msg.protocol = enumNumber('protocol', spec.protocol, RtProtocol);
    return msg;
  }
}
