/**
 * Parser for strace hex dumps of socket traffic, used to turn captures of what iproute2 sends to and
 * receives from the kernel into byte fixtures.
 *
 * The expected input is the output file of
 * `strace -f -e trace=socket,sendmsg,recvmsg,sendto,recvfrom -e read=all -e write=all -o FILE ip ...`:
 * each syscall line is followed by ` | 00000  30 00 00 00 ...  0....... |` hex dump lines (preceded,
 * for `sendmsg`/`recvmsg`, by one ` * N bytes in buffer K` line per iovec).
 *
 * @module
 */
import { RtnetlinkError } from './errors.js';

/** The syscalls whose data `parseStraceDump` reports. */
export type StraceSyscall = 'sendmsg' | 'recvmsg' | 'sendto' | 'recvfrom' | 'write' | 'read';

/** How a traced fd was created, when strace traced the `socket()` call that returned it. */
export interface StraceSocket {
  /** First argument of `socket()`, such as `AF_NETLINK`. */
  domain: string;
  /** Second argument of `socket()`, such as `SOCK_RAW|SOCK_CLOEXEC`. */
  type: string;
  /** Third argument of `socket()`, such as `NETLINK_ROUTE`. */
  protocol: string;
}

/** One datagram (or one read/write buffer) that a traced process sent or received. */
export interface StraceDatagram {
  /** The syscall that moved the bytes. */
  syscall: StraceSyscall;
  /** `sent` for sendmsg/sendto/write, `received` for recvmsg/recvfrom/read. */
  direction: 'sent' | 'received';
  /** The file descriptor the syscall was made on. */
  fd: number;
  /** The bytes, every iovec of the call concatenated in order. */
  bytes: Uint8Array;
  /** Process (thread) id, when strace printed one (`-f`). */
  pid?: number;
  /**
   * How `fd` was created, when the output also holds the `socket()` call that returned it (add
   * `socket` to `-e trace=`). Lets a caller keep only, say, the `NETLINK_ROUTE` socket's traffic.
   */
  socket?: StraceSocket;
}

/** The strace output could not be parsed; {@link StraceParseError.line} says where. */
export class StraceParseError extends RtnetlinkError {
  override name = 'StraceParseError';
  /** 1-based number of the offending line (0 when the problem concerns the whole input). */
  readonly line: number;

  constructor(message: string, line: number) {
    super(line > 0 ? `strace output line ${line}: ${message}` : `strace output: ${message}`);
    this.line = line;
  }
}

const DIRECTION: Record<StraceSyscall, 'sent' | 'received'> = {
  sendmsg: 'sent',
  sendto: 'sent',
  write: 'sent',
  recvmsg: 'received',
  recvfrom: 'received',
  read: 'received',
};

const MSG_PEEK = 0x2;

/** Optional `[pid N] ` or `N ` prefix, then an optional -t/-tt/-ttt/-r timestamp. */
const PREFIX = /^\s*(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(?:(?:\d{2}:\d{2}:\d{2}(?:\.\d+)?|\d+\.\d+)\s+)?/;
const CALL_START = /^([a-z_][a-z0-9_]*)\(/;
const RESUMED = /^<\.\.\.\s+([a-z_][a-z0-9_]*|\?+)\s+resumed>\s?/;
const UNFINISHED = /\s*<unfinished \.\.\.>\s*$/;
const DUMP_LINE = /^ \| ([0-9a-f]+) {2}/;
const BUFFER_HEADER = /^ \* (\d+) bytes in buffer (\d+)\s*$/;
/** Width of the hex area of a dump line: 16 × "xx " plus one extra space after the 8th and 16th byte. */
const HEX_AREA_WIDTH = 50;

interface DumpBuffer {
  declared?: number;
  chunks: number[];
}

interface Call {
  line: number;
  name: string;
  /** Null when the call's data is not reported (other syscalls, errors, peeks): dumps are checked and dropped. */
  syscall: StraceSyscall | null;
  fd: number;
  pid?: number;
  ret: number;
  /** The call may legitimately have returned more than was dumped (MSG_TRUNC). */
  mayTruncate: boolean;
  /** sendmsg/recvmsg: dumps are announced by " * N bytes in buffer K" lines. */
  buffered: boolean;
  buffers: DumpBuffer[];
}

/**
 * Parses strace output holding hex dumps (`-e read=all -e write=all`) into the datagrams the traced
 * process sent and received, in order.
 *
 * - Handles `-f` pid prefixes (`1234  ` and `[pid 1234] `), timestamps (`-t`, `-tt`, `-ttt`, `-r`),
 *   `-T` durations, `-y`/`-yy` fd decorations, `<unfinished ...>`/`<... resumed>` pairs and calls
 *   whose data spans several iovecs (each `* N bytes in buffer K` buffer is appended in order).
 * - Skips receives made with `MSG_PEEK` (iproute2 peeks every datagram with `MSG_PEEK|MSG_TRUNC`
 *   and a NULL buffer to learn its size before reading it), so no datagram is reported twice.
 * - Skips failed calls (`= -1 E...`), calls that returned 0 bytes, calls that never finished, and
 *   the data of syscalls other than the six above (their dump lines are still checked).
 * - Records `socket()` results (and forgets them on a traced `close()`), so each datagram carries
 *   the {@link StraceSocket} its fd came from when that call is in the output.
 *
 * A received datagram the kernel truncated (`MSG_TRUNC` in the result's `msg_flags`) is reported
 * with the bytes that were actually dumped.
 *
 * @param text - The whole strace output (the `-o` file's contents).
 * @returns The datagrams, in the order strace printed them.
 * @throws {@link StraceParseError} on anything it does not recognise: a line that is neither a
 * syscall, a dump, a signal nor an exit line; malformed hex; dump offsets that skip or repeat; a
 * dump whose length disagrees with the syscall's return value; a `resumed` line without its
 * `unfinished` one; a successful send or receive with no dump at all (strace ran without
 * `-e read=all -e write=all`).
 */
export function parseStraceDump(text: string): StraceDatagram[] {
  if (typeof text !== 'string') throw new StraceParseError('input is not a string', 0);
  const lines = text.split(/\r?\n/);
  const out: StraceDatagram[] = [];
  const sockets = new Map<number, StraceSocket>();
  /** Unfinished calls by pid (-1 when strace printed no pid): the text before "<unfinished ...>". */
  const pending = new Map<number, { text: string; line: number }>();
  let call: Call | null = null;

  const finish = (): void => {
    if (call) finishCall(call, out, sockets);
    call = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i];
    if (raw.trim() === '') continue;

    const dump = DUMP_LINE.exec(raw);
    if (dump) {
      if (!call) throw new StraceParseError('hex dump line does not follow a syscall line', lineNo);
      addDumpLine(call, raw, dump, lineNo);
      continue;
    }
    const header = BUFFER_HEADER.exec(raw);
    if (header) {
      if (!call) throw new StraceParseError('"bytes in buffer" line does not follow a syscall line', lineNo);
      const index = Number(header[2]);
      if (index !== call.buffers.length) {
        throw new StraceParseError(`expected buffer ${call.buffers.length}, found buffer ${index}`, lineNo);
      }
      if (call.buffers.length > 0) checkBuffer(call, call.buffers[call.buffers.length - 1], lineNo);
      call.buffered = true;
      call.buffers.push({ declared: Number(header[1]), chunks: [] });
      continue;
    }

    // Anything else ends the current call's dump.
    finish();

    if (/^strace: /.test(raw)) continue;
    const prefix = PREFIX.exec(raw);
    const pidText = prefix?.[1] ?? prefix?.[2];
    const pid = pidText === undefined ? undefined : Number(pidText);
    const body = raw.slice(prefix ? prefix[0].length : 0);
    if (/^\+\+\+ .* \+\+\+\s*$/.test(body) || /^--- .* ---\s*$/.test(body)) continue;

    let callText: string;
    let callLine = lineNo;
    const resumed = RESUMED.exec(body);
    if (resumed) {
      const key = pid ?? -1;
      const start = pending.get(key);
      if (!start) {
        throw new StraceParseError(`"<... ${resumed[1]} resumed>" without a matching "<unfinished ...>" line`, lineNo);
      }
      pending.delete(key);
      const startName = CALL_START.exec(start.text)?.[1];
      if (startName !== resumed[1] && !/^\?+$/.test(resumed[1])) {
        throw new StraceParseError(`"${resumed[1]} resumed" follows an unfinished ${startName ?? 'call'}`, lineNo);
      }
      callText = start.text + body.slice(resumed[0].length);
      callLine = start.line;
    } else if (CALL_START.test(body)) {
      if (UNFINISHED.test(body)) {
        pending.set(pid ?? -1, { text: body.replace(UNFINISHED, ''), line: lineNo });
        continue;
      }
      callText = body;
    } else {
      throw new StraceParseError(`unrecognised line: ${JSON.stringify(truncate(raw))}`, lineNo);
    }
    call = parseCall(callText, pid, callLine, lineNo, sockets);
  }
  finish();
  return out;
}

function truncate(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Parses one complete syscall line ("name(args) = ret ..."). Returns the call to collect dumps into. */
function parseCall(
  text: string,
  pid: number | undefined,
  startLine: number,
  lineNo: number,
  sockets: Map<number, StraceSocket>,
): Call {
  const name = CALL_START.exec(text)![1];
  const open = name.length; // index of "("
  const close = findClose(text, open);
  if (close < 0) throw new StraceParseError(`unterminated argument list of ${name}()`, lineNo);
  const argsText = text.slice(open + 1, close);
  const rest = text.slice(close + 1);
  const retMatch = /^\s*=\s*(-?\d+|0x[0-9a-f]+|\?)/.exec(rest);
  if (!retMatch) throw new StraceParseError(`no return value after ${name}(...)`, lineNo);
  const retText = retMatch[1];
  const ret = retText === '?' ? -1 : Number(retText);

  const ignored: Call = {
    line: startLine, name, syscall: null, fd: -1, ret, mayTruncate: true, buffered: false, buffers: [],
  };
  if (pid !== undefined) ignored.pid = pid;

  if (name === 'socket' || name === 'close') {
    const args = splitArgs(argsText);
    if (name === 'socket' && ret >= 0 && args.length === 3) {
      sockets.set(ret, { domain: args[0], type: args[1], protocol: args[2] });
    } else if (name === 'close' && ret === 0 && args.length >= 1) {
      const fd = leadingFd(args[0]);
      if (fd !== null) sockets.delete(fd);
    }
    return ignored;
  }
  if (!(name in DIRECTION)) return ignored;
  const syscall = name as StraceSyscall;

  const fdMatch = /^\s*(\d+)/.exec(argsText);
  if (!fdMatch) throw new StraceParseError(`${name}() does not start with a file descriptor`, lineNo);
  const fd = Number(fdMatch[1]);
  ignored.fd = fd;
  if (ret <= 0) return ignored;

  const args = splitArgs(skipFdDecoration(argsText, fdMatch[0].length));
  let mayTruncate = false;
  if (syscall === 'recvmsg' || syscall === 'recvfrom') {
    // recvmsg(fd, msg, flags); recvfrom(fd, buf, len, flags, addr, addrlen)
    const flagsArg = syscall === 'recvmsg' ? args[2] : args[3];
    if (flagsArg === undefined) throw new StraceParseError(`cannot find the flags argument of ${name}()`, lineNo);
    const flags = parseFlags(flagsArg);
    if (flags.peek) return ignored;
    mayTruncate = flags.trunc || (syscall === 'recvmsg' && /msg_flags=[^,}]*MSG_TRUNC/.test(args[1] ?? ''));
  }
  const result: Call = {
    line: startLine, name, syscall, fd, ret, mayTruncate, buffered: false, buffers: [],
  };
  if (pid !== undefined) result.pid = pid;
  return result;
}

/** Index of the ")" closing the "(" at `open`, skipping strings, comments and nested brackets; -1 if none. */
function findClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = skipString(text, i);
      if (i < 0) return -1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 1;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return c === ')' ? i : -1;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

/** Index of the closing quote of the string opening at `start`, or -1. */
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** After "3", skips a -y decoration such as "<NETLINK:[5459]>" and returns the rest (starting at the ","). */
function skipFdDecoration(argsText: string, from: number): string {
  if (argsText[from] !== '<') return argsText.slice(from);
  let depth = 0;
  for (let i = from; i < argsText.length; i++) {
    if (argsText[i] === '<') depth++;
    else if (argsText[i] === '>' && --depth === 0) return argsText.slice(i + 1);
  }
  return argsText.slice(from);
}

/** Splits an argument list at top-level commas. A leading "," (left by {@link skipFdDecoration}) yields an empty first element. */
function splitArgs(argsText: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < argsText.length; i++) {
    const c = argsText[i];
    if (c === '"') {
      const end = skipString(argsText, i);
      if (end < 0) break;
      i = end;
    } else if (c === '/' && argsText[i + 1] === '*') {
      const end = argsText.indexOf('*/', i + 2);
      if (end < 0) break;
      i = end + 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      args.push(argsText.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(argsText.slice(start).trim());
  return args;
}

function leadingFd(arg: string): number | null {
  const m = /^(\d+)/.exec(arg);
  return m ? Number(m[1]) : null;
}

/** Reads a flags argument printed symbolically ("MSG_PEEK|MSG_TRUNC") or raw ("0x22", "34"). */
function parseFlags(arg: string): { peek: boolean; trunc: boolean } {
  let bits = 0;
  let peek = false;
  let trunc = false;
  for (const part of arg.replace(/\/\*.*?\*\//g, '').split('|')) {
    const p = part.trim();
    if (p === 'MSG_PEEK') peek = true;
    else if (p === 'MSG_TRUNC') trunc = true;
    else if (/^(0x[0-9a-f]+|\d+)$/i.test(p)) bits |= Number(p);
  }
  return { peek: peek || (bits & MSG_PEEK) !== 0, trunc: trunc || (bits & 0x20) !== 0 };
}

function addDumpLine(call: Call, raw: string, m: RegExpExecArray, lineNo: number): void {
  if (call.buffers.length === 0) {
    if (call.buffered && call.syscall) {
      throw new StraceParseError('hex dump line before any "bytes in buffer" line', lineNo);
    }
    call.buffers.push({ chunks: [] });
  }
  const buffer = call.buffers[call.buffers.length - 1];
  const offset = parseInt(m[1], 16);
  if (offset !== buffer.chunks.length) {
    throw new StraceParseError(
      `hex dump offset 0x${m[1]} where 0x${buffer.chunks.length.toString(16)} was expected (a line is missing or repeated)`,
      lineNo,
    );
  }
  const area = raw.slice(m[0].length, m[0].length + HEX_AREA_WIDTH);
  const tokens = area.trim().split(/\s+/);
  if (tokens.length === 0 || tokens.length > 16 || tokens[0] === '') {
    throw new StraceParseError('hex dump line holds no bytes', lineNo);
  }
  for (const t of tokens) {
    if (!/^[0-9a-f]{2}$/.test(t)) throw new StraceParseError(`malformed hex byte ${JSON.stringify(t)}`, lineNo);
    buffer.chunks.push(parseInt(t, 16));
  }
  if (tokens.length < 16 && raw.length >= m[0].length + HEX_AREA_WIDTH) {
    // A short line is the last of its buffer: its hex area must be padded, not followed by more hex.
    const expectedEnd = tokens.length * 3 + (tokens.length > 8 ? 1 : 0);
    if (area.slice(expectedEnd).trim() !== '') throw new StraceParseError('malformed hex dump line', lineNo);
  }
}

function checkBuffer(call: Call, buffer: DumpBuffer, lineNo: number): void {
  if (buffer.declared !== undefined && buffer.declared !== buffer.chunks.length) {
    throw new StraceParseError(
      `${call.name}() buffer ${call.buffers.indexOf(buffer)} announced ${buffer.declared} bytes but its dump holds ${buffer.chunks.length}`,
      lineNo,
    );
  }
}

function finishCall(call: Call, out: StraceDatagram[], sockets: Map<number, StraceSocket>): void {
  for (const b of call.buffers) checkBuffer(call, b, call.line);
  if (!call.syscall) return;
  const total = call.buffers.reduce((n, b) => n + b.chunks.length, 0);
  if (total === 0) {
    throw new StraceParseError(
      `${call.name}() on fd ${call.fd} returned ${call.ret} bytes but no hex dump follows (run strace with -e read=all -e write=all)`,
      call.line,
    );
  }
  if (total > call.ret || (total < call.ret && !call.mayTruncate)) {
    throw new StraceParseError(
      `${call.name}() on fd ${call.fd} returned ${call.ret} bytes but its hex dump holds ${total}`,
      call.line,
    );
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const b of call.buffers) {
    bytes.set(b.chunks, at);
    at += b.chunks.length;
  }
  const d: StraceDatagram = { syscall: call.syscall, direction: DIRECTION[call.syscall], fd: call.fd, bytes };
  if (call.pid !== undefined) d.pid = call.pid;
  const socket = sockets.get(call.fd);
  if (socket) d.socket = { ...socket };
  out.push(d);
}
