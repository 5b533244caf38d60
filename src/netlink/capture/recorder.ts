// A Transport that records every datagram it moves, for debugging (open the pcap in Wireshark) and
// for replaying a session later without a kernel (ReplayTransport).

import { copyBytes } from '../bytes.js';
import type { Transport } from '../transport.js';
import { PcapWriter, type PcapWriterOptions } from './pcap.js';
import type { CaptureDirection, CapturedDatagram, CaptureSink } from './types.js';

/** Options of {@link RecordingTransport.inMemory}. */
export interface MemoryCaptureOptions {
  /** The netlink protocol to note on every datagram. Default 0, NETLINK_ROUTE. */
  protocol?: number;
}

/** A {@link CaptureSink} that keeps copies of the datagrams in an array. */
export class MemoryCaptureSink implements CaptureSink {
  /** The datagrams recorded so far, in order. */
  readonly datagrams: CapturedDatagram[] = [];
  readonly #protocol: number;

  constructor(options: MemoryCaptureOptions = {}) {
    this.#protocol = options.protocol ?? 0;
  }

  /** Appends a copy of `bytes` (never a view: a Buffer's `slice` would be one), timestamped now. */
  record(direction: CaptureDirection, bytes: Uint8Array): void {
    this.datagrams.push({ direction, protocol: this.#protocol, timestamp: Date.now() / 1000, bytes: copyBytes(bytes, 0, bytes.length) });
  }
}

/**
 * Wraps a transport and records, in order, every datagram sent through it (once the inner
 * transport accepted it) and every datagram received from it, then passes it through unchanged.
 * Behaves exactly like the inner transport otherwise.
 */
export class RecordingTransport<S extends CaptureSink = CaptureSink> implements Transport {
  /**
   * Records into a new pcap file at `path` (LINKTYPE_NETLINK, see {@link PcapWriter}), which
   * {@link RecordingTransport.close} closes.
   * @throws Node's fs errors when the file cannot be created.
   */
  static toFile(inner: Transport, path: string, options: PcapWriterOptions = {}): RecordingTransport<PcapWriter> {
    return new RecordingTransport(inner, new PcapWriter(path, options), true);
  }

  /** Records into memory: the datagrams are in {@link MemoryRecordingTransport.datagrams}. */
  static inMemory(inner: Transport, options: MemoryCaptureOptions = {}): MemoryRecordingTransport {
    return new MemoryRecordingTransport(inner, options);
  }

  #closed = false;

  /**
   * @param inner - The transport that does the work.
   * @param sink - Where datagrams are recorded.
   * @param ownsSink - Close the sink when this transport closes. Default false.
   */
  constructor(
    /** The wrapped transport. */
    readonly inner: Transport,
    /** Where datagrams are recorded. */
    readonly sink: S,
    private readonly ownsSink = false,
  ) {}

  /** The inner transport's port id. */
  get portId(): number {
    return this.inner.portId;
  }

  /** True once this transport (or the inner one) has closed. */
  get closed(): boolean {
    return this.#closed || this.inner.closed;
  }

  /** Sends through the inner transport, then records the datagram as `sent`. */
  send(datagram: Uint8Array): void {
    this.inner.send(datagram);
    this.sink.record('sent', datagram);
  }

  /** Receives from the inner transport and records what it returned as `received`. */
  receive(): Uint8Array | null {
    const d = this.inner.receive();
    if (d !== null) this.sink.record('received', d);
    return d;
  }

  /** The inner transport's wait. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.inner.wait(timeoutMs, signal);
  }

  /** Closes the inner transport, then the sink if this transport owns it. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.inner.close();
    } finally {
      if (this.ownsSink) this.sink.close?.();
    }
  }
}

/** A {@link RecordingTransport} that records into memory ({@link RecordingTransport.inMemory}). */
export class MemoryRecordingTransport extends RecordingTransport<MemoryCaptureSink> {
  constructor(inner: Transport, options: MemoryCaptureOptions = {}) {
    super(inner, new MemoryCaptureSink(options), true);
  }

  /** The datagrams recorded so far, in order (copies: later receives do not change them). */
  get datagrams(): CapturedDatagram[] {
    return this.sink.datagrams;
  }
}
