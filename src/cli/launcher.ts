// How the packaged `rtnl` starts: the whole command (process.ts and all it imports) is bundled into
// one classic script, dist/cli/bundle.cjs, which is compiled here with V8's code cache for it,
// dist/cli/bundle.cjs.cache. Both are made by `npm run build` (tools/bundle-cli.ts), which also
// makes the executable, dist/cli/bin.cjs, of `launch()`, and one smaller bundle (with its cache)
// for each group of objects in commandline.ts's BUNDLES: `rtnl link show` runs in link.cjs, which
// holds the link commands and the library modules they use, not tc's, routes' or the event
// streams' (less to read, deserialise and set up: see tools/bundle-cli.ts for the figures).
//
// Why: before it runs, a command had to parse and compile the ~430 KiB of JavaScript it loads, the
// largest part of its start-up above bare `node` (about 45 ms of --cpu-prof samples in
// compileSourceTextModule). Node 20 has no code cache for ES modules (module.enableCompileCache
// came with Node 22), but vm.Script takes one for a classic script: the bytecode of every function
// the build's run of a command compiled is read back instead of compiled again.
//
// The cache is made by the build, next to the code, and read from there: it is as trustworthy as
// the code beside it (npm's integrity hash covers both), and nothing is written at run time. V8
// checks that a cache was made by the same V8 version, with the same flags, for a source of the
// same length, but not its contents (Node 20's V8 does not verify the payload's checksum: damaged
// bytes crash it) nor the build options of the node binary: the cache file starts with a line
// naming what it was made with (V8 version, architecture, pointer compression, ...), and is passed
// to V8 only when the running node matches. A cache not taken (another Node.js or build of it, node
// started with V8 flags) is ignored and the script compiled as usual, only slower.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import type { CliIO } from './context.js';
import { bundleOf } from './commandline.js';

/** What the bundled script exports: process.ts's functions. */
export interface CommandBundle {
  /** Runs a command line in this process with its streams and signals; resolves to the exit status. */
  runCommandLine(argv: readonly string[]): Promise<number>;
  /** Runs a command line in this process and ends the process with its exit status. */
  runProcess(argv: readonly string[]): Promise<void>;
  /** Runs a command line with the given streams (main.ts). */
  main(argv: readonly string[], io: CliIO): Promise<number>;
}

/** A loaded bundle: its exports, the compiled script (for making a code cache), how the cache went. */
export interface LoadedBundle {
  /** What the bundle exports. */
  exports: CommandBundle;
  /** The compiled script. */
  script: Script;
  /** `undefined`: no cache file was read; `true`: it was not taken (compiled from source); `false`: used. */
  cacheRejected: boolean | undefined;
}

/** The bundled script, wrapped by the build in a function taking CommonJS's five arguments. */
type Wrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/** The code cache's file for the bundle at `file`. */
export function cacheFileOf(file: string): string {
  return `${file}.cache`;
}

/**
 * The first line of a code cache file: what V8 does not check itself about the node that made
 * it, which must be the node that uses it. Padded with spaces to a multiple of 8 bytes, so that
 * V8's data after it starts pointer-aligned (a Buffer read from a file starts so): V8 copies
 * cached data that is not aligned before reading it (AlignedCachedData), 260 KiB for the link
 * bundle, 64 more pages touched.
 */
export function cacheHeader(): string {
  const v = process.config.variables as Record<string, unknown>;
  const made = [process.versions.v8, process.arch, v.v8_enable_pointer_compression, v.v8_enable_sandbox, v.v8_enable_31bit_smis_on_64bit_arch, v.node_shared];
  const line = `rtnl code cache 1 ${made.join(' ')}`;
  return `${line.padEnd(Math.ceil((line.length + 1) / 8) * 8 - 1)}\n`;
}

/** The contents of a code cache file: the header line, then V8's data. */
export function cacheFile(data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(cacheHeader(), 'latin1'), data]);
}

/** V8's data in a code cache file, or undefined when the file was made by another node. */
function cachedDataIn(file: Buffer): Buffer | undefined {
  const header = cacheHeader();
  return file.length > header.length && file.toString('latin1', 0, header.length) === header ? file.subarray(header.length) : undefined;
}

/**
 * Compiles and runs the bundle at `file` (with its code cache unless `useCache` is false) and
 * returns its exports. `require` is the bundle's require(): one made for `file` unless given (the
 * executable gives its own, made by Node for a file of the same folder, so that node:module is not
 * loaded for createRequire: 0.5-0.9 ms of `rtnl link show`, see tools/bundle-cli.ts).
 */
export function loadBundle(file: string, useCache = true, require?: NodeJS.Require): LoadedBundle {
  // The build checks that the bundle is ASCII (esbuild escapes the rest), so UTF-8 reads it as
  // is, into a one-byte string. Read as 'utf8', not 'latin1': Node reads a UTF-8 file into a
  // string in one native step, where latin1 goes through a Buffer and a copy (222 KiB: 2.7
  // against 3.7 ms here, 5 runs each).
  const source = readFileSync(file, 'utf8');
  let cache: Buffer | undefined;
  if (useCache) {
    try {
      cache = readFileSync(cacheFileOf(file));
    } catch {
      cache = undefined; // no cache: compiled from source
    }
  }
  const cachedData = cache === undefined ? undefined : cachedDataIn(cache);
  const script = new Script(source, { filename: file, cachedData });
  const module = { exports: {} };
  const run = script.runInThisContext() as Wrapper;
  run(module.exports, require ?? createRequire(file), module, file, dirname(file));
  return { exports: module.exports as CommandBundle, script, cacheRejected: cache === undefined ? undefined : cachedData === undefined || script.cachedDataRejected === true };
}

/**
 * The bundle in `dir` that runs `argv`: its object's (`link.cjs` for `rtnl link show`) when the
 * build made one, else the whole command's, `bundle.cjs`.
 */
export function bundleFileFor(dir: string, argv: readonly string[]): string {
  const group = bundleOf(argv);
  if (group !== undefined) {
    const file = join(dir, `${group}.cjs`);
    if (existsSync(file)) return file;
  }
  return join(dir, 'bundle.cjs');
}

/** Where the executable's shell line keeps NODE_EXTRA_CA_CERTS's value for the command's children. */
export const SAVED_EXTRA_CA_CERTS = 'RTNL_SAVED_EXTRA_CA_CERTS';

/**
 * The executable's first lines (tools/bundle-cli.ts): to the shell, a script that runs node on
 * the file itself; to JavaScript, a hashbang, a string and a comment. The shell starts node with
 * NODE_EXTRA_CA_CERTS empty: node parses that CA bundle before running any JavaScript (40-45 ms
 * for a system bundle of 144 certificates here, a third of `rtnl link show`), and rtnl makes no
 * TLS connection. Its value, when it had one, goes in {@link SAVED_EXTRA_CA_CERTS}.
 */
export const EXECUTABLE_HEADER =
  '#!/bin/sh\n' +
  `':' //; [ -n "\${NODE_EXTRA_CA_CERTS+set}" ] && export ${SAVED_EXTRA_CA_CERTS}="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS=; exec node "$0" "$@"`;

/**
 * Gives `env` back the NODE_EXTRA_CA_CERTS the executable's shell line emptied, so that the
 * processes the command starts (`rtnl netns exec NS node app.js`) get the environment it was given.
 */
export function restoreExtraCaCerts(env: NodeJS.ProcessEnv): void {
  const saved = env[SAVED_EXTRA_CA_CERTS];
  if (saved === undefined || env.NODE_EXTRA_CA_CERTS !== '') return;
  env.NODE_EXTRA_CA_CERTS = saved;
  delete env[SAVED_EXTRA_CA_CERTS];
}

/**
 * Runs the process's command line with its bundle in `dir` (see {@link bundleFileFor}) and ends
 * the process with its status. `require` is the require() of a module in `dir` (the executable's).
 */
export async function launch(dir: string, require: NodeJS.Require): Promise<void> {
  restoreExtraCaCerts(process.env);
  const argv = process.argv.slice(2);
  return loadBundle(bundleFileFor(dir, argv), true, require).exports.runProcess(argv);
}
