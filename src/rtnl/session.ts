// What every handle stands on: one NETLINK_ROUTE socket in one network namespace (held open),
// its request engine, and the links of that namespace, which every other kind names its objects
// by. Rtnl builds all the kinds on a session; the command line builds only those a command uses,
// so that `rtnl link show` loads the link modules and not tc's, routes' or the event streams'
// (its start-up is most of a short command's time).

import { Connection, type ConnectionOptions } from '../netlink/connection.js';
import { MAX_RECEIVE_BUFFER_SIZE, NetlinkSocket, checkSocketOptions, type NetlinkSocketOptions } from '../netlink/socket.js';
import { RtnetlinkError } from '../netlink/errors.js';
import { checkInt, checkOptions, checkString } from '../netlink/args.js';
import { checkEngineOptions, checkTransport } from '../netlink/options.js';
import type { Transport } from '../netlink/transport.js';
import { checkNetnsRef, openNetns, type NetnsRef, type OpenNetns } from '../ns/ref.js';
import { RecordingTransport } from '../netlink/capture/recorder.js';
import { Links } from './link/links.js';
import { RTM_TYPE_NAMES } from './schemas/types.js';

/** Options of {@link Rtnl.open}. */
export interface RtnlOptions extends Omit<ConnectionOptions, 'typeName' | 'attributePath'> {
  /**
   * The network namespace to work in: a name under /run/netns, a path, `{ pid }` or `{ fd }`.
   * The handle works there whatever namespace the process is in. Default: the calling thread's.
   */
  netns?: NetnsRef;
  /** Bytes of kernel receive buffer for the socket. Default 8 MiB (enough for large dumps). */
  receiveBufferSize?: number;
  /**
   * Use this transport instead of a kernel socket: a fake kernel, or a replayed capture.
   * `netns` and `receiveBufferSize` are then ignored.
   */
  transport?: Transport;
  /**
   * Record every message this handle sends and receives to a pcap file (LINKTYPE_NETLINK, as
   * nlmon and tcpdump write it; Wireshark and tshark decode it). Replay it later with
   * `Rtnl.open({ transport: ReplayTransport.fromFile(path) })`.
   */
  capture?: string;
}

/**
 * A NETLINK_ROUTE socket in one namespace with its request engine and its links; the host of event
 * streams (it opens their sockets in its namespace and ends them when it closes).
 * @internal What {@link Rtnl} and the command line build the kinds on.
 */
export class Session {
  /** The links of the session's namespace (able to reach other namespaces' links). */
  readonly links: Links;
  // Made when first asked for (closeSignal, by an event stream): Node loads AbortController on
  // first use, 0.5 ms and 10 page faults of a command such as `rtnl link show`, which has none.
  #closing: AbortController | undefined;
  #closed = false;

  private constructor(
    /** The request engine on the session's socket. */
    readonly connection: Connection,
    /** The namespace the socket was opened in, held open for the session's life. */
    readonly netns: OpenNetns | undefined,
  ) {
    // A link created in another namespace is read back (and finished) through a session there.
    this.links = new Links(connection, (netns) => {
      const there = Session.open({ netns });
      return { links: there.links, close: () => there.close() };
    });
  }

  /**
   * Opens a session on a new NETLINK_ROUTE socket, inside `options.netns` if given.
   * @throws {@link NamespaceNotFoundError} when the namespace does not exist.
   * @throws {@link SocketError} when the socket cannot be opened.
   * @throws {@link InvalidArgumentError} naming a bad or unknown option, before anything is opened.
   */
  static open(options: RtnlOptions = {}): Session {
    checkRtnlOptions(options);
    let transport = options.transport;
    // The namespace stays open for the session's life: monitors and helpers open more sockets in it.
    const ns = !transport && options.netns !== undefined ? openNetns(options.netns) : undefined;
    // Whatever fails from here releases what was taken: the namespace fd and the socket.
    try {
      transport ??= NetlinkSocket.open({
        ...(ns ? { netnsFd: ns.fd } : {}),
        ...(options.receiveBufferSize !== undefined ? { receiveBufferSize: options.receiveBufferSize } : {}),
      });
      if (options.capture !== undefined) {
        const inner = transport;
        try {
          transport = RecordingTransport.toFile(inner, options.capture);
        } catch (err) {
          // A transport the caller passed in stays theirs; a socket opened here is closed.
          if (!options.transport) inner.close();
          throw err;
        }
      }
    } catch (err) {
      ns?.close();
      throw err;
    }
    const connection = new Connection(transport, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.dumpInterrupted !== undefined ? { dumpInterrupted: options.dumpInterrupted } : {}),
      ...(options.dumpRetries !== undefined ? { dumpRetries: options.dumpRetries } : {}),
      typeName: (type) => RTM_TYPE_NAMES[type],
      // Attribute paths in errors: each kind built on the connection names its own messages'
      // (Connection.nameAttributes), so a command that builds only the link kinds does not load
      // every family's schema for its errors.
    });
    return new Session(connection, ns);
  }

  /** Aborted when the session closes: its event streams listen to it and end. */
  get closeSignal(): AbortSignal {
    if (this.#closing === undefined) {
      this.#closing = new AbortController();
      if (this.#closed) this.#closing.abort();
    }
    return this.#closing.signal;
  }

  /** Opens another NETLINK_ROUTE socket in the session's namespace; the caller owns and closes it. */
  openSocket(options: Omit<NetlinkSocketOptions, 'netnsFd'> = {}): NetlinkSocket {
    checkSocketOptions(options, ['protocol', 'groups', 'receiveBufferSize', 'readBufferSize', 'extendedAck', 'strictCheck']);
    if (this.#closed || this.connection.transport.closed) throw new RtnetlinkError('the handle is closed');
    return NetlinkSocket.open({ ...options, ...(this.netns ? { netnsFd: this.netns.fd } : {}) });
  }

  /** Ends the event streams, closes the socket (pending requests fail), then the namespace. Idempotent. */
  close(): void {
    this.#closed = true;
    try {
      this.#closing?.abort();
    } finally {
      try {
        this.connection.close();
      } finally {
        this.netns?.close();
      }
    }
  }
}

const RTNL_OPTIONS = ['netns', 'receiveBufferSize', 'transport', 'capture', 'timeoutMs', 'dumpInterrupted', 'dumpRetries'] as const;

/** @throws {@link InvalidArgumentError} naming the bad option of {@link Rtnl.open}. */
function checkRtnlOptions(options: RtnlOptions | undefined): void {
  const o = checkOptions(options, 'options', RTNL_OPTIONS);
  if (o.netns !== undefined) checkNetnsRef(o.netns);
  checkInt('receiveBufferSize', o.receiveBufferSize, 1, MAX_RECEIVE_BUFFER_SIZE);
  if (o.transport !== undefined) checkTransport('transport', o.transport);
  checkString('capture', o.capture);
  checkEngineOptions(o, RTNL_OPTIONS);
}
