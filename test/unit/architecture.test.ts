// The dependency rule of src/, checked on the code's own imports:
// - layers only import downwards: sys <- netlink <- ns <- rtnl <- entry points <- cli;
// - src/cli uses only what the public entry points export, as a user would, and the session its
//   commands build their kinds on; it imports each name from the module that defines it, so that a
//   bundled command loads only the modules it uses (tools/bundle-cli.ts);
// - no import cycles anywhere in src/, type-only imports included;
// - no dynamic import() in src/ (everything a module needs is visible in its imports), except
//   that src/cli/main.ts loads each command's module (src/cli/*.ts) on demand: the bundled command
//   then runs only the module code of the command it is given (tools/bundle-cli.ts).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** The public entry points, by file (the package's `exports`). */
const ENTRIES = ['index.ts', 'entries/netlink.ts', 'entries/wire.ts', 'entries/capture.ts'];

/** Which top-level folders each layer may import from (itself included). */
const LAYERS: Record<string, readonly string[]> = {
  sys: ['sys'],
  netlink: ['netlink', 'sys'],
  ns: ['ns', 'netlink', 'sys'],
  rtnl: ['rtnl', 'ns', 'netlink', 'sys'],
  entries: ['entries', 'rtnl', 'ns', 'netlink', 'sys'],
  'index.ts': ['rtnl', 'ns', 'netlink', 'sys'],
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Strips comments and the contents of template literals, so only real code is read. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/`(?:\\[\s\S]|[^`\\])*`/g, '``');
}

interface Import {
  from: string;
  to: string;
}

function importsOf(file: string): { imports: Import[]; dynamic: boolean; dynamicTargets: string[] } {
  const text = code(fs.readFileSync(file, 'utf8'));
  const imports: Import[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const spec = m[1] ?? m[2];
    imports.push({ from: file, to: path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts') });
  }
  // import('...') with a literal specifier, resolved like the static ones ('?' when not a literal).
  const dynamicTargets = [...text.matchAll(/\bimport\s*\(\s*(?:['"]([^'"]+)['"])?/g)].map((m) =>
    m[1] === undefined ? '?' : m[1].startsWith('.') ? path.resolve(path.dirname(file), m[1]).replace(/\.js$/, '.ts') : m[1],
  );
  return { imports, dynamic: dynamicTargets.length > 0, dynamicTargets };
}

function layerOf(file: string): string {
  const rel = path.relative(SRC, file);
  const top = rel.split(path.sep)[0];
  return top.endsWith('.ts') ? top : top;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string): string => path.relative(SRC, f);

describe('the dependency rule of src/', () => {
  it('has no dynamic import(), but for the command line loading its own command modules', () => {
    expect(files.filter((f) => graph.get(f)!.dynamic && rel(f) !== path.join('cli', 'main.ts')).map(rel)).toEqual([]);
    // main.ts: only literal specifiers, each a module of src/cli that exists.
    const targets = graph.get(path.join(SRC, 'cli', 'main.ts'))!.dynamicTargets;
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((t) => t === '?' || layerOf(t) !== 'cli' || !fs.existsSync(t))).toEqual([]);
  });

  it('imports only files that exist', () => {
    const missing = [...graph.values()].flatMap((g) => g.imports).filter((i) => !fs.existsSync(i.to));
    expect(missing.map((i) => `${rel(i.from)} -> ${rel(i.to)}`)).toEqual([]);
  });

  it('imports only downwards: sys <- netlink <- ns <- rtnl <- entry points', () => {
    const wrong: string[] = [];
    for (const [file, g] of graph) {
      const layer = layerOf(file);
      if (layer === 'cli') continue;
      const allowed = LAYERS[layer];
      if (!allowed) {
        wrong.push(`${rel(file)}: not in a known layer`);
        continue;
      }
      for (const i of g.imports) {
        const target = layerOf(i.to);
        if (!allowed.includes(target)) wrong.push(`${rel(file)} -> ${rel(i.to)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets the command line use only the public names of the library, and the session', () => {
    // Every name an entry point exports (values and types), under both its names.
    const publicNames = new Set<string>();
    for (const entry of ENTRIES) {
      const text = code(fs.readFileSync(path.join(SRC, entry), 'utf8'));
      for (const m of text.matchAll(/\bexport\s+(?:type\s+)?\{([^}]*)\}/g)) {
        for (const part of m[1].split(',')) for (const n of part.replace(/^\s*type\s+/, '').split(/\s+as\s+/)) if (n.trim()) publicNames.add(n.trim());
      }
      for (const m of text.matchAll(/\bexport\s+(?:async\s+)?(?:function|class|const|interface|type)\s+(\w+)/g)) publicNames.add(m[1]);
    }
    // What the commands build on instead of a whole Rtnl handle (which loads every kind).
    const forCli = new Set(['Session']);
    const wrong: string[] = [];
    for (const file of files) {
      if (layerOf(file) !== 'cli') continue;
      const text = code(fs.readFileSync(file, 'utf8'));
      for (const m of text.matchAll(/\bimport\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const to = path.resolve(path.dirname(file), m[2]).replace(/\.js$/, '.ts');
        if (layerOf(to) === 'cli' || ENTRIES.includes(rel(to))) continue;
        for (const part of m[1].split(',')) {
          const name = part.replace(/^\s*type\s+/, '').split(/\s+as\s+/)[0].trim();
          if (name && !publicNames.has(name) && !forCli.has(name)) wrong.push(`${rel(file)}: ${name} from ${rel(to)}`);
        }
      }
    }
    expect(publicNames.size).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });

  it('has no import cycles', () => {
    // Tarjan's strongly connected components; any component of more than one file is a cycle.
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string): void => {
      index.set(v, counter);
      low.set(v, counter);
      counter++;
      stack.push(v);
      onStack.add(v);
      for (const { to } of graph.get(v)?.imports ?? []) {
        if (!graph.has(to)) continue;
        if (!index.has(to)) {
          visit(to);
          low.set(v, Math.min(low.get(v)!, low.get(to)!));
        } else if (onStack.has(to)) {
          low.set(v, Math.min(low.get(v)!, index.get(to)!));
        }
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(rel(w));
        } while (w !== v);
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const f of files) if (!index.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});

describe('the main entry', () => {
  // Issue 9: what an application needs, at most 40 runtime names; the codec toolkit, the wire
  // schemas and the capture tools live in the subpath entries.
  it('exports at most 40 runtime names, none of the byte-level toolkit', async () => {
    const main = await import('../../src/index.js');
    const names = Object.keys(main);
    expect(names.length).toBeLessThanOrEqual(40);
    for (const internal of ['Reader', 'Writer', 'attrSet', 'struct', 'linkMessage', 'routeMessage', 'readCapture', 'PcapWriter', 'Connection']) expect(names).not.toContain(internal);
  });
});
