// Traffic-control objects in the shape `tc -j -s` prints them (iproute2 6.1): the same field
// names and values wherever tc prints the same thing (rates in bytes per second, bursts in bytes
// as tc recomputes them from the kernel's ticks, latencies in microseconds).

import { kernelTicks, TICKS_PER_USEC, type Qdisc, type TcStatistics } from '../index.js';
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
