// The one place where htb class option encodings are undone: rates in bytes per second with
// their 64-bit companions, bursts as scheduler ticks, and the rate tables tc computes
// (iproute2 6.1, tc/q_htb.c htb_parse_class_opt).

import { InvalidArgumentError } from '../../../netlink/errors.js';
import { htbAttrs } from '../../generated/tc.js';
import { extraOf, leftoverAttributes, withExtra, withTail } from '../common/extra.js';
import { burstBytes, parseRate, xmitTicks } from '../common/units.js';
import { bytesPerSecond, linklayerFromWire, ratespec, wireRate, type OptionsMapping } from '../qdisc/options.js';
import type { HtbClassOptions } from './model.js';

const U32_MAX = 0xffffffff;

/** The clock rate tc divides a rate by for its default bursts (get_hz(): /proc/net/psched says 10^9 on every kernel with high-resolution timers). */
const PSCHED_HZ = 1e9;

/** The packet size tc computes htb rate tables for when no `mtu` is given. */
const HTB_DEFAULT_MTU = 1600;

function checkInt(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(field, `${String(v)} is not an integer from ${min} to ${max}`);
  return v;
}

const HTB_CLASS_KEYS = new Set(['rate', 'ceil', 'burst', 'cburst', 'prio', 'quantum', 'level', 'mtu', 'overhead', 'mpu', 'linklayer']);
const HTB_CLASS_USED = new Set(['parms', 'rate64', 'ceil64', 'rtab', 'ctab']);

interface HtbOptWire {
  rate: { rate: number; overhead: number; mpu: number; linklayer: number };
  ceil: { rate: number };
  buffer: number;
  cbuffer: number;
  quantum: number;
  level: number;
  prio: number;
}

/** The options of an htb class. */
export const htbClassOptions: OptionsMapping<HtbClassOptions> = {
  keys: HTB_CLASS_KEYS,
  fromWire(w) {
    const o = w as Record<string, unknown> & { parms?: HtbOptWire; rate64?: bigint; ceil64?: bigint };
    const p = o.parms ?? { rate: { rate: 0, overhead: 0, mpu: 0, linklayer: 0 }, ceil: { rate: 0 }, buffer: 0, cbuffer: 0, quantum: 0, level: 0, prio: 0 };
    const rate = wireRate(p.rate.rate, o.rate64);
    const ceil = wireRate(p.ceil.rate, o.ceil64);
    const m: HtbClassOptions = {
      rate: rate * 8,
      ceil: ceil * 8,
      burst: burstBytes(rate, p.buffer),
      cburst: burstBytes(ceil, p.cbuffer),
      prio: p.prio,
      quantum: p.quantum,
      level: p.level,
    };
    if (p.rate.overhead !== 0) m.overhead = p.rate.overhead;
    if (p.rate.mpu !== 0) m.mpu = p.rate.mpu;
    const ll = linklayerFromWire(p.rate.linklayer);
    if (ll) m.linklayer = ll;
    return withExtra(m, leftoverAttributes(htbAttrs, o, HTB_CLASS_USED));
  },
  toWire(m, f) {
    if (m.rate === undefined) throw new InvalidArgumentError(`${f}.rate`, 'an htb class needs a rate');
    const rate = bytesPerSecond(parseRate(m.rate, `${f}.rate`));
    if (rate === 0) throw new InvalidArgumentError(`${f}.rate`, 'the rate must be at least 8 bits per second');
    const ceil = m.ceil === undefined || m.ceil === 0 ? rate : bytesPerSecond(parseRate(m.ceil, `${f}.ceil`));
    if (ceil === 0) throw new InvalidArgumentError(`${f}.ceil`, 'the ceil must be at least 8 bits per second');
    const mtu = checkInt(`${f}.mtu`, m.mtu ?? HTB_DEFAULT_MTU, 0, U32_MAX);
    const settings = {
      overhead: checkInt(`${f}.overhead`, m.overhead ?? 0, 0, 0xffff),
      mpu: checkInt(`${f}.mpu`, m.mpu ?? 0, 0, 0xffff),
      linklayer: m.linklayer,
    };
    if (m.linklayer !== undefined && m.linklayer !== 'ethernet' && m.linklayer !== 'atm') throw new InvalidArgumentError(`${f}.linklayer`, `expected ethernet or atm, got ${JSON.stringify(m.linklayer)}`);
    const burst = m.burst === undefined || m.burst === 0 ? Math.floor(rate / PSCHED_HZ) + mtu : checkInt(`${f}.burst`, m.burst, 0, Number.MAX_SAFE_INTEGER);
    const cburst = m.cburst === undefined || m.cburst === 0 ? Math.floor(ceil / PSCHED_HZ) + mtu : checkInt(`${f}.cburst`, m.cburst, 0, U32_MAX);
    const r = ratespec(rate, mtu, settings);
    const c = ratespec(ceil, mtu, settings);
    const buffer = xmitTicks(rate, burst);
    if (buffer === U32_MAX) throw new InvalidArgumentError(`${f}.burst`, `${burst} bytes at this rate is more than the kernel can keep (2^32 ticks of 64 ns)`);
    const w: Record<string, unknown> = {};
    if (r.rate64 !== undefined) w.rate64 = r.rate64;
    if (c.rate64 !== undefined) w.ceil64 = c.rate64;
    w.parms = {
      rate: r.spec,
      ceil: c.spec,
      buffer,
      cbuffer: xmitTicks(ceil, cburst),
      quantum: checkInt(`${f}.quantum`, m.quantum ?? 0, 0, U32_MAX),
      // The kernel computes the level; tc sends 0.
      level: 0,
      prio: checkInt(`${f}.prio`, m.prio ?? 0, 0, 7),
    };
    w.rtab = r.table;
    w.ctab = c.table;
    return withTail(htbAttrs, w, extraOf(m));
  },
};

/** The option mappings of classes by kind. */
export const CLASS_OPTIONS: Readonly<Record<string, OptionsMapping<HtbClassOptions>>> = { htb: htbClassOptions };
