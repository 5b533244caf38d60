// The public shape of a queueing discipline (qdisc), used both ways: what Qdiscs.list() and
// events return is accepted by add(), replace(), change() and delete().

import type { LinkRef } from '../../link/links.js';
import type { LinkLayer } from '../common/units.js';
import type { TcStatistics } from '../common/stats.js';
import type { TcHandle } from '../common/handle.js';

/** Options of an `htb` qdisc (the root of a hierarchy of htb classes). */
export interface HtbQdiscOptions {
  /** The minor number of the class unclassified traffic goes to (`default 10` in tc is 0x10); 0: sent directly. */
  defaultClass: number;
  /** Divisor of a class's rate giving its quantum when none is set (tc's `r2q`, default 10). */
  r2q: number;
  /** Packets queued in the direct queue (traffic sent unclassified), when set. */
  directQlen?: number;
  /** Read-only: packets sent unclassified. Ignored by add(). */
  directPackets?: number;
  /** Debug levels (two bits per part), rarely used. */
  debug?: number;
  /** Offload the hierarchy to the device (TCA_HTB_OFFLOAD). */
  offload?: boolean;
}

/** Parameters shared by the shapers that take a rate (tbf, htb classes, police). */
export interface RateSettings {
  /** Bytes added to each packet's length when charging it (`overhead`), default 0. */
  overhead?: number;
  /** Minimum bytes charged per packet (`mpu`), default 0. */
  mpu?: number;
  /** Link layer whose framing is charged (`linklayer`), default ethernet. */
  linklayer?: LinkLayer;
}

/** Options of a `tbf` (token bucket filter) qdisc. */
export interface TbfOptions extends RateSettings {
  /** The rate, in bits per second (`rate 8mbit` is 8_000_000); parse tc's forms with `parseRate`. */
  rate: number;
  /**
   * The bucket size in bytes (`burst`). The kernel keeps it as a time (64 ns ticks at `rate`, in
   * whole microseconds as tc computes it), so a listed burst is the smallest byte count giving
   * that time: a burst that is not a whole number of microseconds at the rate lists a little
   * smaller than given (and means the same to the kernel).
   */
  burst: number;
  /** Bytes that may wait in the queue (`limit`). */
  limit: number;
  /** Input only, instead of `limit`: the longest a packet may wait, in seconds (`latency 400ms`); the limit is computed from it as tc does. */
  latency?: number;
  /** The peak rate in bits per second (`peakrate`), 0 or absent for none. */
  peakrate?: number;
  /** The size of the peak-rate bucket in bytes (`mtu`/`minburst`), with `peakrate`. */
  mtu?: number;
}

/** Options of the fifo qdiscs: `pfifo` and `pfifo_head_drop` (limit in packets), `bfifo` (in bytes). */
export interface FifoOptions {
  /** The queue's length: packets (pfifo, pfifo_head_drop) or bytes (bfifo). */
  limit: number;
}

/** Options of `pfifo_fast` and `prio`: bands and the priority-to-band map. */
export interface PrioOptions {
  /** Number of bands. */
  bands: number;
  /** The band of each of the 16 packet priorities (TC_PRIO_*). */
  priomap: number[];
}

/** Options of a `netem` qdisc (network emulator). Probabilities in percent, times in seconds. */
export interface NetemOptions {
  /** Packets the queue holds (default 1000). */
  limit: number;
  /** Added delay in seconds. */
  latency?: number;
  /** Random variation of the delay, in seconds. */
  jitter?: number;
  /** Packet loss (random), in percent. */
  loss?: number;
  /** Re-order every Nth packet (with `reorder`). */
  gap?: number;
  /** Packet duplication, in percent. */
  duplicate?: number;
  /** Correlation of successive delay, loss and duplication decisions, in percent. */
  correlation?: {
    /** Correlation of each delay with the previous one, in percent. */
    delay: number;
    /** Correlation of each loss decision with the previous one, in percent. */
    loss: number;
    /** Correlation of each duplication decision with the previous one, in percent. */
    duplicate: number;
  };
  /** Packets sent immediately (re-ordered), in percent, and its correlation. */
  reorder?: {
    /** Packets sent immediately instead of delayed, in percent. */
    probability: number;
    /** Correlation of each re-order decision with the previous one, in percent. */
    correlation: number;
  };
  /** Packets corrupted, in percent, and its correlation. */
  corrupt?: {
    /** Packets with a random bit flipped, in percent. */
    probability: number;
    /** Correlation of each corruption decision with the previous one, in percent. */
    correlation: number;
  };
  /** Rate limit in bits per second, and framing it charges. */
  rate?: {
    /** The rate in bits per second (the kernel keeps bytes per second). */
    rate: number;
    /** Bytes added to each packet's length when charging it; negative subtracts. */
    packetOverhead: number;
    /** Link-layer cell size in bytes: each packet is charged whole cells (0: no cells). */
    cellSize: number;
    /** Bytes added to each cell when charging it; negative subtracts. */
    cellOverhead: number;
  };
  /** Mark packets with ECN instead of dropping them. */
  ecn?: boolean;
  /** Delay distribution table (TCA_NETEM_DELAY_DIST), as sent. */
  delayDistribution?: number[];
  /** Seed of the random generator (TCA_NETEM_PRNG_SEED), as decimal text (64 bits). */
  seed?: string;
}

/** Options of an `fq_codel` qdisc. Times in seconds. */
export interface FqCodelOptions {
  /** Packets the qdisc holds. */
  limit?: number;
  /** Number of flows. */
  flows?: number;
  /** Acceptable queue delay, in seconds (default 5 ms). */
  target?: number;
  /** Sliding window, in seconds (default 100 ms). */
  interval?: number;
  /** Mark packets with ECN instead of dropping them. */
  ecn?: boolean;
  /** Bytes dequeued from a flow at a time. */
  quantum?: number;
  /** Delay above which packets are CE-marked, in seconds. */
  ceThreshold?: number;
  /** Packets dropped at a time when over limit. */
  dropBatchSize?: number;
  /** Bytes of memory the qdisc may use. */
  memoryLimit?: number;
  /** Selector of the packets the CE threshold applies to (TCA_FQ_CODEL_CE_THRESHOLD_SELECTOR). */
  ceThresholdSelector?: number;
  /** Mask of that selector. */
  ceThresholdMask?: number;
}

/** Options of an `fq` (fair queue) qdisc. Rates in bits per second, times in seconds. */
export interface FqOptions {
  /** Packets the qdisc holds (`limit`). */
  limit?: number;
  /** Packets one flow may hold (`flow_limit`). */
  flowLimit?: number;
  /** Credit per dequeue round in bytes. */
  quantum?: number;
  /** Credit of a new flow in bytes. */
  initialQuantum?: number;
  /** Whether pacing is on. */
  pacing?: boolean;
  /** Rate of flows without a socket rate (deprecated by the kernel). */
  flowDefaultRate?: number;
  /** Maximum rate of a flow, in bits per second. */
  maxRate?: number;
  /** log2 of the number of hash buckets. */
  bucketsLog?: number;
  /** Delay before a flow's credit is refilled, in seconds. */
  refillDelay?: number;
  /** Mask applied to orphan packets' hash. */
  orphanMask?: number;
  /** Rate below which flows are not paced, in bits per second. */
  lowRateThreshold?: number;
  /** Delay above which packets are CE-marked, in seconds. */
  ceThreshold?: number;
  /** Timer slack, in seconds. */
  timerSlack?: number;
  /** Time horizon, in seconds. */
  horizon?: number;
  /** Drop (true) or cap (false) packets beyond the horizon. */
  horizonDrop?: boolean;
}

/** Options of an `sfq` (stochastic fairness queueing) qdisc. */
export interface SfqOptions {
  /** Bytes dequeued from a flow at a time. */
  quantum: number;
  /** Seconds between hash perturbations (0: never). */
  perturb: number;
  /** Packets the qdisc holds. */
  limit: number;
  /** Hash table size. */
  divisor: number;
  /** Number of flows. */
  flows: number;
  /** Packets per flow. */
  depth: number;
  /** Drop from the head rather than the tail. */
  headdrop: boolean;
  /** RED parameters when sfq runs RED per flow (all zero otherwise), as struct tc_sfq_qopt_v1 has them. */
  red: {
    /** Hard limit of each flow's queue, in bytes. */
    limit: number;
    /** Average flow queue length where marking starts, in bytes (`qth_min`). */
    min: number;
    /** Average flow queue length where marking is certain, in bytes (`qth_max`). */
    max: number;
    /** log2 of the inverse averaging weight (`Wlog`: the weight is 2^-wlog). */
    wlog: number;
    /** log2 of the probability divisor: P_max / (max - min) is 2^-plog (`Plog`). */
    plog: number;
    /** Cell size log for idle damping (`Scell_log`). */
    scellLog: number;
    /** TC_RED_* flags sfq honours: ECN 1, HARDDROP 2. */
    flags: number;
    /** Max marking probability as 32-bit fixed point (2^32 is 1) (`max_P`). */
    maxP: number;
  };
}

/** Options of a `cake` qdisc. Rates in bits per second, times in seconds. */
export interface CakeOptions {
  /** The shaped bandwidth in bits per second (0: unlimited). */
  bandwidth?: number;
  /** Round-trip time the AQM assumes, in seconds. */
  rtt?: number;
  /** Target delay, in seconds. */
  target?: number;
  /** Per-packet overhead in bytes (may be negative). */
  overhead?: number;
  /** Minimum packet size charged. */
  mpu?: number;
  /** CAKE_DIFFSERV_* mode number. */
  diffservMode?: number;
  /** CAKE_FLOW_* isolation mode number. */
  flowMode?: number;
  /** CAKE_ATM_* framing compensation number. */
  atm?: number;
  /** Auto-rate from the ingress rate. */
  autorate?: boolean;
  /** Memory limit in bytes. */
  memory?: number;
  /** Look through NAT for flow isolation. */
  nat?: boolean;
  /** Overhead given raw (no automatic overhead). */
  raw?: boolean;
  /** Clear DSCP bits. */
  wash?: boolean;
  /** Ingress mode. */
  ingress?: boolean;
  /** CAKE_ACK_* filter mode number. */
  ackFilter?: number;
  /** Split GSO super-packets. */
  splitGso?: boolean;
  /** Mask of the firewall mark used as a tin. */
  fwmark?: number;
}

/** Options of a `red` qdisc. */
export interface RedOptions {
  /** Hard limit in bytes. */
  limit: number;
  /** Average queue size where marking starts, in bytes. */
  min: number;
  /** Average queue size where marking is certain, in bytes. */
  max: number;
  /** log2 of the averaging weight. */
  wlog: number;
  /** log2 of the probability divisor. */
  plog: number;
  /** Cell size log for idle damping. */
  scellLog: number;
  /** TC_RED_* flags (ECN 1, HARDDROP 2, ADAPTATIVE 4, NODROP 8). */
  flags: number;
  /** Max marking probability, as the kernel's 32-bit fixed point (TCA_RED_MAX_P). */
  maxP?: number;
  /** The 256-byte idle damping table (TCA_RED_STAB), as sent. */
  stab?: Uint8Array;
}

/** Options by qdisc kind (kinds without options, such as noqueue, ingress and clsact, are not here). */
export interface QdiscOptionsByKind {
  /** Hierarchical token bucket. */
  htb: HtbQdiscOptions;
  /** Token bucket filter. */
  tbf: TbfOptions;
  /** Packet fifo. */
  pfifo: FifoOptions;
  /** Byte fifo. */
  bfifo: FifoOptions;
  /** Packet fifo dropping at the head. */
  pfifo_head_drop: FifoOptions;
  /** The three-band default qdisc. */
  pfifo_fast: PrioOptions;
  /** Priority bands. */
  prio: PrioOptions;
  /** Network emulator. */
  netem: NetemOptions;
  /** Fair queueing with CoDel. */
  fq_codel: FqCodelOptions;
  /** Fair queue (pacing). */
  fq: FqOptions;
  /** Stochastic fairness queueing. */
  sfq: SfqOptions;
  /** Common Applications Kept Enhanced. */
  cake: CakeOptions;
  /** Random early detection. */
  red: RedOptions;
}

/** A qdisc kind this library knows the options of. */
export type KnownQdiscKind = keyof QdiscOptionsByKind;

/**
 * The options of a qdisc: typed for the kinds in {@link QdiscOptionsByKind}; the raw TCA_OPTIONS
 * payload (kept and re-sent byte for byte) for other kinds.
 */
export type QdiscOptions = QdiscOptionsByKind[KnownQdiscKind] | Uint8Array;

/** Options as add() takes them: those of {@link QdiscOptions} with defaulted fields optional. */
export type QdiscOptionsSpec = { [K in KnownQdiscKind]: Partial<QdiscOptionsByKind[K]> }[KnownQdiscKind] | Uint8Array;

/**
 * A queueing discipline, as `tc qdisc show` lists it. The same shape is accepted by
 * `rtnl.qdiscs.add()`, `replace()`, `change()` and `delete()`.
 */
export interface Qdisc {
  /** The interface index. */
  link: number;
  /** The kind (`htb`, `tbf`, `pfifo`, `noqueue`, `ingress`, `clsact`, ...). */
  kind: string;
  /** Its handle, `'1:'`; `'0:'` for the default qdiscs the kernel attaches. */
  handle: string;
  /** Where it attaches: `'root'`, `'ffff:fff1'` (ingress and clsact), or a class (`'1:10'`). */
  parent: string;
  /** Kind-specific options (absent for kinds without options). */
  options?: QdiscOptions;
  /** Shared filter block at ingress (clsact and ingress qdiscs). */
  ingressBlock?: number;
  /** Shared filter block at egress (clsact). */
  egressBlock?: number;
  /** Read-only: whether the device offloads it. Ignored by add(). */
  offloaded?: boolean;
  /** Read-only: the kernel's reference count of the qdisc (`refcnt`). Ignored by add(). */
  refcount?: number;
  /** Read-only: counters. Ignored by add(). */
  stats?: TcStatistics;
  /** Read-only: kind-specific counters (TCA_XSTATS), decoded for the kinds whose layout is known. Ignored by add(). */
  xstats?: Readonly<Record<string, number>> | Uint8Array;
}

/**
 * A qdisc to create, change or delete: a {@link Qdisc} where the interface may be a name, the
 * handle is optional (the kernel picks one), and handles may be written as numbers or aliases
 * (`'ingress'`, `'clsact'`).
 */
export interface QdiscSpec extends Omit<Qdisc, 'link' | 'handle' | 'parent' | 'kind' | 'options'> {
  /**
   * Kind-specific options; fields the kernel or tc default may be left out (a tbf still needs
   * `rate`, `burst` and `limit` or `latency`).
   */
  options?: QdiscOptionsSpec;
  /** The interface: index or name. */
  link: LinkRef;
  /** The kind. Optional for delete(). */
  kind?: string;
  /** The handle (`'1:'`); the kernel picks one when absent. */
  handle?: TcHandle;
  /** Where it attaches (`'root'`, `'ingress'`, `'clsact'`, `'1:10'`); default `'root'`. */
  parent?: TcHandle;
}

/** Filters for {@link Qdiscs.list}. */
export interface QdiscFilter {
  /** Only the qdiscs of this interface. */
  link?: LinkRef;
  /** Only qdiscs of this kind. */
  kind?: string;
  /** Only the qdisc with this handle. */
  handle?: TcHandle;
  /** Only qdiscs attached there. */
  parent?: TcHandle;
  /** Also the kernel's invisible qdiscs (TCA_DUMP_INVISIBLE), such as the mq children. */
  invisible?: boolean;
}

/** Whether `q` is a qdisc of kind `K` (narrows its options). */
export function isQdiscKind<K extends KnownQdiscKind>(q: Qdisc, kind: K): q is Qdisc & {
  /** The qdisc's kind. */
  kind: K;
  /** Its options, typed by kind. */
  options?: QdiscOptionsByKind[K];
} {
  return q.kind === kind;
}
