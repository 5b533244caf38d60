// Shapes shared by the capture writer, the readers, the recorder and the replayer.

import { DecodeError } from '../errors.js';

/** Which way a datagram went, seen from the process that owns the netlink socket. */
export type CaptureDirection = 'sent' | 'received';

/** One netlink datagram read from a capture (pcap, pcapng or strace output). */
export interface CapturedDatagram {
  /** `sent` to the kernel (a request) or `received` from it (a reply, an ACK, a notification). */
  direction: CaptureDirection;
  /** The netlink protocol (family) of the socket, such as 0 for NETLINK_ROUTE. */
  protocol: number;
  /** When the datagram was captured, in seconds since the Unix epoch (0 when the capture has no time). */
  timestamp: number;
  /** The datagram: one or more netlink messages, in the host's byte order. */
  bytes: Uint8Array;
  /**
   * The datagram's length on the wire, present only when the capture kept fewer bytes than that
   * (a snapshot length cut it): {@link CapturedDatagram.bytes} is then incomplete.
   */
  originalLength?: number;
  /** The file descriptor the datagram went through, when the capture says (strace captures only). */
  fd?: number;
}

/**
 * Where a {@link RecordingTransport} puts what it sees: a pcap file ({@link PcapWriter}), memory, or
 * anything else with a `record` method.
 */
export interface CaptureSink {
  /**
   * Records one datagram. `bytes` are only valid during the call (the transport may reuse its
   * buffer): a sink that keeps them must copy them.
   */
  record(direction: CaptureDirection, bytes: Uint8Array): void;
  /** Flushes and releases the sink, if it holds anything. Called once by the owning transport's `close`. */
  close?(): void;
}

/**
 * The bytes are not a capture this library can read: not pcap or pcapng, truncated, inconsistent
 * block or record lengths, a link type other than LINKTYPE_NETLINK, or (for a replay) datagrams
 * that are not netlink messages. A {@link DecodeError} whose offset is in the file (the capture's
 * bytes) rather than in one message.
 */
export class CaptureFormatError extends DecodeError {
  /** The error's class name, `CaptureFormatError`. */
  override name = 'CaptureFormatError';

  /**
   * @param offset - Byte offset in the file where the problem was found; -1 when it concerns no
   * one place of a file.
   */
  constructor(message: string, offset = -1, options?: ErrorOptions) {
    super(message, offset);
    this.message = offset >= 0 ? `${message} (at offset ${offset})` : message;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
