// The one place where filter option encodings are undone: u32 selectors and handles, flower keys
// with their masks, classifier flags, class ids, and the action lists of every kind. Requests
// are built in the order tc 6.1 builds them (tc/f_*.c).

import { formatIPv4, formatIPv6, parseMAC } from '../../../netlink/addr.js';
import { InvalidArgumentError } from '../../../netlink/errors.js';
import { checkKeys, checkObject } from '../../common/model.js';
import { parsePrefix } from '../../common/prefix.js';
import { basicAttrs, bpfAttrs, ematchAttrs, flowerAttrs, matchallAttrs, u32Attrs } from '../../generated/tc.js';
import { encodeWith, type Codec } from '../../../netlink/schema/index.js';
import { actionFromWire, actionToWire, policeFromWire, policeToWire } from '../action/mapping.js';
import type { PoliceSettings, TcAction } from '../action/model.js';
import { extraOf, leftoverAttributes, withExtra, withTail } from '../common/extra.js';
import { formatHandle, parseHandle } from '../common/handle.js';
import type { BasicOptions, BpfFilterOptions, ClsFlag, FlowerOptions, MatchallOptions, U32Options, U32Selector } from './model.js';
import { formatU32Handle, keysToMatches, matchesToKeys, parseU32Handle, type U32Key } from './u32.js';

type Obj = Record<string, unknown>;
const U32_MAX = 0xffffffff;

/** A kind's option mapping; `protocol` is the filter's link-layer protocol number (u32 reads its keys by it). */
export interface FilterOptionsMapping<M> {
  readonly keys: ReadonlySet<string>;
  fromWire(wire: Obj, protocol: number): M;
  toWire(model: M, field: string, protocol: number): unknown;
}

function checkInt(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(field, `${String(v)} is not an integer from ${min} to ${max}`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** TCA_CLS_FLAGS_* as the codec names them, and as tc prints them. */
const FLAG_NAMES: Readonly<Record<string, ClsFlag | 'in_hw' | 'not_in_hw'>> = { 'skip-hw': 'skip_hw', 'skip-sw': 'skip_sw', 'in-hw': 'in_hw', 'not-in-hw': 'not_in_hw', verbose: 'verbose' };
const FLAG_WIRE: Readonly<Record<string, string>> = { skip_hw: 'skip-hw', skip_sw: 'skip-sw', verbose: 'verbose' };

/** Sets `flags` and `inHw` of `m` from a decoded TCA_CLS_FLAGS_* list. */
function flagsFromWire(m: Obj, flags: unknown): void {
  if (!Array.isArray(flags)) return;
  const given: ClsFlag[] = [];
  for (const f of flags as (string | number)[]) {
    const name = typeof f === 'string' ? FLAG_NAMES[f] : undefined;
    if (name === 'in_hw') m.inHw = true;
    else if (name === 'not_in_hw') m.inHw = false;
    else if (name !== undefined) given.push(name);
  }
  if (given.length > 0) m.flags = given;
}

/** The TCA_CLS_FLAGS_* a request carries (the kernel's in_hw/not_in_hw are read-only). */
function flagsToWire(flags: unknown, f: string): string[] | undefined {
  if (flags === undefined) return undefined;
  if (!Array.isArray(flags)) throw new InvalidArgumentError(f, 'expected an array of flags (skip_hw, skip_sw, verbose)');
  return flags.map((x: unknown, i) => {
    if (typeof x !== 'string' || !Object.hasOwn(FLAG_WIRE, x)) throw new InvalidArgumentError(`${f}.${i}`, `expected skip_hw, skip_sw or verbose, got ${JSON.stringify(x)}`);
    return FLAG_WIRE[x];
  });
}

function actionsFromWire(act: unknown): TcAction[] | undefined {
  return Array.isArray(act) ? (act as Obj[]).map(actionFromWire) : undefined;
}

function actionsToWire(actions: unknown, f: string): Obj[] | undefined {
  if (actions === undefined) return undefined;
  if (!Array.isArray(actions)) throw new InvalidArgumentError(f, 'expected an array of actions');
  if (actions.length > 32) throw new InvalidArgumentError(f, 'a filter has at most 32 actions (TCA_ACT_MAX_PRIO)');
  return actions.map((a: TcAction, i) => actionToWire(a, `${f}.${i}`));
}

const classidFromWire = (v: unknown): string | undefined => (v === undefined ? undefined : formatHandle(v as number));

// ---------------------------------------------------------------------------------------------
// u32

const TC_U32_TERMINAL = 1;
const U32_KEYS = new Set(['classid', 'matches', 'terminal', 'selector', 'hashTable', 'link', 'divisor', 'indev', 'mark', 'actions', 'police', 'flags', 'inHw']);
const U32_USED = new Set(['classid', 'sel', 'hash', 'link', 'divisor', 'indev', 'mark', 'act', 'police', 'flags', 'pcnt']);
const SELECTOR_KEYS = new Set(['flags', 'offshift', 'offmask', 'off', 'offoff', 'hoff', 'hmask']);

/** struct tc_u32_sel as the wire schema decodes it: the selector's fields and its keys. */
interface SelWire extends U32Selector {
  keys: U32Key[];
}

const u32: FilterOptionsMapping<U32Options> = {
  keys: U32_KEYS,
  fromWire(o, protocol) {
    const m: U32Options = {};
    if (o.classid !== undefined) m.classid = classidFromWire(o.classid);
    const sel = o.sel as SelWire | undefined;
    if (sel) {
      m.matches = keysToMatches(sel.keys, protocol);
      m.terminal = (sel.flags & TC_U32_TERMINAL) !== 0;
      const { flags, offshift, offmask, off, offoff, hoff, hmask } = sel;
      if ((flags & ~TC_U32_TERMINAL) !== 0 || offshift || offmask || off || offoff || hoff || hmask) m.selector = { flags: flags & ~TC_U32_TERMINAL, offshift, offmask, off, offoff, hoff, hmask };
    }
    if (o.hash !== undefined) m.hashTable = formatU32Handle(o.hash as number);
    if (o.link !== undefined) m.link = formatU32Handle(o.link as number);
    if (o.divisor !== undefined) m.divisor = o.divisor as number;
    if (o.indev !== undefined) m.indev = o.indev as string;
    if (o.mark !== undefined) {
      const mk = o.mark as { val: number; mask: number };
      m.mark = { value: mk.val, mask: mk.mask };
    }
    const actions = actionsFromWire(o.act);
    if (actions) m.actions = actions;
    if (o.police !== undefined) m.police = policeFromWire(o.police as Obj).settings;
    flagsFromWire(m as Obj, o.flags);
    return withExtra(m, leftoverAttributes(u32Attrs, o, U32_USED));
  },
  toWire(m, f) {
    const w: Obj = {};
    if (m.classid !== undefined) w.classid = parseHandle(m.classid, `${f}.classid`);
    if (m.divisor !== undefined) w.divisor = checkInt(`${f}.divisor`, m.divisor, 1, 0x100);
    if (m.link !== undefined) w.link = parseU32Handle(m.link, `${f}.link`);
    if (m.indev !== undefined) {
      if (typeof m.indev !== 'string' || m.indev === '' || m.indev.length > 15) throw new InvalidArgumentError(`${f}.indev`, 'expected an interface name');
      w.indev = m.indev;
    }
    if (m.mark !== undefined) {
      checkObject(m.mark, `${f}.mark`, 'a mark match');
      checkKeys(m.mark, new Set(['value', 'mask']), `${f}.mark.`);
      w.mark = { val: checkInt(`${f}.mark.value`, m.mark.value, 0, U32_MAX), mask: checkInt(`${f}.mark.mask`, m.mark.mask ?? U32_MAX, 0, U32_MAX), success: 0 };
    }
    if (m.police !== undefined) {
      checkObject(m.police, `${f}.police`, 'police settings');
      checkKeys(m.police, new Set(['rate', 'burst', 'mtu', 'peakrate', 'avrate', 'packetRate', 'packetBurst', 'control', 'conform', 'overhead', 'mpu', 'linklayer']), `${f}.police.`);
      w.police = policeToWire(m.police as PoliceSettings, `${f}.police`);
    }
    const act = actionsToWire(m.actions, `${f}.actions`);
    if (act) w.act = act;
    if (m.hashTable !== undefined) w.hash = parseU32Handle(m.hashTable, `${f}.hashTable`);
    if (m.matches !== undefined || m.terminal !== undefined || m.selector !== undefined) {
      const keys = matchesToKeys(m.matches ?? [], `${f}.matches`);
      const s = m.selector ?? { flags: 0, offshift: 0, offmask: 0, off: 0, offoff: 0, hoff: 0, hmask: 0 };
      checkObject(s, `${f}.selector`, 'selector fields');
      checkKeys(s, SELECTOR_KEYS, `${f}.selector.`);
      const terminal = m.terminal ?? (m.classid !== undefined || act !== undefined || m.police !== undefined);
      w.sel = {
        flags: (checkInt(`${f}.selector.flags`, s.flags ?? 0, 0, 0xff) & ~TC_U32_TERMINAL) | (terminal ? TC_U32_TERMINAL : 0),
        offshift: checkInt(`${f}.selector.offshift`, s.offshift ?? 0, 0, 0xff),
        nkeys: keys.length,
        offmask: checkInt(`${f}.selector.offmask`, s.offmask ?? 0, 0, 0xffff),
        off: checkInt(`${f}.selector.off`, s.off ?? 0, 0, 0xffff),
        offoff: checkInt(`${f}.selector.offoff`, s.offoff ?? 0, -0x8000, 0x7fff),
        hoff: checkInt(`${f}.selector.hoff`, s.hoff ?? 0, -0x8000, 0x7fff),
        hmask: checkInt(`${f}.selector.hmask`, s.hmask ?? 0, 0, U32_MAX),
        keys,
      };
    }
    const flags = flagsToWire(m.flags, `${f}.flags`);
    if (flags && flags.length > 0) w.flags = flags;
    return withTail(u32Attrs, w as never, extraOf(m));
  },
};

// ---------------------------------------------------------------------------------------------
// flower

const IP_PROTOS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132 };
const IP_PROTO_NAMES = new Map(Object.entries(IP_PROTOS).map(([k, v]) => [v, k]));
const PORT_KEYS: Readonly<Record<number, string>> = { 6: 'Tcp', 17: 'Udp', 132: 'Sctp' };
const FLOWER_KEYS = new Set(['classid', 'indev', 'ethDst', 'ethSrc', 'ipProto', 'dst', 'src', 'dstPort', 'srcPort', 'vlanId', 'vlanPrio', 'actions', 'flags', 'inHw']);

function maskLength(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) {
    if (b === 0xff) n += 8;
    else {
      let x = b;
      while (x & 0x80) {
        n++;
        x = (x << 1) & 0xff;
      }
      break;
    }
  }
  return n;
}

const prefixMask = (len: number, size: number): Uint8Array => {
  const b = new Uint8Array(size);
  for (let i = 0; i < len; i++) b[i >> 3] |= 0x80 >> (i & 7);
  return b;
};

function ipBytes(text: string): Uint8Array {
  return parsePrefix(text, 'address').bytes;
}

const flower: FilterOptionsMapping<FlowerOptions> = {
  keys: FLOWER_KEYS,
  fromWire(o, protocol) {
    const m: Obj = {};
    const used = new Set(['act', 'flags', 'keyEthType']);
    const proto = o.keyIpProto as number | undefined;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (v === undefined) continue;
      if (k === 'classid') m.classid = classidFromWire(v);
      else if (k === 'indev') m.indev = v;
      else if ((k === 'keyEthDst' || k === 'keyEthSrc') && !m[k === 'keyEthDst' ? 'ethDst' : 'ethSrc']) {
        const mask = o[`${k}Mask`] as string | undefined;
        m[k === 'keyEthDst' ? 'ethDst' : 'ethSrc'] = mask === undefined || mask === 'ff:ff:ff:ff:ff:ff' ? v : `${String(v)}/${mask}`;
        used.add(k).add(`${k}Mask`);
      } else if (k === 'keyIpProto') m.ipProto = IP_PROTO_NAMES.get(v as number) ?? v;
      else if (/^keyIpv[46](Src|Dst)$/.test(k)) {
        const mk = o[`${k}Mask`] as string | undefined;
        const v6 = k.startsWith('keyIpv6');
        const len = mk === undefined ? (v6 ? 128 : 32) : maskLength(ipBytes(mk));
        // A mask that is not a prefix stays in the bytes kept as they are.
        if (mk !== undefined && formatOf(prefixMask(len, v6 ? 16 : 4)) !== formatOf(ipBytes(mk))) continue;
        m[k.endsWith('Src') ? 'src' : 'dst'] = `${String(v)}/${len}`;
        used.add(k).add(`${k}Mask`);
      } else if (proto !== undefined && PORT_KEYS[proto] && (k === `key${PORT_KEYS[proto]}Dst` || k === `key${PORT_KEYS[proto]}Src`)) {
        m[k.endsWith('Dst') ? 'dstPort' : 'srcPort'] = v;
      } else if (k === 'keyVlanId') m.vlanId = v;
      else if (k === 'keyVlanPrio') m.vlanPrio = v;
      else continue;
      used.add(k);
    }
    const actions = actionsFromWire(o.act);
    if (actions) m.actions = actions;
    flagsFromWire(m, o.flags);
    // TCA_FLOWER_KEY_ETH_TYPE is the filter's protocol, as tc sends it; another value is kept as it is.
    if (o.keyEthType !== undefined && o.keyEthType !== protocol) used.delete('keyEthType');
    return withExtra(m as FlowerOptions, leftoverAttributes(flowerAttrs, o, used));
  },
  toWire(m, f, protocol) {
    const w: Obj = {};
    const proto = m.ipProto === undefined ? undefined : typeof m.ipProto === 'number' ? checkInt(`${f}.ipProto`, m.ipProto, 0, 255) : IP_PROTOS[m.ipProto];
    if (m.ipProto !== undefined && proto === undefined) throw new InvalidArgumentError(`${f}.ipProto`, `expected tcp, udp, sctp, icmp, icmpv6 or a number, got ${JSON.stringify(m.ipProto)}`);
    // In the order of the model's keys, as tc follows its command line.
    for (const k of Object.keys(m)) {
      const v = (m as Obj)[k];
      if (v === undefined) continue;
      const field = `${f}.${k}`;
      switch (k) {
        case 'classid':
          w.classid = parseHandle(v as string, field);
          break;
        case 'indev':
          w.indev = String(v);
          break;
        case 'ethDst':
        case 'ethSrc': {
          const [addr, mask] = String(v).split('/');
          if (!parseMAC(addr) || (mask !== undefined && !parseMAC(mask))) throw new InvalidArgumentError(field, 'expected a MAC address, optionally with /mask');
          const key = k === 'ethDst' ? 'keyEthDst' : 'keyEthSrc';
          w[key] = addr;
          w[`${key}Mask`] = mask ?? 'ff:ff:ff:ff:ff:ff';
          break;
        }
        case 'ipProto':
          w.keyIpProto = proto;
          break;
        case 'dst':
        case 'src': {
          const p = parsePrefix(v as string, field);
          const key = `keyIpv${p.family === 'inet' ? 4 : 6}${k === 'src' ? 'Src' : 'Dst'}`;
          const mask = prefixMask(p.length, p.bytes.length);
          w[key] = formatOf(p.bytes);
          w[`${key}Mask`] = formatOf(mask);
          break;
        }
        case 'dstPort':
        case 'srcPort': {
          const pk = proto === undefined ? undefined : PORT_KEYS[proto];
          if (!pk) throw new InvalidArgumentError(field, 'ports need ipProto tcp, udp or sctp');
          w[`key${pk}${k === 'dstPort' ? 'Dst' : 'Src'}`] = checkInt(field, v, 0, 0xffff);
          break;
        }
        case 'vlanId':
          w.keyVlanId = checkInt(field, v, 0, 4095);
          break;
        case 'vlanPrio':
          w.keyVlanPrio = checkInt(field, v, 0, 7);
          break;
        default:
          break;
      }
    }
    const act = actionsToWire(m.actions, `${f}.actions`);
    if (act) w.act = act;
    // tc always sends the flags, then the protocol as the ethertype key.
    w.flags = flagsToWire(m.flags, `${f}.flags`) ?? [];
    if (protocol !== 0x0003) w.keyEthType = protocol;
    return withTail(flowerAttrs, w as never, extraOf(m));
  },
};

/** An address's text from its bytes. */
function formatOf(b: Uint8Array): string {
  return b.length === 4 ? formatIPv4(b, 0) : formatIPv6(b, 0);
}

// ---------------------------------------------------------------------------------------------
// matchall, basic, bpf

const matchall: FilterOptionsMapping<MatchallOptions> = {
  keys: new Set(['classid', 'actions', 'flags', 'inHw']),
  fromWire(o) {
    const m: MatchallOptions = {};
    if (o.classid !== undefined) m.classid = classidFromWire(o.classid);
    const actions = actionsFromWire(o.act);
    if (actions) m.actions = actions;
    flagsFromWire(m as Obj, o.flags);
    return withExtra(m, leftoverAttributes(matchallAttrs, o, new Set(['classid', 'act', 'flags', 'pcnt'])));
  },
  toWire(m, f) {
    const w: Obj = {};
    if (m.classid !== undefined) w.classid = parseHandle(m.classid, `${f}.classid`);
    const act = actionsToWire(m.actions, `${f}.actions`);
    if (act) w.act = act;
    const flags = flagsToWire(m.flags, `${f}.flags`);
    if (flags && flags.length > 0) w.flags = flags;
    return withTail(matchallAttrs, w as never, extraOf(m));
  },
};

const basic: FilterOptionsMapping<BasicOptions> = {
  keys: new Set(['classid', 'ematches', 'actions']),
  fromWire(o) {
    const m: BasicOptions = {};
    if (o.classid !== undefined) m.classid = classidFromWire(o.classid);
    const used = new Set(['classid', 'act', 'pcnt', 'ematches']);
    if (o.ematches !== undefined) m.ematches = encodeWith(ematchAttrs as unknown as Codec<unknown>, o.ematches);
    const actions = actionsFromWire(o.act);
    if (actions) m.actions = actions;
    return withExtra(m, leftoverAttributes(basicAttrs, o, used));
  },
  toWire(m, f) {
    const w: Obj = {};
    if (m.classid !== undefined) w.classid = parseHandle(m.classid, `${f}.classid`);
    const act = actionsToWire(m.actions, `${f}.actions`);
    if (act) w.act = act;
    let extra = extraOf(m);
    if (m.ematches !== undefined) {
      if (!(m.ematches instanceof Uint8Array)) throw new InvalidArgumentError(`${f}.ematches`, 'expected the encoded TCA_BASIC_EMATCHES attributes');
      const nest = new Uint8Array(4 + m.ematches.length);
      new DataView(nest.buffer).setUint16(0, nest.length, true);
      new DataView(nest.buffer).setUint16(2, 2, true);
      nest.set(m.ematches, 4);
      extra = extra ? Uint8Array.from([...nest, ...extra]) : nest;
    }
    return withTail(basicAttrs, w as never, extra);
  },
};

const TCA_BPF_FLAG_ACT_DIRECT = 1;
const bpf: FilterOptionsMapping<BpfFilterOptions> = {
  keys: new Set(['classid', 'fd', 'name', 'directAction', 'id', 'tag', 'ops', 'actions', 'flags', 'inHw']),
  fromWire(o) {
    const m: BpfFilterOptions = {};
    if (o.classid !== undefined) m.classid = classidFromWire(o.classid);
    if (o.ops instanceof Uint8Array) m.ops = o.ops;
    if (o.fd !== undefined) m.fd = o.fd as number;
    if (o.name !== undefined) m.name = o.name as string;
    const used = new Set(['classid', 'ops', 'opsLen', 'fd', 'name', 'flags', 'flagsGen', 'id', 'tag', 'act']);
    if (o.flags !== undefined) {
      if ((o.flags as number) & ~TCA_BPF_FLAG_ACT_DIRECT) used.delete('flags');
      else if ((o.flags as number) & TCA_BPF_FLAG_ACT_DIRECT) m.directAction = true;
      else used.delete('flags');
    }
    flagsFromWire(m as Obj, o.flagsGen);
    if (o.id !== undefined) m.id = o.id as number;
    if (o.tag instanceof Uint8Array) m.tag = Buffer.from(o.tag).toString('hex');
    const actions = actionsFromWire(o.act);
    if (actions) m.actions = actions;
    return withExtra(m, leftoverAttributes(bpfAttrs, o, used));
  },
  toWire(m, f) {
    const w: Obj = {};
    if (m.ops !== undefined) {
      if (!(m.ops instanceof Uint8Array) || m.ops.length % 8 !== 0) throw new InvalidArgumentError(`${f}.ops`, 'expected a classic BPF program (8 bytes per instruction)');
      w.opsLen = m.ops.length / 8;
      w.ops = m.ops;
    }
    if (m.fd !== undefined) w.fd = checkInt(`${f}.fd`, m.fd, 0, 0x7fffffff);
    if (m.name !== undefined) w.name = String(m.name);
    if (m.classid !== undefined) w.classid = parseHandle(m.classid, `${f}.classid`);
    if (m.directAction) w.flags = TCA_BPF_FLAG_ACT_DIRECT;
    const flags = flagsToWire(m.flags, `${f}.flags`);
    if (flags && flags.length > 0) w.flagsGen = flags;
    if (m.id !== undefined) w.id = checkInt(`${f}.id`, m.id, 0, U32_MAX);
    if (m.tag !== undefined) w.tag = Buffer.from(String(m.tag), 'hex');
    const act = actionsToWire(m.actions, `${f}.actions`);
    if (act) w.act = act;
    return withTail(bpfAttrs, w as never, extraOf(m));
  },
};

/** The option mappings by filter kind. */
export const FILTER_OPTIONS: Readonly<Record<string, FilterOptionsMapping<any>>> = { u32, flower, matchall, basic, bpf };
