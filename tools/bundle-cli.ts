// Bundles the compiled `rtnl` command (dist/cli/bin.js and everything it imports) into that one
// file, in place, with its source map chained to the TypeScript sources:
//   tsx tools/bundle-cli.ts [dist/cli/bin.js]     (run by `npm run build`; bench/bench.ts runs it on its build)
//
// Why: a short-lived command spends most of its time loading modules. `rtnl -n NS link show`
// loaded 134 ES modules, each resolved, read, compiled and linked by Node's module loader: that
// alone was about half of the command's cost above bare `node` (measured with --cpu-prof and with
// valgrind's instruction counts, see the commit). One file removes the per-module work. esbuild is
// the tool for it: it already comes with tsx (same version), bundles ES modules without changing
// what they do, and chains the source maps. Only the CLI is bundled; the library's entry points
// stay one module per source file, as users import them.
//
// The package's dependencies stay outside, loaded from node_modules as installed: ffi-rs is a
// native binary found at run time, and binary-parser's source map points at sources npm does not
// ship with it.

import path from 'node:path';
import { build } from 'esbuild';

const entry = path.resolve(process.argv[2] ?? 'dist/cli/bin.js');

const result = await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // Whitespace and syntax only: identifiers keep their names (error classes, stack traces).
  minifyWhitespace: true,
  minifySyntax: true,
  // The input's own source maps (tsc's) are followed, so the bundle's map points at src/*.ts.
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'inline',
  logLevel: 'warning',
  metafile: true,
});
const inputs = Object.keys(result.metafile.inputs).length;
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)?.bytes ?? 0;
// On stderr: `npm pack --json` (prepack runs the build) keeps its stdout for the JSON.
console.error(`bundled ${path.relative(process.cwd(), entry)}: ${inputs} modules, ${Math.round(bytes / 1024)} KiB`);
