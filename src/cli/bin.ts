#!/usr/bin/env node
// The `rtnl` executable (package.json "bin"): runs the command line with the process's arguments.
// SIGINT and SIGTERM end `rtnl monitor` cleanly (its socket closed, exit status 0), and so does a
// reader that goes away (`rtnl monitor | head -3`).

import { main, type CliIO } from './main.js';

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
const status = await main(process.argv.slice(2), io);
process.removeListener('SIGINT', stop);
process.removeListener('SIGTERM', stop);
process.exitCode = status;
