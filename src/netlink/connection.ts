// The request engine: sequence numbers, matching replies to requests, ACKs, dumps spread over many
// datagrams, NLM_F_DUMP_INTR, timeouts. It talks to a Transport and hands each reply message, still
// undecoded, to the caller's callback, so decoding happens straight out of the receive buffer.

import { Reader, Writer } from './bytes.js';
import {
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_DUMP_FILTERED,
  NLM_F_DUMP_INTR,
  NLM_F_REQUEST,
} from './constants.js';
import { DecodeError, NetlinkError, RtnetlinkError, TimeoutError, type ExtendedAck, type RequestInfo } from './errors.js';
import { decodeDonePayload, decodeErrorPayload, forEachMessage, writeMessage, type MessageView } from './message.js';
import type { Transport } from './transport.js';
import { checkConnectionOptions, checkRequest, checkRequestOptions } from './options.js';

/** What to do when the kernel flags a dump as interrupted (NLM_F_DUMP_INTR: the data changed during it). */
export type DumpInterruptedPolicy = 'retry' | 'flag' | 'throw';

/** Options of a {@link Connection}. */
export interface ConnectionOptions {
  /** Milliseconds to wait for a complete answer to each request. Default 5000. */
  timeoutMs?: number;
  /** What to do with an interrupted dump. Default `retry`. */
  dumpInterrupted?: DumpInterruptedPolicy;
  /** How many times an interrupted dump is retried under the `retry` policy. Default 5. */
  dumpRetries?: number;
  /** Names message types in errors (e.g. 16 -> `RTM_NEWLINK`). */
  typeName?: (type: number) => string | undefined;
  /**
   * Finds the attribute path in a request for the extended-ACK offset of an error, given the
   * request's bytes and the offset. The rtnetlink layer supplies one that knows its schemas.
   */
  attributePath?: (request: Uint8Array, offset: number) => (string | number)[] | undefined;
}

/** Per-request overrides. */
export interface RequestOptions {
  /** Milliseconds to wait for a complete answer to this request. */
  timeoutMs?: number;
  /** The policy for an interrupted dump, for this request. */
  dumpInterrupted?: DumpInterruptedPolicy;
}

/** A request: its type, flags (NLM_F_REQUEST is always added) and body writer. */
export interface Request {
  /** Message type, such as RTM_GETLINK. */
  type: number;
  /** nlmsg_flags besides NLM_F_REQUEST (NLM_F_DUMP, NLM_F_CREATE, ...). NLM_F_ACK is added to non-dumps. */
  flags?: number;
  /** Writes the payload after the nlmsghdr. */
  body?: (w: Writer) => void;
}

/** Receives each data message of a reply; the reader and view are valid only during the call. */
export type MessageHandler = (r: Reader, m: MessageView) => void;

/** Collects the messages of one attempt of a dump (see {@link Connection.dump}). */
export interface DumpCollector<T> {
  /** Receives each data message. */
  onMessage: MessageHandler;
  /** The result, once the dump has ended. */
  result: () => T;
}

/** How a dump ended. */
export interface DumpStatus {
  /** The kernel flagged the dump as inconsistent (only with the `flag` policy, or retries exhausted under `flag`). */
  interrupted: boolean;
  /** The kernel applied the requested filter itself (NLM_F_DUMP_FILTERED on the replies). */
  filtered: boolean;
  /** The number of data messages received. */
  messages: number;
}

/** The result of {@link Connection.dump}: the collector's result and how the dump ended. */
export interface DumpResultOf<T> extends DumpStatus {
  /** What the collector returned. */
  result: T;
}

type Step = 'done' | 'wait' | 'yield';

// The state of the request being served.
interface Pending {
  req: Request;
  onMessage: MessageHandler | undefined;
  flags: number;
  seq: number;
  bytes: Uint8Array;
  timeoutMs: number;
  deadline: number;
  status: DumpStatus;
  done: boolean;
  failure: Error | undefined;
  datagrams: number;
}

/** A dump the kernel kept flagging as interrupted, under the `throw` policy or after all retries. */
export class DumpInterruptedError extends RtnetlinkError {
  /** The error's class name, `DumpInterruptedError`. */
  override name = 'DumpInterruptedError';
  /** The dump request. */
  readonly request: RequestInfo;

  constructor(request: RequestInfo, attempts: number) {
    super(`${request.typeName ?? `type ${request.type}`}: dump interrupted by concurrent changes (${attempts} attempt${attempts > 1 ? 's' : ''})`);
    this.request = request;
  }
}

/**
 * A request engine over one transport. Requests are served one at a time in the order they were
 * made; any number may be pending from async code and their replies never mix.
 */
export class Connection {
  private seq: number;
  // One request at a time: the next ones wait in this queue.
  private busy = false;
  private readonly queue: (() => void)[] = [];
  private readonly writer = new Writer(4096);
  private readonly timeoutMs: number;
  private readonly policy: DumpInterruptedPolicy;
  private readonly retries: number;
  // The sequence number of a dump that timed out: the kernel still runs it (see drain()).
  private unfinishedDump: number | undefined;

  constructor(
    /** The transport this engine sends through. */
    readonly transport: Transport,
    private readonly options: ConnectionOptions = {},
  ) {
    checkConnectionOptions(transport, options);
    // A random start keeps replies to an earlier process's requests on a reused port from matching.
    this.seq = (Math.random() * 0x7fffffff) >>> 0;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.policy = options.dumpInterrupted ?? 'retry';
    this.retries = options.dumpRetries ?? 5;
  }

  /**
   * Sends a request and waits for its end: the ACK of a plain request, or NLMSG_DONE of a dump.
   * Each data message of the reply goes to `onMessage` before this resolves.
   * @throws {@link NetlinkError} when the kernel refuses the request.
   * @throws {@link TimeoutError} when no complete answer comes within the timeout.
   * @throws {@link DumpInterruptedError} for an interrupted dump under the `throw` policy.
   */
  request(req: Request, onMessage?: MessageHandler, opts: RequestOptions = {}): Promise<DumpStatus> {
    try {
      checkRequest(req, onMessage, opts);
    } catch (err) {
      return Promise.reject(err);
    }
    if (!this.busy) return this.run(req, onMessage, opts);
    return new Promise<DumpStatus>((resolve, reject) => {
      this.queue.push(() => this.run(req, onMessage, opts).then(resolve, reject));
    });
  }

  /**
   * A dump whose results are collected by a fresh collector each attempt: under the `retry`
   * policy an interrupted dump starts over with a new collector.
   */
  async dump<T>(req: Request, collector: () => DumpCollector<T>, opts: RequestOptions = {}): Promise<DumpResultOf<T>> {
    checkRequestOptions(opts);
    const policy = opts.dumpInterrupted ?? this.policy;
    const dumpReq: Request = { ...req, flags: (req.flags ?? 0) | NLM_F_DUMP };
    for (let attempt = 1; ; attempt++) {
      const c = collector();
      const status = await this.request(dumpReq, c.onMessage, { ...opts, dumpInterrupted: policy });
      if (!status.interrupted || policy === 'flag') return { result: c.result(), ...status };
      if (policy === 'throw' || attempt > this.retries) {
        throw new DumpInterruptedError(this.info(dumpReq.type, dumpReq.flags ?? 0, 0), attempt);
      }
    }
  }

  /** Closes the transport; pending requests fail. */
  close(): void {
    this.transport.close();
  }

  private info(type: number, flags: number, seq: number, bytes?: Uint8Array): RequestInfo {
    const info: RequestInfo = { type, flags, seq };
    const name = this.options.typeName?.(type);
    if (name) info.typeName = name;
    if (bytes) info.bytes = bytes;
    return info;
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  // The kernel answers rtnetlink requests inside sendmsg(), so a request usually runs to its end
  // synchronously here and returns one settled promise; it goes async only to wait for data that
  // is not there yet, or to let the event loop run during a long dump.
  private run(req: Request, onMessage: MessageHandler | undefined, opts: RequestOptions): Promise<DumpStatus> {
    this.busy = true;
    let st: Pending;
    let step: Step;
    try {
      st = this.start(req, onMessage, opts);
      step = this.pump(st);
    } catch (err) {
      this.finish();
      return Promise.reject(err);
    }
    if (step === 'done') {
      this.finish();
      return st.failure ? Promise.reject(st.failure) : Promise.resolve(st.status);
    }
    const finish = (): void => this.finish();
    const p = this.continue(st, step);
    p.then(finish, finish);
    return p;
  }

  private finish(): void {
    this.busy = false;
    this.queue.shift()?.();
  }

  private start(req: Request, onMessage: MessageHandler | undefined, opts: RequestOptions): Pending {
    const t = this.transport;
    if (t.closed) throw new RtnetlinkError('the connection is closed');
    if (this.unfinishedDump !== undefined) this.drain(this.unfinishedDump);
    const isDump = ((req.flags ?? 0) & NLM_F_DUMP) === NLM_F_DUMP;
    const flags = NLM_F_REQUEST | (req.flags ?? 0) | (isDump ? 0 : NLM_F_ACK);
    const seq = this.nextSeq();
    const w = this.writer;
    w.length = 0;
    writeMessage(w, req.type, flags, seq, 0, req.body);
    const bytes = w.take();
    t.send(bytes);
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return {
      req,
      onMessage,
      flags,
      seq,
      bytes,
      timeoutMs,
      deadline: Date.now() + timeoutMs,
      status: { interrupted: false, filtered: false, messages: 0 },
      done: false,
      failure: undefined,
      datagrams: 0,
    };
  }

  // Reads and handles whatever is queued: 'done' at the end of the reply, 'wait' when nothing is
  // queued yet, 'yield' after a batch of dump datagrams.
  private pump(st: Pending): Step {
    const t = this.transport;
    const portId = t.portId;
    for (;;) {
      const d = t.receive();
      if (d === null) return 'wait';
      const r = new Reader(d);
      try {
        forEachMessage(r, (m) => this.handle(st, r, m, portId));
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        st.failure ??= err;
        st.done = true;
      }
      if (st.done) return 'done';
      // The timeout bounds the whole request: a dump that keeps coming is checked between datagrams.
      if (Date.now() >= st.deadline) throw this.timeout(st);
      if (++st.datagrams % 8 === 0) return 'yield';
    }
  }

  private async continue(st: Pending, step: Step): Promise<DumpStatus> {
    const t = this.transport;
    while (step !== 'done') {
      if (step === 'yield') {
        await new Promise<void>((resolve) => setImmediate(resolve));
      } else {
        const left = st.deadline - Date.now();
        if (left <= 0 || !(await t.wait(left))) {
          if (t.closed) throw new RtnetlinkError('the connection was closed while a request was pending');
          throw this.timeout(st);
        }
      }
      step = this.pump(st);
    }
    if (st.failure) throw st.failure;
    return st.status;
  }

  private timeout(st: Pending): TimeoutError {
    if ((st.flags & NLM_F_DUMP) === NLM_F_DUMP) this.unfinishedDump = st.seq;
    return new TimeoutError(this.info(st.req.type, st.flags, st.seq, st.bytes), st.timeoutMs);
  }

  // A dump that timed out is still running in the kernel, which refuses another dump on this socket
  // (EBUSY) until it ends; it goes on as its datagrams are read (each read queues the next part),
  // so reading until its NLMSG_DONE, or until nothing more comes, ends it.
  private drain(seq: number): void {
    this.unfinishedDump = undefined;
    const t = this.transport;
    for (let d = t.receive(); d !== null; d = t.receive()) {
      let ended = false;
      try {
        forEachMessage(new Reader(d), (m) => {
          if (m.seq === seq && (m.type === NLMSG_DONE || m.type === NLMSG_ERROR)) ended = true;
        });
      } catch {
        // Not for anyone any more: skipped.
      }
      if (ended) return;
    }
  }

  private handle(st: Pending, r: Reader, m: MessageView, portId: number): boolean | void {
    // Stale replies (to a request that timed out) and anything not addressed to us are skipped.
    if (m.seq !== st.seq || (m.pid !== portId && m.pid !== 0 && portId !== 0)) return;
    if (m.flags & NLM_F_DUMP_INTR) st.status.interrupted = true;
    if (m.flags & NLM_F_DUMP_FILTERED) st.status.filtered = true;
    switch (m.type) {
      case NLMSG_NOOP:
      case NLMSG_OVERRUN:
        return;
      case NLMSG_ERROR: {
        const e = decodeErrorPayload(r, m.payloadOffset, m.end, m.flags);
        if (e.error !== 0) st.failure = this.kernelError(-e.error, st.req.type, st.flags, st.seq, st.bytes, e.extack);
        st.done = true;
        return false;
      }
      case NLMSG_DONE: {
        const d = decodeDonePayload(r, m.payloadOffset, m.end, m.flags);
        if (d.error < 0) st.failure = this.kernelError(-d.error, st.req.type, st.flags, st.seq, st.bytes, d.extack);
        st.done = true;
        return false;
      }
      default:
        st.status.messages++;
        if (st.onMessage) {
          try {
            st.onMessage(r, m);
          } catch (err) {
            // Keep reading to the end of the reply so the socket stays in step, then report.
            st.failure ??= err instanceof Error ? err : new Error(String(err));
          }
        }
        return;
    }
  }

  private kernelError(errno: number, type: number, flags: number, seq: number, bytes: Uint8Array, extack: ExtendedAck): NetlinkError {
    const path = extack.offset !== undefined ? this.options.attributePath?.(bytes, extack.offset) : undefined;
    return new NetlinkError(errno, this.info(type, flags, seq, bytes), extack, path);
  }
}
