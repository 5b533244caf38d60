// Bundles the compiled `rtnl` command (dist/cli/bin.js and everything it imports) in place: the
// entry stays dist/cli/bin.js, what it loads goes to dist/cli/chunks/, with source maps chained to
// the TypeScript sources:
//   tsx tools/bundle-cli.ts [dist/cli/bin.js]     (run by `npm run build`; bench/bench.ts runs it on its build)
//
// Why: a short-lived command spends most of its time loading modules. `rtnl -n NS link show`
// loaded 134 ES modules, each resolved, read, compiled and linked by Node's module loader: that
// alone was about half of the command's cost above bare `node` (measured with --cpu-prof and with
// valgrind's instruction counts, see the commit). Bundling removes the per-module work. esbuild is
// the tool for it: it already comes with tsx (same version), bundles ES modules without changing
// what they do, and chains the source maps. Only the CLI is bundled; the library's entry points
// stay one module per source file, as users import them.
//
// Split by command: main.ts loads each command's module with import(), and esbuild makes it a
// chunk, so a command reads and compiles only its own code and the shared chunk (src/cli/shared.ts
// keeps what the commands share in that one chunk). `rtnl link show` loads 3 files, about 420 KiB,
// instead of one of 514 KiB: callgrind counted 13 M fewer instructions (of about 290 M) than the
// single file. Whitespace and syntax are minified; identifiers keep their names (error classes,
// stack traces; mangling them measured 11% more instructions at start-up, not fewer).
//
// The package's dependencies stay outside, loaded from node_modules as installed: ffi-rs is a
// native binary found at run time, and binary-parser's source map points at sources npm does not
// ship with it.

import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const entry = path.resolve(process.argv[2] ?? 'dist/cli/bin.js');
const outdir = path.dirname(entry);

// What tsc emitted in the entry's folder (src/cli's modules): the bundle replaces it.
const emitted = fs.readdirSync(outdir).filter((f) => f.endsWith('.js') && path.join(outdir, f) !== entry);

const result = await build({
  entryPoints: [entry],
  outdir,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  minifyWhitespace: true,
  minifySyntax: true,
  // The input's own source maps (tsc's) are followed, so the bundle's map points at src/*.ts.
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'inline',
  logLevel: 'warning',
  metafile: true,
});

// The per-module JavaScript tsc wrote next to bin.js is now in the bundle: remove it (and its
// maps), so that dist/cli holds only what runs. Its .d.ts files stay (harmless, and tsc's).
for (const f of emitted) {
  fs.rmSync(path.join(outdir, f), { force: true });
  fs.rmSync(path.join(outdir, `${f}.map`), { force: true });
}

const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'));
const inputs = Object.keys(result.metafile.inputs).length;
const kib = Math.round(outputs.reduce((n, [, o]) => n + o.bytes, 0) / 1024);
// On stderr: `npm pack --json` (prepack runs the build) keeps its stdout for the JSON.
console.error(`bundled ${path.relative(process.cwd(), entry)}: ${inputs} modules, ${kib} KiB in ${outputs.length} files`);
