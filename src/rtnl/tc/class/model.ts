// The public shape of a traffic class (a class of a classful qdisc, such as an htb class), used
// both ways: what Classes.list() and events return is accepted by add(), replace(), change() and
// delete().

import type { LinkRef } from '../../link/links.js';
import type { TcHandle } from '../common/handle.js';
import type { TcStatistics } from '../common/stats.js';
import type { RateSettings } from '../qdisc/model.js';

/**
 * Options of an `htb` class. Rates in bits per second, bursts in bytes.
 *
 * The kernel keeps bursts as times (64 ns ticks at the rate, computed as tc computes them: whole
 * microseconds, rounded down), so a listed burst is the smallest byte count giving the same time;
 * given back, it means exactly the same to the kernel.
 */
export interface HtbClassOptions extends RateSettings {
  /** The guaranteed rate in bits per second (`rate 4mbit` is 4_000_000). Rates of 2^32 bytes per second and more go in the 64-bit attributes, as tc sends them. */
  rate: number;
  /** The most the class may borrow up to, in bits per second (`ceil`); default: the rate. */
  ceil: number;
  /** Bytes that may be sent at full speed above the rate (`burst`); default, as tc: rate / 10^9 + mtu. */
  burst: number;
  /** Bytes that may be sent at full speed above the ceil (`cburst`); default, as tc: ceil / 10^9 + mtu. */
  cburst: number;
  /** Priority among siblings when borrowing, 0 (first) to 7 (`prio`); default 0. */
  prio: number;
  /**
   * Bytes a leaf class sends per round when borrowing (`quantum`). Given 0 or left out, the kernel
   * computes it from the rate and the qdisc's r2q (and lists that value).
   */
  quantum: number;
  /** Read-only: the class's level in the tree (0 for a leaf). Ignored by add(). */
  level?: number;
  /**
   * Input only: the packet size the rate tables are computed for (tc's `mtu`, default 1600). It
   * also enters the default bursts.
   */
  mtu?: number;
}

/** Class options by the kind of the qdisc the class belongs to. */
export interface ClassOptionsByKind {
  /** Hierarchical token bucket. */
  htb: HtbClassOptions;
}

/** A class kind this library knows the options of. */
export type KnownClassKind = keyof ClassOptionsByKind;

/** The options of a class: typed for htb; the raw TCA_OPTIONS payload (kept byte for byte) for other kinds. */
export type ClassOptions = ClassOptionsByKind[KnownClassKind] | Uint8Array;

/** Options as add() takes them: an htb class needs its `rate`; the rest has tc's defaults. */
export type ClassOptionsSpec = Partial<HtbClassOptions> | Uint8Array;

/** The counters tc prints for an htb class (struct tc_htb_xstats). */
export interface HtbClassXstats {
  /** Packets sent at the class's own rate (tc's `lended`). */
  lends: number;
  /** Packets sent with tokens borrowed from an ancestor. */
  borrows: number;
  /** Packets larger than the mtu of the rate table. */
  giants: number;
  /** Tokens left for the rate, in 64 ns ticks. */
  tokens: number;
  /** Tokens left for the ceil, in 64 ns ticks. */
  ctokens: number;
}

/**
 * A traffic class, as `tc class show` lists it. The same shape is accepted by
 * `rtnl.classes.add()`, `replace()`, `change()` and `delete()`.
 */
export interface TrafficClass {
  /** The interface index. */
  link: number;
  /** The kind: that of the qdisc the class belongs to (`htb`). */
  kind: string;
  /** The class id, `'1:10'`. */
  handle: string;
  /** The parent class (`'1:1'`), or `'root'` for a class directly under its qdisc. */
  parent: string;
  /** Kind-specific options. */
  options?: ClassOptions;
  /** Read-only: the handle of the qdisc attached to the class (`'20:'`), when one is (tc's `leaf`). Ignored by add(). */
  leaf?: string;
  /** Read-only: counters. Ignored by add(). */
  stats?: TcStatistics;
  /** Read-only: kind-specific counters (for htb, {@link HtbClassXstats}). Ignored by add(). */
  xstats?: Readonly<Record<string, number>> | Uint8Array;
}

/**
 * A class to create, change or delete: a {@link TrafficClass} where the interface may be a name,
 * handles may be numbers, and the parent may be left out (a new class then goes directly under
 * the qdisc named by the class id's major number).
 */
export interface TrafficClassSpec extends Omit<TrafficClass, 'link' | 'kind' | 'handle' | 'parent' | 'options'> {
  /** The interface: index or name. */
  link: LinkRef;
  /** The kind (`htb`). Optional for delete(). */
  kind?: string;
  /** The class id (`'1:10'`); its major number names the qdisc. */
  handle: TcHandle;
  /** The parent class (`'1:1'`), the qdisc (`'1:'`) or `'root'`. */
  parent?: TcHandle;
  /** Kind-specific options (an htb class needs at least `rate`). */
  options?: ClassOptionsSpec;
}

/** Filters for {@link Classes.list}. */
export interface ClassFilter {
  /** Only the classes of this interface (the kernel lists classes per interface). */
  link?: LinkRef;
  /** Only the classes of this qdisc (`'1:'`); the kernel applies it. */
  qdisc?: TcHandle;
  /** Only the class with this id. */
  handle?: TcHandle;
  /** Only the children of this class (or `'root'`). */
  parent?: TcHandle;
  /** Only classes of this kind. */
  kind?: string;
}
