// The one mapping between the nexthop model and its wire message (struct nhmsg + NHA_*): the only
// place where a group member's weight (stored as weight-1, split into `weight` and `weight_high`),
// the resilient group's clock_t timers, RTNH_F_ONLINK and the group type are undone. Pure: no I/O.

import { InvalidArgumentError } from '../../netlink/errors.js';
import type { SchemaValue } from '../../netlink/message.js';
import { RtnhFlags, RtProtocol } from '../generated/common.js';
import { checkInteger, enumNumber, parseAddress } from '../common/checks.js';
import { scopeFromWire, scopeToWire } from '../common/scope.js';
import type { IpFamily } from '../route/routes.js';
import type { Nexthop, NexthopFlag, ResolvedNexthopSpec } from './model.js';
import { NexthopGroupType, type nexthopMessage } from './wire.js';

/** A nexthop message as the wire schema decodes and encodes it. */
export type NexthopMessage = SchemaValue<typeof nexthopMessage>;

type ResGroupWire = NonNullable<NexthopMessage['resGroup']>;

/** clock_t ticks per second (USER_HZ), the unit of the resilient group timers. */
const USER_HZ = 100;

/** The model of a decoded nexthop message. */
export function nexthopFromWire(w: NexthopMessage): Nexthop {
  const flags: NexthopFlag[] = [];
  let onlink = false;
  for (const f of w.flags) {
    if (f === 'onlink') onlink = true;
    else flags.push(f);
  }
  const n: Nexthop = { id: w.id ?? 0, protocol: w.protocol, scope: scopeFromWire(w.scope), flags };
  if (w.family === 'inet' || w.family === 'inet6') n.family = w.family;
  if (w.gateway !== undefined) n.gateway = w.gateway;
  if (w.oif !== undefined) n.oif = w.oif;
  if (w.blackhole) n.blackhole = true;
  if (onlink) n.onlink = true;
  if (w.fdb) n.fdb = true;
  if (w.group !== undefined) n.group = w.group.map((m) => ({ id: m.id, weight: ((m.weightHigh << 8) | m.weight) + 1 }));
  if (w.groupType !== undefined) n.type = w.groupType;
  const r = w.resGroup;
  if (r !== undefined) {
    n.resilient = { buckets: r.buckets ?? 0, idleTimer: (r.idleTimer ?? 0) / USER_HZ, unbalancedTimer: (r.unbalancedTimer ?? 0) / USER_HZ };
    if (r.unbalancedTime !== undefined) n.resilient.unbalancedTime = Number(r.unbalancedTime) / USER_HZ;
  }
  return n;
}

function ticks(field: string, s: unknown, bits: 32 | 64): number | bigint {
  const max = bits === 32 ? 0xffffffff : Number.MAX_SAFE_INTEGER;
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || Math.round(s * USER_HZ) > max) throw new InvalidArgumentError(field, `${String(s)} is not a number of seconds`);
  const t = Math.round(s * USER_HZ);
  return bits === 32 ? t : BigInt(t);
}

/**
 * The wire message of a nexthop (its interface resolved to an index), with everything the model
 * says, read-only fields included (`nexthopRequest` in facts.ts leaves out what the kernel refuses). Checks
 * every value.
 * @throws {@link InvalidArgumentError} naming the field of a malformed value or combination.
 */
export function nexthopToWire(spec: ResolvedNexthopSpec): NexthopMessage {
  checkInteger('id', spec.id, 1, 0xffffffff);
  if (spec.family !== undefined && spec.family !== 'inet' && spec.family !== 'inet6') {
    throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(spec.family)}`);
  }
  const protocol = spec.protocol ?? 'unspec';
  enumNumber('protocol', protocol, RtProtocol);
  const scope = spec.scope === undefined ? 0 : scopeToWire('scope', spec.scope);
  const flags: NexthopMessage['flags'] = [];
  if (spec.flags !== undefined) {
    if (!Array.isArray(spec.flags)) throw new InvalidArgumentError('flags', 'expected an array of flag names');
    for (const [i, f] of (spec.flags as readonly unknown[]).entries()) {
      if (typeof f === 'string' && f !== 'onlink' && Object.hasOwn(RtnhFlags, f)) flags.push(f as NexthopFlag);
      else if (typeof f === 'number' && Number.isInteger(f) && f > 0 && f <= 0xffffffff) flags.push(f);
      else throw new InvalidArgumentError(`flags.${i}`, `unknown nexthop flag ${JSON.stringify(f)} (onlink is a field of its own)`);
    }
  }
  for (const k of ['blackhole', 'onlink', 'fdb'] as const) {
    if (spec[k] !== undefined && typeof spec[k] !== 'boolean') throw new InvalidArgumentError(k, 'expected true or false');
  }
  if (spec.onlink) flags.unshift('onlink');
  const msg: NexthopMessage = { family: 'unspec', scope, protocol, flags };
  if (spec.id !== undefined) msg.id = spec.id;
  if (spec.fdb) msg.fdb = true;
  if (spec.group !== undefined) {
    for (const k of ['gateway', 'oif', 'blackhole', 'onlink', 'family'] as const) {
      if (spec[k] !== undefined && spec[k] !== false) throw new InvalidArgumentError(k, 'a group takes no gateway, interface, blackhole, onlink or family of its own');
    }
    if (!Array.isArray(spec.group) || spec.group.length === 0) throw new InvalidArgumentError('group', 'expected a non-empty array of { id, weight? }');
    msg.group = spec.group.map((m, i) => {
      if (m === null || typeof m !== 'object') throw new InvalidArgumentError(`group.${i}`, 'expected { id, weight? }');
      if (m.id === undefined) throw new InvalidArgumentError(`group.${i}.id`, 'a member needs an id');
      checkInteger(`group.${i}.id`, m.id, 1, 0xffffffff);
      checkInteger(`group.${i}.weight`, m.weight, 1, 65535);
      // struct nexthop_grp holds weight-1, its low 8 bits in `weight`, its high 8 in `weight_high`.
      const w = (m.weight ?? 1) - 1;
      return { id: m.id, weight: w & 0xff, weightHigh: w >> 8, resvd2: 0 };
    });
    const type = spec.type ?? 'mpath';
    if (typeof type === 'number') checkInteger('type', type, 0, 0xffff);
    else if (!Object.hasOwn(NexthopGroupType, type)) throw new InvalidArgumentError('type', `expected mpath or resilient, got ${JSON.stringify(type)}`);
    msg.groupType = type;
    if (type === 'resilient') {
      const r = spec.resilient ?? {};
      checkInteger('resilient.buckets', r.buckets, 1, 0xffff);
      const res: ResGroupWire = {};
      if (r.buckets !== undefined) res.buckets = r.buckets;
      if (r.idleTimer !== undefined) res.idleTimer = ticks('resilient.idleTimer', r.idleTimer, 32) as number;
      if (r.unbalancedTimer !== undefined) res.unbalancedTimer = ticks('resilient.unbalancedTimer', r.unbalancedTimer, 32) as number;
      if (r.unbalancedTime !== undefined) res.unbalancedTime = ticks('resilient.unbalancedTime', r.unbalancedTime, 64) as bigint;
      msg.resGroup = res;
    } else if (spec.resilient !== undefined) {
      throw new InvalidArgumentError('resilient', 'resilient settings need type: resilient');
    }
    return msg;
  }
  if (spec.type !== undefined || spec.resilient !== undefined) throw new InvalidArgumentError(spec.type !== undefined ? 'type' : 'resilient', 'only a group has a type');
  let family: IpFamily = spec.family ?? 'inet';
  if (spec.blackhole) {
    if (spec.gateway !== undefined || spec.oif !== undefined) throw new InvalidArgumentError('blackhole', 'a blackhole nexthop takes no gateway or interface');
    msg.blackhole = true;
  } else {
    if (spec.gateway === undefined && spec.oif === undefined && !spec.fdb) throw new InvalidArgumentError('gateway', 'a nexthop needs a gateway, an interface (oif), blackhole or a group');
    if (spec.gateway !== undefined) {
      const g = parseAddress(spec.gateway, 'gateway');
      if (spec.family !== undefined && g.family !== spec.family) throw new InvalidArgumentError('gateway', `${spec.gateway} is not an ${spec.family} address`);
      family = g.family;
      msg.gateway = g.address;
    }
    if (spec.oif !== undefined) msg.oif = spec.oif;
  }
  msg.family = family;
  return msg;
}
