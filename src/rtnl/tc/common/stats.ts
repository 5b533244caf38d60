// Statistics of qdiscs, classes and actions (TCA_STATS2 with its basic, queue and rate-estimator
// parts, TCA_STATS, TCA_XSTATS) as one read-only model object.

import type { SetValue } from '../../../netlink/schema/index.js';
import type { tcaStatsAttrs, tcStats } from '../../generated/tc.js';
import type { ValueOf } from '../../../netlink/schema/index.js';

/**
 * Counters of a qdisc, class or action, as `tc -s` shows them. Read-only: accepted by `add()`
 * and ignored. Byte counters are numbers: exact up to 2^53 bytes (8 PiB), far beyond what a
 * counter reaches between two reboots of a machine.
 */
export interface TcStatistics {
  /** Bytes sent (or, for an action, seen). */
  bytes: number;
  /** Packets sent (or seen). */
  packets: number;
  /** Packets dropped. */
  drops: number;
  /** Times the object was over its limit (throttled). */
  overlimits: number;
  /** Packets put back in the queue. */
  requeues: number;
  /** Bytes waiting in the queue. */
  backlog: number;
  /** Packets waiting in the queue. */
  qlen: number;
  /** The rate estimator's current rate in bits per second, when an estimator runs (TCA_RATE). */
  rate?: number;
  /** The rate estimator's current rate in packets per second. */
  packetRate?: number;
  /** Bytes counted by hardware offload, when the driver reports them (TCA_STATS_BASIC_HW). */
  hwBytes?: number;
  /** Packets counted by hardware offload. */
  hwPackets?: number;
}

type StatsWire = SetValue<typeof tcaStatsAttrs>;
type OldStatsWire = ValueOf<typeof tcStats>;

const n = (v: number | bigint | undefined): number => (v === undefined ? 0 : Number(v));

/** The statistics of a tc object from TCA_STATS2 (or the older TCA_STATS when alone). */
export function statsFromWire(stats2: StatsWire | undefined, stats: OldStatsWire | undefined): TcStatistics | undefined {
  if (stats2 === undefined && stats === undefined) return undefined;
  const out: TcStatistics = {
    bytes: n(stats2?.basic?.bytes ?? stats?.bytes),
    packets: n(stats2?.basic?.packets ?? stats?.packets),
    drops: n(stats2?.queue?.drops ?? stats?.drops),
    overlimits: n(stats2?.queue?.overlimits ?? stats?.overlimits),
    requeues: n(stats2?.queue?.requeues),
    backlog: n(stats2?.queue?.backlog ?? stats?.backlog),
    qlen: n(stats2?.queue?.qlen ?? stats?.qlen),
  };
  if (stats2?.pkt64 !== undefined) out.packets = n(stats2.pkt64);
  const est = stats2?.rateEst64 ?? stats2?.rateEst;
  if (est !== undefined) {
    out.rate = n(est.bps) * 8;
    out.packetRate = n(est.pps);
  } else if (stats2 === undefined && stats !== undefined && (stats.bps !== 0 || stats.pps !== 0)) {
    out.rate = stats.bps * 8;
    out.packetRate = stats.pps;
  }
  if (stats2?.basicHw !== undefined) {
    out.hwBytes = n(stats2.basicHw.bytes);
    out.hwPackets = n(stats2.basicHw.packets);
  }
  return out;
}

/** A decoded struct of numbers (and bigints) as plain numbers; raw bytes stay bytes. */
export function plainNumbers(v: unknown): Readonly<Record<string, number>> | Uint8Array | undefined {
  if (v === undefined || v instanceof Uint8Array) return v;
  if (v === null || typeof v !== 'object') return undefined;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'number') out[k] = x;
    else if (typeof x === 'bigint') out[k] = Number(x);
  }
  return out;
}
