// The `rtnl` command as a process: the command line of main.ts with the process's streams, signals
// and exit status. SIGINT and SIGTERM end `rtnl monitor` cleanly (its socket closed, exit status
// 0), and so does a reader that goes away (`rtnl monitor | head -3`). bin.ts runs it (and the
// bundled command, see launcher.ts).
//
// What a short command does not use is not set up: Node makes process.stdout (a stream over a
// tty, pipe or file handle) on first use, 3.5-6 ms of start-up here, so the output is written
// with write(2) on fd 1 as long as the descriptor takes each text whole; the signal handlers are
// installed when a command asks for the signal (monitor, netns exec).

import { writeSync } from 'node:fs';
import { compileDecodersAfter } from '../netlink/schema/compile.js';
import type { TextSink } from './context.js';
import { main, type CliIO } from './main.js';

/** A text sink's one system call: writes from `buffer[offset]` on, returns how many bytes it took. */
export type WriteFd = (buffer: Uint8Array, offset: number) => number;

/**
 * Standard output as a text sink: each text written with `write` (write(2) on fd 1) until the
 * descriptor refuses one (EAGAIN: a non-blocking pipe that is full); from then on everything
 * goes through `stream()` (process.stdout, which waits for the reader), in order. EPIPE (the reader
 * went away) calls `closed` and drops the text.
 */
export function stdoutSink(write: WriteFd, stream: () => NodeJS.WritableStream & { isTTY?: boolean }, closed: () => void): TextSink & { readonly isTTY: boolean } {
  let through: NodeJS.WritableStream | undefined;
  return {
    write(text: string): boolean {
      if (through !== undefined) return through.write(text);
      const bytes = Buffer.from(text, 'utf8');
      for (let offset = 0; offset < bytes.length; ) {
        let n: number;
        try {
          n = write(bytes, offset);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EPIPE') {
            closed();
            return false;
          }
          if (code !== 'EAGAIN') throw err;
          n = 0;
        }
        if (n <= 0) {
          through = stream();
          return through.write(bytes.subarray(offset));
        }
        offset += n;
      }
      return true;
    },
    // `-c auto` asks; only then is the stream made.
    get isTTY(): boolean {
      return stream().isTTY === true;
    },
  };
}

/**
 * Runs the command line `argv` (without `node` and the script) in this process and ends it with
 * the command's exit status: at once with process.exit() when the command wrote all its output
 * itself (process.stdout, which may still hold text for a slow reader, was never made), else by
 * setting process.exitCode and letting Node finish writing. Exiting at once saves what Node
 * would still do for a process whose work is done: the event loop's teardown, and a
 * young-generation collection V8 queues as a task once a command's allocations pass 80% of the
 * new space (it runs after the command; `rtnl link show` did, before its allocations were cut):
 * 1.2-1.6 ms of `rtnl link show` when measured.
 */
export async function runProcess(argv: readonly string[]): Promise<void> {
  compileDecodersAfter(COMPILE_DECODERS_AFTER);
  process.exitCode = await run(argv, true);
}

// A command decodes few values of most schemas: each struct and attribute set compiles its fast
// decoder (JavaScript made at run time, which the code cache cannot hold) only after this many.
// `rtnl -n NS link show` of 5 links of 3 kinds (veth, bridge, vxlan), in one process through
// runProcess: 16.6 -> 11.8 ms from its command line to its exit, of `lo` alone 0.2-0.7 ms less
// (10 runs alternating). A dump of thousands decodes the rest compiled, as a long-lived process
// does all.
const COMPILE_DECODERS_AFTER = 16;

/** Runs the command line `argv` (without `node` and the script) in this process; resolves to its exit status. */
export function runCommandLine(argv: readonly string[]): Promise<number> {
  return run(argv, false);
}

async function run(argv: readonly string[], exitWhenWritten: boolean): Promise<number> {
  let controller: AbortController | undefined;
  const stop = (): void => controller?.abort();
  // process.stdout when the sink hands over to it (or -c auto asks), made once with its EPIPE handler.
  let out: NodeJS.WriteStream | undefined;
  const stdout = (): NodeJS.WriteStream => {
    if (out === undefined) {
      out = process.stdout;
      out.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
        stop();
      });
    }
    return out;
  };
  // stdin and stderr only when used (`netns exec`, an error): each is a stream Node makes on first use.
  const io: CliIO = {
    stdout: stdoutSink((buffer, offset) => writeSync(1, buffer, offset), stdout, stop),
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    get signal() {
      if (controller === undefined) {
        controller = new AbortController();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }
      return controller.signal;
    },
  };
  let status: number;
  try {
    status = await main(argv, io);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
  // Everything written with write(2) is in the descriptor already; stderr is synchronous for
  // files, pipes and terminals on Linux.
  if (exitWhenWritten && out === undefined) process.exit(status);
  return status;
}

export { main };
