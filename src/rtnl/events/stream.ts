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
import { DecodeError, InvalidArgumentError, RtnetlinkError, SocketError } from '../../netlink/errors.js';
import { NLMSG_HDRLEN, NLM_F_REPLACE } from '../../netlink/constants.js';
import { forEachMessage, type MessageView } from '../../netlink/message.js';
import { decodeContext } from '../../netlink/schema/index.js';
import { RECEIVE_MANY_MAX, type ReceivedDatagram } from '../../netlink/socket.js';
import { FAMILIES, MESSAGE_TYPES, RTNL_GROUPS, equalObjects, type EventFamily, type FamilyInfo, type RtnlGroupName } from './families.js';
import type { DropCounts, EventHost, EventSocket, MalformedEvent, ObjectEvent, OverrunEvent, ResyncedEvent, SyncedEvent } from './types.js';
import { View, type Obj } from './view.js';

/** raw: pass events through; shadow: also keep views for resync; watch: initial state, reconciled events. */
export type Mode = 'raw' | 'shadow' | 'watch';

/** @internal What `monitor()` and `watch()` ask of a stream. */
export interface StreamConfig {
  groups: ReadonlySet<RtnlGroupName>;
  /** The families whose events are yielded (the groups may carry others: the tc group has three). */
  families: ReadonlySet<EventFamily>;
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
/**
 * The event socket's receive queue unless given. Events come in bursts (a link going down takes
 * its routes, neighbours and addresses with it; a routing daemon installs thousands of routes at
 * once), and a consumer whose code V8 has not optimised yet reads several times slower than later:
 * with 8 MiB, a C program making 240k route changes per second overran the queue within the first
 * 100 ms (after 3,712 events); with 16, 32 or 64 MiB nothing was lost (3 runs each). It is a cap,
 * not an allocation: the kernel charges only what is queued (systemd-networkd asks for 128 MiB).
 */
const EVENT_RECEIVE_BUFFER = 32 * 1024 * 1024;
/** Immediate attempts at a dump the kernel flags as interrupted, before using it and trying later. */
const DUMP_ATTEMPTS = 3;
/** First delay before dumping again after interrupted dumps, in ms; it doubles up to MAX_BACKOFF. */
const MIN_BACKOFF = 20;
const MAX_BACKOFF = 1000;

const LOST = Symbol('lost');

interface SyncRequest {
  /** Families to re-dump. */
  families: Set<EventFamily>;
  /** Discard the queue first (after a loss: queued messages may predate it). */
  discard: boolean;
  /** Emit a `resynced` marker at the end. */
  marker: boolean;
}

/**
 * An async iterable (and iterator) of events from `monitor()` or `watch()`. One consumer: iterate
 * it once. Iteration ends after {@link EventStream.close}, an aborted signal, the handle's
 * `close()`, or a `break` out of `for await` (each closes the socket, promptly waking a pending
 * wait, and frees the fd). A failed dump or socket error rejects the pending `next()` and ends the
 * stream.
 *
 * Only what the kernel sent is delivered: datagrams from any other sender (another process's
 * socket can send to a multicast group) are dropped and counted in {@link EventStream.dropped}. A
 * message that does not decode does not end the stream: it is yielded as a `malformed` event
 * (with its bytes and the DecodeError), counted, and reading goes on.
 */
export class EventStream<E> implements AsyncIterableIterator<E> {
  readonly #host: EventHost;
  readonly #config: StreamConfig;
  readonly #socket: EventSocket | undefined;
  /** Datagrams read by the last receiveMany and not handled yet. */
  #received: ReceivedDatagram[] = [];
  #receivedHead = 0;
  readonly #dropped: DropCounts = { notFromKernel: 0, malformed: 0 };
  readonly #queue: E[] = [];
  #head = 0;
  /** Families with a view (tracking modes). */
  readonly #tracked = new Set<EventFamily>();
  /** Families whose events are yielded. */
  readonly #emitted = new Set<EventFamily>();
  readonly #views = new Map<EventFamily, View>();
  /** Tracked families the kernel changes without events (routes, nexthops). */
  readonly #silent = new Set<EventFamily>();
  /** Tracked families whose objects go with their link without events (tc). */
  readonly #withLink = new Set<EventFamily>();
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
  constructor(host: EventHost, config: StreamConfig) {
    this.#host = host;
    this.#config = config;
    this.#closedPromise = new Promise<void>((resolve) => (this.#closedSignal = resolve));
    for (const f of config.families) this.#emitted.add(f);
    const tracking = config.mode !== 'raw';
    if (tracking) for (const f of this.#emitted) this.#tracked.add(f);
    this.#needBaseline = tracking;
    if (host.closeSignal.aborted) throw new RtnetlinkError('the handle is closed');
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
    // tc objects go with their link without events of their own.
    for (const f of this.#tracked) if (FAMILIES[f].goWithLink) this.#withLink.add(f);
    if (this.#silent.size > 0 || this.#withLink.size > 0) join.add(RTNL_GROUPS.link);
    if (this.#silent.has('route')) join.add(RTNL_GROUPS.nexthop);
    this.#socket = host.openSocket({
      groups: [...join],
      readBufferSize: READ_BUFFER,
      extendedAck: false,
      strictCheck: false,
      receiveBufferSize: config.receiveBufferSize ?? EVENT_RECEIVE_BUFFER,
    });
    try {
      if (config.allNamespaces) this.#socket.setListenAllNsid(true);
    } catch (e) {
      this.#socket.close();
      throw e;
    }
    config.signal?.addEventListener('abort', this.#onAbort, { once: true });
    host.closeSignal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /**
   * What the stream received and did not deliver as object events: datagrams not sent by the
   * kernel (forged multicast), and messages that did not decode. A live view (the counts keep
   * growing); copy it to keep a snapshot.
   */
  get dropped(): Readonly<DropCounts> {
    return this.#dropped;
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
    this.#host.closeSignal.removeEventListener('abort', this.#onAbort);
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
    const sock = this.#socket as EventSocket;
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

  /**
   * The next datagram from the kernel: datagrams of other senders are dropped and counted here,
   * before anything decodes them.
   */
  #receive(): { data: Uint8Array; nsid: number | undefined } | null | typeof LOST {
    for (;;) {
      if (this.#receivedHead < this.#received.length) {
        const d = this.#received[this.#receivedHead++] as ReceivedDatagram;
        if (this.#receivedHead === this.#received.length) {
          this.#received = [];
          this.#receivedHead = 0;
        }
        // Too large to read whole (EMSGSIZE): its events are lost.
        if (d.truncated) return LOST;
        if (d.senderPortId !== 0) {
          this.#dropped.notFromKernel++;
          continue;
        }
        return { data: d.datagram, nsid: d.nsid };
      }
      const sock = this.#socket as EventSocket;
      try {
        this.#received = sock.receiveMany(RECEIVE_MANY_MAX);
      } catch (e) {
        // ENOBUFS: the queue overflowed; EMSGSIZE: a datagram too large was dropped. Both lose events.
        if (e instanceof SocketError && (e.code === 'ENOBUFS' || e.code === 'EMSGSIZE')) return LOST;
        throw e;
      }
      this.#receivedHead = 0;
      if (this.#received.length === 0) return null;
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
    // A DecodeError out of forEachMessage itself (not out of the callback) is broken framing.
    let framing = true;
    try {
      forEachMessage(r, (m) => {
        framing = false;
        this.#message(r, m, ctx, data, nsid, targets, groups);
        framing = true;
      });
    } catch (e) {
      if (!framing || !(e instanceof DecodeError)) throw e;
      // The rest of the datagram cannot be split into messages; any tracked family may have changed.
      this.#malformed(data.slice(e.offset), undefined, e, nsid, this.#tracked);
    }
  }

  /** One message of a datagram: decoded, applied to the views, emitted. */
  #message(
    r: Reader,
    m: MessageView,
    ctx: ReturnType<typeof decodeContext>,
    data: Uint8Array,
    nsid: number | undefined,
    targets: Map<EventFamily, View> | undefined,
    groups: ReadonlySet<RtnlGroupName>,
  ): void {
    {
      const t = MESSAGE_TYPES.get(m.type);
      if (t === undefined) return;
      const emitted = this.#emitted.has(t.family);
      const watchLink = t.family === 'link' && (this.#silent.size > 0 || this.#withLink.size > 0) && nsid === undefined;
      // Routes through a nexthop object change with it, without their own event.
      if (t.family === 'nexthop' && this.#silent.has('route') && this.#usesNexthops(targets)) this.#requestSync(['route'], false, false);
      if (!emitted && !watchLink) return;
      const info = FAMILIES[t.family];
      let o: Obj;
      try {
        o = info.fromWire(info.schema.decode(r, m.payloadOffset, m.end, ctx));
      } catch (e) {
        const bytes = data.slice(m.offset, m.end);
        this.#malformed(bytes, m.type, messageError(info, bytes, e), nsid, [t.family]);
        return;
      }
      const replace = (m.flags & NLM_F_REPLACE) !== 0;
      if (watchLink) this.#linkState(o, t.del);
      if (!emitted) return;
      // While a family is re-dumped, its messages go to the dump's result: a watch emits the
      // differences at the end; a monitor still passes every message through.
      const target = targets?.get(t.family);
      if (t.family === 'link' && !t.del) this.#vethPeer(o, target ?? this.#views.get('link'));
      if (info.silentChanges && this.#tracked.has(t.family)) this.#silentChanges(info, o, t.del, target ?? this.#views.get(t.family));
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
    }
  }

  /**
   * A message that did not decode: yielded as a `malformed` event and counted. It may have
   * announced a change, so the tracked families concerned are dumped again.
   */
  #malformed(bytes: Uint8Array, messageType: number | undefined, error: unknown, nsid: number | undefined, families: Iterable<EventFamily>): void {
    this.#dropped.malformed++;
    const e: { -readonly [K in keyof MalformedEvent]: MalformedEvent[K] } = { type: 'malformed', bytes, error: asDecodeError(error) };
    if (messageType !== undefined) e.messageType = messageType;
    if (nsid !== undefined) e.nsid = nsid;
    this.#push(e);
    const redump = [...families].filter((f) => this.#tracked.has(f));
    if (redump.length > 0) this.#requestSync(redump, false, false);
  }

  /**
   * A veth is announced before its peer exists, with `link` 0, and the kernel does not announce it
   * again once the peer has an index: when the peer appears naming it, dump the links again.
   */
  #vethPeer(o: Obj, view: View | undefined): void {
    if (view === undefined || typeof o.link !== 'number' || o.link <= 0) return;
    const peer = view.map.get(FAMILIES.link.key({ family: 'unspec', index: o.link }));
    if (peer !== undefined && peer.link === 0 && peer.kind === 'veth') this.#requestSync(['link'], false, false);
  }

  /**
   * The families the kernel may have changed without events when it announced `o` (a kind's
   * `silentChanges`: tc objects created or removed along with others): dumped again if tracked.
   */
  #silentChanges(info: FamilyInfo, o: Obj, del: boolean, view: View | undefined): void {
    const has = (key: string): boolean => view?.map.has(key) ?? false;
    const redump = (info.silentChanges?.(o, del, has) ?? []).filter((f): f is EventFamily => this.#tracked.has(f as EventFamily));
    if (redump.length > 0) this.#requestSync(redump, false, false);
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
    if (!FAMILIES.link.kind(o, this.#config.groups) || typeof o.index !== 'number') return;
    if (del && this.#withLink.size > 0) this.#requestSync(this.#withLink, false, false);
    if (this.#silent.size === 0) return;
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
        for (const l of (await FAMILIES.link.dump(this.#host.connection)).items) {
          if (typeof l.index === 'number' && FAMILIES.link.kind(l, this.#config.groups)) this.#linkUp.set(l.index, linkState(l));
        }
        if (this.#closed) return;
      }
      for (const f of req.families) {
        const info = FAMILIES[f];
        let res = await info.dump(this.#host.connection);
        for (let k = 1; res.interrupted && k < DUMP_ATTEMPTS && !this.#closed; k++) res = await info.dump(this.#host.connection);
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
  return e as unknown as ObjectEvent;
}

/** Any failure to decode, as a DecodeError (a mapping may refuse a value with another error). */
function asDecodeError(e: unknown): DecodeError {
  if (e instanceof DecodeError) return e;
  return new DecodeError(e instanceof Error ? `${e.name}: ${e.message}` : String(e), 0);
}

/**
 * The error of decoding `bytes` (one whole message) on its own, so that its offset counts from the
 * message's first byte; `original` if that decode does not fail the same way.
 */
function messageError(info: FamilyInfo, bytes: Uint8Array, original: unknown): DecodeError {
  try {
    info.schema.decode(new Reader(bytes), NLMSG_HDRLEN, bytes.length, decodeContext());
  } catch (e) {
    return asDecodeError(e);
  }
  return asDecodeError(original);
}
