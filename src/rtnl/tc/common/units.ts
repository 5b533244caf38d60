// Rates, sizes and times as `tc` users write them ('1mbit', '32kb', '400ms'), and the rate
// tables and clock ticks the kernel's shapers take, computed as iproute2 does (tc/tc_core.c,
// lib/utils_math.c).

import { InvalidArgumentError } from '../../../netlink/errors.js';

/** Rate suffixes `tc` accepts (lib/utils_math.c), in bits per second, matched without case. */
const RATE_UNITS: ReadonlyMap<string, number> = new Map([
  ['bit', 1],
  ['kibit', 1024],
  ['kbit', 1000],
  ['mibit', 1024 ** 2],
  ['mbit', 1e6],
  ['gibit', 1024 ** 3],
  ['gbit', 1e9],
  ['tibit', 1024 ** 4],
  ['tbit', 1e12],
  ['bps', 8],
  ['kibps', 8 * 1024],
  ['kbps', 8000],
  ['mibps', 8 * 1024 ** 2],
  ['mbps', 8e6],
  ['gibps', 8 * 1024 ** 3],
  ['gbps', 8e9],
  ['tibps', 8 * 1024 ** 4],
  ['tbps', 8e12],
]);

const NUMBER = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*$/i;

/**
 * Parses a rate as `tc` does: a number with a unit (`'1mbit'`, `'32kbit'`, `'10gbit'`, `'1.5mbit'`,
 * `'100kbps'` = 100 kilobytes per second, IEC `'1mibit'`), or a bare number of bits per second.
 * Returns bits per second.
 * @throws {@link InvalidArgumentError} naming `field` for anything else (`'fast'`, a negative rate).
 */
export function parseRate(text: string | number, field = 'rate'): number {
  if (typeof text === 'number') return checkRate(text, field);
  const m = typeof text === 'string' ? NUMBER.exec(text) : null;
  const scale = m ? (m[2] === '' ? 1 : RATE_UNITS.get(m[2].toLowerCase())) : undefined;
  if (!m || scale === undefined) {
    throw new InvalidArgumentError(field, `${JSON.stringify(text)} is not a rate; expected a number of bits per second or a number with a unit such as kbit, mbit, gbit, kbps (bytes), mibit`);
  }
  return checkRate(Number(m[1]) * scale, field);
}

/** Checks a rate in bits per second (a non-negative number below 2^64 bytes per second). */
export function checkRate(bits: number, field: string): number {
  if (typeof bits !== 'number' || !Number.isFinite(bits) || bits < 0 || bits / 8 >= 2 ** 64) {
    throw new InvalidArgumentError(field, `${String(bits)} is not a rate in bits per second`);
  }
  return bits;
}

/** Size suffixes `tc` accepts (get_size64), in bytes. */
const SIZE_UNITS: ReadonlyMap<string, number> = new Map([
  ['b', 1],
  ['k', 1024],
  ['kb', 1024],
  ['m', 1024 ** 2],
  ['mb', 1024 ** 2],
  ['g', 1024 ** 3],
  ['gb', 1024 ** 3],
  ['kbit', 1024 / 8],
  ['mbit', 1024 ** 2 / 8],
  ['gbit', 1024 ** 3 / 8],
]);

/**
 * Parses a size as `tc` does (`'32kbit'` = 4096 bytes, `'1600'`, `'10kb'` = 10240 bytes, `'1mb'`),
 * returning bytes. Note that `tc` reads size units as powers of 1024 (a `kbit` of burst is 128
 * bytes), unlike rate units.
 * @throws {@link InvalidArgumentError} naming `field` for anything else.
 */
export function parseSize(text: string | number, field = 'size'): number {
  if (typeof text === 'number') return checkSize(text, field);
  const m = typeof text === 'string' ? NUMBER.exec(text) : null;
  const scale = m ? (m[2] === '' ? 1 : SIZE_UNITS.get(m[2].toLowerCase())) : undefined;
  if (!m || scale === undefined) throw new InvalidArgumentError(field, `${JSON.stringify(text)} is not a size; expected bytes, or a number with b, k/kb, m/mb, g/gb, kbit, mbit or gbit`);
  const v = Number(m[1]) * scale;
  if (!Number.isInteger(v)) throw new InvalidArgumentError(field, `${JSON.stringify(text)} is not a whole number of bytes`);
  return checkSize(v, field);
}

function checkSize(v: number, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 0xffffffff) throw new InvalidArgumentError(field, `${String(v)} is not a size in bytes (0 to 4294967295)`);
  return v;
}

/**
 * Parses a time as `tc` does (`'400ms'`, `'1s'`, `'50us'`, a bare number is microseconds),
 * returning seconds.
 * @throws {@link InvalidArgumentError} naming `field` for anything else.
 */
export function parseTime(text: string | number, field = 'time'): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new InvalidArgumentError(field, `${String(text)} is not a time in seconds`);
    return text;
  }
  const m = typeof text === 'string' ? NUMBER.exec(text) : null;
  const unit = m?.[2].toLowerCase();
  const scale =
    unit === '' || unit === 'us' || unit === 'usec' || unit === 'usecs' ? 1e-6
    : unit === 'ms' || unit === 'msec' || unit === 'msecs' ? 1e-3
    : unit === 's' || unit === 'sec' || unit === 'secs' ? 1
    : undefined;
  if (!m || scale === undefined) throw new InvalidArgumentError(field, `${JSON.stringify(text)} is not a time; expected a number with s, ms or us (bare numbers are microseconds)`);
  return Number(m[1]) * scale;
}

/** A rate as `tc` prints it (`'8Mbit'`, `'32Kbit'`, `'1Gbit'`), from bits per second. */
export function formatRate(bits: number): string {
  for (const [unit, scale] of [['Tbit', 1e12], ['Gbit', 1e9], ['Mbit', 1e6], ['Kbit', 1e3]] as const) {
    if (bits >= scale) return `${Number((bits / scale).toPrecision(6))}${unit}`;
  }
  return `${Math.round(bits)}bit`;
}

/** A size as `tc` prints it (`'4Kb'`, `'1600b'`, `'2Mb'`), from bytes (sprint_size). */
export function formatSize(bytes: number): string {
  const sz = Math.floor(bytes);
  for (const [unit, scale, slack] of [['Gb', 1024 ** 3, 1024], ['Mb', 1024 ** 2, 1024], ['Kb', 1024, 16]] as const) {
    if (sz >= scale && Math.abs(scale * Math.round(sz / scale) - sz) < slack) return `${Math.round(sz / scale)}${unit}`;
  }
  return `${sz}b`;
}

/** A time as `tc` prints it (`'400ms'`, `'1s'`, `'50us'`), from seconds. */
export function formatTime(seconds: number): string {
  const us = seconds * 1e6;
  if (us >= 1e6) return `${Number((us / 1e6).toPrecision(3))}s`;
  if (us >= 1e3) return `${Number((us / 1e3).toPrecision(3))}ms`;
  return `${Math.round(us)}us`;
}

// ---------------------------------------------------------------------------------------------
// The kernel's packet scheduler clock and rate tables

/**
 * Scheduler clock ticks per microsecond: `/proc/net/psched` reads `000003e8 00000040 000f4240`
 * on every kernel since 2.6.31 (a tick is 64 ns, PSCHED_SHIFT 6), which is what `tc` computes
 * its times from.
 */
export const TICKS_PER_USEC = 1000 / 64;

/**
 * Ticks to send `size` bytes at `rate` bytes per second, as iproute2 6.1's tc_calc_xmittime
 * computes the entries of a rate table: whole microseconds (rounded down), then whole ticks
 * (rounded down). Capped at 2^32-1.
 */
export function xmitTicks(rateBytes: number, size: number): number {
  if (rateBytes <= 0) return 0xffffffff;
  const us = Math.min(Math.trunc(1e6 * (size / rateBytes)), 0xffffffff);
  return Math.min(Math.trunc(us * TICKS_PER_USEC), 0xffffffff);
}

/** Bytes sent in `ticks` at `rate` bytes per second (tc_calc_xmitsize, without its rounding). */
export function xmitSize(rateBytes: number, ticks: number): number {
  return (rateBytes * (ticks / TICKS_PER_USEC)) / 1e6;
}

/**
 * The ticks the kernel keeps for a burst of `bytes` at `rate` bytes per second, as `tc` 6.1
 * computes them (tc_calc_xmittime: whole microseconds, then whole ticks, both rounded down).
 */
export function burstTicks(rateBytes: number, bytes: number): number {
  return xmitTicks(rateBytes, bytes);
}

/**
 * A burst in bytes from the ticks the kernel keeps, at `rate` bytes per second: the smallest
 * whole number of bytes that {@link burstTicks} turns into at least these ticks. The kernel keeps
 * bursts as times, so several byte counts give the same ticks; this choice makes a listed burst
 * turn back into the same ticks (and usually is the burst that was given).
 */
export function burstBytes(rateBytes: number, ticks: number): number {
  if (rateBytes <= 0) return 0;
  return smallestBytes(ticks, (b) => xmitTicks(rateBytes, b));
}

/**
 * The ticks the kernel itself computes for `bytes` at `rate` bytes per second when a request
 * carries the burst in bytes (TCA_TBF_BURST, TCA_TBF_PBURST): psched_l2t_ns with the
 * multiplier and shift of psched_ratecfg_precompute, then nanoseconds >> 6.
 */
export function kernelTicks(rateBytes: number, bytes: number, settings: { overhead?: number; mpu?: number; linklayer?: LinkLayer } = {}): number {
  if (rateBytes <= 0) return 0;
  const rate = BigInt(Math.floor(rateBytes));
  let factor = 1_000_000_000n;
  let mult = 1n;
  let shift = 0n;
  for (;;) {
    mult = factor / rate;
    if ((mult & (1n << 31n)) !== 0n || (factor & (1n << 63n)) !== 0n) break;
    factor <<= 1n;
    shift++;
  }
  let len = bytes + (settings.overhead ?? 0);
  if (len < (settings.mpu ?? 0)) len = settings.mpu ?? 0;
  if (settings.linklayer === 'atm') len = Math.ceil(len / 48) * 53;
  const ns = (BigInt(len) * mult) >> shift;
  const ticks = ns >> 6n;
  return ticks > 0xffffffffn ? 0xffffffff : Number(ticks);
}

/** The smallest whole number of bytes whose `ticks(bytes)` reaches `target` (`ticks` rising with bytes). */
export function smallestBytes(target: number, ticks: (bytes: number) => number): number {
  if (target <= 0) return 0;
  let lo = 0;
  let hi = 0xffffffff;
  if (ticks(hi) < target) return hi;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (ticks(mid) >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Link layers a rate table can account for (TC_LINKLAYER_*). */
export type LinkLayer = 'ethernet' | 'atm';

const ATM_CELL_PAYLOAD = 48;
const ATM_CELL_SIZE = 53;

/**
 * The rate table of a struct tc_ratespec (TCA_TBF_RTAB, TCA_HTB_RTAB, ...), as tc_calc_rtable
 * computes it: the time to send (i+1) << cellLog bytes, for 256 sizes, in ticks. `rate32` is the
 * 32-bit rate of the ratespec (2^32-1 when the real rate is above it, as `tc` writes it); `mtu` 0
 * means 2047. Returns the table's bytes (host order) and the cell log chosen.
 */
export function rateTable(rate32: number, mtu: number, mpu: number, linklayer: LinkLayer, cellLog = -1): { table: Uint8Array; cellLog: number } {
  const m = mtu === 0 ? 2047 : mtu;
  let cl = cellLog;
  if (cl < 0) {
    cl = 0;
    while (m >>> cl > 255) cl++;
  }
  const table = new Uint8Array(1024);
  const view = new DataView(table.buffer);
  for (let i = 0; i < 256; i++) {
    let sz = Math.max((i + 1) << cl, mpu);
    if (linklayer === 'atm') sz = Math.ceil(sz / ATM_CELL_PAYLOAD) * ATM_CELL_SIZE;
    view.setUint32(i * 4, xmitTicks(rate32, sz), true);
  }
  return { table, cellLog: cl };
}
