// Typed kernel events: a NETLINK_ROUTE socket joined to multicast groups, read without blocking the
// event loop, decoded with the same schemas as list(); list-then-watch without races; overrun
// (ENOBUFS) detection and resynchronisation by re-dumping; prompt cancellation.
//
// How watch() avoids gaps and duplicates: the event socket joins its groups before the dump is
// requested, so every change after the subscription is queued on it. After the dump, the queued
// messages are applied in order onto the dumped objects. A message that predates the dump
// re-applies a state the dump already shows (the kernel reports every later change of that object
// with a later message, applied after it), so applying in order gives the state as of the last
// message read. That state is emitted as the initial objects; later messages are applied to the
// tracked view and emitted only when they change it.
//
// After an overrun, the messages still queued predate the loss (the kernel reports ENOBUFS before
// the queued messages, and drops everything while the queue is congested), so applying them after
// a new dump could undo changes whose messages were lost: a resync discards the queue, re-dumps,
// applies what arrived since, and emits the differences from the view the consumer has.
//
// The kernel also changes some objects without any event (IPv4 routes and nexthops when a link goes
// down or loses its carrier, routes through a nexthop object that changed, IPv6 multipath routes
// announced path by path). A watch of those families listens for the causes (link and nexthop
// events, internally) and re-dumps the family concerned, emitting the differences.

import { Reader } from '../../netlink/bytes.js';
import { InvalidArgumentError, RtnetlinkError, SocketError } from '../../netlink/errors.js';
import { NLM_F_REPLACE } from '../../netlink/constants.js';
import { forEachMessage } from '../../netlink/message.js';
import { decodeContext } from '../../netlink/schema.js';
import type { NetlinkSocket } from '../../netlink/socket.js';
import type { Rtnl } from '../rtnl.js';
import {
  FAMILIES,
  FAMILY_GROUPS,
  GROUP_FAMILY,
  GROUP_SHORTHANDS,
  MESSAGE_TYPES,
  RTNL_GROUPS,
  equalObjects,
  routeBaseKey,
  type EventFamily,
  type EventObjects,
  type FamilyInfo,
  type GroupFamilies,
  type MonitorGroup,
  type RtnlGroupName,
} from './families.js';

export {
  GROUP_SHORTHANDS,
  RTNL_GROUPS,
  type EventFamily,
  type EventObjects,
  type GroupFamilies,
  type IgnoreTree,
  type MonitorGroup,
  type NeighObject,
  type NexthopObject,
  type NsidObject,
  type RouteObject,
  type RtnlGroupName,
  type RuleObject,
} from './families.js';

// ---------------------------------------------------------------------------------------------
// Events

/**
 * An object of family `F` was created or changed (`new`), or deleted (`del`). `object` has the
 * same shape as what the family's `list()` returns.
 */
export interface ObjectEventOf<F extends EventFamily> {
  /** `new`: created or changed (RTM_NEW*); `del`: deleted (RTM_DEL*). */
  readonly type: 'new' | 'del';
  /** The family of {@link ObjectEventOf.object}. */
  readonly family: F;
  /** The object as the kernel described it (for a `del`: its last state). */
  readonly object: EventObjects[F];
  /**
   * All-namespaces mode only: the nsid, as seen from the handle's namespace, of the namespace the
   * event came from. Absent for events of the handle's own namespace.
   */
  readonly nsid?: number;
  /** `watch()` only: part of the initial state, before the `synced` marker. */
  readonly initial?: true;
  /**
   * A difference found by re-dumping: after an `overrun`, a `resync()` call, a dump the kernel
   * flagged as interrupted by concurrent changes (dumped again shortly after), or a change the
   * kernel makes without an event (routes and nexthops after a link went down, routes through a
   * nexthop object that changed, multipath IPv6 routes changed path by path).
   */
  readonly resync?: true;
}

/** An object event of any of the families `F`: a union discriminated by `family`. */
export type ObjectEvent<F extends EventFamily = EventFamily> = { [K in F]: ObjectEventOf<K> }[F];

/**
 * The kernel dropped events because the socket's receive queue was full (ENOBUFS), or one
 * datagram was too large to read. Every loss is marked by an `overrun`; in tracking mode a
 * `resynced` follows once the view is repaired.
 */
export interface OverrunEvent {
  /** Discriminant. */
  readonly type: 'overrun';
}

/** `watch()`: the initial state is complete (every `initial` event came before this). */
export interface SyncedEvent {
  /** Discriminant. */
  readonly type: 'synced';
}

/** Tracking mode: the re-dump after an `overrun` (or a `resync()` call) was applied; the view is correct again. */
export interface ResyncedEvent {
  /** Discriminant. */
  readonly type: 'resynced';
}

/** What a monitor or watch yields: object events of the families `F`, and markers. */
export type MonitorEvent<F extends EventFamily = EventFamily> = ObjectEvent<F> | OverrunEvent | SyncedEvent | ResyncedEvent;

// ---------------------------------------------------------------------------------------------
// Options

/** Options of {@link monitor}. */
export interface MonitorOptions {
  /** Aborting it ends the stream (like {@link EventStream.close}). */
  signal?: AbortSignal;
  /**
   * Also receive the groups' events of every other namespace that has an nsid in the handle's
   * namespace (NETLINK_LISTEN_ALL_NSID); each such event carries `nsid`. Cannot be combined with
   * `resync`. Default false.
   */
  allNamespaces?: boolean;
  /**
   * Keep a view of the objects (from a dump taken when iteration starts, kept up to date by the
   * events) and, after an `overrun`, re-dump and emit the differences from it (flagged `resync`),
   * then `resynced`. Events are still passed through as the kernel sends them. Default false:
   * an `overrun` marker only.
   */
  resync?: boolean;
  /** The kernel's receive queue for the event socket, in bytes. Default 8 MiB. */
  receiveBufferSize?: number;
}

/** Options of {@link watch}. */
export interface WatchOptions {
  /** Aborting it ends the stream (like {@link EventStream.close}). */
  signal?: AbortSignal;
  /**
   * After an `overrun`, re-dump and emit the differences (flagged `resync`), then `resynced`.
   * Default true; false leaves only the `overrun` marker (the view may then be wrong).
   */
  resync?: boolean;
  /** The kernel's receive queue for the event socket, in bytes. Default 8 MiB. */
  receiveBufferSize?: number;
}

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * Subscribes to rtnetlink multicast groups of the handle's namespace and yields their events,
 * typed per family, as the kernel sends them. The subscription starts now (events from this call
 * on are queued); iterate with `for await`. Breaking out of the loop, {@link EventStream.close}
 * or aborting `options.signal` ends it and closes its socket.
 *
 * @example
 * ```ts
 * for await (const ev of monitor(rtnl, ['link', 'address'])) {
 *   if (ev.type === 'overrun') console.warn('events were lost');
 *   else if ((ev.type === 'new' || ev.type === 'del') && ev.family === 'link') console.log(ev.type, ev.object.name);
 * }
 * ```
 * @param groups - Group names ({@link RTNL_GROUPS}) or shorthands (`address`, `route`, `rule`).
 * @throws {@link InvalidArgumentError} for an unknown group, no group, or `allNamespaces` with `resync`.
 * @throws {@link SocketError} when the socket cannot be opened.
 */
export function monitor<G extends MonitorGroup>(
  rtnl: Rtnl,
  groups: G | readonly G[],
  options: MonitorOptions = {},
): EventStream<MonitorEvent<GroupFamilies[G]>> {
  const list = (typeof groups === 'string' ? [groups] : [...groups]) as MonitorGroup[];
  if (list.length === 0) throw new InvalidArgumentError('groups', 'name at least one group');
  const joined = new Set<RtnlGroupName>();
  for (const g of list) {
    if (Object.hasOwn(GROUP_SHORTHANDS, g)) for (const x of GROUP_SHORTHANDS[g as keyof typeof GROUP_SHORTHANDS]) joined.add(x);
    else if (Object.hasOwn(RTNL_GROUPS, g)) joined.add(g as RtnlGroupName);
    else throw new InvalidArgumentError('groups', `unknown group ${JSON.stringify(g)}; expected one of ${[...Object.keys(RTNL_GROUPS), ...Object.keys(GROUP_SHORTHANDS)].join(', ')}`);
  }
  if (options.allNamespaces && options.resync) {
    throw new InvalidArgumentError('resync', 'cannot be combined with allNamespaces: other namespaces cannot be re-dumped through this handle');
  }
  return new EventStream(rtnl, {
    groups: joined,
    mode: options.resync ? 'shadow' : 'raw',
    allNamespaces: options.allNamespaces ?? false,
    resync: true,
    receiveBufferSize: options.receiveBufferSize,
    signal: options.signal,
  });
}

/**
 * The current objects of one or more families, then every change after them, with no change
 * missed and none reported twice.
 *
 * Yields first every current object as a `new` event flagged `initial`, then a `synced` marker,
 * then changes: `new` for an object created or changed, `del` for one deleted. Events that would
 * not change the view are left out (a `new` equal to the object already reported, ignoring
 * counters and timers; a `del` of an unknown object). Objects are identified by a key per family:
 *
 * - link: `index`;
 * - address: `family`, `index`, `prefixlen`, `local`, `address`;
 * - route: `family`, table, `dst`/`dstLen`, `src`/`srcLen`, `tos`, `priority`, `oif`, `gateway`
 *   (a `new` flagged NLM_F_REPLACE by the kernel first deletes the routes with the same destination,
 *   table, tos and priority but another path);
 * - neigh: `family`, `ifindex`, `dst` (bridge FDB entries also `lladdr`, `vlan`, `vni`);
 * - rule: its whole content; nexthop: `id`; nsid: `nsid`.
 *
 * A view built by applying the events by these keys equals a fresh dump, compared without the
 * fields that change without an event (counters, timers, settings announced elsewhere): for links
 * `stats`, `stats64`, `xstats`, `change`, `event`, `afSpec.inet`/`afSpec.inet6`, the TSO/GSO/GRO
 * limits a bridge recomputes from its ports, and bridge timers; `cacheinfo` of addresses, routes
 * and neighbours; neighbour `probes`; nexthop `groupStats`. Not part of the view, because the
 * kernel does not announce them: links of family `bridge` (bridge port details), cloned IPv6
 * routes, proxy neighbours, FDB entries not managed by a bridge (`self` mirrors of device address
 * lists), IPv4/IPv6 neighbours without a state or `incomplete` or `noarp`, and IPv6 addresses
 * while `tentative` (they appear when duplicate address detection ends).
 *
 * Changes the kernel makes without an event are found by re-dumping and reported as events
 * flagged `resync`: routes and nexthops after a link goes down, comes up or loses its carrier;
 * routes through a nexthop object that changed; IPv6 multipath routes changed path by path; a
 * veth's `link` (its peer's index), known only after it was announced. A dump
 * the kernel keeps flagging as interrupted (objects changing throughout) is used, and repeated a
 * little later (20 ms, doubling up to 1 s) until a clean one confirms or corrects it.
 *
 * After an `overrun` (events lost), the view is re-dumped and the differences come as `resync`
 * events, followed by `resynced` (unless `options.resync` is false).
 *
 * @example
 * ```ts
 * const view = new Map<number, Link>();
 * for await (const ev of watch(rtnl, 'link')) {
 *   if (ev.type === 'new') view.set(ev.object.index, ev.object);
 *   else if (ev.type === 'del') view.delete(ev.object.index);
 * }
 * ```
 * @throws {@link InvalidArgumentError} for an unknown family.
 * @throws {@link SocketError} when the socket cannot be opened.
 */
export function watch<F extends EventFamily>(rtnl: Rtnl, family: F | readonly F[], options: WatchOptions = {}): EventStream<MonitorEvent<F>> {
  const list = (typeof family === 'string' ? [family] : [...family]) as EventFamily[];
  if (list.length === 0) throw new InvalidArgumentError('family', 'name at least one family');
  const joined = new Set<RtnlGroupName>();
  for (const f of list) {
    if (!Object.hasOwn(FAMILY_GROUPS, f)) throw new InvalidArgumentError('family', `unknown family ${JSON.stringify(f)}; expected one of ${Object.keys(FAMILY_GROUPS).join(', ')}`);
    for (const g of FAMILY_GROUPS[f]) joined.add(g);
  }
  return new EventStream(rtnl, {
    groups: joined,
    mode: 'watch',
    allNamespaces: false,
    resync: options.resync ?? true,
    receiveBufferSize: options.receiveBufferSize,
    signal: options.signal,
  });
}

// ---------------------------------------------------------------------------------------------
// The stream

type Obj = Record<string, unknown>;

/** raw: pass events through; shadow: also keep views for resync; watch: initial state, reconciled events. */
type Mode = 'raw' | 'shadow' | 'watch';

interface StreamConfig {
  groups: ReadonlySet<RtnlGroupName>;
  mode: Mode;
  allNamespaces: boolean;
  resync: boolean;
  receiveBufferSize: number | undefined;
  signal: AbortSignal | undefined;
}

/** Families the kernel changes without events when a link goes down or a nexthop changes. */
const SILENT: readonly EventFamily[] = ['route', 'nexthop'];

/** Datagrams read in one go before the event loop gets a turn. */
const BATCH = 64;
/** Read buffer of the event socket: event datagrams hold one message each, rarely above a few KiB. */
const READ_BUFFER = 256 * 1024;
/** Immediate attempts at a dump the kernel flags as interrupted, before using it and trying later. */
const DUMP_ATTEMPTS = 3;
/** First delay before dumping again after interrupted dumps, in ms; it doubles up to MAX_BACKOFF. */
const MIN_BACKOFF = 20;
const MAX_BACKOFF = 1000;

const LOST = Symbol('lost');

/** The objects of one family, by key; routes are also indexed by destination for NLM_F_REPLACE. */
class View {
  readonly map = new Map<string, Obj>();
  readonly #base: Map<string, Set<string>> | undefined;
  /** Set by {@link View.apply} when a route message touches a multipath route path by path. */
  ambiguous = false;

  constructor(readonly info: FamilyInfo) {
    if (info.family === 'route') this.#base = new Map();
  }

  set(key: string, o: Obj): void {
    this.map.set(key, o);
    if (this.#base) {
      const b = routeBaseKey(o);
      let keys = this.#base.get(b);
      if (!keys) this.#base.set(b, (keys = new Set()));
      keys.add(key);
    }
  }

  delete(key: string): void {
    const o = this.map.get(key);
    if (o === undefined) return;
    this.map.delete(key);
    if (this.#base) {
      const b = routeBaseKey(o);
      const keys = this.#base.get(b);
      keys?.delete(key);
      if (keys?.size === 0) this.#base.delete(b);
    }
  }

  /** Keys of the routes with the same destination, table, tos and priority as `o`. */
  siblings(o: Obj): string[] {
    return [...(this.#base?.get(routeBaseKey(o)) ?? [])];
  }

  /**
   * Applies one kernel message and returns the changes it makes to the view: nothing for a `new`
   * equal to what is there or a `del` of an unknown key.
   */
  apply(del: boolean, o: Obj, replace: boolean, groups: ReadonlySet<RtnlGroupName>, fromDump = false): { del: boolean; object: Obj }[] {
    if (!this.info.kind(o, groups)) return [];
    const key = this.info.key(o);
    if (this.#base && !fromDump && !this.map.has(key)) {
      const siblings = this.siblings(o);
      if (siblings.length > 0 && (o.nexthops !== undefined || siblings.some((k) => this.map.get(k)?.nexthops !== undefined))) this.ambiguous = true;
    }
    // An object that leaves the view (an IPv6 address tentative again) is deleted from it.
    if (!del && !this.info.announced(o)) {
      const prev = this.map.get(key);
      if (prev === undefined) return [];
      this.delete(key);
      return [{ del: true, object: prev }];
    }
    if (del) {
      if (!this.map.has(key)) return [];
      this.delete(key);
      return [{ del: true, object: o }];
    }
    const out: { del: boolean; object: Obj }[] = [];
    if (replace && this.#base) {
      for (const k of this.siblings(o)) {
        if (k === key) continue;
        out.push({ del: true, object: this.map.get(k) as Obj });
        this.delete(k);
      }
    }
    const prev = this.map.get(key);
    this.set(key, o);
    if (prev === undefined || !equalObjects(prev, o, this.info.volatile)) out.push({ del: false, object: o });
    return out;
  }
}

interface SyncRequest {
  /** Families to re-dump. */
  families: Set<EventFamily>;
  /** Discard the queue first (after a loss: queued messages may predate it). */
  discard: boolean;
  /** Emit a `resynced` marker at the end. */
  marker: boolean;
}

/**
 * An async iterable (and iterator) of events from {@link monitor} or {@link watch}. One consumer:
 * iterate it once. Iteration ends after {@link EventStream.close}, an aborted signal, or a `break`
 * out of `for await` (each closes the socket, promptly waking a pending wait, and frees the fd).
 * An error (a failed dump, undecodable bytes) rejects the pending `next()` and ends the stream.
 */
export class EventStream<E> implements AsyncIterableIterator<E> {
  readonly #rtnl: Rtnl;
  readonly #config: StreamConfig;
  readonly #socket: NetlinkSocket | undefined;
  readonly #queue: E[] = [];
  #head = 0;
  /** Families with a view (tracking modes). */
  readonly #tracked = new Set<EventFamily>();
  /** Families whose events are yielded. */
  readonly #emitted = new Set<EventFamily>();
  readonly #views = new Map<EventFamily, View>();
  /** Tracked families the kernel changes without events (routes, nexthops). */
  readonly #silent = new Set<EventFamily>();
  /** Each link's `up` and `lower-up` flags, to notice the kernel's silent changes. */
  readonly #linkUp = new Map<number, number>();
  #sync: SyncRequest | undefined;
  /** Tracking modes: the views were not built yet. */
  #needBaseline: boolean;
  #tail: Promise<unknown> = Promise.resolve();
  /** A pending re-dump waits until then (performance.now() ms): after interrupted dumps. */
  #syncNotBefore = 0;
  #backoff = MIN_BACKOFF;
  /** next() calls not settled yet. */
  #inFlight = 0;
  #sinceYield = 0;
  #closed = false;
  #error: unknown;
  #closedSignal!: () => void;
  readonly #closedPromise: Promise<void>;
  readonly #onAbort = (): void => this.close();

  /** @internal Use {@link monitor} or {@link watch}. */
  constructor(rtnl: Rtnl, config: StreamConfig) {
    this.#rtnl = rtnl;
    this.#config = config;
    this.#closedPromise = new Promise<void>((resolve) => (this.#closedSignal = resolve));
    for (const g of config.groups) this.#emitted.add(GROUP_FAMILY[g]);
    const tracking = config.mode !== 'raw';
    if (tracking) for (const f of this.#emitted) this.#tracked.add(f);
    this.#needBaseline = tracking;
    if (config.signal?.aborted) {
      this.#closed = true;
      this.#closedSignal();
      this.#socket = undefined;
      return;
    }
    const join = new Set<number>([...config.groups].map((g) => RTNL_GROUPS[g]));
    // The kernel changes routes and nexthops without telling when a link goes down or loses its
    // carrier, and routes when a nexthop they use changes: listen to those events too, to notice.
    for (const f of SILENT) if (this.#tracked.has(f)) this.#silent.add(f);
    if (this.#silent.size > 0) join.add(RTNL_GROUPS.link);
    if (this.#silent.has('route')) join.add(RTNL_GROUPS.nexthop);
    this.#socket = rtnl.openSocket({
      groups: [...join],
      readBufferSize: READ_BUFFER,
      extendedAck: false,
      strictCheck: false,
      ...(config.receiveBufferSize !== undefined ? { receiveBufferSize: config.receiveBufferSize } : {}),
    });
    try {
      if (config.allNamespaces) this.#socket.setListenAllNsid(true);
    } catch (e) {
      this.#socket.close();
      throw e;
    }
    config.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The event socket's file descriptor (for diagnostics; closed once the stream ends). */
  get fd(): number {
    return this.#socket?.fd ?? -1;
  }

  /** True once the stream has ended (closed, aborted, broken out of, or failed). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Returns this stream: it is its own iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next event; `done` once the stream has ended. Calls made before the previous one settles wait their turn. */
  next(): Promise<IteratorResult<E, undefined>> {
    // Fast path: nothing in flight and an event ready.
    if (this.#inFlight === 0 && this.#head < this.#queue.length) return Promise.resolve({ done: false, value: this.#shift() });
    this.#inFlight++;
    const run = (): Promise<IteratorResult<E, undefined>> => this.#next();
    const p = this.#tail.then(run, run).finally(() => this.#inFlight--);
    this.#tail = p.catch(() => undefined);
    return p;
  }

  #shift(): E {
    const value = this.#queue[this.#head++] as E;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    }
    return value;
  }

  /** Ends the stream (what `break` out of `for await` calls). */
  return(): Promise<IteratorResult<E, undefined>> {
    this.close();
    return Promise.resolve({ done: true, value: undefined });
  }

  /**
   * Ends the stream now: closes the socket (a pending wait wakes at once and the fd is freed
   * when the poller thread lets go of it), and pending and later `next()` calls resolve `done`.
   * Idempotent.
   */
  close(): void {
    this.#end(true);
  }

  #end(dropQueued: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#config.signal?.removeEventListener('abort', this.#onAbort);
    this.#socket?.close();
    if (dropQueued) {
      this.#queue.length = 0;
      this.#head = 0;
    }
    this.#closedSignal();
  }

  /**
   * Tracking modes (`watch()`, or `monitor()` with `resync`): re-dump every family at the next
   * read and emit the differences from the view (flagged `resync`), then `resynced`.
   * @throws {@link InvalidArgumentError} on a stream that keeps no view.
   */
  resync(): void {
    if (this.#tracked.size === 0) throw new InvalidArgumentError('resync', 'this stream keeps no view: use watch(), or monitor() with resync: true');
    this.#requestSync(this.#tracked, true, true);
  }

  async #next(): Promise<IteratorResult<E, undefined>> {
    for (;;) {
      if (this.#head < this.#queue.length) return { done: false, value: this.#shift() };
      if (this.#error !== undefined) {
        const e = this.#error;
        this.#error = undefined;
        throw e;
      }
      if (this.#closed) return { done: true, value: undefined };
      // A fill that outlives close() (a dump in progress) is left to finish on its own.
      const fill = this.#fill().catch((e: unknown) => {
        if (this.#closed) return;
        // Events already decoded are still delivered; then the error; then the end.
        this.#error = e;
        this.#end(false);
      });
      await Promise.race([fill, this.#closedPromise]);
    }
  }

  #push(e: unknown): void {
    this.#queue.push(e as E);
  }

  /** Reads what is queued on the socket (or waits for it), or runs a pending (re)sync. */
  async #fill(): Promise<void> {
    const sock = this.#socket as NetlinkSocket;
    if (this.#needBaseline) {
      this.#needBaseline = false;
      await this.#runSync({ families: new Set(this.#tracked), discard: false, marker: false }, true);
      return;
    }
    if (this.#syncDue()) {
      const req = this.#sync as SyncRequest;
      this.#sync = undefined;
      await this.#runSync(req, false);
      return;
    }
    if (this.#sinceYield >= BATCH) {
      this.#sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#closed) return;
    }
    for (let n = 0; n < BATCH && !this.#syncDue(); n++) {
      const d = this.#receive();
      if (d === null) {
        this.#sinceYield = 0;
        if (this.#head < this.#queue.length) return;
        // A deferred re-dump (after interrupted dumps) is due at #syncNotBefore.
        const timeout = this.#sync ? Math.max(1, this.#syncNotBefore - performance.now()) : Infinity;
        const ready = await sock.wait(timeout);
        if (!ready && !this.#closed && timeout === Infinity) throw new RtnetlinkError('waiting for events failed: the poller thread is gone');
        return;
      }
      this.#sinceYield++;
      if (d === LOST) this.#lost();
      else this.#datagram(d.data, d.nsid, undefined);
    }
  }

  #syncDue(): boolean {
    return this.#sync !== undefined && performance.now() >= this.#syncNotBefore;
  }

  #receive(): { data: Uint8Array; nsid: number | undefined } | null | typeof LOST {
    const sock = this.#socket as NetlinkSocket;
    try {
      if (this.#config.allNamespaces) {
        const d = sock.receiveWithNsid();
        return d === null ? null : { data: d.datagram, nsid: d.nsid };
      }
      const d = sock.receive();
      return d === null ? null : { data: d, nsid: undefined };
    } catch (e) {
      // ENOBUFS: the queue overflowed; EMSGSIZE: a datagram too large was dropped. Both lose events.
      if (e instanceof SocketError && (e.code === 'ENOBUFS' || e.code === 'EMSGSIZE')) return LOST;
      throw e;
    }
  }

  #lost(): void {
    this.#push({ type: 'overrun' } satisfies OverrunEvent);
    if (this.#tracked.size > 0 && this.#config.resync) this.#requestSync(this.#tracked, true, true);
  }

  /** Asks for a re-dump at the next read (or, `deferred`, not before #syncNotBefore). */
  #requestSync(families: Iterable<EventFamily>, discard: boolean, marker: boolean, deferred = false): void {
    if (!deferred) this.#syncNotBefore = 0;
    const req = (this.#sync ??= { families: new Set(), discard: false, marker: false });
    for (const f of families) req.families.add(f);
    req.discard ||= discard;
    req.marker ||= marker;
  }

  /**
   * Decodes one datagram. Messages of a family being re-dumped go to `targets` (applied, not
   * emitted); the others are emitted and applied to the views.
   */
  #datagram(data: Uint8Array, nsid: number | undefined, targets: Map<EventFamily, View> | undefined): void {
    const r = new Reader(data);
    const ctx = decodeContext();
    const groups = this.#config.groups;
    forEachMessage(r, (m) => {
      const t = MESSAGE_TYPES.get(m.type);
      if (t === undefined) return;
      const emitted = this.#emitted.has(t.family);
      const watchLink = t.family === 'link' && this.#silent.size > 0 && nsid === undefined;
      // Routes through a nexthop object change with it, without their own event.
      if (t.family === 'nexthop' && this.#silent.has('route') && this.#usesNexthops(targets)) this.#requestSync(['route'], false, false);
      if (!emitted && !watchLink) return;
      const info = FAMILIES[t.family];
      const o = info.decode ? info.decode(r, m.payloadOffset, m.end, ctx) : (info.schema.decode(r, m.payloadOffset, m.end, ctx) as Obj);
      const replace = (m.flags & NLM_F_REPLACE) !== 0;
      if (watchLink) this.#linkState(o, t.del);
      if (!emitted) return;
      // While a family is re-dumped, its messages go to the dump's result: a watch emits the
      // differences at the end; a monitor still passes every message through.
      const target = targets?.get(t.family);
      if (t.family === 'link' && !t.del) this.#vethPeer(o, target ?? this.#views.get('link'));
      if (target) {
        target.apply(t.del, o, replace, groups);
        if (this.#config.mode === 'shadow') this.#push(event(t.del, t.family, o, nsid, undefined));
        return;
      }
      const view = this.#views.get(t.family);
      const changes = view?.apply(t.del, o, replace, groups);
      // IPv6 multipath routes are reported path by path: the whole route must be dumped again.
      if (view?.ambiguous) {
        view.ambiguous = false;
        this.#requestSync([t.family], false, false);
      }
      if (this.#config.mode !== 'watch') this.#push(event(t.del, t.family, o, nsid, undefined));
      else for (const c of changes ?? []) this.#push(event(c.del, t.family, c.object, undefined, undefined));
    });
  }

  /**
   * A veth is announced before its peer exists, with `link` 0, and the kernel does not announce it
   * again once the peer has an index: when the peer appears naming it, dump the links again.
   */
  #vethPeer(o: Obj, view: View | undefined): void {
    if (view === undefined || typeof o.link !== 'number' || o.link <= 0) return;
    const peer = view.map.get(FAMILIES.link.key({ family: 'unspec', index: o.link }));
    if (peer !== undefined && peer.link === 0 && (peer.linkinfo as Obj | undefined)?.kind === 'veth') this.#requestSync(['link'], false, false);
  }

  /** Whether a tracked route uses a nexthop object. */
  #usesNexthops(targets: Map<EventFamily, View> | undefined): boolean {
    const view = targets?.get('route') ?? this.#views.get('route');
    if (view === undefined) return true;
    for (const o of view.map.values()) if (o.nexthopId !== undefined) return true;
    return false;
  }

  /**
   * Notices links going up or down (administratively or their carrier) or away: the kernel then
   * removes IPv4 routes and nexthops, or sets or clears the `linkdown` flag of routes, without
   * telling.
   */
  #linkState(o: Obj, del: boolean): void {
    if (o.family !== 'unspec' || typeof o.index !== 'number') return;
    const was = this.#linkUp.get(o.index);
    if (del) {
      this.#linkUp.delete(o.index);
      if (was !== undefined) this.#requestSync(this.#silent, false, false);
      return;
    }
    const state = linkState(o);
    this.#linkUp.set(o.index, state);
    if (was !== undefined && was !== state) this.#requestSync(this.#silent, false, false);
  }

  /**
   * Dumps `req.families`, applies the messages queued meanwhile, and brings the views to the
   * result: as the initial state (watch), silently (monitor's baseline), or as `resync` events.
   */
  async #runSync(req: SyncRequest, baseline: boolean): Promise<void> {
    for (;;) {
      if (req.discard) {
        // Queued messages may predate the loss; the dump supersedes them.
        for (let n = 0; ; n++) {
          if (this.#closed) return;
          const d = this.#receive();
          if (d === null) break;
          if (n % BATCH === BATCH - 1) await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      const targets = new Map<EventFamily, View>();
      // Families whose dump the kernel kept flagging as interrupted (objects changed meanwhile,
      // so one may be missing): used anyway, and dumped again a little later.
      const interrupted = new Set<EventFamily>();
      if (baseline && this.#silent.size > 0) {
        for (const l of (await FAMILIES.link.dump(this.#rtnl.connection)).items) {
          if (typeof l.index === 'number' && l.family === 'unspec') this.#linkUp.set(l.index, linkState(l));
        }
        if (this.#closed) return;
      }
      for (const f of req.families) {
        const info = FAMILIES[f];
        let res = await info.dump(this.#rtnl.connection);
        for (let k = 1; res.interrupted && k < DUMP_ATTEMPTS && !this.#closed; k++) res = await info.dump(this.#rtnl.connection);
        if (this.#closed) return;
        if (res.interrupted) interrupted.add(f);
        const view = new View(info);
        for (const o of res.items) view.apply(false, o, false, this.#config.groups, true);
        targets.set(f, view);
      }
      if (this.#closed) return;
      // Apply what was queued during the dump. A loss here starts over, discarding.
      let lost = false;
      for (let n = 0; ; n++) {
        const d = this.#receive();
        if (d === null) break;
        if (d === LOST) {
          lost = true;
          break;
        }
        this.#datagram(d.data, d.nsid, targets);
        if (n % BATCH === BATCH - 1) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (this.#closed) return;
        }
      }
      if (lost) {
        // The consumer has a view only after the initial state: only then is the loss reported.
        if (!(baseline && this.#config.mode === 'watch')) this.#push({ type: 'overrun' } satisfies OverrunEvent);
        req = { families: new Set([...req.families, ...this.#tracked]), discard: true, marker: req.marker || !baseline };
        continue;
      }
      for (const [f, target] of targets) {
        // A multipath route changed path by path while it was dumped: dump it again.
        if (target.ambiguous) {
          target.ambiguous = false;
          this.#requestSync([f], false, false);
        }
        const old = this.#views.get(f);
        this.#views.set(f, target);
        if (baseline) {
          if (this.#config.mode === 'watch') for (const o of target.map.values()) this.#push(event(false, f, o, undefined, 'initial'));
          continue;
        }
        const info = FAMILIES[f];
        for (const [k, o] of old?.map ?? []) if (!target.map.has(k)) this.#push(event(true, f, o, undefined, 'resync'));
        for (const [k, o] of target.map) {
          const prev = old?.map.get(k);
          if (prev === undefined || !equalObjects(prev, o, info.volatile)) this.#push(event(false, f, o, undefined, 'resync'));
        }
      }
      if (interrupted.size > 0) {
        // Later, unless something else asks for a re-dump now.
        if (this.#sync === undefined) this.#syncNotBefore = performance.now() + this.#backoff;
        this.#requestSync(interrupted, false, false, true);
        this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF);
      } else {
        this.#backoff = MIN_BACKOFF;
      }
      if (baseline && this.#config.mode === 'watch') this.#push({ type: 'synced' } satisfies SyncedEvent);
      if (req.marker && !baseline) this.#push({ type: 'resynced' } satisfies ResyncedEvent);
      return;
    }
  }
}

/** A link's `up` (bit 0) and `lower-up` (bit 1) flags. */
function linkState(o: Obj): number {
  const flags = Array.isArray(o.flags) ? o.flags : [];
  return (flags.includes('up') ? 1 : 0) | (flags.includes('lower-up') ? 2 : 0);
}

function event(del: boolean, family: EventFamily, object: Obj, nsid: number | undefined, flag: 'initial' | 'resync' | undefined): ObjectEvent {
  const e: { type: 'new' | 'del'; family: EventFamily; object: Obj; nsid?: number; initial?: true; resync?: true } = {
    type: del ? 'del' : 'new',
    family,
    object,
  };
  if (nsid !== undefined) e.nsid = nsid;
  if (flag === 'initial') e.initial = true;
  else if (flag === 'resync') e.resync = true;
  return e as ObjectEvent;
}
