// Bundles the compiled `rtnl` command (tsc's dist/cli) in place, and makes V8's code cache for it:
//   tsx tools/bundle-cli.ts [dist/cli]     (run by `npm run build`; bench/bench.ts runs it on its build)
//
// What it makes in that folder:
// - bundle.cjs: process.ts and everything it imports, in one classic script wrapped in a function
//   of CommonJS's five arguments, with its source map chained to the TypeScript sources;
// - bundle.cjs.cache: V8's code cache for that script, made after running read-only commands
//   (`link show`, ...) in this process, so that it holds the bytecode of what they compiled;
// - bin.cjs, the executable (package.json "bin"): launcher.ts's start-up, which compiles
//   bundle.cjs with the cache (see launcher.ts).
// tsc's per-module JavaScript in dist/cli is removed (its .d.ts files stay).
//
// Why: a short-lived command spends most of its time starting. Bundling removed the module
// loader's per-file work (134 ES modules for `rtnl -n NS link show`); the code cache removes most
// of the parsing and compiling that was left, about 45 ms of the command's start-up here (see
// launcher.ts for why one classic script: Node 20 has no code cache for ES modules). With the cache
// every command's functions are in one file, and the modules of the commands not run are
// evaluated only when a command imports them (esbuild makes main.ts's import() calls lazy
// initialisers). esbuild is the tool for it: it already comes with tsx (same version), bundles ES
// modules without changing what they do, and chains the source maps. Whitespace and syntax are
// minified; identifiers keep their names (error classes, stack traces).
//
// The package's dependencies stay outside, loaded from node_modules as installed: ffi-rs is a
// native binary found at run time, and binary-parser's source map points at sources npm does not
// ship with it.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const outdir = path.resolve(process.argv[2] ?? 'dist/cli');
const bundleFile = path.join(outdir, 'bundle.cjs');
const launcherFile = path.join(outdir, 'launcher.js');
const binFile = path.join(outdir, 'bin.cjs');

// What tsc emitted there (src/cli's modules, bin.js included): the bundle replaces it.
const emitted = fs.readdirSync(outdir).filter((f) => f.endsWith('.js'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  minifyWhitespace: true,
  minifySyntax: true,
  // The input's own source maps (tsc's) are followed, so the bundle's map points at src/*.ts.
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'inline',
  logLevel: 'warning',
  // Non-ASCII characters escaped: the launcher reads the script as latin1 (no UTF-8 decoding).
  charset: 'ascii',
} as const;

// The command. As CommonJS, `import.meta.url` (createRequire's base in the library) is the
// script's own URL, from the __filename the launcher passes. ES modules are strict: so is the script.
const bundled = await build({
  ...common,
  entryPoints: [path.join(outdir, 'process.js')],
  outfile: bundleFile,
  format: 'cjs',
  define: { 'import.meta.url': '__rtnlUrl' },
  banner: { js: '(function (exports, require, module, __filename, __dirname) {"use strict";const __rtnlUrl = require("node:url").pathToFileURL(__filename).href;' },
  footer: { js: '})' },
  metafile: true,
});

// The executable: launch() with everything it needs in the one file. CommonJS: Node starts a
// CommonJS main module a little faster than an ES module (6 ms, 100 page faults less here).
await build({
  ...common,
  stdin: { contents: "import { launch } from './launcher.js';\nlaunch(__dirname).then((status) => { process.exitCode = status; });\n", resolveDir: outdir, sourcefile: 'rtnl.js' },
  outfile: binFile,
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: false,
});
fs.chmodSync(binFile, 0o755);

const source = fs.readFileSync(bundleFile);
if (source.some((b) => b > 0x7f)) throw new Error(`${bundleFile} is not ASCII: the launcher reads it as latin1`);

// The code cache, made in this process after running commands that only read (in this process's
// namespace: nothing is changed). Where a command cannot run (no netlink here), the cache still
// holds what was compiled up to its failure. Output and errors are discarded.
const { loadBundle, cacheFileOf, cacheFile } = (await import(launcherFile)) as typeof import('../src/cli/launcher.js');
const loaded = loadBundle(bundleFile, false);
const sink = { write: (): boolean => true };
const io = { stdout: sink, stderr: sink, signal: new AbortController().signal };
for (const argv of [['link', 'show'], ['-j', 'link', 'show'], ['address', 'show'], ['route', 'show']]) await loaded.exports.main(argv, io);
const cachePath = cacheFileOf(bundleFile);
fs.writeFileSync(cachePath, cacheFile(loaded.script.createCachedData()));

// The cache must be one that a plain `node` takes: checked in a fresh process (in this one V8 would
// find the script in its own compilation cache and not look at the file).
const check = spawnSync(process.execPath, ['--input-type=module', '-e', `import { loadBundle } from ${JSON.stringify(launcherFile)}; process.stdout.write(String(loadBundle(${JSON.stringify(bundleFile)}).cacheRejected));`], {
  encoding: 'utf8',
  env: { ...process.env, NODE_OPTIONS: '' },
});
if (check.stdout !== 'false') throw new Error(`node does not take the code cache made for ${bundleFile}: ${check.stdout}${check.stderr}`);

// Remove tsc's per-module JavaScript (and maps), so that dist/cli holds only what runs.
for (const f of emitted) {
  fs.rmSync(path.join(outdir, f), { force: true });
  fs.rmSync(path.join(outdir, `${f}.map`), { force: true });
}

const inputs = Object.keys(bundled.metafile.inputs).length;
const kib = (f: string): number => Math.round(fs.statSync(f).size / 1024);
// On stderr: `npm pack --json` (prepack runs the build) keeps its stdout for the JSON.
console.error(`bundled ${path.relative(process.cwd(), binFile)}: ${inputs} modules, ${kib(bundleFile)} KiB, code cache ${kib(cachePath)} KiB`);
