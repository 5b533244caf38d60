#!/usr/bin/env node
// The `rtnl` executable (package.json "bin"): runs the command line with the process's arguments.
// SIGINT and SIGTERM end `rtnl monitor` cleanly (its socket closed, exit status 0), and so does a
// reader that goes away (`rtnl monitor | head -3`).

import { main } from './main.js';

const controller = new AbortController();
const stop = (): void => controller.abort();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  stop();
});

const status = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, signal: controller.signal });
process.removeListener('SIGINT', stop);
process.removeListener('SIGTERM', stop);
process.exitCode = status;
