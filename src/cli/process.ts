// The `rtnl` command as a process: the command line of main.ts with the process's streams, signals
// and exit status. SIGINT and SIGTERM end `rtnl monitor` cleanly (its socket closed, exit status
// 0), and so does a reader that goes away (`rtnl monitor | head -3`). bin.ts runs it (and the
// bundled command, see launcher.ts).

import { main, type CliIO } from './main.js';

/** Runs the command line `argv` (without `node` and the script) in this process; resolves to its exit status. */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    stop();
  });
  // stdin only when a command reads it (`netns exec`): creating process.stdin loads stream and tty
  // or pipe code that the other commands do not need.
  const io: CliIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    signal: controller.signal,
  };
  try {
    return await main(argv, io);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

export { main };
