// The events a monitor or watch yields, their options, and what a stream needs from the handle.

import type { Connection } from '../../netlink/connection.js';
import type { DecodeError } from '../../netlink/errors.js';
import type { NetlinkSocketOptions, ReceivedDatagram } from '../../netlink/socket.js';
import type { EventFamily, EventObjects } from './families.js';

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

/**
 * A message from the kernel that did not decode. The stream goes on; in tracking mode the families
 * concerned are re-dumped (the message may have announced a change), and the differences come as
 * `resync` events. Counted in {@link EventStream.dropped}.
 */
export interface MalformedEvent {
  /** Discriminant. */
  readonly type: 'malformed';
  /**
   * The message's nlmsg_type, such as 16 for RTM_NEWLINK; absent when the datagram's framing
   * itself is broken (then `bytes` is the rest of the datagram from the broken header on).
   */
  readonly messageType?: number;
  /** The message's bytes, header included (a copy). */
  readonly bytes: Uint8Array;
  /** Why it did not decode (its offset is within `bytes`' message as given to the decoder). */
  readonly error: DecodeError;
  /** All-namespaces mode only: the nsid of the namespace the message came from. */
  readonly nsid?: number;
}

/** What a monitor or watch yields: object events of the families `F`, markers, and malformed messages. */
export type MonitorEvent<F extends EventFamily = EventFamily> = ObjectEvent<F> | OverrunEvent | SyncedEvent | ResyncedEvent | MalformedEvent;

/**
 * Messages a stream received and did not deliver as object events ({@link EventStream.dropped}).
 */
export interface DropCounts {
  /**
   * Datagrams whose sender was not the kernel (a source port id other than 0). Any process with
   * CAP_NET_ADMIN in the namespace can send to a multicast group; like iproute2 and libnl, a stream
   * accepts only what the kernel sent, and counts the rest here without reporting each one.
   */
  notFromKernel: number;
  /** Messages from the kernel that did not decode; each was also yielded as a `malformed` event. */
  malformed: number;
}

// ---------------------------------------------------------------------------------------------
// Options

/** Options of {@link Rtnl.monitor} (and of `monitor()` in `rtnetlink/netlink`). */
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
  /**
   * The kernel's receive queue for the event socket, in bytes: a cap on what may wait to be read
   * (the kernel charges only what is queued). Default 32 MiB. Without CAP_NET_ADMIN it is capped at
   * net.core.rmem_max.
   */
  receiveBufferSize?: number;
}

/** Options of {@link Rtnl.watch} (and of `watch()` in `rtnetlink/netlink`). */
export interface WatchOptions {
  /** Aborting it ends the stream (like {@link EventStream.close}). */
  signal?: AbortSignal;
  /**
   * After an `overrun`, re-dump and emit the differences (flagged `resync`), then `resynced`.
   * Default true; false leaves only the `overrun` marker (the view may then be wrong).
   */
  resync?: boolean;
  /**
   * The kernel's receive queue for the event socket, in bytes: a cap on what may wait to be read
   * (the kernel charges only what is queued). Default 32 MiB. Without CAP_NET_ADMIN it is capped at
   * net.core.rmem_max.
   */
  receiveBufferSize?: number;
}

/** What a stream reads events from: a `NetlinkSocket` joined to the groups is one. */
export interface EventSocket {
  /** The file descriptor (for diagnostics). */
  readonly fd: number;
  /** Reads up to `max` queued datagrams, each with its sender; empty when none is queued. */
  receiveMany(max: number): ReceivedDatagram[];
  /** Resolves `true` when a datagram can be read, `false` after the timeout or on close. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Turns NETLINK_LISTEN_ALL_NSID on or off. */
  setListenAllNsid(on: boolean): void;
  /** Closes the socket; a pending wait resolves `false` promptly. */
  close(): void;
}

/**
 * What a stream needs from the handle it belongs to: an `Rtnl` handle is one. Streams open their own
 * socket through it (in the handle's namespace), dump through its connection, and end when it
 * closes.
 */
export interface EventHost {
  /** The request engine, for the dumps of tracking streams. */
  readonly connection: Connection;
  /** Aborted when the handle closes: every stream of the handle then ends. */
  readonly closeSignal: AbortSignal;
  /** Opens a socket in the handle's namespace, joined to `options.groups`; the stream owns and closes it. */
  openSocket(options: Omit<NetlinkSocketOptions, 'netnsFd'>): EventSocket;
}

export type { ReceivedDatagram } from '../../netlink/socket.js';
