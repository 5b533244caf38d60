// Waits for file descriptors to become readable without blocking the event loop and without
// holding a thread of libuv's pool.
//
// Why a worker thread: ffi-rs's `runInNewThread` runs the call as napi async work, i.e. on libuv's
// thread pool (measured: four 2-s polls delay fs.readFile and dns.lookup by 2 s). A blocking poll()
// there would starve fs and dns. Node cannot watch an arbitrary fd itself, so one worker thread per
// process (started on the first wait, about 40 ms) blocks in poll() on every fd being waited for
// plus an eventfd that the main thread writes to hand it new work or cancellations.
//
// That is the main thread's way. A worker thread of the application waits in its own thread
// instead ({@link waitReadable}): a poll(2) that returns at once, again and again on a timer. A
// helper thread blocked in poll() is a native call Node cannot stop, so terminating the worker
// that started it hung (in 6 of 9 runs of 20 terminations of a worker running a monitor).
//
// The worker loads ffi-rs through ffi-rs's own loader, after the main thread has (eventfd() below);
// a thread that loaded it can end safely because ffi.ts opens the binary with RTLD_NODELETE. A
// worker blocked in a native call would also keep the process from exiting: the 'exit' hook wakes
// it, and waits until the worker has left its last ffi-rs call. Node terminates workers right after
// the 'exit' event, and a worker terminated inside ffi-rs (between its call's arguments and its
// result) makes ffi-rs panic, which aborts the whole process: `rtnl monitor` ended by SIGTERM died
// of SIGABRT in 6 runs of 100 before the wait.

import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as WorkerThreads from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
import { close, eventfd, ffiRsPath, poll } from './libc.js';
import { EFD_CLOEXEC, EFD_NONBLOCK, POLLIN } from './constants.js';

/** One pending wait on a file descriptor. */
export interface FdWait {
  /**
   * Resolves `true` when the fd is readable (or has an error condition), `false` on timeout or
   * after {@link FdWait.cancel}. When it settles, the poller thread no longer watches the fd, so
   * the fd may be closed.
   */
  readonly promise: Promise<boolean>;
  /** Stops waiting: the promise resolves `false` as soon as the poller thread lets go of the fd. */
  cancel(): void;
}

type ToWorker =
  | { op: 'add'; id: number; fd: number; timeoutMs: number }
  | { op: 'cancel'; id: number }
  | { op: 'stop' };

interface FromWorker {
  id: number;
  ready: boolean;
}

interface Pending {
  resolve(ready: boolean): void;
  cancelled: boolean;
}

// The worker's code: an ES module loaded from a data: URL, so that it works from the TypeScript
// sources under a test runner and from the compiled package alike, and whatever the main program's
// flags: a data: URL is always a module (where an eval'd string follows --input-type), and the
// worker gets no execArgv of its own (none of the main program's loaders, --import or --require).
const WORKER_SOURCE = String.raw`
import { workerData, parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import fs from 'node:fs';
const ffi = createRequire(workerData.ffiPath)(workerData.ffiPath);
const LIB = 'rtnetlink-poller-libc';
ffi.open({ library: LIB, path: '' });
const port = workerData.port;
const wakeFd = workerData.wakeFd;
const stopped = new Int32Array(workerData.stopped);
const POLLIN = 1;
const EINTR = 4;
const waits = new Map();
const drain = Buffer.alloc(8);
let running = true;
while (running) {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const msg = m.message;
    if (msg.op === 'add') {
      waits.set(msg.id, { fd: msg.fd, deadline: msg.timeoutMs < 0 ? -1 : performance.now() + msg.timeoutMs });
    } else if (msg.op === 'cancel') {
      if (waits.delete(msg.id)) parentPort.postMessage({ id: msg.id, ready: false });
    } else if (msg.op === 'stop') {
      running = false;
    }
  }
  if (!running) break;
  const ids = [...waits.keys()];
  const n = ids.length + 1;
  const fds = Buffer.alloc(8 * n);
  fds.writeInt32LE(wakeFd, 0);
  fds.writeInt16LE(POLLIN, 4);
  const now = performance.now();
  let timeout = -1;
  for (let i = 0; i < ids.length; i++) {
    const w = waits.get(ids[i]);
    fds.writeInt32LE(w.fd, 8 * (i + 1));
    fds.writeInt16LE(POLLIN, 8 * (i + 1) + 4);
    if (w.deadline >= 0) {
      const left = Math.min(0x7fffffff, Math.max(0, Math.ceil(w.deadline - now)));
      if (timeout < 0 || left < timeout) timeout = left;
    }
  }
  const r = ffi.load({
    library: LIB, funcName: 'poll', retType: ffi.DataType.I32,
    paramsType: [ffi.DataType.U8Array, ffi.DataType.U64, ffi.DataType.I32],
    paramsValue: [fds, n, timeout], errno: true,
  });
  if (r.value < 0) {
    if (r.errnoCode === EINTR) continue;
    // Unexpected: call every waiter ready, so that its receive() reports the real problem.
    for (const id of ids) { waits.delete(id); parentPort.postMessage({ id, ready: true }); }
    continue;
  }
  if (fds.readUInt16LE(6) !== 0) { try { fs.readSync(wakeFd, drain); } catch {} }
  const after = performance.now();
  for (let i = 0; i < ids.length; i++) {
    const w = waits.get(ids[i]);
    if (w === undefined) continue;
    if (fds.readUInt16LE(8 * (i + 1) + 6) !== 0) {
      waits.delete(ids[i]);
      parentPort.postMessage({ id: ids[i], ready: true });
    } else if (w.deadline >= 0 && after >= w.deadline) {
      waits.delete(ids[i]);
      parentPort.postMessage({ id: ids[i], ready: false });
    }
  }
}
// No ffi-rs call after this: the main thread's 'exit' hook may let Node terminate this thread.
Atomics.store(stopped, 0, 1);
Atomics.notify(stopped, 0);
`;

const EXIT_WAIT_MS = 2000;
const WAKE = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);

// node:worker_threads is loaded when the first poller starts, not at import: loading it costs a
// short-lived process (`rtnl link show`, which never waits for events) several milliseconds.
// (createRequire itself is called then too: it costs start-up time as well.)
let builtinRequire: NodeRequire | undefined;
const builtin = (id: string): unknown => (builtinRequire ??= createRequire(import.meta.url))(id);

/**
 * Watches file descriptors for readability in one background thread (a worker thread blocked in
 * poll(2)), so that waiting never blocks the event loop nor occupies libuv's thread pool.
 * Use {@link FdPoller.shared}.
 */
export class FdPoller {
  static #shared: FdPoller | undefined;

  /** The process-wide poller, started on first use. */
  static shared(): FdPoller {
    if (FdPoller.#shared === undefined || FdPoller.#shared.#dead) FdPoller.#shared = new FdPoller();
    return FdPoller.#shared;
  }

  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #wakeFd: number;
  // One Int32 the worker sets to 1 once it makes no more ffi-rs calls (its loop has ended).
  readonly #stopped = new Int32Array(new SharedArrayBuffer(4));
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead = false;

  private constructor() {
    this.#wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    const { Worker, MessageChannel } = builtin('node:worker_threads') as typeof WorkerThreads;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`), {
      execArgv: [],
      workerData: { ffiPath: ffiRsPath(), port: port2, wakeFd: this.#wakeFd, stopped: this.#stopped.buffer },
      transferList: [port2],
      stdout: false,
      stderr: false,
    });
    this.#worker.on('message', (m: FromWorker) => this.#settle(m.id, m.ready));
    this.#worker.on('error', () => this.#shutDown());
    this.#worker.on('exit', () => this.#shutDown());
    // Unref after adding the listeners (adding a 'message' listener refs the worker again).
    this.#worker.unref();
    this.#port.unref();
    process.once('exit', this.#onExit);
  }

  /** Number of waits in progress. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Starts waiting for `fd` to become readable.
   * @param timeoutMs - Give up after this many milliseconds; `Infinity` or a negative value: never.
   */
  wait(fd: number, timeoutMs: number): FdWait {
    const id = this.#nextId++;
    let resolve!: (ready: boolean) => void;
    const promise = new Promise<boolean>((r) => (resolve = r));
    if (this.#dead) {
      resolve(false);
      return { promise, cancel: () => undefined };
    }
    const entry: Pending = { resolve, cancelled: false };
    this.#pending.set(id, entry);
    if (this.#pending.size === 1) this.#worker.ref();
    const t = Number.isFinite(timeoutMs) && timeoutMs >= 0 ? Math.ceil(timeoutMs) : -1;
    this.#send({ op: 'add', id, fd, timeoutMs: t });
    return {
      promise,
      cancel: (): void => {
        if (entry.cancelled || !this.#pending.has(id)) return;
        entry.cancelled = true;
        this.#send({ op: 'cancel', id });
      },
    };
  }

  #send(msg: ToWorker): void {
    this.#port.postMessage(msg);
    try {
      writeSync(this.#wakeFd, WAKE);
    } catch {
      // EAGAIN: the counter is saturated, so the worker is awake anyway.
    }
  }

  #settle(id: number, ready: boolean): void {
    const entry = this.#pending.get(id);
    if (entry === undefined) return;
    this.#pending.delete(id);
    if (this.#pending.size === 0 && !this.#dead) this.#worker.unref();
    entry.resolve(ready && !entry.cancelled);
  }

  // The worker is gone: nothing watches any fd any more, so every wait can end.
  #shutDown(): void {
    if (this.#dead) return;
    this.#dead = true;
    process.removeListener('exit', this.#onExit);
    for (const id of [...this.#pending.keys()]) this.#settle(id, false);
    this.#port.close();
    try {
      close(this.#wakeFd);
    } catch {
      // already closed
    }
  }

  // At process exit, a worker blocked in poll() would keep the process from ending: wake it, and
  // wait until it is out of ffi-rs (see the top of this file). It takes microseconds once the
  // worker runs; the bound covers a worker still starting (about 40 ms) on a loaded machine.
  readonly #onExit = (): void => {
    if (this.#dead) return;
    this.#send({ op: 'stop' });
    Atomics.wait(this.#stopped, 0, 0, EXIT_WAIT_MS);
  };
}

/** How long a worker thread's wait sleeps between two polls, at most (it starts at 1 ms and doubles). */
const WORKER_POLL_MAX_MS = 16;

// Whether this is the process's main thread: node:worker_threads read on the first wait.
let mainThread: boolean | undefined;

/**
 * Waits for `fd` to become readable without blocking the event loop: in the main thread through
 * the process's {@link FdPoller}, in a worker thread in that thread itself, with poll(2) calls
 * that return at once spaced by timers of 1, 2, 4 ... {@link WORKER_POLL_MAX_MS} ms (a worker
 * that waits then costs up to that much latency, and nothing blocks that its termination would
 * have to stop).
 * @param timeoutMs - Give up after this many milliseconds; `Infinity` or a negative value: never.
 */
export function waitReadable(fd: number, timeoutMs: number): FdWait {
  mainThread ??= (builtin('node:worker_threads') as typeof WorkerThreads).isMainThread;
  return mainThread ? FdPoller.shared().wait(fd, timeoutMs) : waitInThisThread(fd, timeoutMs);
}

function waitInThisThread(fd: number, timeoutMs: number): FdWait {
  const deadline = Number.isFinite(timeoutMs) && timeoutMs >= 0 ? performance.now() + timeoutMs : Infinity;
  let resolve!: (ready: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let delay = 0;
  const settle = (ready: boolean): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    resolve(ready);
  };
  const check = (): void => {
    if (done) return;
    let revents: number;
    try {
      revents = poll([{ fd, events: POLLIN }], 0)[0];
    } catch {
      // Called ready, so that the caller's receive() reports the real problem (as the poller thread does).
      settle(true);
      return;
    }
    if (revents !== 0) {
      settle(true);
      return;
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      settle(false);
      return;
    }
    delay = Math.min(delay === 0 ? 1 : delay * 2, WORKER_POLL_MAX_MS);
    timer = setTimeout(check, Math.min(delay, left));
  };
  check();
  return { promise, cancel: () => settle(false) };
}
