// Traffic-control objects in the shape `tc -j -s` prints them (iproute2 6.1): the same field
// names and values wherever tc prints the same thing (rates in bytes per second, bursts in bytes
// as tc recomputes them from the kernel's ticks, latencies in microseconds).

import { burstTicks, kernelTicks, TICKS_PER_USEC } from '../rtnl/tc/common/units.js';
import { matchesToKeys } from '../rtnl/tc/filter/u32.js';
import type { Filter, HtbClassOptions, Qdisc, TcAction, TcStatistics, TrafficClass, U32Options } from '../index.js';
import type { IpJsonObject } from './ipjson.js';

/** Bytes per second of a model rate in bits per second. */
const bps = (bits: number): number => Math.floor(bits / 8);

/** tc_calc_xmitsize of iproute2 6.1: whole microseconds of the ticks, then whole bytes. */
function tcXmitSize(rateBytes: number, ticks: number): number {
  return Math.trunc((rateBytes * Math.trunc(ticks / TICKS_PER_USEC)) / 1e6);
}

/** The statistics fields tc appends to a qdisc or class with `-s`. */
export function statsToTcJson(s: TcStatistics | undefined): IpJsonObject {
  if (!s) return {};
  return { bytes: s.bytes, packets: s.packets, drops: s.drops, overlimits: s.overlimits, requeues: s.requeues, backlog: s.backlog, qlen: s.qlen };
}

/** A qdisc's options as tc prints them. */
export function qdiscOptionsToTcJson(q: Qdisc): IpJsonObject {
  const o = q.options as Record<string, unknown> | Uint8Array | undefined;
  if (o === undefined || o instanceof Uint8Array) return {};
  switch (q.kind) {
    case 'tbf': {
      const rate = bps(o.rate as number);
      const settings = { overhead: o.overhead as number | undefined, mpu: o.mpu as number | undefined, linklayer: o.linklayer as 'atm' | undefined };
      const ticks = kernelTicks(rate, o.burst as number, settings);
      const out: IpJsonObject = { rate, burst: tcXmitSize(rate, ticks) };
      let latency = 1e6 * ((o.limit as number) / rate) - Math.trunc(ticks / TICKS_PER_USEC);
      const peak = o.peakrate === undefined ? 0 : bps(o.peakrate as number);
      if (peak) {
        const mticks = kernelTicks(peak, o.mtu as number, settings);
        out.minburst = tcXmitSize(peak, mticks);
        const lat2 = 1e6 * ((o.limit as number) / peak) - Math.trunc(mticks / TICKS_PER_USEC);
        if (lat2 > latency) latency = lat2;
      }
      if (latency >= 0) out.lat = Math.trunc(latency);
      else out.limit = o.limit as number;
      if (o.overhead) out.overhead = o.overhead as number;
      if (o.linklayer === 'atm') out.linklayer = 'atm';
      return out;
    }
    case 'htb': {
      const out: IpJsonObject = { r2q: o.r2q as number, default: `0x${(o.defaultClass as number).toString(16)}`, direct_packets_stat: (o.directPackets as number) ?? 0 };
      if (o.directQlen !== undefined) out.direct_qlen = o.directQlen as number;
      if (o.offload) out.offload = null;
      return out;
    }
    case 'pfifo':
    case 'bfifo':
    case 'pfifo_head_drop':
      return { limit: o.limit as number };
    case 'pfifo_fast':
    case 'prio':
      return { bands: o.bands as number, priomap: o.priomap as number[], multiqueue: false };
    default:
      return {};
  }
}

/**
 * A qdisc as `tc -j [-s] qdisc show` prints it; `dev` is the interface's name (tc leaves it out
 * when the command names the device: pass undefined then).
 */
export function qdiscToTcJson(q: Qdisc, dev: string | undefined, stats = true): IpJsonObject {
  const out: IpJsonObject = { kind: q.kind, handle: q.handle };
  if (dev !== undefined) out.dev = dev;
  if (q.parent === 'root') out.root = true;
  else out.parent = q.parent;
  if (q.refcount !== undefined && q.refcount !== 1) out.refcnt = q.refcount;
  out.options = qdiscOptionsToTcJson(q);
  return stats ? { ...out, ...statsToTcJson(q.stats) } : out;
}

// ---------------------------------------------------------------------------------------------
// Classes. tc 6.1 prints classes as text only (its JSON output for classes came with iproute2
// 6.2): the JSON below has the field names of newer tc, and the text is tc 6.1's.

/** A rate as tc prints it (print_color_rate): bits per second in units of 1000 while exact below 1000 of a unit. */
export function tcRateText(rateBytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let rate = BigInt(Math.floor(rateBytes)) * 8n;
  let i = 0;
  for (; i < units.length - 1; i++) {
    if (rate < 1000n) break;
    if (rate % 1000n !== 0n && rate < 1000n * 1000n) break;
    rate /= 1000n;
  }
  return `${rate}${units[i]}bit`;
}

/** A size as tc prints it (sprint_size). */
export function tcSizeText(bytes: number): string {
  const sz = Math.floor(bytes) >>> 0;
  const kilo = 1024;
  const mega = kilo * kilo;
  // rint: round half to even.
  const rint = (x: number): number => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  if (sz >= mega && Math.abs(mega * rint(sz / mega) - sz) < 1024) return `${rint(sz / mega)}Mb`;
  if (sz >= kilo && Math.abs(kilo * rint(sz / kilo) - sz) < 16) return `${rint(sz / kilo)}Kb`;
  return `${sz}b`;
}

/** What tc prints for a burst kept as ticks: tc_calc_xmitsize of the ticks our burst gives. */
function htbBurst(rateBytes: number, burst: number): number {
  return tcXmitSize(rateBytes, burstTicks(rateBytes, burst)) >>> 0;
}

/** The htb class options tc prints, in its order; `details` as `tc -d`. */
function htbClassFields(o: HtbClassOptions, details: boolean): [key: string, value: number | string, text: string][] {
  const rate = bps(o.rate);
  const ceil = bps(o.ceil);
  const out: [string, number | string, string][] = [];
  if (!o.level) {
    out.push(['prio', o.prio, `prio ${o.prio}`]);
    if (details) out.push(['quantum', o.quantum, `quantum ${o.quantum}`]);
  }
  out.push(['rate', rate, `rate ${tcRateText(rate)}`]);
  if (o.overhead) out.push(['overhead', o.overhead, `overhead ${o.overhead}`]);
  out.push(['ceil', ceil, `ceil ${tcRateText(ceil)}`]);
  if (o.linklayer === 'atm' || details) out.push(['linklayer', o.linklayer ?? 'ethernet', `linklayer ${o.linklayer ?? 'ethernet'}`]);
  const burst = htbBurst(rate, o.burst);
  const cburst = htbBurst(ceil, o.cburst);
  if (details) {
    // The kernel does not keep the cell logs: it lists 0 (cell size 1).
    out.push(['burst', burst, `burst ${tcSizeText(burst)}/1`], ['mpu_rate', o.mpu ?? 0, `mpu ${tcSizeText(o.mpu ?? 0)}`]);
    out.push(['cburst', cburst, `cburst ${tcSizeText(cburst)}/1`], ['mpu_ceil', o.mpu ?? 0, `mpu ${tcSizeText(o.mpu ?? 0)}`]);
    out.push(['level', o.level ?? 0, `level ${o.level ?? 0}`]);
  } else {
    out.push(['burst', burst, `burst ${tcSizeText(burst)}`], ['cburst', cburst, `cburst ${tcSizeText(cburst)}`]);
  }
  return out;
}

const isHtb = (c: TrafficClass): c is TrafficClass & { options: HtbClassOptions } => c.kind === 'htb' && c.options !== undefined && !(c.options instanceof Uint8Array);

/**
 * A class as newer tc (iproute2 6.2 and later) prints it with `-j [-s] class show`; `dev` is the
 * interface's name (tc leaves it out when the command names the device: pass undefined then).
 */
export function classToTcJson(c: TrafficClass, dev: string | undefined, stats = true, details = false): IpJsonObject {
  const out: IpJsonObject = { class: c.kind, handle: c.handle };
  if (dev !== undefined) out.dev = dev;
  if (c.parent === 'root') out.root = true;
  else out.parent = c.parent;
  if (c.leaf !== undefined) out.leaf = `0x${c.leaf.slice(0, -1)}`;
  if (isHtb(c)) for (const [k, v] of htbClassFields(c.options, details)) out[k] = v;
  if (stats && c.stats) {
    const st: IpJsonObject = statsToTcJson(c.stats);
    const x = c.xstats;
    if (c.kind === 'htb' && x !== undefined && !(x instanceof Uint8Array)) {
      Object.assign(st, { lended: x.lends, borrowed: x.borrows, giants: x.giants, tokens: x.tokens, ctokens: x.ctokens });
    }
    out.stats = st;
  }
  return out;
}

/** The statistics lines tc 6.1 prints under a qdisc or class with `-s` (print_tcstats2_attr), each with its prefix. */
function statsText(s: TcStatistics, prefix: string): string {
  let t = `${prefix}Sent ${s.bytes} bytes ${s.packets} pkt (dropped ${s.drops}, overlimits ${s.overlimits} requeues ${s.requeues}) `;
  if (s.rate !== undefined) t += `\n${prefix}rate ${tcRateText(s.rate / 8)} ${s.packetRate ?? 0}pps`;
  else t += '\n';
  t += `${prefix}backlog ${tcSizeText(s.backlog)} ${s.qlen}p requeues ${s.requeues}`;
  return t;
}

/**
 * A class as tc 6.1 prints it with `[-s] [-d] class show`, newline included; `dev` as for
 * {@link classToTcJson}.
 */
export function classToTcText(c: TrafficClass, dev: string | undefined, stats = true, details = false): string {
  let t = `class ${c.kind} ${c.handle} `;
  if (dev !== undefined) t += `dev ${dev} `;
  t += c.parent === 'root' ? 'root ' : `parent ${c.parent} `;
  if (c.leaf !== undefined) t += `leaf ${c.leaf} `;
  if (isHtb(c)) t += htbClassFields(c.options, details).map(([, , text]) => `${text} `).join('');
  t += '\n';
  if (stats && c.stats) {
    t += `${statsText(c.stats, ' ')}\n`;
    const x = c.xstats;
    if (c.kind === 'htb' && x !== undefined && !(x instanceof Uint8Array)) {
      t += ` lended: ${x.lends} borrowed: ${x.borrows} giants: ${x.giants}\n tokens: ${x.tokens} ctokens: ${x.ctokens}\n\n`;
    }
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Filters and actions, as tc 6.1 prints them with -j (tc_filter.c print_filter, f_u32.c, m_*.c).

/** The parts of a u32 handle: hash table id, bucket, node id. */
function u32Parts(handle: string): { htid: number; hash: number; node: number } {
  const [a = '', b = '', c = ''] = handle.split(':');
  return { htid: a === '' ? 0 : parseInt(a, 16), hash: b === '' ? 0 : parseInt(b, 16), node: c === '' ? 0 : parseInt(c, 16) };
}

/** The keys of a u32 filter's matches as the kernel holds them (tc prints keys, not matches). */
function u32KeysText(o: U32Options): { value: string; mask: string; offmask: string; off: number }[] {
  return matchesToKeys(o.matches ?? [], 'matches').map((x) => ({ value: x.val.toString(16), mask: x.mask.toString(16), offmask: x.offmask ? (x.offmask >>> 0).toString(16) : '', off: x.off }));
}

/** The names tc prints for a control action (action_n2a) in `control_action`. */
function controlJson(c: string | number | undefined): IpJsonObject {
  if (typeof c === 'string') {
    const m = /^(goto chain|jump) (\d+)$/.exec(c);
    if (m) return m[1] === 'jump' ? { type: 'jump', jump: Number(m[2]) } : { type: 'goto', chain: Number(m[2]) };
    return { type: c };
  }
  return { type: String(c) };
}

/** An action as tc prints it inside a filter (`order` is its place, from 1). */
export function actionToTcJson(a: TcAction, order: number, devName: (index: number) => string | undefined): IpJsonObject {
  const out: IpJsonObject = { order, kind: a.kind };
  if (a.kind === 'mirred' && 'direction' in a) {
    out.mirred_action = a.action;
    out.direction = a.direction;
    out.to_dev = devName(a.link) ?? String(a.link);
    out.control_action = controlJson(a.control);
  } else if (a.kind === 'gact' && 'control' in a) {
    out.control_action = controlJson(a.control);
  }
  if (a.index !== undefined) out.index = a.index;
  if (a.refcount !== undefined) out.ref = a.refcount;
  if (a.bindcount !== undefined) out.bind = a.bindcount;
  if (a.installed !== undefined) out.installed = Math.floor(a.installed);
  if (a.lastUsed !== undefined) out.last_used = Math.floor(a.lastUsed);
  if (a.firstUsed) out.first_used = Math.floor(a.firstUsed);
  if (a.stats) out.stats = statsToTcJson(a.stats);
  return out;
}

/**
 * What the command named (`tc filter show dev X parent P prio N protocol P chain N`): tc leaves
 * those fields out of each filter it prints.
 */
export interface FilterShown {
  /** The device's name. */
  dev?: string;
  /** The parent, as the model writes it (`'1:'`, `'ffff:fff2'`). */
  parent?: string;
  /** The priority. */
  priority?: number;
  /** The protocol, as the model writes it. */
  protocol?: string | number;
  /** The chain. */
  chain?: number;
}

/**
 * A filter as `tc -j [-s] filter show dev X parent P` prints it (tc leaves out the device and the
 * parent the command names: pass them as `shown`). tc 6.1 prints one `match` field per key of a
 * u32 selector under the same name, so a JSON parser keeps the last: so does this.
 */
export function filterToTcJson(f: Filter, shown: FilterShown, devName: (index: number) => string | undefined): IpJsonObject {
  const out: IpJsonObject = {};
  if (shown.dev === undefined) out.dev = devName(f.link) ?? String(f.link);
  if (shown.parent === undefined || shown.parent !== f.parent) {
    if (f.parent === 'root') out.root = true;
    else if (f.parent === 'ffff:fff2') out.ingress = true;
    else if (f.parent === 'ffff:fff3') out.egress = true;
    else out.parent = f.parent;
  }
  if (shown.protocol === undefined || shown.protocol !== f.protocol) out.protocol = typeof f.protocol === 'number' ? `[${f.protocol}]` : f.protocol;
  if (f.priority && shown.priority !== f.priority) out.pref = f.priority;
  out.kind = f.kind;
  if (shown.chain === undefined || shown.chain !== f.chain) out.chain = f.chain;
  const o = f.options;
  if (o !== undefined && !(o instanceof Uint8Array) && f.kind === 'u32') {
    const u = o as U32Options;
    const opts: IpJsonObject = {};
    if (f.handle !== undefined) opts.fh = f.handle;
    const parts = u32Parts(f.handle ?? '');
    if (parts.node) opts.order = parts.node;
    if (u.divisor !== undefined) opts.ht_divisor = u.divisor;
    else if (u.hashTable !== undefined) {
      const ht = u32Parts(u.hashTable);
      opts.key_ht = ht.htid.toString(16);
      opts.bkt = ht.hash.toString(16);
    }
    if (u.classid !== undefined) opts.flowid = u.classid;
    if (u.link !== undefined) opts.link = u.link;
    if (u.flags?.includes('skip_hw')) opts.skip_hw = true;
    if (u.flags?.includes('skip_sw')) opts.skip_sw = true;
    if (u.inHw === true) opts.in_hw = true;
    else if (u.inHw === false) opts.not_in_hw = true;
    if (u.mark) Object.assign(opts, { fwmark_value: `0x${u.mark.value.toString(16)}`, fwmark_mask: `0x${u.mark.mask.toString(16)}`, fwmark_success: 0 });
    const keys = u32KeysText(u);
    if (keys.length > 0) opts.match = keys[keys.length - 1];
    if (u.indev !== undefined) opts.input_dev = u.indev;
    if (u.actions) opts.actions = u.actions.map((a, i) => actionToTcJson(a, i + 1, devName));
    out.options = opts;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text, as tc 6.1 prints it (tc_qdisc.c print_qdisc, q_*.c, tc_filter.c print_filter, f_u32.c,
// m_mirred.c, m_gact.c, tc_util.c print_tm and print_tcstats2_attr).

/** A qdisc's options as tc prints them after its parent (trailing spaces as tc's). */
function qdiscOptionsText(q: Qdisc): string {
  const o = q.options as Record<string, unknown> | Uint8Array | undefined;
  if (q.kind === 'ingress') return '---------------- ';
  if (o === undefined || o instanceof Uint8Array) return '';
  const j = qdiscOptionsToTcJson(q);
  switch (q.kind) {
    case 'tbf': {
      let t = `rate ${tcRateText(j.rate as number)} burst ${tcSizeText(j.burst as number)} `;
      if (j.minburst !== undefined) t += `peakrate ${tcRateText(bps(o.peakrate as number))} minburst ${tcSizeText(j.minburst as number)} `;
      t += j.lat !== undefined ? `lat ${tcTimeText(j.lat as number)} ` : `limit ${tcSizeText(j.limit as number)} `;
      if (j.overhead !== undefined) t += `overhead ${String(j.overhead)} `;
      if (j.linklayer !== undefined) t += `linklayer ${String(j.linklayer)} `;
      return t;
    }
    case 'htb': {
      let t = `r2q ${String(j.r2q)} default ${String(j.default)} direct_packets_stat ${String(j.direct_packets_stat)}`;
      if (j.direct_qlen !== undefined) t += ` direct_qlen ${String(j.direct_qlen)}`;
      if (j.offload !== undefined) t += ' offload';
      return t;
    }
    case 'pfifo':
    case 'pfifo_head_drop':
      return `limit ${String(j.limit)}p`;
    case 'bfifo':
      return `limit ${tcSizeText(j.limit as number)}`;
    case 'pfifo_fast':
    case 'prio':
      return `bands ${String(j.bands)} priomap ${(j.priomap as number[]).join(' ')}`;
    default:
      return '';
  }
}

/** A time in microseconds as tc prints it (print_time: %.3g of seconds or milliseconds, else whole microseconds). */
export function tcTimeText(us: number): string {
  const g = (x: number): string => String(Number(x.toPrecision(3)));
  if (us >= 1e6) return `${g(us / 1e6)}s`;
  if (us >= 1e3) return `${g(us / 1e3)}ms`;
  return `${Math.trunc(us)}us`;
}

/** A qdisc as tc 6.1 prints it with `[-s] qdisc show`, newline included; `dev` as for {@link qdiscToTcJson}. */
export function qdiscToTcText(q: Qdisc, dev: string | undefined, stats = true): string {
  let t = `qdisc ${q.kind} ${q.handle} `;
  if (dev !== undefined) t += `dev ${dev} `;
  t += q.parent === 'root' ? 'root ' : `parent ${q.parent} `;
  if (q.refcount !== undefined && q.refcount !== 1) t += `refcnt ${q.refcount} `;
  t += `${qdiscOptionsText(q)}\n`;
  if (stats && q.stats) t += `${statsText(q.stats, ' ')}\n`;
  return t;
}

/** What tc prints for an action's control (action_n2a). */
function controlText(c: string | number | undefined): string {
  return c === undefined ? 'pipe' : String(c);
}

/** An action as tc prints it inside a filter, each line with a tab in front. */
function actionText(a: TcAction, order: number, devName: (index: number) => string | undefined, stats: boolean): string {
  let t = `\taction order ${order}: `;
  if (a.kind === 'mirred' && 'direction' in a) {
    const dir = a.direction === 'egress' ? 'Egress' : 'Ingress';
    const act = a.action === 'redirect' ? 'Redirect' : 'Mirror';
    t += `mirred (${dir} ${act} to device ${devName(a.link) ?? String(a.link)}) ${controlText(a.control)}`;
  } else if (a.kind === 'gact' && 'control' in a) {
    t += `gact action ${controlText(a.control)}`;
  } else {
    t += a.kind;
  }
  t += `\n\tindex ${a.index ?? 0} ref ${a.refcount ?? 0} bind ${a.bindcount ?? 0}`;
  if (stats) {
    if (a.installed !== undefined) t += ` installed ${Math.floor(a.installed)} sec`;
    if (a.lastUsed !== undefined) t += ` used ${Math.floor(a.lastUsed)} sec`;
    if (a.firstUsed) t += ` firstused ${Math.floor(a.firstUsed)} sec`;
    t += '\n';
    if (a.stats) t += `\tAction statistics:\n${statsText(a.stats, '\t')}\n`;
  } else {
    t += '\n';
  }
  return `${t}\n`;
}

/**
 * A filter as tc 6.1 prints it with `[-s] filter show dev X [parent P]`, newline included (tc
 * leaves out what the command named: pass it as `shown`).
 */
export function filterToTcText(f: Filter, shown: FilterShown, devName: (index: number) => string | undefined, stats = false): string {
  const j = filterToTcJson(f, shown, devName);
  let t = 'filter ';
  if (j.dev !== undefined) t += `dev ${String(j.dev)} `;
  if (j.root) t += 'root ';
  else if (j.ingress) t += 'ingress ';
  else if (j.egress) t += 'egress ';
  else if (j.parent !== undefined) t += `parent ${String(j.parent)} `;
  if (j.protocol !== undefined) t += `protocol ${String(j.protocol)} `;
  if (j.pref !== undefined) t += `pref ${String(j.pref)} `;
  t += `${f.kind} `;
  if (j.chain !== undefined) t += `chain ${String(j.chain)} `;
  const o = f.options;
  if (f.kind !== 'u32' || o === undefined || o instanceof Uint8Array) return `${t}\n`;
  const u = o as U32Options;
  const oj = (j.options ?? {}) as IpJsonObject;
  if (oj.fh !== undefined) t += `fh ${String(oj.fh)} `;
  if (oj.order !== undefined) t += `order ${String(oj.order)} `;
  if (oj.ht_divisor !== undefined) t += `ht divisor ${String(oj.ht_divisor)} `;
  else if (oj.key_ht !== undefined) t += `key ht ${String(oj.key_ht)} bkt ${String(oj.bkt)} `;
  const terminal = u.terminal === true;
  // tc marks a terminal match with a star before the class (f_u32.c).
  if (u.classid !== undefined) t += `${terminal ? '*' : ''}flowid ${u.classid} `;
  else if (terminal) t += 'terminal flowid ';
  if (u.link !== undefined) t += `link ${u.link} `;
  if (oj.skip_hw) t += 'skip_hw ';
  if (oj.skip_sw) t += 'skip_sw ';
  if (oj.in_hw) t += 'in_hw ';
  else if (oj.not_in_hw) t += 'not_in_hw ';
  t += '\n';
  if (u.divisor === undefined || u.matches?.length) {
    for (const k of u32KeysText(u)) t += `  match ${k.value.padStart(8, '0')}/${k.mask.padStart(8, '0')} at ${k.offmask ? `nexthdr+` : ''}${k.off}\n`;
  }
  if (u.mark) t += `  mark 0x${u.mark.value.toString(16).padStart(4, '0')} 0x${u.mark.mask.toString(16).padStart(4, '0')} (success 0)\n`;
  if (u.indev !== undefined) t += `  input dev ${u.indev}\n`;
  if (u.actions) t += u.actions.map((a, i) => actionText(a, i + 1, devName, stats)).join('');
  return t;
}
