// Bundles the compiled library (tsc's JavaScript) into one ES module, and makes each entry point
// of package.json's "exports" a one-line module that re-exports its names from it:
//   tsx tools/bundle-lib.ts dist             (run by `npm run build`: in place, after tools/bundle-cli.ts)
//   tsx tools/bundle-lib.ts IN OUT           (bench/bench.ts: IN's per-module files stay, for its workers)
//
// What it makes: OUT/rtnetlink.js (every module the entry points import, with its source map
// chained to the TypeScript sources), and OUT/index.js, OUT/entries/netlink.js, ... in place of
// tsc's. In place, tsc's per-module JavaScript (and its maps) is removed: dist/ then holds the
// bundle, the entry points, require.cjs, the command's bundles (dist/cli) and the .d.ts files,
// which stay per module.
//
// Why: `import 'rtnetlink'` loaded 130 modules through Node's ES module loader, each resolved,
// read and compiled on its own: 125-150 ms in a fresh process here, more than node's own start,
// paid by every short-lived tool (a CNI plugin, a script) before its first request. One module:
// 50-60 ms (`npm run bench -- import` prints both, with bare node, in the same run).
// One bundle for all entry points, not one each: an object made by one entry point must be an
// instance of the class another exports (a NetlinkError from `rtnetlink` is the one
// `rtnetlink/netlink` exports), so they share one copy of the code. esbuild's code splitting
// would share it too, but in 7 files for `rtnetlink` (12-15 ms more to load than one).
// Whitespace and syntax are minified (418 against 679 KiB, about 10 ms less to load); names are
// kept, so that classes and functions keep theirs in stack traces and console output.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { PACKAGE_BUNDLE } from './esbuild-options.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const inDir = path.resolve(process.argv[2] ?? 'dist');
const outDir = path.resolve(process.argv[3] ?? inDir);
const inPlace = inDir === outDir;
const BUNDLE = 'rtnetlink.js';

/** The JavaScript targets of package.json's "exports" under dist/, relative to it (index.js, entries/netlink.js, ...). */
function entryPoints(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };
  const targets = Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : [e.import ?? e.default].filter((t) => t !== undefined)));
  return targets.filter((t) => t.startsWith('./dist/') && t.endsWith('.js')).map((t) => t.slice('./dist/'.length));
}

const entries = entryPoints();
for (const e of entries) if (!fs.existsSync(path.join(inDir, e))) throw new Error(`${path.join(inDir, e)} (package.json "exports") was not built`);

// The names each entry point exports, read from tsc's modules loaded in a child node (importing
// the library opens nothing). A name two entry points export must be the same thing in both: the
// bundle holds one binding per name, and esbuild keeps the first of an ambiguous `export *`
// without a word.
const loaded = spawnSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `const seen = new Map(), clash = new Set(), names = [];
for (const url of ${JSON.stringify(entries.map((e) => pathToFileURL(path.join(inDir, e)).href))}) {
  const ns = await import(url);
  for (const [name, value] of Object.entries(ns)) {
    if (seen.has(name) && seen.get(name) !== value) clash.add(name);
    seen.set(name, value);
  }
  names.push(Object.keys(ns));
}
process.stdout.write(JSON.stringify({ names, clash: [...clash] }));`,
  ],
  { encoding: 'utf8' },
);
if (loaded.status !== 0) throw new Error(`the entry points did not load: ${loaded.stderr}`);
const exported = JSON.parse(loaded.stdout) as { names: string[][]; clash: string[] };
if (exported.clash.length > 0) throw new Error(`entry points export ${exported.clash.join(', ')} with two meanings`);
const names = new Map(entries.map((e, i) => [e, exported.names[i]]));

// The bundle: every entry point's exports.
const bundled = await build({
  ...PACKAGE_BUNDLE,
  format: 'esm',
  stdin: { contents: entries.map((e) => `export * from ${JSON.stringify(`./${e}`)};`).join('\n'), resolveDir: inDir, sourcefile: BUNDLE },
  outfile: path.join(outDir, BUNDLE),
  // Where the input has tsc's maps (the package's build; not the bench's).
  sourcemap: fs.existsSync(path.join(inDir, `${entries[0]}.map`)),
  write: false,
});

if (inPlace) {
  // tsc's per-module JavaScript and its maps, type-only modules' too (nothing imports them at
  // run time). The command's folder has none left by now: tools/bundle-cli.ts ran first and left
  // its .cjs bundles; require.cjs is not .js either.
  const remove = (dir: string): void => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) remove(p);
      else if (d.name.endsWith('.js') || d.name.endsWith('.js.map')) fs.rmSync(p);
    }
  };
  remove(inDir);
}
fs.mkdirSync(outDir, { recursive: true });
for (const f of bundled.outputFiles) fs.writeFileSync(f.path, f.contents);
for (const e of entries) {
  const file = path.join(outDir, e);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const from = path.posix.relative(path.posix.dirname(e), BUNDLE);
  const list = names.get(e) ?? [];
  fs.writeFileSync(file, `// The entry point's names, from the library's one module (tools/bundle-lib.ts).\nexport { ${list.join(', ')} } from ${JSON.stringify(from.startsWith('.') ? from : `./${from}`)};\n`);
}

const kib = (f: string): number => Math.round(fs.statSync(f).size / 1024);
// On stderr: `npm pack --json` (prepack runs the build) keeps its stdout for the JSON.
console.error(`bundled ${path.relative(process.cwd(), path.join(outDir, BUNDLE))}: ${kib(path.join(outDir, BUNDLE))} KiB; entry points ${entries.map((e) => `${e} (${names.get(e)?.length ?? 0} names)`).join(', ')}`);
