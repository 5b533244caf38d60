// The one place where tc action encodings are undone: control actions as numbers (TC_ACT_*),
// struct tc_gen in every kind's parameters, rates in bytes per second and bursts as ticks for
// police, timestamps in 1/100 s. Requests are built as tc 6.1 builds them (tc/m_*.c).

import { parseIP, parseMAC } from '../../../netlink/addr.js';
import { InvalidArgumentError } from '../../../netlink/errors.js';
import { checkKeys, checkObject } from '../../common/model.js';
import { actBpfAttrs, actGactAttrs, actMirredAttrs, actSkbeditAttrs, actTunnelKeyAttrs, actVlanAttrs, actOptionsMsg, policeAttrs } from '../../generated/tc.js';
import { encodeWith, type Codec } from '../../../netlink/schema/index.js';
import { formatHandle, parseHandle } from '../common/handle.js';
import { extraOf, leftoverAttributes, withExtra, withTail } from '../common/extra.js';
import { statsFromWire } from '../common/stats.js';
import { burstBytes, parseRate, rateTable, xmitTicks } from '../common/units.js';
import { bytesPerSecond, linklayerFromWire, wireRate } from '../qdisc/options.js';
import type { ActionControl, PoliceSettings, TcAction } from './model.js';

type Obj = Record<string, unknown>;
const U32_MAX = 0xffffffff;

// ---------------------------------------------------------------------------------------------
// Control actions

const TC_ACT_JUMP = 0x10000000;
const TC_ACT_GOTO_CHAIN = 0x20000000;
const TC_ACT_EXT_MASK = 0xf0000000;

/** The names tc prints for TC_ACT_* (action_n2a), and the aliases it reads. */
const CONTROL_OUT = new Map<number, string>([[-1, 'continue'], [0, 'pass'], [1, 'reclassify'], [2, 'drop'], [3, 'pipe'], [4, 'stolen'], [8, 'trap']]);
const CONTROL_IN: Readonly<Record<string, number>> = { continue: -1, pass: 0, ok: 0, reclassify: 1, drop: 2, shot: 2, pipe: 3, stolen: 4, trap: 8 };

/** A control action as tc prints it (`'drop'`, `'goto chain 5'`), or the number. */
export function controlFromWire(v: number): ActionControl {
  const name = CONTROL_OUT.get(v);
  if (name !== undefined) return name;
  const u = v >>> 0;
  if ((u & TC_ACT_EXT_MASK) >>> 0 === TC_ACT_GOTO_CHAIN) return `goto chain ${u & ~TC_ACT_EXT_MASK}`;
  if ((u & TC_ACT_EXT_MASK) >>> 0 === TC_ACT_JUMP) return `jump ${u & ~TC_ACT_EXT_MASK}`;
  return v;
}

/** The TC_ACT_* number of a control action. */
export function controlToWire(v: ActionControl, field: string): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new InvalidArgumentError(field, `${v} is not a control action number`);
    return v;
  }
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (Object.hasOwn(CONTROL_IN, t)) return CONTROL_IN[t];
    const m = /^(goto chain|jump)\s+(\d+)$/.exec(t);
    if (m && Number(m[2]) < 0x10000000) return ((m[1] === 'jump' ? TC_ACT_JUMP : TC_ACT_GOTO_CHAIN) | Number(m[2])) | 0;
  }
  throw new InvalidArgumentError(field, `${JSON.stringify(v)} is not a control action; expected pass, drop, pipe, stolen, reclassify, continue, trap, 'goto chain N', 'jump N' or a number`);
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

const BASE_KEYS = ['kind', 'index', 'control', 'cookie', 'stats', 'refcount', 'bindcount', 'installed', 'lastUsed', 'firstUsed'];
const keysOf = (...more: string[]): ReadonlySet<string> => new Set([...BASE_KEYS, ...more]);

function checkInt(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(field, `${String(v)} is not an integer from ${min} to ${max}`);
  return v;
}

/** struct tc_gen of a request: the index (0: the kernel picks) and the control action. */
function tcGen(a: { index?: number; control?: ActionControl }, f: string, defaultControl: number): Obj {
  return {
    index: checkInt(`${f}.index`, a.index ?? 0, 0, U32_MAX),
    capab: 0,
    action: a.control === undefined ? defaultControl : controlToWire(a.control, `${f}.control`),
    refcnt: 0,
    bindcnt: 0,
  };
}

/** The common fields of a listed action: index, control, references and timestamps (struct tcf_t in 1/100 s). */
function baseFromWire(a: Obj, parms: Obj | undefined, tm: Obj | undefined): Obj & { kind: string } {
  const out: Obj & { kind: string } = { kind: String(a.kind ?? '') };
  if (parms) {
    out.index = parms.index;
    out.control = controlFromWire(parms.action as number);
  }
  if (a.cookie instanceof Uint8Array) out.cookie = Buffer.from(a.cookie).toString('hex');
  const stats = statsFromWire(a.stats as never, undefined);
  if (stats) out.stats = stats;
  if (parms) {
    out.refcount = parms.refcnt;
    out.bindcount = parms.bindcnt;
  }
  if (tm) {
    out.installed = Number(tm.install) / 100;
    out.lastUsed = Number(tm.lastuse) / 100;
    out.firstUsed = Number(tm.firstuse) / 100;
  }
  return out;
}

const ACT_LEVEL_USED = new Set(['kind', 'options', 'index', 'stats', 'cookie', 'inHwCount', 'usedHwStats', 'pad']);
const ACT_EXTRA: unique symbol = Symbol('rtnetlink.tc.actionExtra');

// ---------------------------------------------------------------------------------------------
// Police (an action, and a filter's own policer)

const POLICE_KEYS = ['rate', 'burst', 'mtu', 'peakrate', 'avrate', 'packetRate', 'packetBurst', 'control', 'conform', 'overhead', 'mpu', 'linklayer'];

/** The police settings of a decoded TCA_POLICE_* set (and the struct's index and counts). */
export function policeFromWire(o: Obj): { settings: PoliceSettings; tbf: Obj | undefined } {
  const p = o.tbf as (Obj & { rate: Obj; peakrate: Obj; burst: number; mtu: number; action: number }) | undefined;
  const s: PoliceSettings = {};
  if (p) {
    const rate = wireRate(p.rate.rate as number, o.rate64 as bigint | undefined);
    if (rate !== 0) {
      s.rate = rate * 8;
      s.burst = burstBytes(rate, p.burst);
    }
    if (p.mtu !== 0) s.mtu = p.mtu;
    const peak = wireRate(p.peakrate.rate as number, o.peakrate64 as bigint | undefined);
    if (peak !== 0) s.peakrate = peak * 8;
    s.control = controlFromWire(p.action);
    if (p.rate.overhead) s.overhead = p.rate.overhead as number;
    if (p.rate.mpu) s.mpu = p.rate.mpu as number;
    const ll = linklayerFromWire(p.rate.linklayer as number);
    if (ll) s.linklayer = ll;
  }
  if (o.avrate !== undefined) s.avrate = (o.avrate as number) * 8;
  if (o.result !== undefined) s.conform = controlFromWire(o.result as number);
  if (o.pktrate64 !== undefined) {
    s.packetRate = Number(o.pktrate64);
    s.packetBurst = burstBytes(s.packetRate, Number(o.pktburst64 ?? 0n));
  }
  return { settings: s, tbf: p };
}

/** The TCA_POLICE_* set of police settings, as tc's act_parse_police builds it. */
export function policeToWire(s: PoliceSettings & { index?: number }, f: string): Obj {
  const rate = s.rate === undefined || s.rate === 0 ? 0 : bytesPerSecond(parseRate(s.rate, `${f}.rate`));
  const peak = s.peakrate === undefined || s.peakrate === 0 ? 0 : bytesPerSecond(parseRate(s.peakrate, `${f}.peakrate`));
  const avrate = s.avrate === undefined ? 0 : bytesPerSecond(parseRate(s.avrate, `${f}.avrate`));
  const mtu = checkInt(`${f}.mtu`, s.mtu ?? 0, 0, U32_MAX);
  const pps = s.packetRate === undefined ? 0 : checkInt(`${f}.packetRate`, s.packetRate, 0, Number.MAX_SAFE_INTEGER);
  if (rate && avrate) throw new InvalidArgumentError(`${f}.avrate`, 'give a rate or an avrate, not both');
  if (!rate && !avrate && !s.index && !mtu && !pps) throw new InvalidArgumentError(`${f}.rate`, 'a policer needs a rate, an avrate, an mtu or a packetRate');
  if (rate && !avrate && s.burst === undefined) throw new InvalidArgumentError(`${f}.burst`, 'a policer with a rate needs a burst (bytes)');
  if (pps && s.packetBurst === undefined) throw new InvalidArgumentError(`${f}.packetBurst`, 'a packetRate needs a packetBurst');
  if (pps && rate) throw new InvalidArgumentError(`${f}.packetRate`, 'give a rate or a packetRate, not both');
  if (peak && (!rate || !mtu)) throw new InvalidArgumentError(`${f}.peakrate`, 'a peakrate needs a rate and an mtu');
  const overhead = checkInt(`${f}.overhead`, s.overhead ?? 0, 0, 0xffff);
  const mpu = checkInt(`${f}.mpu`, s.mpu ?? 0, 0, 0xffff);
  const linklayer = s.linklayer ?? 'ethernet';
  if (linklayer !== 'ethernet' && linklayer !== 'atm') throw new InvalidArgumentError(`${f}.linklayer`, `expected ethernet or atm, got ${JSON.stringify(s.linklayer)}`);
  const zero = { cellLog: 0, linklayer: 0, overhead: 0, cellAlign: 0, mpu: 0, rate: 0 };
  const spec = (r: number): { spec: Obj; table: Uint8Array } => {
    const t = rateTable(r, mtu, mpu, linklayer);
    return { spec: { cellLog: t.cellLog, linklayer: linklayer === 'atm' ? 2 : 1, overhead, cellAlign: -1, mpu, rate: r >= 2 ** 32 ? U32_MAX : r }, table: t.table };
  };
  const r = rate ? spec(rate) : undefined;
  const pk = peak ? spec(peak) : undefined;
  const w: Obj = {
    tbf: {
      index: checkInt(`${f}.index`, s.index ?? 0, 0, U32_MAX),
      action: s.control === undefined ? 1 : controlToWire(s.control, `${f}.control`),
      limit: 0,
      burst: rate ? xmitTicks(rate, checkInt(`${f}.burst`, s.burst ?? 0, 0, U32_MAX)) : 0,
      mtu,
      rate: r?.spec ?? zero,
      peakrate: pk?.spec ?? zero,
      refcnt: 0,
      bindcnt: 0,
      capab: 0,
    },
  };
  if (r) {
    w.rate = r.table;
    if (rate >= 2 ** 32) w.rate64 = BigInt(rate);
  }
  if (pk) {
    w.peakrate = pk.table;
    if (peak >= 2 ** 32) w.peakrate64 = BigInt(peak);
  }
  if (avrate) w.avrate = avrate;
  if (s.conform !== undefined) w.result = controlToWire(s.conform, `${f}.conform`);
  if (pps) {
    w.pktrate64 = BigInt(pps);
    w.pktburst64 = BigInt(xmitTicks(pps, checkInt(`${f}.packetBurst`, s.packetBurst ?? 0, 0, U32_MAX)));
  }
  return w;
}

// ---------------------------------------------------------------------------------------------
// Per kind

interface ActionKind {
  keys: ReadonlySet<string>;
  fromWire(o: Obj, base: Obj): Obj;
  toWire(a: Obj, f: string): Obj | Uint8Array;
}

const MIRRED_EACTION: Readonly<Record<string, number>> = { 'egress/redirect': 1, 'egress/mirror': 2, 'ingress/redirect': 3, 'ingress/mirror': 4 };
const MIRRED_NAMES = ['', 'egress/redirect', 'egress/mirror', 'ingress/redirect', 'ingress/mirror'];

const VLAN_ACTIONS = ['', 'pop', 'push', 'modify', 'pop_eth', 'push_eth'];
const VLAN_PROTOCOLS: Readonly<Record<string, number>> = { '802.1q': 0x8100, '802.1ad': 0x88a8 };
const TUNNEL_ACTIONS = ['', 'set', 'unset'];
const GACT_PTYPES = ['none', 'netrand', 'determ'];

const nameOf = (names: readonly string[], v: number): string | number => (names[v] ? names[v] : v);
function numberOf(names: readonly string[], v: string | number, field: string): number {
  if (typeof v === 'number') return checkInt(field, v, 0, 0x7fffffff);
  const i = names.indexOf(v);
  if (i <= 0 && !(i === 0 && names[0] !== '')) throw new InvalidArgumentError(field, `${JSON.stringify(v)} is not one of ${names.filter(Boolean).join(', ')}`);
  return i;
}

const KINDS: Readonly<Record<string, ActionKind>> = {
  mirred: {
    keys: keysOf('action', 'direction', 'link'),
    fromWire(o, base) {
      const p = o.parms as Obj;
      const [direction, action] = (MIRRED_NAMES[p.eaction as number] ?? '').split('/');
      const m: Obj = { kind: 'mirred', action: action ?? p.eaction, direction: direction ?? p.eaction, link: p.ifindex };
      return withExtra(Object.assign(m, base, { kind: 'mirred' }), leftoverAttributes(actMirredAttrs, o, new Set(['parms', 'tm'])));
    },
    toWire(a, f) {
      const key = `${String(a.direction)}/${String(a.action)}`;
      if (!Object.hasOwn(MIRRED_EACTION, key)) throw new InvalidArgumentError(`${f}.${Object.hasOwn(MIRRED_EACTION, `egress/${String(a.action)}`) ? 'direction' : 'action'}`, "a mirred action is a 'redirect' or a 'mirror', to 'egress' or 'ingress'");
      const eaction = MIRRED_EACTION[key];
      const parms = { ...tcGen(a, f, eaction === 1 || eaction === 3 ? 4 : 3), eaction, ifindex: checkInt(`${f}.link`, a.link, 1, 0x7fffffff) };
      return withTail(actMirredAttrs, { parms } as never, extraOf(a));
    },
  },
  gact: {
    keys: keysOf('random'),
    fromWire(o, base) {
      const m: Obj = Object.assign({ kind: 'gact' }, base);
      const pr = o.prob as { ptype: number; pval: number; paction: number } | undefined;
      if (pr) m.random = { type: nameOf(GACT_PTYPES, pr.ptype), value: pr.pval, control: controlFromWire(pr.paction) };
      return withExtra(m, leftoverAttributes(actGactAttrs, o, new Set(['parms', 'tm', 'prob'])));
    },
    toWire(a, f) {
      if (a.control === undefined) throw new InvalidArgumentError(`${f}.control`, 'a gact action needs its control (drop, pass, ...)');
      const w: Obj = { parms: tcGen(a, f, 0) };
      const r = a.random as { type: string | number; value: number; control: ActionControl } | undefined;
      if (r !== undefined) {
        checkObject(r, `${f}.random`, 'a random choice');
        checkKeys(r, new Set(['type', 'value', 'control']), `${f}.random.`);
        w.prob = { ptype: numberOf(GACT_PTYPES, r.type, `${f}.random.type`), pval: checkInt(`${f}.random.value`, r.value, 0, 10000), paction: controlToWire(r.control, `${f}.random.control`) };
      }
      return withTail(actGactAttrs, w, extraOf(a));
    },
  },
  police: {
    keys: keysOf(...POLICE_KEYS),
    fromWire(o, base) {
      const { settings, tbf } = policeFromWire(o);
      const m: Obj = { kind: 'police' };
      if (tbf) {
        m.index = tbf.index;
        m.refcount = tbf.refcnt;
        m.bindcount = tbf.bindcnt;
      }
      const { control: _c, index: _i, refcount: _r, bindcount: _b, ...rest } = base;
      Object.assign(m, settings, rest);
      return withExtra(m, leftoverAttributes(policeAttrs, o, new Set(['tbf', 'rate', 'peakrate', 'avrate', 'result', 'tm', 'rate64', 'peakrate64', 'pktrate64', 'pktburst64'])));
    },
    toWire(a, f) {
      return withTail(policeAttrs, policeToWire(a as PoliceSettings & { index?: number }, f), extraOf(a));
    },
  },
  skbedit: {
    keys: keysOf('priority', 'queueMapping', 'mark', 'mask', 'ptype'),
    fromWire(o, base) {
      const m: Obj = Object.assign({ kind: 'skbedit' }, base);
      for (const k of ['queueMapping', 'priority', 'mark', 'mask', 'ptype']) {
        if (o[k] !== undefined) m[k] = k === 'priority' ? formatHandle(o[k] as number) : o[k];
      }
      return withExtra(m, leftoverAttributes(actSkbeditAttrs, o, new Set(['parms', 'tm', 'queueMapping', 'priority', 'mark', 'mask', 'ptype'])));
    },
    toWire(a, f) {
      const w: Obj = { parms: tcGen(a, f, 3) };
      // tc's order: queue_mapping, priority, mark, ptype, mask.
      if (a.queueMapping !== undefined) w.queueMapping = checkInt(`${f}.queueMapping`, a.queueMapping, 0, 0xffff);
      if (a.priority !== undefined) w.priority = parseHandle(a.priority as string, `${f}.priority`);
      if (a.mark !== undefined) w.mark = checkInt(`${f}.mark`, a.mark, 0, U32_MAX);
      if (a.ptype !== undefined) w.ptype = checkInt(`${f}.ptype`, a.ptype, 0, 0xffff);
      if (a.mask !== undefined) w.mask = checkInt(`${f}.mask`, a.mask, 0, U32_MAX);
      return withTail(actSkbeditAttrs, w, extraOf(a));
    },
  },
  vlan: {
    keys: keysOf('vlanAction', 'id', 'protocol', 'priority', 'ethDst', 'ethSrc'),
    fromWire(o, base) {
      const p = o.parms as Obj;
      const m: Obj = Object.assign({ kind: 'vlan', vlanAction: nameOf(VLAN_ACTIONS, p.vAction as number) }, base);
      if (o.pushVlanId !== undefined) m.id = o.pushVlanId;
      if (o.pushVlanProtocol !== undefined) {
        const v = o.pushVlanProtocol as number;
        m.protocol = v === 0x8100 ? '802.1Q' : v === 0x88a8 ? '802.1ad' : v;
      }
      if (o.pushVlanPriority !== undefined) m.priority = o.pushVlanPriority;
      if (o.pushEthDst !== undefined) m.ethDst = o.pushEthDst;
      if (o.pushEthSrc !== undefined) m.ethSrc = o.pushEthSrc;
      return withExtra(m, leftoverAttributes(actVlanAttrs, o, new Set(['parms', 'tm', 'pushVlanId', 'pushVlanProtocol', 'pushVlanPriority', 'pushEthDst', 'pushEthSrc'])));
    },
    toWire(a, f) {
      const w: Obj = { parms: { ...tcGen(a, f, 3), vAction: numberOf(VLAN_ACTIONS, a.vlanAction as string, `${f}.vlanAction`) } };
      if (a.id !== undefined) w.pushVlanId = checkInt(`${f}.id`, a.id, 0, 4095);
      if (a.protocol !== undefined) {
        const p = a.protocol as string | number;
        w.pushVlanProtocol = typeof p === 'number' ? checkInt(`${f}.protocol`, p, 0, 0xffff) : VLAN_PROTOCOLS[p.toLowerCase()] ?? (() => { throw new InvalidArgumentError(`${f}.protocol`, `expected 802.1Q, 802.1ad or a number, got ${JSON.stringify(p)}`); })();
      }
      if (a.priority !== undefined) w.pushVlanPriority = checkInt(`${f}.priority`, a.priority, 0, 7);
      for (const [k, wk] of [['ethDst', 'pushEthDst'], ['ethSrc', 'pushEthSrc']] as const) {
        if (a[k] === undefined) continue;
        if (typeof a[k] !== 'string' || !parseMAC(a[k] as string)) throw new InvalidArgumentError(`${f}.${k}`, 'expected a MAC address');
        w[wk] = a[k];
      }
      return withTail(actVlanAttrs, w, extraOf(a));
    },
  },
  tunnel_key: {
    keys: keysOf('tunnelAction', 'src', 'dst', 'keyId', 'dstPort', 'tos', 'ttl', 'noCsum', 'noFrag'),
    fromWire(o, base) {
      const p = o.parms as Obj;
      const m: Obj = Object.assign({ kind: 'tunnel_key', tunnelAction: nameOf(TUNNEL_ACTIONS, p.tAction as number) }, base);
      const src = o.encIpv4Src ?? o.encIpv6Src;
      const dst = o.encIpv4Dst ?? o.encIpv6Dst;
      if (src !== undefined) m.src = src;
      if (dst !== undefined) m.dst = dst;
      if (o.encKeyId !== undefined) m.keyId = o.encKeyId;
      if (o.encDstPort !== undefined) m.dstPort = o.encDstPort;
      if (o.encTos !== undefined) m.tos = o.encTos;
      if (o.encTtl !== undefined) m.ttl = o.encTtl;
      if (o.noCsum !== undefined) m.noCsum = o.noCsum !== 0;
      if (o.noFrag === true) m.noFrag = true;
      return withExtra(m, leftoverAttributes(actTunnelKeyAttrs, o, new Set(['parms', 'tm', 'encIpv4Src', 'encIpv6Src', 'encIpv4Dst', 'encIpv6Dst', 'encKeyId', 'encDstPort', 'encTos', 'encTtl', 'noCsum', 'noFrag'])));
    },
    toWire(a, f) {
      // tc's order: the addresses, id, port, tos, ttl, nocsum, then the parameters.
      const w: Obj = {};
      for (const k of ['src', 'dst'] as const) {
        const v = a[k];
        if (v === undefined) continue;
        const b = typeof v === 'string' ? parseIP(v) : undefined;
        if (!b) throw new InvalidArgumentError(`${f}.${k}`, 'expected an IPv4 or IPv6 address');
        w[`enc${b.length === 4 ? 'Ipv4' : 'Ipv6'}${k === 'src' ? 'Src' : 'Dst'}`] = v;
      }
      if (a.keyId !== undefined) w.encKeyId = checkInt(`${f}.keyId`, a.keyId, 0, U32_MAX);
      if (a.dstPort !== undefined) w.encDstPort = checkInt(`${f}.dstPort`, a.dstPort, 0, 0xffff);
      if (a.tos !== undefined) w.encTos = checkInt(`${f}.tos`, a.tos, 0, 255);
      if (a.ttl !== undefined) w.encTtl = checkInt(`${f}.ttl`, a.ttl, 0, 255);
      if (a.noCsum !== undefined) w.noCsum = a.noCsum ? 1 : 0;
      if (a.noFrag) w.noFrag = true;
      w.parms = { ...tcGen(a, f, 3), tAction: numberOf(TUNNEL_ACTIONS, a.tunnelAction as string, `${f}.tunnelAction`) };
      return withTail(actTunnelKeyAttrs, w, extraOf(a));
    },
  },
  bpf: {
    keys: keysOf('fd', 'name', 'id', 'tag', 'ops'),
    fromWire(o, base) {
      const m: Obj = Object.assign({ kind: 'bpf' }, base);
      if (o.ops instanceof Uint8Array) m.ops = o.ops;
      if (o.fd !== undefined) m.fd = o.fd;
      if (o.name !== undefined) m.name = o.name;
      if (o.id !== undefined) m.id = o.id;
      if (o.tag instanceof Uint8Array) m.tag = Buffer.from(o.tag).toString('hex');
      return withExtra(m, leftoverAttributes(actBpfAttrs, o, new Set(['parms', 'tm', 'ops', 'opsLen', 'fd', 'name', 'id', 'tag'])));
    },
    toWire(a, f) {
      const w: Obj = {};
      if (a.ops !== undefined) {
        if (!(a.ops instanceof Uint8Array) || a.ops.length % 8 !== 0) throw new InvalidArgumentError(`${f}.ops`, 'expected a classic BPF program (8 bytes per instruction)');
        w.opsLen = a.ops.length / 8;
        w.ops = a.ops;
      }
      if (a.fd !== undefined) w.fd = checkInt(`${f}.fd`, a.fd, 0, 0x7fffffff);
      if (a.name !== undefined) w.name = String(a.name);
      w.parms = tcGen(a, f, 3);
      if (a.id !== undefined) w.id = checkInt(`${f}.id`, a.id, 0, U32_MAX);
      if (a.tag !== undefined) w.tag = Buffer.from(String(a.tag), 'hex');
      return withTail(actBpfAttrs, w, extraOf(a));
    },
  },
};

/** The keys an action of `kind` may have (a kind without a model: the common ones and `options`). */
export function actionKeys(kind: string): ReadonlySet<string> {
  return Object.hasOwn(KINDS, kind) ? KINDS[kind].keys : keysOf('options');
}

/** The TCA_ACT_OPTIONS payload of a kind without a model, as bytes. */
function rawActionOptions(kind: string, value: unknown): Uint8Array {
  const codec = actOptionsMsg as unknown as Codec<unknown>;
  return encodeWith({ kind: 'act-options', encode: (wr, v, ctx) => codec.encode(wr, v, ctx, { kind }), decode: () => undefined } as Codec<unknown>, value);
}

/** The model of a decoded action (struct of TCA_ACT_*). */
export function actionFromWire(a: Obj): TcAction {
  const kind = String(a.kind ?? '');
  const o = a.options as Obj | Uint8Array | undefined;
  const known = Object.hasOwn(KINDS, kind) && o !== undefined && !(o instanceof Uint8Array) ? KINDS[kind] : undefined;
  let out: Obj;
  if (known) {
    const opts = o as Obj;
    out = known.fromWire(opts, baseFromWire(a, (opts.parms ?? (opts.tbf as Obj | undefined)) as Obj | undefined, opts.tm as Obj | undefined));
  } else {
    out = baseFromWire(a, undefined, undefined);
    if (o !== undefined) out.options = o instanceof Uint8Array ? o : rawActionOptions(kind, o);
  }
  // Attributes of the action itself the model does not name (TCA_ACT_FLAGS, TCA_ACT_HW_STATS, ...).
  const rest: Obj = {};
  for (const [k, v] of Object.entries(a)) if (!ACT_LEVEL_USED.has(k) && v !== undefined) rest[k] = v;
  if (Object.keys(rest).length > 0) Object.defineProperty(out, ACT_EXTRA, { value: rest, enumerable: false, configurable: true });
  return out as unknown as TcAction;
}

/**
 * The wire value (TCA_ACT_*) of an action whose interface references are indexes.
 * @throws {@link InvalidArgumentError} for unknown keys and bad values, naming them under `field`.
 */
export function actionToWire(a: TcAction, field: string): Obj {
  checkObject(a, field, 'an action');
  if (typeof a.kind !== 'string' || a.kind === '') throw new InvalidArgumentError(`${field}.kind`, 'name the action kind (mirred, gact, police, ...)');
  checkKeys(a, actionKeys(a.kind), `${field}.`);
  const w: Obj = { kind: a.kind };
  const k = Object.hasOwn(KINDS, a.kind) ? KINDS[a.kind] : undefined;
  if (k) w.options = k.toWire(a as unknown as Obj, field);
  else {
    const raw = (a as { options?: unknown }).options;
    if (raw !== undefined && !(raw instanceof Uint8Array)) throw new InvalidArgumentError(`${field}.options`, `no options model for action kind ${JSON.stringify(a.kind)}; pass the TCA_ACT_OPTIONS payload as a Uint8Array`);
    if (raw !== undefined) w.options = raw;
    if (a.index !== undefined) w.index = checkInt(`${field}.index`, a.index, 0, U32_MAX);
  }
  if (a.cookie !== undefined) {
    if (typeof a.cookie !== 'string' || !/^([0-9a-f]{2}){1,16}$/i.test(a.cookie)) throw new InvalidArgumentError(`${field}.cookie`, 'expected 1 to 16 bytes as hexadecimal text');
    w.cookie = Buffer.from(a.cookie, 'hex');
  }
  const extra = (a as unknown as { [ACT_EXTRA]?: Obj })[ACT_EXTRA];
  if (extra) Object.assign(w, extra);
  return w;
}
