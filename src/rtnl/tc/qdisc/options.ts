// The one place where qdisc option encodings are undone: rates in bytes per second (and their
// 32-bit caps with 64-bit companions), bursts kept as scheduler ticks, times in microseconds,
// ticks or nanoseconds, probabilities as fractions of 2^32-1, and the rate tables tc computes.

import { InvalidArgumentError } from '../../../netlink/errors.js';
import { checkObject, checkKeys } from '../../common/model.js';
import { cakeAttrs, fqAttrs, fqCodelAttrs, htbAttrs, netemAttrs, redAttrs, tbfAttrs, tcNetemQopt } from '../../generated/tc.js';
import { headerAndAttrs } from '../../schemas/codecs.js';
import { extraOf, leftoverAttributes, withExtra, withTail } from '../common/extra.js';
import { burstTicks, kernelTicks, parseRate, rateTable, smallestBytes, TICKS_PER_USEC, type LinkLayer } from '../common/units.js';
import type {
  CakeOptions,
  FifoOptions,
  FqCodelOptions,
  FqOptions,
  HtbQdiscOptions,
  NetemOptions,
  PrioOptions,
  RedOptions,
  SfqOptions,
  TbfOptions,
} from './model.js';

type Obj = Record<string, unknown>;

const U32_MAX = 0xffffffff;
const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : 0);

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** TC_LINKLAYER_* of a ratespec's low 4 bits. */
export function linklayerFromWire(v: number): LinkLayer | undefined {
  return (v & 0x0f) === 2 ? 'atm' : undefined;
}

/** The rate in bytes per second of a 32-bit ratespec rate and its 64-bit companion. */
export function wireRate(rate32: number, rate64: bigint | undefined): number {
  return rate64 !== undefined ? Number(rate64) : rate32;
}

/** Bytes per second from bits per second, as tc rounds (down). */
export function bytesPerSecond(bits: number): number {
  return Math.floor(bits / 8);
}

/** A struct tc_ratespec for `rateBytes` as tc fills it, with its rate table. */
export function ratespec(rateBytes: number, mtu: number, settings: { overhead?: number; mpu?: number; linklayer?: LinkLayer }) {
  const rate32 = rateBytes >= 2 ** 32 ? U32_MAX : rateBytes;
  const linklayer = settings.linklayer ?? 'ethernet';
  const { table, cellLog } = rateTable(rate32, mtu, settings.mpu ?? 0, linklayer);
  return {
    spec: { cellLog, linklayer: linklayer === 'atm' ? 2 : 1, overhead: settings.overhead ?? 0, cellAlign: -1, mpu: settings.mpu ?? 0, rate: rate32 },
    table,
    rate64: rateBytes >= 2 ** 32 ? BigInt(rateBytes) : undefined,
  };
}

function checkNumber(field: string, v: unknown, min: number, max: number, integer = true): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new InvalidArgumentError(field, `${String(v)} is not ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return v;
}


const percentFromWire = (v: number): number => Math.round(((v / U32_MAX) * 100) * 1e7) / 1e7;
const percentToWire = (field: string, p: number): number => Math.round((checkNumber(field, p, 0, 100, false) / 100) * U32_MAX);
const usToSeconds = (v: number): number => v / 1e6;
const secondsToUs = (field: string, s: number): number => Math.round(checkNumber(field, s, 0, U32_MAX / 1e6, false) * 1e6);

// ---------------------------------------------------------------------------------------------
// Per kind

/** A kind's option mapping: model options from the wire value, and back. */
export interface OptionsMapping<M> {
  /** Keys the model options may have (checked on input). */
  readonly keys: ReadonlySet<string>;
  fromWire(wire: unknown): M;
  toWire(model: Partial<M>, field: string): unknown;
}

const HTB_KEYS = new Set(['defaultClass', 'r2q', 'directQlen', 'directPackets', 'debug', 'offload']);
const htb: OptionsMapping<HtbQdiscOptions> = {
  keys: HTB_KEYS,
  fromWire(w) {
    const o = w as Obj & { init?: { version: number; rate2quantum: number; defcls: number; debug: number; directPkts: number } };
    const init = o.init ?? { version: 0, rate2quantum: 0, defcls: 0, debug: 0, directPkts: 0 };
    const m: HtbQdiscOptions = { defaultClass: init.defcls, r2q: init.rate2quantum, directPackets: init.directPkts };
    if (init.debug !== 0) m.debug = init.debug;
    if (o.directQlen !== undefined) m.directQlen = o.directQlen as number;
    if (o.offload === true) m.offload = true;
    return withExtra(m, leftoverAttributes(htbAttrs, o, new Set(['init', 'directQlen', 'offload'])));
  },
  toWire(m, f) {
    const init = {
      // The kernel refuses any other version (it reports its own, 3.17, which the model leaves out).
      version: 3,
      rate2quantum: checkNumber(`${f}.r2q`, m.r2q ?? 10, 0, U32_MAX),
      defcls: checkNumber(`${f}.defaultClass`, m.defaultClass ?? 0, 0, U32_MAX),
      debug: checkNumber(`${f}.debug`, m.debug ?? 0, 0, U32_MAX),
      directPkts: checkNumber(`${f}.directPackets`, m.directPackets ?? 0, 0, U32_MAX),
    };
    const w: Obj = { init };
    if (m.directQlen !== undefined) w.directQlen = checkNumber(`${f}.directQlen`, m.directQlen, 0, U32_MAX);
    if (m.offload) w.offload = true;
    return withTail(htbAttrs, w, extraOf(m));
  },
};

const TBF_KEYS = new Set(['rate', 'burst', 'limit', 'latency', 'peakrate', 'mtu', 'overhead', 'mpu', 'linklayer']);
const tbf: OptionsMapping<TbfOptions> = {
  keys: TBF_KEYS,
  fromWire(w) {
    const o = w as Obj & { parms?: { rate: { rate: number; overhead: number; mpu: number; linklayer: number }; peakrate: { rate: number }; limit: number; buffer: number; mtu: number }; rate64?: bigint; prate64?: bigint };
    const p = o.parms ?? { rate: { rate: 0, overhead: 0, mpu: 0, linklayer: 0 }, peakrate: { rate: 0 }, limit: 0, buffer: 0, mtu: 0 };
    const rate = wireRate(p.rate.rate, o.rate64);
    const ll = linklayerFromWire(p.rate.linklayer);
    const settings = { overhead: p.rate.overhead, mpu: p.rate.mpu, linklayer: ll };
    // tc sends the burst in bytes too (TCA_TBF_BURST), from which the kernel computes the ticks it
    // keeps: the listed burst is the smallest byte count giving those ticks.
    const m: TbfOptions = { rate: rate * 8, burst: smallestBytes(p.buffer, (b) => kernelTicks(rate, b, settings)), limit: p.limit };
    const peak = wireRate(p.peakrate.rate, o.prate64);
    if (peak !== 0) {
      m.peakrate = peak * 8;
      m.mtu = smallestBytes(p.mtu, (b) => kernelTicks(peak, b, settings));
    }
    if (p.rate.overhead !== 0) m.overhead = p.rate.overhead;
    if (p.rate.mpu !== 0) m.mpu = p.rate.mpu;
    if (ll) m.linklayer = ll;
    return withExtra(m, leftoverAttributes(tbfAttrs, o, new Set(['parms', 'rate64', 'prate64', 'rtab', 'ptab', 'burst', 'pburst'])));
  },
  toWire(m, f) {
    if (m.rate === undefined) throw new InvalidArgumentError(`${f}.rate`, 'tbf needs a rate');
    if (m.burst === undefined) throw new InvalidArgumentError(`${f}.burst`, 'tbf needs a burst (bytes)');
    const rateBytes = bytesPerSecond(parseRate(m.rate, `${f}.rate`));
    if (rateBytes === 0) throw new InvalidArgumentError(`${f}.rate`, 'the rate must be at least 8 bits per second');
    const burst = checkNumber(`${f}.burst`, m.burst, 1, U32_MAX);
    const peakBytes = m.peakrate === undefined || m.peakrate === 0 ? 0 : bytesPerSecond(parseRate(m.peakrate, `${f}.peakrate`));
    if (peakBytes !== 0 && m.mtu === undefined) throw new InvalidArgumentError(`${f}.mtu`, 'a peakrate needs an mtu (the peak bucket, bytes)');
    const mtu = m.mtu === undefined ? 0 : checkNumber(`${f}.mtu`, m.mtu, 0, U32_MAX);
    let limit = m.limit;
    if (limit === undefined) {
      if (m.latency === undefined) throw new InvalidArgumentError(`${f}.limit`, 'tbf needs a limit (bytes) or a latency (seconds)');
      limit = tbfLimitForLatency(rateBytes * 8, burst, m.latency, peakBytes * 8, mtu);
    } else if (m.latency !== undefined) {
      throw new InvalidArgumentError(`${f}.latency`, 'give a limit or a latency, not both');
    }
    checkNumber(`${f}.limit`, limit, 0, U32_MAX);
    const settings = { overhead: m.overhead, mpu: m.mpu, linklayer: m.linklayer };
    checkNumber(`${f}.overhead`, m.overhead ?? 0, 0, 0xffff);
    checkNumber(`${f}.mpu`, m.mpu ?? 0, 0, 0xffff);
    if (m.linklayer !== undefined && m.linklayer !== 'ethernet' && m.linklayer !== 'atm') throw new InvalidArgumentError(`${f}.linklayer`, `expected ethernet or atm, got ${JSON.stringify(m.linklayer)}`);
    const r = ratespec(rateBytes, mtu, settings);
    const pk = peakBytes !== 0 ? ratespec(peakBytes, mtu, settings) : undefined;
    const w: Obj = {
      parms: {
        rate: r.spec,
        peakrate: pk?.spec ?? { cellLog: 0, linklayer: 0, overhead: 0, cellAlign: 0, mpu: 0, rate: 0 },
        limit,
        buffer: burstTicks(r.spec.rate, burst),
        mtu: pk ? burstTicks(pk.spec.rate, mtu) : 0,
      },
    };
    w.burst = burst;
    if (r.rate64 !== undefined) w.rate64 = r.rate64;
    w.rtab = r.table;
    if (pk) {
      if (pk.rate64 !== undefined) w.prate64 = pk.rate64;
      w.pburst = mtu;
      w.ptab = pk.table;
    }
    return withTail(tbfAttrs, w, extraOf(m));
  },
};

/**
 * The queue limit in bytes for a tbf whose packets may wait `latency` seconds, as tc computes it
 * from `latency` (rates in bits per second, sizes in bytes).
 */
export function tbfLimitForLatency(rate: number, burst: number, latency: number, peakrate = 0, mtu = 0): number {
  const us = Math.round(latency * 1e6);
  let lim = (Math.floor(rate / 8) * us) / 1e6 + burst;
  if (peakrate > 0) {
    const lim2 = (Math.floor(peakrate / 8) * us) / 1e6 + mtu;
    if (lim2 < lim) lim = lim2;
  }
  return Math.min(Math.floor(lim), U32_MAX);
}

const FIFO_KEYS = new Set(['limit']);
const fifo: OptionsMapping<FifoOptions> = {
  keys: FIFO_KEYS,
  fromWire: (w) => ({ limit: (w as { limit: number }).limit }),
  toWire: (m, f) => (m.limit === undefined ? undefined : { limit: checkNumber(`${f}.limit`, m.limit, 0, U32_MAX) }),
};

const PRIO_KEYS = new Set(['bands', 'priomap']);
const prio: OptionsMapping<PrioOptions> = {
  keys: PRIO_KEYS,
  fromWire: (w) => {
    const o = w as { bands: number; priomap: Uint8Array };
    return { bands: o.bands, priomap: [...o.priomap] };
  },
  toWire(m, f) {
    const priomap = m.priomap ?? [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
    if (!Array.isArray(priomap) || priomap.length > 16) throw new InvalidArgumentError(`${f}.priomap`, 'expected at most 16 band numbers');
    priomap.forEach((b, i) => checkNumber(`${f}.priomap.${i}`, b, 0, 15));
    return { bands: checkNumber(`${f}.bands`, m.bands ?? 3, 2, 16), priomap: Uint8Array.from(priomap) };
  },
};

/** TCA_OPTIONS of netem: struct tc_netem_qopt followed by attributes. */
const netemCodec = headerAndAttrs(tcNetemQopt, netemAttrs);

const NETEM_KEYS = new Set(['limit', 'latency', 'jitter', 'loss', 'gap', 'duplicate', 'correlation', 'reorder', 'corrupt', 'rate', 'ecn', 'delayDistribution', 'seed']);
const NETEM_USED = new Set(['latency', 'limit', 'loss', 'gap', 'duplicate', 'jitter', 'corr', 'delayDist', 'reorder', 'corrupt', 'rate', 'ecn', 'rate64', 'latency64', 'jitter64', 'prngSeed']);
const netem: OptionsMapping<NetemOptions> = {
  keys: NETEM_KEYS,
  fromWire(w) {
    const o = w as Obj & {
      latency: number; limit: number; loss: number; gap: number; duplicate: number; jitter: number;
      corr?: { delayCorr: number; lossCorr: number; dupCorr: number }; reorder?: { probability: number; correlation: number };
      corrupt?: { probability: number; correlation: number }; rate?: { rate: number; packetOverhead: number; cellSize: number; cellOverhead: number };
      rate64?: bigint; latency64?: bigint; jitter64?: bigint; ecn?: number; delayDist?: number[]; prngSeed?: bigint;
    };
    const m: NetemOptions = { limit: o.limit };
    const lat = o.latency64 !== undefined ? Number(o.latency64) / 1e9 : o.latency / TICKS_PER_USEC / 1e6;
    const jit = o.jitter64 !== undefined ? Number(o.jitter64) / 1e9 : o.jitter / TICKS_PER_USEC / 1e6;
    if (lat !== 0) m.latency = lat;
    if (jit !== 0) m.jitter = jit;
    if (o.loss !== 0) m.loss = percentFromWire(o.loss);
    if (o.gap !== 0) m.gap = o.gap;
    if (o.duplicate !== 0) m.duplicate = percentFromWire(o.duplicate);
    if (o.corr) m.correlation = { delay: percentFromWire(o.corr.delayCorr), loss: percentFromWire(o.corr.lossCorr), duplicate: percentFromWire(o.corr.dupCorr) };
    if (o.reorder) m.reorder = { probability: percentFromWire(o.reorder.probability), correlation: percentFromWire(o.reorder.correlation) };
    if (o.corrupt) m.corrupt = { probability: percentFromWire(o.corrupt.probability), correlation: percentFromWire(o.corrupt.correlation) };
    if (o.rate) m.rate = { rate: wireRate(o.rate.rate, o.rate64) * 8, packetOverhead: o.rate.packetOverhead, cellSize: o.rate.cellSize, cellOverhead: o.rate.cellOverhead };
    if (o.ecn !== undefined && o.ecn !== 0) m.ecn = true;
    if (o.delayDist) m.delayDistribution = o.delayDist;
    if (o.prngSeed !== undefined) m.seed = o.prngSeed.toString();
    return withExtra(m, leftoverAttributes(netemAttrs, o, NETEM_USED));
  },
  toWire(m, f) {
    const w: Obj = {
      latency: 0,
      limit: checkNumber(`${f}.limit`, m.limit ?? 1000, 0, U32_MAX),
      loss: m.loss === undefined ? 0 : percentToWire(`${f}.loss`, m.loss),
      gap: checkNumber(`${f}.gap`, m.gap ?? 0, 0, U32_MAX),
      duplicate: m.duplicate === undefined ? 0 : percentToWire(`${f}.duplicate`, m.duplicate),
      jitter: 0,
    };
    if (m.latency !== undefined) w.latency64 = BigInt(Math.round(checkNumber(`${f}.latency`, m.latency, 0, 9e9, false) * 1e9));
    if (m.jitter !== undefined) w.jitter64 = BigInt(Math.round(checkNumber(`${f}.jitter`, m.jitter, 0, 9e9, false) * 1e9));
    if (m.correlation) {
      checkKeys(m.correlation, new Set(['delay', 'loss', 'duplicate']), `${f}.correlation.`);
      w.corr = { delayCorr: percentToWire(`${f}.correlation.delay`, m.correlation.delay ?? 0), lossCorr: percentToWire(`${f}.correlation.loss`, m.correlation.loss ?? 0), dupCorr: percentToWire(`${f}.correlation.duplicate`, m.correlation.duplicate ?? 0) };
    }
    const pc = (k: 'reorder' | 'corrupt'): void => {
      const v = m[k];
      if (!v) return;
      checkKeys(v, new Set(['probability', 'correlation']), `${f}.${k}.`);
      w[k] = { probability: percentToWire(`${f}.${k}.probability`, v.probability ?? 0), correlation: percentToWire(`${f}.${k}.correlation`, v.correlation ?? 0) };
    };
    pc('reorder');
    if (m.ecn) w.ecn = 1;
    pc('corrupt');
    if (m.rate) {
      checkKeys(m.rate, new Set(['rate', 'packetOverhead', 'cellSize', 'cellOverhead']), `${f}.rate.`);
      const bytes = bytesPerSecond(parseRate(m.rate.rate, `${f}.rate.rate`));
      w.rate = { rate: bytes >= 2 ** 32 ? U32_MAX : bytes, packetOverhead: m.rate.packetOverhead ?? 0, cellSize: m.rate.cellSize ?? 0, cellOverhead: m.rate.cellOverhead ?? 0 };
      if (bytes >= 2 ** 32) w.rate64 = BigInt(bytes);
    }
    if (m.delayDistribution) w.delayDist = m.delayDistribution;
    if (m.seed !== undefined) {
      if (!/^[0-9]+$/.test(m.seed) || BigInt(m.seed) >= 2n ** 64n) throw new InvalidArgumentError(`${f}.seed`, 'expected a decimal 64-bit number as text');
      w.prngSeed = BigInt(m.seed);
    }
    return withTail(netemCodec, w, extraOf(m));
  },
};

/** Keys whose wire value is in microseconds, by kind. */
const FQ_CODEL_US = ['target', 'interval', 'ceThreshold'] as const;
const FQ_CODEL_KEYS = new Set(['limit', 'flows', 'target', 'interval', 'ecn', 'quantum', 'ceThreshold', 'dropBatchSize', 'memoryLimit', 'ceThresholdSelector', 'ceThresholdMask']);
const fqCodel: OptionsMapping<FqCodelOptions> = {
  keys: FQ_CODEL_KEYS,
  fromWire(w) {
    const o = w as Obj;
    const m: Obj = {};
    for (const k of FQ_CODEL_KEYS) {
      const v = o[k];
      if (v === undefined) continue;
      m[k] = (FQ_CODEL_US as readonly string[]).includes(k) ? usToSeconds(v as number) : k === 'ecn' ? v !== 0 : v;
    }
    return withExtra(m as FqCodelOptions, leftoverAttributes(fqCodelAttrs, o, FQ_CODEL_KEYS));
  },
  toWire(m, f) {
    const w: Obj = {};
    for (const k of FQ_CODEL_KEYS) {
      const v = (m as Obj)[k];
      if (v === undefined) continue;
      if ((FQ_CODEL_US as readonly string[]).includes(k)) w[k] = secondsToUs(`${f}.${k}`, v as number);
      else if (k === 'ecn') w[k] = v ? 1 : 0;
      else w[k] = checkNumber(`${f}.${k}`, v, 0, k.startsWith('ceThresholdS') || k === 'ceThresholdMask' ? 255 : U32_MAX);
    }
    return withTail(fqCodelAttrs, w, extraOf(m));
  },
};

/** fq: model key -> [wire key, conversion]. */
const FQ_FIELDS: Readonly<Record<string, [string, 'n' | 'us' | 'rate' | 'bool' | 'ns']>> = {
  limit: ['plimit', 'n'],
  flowLimit: ['flowPlimit', 'n'],
  quantum: ['quantum', 'n'],
  initialQuantum: ['initialQuantum', 'n'],
  pacing: ['rateEnable', 'bool'],
  flowDefaultRate: ['flowDefaultRate', 'rate'],
  maxRate: ['flowMaxRate', 'rate'],
  bucketsLog: ['bucketsLog', 'n'],
  refillDelay: ['flowRefillDelay', 'us'],
  orphanMask: ['orphanMask', 'n'],
  lowRateThreshold: ['lowRateThreshold', 'rate'],
  ceThreshold: ['ceThreshold', 'us'],
  timerSlack: ['timerSlack', 'ns'],
  horizon: ['horizon', 'us'],
  horizonDrop: ['horizonDrop', 'bool'],
};
const fq: OptionsMapping<FqOptions> = {
  keys: new Set(Object.keys(FQ_FIELDS)),
  fromWire(w) {
    const o = w as Obj;
    const m: Obj = {};
    for (const [k, [wk, c]] of Object.entries(FQ_FIELDS)) {
      const v = o[wk] as number | undefined;
      if (v === undefined) continue;
      m[k] = c === 'us' ? v / 1e6 : c === 'ns' ? v / 1e9 : c === 'rate' ? v * 8 : c === 'bool' ? v !== 0 : v;
    }
    return withExtra(m as FqOptions, leftoverAttributes(fqAttrs, o, new Set(Object.values(FQ_FIELDS).map(([wk]) => wk))));
  },
  toWire(m, f) {
    const w: Obj = {};
    for (const [k, [wk, c]] of Object.entries(FQ_FIELDS)) {
      const v = (m as Obj)[k];
      if (v === undefined) continue;
      const field = `${f}.${k}`;
      if (c === 'bool') w[wk] = v ? 1 : 0;
      else if (c === 'us') w[wk] = secondsToUs(field, v as number);
      else if (c === 'ns') w[wk] = Math.round(checkNumber(field, v, 0, U32_MAX / 1e9, false) * 1e9);
      else if (c === 'rate') w[wk] = Math.min(bytesPerSecond(parseRate(v as number, field)), U32_MAX);
      else w[wk] = checkNumber(field, v, 0, U32_MAX);
    }
    return withTail(fqAttrs, w, extraOf(m));
  },
};

const CAKE_BOOL = ['autorate', 'nat', 'raw', 'wash', 'ingress', 'splitGso'];
const CAKE_KEYS = new Set(['bandwidth', 'rtt', 'target', 'overhead', 'mpu', 'diffservMode', 'flowMode', 'atm', 'autorate', 'memory', 'nat', 'raw', 'wash', 'ingress', 'ackFilter', 'splitGso', 'fwmark']);
const cake: OptionsMapping<CakeOptions> = {
  keys: CAKE_KEYS,
  fromWire(w) {
    const o = w as Obj;
    const m: Obj = {};
    for (const [wk, v] of Object.entries(o)) {
      if (v === undefined || wk === 'pad') continue;
      if (wk === 'baseRate64') m.bandwidth = num(v) * 8;
      else if (wk === 'rtt' || wk === 'target') m[wk] = (v as number) / 1e6;
      else if (wk === 'overhead') m.overhead = (v as number) | 0; // an s32 the spec calls u32
      else if (CAKE_BOOL.includes(wk)) m[wk] = v !== 0;
      else if (CAKE_KEYS.has(wk)) m[wk] = v;
    }
    return withExtra(m as CakeOptions, leftoverAttributes(cakeAttrs, o, new Set([...CAKE_KEYS, 'baseRate64'])));
  },
  toWire(m, f) {
    const w: Obj = {};
    for (const [k, v] of Object.entries(m)) {
      if (v === undefined) continue;
      const field = `${f}.${k}`;
      if (k === 'bandwidth') w.baseRate64 = BigInt(bytesPerSecond(parseRate(v as number, field)));
      else if (k === 'rtt' || k === 'target') w[k] = secondsToUs(field, v as number);
      else if (k === 'overhead') w.overhead = checkNumber(field, v, -64, 256) >>> 0;
      else if (CAKE_BOOL.includes(k)) w[k] = v ? 1 : 0;
      else w[k] = checkNumber(field, v, 0, U32_MAX);
    }
    return withTail(cakeAttrs, w, extraOf(m));
  },
};

const RED_KEYS = new Set(['limit', 'min', 'max', 'wlog', 'plog', 'scellLog', 'flags', 'maxP', 'stab']);
const red: OptionsMapping<RedOptions> = {
  keys: RED_KEYS,
  fromWire(w) {
    const o = w as Obj & { parms?: { limit: number; qthMin: number; qthMax: number; wlog: number; plog: number; scellLog: number; flags: number }; maxP?: number; stab?: Uint8Array };
    const p = o.parms ?? { limit: 0, qthMin: 0, qthMax: 0, wlog: 0, plog: 0, scellLog: 0, flags: 0 };
    const m: RedOptions = { limit: p.limit, min: p.qthMin, max: p.qthMax, wlog: p.wlog, plog: p.plog, scellLog: p.scellLog, flags: p.flags };
    if (o.maxP !== undefined) m.maxP = o.maxP;
    if (o.stab !== undefined) m.stab = o.stab;
    return withExtra(m, leftoverAttributes(redAttrs, o, new Set(['parms', 'maxP', 'stab'])));
  },
  toWire(m, f) {
    const w: Obj = {
      parms: {
        limit: checkNumber(`${f}.limit`, m.limit ?? 0, 0, U32_MAX),
        qthMin: checkNumber(`${f}.min`, m.min ?? 0, 0, U32_MAX),
        qthMax: checkNumber(`${f}.max`, m.max ?? 0, 0, U32_MAX),
        wlog: checkNumber(`${f}.wlog`, m.wlog ?? 0, 0, 31),
        plog: checkNumber(`${f}.plog`, m.plog ?? 0, 0, 31),
        scellLog: checkNumber(`${f}.scellLog`, m.scellLog ?? 0, 0, 31),
        flags: checkNumber(`${f}.flags`, m.flags ?? 0, 0, 255),
      },
    };
    if (m.stab !== undefined) {
      if (!(m.stab instanceof Uint8Array) || m.stab.length !== 256) throw new InvalidArgumentError(`${f}.stab`, 'expected 256 bytes');
      w.stab = m.stab;
    }
    if (m.maxP !== undefined) w.maxP = checkNumber(`${f}.maxP`, m.maxP, 0, U32_MAX);
    return withTail(redAttrs, w, extraOf(m));
  },
};

const SFQ_KEYS = new Set(['quantum', 'perturb', 'limit', 'divisor', 'flows', 'depth', 'headdrop', 'red']);
const sfq: OptionsMapping<SfqOptions> = {
  keys: SFQ_KEYS,
  fromWire(w) {
    const o = w as { v0: { quantum: number; perturbPeriod: number; limit: number; divisor: number; flows: number }; depth: number; headdrop: number; limit: number; qthMin: number; qthMax: number; wlog: number; plog: number; scellLog: number; flags: number; maxP: number };
    return {
      quantum: o.v0.quantum,
      perturb: o.v0.perturbPeriod,
      limit: o.v0.limit,
      divisor: o.v0.divisor,
      flows: o.v0.flows,
      depth: o.depth,
      headdrop: o.headdrop !== 0,
      red: { limit: o.limit, min: o.qthMin, max: o.qthMax, wlog: o.wlog, plog: o.plog, scellLog: o.scellLog, flags: o.flags, maxP: o.maxP },
    };
  },
  toWire(m, f) {
    const r = m.red ?? { limit: 0, min: 0, max: 0, wlog: 0, plog: 0, scellLog: 0, flags: 0, maxP: 0 };
    checkObject(r, `${f}.red`, 'RED parameters');
    checkKeys(r, new Set(['limit', 'min', 'max', 'wlog', 'plog', 'scellLog', 'flags', 'maxP']), `${f}.red.`);
    return {
      v0: {
        quantum: checkNumber(`${f}.quantum`, m.quantum ?? 0, 0, U32_MAX),
        perturbPeriod: checkNumber(`${f}.perturb`, m.perturb ?? 0, 0, 0x7fffffff),
        limit: checkNumber(`${f}.limit`, m.limit ?? 0, 0, U32_MAX),
        divisor: checkNumber(`${f}.divisor`, m.divisor ?? 0, 0, U32_MAX),
        flows: checkNumber(`${f}.flows`, m.flows ?? 0, 0, U32_MAX),
      },
      depth: checkNumber(`${f}.depth`, m.depth ?? 0, 0, U32_MAX),
      headdrop: m.headdrop ? 1 : 0,
      limit: r.limit ?? 0,
      qthMin: r.min ?? 0,
      qthMax: r.max ?? 0,
      wlog: r.wlog ?? 0,
      plog: r.plog ?? 0,
      scellLog: r.scellLog ?? 0,
      flags: r.flags ?? 0,
      maxP: r.maxP ?? 0,
      stats: { probDrop: 0, forcedDrop: 0, probMark: 0, forcedMark: 0, probMarkHead: 0, forcedMarkHead: 0 },
    };
  },
};

/** The option mappings by qdisc kind. */
export const QDISC_OPTIONS: Readonly<Record<string, OptionsMapping<any>>> = {
  htb,
  tbf,
  pfifo: fifo,
  bfifo: fifo,
  pfifo_head_drop: fifo,
  pfifo_fast: prio,
  prio,
  netem,
  fq_codel: fqCodel,
  fq,
  sfq,
  cake,
  red,
};

/** Kinds whose dumps carry an empty TCA_OPTIONS (tc 6.1 sends none for them). */
export const EMPTY_OPTIONS_KINDS: ReadonlySet<string> = new Set(['ingress', 'clsact']);

