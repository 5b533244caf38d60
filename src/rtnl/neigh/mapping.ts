// The one mapping between the neighbour / FDB entry models and their wire message (struct ndmsg +
// NDA_*): the only place where the NUD_* bit sets become one state, the NTF_* and NTF_EXT_* flags
// one list with ip's names, and NTF_PROXY the `proxy` field. Pure: no I/O.

import { parseMAC } from '../../netlink/addr.js';
import { InvalidArgumentError } from '../../netlink/errors.js';
import type { SchemaValue } from '../../netlink/message.js';
import { RtProtocol } from '../generated/common.js';
import { NtfExtFlags, NtfFlags, NudState, type neighMessage } from '../generated/neigh.js';
import { checkInteger, enumNumber, parseAddress } from '../common/checks.js';
import type { IpFamily } from '../route/routes.js';
import type { FdbEntry, FdbState, Neighbour, NeighbourFlag, NeighbourState, ResolvedFdbEntrySpec, ResolvedNeighbourSpec } from './model.js';

/** `v` (a name or a number), once checked. */
function checkedEnum<V extends string | number>(field: string, v: V, entries: Readonly<Record<string, number>>): V {
  enumNumber(field, v, entries);
  return v;
}

/** A neighbour message as the wire schema decodes and encodes it. */
export type NeighbourMessage = SchemaValue<typeof neighMessage>;

type WireState = keyof typeof NudState;
type WireFlag = keyof typeof NtfFlags;
type WireExtFlag = keyof typeof NtfExtFlags;

// The model's flag names (ip's) and the wire's.
const FLAG_TO_WIRE: Readonly<Record<string, WireFlag>> = {
  use: 'use',
  self: 'self',
  master: 'master',
  extern_learn: 'ext-learned',
  offload: 'offloaded',
  sticky: 'sticky',
  router: 'router',
};
const EXT_FLAG_TO_WIRE: Readonly<Record<string, WireExtFlag>> = { managed: 'managed', locked: 'locked', extern_valid: 'ext-validated' };
const FLAG_FROM_WIRE: Readonly<Record<string, NeighbourFlag>> = Object.fromEntries(
  [...Object.entries(FLAG_TO_WIRE), ...Object.entries(EXT_FLAG_TO_WIRE)].map(([model, wire]) => [wire, model as NeighbourFlag]),
);
const FLAG_NAMES = [...Object.keys(FLAG_TO_WIRE), ...Object.keys(EXT_FLAG_TO_WIRE)].join(', ');

function stateBits(state: readonly (string | number)[]): number {
  let bits = 0;
  for (const s of state) bits |= typeof s === 'number' ? s : NudState[s as WireState];
  return bits;
}

function neighbourStateFromWire(state: readonly (WireState | number)[]): NeighbourState {
  if (state.length === 0) return 'none';
  if (state.length === 1 && typeof state[0] === 'string') return state[0];
  return stateBits(state);
}

function flagsFromWire(flags: readonly (WireFlag | number)[], ext: readonly (WireExtFlag | number)[] | undefined): (NeighbourFlag | number)[] {
  const out: (NeighbourFlag | number)[] = [];
  for (const f of flags) if (f !== 'proxy') out.push(typeof f === 'number' ? f : (FLAG_FROM_WIRE[f] ?? f));
  if (ext !== undefined) for (const f of ext) out.push(typeof f === 'number' ? f : (FLAG_FROM_WIRE[f] ?? f));
  return out;
}

/** The NTF_* and NTF_EXT_* flags of a model's flag list; names `field` on an unknown one. */
function flagsToWire(field: string, flags: unknown): { flags: WireFlag[]; ext: (WireExtFlag | number)[] } {
  const out: { flags: WireFlag[]; ext: (WireExtFlag | number)[] } = { flags: [], ext: [] };
  if (flags === undefined) return out;
  if (!Array.isArray(flags)) throw new InvalidArgumentError(field, 'expected an array of flag names');
  for (const [i, f] of (flags as unknown[]).entries()) {
    if (typeof f === 'string' && Object.hasOwn(FLAG_TO_WIRE, f)) out.flags.push(FLAG_TO_WIRE[f]);
    else if (typeof f === 'string' && Object.hasOwn(EXT_FLAG_TO_WIRE, f)) out.ext.push(EXT_FLAG_TO_WIRE[f]);
    // A number is a bit of NDA_FLAGS_EXT: every bit of ndm_flags has a name.
    else if (typeof f === 'number' && Number.isInteger(f) && f > 0 && f <= 0xffffffff) out.ext.push(f);
    else throw new InvalidArgumentError(`${field}.${i}`, `unknown flag ${JSON.stringify(f)}; expected one of ${FLAG_NAMES}, or a bit of NDA_FLAGS_EXT`);
  }
  return out;
}

function checkMac(field: string, text: unknown, length?: number): string {
  const b = typeof text === 'string' ? parseMAC(text) : undefined;
  if (b === undefined || (length !== undefined && b.length !== length)) {
    throw new InvalidArgumentError(field, `${JSON.stringify(text)} is not a ${length !== undefined ? `${length}-byte ` : ''}link-layer address like 02:00:00:00:00:01`);
  }
  return text as string;
}

/** The model of a decoded neighbour message of family `inet` or `inet6`. */
export function neighbourFromWire(w: NeighbourMessage): Neighbour {
  const n: Neighbour = {
    family: w.family as IpFamily,
    link: w.ifindex,
    address: w.dst ?? '',
    state: neighbourStateFromWire(w.state),
    flags: flagsFromWire(w.flags, w.flagsExt),
  };
  if (w.lladdr !== undefined) n.lladdr = w.lladdr;
  if (w.flags.includes('proxy')) n.proxy = true;
  if (w.protocol !== undefined) n.protocol = w.protocol;
  return n;
}

/**
 * The wire message of a neighbour (its link resolved to an index). Checks every value.
 * @throws {@link InvalidArgumentError} naming the field of a malformed value.
 */
export function neighbourToWire(spec: ResolvedNeighbourSpec): NeighbourMessage {
  const dst = parseAddress(spec.address, 'address');
  if (spec.family !== undefined && spec.family !== dst.family) throw new InvalidArgumentError('family', `${JSON.stringify(spec.address)} is not an ${String(spec.family)} address`);
  // As ip neigh, also when deleting (the kernel ignores it there).
  const s = spec.state ?? 'permanent';
  let state: (WireState | number)[];
  if (s === 'none') state = [];
  else if (typeof s === 'string' && Object.hasOwn(NudState, s)) state = [s as WireState];
  else if (typeof s === 'number' && Number.isInteger(s) && s >= 0 && s <= 0xffff) state = s === 0 ? [] : [s];
  else throw new InvalidArgumentError('state', `unknown neighbour state ${JSON.stringify(s)}; expected one of ${Object.keys(NudState).join(', ')}, none, or NUD_* bits`);
  const f = flagsToWire('flags', spec.flags);
  if (spec.proxy !== undefined && typeof spec.proxy !== 'boolean') throw new InvalidArgumentError('proxy', 'expected true or false');
  const flags: (WireFlag | number)[] = spec.proxy ? [...f.flags, 'proxy'] : f.flags;
  const msg: NeighbourMessage = { family: dst.family, ifindex: spec.link, state, flags, type: 0, dst: dst.address };
  if (spec.lladdr !== undefined) msg.lladdr = checkMac('lladdr', spec.lladdr);
  if (f.ext.length > 0) msg.flagsExt = f.ext;
  if (spec.protocol !== undefined) msg.protocol = checkedEnum('protocol', spec.protocol, RtProtocol);
  return msg;
}

const NUD_NOARP = NudState.noarp;
const NUD_PERMANENT = NudState.permanent;
const NUD_REACHABLE = NudState.reachable;
const NUD_STALE = NudState.stale;

// The states as `bridge fdb` sends them (NUD_NOARP with them: the kernel's vxlan FDB keeps what it
// is sent and lists it back).
const FDB_STATE_BITS: Readonly<Record<string, number>> = {
  permanent: NUD_NOARP | NUD_PERMANENT,
  static: NUD_NOARP | NUD_REACHABLE,
  dynamic: NUD_REACHABLE,
  stale: NUD_STALE,
};

/** The FDB state of NUD_* bits, read as `bridge fdb show` reads them. */
function fdbStateFromWire(state: readonly (WireState | number)[]): FdbState {
  const bits = stateBits(state);
  if (bits & NUD_PERMANENT) return 'permanent';
  if (bits & NUD_NOARP) return 'static';
  if (bits & NUD_STALE) return 'stale';
  if (bits & NUD_REACHABLE) return 'dynamic';
  return bits;
}

/** The model of a decoded neighbour message of family `bridge`. */
export function fdbFromWire(w: NeighbourMessage): FdbEntry {
  const e: FdbEntry = {
    family: 'bridge',
    link: w.ifindex,
    lladdr: w.lladdr ?? '',
    state: fdbStateFromWire(w.state),
    flags: flagsFromWire(w.flags, w.flagsExt),
  };
  if (w.master !== undefined) e.master = w.master;
  if (w.vlan !== undefined) e.vlan = w.vlan;
  if (w.dst !== undefined) e.dst = w.dst;
  if (w.port !== undefined) e.dstPort = w.port;
  if (w.vni !== undefined) e.vni = w.vni;
  if (w.srcVni !== undefined) e.srcVni = w.srcVni;
  if (w.ndaIfindex !== undefined) e.via = w.ndaIfindex;
  if (w.nhId !== undefined) e.nexthopId = w.nhId;
  return e;
}

/**
 * The wire message of an FDB entry (its links resolved to indexes). Checks every value.
 * @throws {@link InvalidArgumentError} naming the field of a malformed value.
 */
export function fdbToWire(spec: ResolvedFdbEntrySpec): FdbEntryMessage {
  if (spec.family !== undefined && spec.family !== 'bridge') throw new InvalidArgumentError('family', `FDB entries are of family bridge, not ${JSON.stringify(spec.family)}`);
  if (spec.lladdr === undefined) throw new InvalidArgumentError('lladdr', 'an FDB entry needs a MAC address');
  const lladdr = checkMac('lladdr', spec.lladdr, 6);
  const s = spec.state ?? 'permanent';
  let bits: number;
  if (typeof s === 'string' && Object.hasOwn(FDB_STATE_BITS, s)) bits = FDB_STATE_BITS[s];
  else if (typeof s === 'number' && Number.isInteger(s) && s >= 0 && s <= 0xffff) bits = s;
  else throw new InvalidArgumentError('state', `expected permanent, static, dynamic, stale or NUD_* bits, got ${JSON.stringify(s)}`);
  const f = flagsToWire('flags', spec.flags);
  const msg: FdbEntryMessage = { family: 'bridge', ifindex: spec.link, state: bits === 0 ? [] : [bits], flags: f.flags, type: 0, lladdr };
  if (f.ext.length > 0) msg.flagsExt = f.ext;
  if (spec.master !== undefined) msg.master = spec.master;
  checkInteger('vlan', spec.vlan, 1, 4094);
  if (spec.vlan !== undefined) msg.vlan = spec.vlan;
  if (spec.dst !== undefined) msg.dst = parseAddress(spec.dst, 'dst').address;
  checkInteger('dstPort', spec.dstPort, 0, 0xffff);
  if (spec.dstPort !== undefined) msg.port = spec.dstPort;
  checkInteger('vni', spec.vni, 0, 0xffffff);
  if (spec.vni !== undefined) msg.vni = spec.vni;
  checkInteger('srcVni', spec.srcVni, 0, 0xffffff);
  if (spec.srcVni !== undefined) msg.srcVni = spec.srcVni;
  if (spec.via !== undefined) msg.ndaIfindex = spec.via;
  checkInteger('nexthopId', spec.nexthopId, 1, 0xffffffff);
  if (spec.nexthopId !== undefined) msg.nhId = spec.nexthopId;
  return msg;
}

/** An FDB entry message: a neighbour message of family `bridge`. */
export type FdbEntryMessage = NeighbourMessage;
