// Routing policy rules: RTM_NEWRULE / RTM_DELRULE / RTM_GETRULE. Every operation takes and returns
// the `Rule` model (model.ts); the wire message is made and read in mapping.ts only.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../netlink/constants.js';
import { InvalidArgumentError } from '../../netlink/errors.js';
import { checkInteger, enumNumber } from '../common/checks.js';
import { checkKeys, checkObject } from '../common/model.js';
import { parsePrefix, type Prefix } from '../common/prefix.js';
import { changeObject, dumpObjects } from '../common/requests.js';
import { RtProtocol } from '../generated/common.js';
import { FibRuleFlags, RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE, ruleMessage } from '../generated/rule.js';
import { validateLinkName } from '../link/links.js';
import { REALMS_KEYS, RT_TABLE, type IpFamily } from '../route/model.js';
import { ipProtoName, ipProtoNumber, routeTableId } from '../route/routes.js';
import { ruleFromWire, ruleToWire, type RuleWire } from './mapping.js';
import { RANGE_KEYS, RULE_KEYS, type PortRange, type Rule, type RuleFlag, type RuleSpec, type UidRange } from './model.js';
import { FAMILY_MESSAGE_TYPES } from '../schemas/types.js';

export { ruleKey, type PortRange, type Rule, type RuleAction, type RuleFlag, type RuleSpec, type UidRange } from './model.js';

/** Filters for {@link Rules.list}. */
export interface RuleFilter {
  /** Only IPv4 (`inet`) or IPv6 (`inet6`) rules (default both). */
  family?: IpFamily;
}

/** FR_ACT_* by the model's names. */
const ACTIONS: Readonly<Record<string, number>> = { 'to-tbl': 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 };

function checkRange<R extends PortRange | UidRange>(field: string, r: R, min: number, max: number): R {
  checkObject(r as unknown, field, '{ start, end }');
  checkKeys(r, RANGE_KEYS, `${field}.`);
  if (r.start === undefined || r.end === undefined) throw new InvalidArgumentError(field, 'expected { start, end }');
  checkInteger(`${field}.start`, r.start, min, max);
  checkInteger(`${field}.end`, r.end, min, max);
  if (r.start > r.end) throw new InvalidArgumentError(field, `the range ${r.start}-${r.end} is empty`);
  return { start: r.start, end: r.end } as R;
}

/** The routing policy rules of one network namespace. */
export class Rules {
  constructor(private readonly conn: Connection) {
    conn.nameAttributes(ruleMessage, ...FAMILY_MESSAGE_TYPES.rule);
  }

  /**
   * Adds a rule, like `ip rule add`. A rule from {@link Rules.list} is accepted as it is: it
   * creates that rule again, at its priority.
   * @throws {@link InvalidArgumentError} for an unknown key, a malformed prefix, port range or option, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the same rule exists.
   */
  async add(rule: RuleSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, ruleMessage, this.request(rule, false), undefined, opts);
  }

  /**
   * Deletes the first rule matching the fields given, like `ip rule del`. A rule from
   * {@link Rules.list} names everything, so exactly that rule is deleted.
   * @throws {@link NetlinkError} `ENOENT` when no rule matches.
   */
  async delete(rule: RuleSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_DELRULE, 0, ruleMessage, this.request(rule, true), undefined, opts);
  }

  /** Lists rules, like `ip rule show` (both families unless `family` is given), in priority order per family. */
  async list(filter: RuleFilter = {}, opts?: RequestOptions): Promise<Rule[]> {
    if (filter === null || typeof filter !== 'object') throw new InvalidArgumentError('filter', 'expected { family? }');
    const family = filter.family;
    if (family !== undefined && family !== 'inet' && family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(family)}`);
    }
    // The kernel takes no filter in a rule dump but the family (a strict dump refuses anything else).
    const query = { family: family ?? 'unspec', dstLen: 0, srcLen: 0, tos: 0, frhTable: 0, action: 0, flags: [] } as Partial<RuleWire>;
    const res = await dumpObjects(this.conn, RTM_GETRULE, RTM_NEWRULE, ruleMessage, query, opts, (w) =>
      (family === undefined ? w.family === 'inet' || w.family === 'inet6' : w.family === family) ? ruleFromWire(w) : undefined);
    return res.items;
  }

  /**
   * Checks a spec and makes the rule it describes, with the defaults of `ip rule add` (del =
   * false) or nothing more than given (del = true), without the flags the kernel sets.
   */
  private resolve(spec: RuleSpec, del: boolean): Rule {
    checkObject(spec as unknown, 'rule', 'a rule { priority?, from?, to?, table?, ... }');
    checkKeys(spec, RULE_KEYS);
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
      action = enumNumber('action', spec.action, ACTIONS);
      if (action === 0) throw new InvalidArgumentError('action', 'unspec is not a rule action');
    } else {
      action = del ? 0 : spec.goto !== undefined ? ACTIONS.goto : ACTIONS['to-tbl'];
    }
    if (spec.goto !== undefined && action !== ACTIONS.goto) throw new InvalidArgumentError('goto', `a goto target needs action goto, not ${String(spec.action)}`);
    let table = spec.table === undefined ? 0 : routeTableId('table', spec.table);
    if (!del && table === 0 && action === ACTIONS['to-tbl'] && !spec.l3mdev) table = RT_TABLE.main;
    if (table !== 0 && action !== 0 && action !== ACTIONS['to-tbl']) {
      throw new InvalidArgumentError('table', `action ${String(spec.action ?? action)} looks up no table`);
    }
    let flags: RuleFlag[] = [];
    if (spec.flags !== undefined) {
      if (!Array.isArray(spec.flags)) throw new InvalidArgumentError('flags', "expected an array of flag names such as ['invert']");
      for (const [i, f] of spec.flags.entries()) {
        const ok = typeof f === 'string' ? Object.hasOwn(FibRuleFlags, f) : typeof f === 'number' && Number.isInteger(f) && f > 0 && f <= 0x80000000 && (f & (f - 1)) === 0;
        if (!ok) throw new InvalidArgumentError(`flags.${i}`, `unknown flag ${JSON.stringify(f)}; expected one of ${Object.keys(FibRuleFlags).join(', ')}`);
        if (f === 'invert' || f === FibRuleFlags.invert) flags = ['invert'];
      }
    }
    checkInteger('priority', spec.priority, 0, 0xffffffff);
    const rule: Rule = { family, priority: spec.priority ?? 0, action, flags, protocol: 0 };
    if (from) rule.from = `${from.address}/${from.length}`;
    if (to) rule.to = `${to.address}/${to.length}`;
    if (table !== 0) rule.table = table;
    if (spec.iif !== undefined) {
      validateLinkName(spec.iif, 'iif');
      rule.iif = spec.iif;
    }
    if (spec.oif !== undefined) {
      validateLinkName(spec.oif, 'oif');
      rule.oif = spec.oif;
    }
    checkInteger('fwmark', spec.fwmark, 0, 0xffffffff);
    checkInteger('fwmask', spec.fwmask, 0, 0xffffffff);
    if (spec.fwmask !== undefined && spec.fwmark === undefined) throw new InvalidArgumentError('fwmask', 'a mask needs an fwmark (0 matches packets whose masked mark is 0)');
    if (spec.fwmark !== undefined) rule.fwmark = spec.fwmark;
    if (spec.fwmask !== undefined) rule.fwmask = spec.fwmask;
    checkInteger('goto', spec.goto, 0, 0xffffffff);
    if (spec.goto !== undefined) rule.goto = spec.goto;
    checkInteger('tos', spec.tos, 0, 255);
    if (spec.tos) rule.tos = spec.tos;
    checkInteger('dscp', spec.dscp, 0, 63);
    if (spec.dscp !== undefined) rule.dscp = spec.dscp;
    checkInteger('dscpMask', spec.dscpMask, 0, 63);
    if (spec.dscpMask !== undefined) rule.dscpMask = spec.dscpMask;
    checkInteger('flowlabel', spec.flowlabel, 0, 0xfffff);
    if (spec.flowlabel !== undefined) rule.flowlabel = spec.flowlabel;
    checkInteger('flowlabelMask', spec.flowlabelMask, 0, 0xfffff);
    if (spec.flowlabelMask !== undefined) rule.flowlabelMask = spec.flowlabelMask;
    checkInteger('suppressPrefixlength', spec.suppressPrefixlength, 0, family === 'inet' ? 32 : 128);
    if (spec.suppressPrefixlength !== undefined) rule.suppressPrefixlength = spec.suppressPrefixlength;
    checkInteger('suppressIfgroup', spec.suppressIfgroup, 0, 0x7fffffff);
    if (spec.suppressIfgroup !== undefined) rule.suppressIfgroup = spec.suppressIfgroup;
    if (spec.uidRange !== undefined) rule.uidRange = checkRange('uidRange', spec.uidRange, 0, 0xffffffff);
    if (spec.ipProto !== undefined) rule.ipProto = ipProtoName(ipProtoNumber('ipProto', spec.ipProto));
    if (spec.sport !== undefined) rule.sport = checkRange('sport', spec.sport, 1, 0xffff);
    checkInteger('sportMask', spec.sportMask, 0, 0xffff);
    if (spec.sportMask !== undefined) rule.sportMask = spec.sportMask;
    if (spec.dport !== undefined) rule.dport = checkRange('dport', spec.dport, 1, 0xffff);
    checkInteger('dportMask', spec.dportMask, 0, 0xffff);
    if (spec.dportMask !== undefined) rule.dportMask = spec.dportMask;
    if (spec.l3mdev !== undefined && typeof spec.l3mdev !== 'boolean') throw new InvalidArgumentError('l3mdev', 'expected true or false');
    if (spec.l3mdev) rule.l3mdev = true;
    if (spec.realms !== undefined) {
      const r = spec.realms;
      checkObject(r as unknown, 'realms', '{ from, to }');
      checkKeys(r, REALMS_KEYS, 'realms.');
      checkInteger('realms.from', r.from, 0, 0xffff);
      checkInteger('realms.to', r.to, 0, 0xffff);
      rule.realms = { from: r.from ?? 0, to: r.to ?? 0 };
    }
    if (spec.protocol !== undefined) rule.protocol = enumNumber('protocol', spec.protocol, RtProtocol);
    return rule;
  }

  // The request message for add (del = false) or delete (del = true).
  private request(spec: RuleSpec, del: boolean): Partial<RuleWire> {
    const w = ruleToWire(this.resolve(spec, del));
    // Without a priority the kernel picks one (add) or matches any (delete): FRA_PRIORITY absent.
    if (spec.priority === undefined) delete w.priority;
    return w;
  }
}
