// The request engine: sequence numbers, matching replies to requests, ACKs, dumps spread over many
// datagrams, NLM_F_DUMP_INTR, timeouts. It talks to a Transport and hands each reply message, still
// undecoded, to the caller's callback, so decoding happens straight out of the receive buffer.

import { Reader, Writer, align4, copyBytes } from './bytes.js';
import {
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
  NLMSG_HDRLEN,
  NLMSG_OVERRUN,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_DUMP_FILTERED,
  NLM_F_DUMP_INTR,
  NLM_F_REQUEST,
} from './constants.js';
import { DecodeError, NetlinkError, RtnetlinkError, TimeoutError, type ExtendedAck, type RequestInfo } from './errors.js';
import { decodeDonePayload, decodeErrorPayload, forEachHeader, forEachMessage, writeMessage, type MessageView } from './message.js';
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
   * request's bytes and the offset. Asked before the namers of {@link Connection.nameAttributes}.
   */
  attributePath?: (request: Uint8Array, offset: number) => (string | number)[] | undefined;
}

/** What names the attribute at an offset of a request message (a message schema does). */
export interface AttributeNamer {
  /** The path of keys to the attribute at byte `offset` of the whole message `message`. */
  attributePathAt(message: Uint8Array, offset: number): (string | number)[] | undefined;
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

// What reading the replies of a write came to: every request answered ('done'), nothing queued
// yet ('wait'), a batch of datagrams handled ('yield': let the event loop run), or, when reading
// one datagram at a time for a stream, one handled ('more').
type Step = 'done' | 'wait' | 'yield' | 'more';

// One request from the moment it is made until it settles.
interface Job {
  type: number;
  // Writes the payload; dropped once the request is encoded (at enqueue).
  body: ((w: Writer) => void) | undefined;
  onMessage: MessageHandler | undefined;
  isDump: boolean;
  // A streamed dump: served alone, and the consumer pulls its datagrams (see DumpStream).
  stream: DumpStream<unknown> | undefined;
  flags: number;
  seq: number;
  // False when the request went without NLM_F_ACK (see Connection.send): silence means success.
  acked: boolean;
  // Where the request's bytes lie in the engine's pending buffer, from enqueue until its write
  // has been answered.
  start: number;
  end: number;
  timeoutMs: number;
  deadline: number;
  // How a request with a reply or a dump went; undefined for a plain change (see Connection.ack),
  // which resolves to undefined.
  status: DumpStatus | undefined;
  done: boolean;
  failure: Error | undefined;
  resolve: (status: DumpStatus | undefined) => void;
  reject: (err: Error) => void;
}

// The requests of one write, in order; their sequence numbers are consecutive (but for the
// wrap-around past 0), so a reply finds its request by subtraction.
interface Write {
  jobs: Job[];
  firstSeq: number;
  outstanding: number;
  datagrams: number;
  // Requests before this index are all settled.
  settledBelow: number;
  // The earliest deadline of its requests.
  deadline: number;
}

// What a DumpStream needs of its engine.
interface EnginePort {
  job(
    req: Request,
    onMessage: MessageHandler | undefined,
    opts: RequestOptions,
    stream: DumpStream<unknown> | undefined,
    resolve: (s: DumpStatus | undefined) => void,
    reject: (e: Error) => void,
  ): Job;
  enqueue(job: Job): void;
  release(): void;
  pumpOne(w: Write): Step;
  waitFor(w: Write): Promise<void>;
}

// The engine hands a sent stream request over through this key, not a public name.
const STARTED = Symbol('started');

// Room in the receive queue reserved per request while its write is answered. An ACK takes about
// 830 bytes of the queue (its sk_buff, measured on this kernel: 157 ACKs fill a 128 KiB queue);
// an error ACK also echoes the request and carries the extended-ACK text, hence twice the request's
// length on top. A request with a data reply (a GET, NLM_F_ECHO) reserves room for a large object.
const ACK_ROOM = 1024;
const DATA_ROOM = 64 * 1024;
// Bytes of requests per write: well under the kernel's default send buffer (wmem_default, 208 KiB),
// and large enough that a write of small changes costs one system call per several hundred.
const MAX_WRITE = 64 * 1024;
// Datagrams (or writes) handled before the event loop gets a turn during long work.
const YIELD_EVERY = 8;
const NO_OPTIONS: RequestOptions = {};

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
 * A request engine over one transport. Requests are answered in the order they were made; any
 * number may be pending from async code and their replies never mix.
 *
 * Requests made while the engine is busy, or in the same turn of the event loop (such as
 * `Promise.all` of many changes), are packed many to a write when the transport allows it (the
 * kernel's socket does): the kernel handles each message of a write in turn and answers each on
 * its own, so every request gets the same result and error as if it had been sent alone, at a
 * fraction of the cost. A write never holds more requests than the receive queue has room for
 * their replies, so ACKs never overflow it. Dumps are always sent alone.
 */
export class Connection {
  private seq: number;
  private readonly queue: (Job | undefined)[] = [];
  private head = 0;
  // A drive loop is running, or a stream holds the engine.
  private active = false;
  private scheduled = false;
  // The bytes of the queued requests, each encoded when it was made, in queue order, followed by
  // nothing: a write sends a run of them as they lie. Bytes before the first queued request belong
  // to writes already answered (or to the one being answered) and are dropped at the next write.
  private pending = new Writer(4096);
  private readonly timeoutMs: number;
  private readonly policy: DumpInterruptedPolicy;
  private readonly retries: number;
  // The sequence number of a dump that timed out: the kernel still runs it (see drain()).
  private unfinishedDump: number | undefined;
  private readonly tick = (): void => {
    this.scheduled = false;
    if (!this.active) this.serve();
  };
  // A DataView over the transport's receive buffer, kept while the transport hands out views of
  // the same memory (the kernel socket's read buffer): one less object per datagram.
  private rview: DataView | undefined;
  // The message header a datagram's messages are read into, one after another.
  private readonly header: MessageView = { length: 0, type: 0, flags: 0, seq: 0, pid: 0, offset: 0, payloadOffset: 0, end: 0 };
  // Who names the attributes of requests in errors, by message type (see nameAttributes()).
  private readonly namers = new Map<number, AttributeNamer>();

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
    return new Promise<DumpStatus>((resolve, reject) => {
      this.enqueue(this.job(req, onMessage, opts, undefined, resolve as (s: DumpStatus | undefined) => void, reject));
    });
  }

  /**
   * Sends a change (a request without a data reply: NEW, DEL, SET) and resolves to `undefined`
   * once the kernel has accepted it: {@link Connection.request} without `onMessage`, with less to
   * allocate per request (the form the typed families use for their changes).
   * @throws {@link NetlinkError} when the kernel refuses the request.
   * @throws {@link TimeoutError} when no answer comes within the timeout.
   */
  ack(req: Request, opts?: RequestOptions): Promise<void> {
    try {
      checkRequest(req, undefined, opts);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      this.enqueue(this.job(req, undefined, opts ?? NO_OPTIONS, undefined, resolve as (s: DumpStatus | undefined) => void, reject, false));
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

  /**
   * A dump consumed as it arrives: `for await (const x of conn.stream(req, decode))`. Only the
   * objects of one datagram (at most about 32 KiB of messages) are held at a time, and the next
   * datagram is read when the consumer asks for more. `decode` turns each data message into an
   * object, or `undefined` to skip it.
   *
   * The request is sent when iteration starts. Until the stream ends (its last object read, a
   * `break` out of the loop, or an exception in it) the engine serves no other request of this
   * connection: finish or leave the loop promptly. Leaving early reads the rest of the dump
   * without decoding it, so the socket stays in step.
   *
   * An interrupted dump (NLM_F_DUMP_INTR) cannot start over once objects were handed out: under
   * the `throw` policy the stream throws {@link DumpInterruptedError} at its end, otherwise
   * {@link DumpStream.status} says `interrupted`. An error for which `endsWith` returns true ends
   * the stream as if the dump had been empty from there (such as ENOENT for a table that does not exist).
   */
  stream<T>(
    req: Request,
    decode: (r: Reader, m: MessageView) => T | undefined,
    opts: RequestOptions = {},
    endsWith?: (err: Error) => boolean,
  ): DumpStream<T> {
    checkRequest(req, decode, opts);
    return new DumpStream<T>(this.port, { ...req, flags: (req.flags ?? 0) | NLM_F_DUMP }, decode, opts, endsWith);
  }

  // What a stream needs of the engine, kept off the public surface.
  private readonly port: EnginePort = {
    job: (req, onMessage, opts, stream, resolve, reject) => this.job(req, onMessage, opts, stream, resolve, reject),
    enqueue: (job) => this.enqueue(job),
    release: () => this.release(),
    pumpOne: (w) => this.pump(w, true),
    waitFor: (w) => this.waitFor(w),
  };

  /**
   * Names the attributes of the requests of these message types in errors: when the kernel's
   * extended ACK points into such a request, its {@link NetlinkError.attributePath} says which
   * attribute (`linkinfo.data.portRange`). The typed families (links, routes, ...) register their
   * messages on the connection they are built on, so a connection names what it is used to send.
   */
  nameAttributes(namer: AttributeNamer, ...types: number[]): void {
    for (const t of types) this.namers.set(t, namer);
  }

  /** Closes the transport; pending requests fail. */
  close(): void {
    this.transport.close();
  }

  // ---------------------------------------------------------------------------------------------

  private job(
    req: Request,
    onMessage: MessageHandler | undefined,
    opts: RequestOptions,
    stream: DumpStream<unknown> | undefined,
    resolve: (s: DumpStatus | undefined) => void,
    reject: (e: Error) => void,
    withStatus = true,
  ): Job {
    const isDump = ((req.flags ?? 0) & NLM_F_DUMP) === NLM_F_DUMP;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return {
      type: req.type,
      body: req.body,
      onMessage,
      isDump,
      stream,
      flags: NLM_F_REQUEST | (req.flags ?? 0) | (isDump ? 0 : NLM_F_ACK),
      seq: 0,
      acked: true,
      start: 0,
      end: 0,
      timeoutMs,
      deadline: 0,
      status: withStatus || isDump ? { interrupted: false, filtered: false, messages: 0 } : undefined,
      done: false,
      failure: undefined,
      resolve,
      reject,
    };
  }

  // Encodes the request at the end of the pending bytes (with its sequence number: requests are
  // sent in the order they were made) and queues it. A request that fails to encode fails alone,
  // at once. Encoding now rather than at the write lets the caller's objects go at once, which
  // matters when thousands of requests are made in one turn.
  private enqueue(job: Job): void {
    const w = this.pending;
    const at = w.length;
    job.seq = this.nextSeq();
    try {
      writeMessage(w, job.type, job.flags, job.seq, 0, job.body);
    } catch (err) {
      w.length = at;
      job.done = true;
      job.reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    job.body = undefined;
    job.start = at;
    job.end = w.length;
    this.queue.push(job);
    if (!this.active && !this.scheduled) {
      // After the current burst of synchronous code and promise callbacks: every request made in
      // it is queued by then and shares the writes.
      this.scheduled = true;
      process.nextTick(this.tick);
    }
  }

  // Called by a stream when it has read its dump to the end: the engine goes on.
  private release(): void {
    this.idle();
  }

  // Waits for replies to the outstanding requests of `w`; fails those whose time is up.
  private async waitFor(w: Write): Promise<void> {
    const t = this.transport;
    const left = Math.min(...w.jobs.filter((j) => !j.done).map((j) => j.deadline)) - Date.now();
    if (left > 0 && (await t.wait(left))) return;
    // Time is up for some, or the transport says nothing more will come (a replay that ran out):
    // then for all.
    const now = Date.now();
    const all = !w.jobs.some((j) => !j.done && j.deadline <= now);
    for (const j of w.jobs) {
      if (j.done) continue;
      if (t.closed) this.settle(w, j, new RtnetlinkError('the connection was closed while a request was pending'));
      else if (all || j.deadline <= now) this.settle(w, j, this.timeout(j));
    }
  }

  private timeout(j: Job): TimeoutError {
    if (j.isDump) this.unfinishedDump = j.seq;
    return new TimeoutError(this.info(j.type, j.flags, j.seq, this.bytesOf(j)), j.timeoutMs);
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

  // ---------------------------------------------------------------------------------------------

  private info(type: number, flags: number, seq: number, bytes?: Uint8Array): RequestInfo {
    const info: RequestInfo = { type, flags, seq };
    const name = this.options.typeName?.(type);
    if (name) info.typeName = name;
    if (bytes) info.bytes = bytes;
    return info;
  }

  // A copy of a request's bytes; valid while its write is being answered.
  private bytesOf(j: Job): Uint8Array {
    return copyBytes(this.pending.buf, j.start, j.end);
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  // Serves the queue, a write at a time. The kernel answers rtnetlink requests inside the write,
  // so this normally runs through without waiting, synchronously: one request awaited at a time
  // costs no promise of the engine's own. It goes on asynchronously (drive) to wait for replies
  // not there yet, or to let the event loop run during long work.
  private serve(): void {
    this.active = true;
    for (let turns = 1; this.head < this.queue.length; turns++) {
      const w = this.sendNext();
      if (w === undefined) continue;
      const stream = w.jobs[0].stream;
      if (stream !== undefined) {
        // The consumer pulls the rest; it calls release() at the end.
        stream[STARTED](w);
        return;
      }
      const step = this.pumpWrite(w);
      if (step !== 'done') {
        void this.drive(w, step);
        return;
      }
      if (turns % YIELD_EVERY === 0 && this.head < this.queue.length) {
        void this.drive(undefined, 'yield');
        return;
      }
    }
    this.idle();
  }

  // serve() continued asynchronously: finishes the write `w` (whose last step was `step`), or
  // yields first, then serves the queue, awaiting where it must.
  private async drive(w: Write | undefined, step: Step): Promise<void> {
    let handedOver = false;
    try {
      let turns = 0;
      for (;;) {
        while (step !== 'done') {
          try {
            if (step === 'yield') await new Promise<void>((resolve) => setImmediate(resolve));
            else if (w !== undefined) await this.waitFor(w);
          } catch (err) {
            // Nothing above throws by design; should it, the requests of this write fail with it
            // rather than hang.
            if (w !== undefined) this.failAll(w, err);
          }
          step = w === undefined ? 'done' : this.pumpWrite(w);
        }
        if (++turns % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.head >= this.queue.length) break;
        w = this.sendNext();
        if (w === undefined) continue;
        const stream = w.jobs[0].stream;
        if (stream !== undefined) {
          handedOver = true;
          stream[STARTED](w);
          return;
        }
        step = this.pumpWrite(w);
      }
    } finally {
      if (!handedOver) this.idle();
    }
  }

  // The engine has nothing under way: it frees what the last burst left, and serves requests that
  // arrived during the last await.
  private idle(): void {
    this.active = false;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.head < this.queue.length) this.enqueue0();
    else this.compact();
  }

  // send(), but a throw (nothing in send() throws by design) fails the request it was on rather
  // than the engine looping on it.
  private sendNext(): Write | undefined {
    try {
      return this.send();
    } catch (err) {
      const j = this.queue[this.head];
      this.queue[this.head++] = undefined;
      if (j !== undefined && !j.done) {
        j.done = true;
        j.reject(err instanceof Error ? err : new Error(String(err)));
      }
      return undefined;
    }
  }

  // pump() for a whole write; should it throw (nothing does by design), the write's requests fail
  // with the error rather than hang.
  private pumpWrite(w: Write): Step {
    try {
      return this.pump(w, false);
    } catch (err) {
      this.failAll(w, err);
      return 'done';
    }
  }

  private failAll(w: Write, err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    for (const j of w.jobs) this.settle(w, j, e);
  }

  private enqueue0(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.tick);
    }
  }

  // Takes the next requests off the queue and sends them in one write: a dump or a stream goes
  // alone; plain requests go together while the write and the receive queue have room. Their bytes
  // were encoded when they were made and lie one after another in the pending buffer.
  // Returns undefined when none of them could be sent (each already settled with its error).
  private send(): Write | undefined {
    const t = this.transport;
    if (this.unfinishedDump !== undefined && !t.closed) this.drain(this.unfinishedDump);
    this.compact();
    const buf = this.pending;
    const queue = this.queue;
    if (t.closed) {
      while (this.head < queue.length) {
        const j = queue[this.head] as Job;
        queue[this.head++] = undefined;
        j.done = true;
        j.reject(new RtnetlinkError('the connection is closed'));
      }
      return undefined;
    }
    const from = this.head;
    if (from >= queue.length) return undefined;
    const room = t.replyRoom;
    let budget = room === undefined ? 0 : room / 2;
    const first = (queue[from] as Job).start;
    let to = from;
    while (to < queue.length) {
      const j = queue[to] as Job;
      const alone = j.isDump || j.stream !== undefined || room === undefined;
      if (to > from && (alone || j.end - first > MAX_WRITE)) break;
      const need = (j.onMessage ? DATA_ROOM : ACK_ROOM) + 2 * (j.end - j.start);
      if (to > from && need > budget) break;
      budget -= need;
      to++;
      if (alone) break;
    }
    // The write's requests in an array of their exact number (one, for a request awaited alone),
    // taken off the queue.
    const jobs = queue.slice(from, to) as Job[];
    queue.fill(undefined, from, to);
    this.head = to;
    const last = jobs[jobs.length - 1];
    // A change that succeeds is answered by an ACK only if it asks for one, and the kernel answers
    // the messages of a write in order: so only the last request of a write, and those with a data
    // reply, keep NLM_F_ACK. When the answer to a later request arrives, every earlier request
    // without an error reply has succeeded. This spares the kernel an ACK and this process a read
    // for every successful change but the last; an error is reported exactly as when alone.
    for (let k = 0; k < jobs.length - 1; k++) {
      const j = jobs[k];
      if (j.onMessage !== undefined || j.isDump) continue;
      j.acked = false;
      buf.view.setUint16(j.start + 6, j.flags & ~NLM_F_ACK, true);
    }
    const write: Write = { jobs, firstSeq: jobs[0].seq, outstanding: jobs.length, datagrams: 0, settledBelow: 0, deadline: Infinity };
    const now = Date.now();
    for (const j of jobs) {
      j.deadline = now + j.timeoutMs;
      if (j.deadline < write.deadline) write.deadline = j.deadline;
    }
    try {
      t.send(buf.buf.subarray(first, last.end));
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      for (const j of jobs) this.settle(write, j, e);
      return write.jobs[0].stream ? write : undefined;
    }
    return write;
  }

  // Drops the bytes of requests already answered from the front of the pending buffer (called
  // when every write made has been answered: before the next one, or when the engine goes idle),
  // moving the queued ones to the front when that frees at least half of it, and lets a buffer
  // grown by a large burst go.
  private compact(): void {
    const p = this.pending;
    const head = this.queue[this.head];
    if (head === undefined) {
      p.length = 0;
      return;
    }
    const from = head.start;
    if (from === 0 || from * 2 < p.length) return;
    const keep = p.length - from;
    if (p.buf.length > 16 * MAX_WRITE && keep <= MAX_WRITE) {
      const next = new Writer(Math.max(4096, 2 * keep));
      next.bytes(p.buf.subarray(from, p.length));
      this.pending = next;
    } else {
      p.buf.copyWithin(0, from, p.length);
      p.length = keep;
    }
    for (let k = this.head; k < this.queue.length; k++) {
      const j = this.queue[k] as Job;
      j.start -= from;
      j.end -= from;
    }
  }

  // Reads and handles whatever is queued, until every request of the write has its answer.
  private pump(w: Write, once: boolean): Step {
    const t = this.transport;
    const portId = t.portId;
    if (w.outstanding === 0) return 'done';
    for (;;) {
      let d: Uint8Array | null;
      try {
        d = t.receive();
      } catch (err) {
        // ENOBUFS (replies were lost), EMSGSIZE, EBADF: no request of the write can trust its answer.
        const e = err instanceof Error ? err : new Error(String(err));
        for (const j of w.jobs) this.settle(w, j, e);
        return 'done';
      }
      if (d === null) return 'wait';
      try {
        this.handleDatagram(w, d, portId);
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        // A malformed datagram: whose it was cannot be told, so every request still waiting fails.
        for (const j of w.jobs) if (!j.done) this.settle(w, j, err);
      }
      if (w.outstanding === 0) return 'done';
      // The timeout bounds the whole request: one whose answer keeps coming is checked between datagrams.
      if (!once && Date.now() >= w.deadline) {
        const now = Date.now();
        for (const j of w.jobs) if (!j.done && now >= j.deadline) this.settle(w, j, this.timeout(j));
        if (w.outstanding === 0) return 'done';
      }
      if (++w.datagrams % YIELD_EVERY === 0) return 'yield';
      if (once) return 'more';
    }
  }

  // Hands each message of a datagram to handle(), its header read through a DataView kept across
  // datagrams into one reused header object. A Reader is made only for a message that needs one:
  // an ACK needs none.
  private handleDatagram(w: Write, d: Uint8Array, portId: number): void {
    let view = this.rview;
    if (view === undefined || view.buffer !== d.buffer || view.byteOffset !== d.byteOffset || view.byteLength < d.byteLength) {
      view = this.rview = new DataView(d.buffer, d.byteOffset, d.buffer.byteLength - d.byteOffset);
    }
    const v = view;
    let r: Reader | undefined;
    forEachHeader(v, d.byteLength, this.header, (m) => {
      // An ACK (NLMSG_ERROR with error 0) is settled from the header and the error code alone.
      if (m.type === NLMSG_ERROR && m.length >= 2 * NLMSG_HDRLEN + 4 && v.getInt32(m.payloadOffset, true) === 0) this.acked(w, m, portId);
      else this.handle(w, (r ??= new Reader(d)), m, portId);
    });
  }

  // An ACK: the request it answers has succeeded, and so has every silent one before it.
  private acked(w: Write, m: MessageView, portId: number): void {
    const i = this.answered(w, m, portId);
    if (i < 0) return;
    this.silentBefore(w, i);
    this.settle(w, w.jobs[i], undefined);
  }

  // The index in the write of the unsettled request `m` answers, its dump status updated from
  // `m`'s flags; -1 for a stale reply (to a request that timed out) or one not addressed to us.
  private answered(w: Write, m: MessageView, portId: number): number {
    if (m.pid !== portId && m.pid !== 0 && portId !== 0) return -1;
    const i = this.find(w, m.seq);
    if (i < 0 || w.jobs[i].done) return -1;
    const status = w.jobs[i].status;
    if (status !== undefined) {
      if (m.flags & NLM_F_DUMP_INTR) status.interrupted = true;
      if (m.flags & NLM_F_DUMP_FILTERED) status.filtered = true;
    }
    return i;
  }

  // The index in the write of the request with sequence number `seq`, or -1.
  private find(w: Write, seq: number): number {
    const jobs = w.jobs;
    const i = (seq - w.firstSeq) >>> 0;
    if (i < jobs.length && jobs[i].seq === seq) return i;
    // Only after the sequence number wrapped past 0 inside this write.
    return jobs.findIndex((j) => j.seq === seq);
  }

  private handle(w: Write, r: Reader, m: MessageView, portId: number): void {
    const i = this.answered(w, m, portId);
    if (i < 0) return;
    const j = w.jobs[i];
    const status = j.status;
    switch (m.type) {
      case NLMSG_NOOP:
      case NLMSG_OVERRUN:
        return;
      case NLMSG_ERROR: {
        this.silentBefore(w, i);
        // An ACK (error 0) needs nothing of its payload.
        if (m.end - m.payloadOffset >= 4 + NLMSG_HDRLEN && r.view.getInt32(m.payloadOffset, true) === 0) {
          this.settle(w, j, undefined);
          return;
        }
        const e = decodeErrorPayload(r, m.payloadOffset, m.end, m.flags);
        this.settle(w, j, e.error !== 0 ? this.kernelError(-e.error, j, e.extack) : undefined);
        return;
      }
      case NLMSG_DONE: {
        const d = decodeDonePayload(r, m.payloadOffset, m.end, m.flags);
        this.settle(w, j, d.error < 0 ? this.kernelError(-d.error, j, d.extack) : undefined);
        return;
      }
      default:
        if (status !== undefined) status.messages++;
        if (j.onMessage) {
          try {
            j.onMessage(r, m);
          } catch (err) {
            // Keep reading to the end of the reply so the socket stays in step, then report.
            j.failure ??= err instanceof Error ? err : new Error(String(err));
          }
        }
        return;
    }
  }

  // The answer to request `i` of the write has come: every earlier request that went without
  // NLM_F_ACK and got no error reply has succeeded.
  private silentBefore(w: Write, i: number): void {
    const jobs = w.jobs;
    for (let k = w.settledBelow; k < i; k++) {
      const j = jobs[k];
      if (!j.done && !j.acked) this.settle(w, j, undefined);
    }
    if (i > w.settledBelow) w.settledBelow = i;
  }

  // Ends a request: with `err`, or else with the failure its handler reported, or with its status.
  private settle(w: Write, j: Job, err: Error | undefined): void {
    if (j.done) return;
    j.done = true;
    w.outstanding--;
    const failure = j.failure ?? err;
    if (failure !== undefined) j.reject(failure);
    else j.resolve(j.status);
  }

  private kernelError(errno: number, j: Job, extack: ExtendedAck): NetlinkError {
    const bytes = this.bytesOf(j);
    const path = extack.offset !== undefined ? (this.options.attributePath?.(bytes, extack.offset) ?? this.namers.get(j.type)?.attributePathAt(bytes, extack.offset)) : undefined;
    return new NetlinkError(errno, this.info(j.type, j.flags, j.seq, bytes), extack, path);
  }
}

/**
 * A dump read as it arrives, in constant memory: `for await (const obj of stream)` object by object,
 * or `for await (const batch of stream.batches())` a datagram's objects at a time (the cheaper way
 * for large dumps: one promise per datagram of a few hundred objects instead of one per object).
 */
export interface ObjectStream<T> extends AsyncIterableIterator<T> {
  /**
   * The same stream a batch at a time: each value is an array of the objects decoded from one
   * datagram of the dump (about 32 KiB of messages: some 600 IPv4 routes), never empty, the
   * caller's to keep. Objects already decoded but not yet read by `next()` come first.
   * Leaving the loop early ends the whole stream, as `return()` does.
   */
  batches(): AsyncIterableIterator<T[]>;
}

/**
 * A dump read as it arrives (see {@link Connection.stream}): an async iterator of the decoded
 * objects that holds only one datagram's worth of them at a time; {@link DumpStream.batches}
 * hands them out a datagram at a time.
 */
export class DumpStream<T> implements ObjectStream<T> {
  #buffer: (T | undefined)[] = [];
  #next = 0;
  #state: 'idle' | 'queued' | 'running' | 'ended' = 'idle';
  #write: Write | undefined;
  #job: Job | undefined;
  #failure: Error | undefined;
  #cancelled = false;
  #started: (() => void) | undefined;
  #status: DumpStatus = { interrupted: false, filtered: false, messages: 0 };

  /** @internal */
  constructor(
    private readonly conn: EnginePort,
    private readonly req: Request,
    private readonly decode: (r: Reader, m: MessageView) => T | undefined,
    private readonly opts: RequestOptions,
    private readonly endsWith?: (err: Error) => boolean,
  ) {}

  /** How the dump went: complete once the stream has ended. */
  get status(): DumpStatus {
    return this.#status;
  }

  /** The stream is its own async iterator: `for await (const obj of stream)`. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next object, or the end. */
  next(): Promise<IteratorResult<T>> {
    if (this.#next < this.#buffer.length) {
      const value = this.#buffer[this.#next] as T;
      this.#buffer[this.#next++] = undefined;
      return Promise.resolve({ value, done: false });
    }
    return this.#fill();
  }

  /** {@inheritDoc ObjectStream.batches} */
  batches(): AsyncIterableIterator<T[]> {
    const it: AsyncIterableIterator<T[]> = {
      next: () => this.#nextBatch(),
      return: async () => {
        await this.return();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

  /** Stops early: the rest of the dump is read without decoding, then the engine goes on. */
  async return(): Promise<IteratorResult<T>> {
    this.#cancelled = true;
    this.#buffer = [];
    this.#next = 0;
    if (this.#state === 'idle') this.#state = 'ended';
    while (this.#state !== 'ended') await this.#fill().catch(() => undefined);
    this.#failure = undefined;
    return { value: undefined, done: true };
  }

  /** @internal The engine has sent the request and hands the reading over. */
  [STARTED](w: Write): void {
    this.#write = w;
    this.#state = 'running';
    this.#started?.();
  }

  #start(): Promise<void> {
    this.#state = 'queued';
    const job = this.conn.job(
      this.req,
      (r, m) => {
        if (this.#cancelled) return;
        const v = this.decode(r, m);
        if (v !== undefined) this.#buffer.push(v);
      },
      this.opts,
      this as DumpStream<unknown>,
      () => undefined,
      (err) => {
        this.#failure = err;
        // Refused before it was sent (a closed connection): the engine never hands it over.
        if (this.#write === undefined && this.#state === 'queued') {
          this.#state = 'ended';
          this.#started?.();
        }
      },
    );
    this.#job = job;
    this.#status = job.status as DumpStatus;
    return new Promise<void>((resolve) => {
      this.#started = resolve;
      this.conn.enqueue(job);
    });
  }

  async #fill(): Promise<IteratorResult<T>> {
    return (await this.#refill()) ? this.next() : { value: undefined, done: true };
  }

  async #nextBatch(): Promise<IteratorResult<T[]>> {
    if (this.#next >= this.#buffer.length && !(await this.#refill())) return { value: undefined, done: true };
    // The buffer goes to the caller whole; the decoder pushes into a fresh one.
    const batch = (this.#next === 0 ? this.#buffer : this.#buffer.slice(this.#next)) as T[];
    this.#buffer = [];
    this.#next = 0;
    return { value: batch, done: false };
  }

  // Reads datagrams until there are objects to hand out (true) or the stream has ended (false),
  // throwing its failure then.
  async #refill(): Promise<boolean> {
    if (this.#state === 'idle') await this.#start();
    let datagrams = 0;
    for (;;) {
      if (this.#next < this.#buffer.length) return true;
      if (this.#state === 'ended') {
        const f = this.#failure;
        if (f !== undefined) {
          this.#failure = undefined;
          if (!this.endsWith?.(f)) throw f;
        }
        return false;
      }
      const w = this.#write as Write;
      this.#buffer.length = 0;
      this.#next = 0;
      const step = this.conn.pumpOne(w);
      if (step === 'wait') {
        // The deadline counts time waiting for the kernel, not time the consumer spent.
        const j = this.#job as Job;
        j.deadline = Date.now() + j.timeoutMs;
        await this.conn.waitFor(w);
      } else if (step === 'yield' || (step === 'more' && ++datagrams % YIELD_EVERY === 0)) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (w.outstanding === 0 && this.#state === 'running') this.#end();
    }
  }

  #end(): void {
    this.#state = 'ended';
    const policy = this.opts.dumpInterrupted ?? 'retry';
    if (this.#failure === undefined && this.#status.interrupted && policy === 'throw' && !this.#cancelled) {
      const j = this.#job as Job;
      this.#failure = new DumpInterruptedError({ type: j.type, flags: j.flags, seq: j.seq }, 1);
    }
    this.conn.release();
  }
}
