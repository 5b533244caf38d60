// A Transport that answers requests from a recorded capture instead of a kernel: tests and bug
// reports can replay a real session, on any machine, without root or a network namespace.

import { copyBytes } from '../bytes.js';
import { RtnetlinkError, SocketError } from '../errors.js';
import type { Transport } from '../transport.js';
import { readCaptureFile } from './file.js';
import { CaptureFormatError, type CapturedDatagram } from './types.js';

const NLMSG_HDRLEN = 16;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const EBADF = 9;
/** How many bytes of a request the mismatch message shows in hex. */
const HEX_PREVIEW = 48;

/** Options of {@link ReplayTransport}. */
export interface ReplayOptions {
  /** The port id this transport reports and writes into every replayed message. Default: the one the capture's replies were addressed to (1 if none). */
  portId?: number;
  /** Replay only the datagrams of this netlink protocol (a capture of an nlmon device holds every family). Default: all. */
  protocol?: number;
  /** Replay only the datagrams of this file descriptor (strace captures of programs with several sockets). Default: all. */
  fd?: number;
  /** Names message types in {@link ReplayMismatchError} messages (e.g. 18 -> `RTM_GETLINK`). */
  typeName?: (type: number) => string | undefined;
}

/** A message header located in a datagram. */
interface Frame {
  offset: number;
  length: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

/** A recorded request and the replies that answered it. */
interface RecordedRequest {
  /** Position of the request in the datagrams the transport was built from. */
  index: number;
  bytes: Uint8Array;
  frames: Frame[];
  /** The request with seq/pid and padding zeroed and the all-zero tail dropped: what matching compares. */
  normalized: Uint8Array;
  replies: Uint8Array[];
  uses: number;
}

/** A copy in a new plain Uint8Array (`slice` would return a view of a Buffer). */
function copy(bytes: Uint8Array): Uint8Array {
  return copyBytes(bytes, 0, bytes.length);
}

/**
 * Splits a datagram into message headers, stopping (without complaint) at the first header that
 * does not fit: the kernel does the same, which is why iproute2 may send zero-padded buffers.
 * `tail` is where parsing stopped.
 */
function frame(bytes: Uint8Array): { frames: Frame[]; tail: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: Frame[] = [];
  let off = 0;
  while (bytes.length - off >= NLMSG_HDRLEN) {
    const length = view.getUint32(off, true);
    if (length < NLMSG_HDRLEN || length > bytes.length - off) break;
    frames.push({
      offset: off,
      length,
      type: view.getUint16(off + 4, true),
      flags: view.getUint16(off + 6, true),
      seq: view.getUint32(off + 8, true),
      pid: view.getUint32(off + 12, true),
    });
    off = Math.min(off + ((length + 3) & ~3), bytes.length);
  }
  return { frames, tail: off };
}

/** The bytes matching compares: nlmsg_seq, nlmsg_pid and alignment padding zeroed, an all-zero tail after the last message dropped. */
function normalize(bytes: Uint8Array, frames: readonly Frame[]): Uint8Array {
  const out = copy(bytes);
  let lastEnd = 0;
  for (const f of frames) {
    out.fill(0, f.offset + 8, f.offset + 16);
    const end = f.offset + f.length;
    out.fill(0, end, Math.min((end + 3) & ~3, out.length));
    lastEnd = end;
  }
  for (let i = lastEnd; i < out.length; i++) if (out[i] !== 0) return out;
  return out.subarray(0, lastEnd);
}

function keyOf(normalized: Uint8Array): string {
  return Buffer.from(normalized.buffer, normalized.byteOffset, normalized.byteLength).toString('latin1');
}

function hex(bytes: Uint8Array, max: number): string {
  const groups: string[] = [];
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i += 4) groups.push(Buffer.from(bytes.subarray(i, Math.min(i + 4, n))).toString('hex'));
  return groups.join(' ') + (bytes.length > max ? ' ...' : '');
}

function byteHex(b: number | undefined): string {
  return b === undefined ? '(none)' : b.toString(16).padStart(2, '0');
}

const HEADER_FIELDS: readonly [number, string][] = [
  [4, 'nlmsg_len'],
  [6, 'nlmsg_type'],
  [8, 'nlmsg_flags'],
  [12, 'nlmsg_seq'],
  [16, 'nlmsg_pid'],
];

/** Names the place of byte `at` in a datagram, such as `nlmsg_type of message 1` or `payload byte 4 of message 1`. */
function placeOf(at: number, frames: readonly Frame[]): string {
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k];
    if (at < f.offset || at >= f.offset + ((f.length + 3) & ~3)) continue;
    const rel = at - f.offset;
    const suffix = frames.length > 1 || k > 0 ? ` of message ${k + 1}` : '';
    for (const [end, name] of HEADER_FIELDS) if (rel < end) return `${name}${suffix}`;
    return rel < f.length ? `payload byte ${rel - NLMSG_HDRLEN}${suffix}` : `padding${suffix}`;
  }
  return 'after the last message';
}

function differingBytes(a: Uint8Array, b: Uint8Array): number {
  let n = Math.abs(a.length - b.length);
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) if (a[i] !== b[i]) n++;
  return n;
}

/**
 * A request sent to a {@link ReplayTransport} is not in its capture. The message shows the
 * request (type, flags, length, first bytes) and the closest recorded request with where the two
 * differ (nlmsg_seq, nlmsg_pid and trailing zero bytes are not compared).
 */
export class ReplayMismatchError extends RtnetlinkError {
  /** The error's class name, `ReplayMismatchError`. */
  override name = 'ReplayMismatchError';
  /** The request that was sent (a copy). */
  readonly request: Uint8Array;
  /** The closest recorded request, when the capture holds any. */
  readonly closest?: Uint8Array;
  /** Index, in the datagrams the transport was built from, of {@link ReplayMismatchError.closest}. */
  readonly closestIndex?: number;
  /** Where the request differs from the closest one, such as `differs at byte 4 (nlmsg_type): 1a vs 12`. */
  readonly difference?: string;

  constructor(message: string, request: Uint8Array, closest?: { bytes: Uint8Array; index: number; difference: string }) {
    super(message);
    this.request = request;
    if (closest) {
      this.closest = closest.bytes;
      this.closestIndex = closest.index;
      this.difference = closest.difference;
    }
  }
}

/**
 * Replays a recorded session: a {@link Transport} whose `send` looks the request up in a capture
 * and queues the replies the kernel gave to it then.
 *
 * Built from {@link CapturedDatagram}s (from {@link readCapture}, {@link parseStraceCapture} or a
 * {@link RecordingTransport}), it pairs each recorded request (a `sent` datagram, which may hold
 * several messages) with the `received` datagrams that carry one of its sequence numbers (on the
 * same fd, when the capture records fds, as strace captures do), up to
 * and including the NLMSG_DONE or NLMSG_ERROR that ends each of its messages (a request without
 * NLM_F_ACK that is not a dump may get only data messages). Received datagrams that answer no
 * recorded request (multicast notifications, replies to requests outside the capture) are not
 * replayed.
 *
 * `send` finds a recorded request with the same bytes, not counting nlmsg_seq, nlmsg_pid,
 * alignment padding and zero bytes after the last message: the first one not replayed yet, in
 * capture order, else the last one. Its replies are queued with their recorded datagram
 * boundaries, nlmsg_seq rewritten to the new request's and nlmsg_pid to {@link ReplayTransport.portId}
 * (the request header that NLMSG_ERROR echoes gets the new request's seq and pid).
 */
export class ReplayTransport implements Transport {
  /**
   * Reads a capture file: pcap or pcapng of link type LINKTYPE_NETLINK, or strace output with hex
   * dumps (see {@link parseStraceCapture}; pass `fd` to keep one socket's traffic).
   * The file is read as {@link readCaptureFile} reads it (format told from the first bytes, at most
   * 1 GiB).
   * @throws {@link CaptureFormatError} when the file is not a capture this library reads.
   * @throws SystemError `open`/`read` when the file cannot be read.
   */
  static fromFile(path: string, options: ReplayOptions = {}): ReplayTransport {
    return new ReplayTransport(readCaptureFile(path), options);
  }

  /** The port id replayed replies are addressed to. */
  readonly portId: number;
  readonly #requests: RecordedRequest[] = [];
  readonly #byKey = new Map<string, RecordedRequest[]>();
  readonly #queue: Uint8Array[] = [];
  readonly #unpaired: number[] = [];
  readonly #typeName: ((type: number) => string | undefined) | undefined;
  #closed = false;

  /**
   * @param datagrams - The capture, in order.
   * @param options - Which datagrams to use, the port id.
   * @throws {@link CaptureFormatError} when a datagram was cut by the capture's snapshot length or
   * a received datagram is not a sequence of netlink messages.
   */
  constructor(datagrams: readonly CapturedDatagram[], options: ReplayOptions = {}) {
    this.#typeName = options.typeName;
    /**
     * Requests still waiting for replies, by fd (when the capture says) and sequence number: the
     * request, and how many of its messages have not ended.
     */
    const open = new Map<string, { request: RecordedRequest; pending: number }>();
    const slot = (fd: number | undefined, seq: number): string => `${fd ?? ''}/${seq}`;
    let recordedPort: number | undefined;
    datagrams.forEach((d, index) => {
      if (options.protocol !== undefined && d.protocol !== options.protocol) return;
      if (options.fd !== undefined && d.fd !== options.fd) return;
      if (d.originalLength !== undefined && d.originalLength > d.bytes.length) {
        throw new CaptureFormatError(`datagram #${index} was cut to ${d.bytes.length} of its ${d.originalLength} bytes by the capture: it cannot be replayed`);
      }
      const bytes = copy(d.bytes); // the caller's arrays may change later
      const { frames, tail } = frame(bytes);
      if (d.direction === 'sent') {
        const request: RecordedRequest = { index, bytes, frames, normalized: normalize(bytes, frames), replies: [], uses: 0 };
        this.#requests.push(request);
        const key = keyOf(request.normalized);
        const same = this.#byKey.get(key);
        if (same) same.push(request);
        else this.#byKey.set(key, [request]);
        for (const f of frames) {
          const entry = open.get(slot(d.fd, f.seq));
          if (entry && entry.request === request) entry.pending++;
          else open.set(slot(d.fd, f.seq), { request, pending: 1 });
        }
        return;
      }
      if (frames.length === 0 || tail !== bytes.length) {
        throw new CaptureFormatError(`received datagram #${index} (${bytes.length} bytes) is not a sequence of netlink messages`);
      }
      const owner = frames.map((f) => open.get(slot(d.fd, f.seq))).find((e) => e !== undefined);
      if (!owner) {
        this.#unpaired.push(index);
        return;
      }
      owner.request.replies.push(bytes);
      for (const f of frames) {
        if (f.pid !== 0) recordedPort ??= f.pid;
        const entry = open.get(slot(d.fd, f.seq));
        if (entry !== owner || (f.type !== NLMSG_DONE && f.type !== NLMSG_ERROR)) continue;
        if (--entry.pending === 0) open.delete(slot(d.fd, f.seq));
      }
    });
    this.portId = options.portId ?? recordedPort ?? 1;
  }

  /** True once {@link ReplayTransport.close} has run. */
  get closed(): boolean {
    return this.#closed;
  }

  /** How many replayed datagrams are queued, waiting for {@link ReplayTransport.receive}. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Indexes (in the datagrams given) of the recorded requests that no `send` has replayed yet. */
  unusedRequests(): number[] {
    return this.#requests.filter((r) => r.uses === 0).map((r) => r.index);
  }

  /** Indexes of the received datagrams that answer no recorded request, and so are never replayed. */
  unpairedDatagrams(): number[] {
    return [...this.#unpaired];
  }

  /**
   * Looks the request up in the capture and queues its recorded replies.
   * @throws {@link ReplayMismatchError} when the capture holds no such request.
   * @throws {@link SocketError} `send` (EBADF) after close.
   */
  send(datagram: Uint8Array): void {
    if (this.#closed) throw new SocketError('send', EBADF, 'replay transport is closed');
    const { frames } = frame(datagram);
    const normalized = normalize(datagram, frames);
    const candidates = this.#byKey.get(keyOf(normalized));
    if (!candidates) throw this.#mismatch(datagram, frames, normalized);
    const recorded = candidates.find((r) => r.uses === 0) ?? candidates[candidates.length - 1];
    recorded.uses++;

    // The same content means the same messages: pair them in order.
    const seqs = new Map<number, { seq: number; pid: number }>();
    recorded.frames.forEach((f, k) => {
      const now = frames[k];
      if (now && !seqs.has(f.seq)) seqs.set(f.seq, { seq: now.seq, pid: now.pid });
    });
    for (const reply of recorded.replies) this.#queue.push(this.#rewrite(reply, seqs));
  }

  /** A copy of a recorded reply addressed to the new request: seq, pid, and the header NLMSG_ERROR echoes. */
  #rewrite(reply: Uint8Array, seqs: ReadonlyMap<number, { seq: number; pid: number }>): Uint8Array {
    const out = copy(reply);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (const f of frame(out).frames) {
      const mapped = seqs.get(f.seq);
      if (mapped) view.setUint32(f.offset + 8, mapped.seq, true);
      view.setUint32(f.offset + 12, this.portId, true);
      if (f.type === NLMSG_ERROR && f.length >= NLMSG_HDRLEN + 4 + NLMSG_HDRLEN) {
        const echoed = f.offset + NLMSG_HDRLEN + 4;
        const original = seqs.get(view.getUint32(echoed + 8, true));
        if (original) {
          view.setUint32(echoed + 8, original.seq, true);
          view.setUint32(echoed + 12, original.pid, true);
        }
      }
    }
    return out;
  }

  #describe(bytes: Uint8Array, frames: readonly Frame[]): string {
    if (frames.length === 0) return `${bytes.length} bytes that hold no netlink message: ${hex(bytes, HEX_PREVIEW)}`;
    const f = frames[0];
    const name = this.#typeName?.(f.type);
    const count = frames.length > 1 ? `${frames.length} messages, the first ` : '';
    return `${count}type ${f.type}${name ? ` (${name})` : ''}, flags 0x${f.flags.toString(16)}, length ${f.length}${bytes.length !== f.length ? ` in a ${bytes.length}-byte datagram` : ''}: ${hex(bytes, HEX_PREVIEW)}`;
  }

  #mismatch(datagram: Uint8Array, frames: Frame[], normalized: Uint8Array): ReplayMismatchError {
    const request = copy(datagram);
    const sent = this.#describe(datagram, frames);
    if (this.#requests.length === 0) {
      return new ReplayMismatchError(`request not in the capture: ${sent}; the capture holds no requests`, request);
    }
    // Same (first) message type first, then the fewest differing bytes; the earliest on a tie.
    const type = frames[0]?.type;
    let best: RecordedRequest | undefined;
    let bestScore = Infinity;
    let bestSameType = false;
    for (const r of this.#requests) {
      const sameType = r.frames[0]?.type === type;
      const score = differingBytes(normalized, r.normalized);
      if ((sameType && !bestSameType) || (sameType === bestSameType && score < bestScore)) {
        best = r;
        bestScore = score;
        bestSameType = sameType;
      }
    }
    const closest = best!;
    const difference = this.#difference(normalized, frames, closest.normalized);
    return new ReplayMismatchError(
      `request not in the capture: ${sent}\n  closest recorded request (datagram #${closest.index}): ${this.#describe(closest.bytes, closest.frames)}\n  ${difference}`,
      request,
      { bytes: copy(closest.bytes), index: closest.index, difference },
    );
  }

  #difference(a: Uint8Array, frames: readonly Frame[], b: Uint8Array): string {
    const common = Math.min(a.length, b.length);
    let first = -1;
    for (let i = 0; i < common; i++) {
      if (a[i] !== b[i]) {
        first = i;
        break;
      }
    }
    const lengths = a.length !== b.length ? `compared length ${a.length} vs ${b.length}` : '';
    if (first < 0) return `the same first ${common} bytes; ${lengths}`;
    const n = differingBytes(a, b);
    return `differs at byte ${first} (${placeOf(first, frames)}): ${byteHex(a[first])} vs ${byteHex(b[first])}; ${n} byte${n === 1 ? ' differs' : 's differ'}${lengths ? `; ${lengths}` : ''}`;
  }

  /**
   * Returns the next queued reply datagram, or `null`.
   * @throws {@link SocketError} `recv` (EBADF) after close.
   */
  receive(): Uint8Array | null {
    if (this.#closed) throw new SocketError('recv', EBADF, 'replay transport is closed');
    return this.#queue.shift() ?? null;
  }

  /**
   * Resolves `true` when a reply is queued. Otherwise nothing can arrive later: resolves `false`
   * on the next turn of the event loop rather than after `timeoutMs`.
   */
  wait(_timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#closed || signal?.aborted) return Promise.resolve(false);
    if (this.#queue.length > 0) return Promise.resolve(true);
    return new Promise((resolve) => setImmediate(() => resolve(!this.#closed && this.#queue.length > 0)));
  }

  /** Drops the queued replies; `send` and `receive` throw afterwards. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
  }
}
