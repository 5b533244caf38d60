// The one mapping between the address model and its wire message (struct ifaddrmsg + IFA_*): the
// only place where the split prefix (IFA_LOCAL / IFA_ADDRESS + ifa_prefixlen), the low-8-bit flags
// copy (ifa_flags beside IFA_FLAGS) and the lifetimes in IFA_CACHEINFO are undone. Pure: no I/O.

import { InvalidArgumentError } from '../../netlink/errors.js';
import type { SchemaValue } from '../../netlink/message.js';
import { IfaFlags, IfaProto, type addrMessage } from '../generated/addr.js';
import { enumNumber } from '../common/checks.js';
import { ipv4Broadcast, parsePrefix } from '../common/prefix.js';
import { scopeFromWire, scopeToWire } from '../common/scope.js';
import type { Address, AddressFamily, AddressFlag, ResolvedAddressSpec } from './model.js';

/** `v` (a name or a number), once checked. */
function checkedEnum<V extends string | number>(field: string, v: V, entries: Readonly<Record<string, number>>): V {
  enumNumber(field, v, entries);
  return v;
}

/** An address message as the wire schema decodes and encodes it. */
export type AddressMessage = SchemaValue<typeof addrMessage>;

/** IFA_CACHEINFO's "forever". */
const FOREVER = 0xffffffff;

/** The model of a decoded address message. */
export function addressFromWire(w: AddressMessage): Address {
  const local = w.local ?? w.address ?? '';
  // IFA_ADDRESS differs from IFA_LOCAL only on a point-to-point address: it is then the peer.
  const peer = w.local !== undefined && w.address !== undefined && w.address !== w.local ? w.address : undefined;
  const a: Address = {
    family: w.family as AddressFamily,
    link: w.index,
    address: peer === undefined ? `${local}/${w.prefixlen}` : local,
    scope: scopeFromWire(w.scope),
    flags: [...(w.flags ?? w.ifaFlags)],
  };
  if (peer !== undefined) a.peer = `${peer}/${w.prefixlen}`;
  if (w.broadcast !== undefined) a.broadcast = w.broadcast;
  if (w.label !== undefined) a.label = w.label;
  const ci = w.cacheinfo;
  if (ci !== undefined) {
    if (ci.ifaValid !== FOREVER && ci.ifaValid !== undefined) a.validLifetime = ci.ifaValid;
    if (ci.ifaPrefered !== FOREVER && ci.ifaPrefered !== undefined) a.preferredLifetime = ci.ifaPrefered;
  }
  if (w.rtPriority !== undefined) a.metric = w.rtPriority;
  if (w.proto !== undefined) a.protocol = w.proto;
  return a;
}

function checkSeconds(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= FOREVER) {
    throw new InvalidArgumentError(field, `${String(v)} is not a number of seconds below ${FOREVER} (leave it out for forever)`);
  }
  return v;
}

/**
 * The wire message of an address (its link resolved to an index). Checks every value.
 * @throws {@link InvalidArgumentError} naming the field of a malformed value.
 */
export function addressToWire(spec: ResolvedAddressSpec): AddressMessage {
  const p = parsePrefix(spec.address, 'address');
  if (spec.family !== undefined && spec.family !== p.family) {
    throw new InvalidArgumentError('family', `${JSON.stringify(spec.address)} is not an ${String(spec.family)} address`);
  }
  const flags = spec.flags ?? [];
  if (!Array.isArray(flags)) throw new InvalidArgumentError('flags', 'expected an array of flag names');
  // ifa_flags carries the low 8 bits (what older kernels read); IFA_FLAGS all 32.
  const low: (AddressFlag | number)[] = [];
  for (const [i, f] of flags.entries()) {
    if (typeof f === 'number' && Number.isInteger(f) && f > 0 && f <= FOREVER) {
      if ((f & 0xff) !== 0) low.push(f & 0xff);
    } else if (typeof f === 'string' && Object.hasOwn(IfaFlags, f)) {
      if (IfaFlags[f as AddressFlag] <= 0xff) low.push(f as AddressFlag);
    } else {
      throw new InvalidArgumentError(`flags.${i}`, `unknown address flag ${JSON.stringify(f)}; expected one of ${Object.keys(IfaFlags).join(', ')} or a bit value`);
    }
  }
  const scope = spec.scope === undefined ? (p.family === 'inet' && p.bytes[0] === 127 ? 'host' : 'universe') : scopeToWire('scope', spec.scope);
  const msg: AddressMessage = {
    family: p.family,
    prefixlen: p.length,
    ifaFlags: low,
    scope,
    index: spec.link,
    local: p.address,
    address: p.address,
  };
  if (spec.peer !== undefined) {
    if (spec.address.includes('/') && p.length !== (p.family === 'inet' ? 32 : 128)) {
      throw new InvalidArgumentError('address', 'with a peer, the prefix length goes with the peer (address: 192.0.2.1, peer: 192.0.2.2/24)');
    }
    const peer = parsePrefix(spec.peer, 'peer');
    if (peer.family !== p.family) throw new InvalidArgumentError('peer', 'the peer is of another address family');
    msg.address = peer.address;
    msg.prefixlen = peer.length;
  }
  if (spec.broadcast !== undefined) {
    if (p.family !== 'inet') throw new InvalidArgumentError('broadcast', 'only IPv4 addresses have a broadcast address');
    if (spec.broadcast === true) msg.broadcast = ipv4Broadcast(p);
    else {
      const b = parsePrefix(spec.broadcast, 'broadcast');
      if (b.family !== 'inet' || b.length !== 32) throw new InvalidArgumentError('broadcast', `${JSON.stringify(spec.broadcast)} is not an IPv4 address`);
      msg.broadcast = b.address;
    }
  }
  if (spec.label !== undefined) {
    if (p.family !== 'inet') throw new InvalidArgumentError('label', 'only IPv4 addresses have labels');
    if (typeof spec.label !== 'string' || spec.label === '' || Buffer.byteLength(spec.label) > 15) {
      throw new InvalidArgumentError('label', `${JSON.stringify(spec.label)} is not a label of 1 to 15 bytes`);
    }
    msg.label = spec.label;
  }
  if (flags.length > 0) msg.flags = [...flags];
  if (spec.validLifetime !== undefined || spec.preferredLifetime !== undefined) {
    const valid = spec.validLifetime === undefined ? FOREVER : checkSeconds('validLifetime', spec.validLifetime);
    const preferred = spec.preferredLifetime === undefined ? valid : checkSeconds('preferredLifetime', spec.preferredLifetime);
    if (preferred > valid) throw new InvalidArgumentError('preferredLifetime', 'the preferred lifetime exceeds the valid lifetime');
    msg.cacheinfo = { ifaPrefered: preferred, ifaValid: valid, cstamp: 0, tstamp: 0 };
  }
  if (spec.metric !== undefined) {
    if (typeof spec.metric !== 'number' || !Number.isInteger(spec.metric) || spec.metric < 0 || spec.metric > FOREVER) {
      throw new InvalidArgumentError('metric', `${String(spec.metric)} is not an integer from 0 to ${FOREVER}`);
    }
    msg.rtPriority = spec.metric;
  }
  if (spec.protocol !== undefined) msg.proto = checkedEnum('protocol', spec.protocol, IfaProto);
  return msg;
}
