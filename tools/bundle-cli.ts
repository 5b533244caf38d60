// Bundles the compiled `rtnl` command (tsc's dist/cli) in place, and makes V8's code cache for it:
//   tsx tools/bundle-cli.ts [dist/cli]     (run by `npm run build`; bench/bench.ts runs it on its build)
//
// What it makes in that folder:
// - bundle.cjs: process.ts and everything it imports, in one classic script wrapped in a function
//   of CommonJS's five arguments, with its source map chained to the TypeScript sources;
// - bundle.cjs.cache: V8's code cache for that script, made after running read-only commands
//   (`link show`, ...) in this process, so that it holds the bytecode of what they compiled;
// - for each group of objects in src/cli/commandline.ts's BUNDLES, GROUP.cjs and its cache: the
//   same command with only that group's command modules (the others' are left out), so only
//   the library modules they use: link.cjs is about 170 of the whole command's 420 KiB (no source
//   map);
// - bin.cjs, the executable (package.json "bin"): launcher.ts's start-up, which picks the bundle
//   of the command line and compiles it with its cache (see launcher.ts).
// tsc's per-module JavaScript in dist/cli is removed (its .d.ts files stay).
//
// Why: a short-lived command spends most of its time starting. Bundling removed the module
// loader's per-file work (134 ES modules for `rtnl -n NS link show`); the code cache removes most
// of the parsing and compiling that was left, about 45 ms of the command's start-up here (see
// launcher.ts for why one classic script: Node 20 has no code cache for ES modules). With the cache
// every command's functions are in one file, and the modules of the commands not run are
// evaluated only when a command imports them (esbuild makes main.ts's import() calls lazy
// initialisers). The group bundles go further: the command line of one object (which the
// launcher reads before loading anything) runs in a bundle of what that object's commands use.
// For `rtnl -n NS link show` (measured in one process from reading the script to exit, 4 runs
// alternating with the single bundle): 65-73 -> 48-50 ms, 1,760 -> 1,230 page faults (source 556
// -> 221 KiB, code cache 488 -> 267 KiB).
// esbuild is the tool for it: it already comes with tsx (same version), bundles ES modules without
// changing what they do, and chains the source maps. Whitespace, syntax and local identifiers
// are minified (property names are not). Shorter names: link.cjs 219 -> 170 KiB, its cache 260 ->
// 251 KiB, and `rtnl -n NS link show` 1.6 ms and 45 page faults less from compiling the script to
// exit (marks in one process, 8 runs alternating), besides the smaller read. Error classes set
// their `name` themselves; esbuild's keepNames (Function.name kept) would add a call per function
// and class, which made the cache larger and the command slower than without minifying.
//
// The package's dependencies stay outside, loaded from node_modules as installed: ffi-rs is a
// native binary found at run time, and binary-parser's source map points at sources npm does not
// ship with it.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { BUNDLES, type ObjectTopic } from '../src/cli/commandline.js';
import { EXECUTABLE_HEADER } from '../src/cli/launcher.js';
import { PACKAGE_BUNDLE } from './esbuild-options.js';

const outdir = path.resolve(process.argv[2] ?? 'dist/cli');
const bundleFile = path.join(outdir, 'bundle.cjs');
const launcherFile = path.join(outdir, 'launcher.js');
const binFile = path.join(outdir, 'bin.cjs');

// What tsc emitted there (src/cli's modules, bin.js included): the bundle replaces it.
const emitted = fs.readdirSync(outdir).filter((f) => f.endsWith('.js'));

const common = {
  ...PACKAGE_BUNDLE,
  minifyIdentifiers: true,
  sourcemap: true,
} as const;

// node:module, loaded when first used. The library imports createRequire from it for what it
// loads only now and then (ffi-rs's fallback, child_process, binary-parser), and an import is
// loaded when the bundle starts: node:module is not among what node has loaded by then, and
// loading it cost `rtnl -n NS link show` 0.5-0.9 ms and 10-15 page faults (marks in one process,
// 8 runs alternating). In the bundles that import is src/cli/lazy-module.ts, whose createRequire
// requires the real one when called.
const lazyModuleFile = path.join(outdir, 'lazy-module.js');
const lazyNodeModule: Plugin = {
  name: 'rtnl-lazy-node-module',
  setup(b) {
    b.onResolve({ filter: /^(node:)?module$/ }, (args) => (args.importer === lazyModuleFile ? { path: 'node:module', external: true } : { path: lazyModuleFile }));
  },
};

// The command. As CommonJS, `import.meta.url` (createRequire's base in the library) is the
// script's own URL, from the __filename the launcher passes, made when first read (pathToFileURL
// costs 0.4 ms, and `rtnl link show` reads it nowhere); `import.meta.dirname` is __dirname. ES
// modules are strict: so is the script.
const commandOptions: BuildOptions = {
  ...common,
  plugins: [lazyNodeModule],
  entryPoints: [path.join(outdir, 'process.js')],
  format: 'cjs',
  define: { 'import.meta.url': '__rtnlMeta.url', 'import.meta.dirname': '__dirname' },
  banner: {
    js: '(function (exports, require, module, __filename, __dirname) {"use strict";let __rtnlUrl;const __rtnlMeta = { get url() { return (__rtnlUrl ??= require("node:url").pathToFileURL(__filename).href); } };',
  },
  footer: { js: '})' },
  metafile: true,
};
const bundled = await build({ ...commandOptions, outfile: bundleFile });

// The command modules main.ts loads with import(), by the objects whose commands each runs.
const COMMAND_MODULES: Readonly<Record<string, readonly ObjectTopic[] | 'all'>> = {
  'addr.js': ['address'],
  'route.js': ['route'],
  'rule.js': ['rule'],
  'neigh.js': ['neigh'],
  'link.js': ['link'],
  'monitor.js': ['monitor'],
  'netns.js': ['netns'],
  'nexthop.js': ['nexthop'],
  'decode.js': ['decode'],
  'tc.js': ['qdisc', 'class', 'filter'],
  'help.js': 'all',
};

/**
 * main.ts's import() of another group's command module is left out of the bundle (external: a
 * require() that would fail). The launcher never runs those commands in this bundle.
 */
function onlyGroup(group: string): Plugin {
  const topics = BUNDLES[group];
  return {
    name: `rtnl-only-${group}`,
    setup(b) {
      b.onResolve({ filter: /^\.\/[\w-]+\.js$/ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const owner = COMMAND_MODULES[args.path.slice(2)];
        if (owner === undefined) throw new Error(`${args.importer} loads ${args.path}: add it to COMMAND_MODULES`);
        if (owner === 'all' || owner.some((t) => topics.includes(t))) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}

for (const topic of Object.values(BUNDLES).flat()) {
  if (!Object.values(COMMAND_MODULES).some((t) => t !== 'all' && t.includes(topic))) throw new Error(`no command module for "${topic}" in COMMAND_MODULES`);
}
const groupFile = (group: string): string => path.join(outdir, `${group}.cjs`);
// Without source maps: each would repeat most of the whole command's (about 200 KiB apiece); the
// command prints one-line errors, and a stack trace of the same code is mapped in bundle.cjs.
for (const group of Object.keys(BUNDLES)) await build({ ...commandOptions, outfile: groupFile(group), plugins: [lazyNodeModule, onlyGroup(group)], sourcemap: false });

// The executable: launch() with everything it needs in the one file. CommonJS: Node starts a
// CommonJS main module a little faster than an ES module (6 ms, 100 page faults less here). Its
// first lines are a shell script that starts node without NODE_EXTRA_CA_CERTS (launcher.ts).
await build({
  ...common,
  // Its require() is given to the bundles (launch()): they are in its folder.
  stdin: { contents: "import { launch } from './launcher.js';\nlaunch(__dirname, require);\n", resolveDir: outdir, sourcefile: 'rtnl.js' },
  plugins: [lazyNodeModule],
  outfile: binFile,
  format: 'cjs',
  banner: { js: EXECUTABLE_HEADER },
  sourcemap: false,
});
fs.chmodSync(binFile, 0o755);

const bundles = [bundleFile, ...Object.keys(BUNDLES).map(groupFile)];
for (const file of bundles) {
  if (fs.readFileSync(file).some((b) => b > 0x7f)) throw new Error(`${file} is not ASCII: the launcher's string of it would take two bytes a character`);
}

// The code cache, made in this process after running commands that only read (in this process's
// namespace: nothing is changed). Where a command cannot run (no netlink here), the cache still
// holds what was compiled up to its failure. Output and errors are discarded.
const { loadBundle, cacheFileOf, cacheFile } = (await import(launcherFile)) as typeof import('../src/cli/launcher.js');
const sink = { write: (): boolean => true };
const io = { stdout: sink, stderr: sink, signal: new AbortController().signal };
// What each bundle's cache is made from: read-only commands of its objects.
const CACHE_RUNS: Readonly<Record<string, readonly string[][]>> = {
  bundle: [['link', 'show'], ['-j', 'link', 'show'], ['address', 'show'], ['route', 'show']],
  link: [['link', 'show'], ['-j', 'link', 'show']],
  address: [['address', 'show'], ['-j', 'address', 'show']],
  route: [['route', 'show'], ['-j', 'route', 'show']],
  neigh: [['neigh', 'show']],
  rule: [['rule', 'show']],
  nexthop: [['nexthop', 'show']],
  netns: [['netns', 'list']],
  tc: [['qdisc', 'show'], ['class', 'show']],
};
for (const file of bundles) {
  const loaded = loadBundle(file, false);
  const runs = CACHE_RUNS[path.basename(file, '.cjs')];
  if (runs === undefined) throw new Error(`no CACHE_RUNS for ${file}`);
  for (const argv of runs) await loaded.exports.main(argv, io);
  fs.writeFileSync(cacheFileOf(file), cacheFile(loaded.script.createCachedData()));
}

// The cache must be one that a plain `node` takes: checked in a fresh process (in this one V8 would
// find the script in its own compilation cache and not look at the file).
const check = spawnSync(process.execPath, ['--input-type=module', '-e', `import { loadBundle } from ${JSON.stringify(launcherFile)}; process.stdout.write(${JSON.stringify(bundles)}.map((f) => String(loadBundle(f).cacheRejected)).join(' '));`], {
  encoding: 'utf8',
  env: { ...process.env, NODE_OPTIONS: '' },
});
if (check.stdout !== bundles.map(() => 'false').join(' ')) throw new Error(`node does not take the code caches made for ${bundles.join(', ')}: ${check.stdout}${check.stderr}`);

// Remove tsc's per-module JavaScript (and maps), so that dist/cli holds only what runs.
for (const f of emitted) {
  fs.rmSync(path.join(outdir, f), { force: true });
  fs.rmSync(path.join(outdir, `${f}.map`), { force: true });
}

const inputs = Object.keys(bundled.metafile?.inputs ?? {}).length;
const kib = (f: string): number => Math.round(fs.statSync(f).size / 1024);
// On stderr: `npm pack --json` (prepack runs the build) keeps its stdout for the JSON.
const groups = Object.keys(BUNDLES).map((g) => `${g} ${kib(groupFile(g))}+${kib(cacheFileOf(groupFile(g)))}`).join(', ');
console.error(`bundled ${path.relative(process.cwd(), binFile)}: ${inputs} modules, ${kib(bundleFile)} KiB, code cache ${kib(cacheFileOf(bundleFile))} KiB; by object (KiB + cache): ${groups}`);
