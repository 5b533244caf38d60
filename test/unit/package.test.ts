// The package as npm users get it: `npm pack` builds the tarball, which is installed (offline: the
// tarball itself, its dependencies from this checkout's node_modules) into fresh projects outside
// the repository, one per kind of consumer, and each is run: plain ESM, CommonJS (require(esm) on
// Node >= 20.19, and the clear message where require() cannot load ES modules), TypeScript with
// `module: nodenext` and `strict` (type-checked against the shipped .d.ts, then run), and a project
// installed with --omit=optional (no ffi-rs binary). Also what the tarball holds: a LICENSE, source
// maps whose sources are shipped, and a README whose links work on the npm page.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLES } from '../../src/cli/commandline.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const NODE_MODULES = path.join(REPO, 'node_modules');
const TSC = path.join(NODE_MODULES, 'typescript', 'bin', 'tsc');

interface PackageJson {
  name: string;
  version: string;
  license: string;
  dependencies?: Record<string, string>;
  exports: Record<string, unknown>;
  files: string[];
}

/** The command's group bundles, as the build makes them. */
const GROUPS = Object.keys(BUNDLES);

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as PackageJson;

let work = '';
let tarball = '';
/** The files in the tarball, relative to its `package/` folder. */
let shipped: Set<string>;

/** The platform package of ffi-rs this checkout has (the one npm picked for this machine). */
function ffiBinaryPackages(): string[] {
  const scope = path.join(NODE_MODULES, '@yuuang');
  return fs.existsSync(scope) ? fs.readdirSync(scope).filter((d) => d.startsWith('ffi-rs-')).map((d) => `@yuuang/${d}`) : [];
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

// What `npm test` / `npx vitest` put in the environment (npm_config_local_prefix pointing at this
// checkout, ...) would make the consumers' npm and node see the repository's settings: drop it.
const cleanEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE_OPTIONS'));

function run(cmd: string, args: readonly string[], cwd: string, nodeArgs: readonly string[] = []): Run {
  const r = spawnSync(cmd, [...nodeArgs, ...args], { cwd, encoding: 'utf8', env: cleanEnv });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A fresh project in the work folder with `files`, and the packed tarball installed by npm
 * without the network: every dependency of the package comes from this checkout as a `file:`
 * dependency (with --install-links: copied, as a registry install would), so `npm ci` is the only
 * network access the test needs.
 */
function consumer(name: string, type: 'module' | 'commonjs', files: Record<string, string>, opts: { omitOptional?: boolean } = {}): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  const deps: Record<string, string> = { [pkg.name]: `file:${tarball}` };
  const local = [...Object.keys(pkg.dependencies ?? {}), ...(opts.omitOptional ? [] : ffiBinaryPackages())];
  for (const d of local) deps[d] = `file:${path.join(NODE_MODULES, d)}`;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true, type, dependencies: deps }, null, 2));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  const args = ['install', '--offline', '--no-audit', '--no-fund', '--install-links', '--ignore-scripts', ...(opts.omitOptional ? ['--omit=optional'] : [])];
  const r = run('npm', args, dir);
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} in ${dir} failed:\n${r.stderr}`);
  return dir;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtnetlink-pack-'));
  // `npm pack` runs the prepack script (a clean build of dist/).
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const info = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, info[0].filename);
  shipped = new Set(info[0].files.map((f) => f.path));
}, 300_000);

afterAll(() => {
  if (work !== '' && !process.env.KEEP_PACK) fs.rmSync(work, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('ships a LICENSE matching package.json, the README, dist and the exports targets', () => {
    expect(pkg.license).toBe('MIT');
    expect(shipped.has('LICENSE')).toBe(true);
    expect(fs.readFileSync(path.join(REPO, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    for (const f of ['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/require.cjs', 'dist/cli/bin.cjs']) expect(shipped).toContain(f);
    // The bundled command, its source map and its code cache (tools/bundle-cli.ts), and each
    // group's bundle (commandline.ts's BUNDLES) with its cache; no per-module CLI code.
    for (const f of ['dist/cli/bundle.cjs', 'dist/cli/bundle.cjs.map', 'dist/cli/bundle.cjs.cache']) expect(shipped).toContain(f);
    for (const g of GROUPS) for (const f of [`dist/cli/${g}.cjs`, `dist/cli/${g}.cjs.cache`]) expect(shipped).toContain(f);
    expect([...shipped].filter((f) => /^dist\/cli\/.*\.js$/.test(f))).toEqual([]);
    // The library is one module (tools/bundle-lib.ts) and each entry point re-exports from it: no
    // per-module JavaScript besides (its .d.ts files are per module).
    expect(shipped).toContain('dist/rtnetlink.js.map');
    expect([...shipped].filter((f) => /^dist\/(?!cli\/).*\.js$/.test(f)).sort()).toEqual(['dist/entries/capture.js', 'dist/entries/netlink.js', 'dist/entries/wire.js', 'dist/index.js', 'dist/rtnetlink.js']);
    expect(shipped).toContain('dist/rtnl/route/model.d.ts');
    // The targets are the values of the map (its keys, such as "./netlink", are subpaths).
    const targets = [...JSON.stringify(pkg.exports).matchAll(/:"\.\/([^"]+)"/g)].map((m) => m[1]);
    expect(targets).toContain('dist/entries/netlink.js');
    for (const t of targets) expect(shipped).toContain(t);
    // Nothing from the test suite, the benchmarks or the tools.
    expect([...shipped].filter((f) => /^(test|bench|tools|demo|node_modules)\//.test(f))).toEqual([]);
  });

  it('every source map (js and d.ts) points only at sources the tarball ships', () => {
    const maps = [...shipped].filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(50);
    const missing: string[] = [];
    for (const m of maps) {
      const map = JSON.parse(fs.readFileSync(path.join(REPO, m), 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const s of map.sources) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(m), map.sourceRoot ?? '', s));
        if (!shipped.has(target)) missing.push(`${m} -> ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("the README's links work on the npm page: absolute or in-page, and the files it names are shipped", () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const anchors = new Set(
      [...readme.matchAll(/^#+ (.+)$/gm)].map((m) =>
        m[1]
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) {
      if (l.startsWith('#')) expect(anchors, l).toContain(l.slice(1));
      else expect(l, 'a relative link breaks on npmjs.com').toMatch(/^https:\/\//);
    }
    // Every repository path the README names exists; those under docs/ and LICENSE are shipped.
    // (`docs/api/` is what `npm run docs` builds.)
    const paths = [...readme.matchAll(/`((?:src|test|tools|docs|bench|demo)\/[\w./-]*|LICENSE)`/g)].map((m) => m[1]).filter((p) => !p.startsWith('docs/api'));
    expect(paths.length).toBeGreaterThan(5);
    for (const p of paths) {
      expect(fs.existsSync(path.join(REPO, p)), p).toBe(true);
      if (/^(docs\/(examples|recipes)|LICENSE)/.test(p)) expect([...shipped].some((f) => f === p || f.startsWith(p.endsWith('/') ? p : `${p}/`)), p).toBe(true);
    }
  });
});

describe('installed into fresh projects', () => {
  it('plain ESM: import, list the own namespace (no privileges needed), the rtnl binary', () => {
    const dir = consumer('esm', 'module', {
      'main.js': `import { Rtnl, NetlinkError } from 'rtnetlink';
import * as netlink from 'rtnetlink/netlink';
import * as wire from 'rtnetlink/wire';
import * as capture from 'rtnetlink/capture';
const rtnl = await Rtnl.open();
try {
  const lo = (await rtnl.links.list()).find((l) => l.name === 'lo');
  // Every entry point's objects are the one library's: a class is the same wherever exported.
  const sameClasses = netlink.NetlinkError === NetlinkError && wire.DecodeError === netlink.DecodeError && capture.ReplayTransport !== undefined && capture.DecodeError === wire.DecodeError;
  console.log(JSON.stringify({ lo: lo?.index, errorClass: typeof NetlinkError, sameClasses }));
} finally {
  rtnl.close();
}
`,
      // At exit: whether ffi-rs was loaded through require() (its JavaScript or its binary in
      // require.cache), and the ffi-rs binary this process mapped.
      'loaded-ffi.cjs': `process.on('exit', () => {
  const viaRequire = Object.keys(require.cache).filter((f) => f.includes('ffi-rs'));
  const mapped = [...new Set(require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.split(/\\s+/)[5]).filter((f) => f !== undefined && f.endsWith('.node')))];
  require('node:fs').writeSync(2, JSON.stringify({ viaRequire, mapped }) + '\\n');
});
`,
    });
    const r = run(process.execPath, ['main.js'], dir);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({ lo: 1, errorClass: 'function', sameClasses: true });
    // Installed by npm, ffi-rs's platform binary is found in node_modules and opened directly
    // (src/sys/ffi.ts), not through Node's resolver or ffi-rs's own loader (both slower to start).
    const ffi = run(process.execPath, ['main.js'], dir, ['--require', './loaded-ffi.cjs']);
    expect(ffi).toMatchObject({ status: 0 });
    const binary = fs.realpathSync(path.join(dir, 'node_modules', '@yuuang', `ffi-rs-linux-${process.arch}-gnu`, `ffi-rs.linux-${process.arch}-gnu.node`));
    expect(JSON.parse(ffi.stderr)).toEqual({ viaRequire: [], mapped: [binary] });
    const bin = run(path.join(dir, 'node_modules', '.bin', 'rtnl'), ['--version'], dir);
    expect(bin).toEqual({ status: 0, stdout: `rtnl ${pkg.version}\n`, stderr: '' });
    // Installed, the executable starts node without NODE_EXTRA_CA_CERTS (src/cli/launcher.ts):
    // node would warn that this CA file is missing.
    const noCa = spawnSync(path.join(dir, 'node_modules', '.bin', 'rtnl'), ['--version'], { cwd: dir, encoding: 'utf8', env: { ...cleanEnv, NODE_EXTRA_CA_CERTS: path.join(dir, 'no-such-ca.pem') } });
    expect({ status: noCa.status, stdout: noCa.stdout, stderr: noCa.stderr }).toEqual({ status: 0, stdout: `rtnl ${pkg.version}\n`, stderr: '' });
    // The command is a bundle (tools/bundle-cli.ts), compiled with the code cache the build made:
    // the Node.js that runs it takes that cache (V8 rejects one made by another version or flags).
    // The cache file: a line naming the node that made it, then V8's data.
    const cli = path.join(dir, 'node_modules', pkg.name, 'dist', 'cli');
    for (const b of ['bundle', ...GROUPS]) {
      const check = run(
        process.execPath,
        ['-e', 'const vm = require("node:vm"), fs = require("node:fs"), f = process.argv[1], c = fs.readFileSync(f + ".cache"), nl = c.indexOf(10); const s = new vm.Script(fs.readFileSync(f, "latin1"), { filename: f, cachedData: c.subarray(nl + 1) }); console.log(c.toString("latin1", 0, nl) + " / rejected: " + s.cachedDataRejected);', path.join(cli, `${b}.cjs`)],
        dir,
      );
      expect(check, b).toEqual({ status: 0, stdout: expect.stringMatching(new RegExp(`^rtnl code cache 1 ${process.versions.v8.replace(/\./g, '\\.')} ${process.arch} .* / rejected: false\n$`)), stderr: '' });
    }
    // Each group's bundle runs its objects' commands as the whole command's bundle does (the
    // processes' own namespace, read only).
    const inBundle = (b: string, argv: string[]): ReturnType<typeof run> =>
      run(process.execPath, ['-e', 'const vm = require("node:vm"), fs = require("node:fs"), path = require("node:path"), { createRequire } = require("node:module"); const f = process.argv[1]; const m = { exports: {} }; new vm.Script(fs.readFileSync(f, "latin1"), { filename: f }).runInThisContext()(m.exports, createRequire(f), m, f, path.dirname(f)); m.exports.runCommandLine(process.argv.slice(2)).then((s) => { process.exitCode = s; });', path.join(cli, `${b}.cjs`), ...argv], dir);
    for (const [b, argv] of [['link', ['-j', 'link', 'show']], ['address', ['-j', 'address', 'show']], ['route', ['-j', 'route', 'show', 'table', 'all']], ['neigh', ['-j', 'neigh', 'show']], ['rule', ['-j', 'rule', 'show']], ['netns', ['netns', 'list']], ['tc', ['-j', 'qdisc', 'show']]] as const) {
      const whole = inBundle('bundle', [...argv]);
      expect(whole, argv.join(' ')).toMatchObject({ status: 0, stderr: '' });
      expect(inBundle(b, [...argv]), argv.join(' ')).toEqual(whole);
    }
    const links = run(path.join(dir, 'node_modules', '.bin', 'rtnl'), ['-j', 'link', 'show'], dir);
    expect(links).toMatchObject({ status: 0, stderr: '' });
    expect((JSON.parse(links.stdout) as { ifname: string }[]).map((l) => l.ifname)).toContain('lo');
    // What `link show` does not need, it does not load: node:module (the bundles' import of it is
    // lazy, tools/bundle-cli.ts) and Node's AbortController (a handle makes its close signal when
    // an event stream asks, src/rtnl/session.ts). A preloaded script says at exit.
    fs.writeFileSync(path.join(dir, 'loaded.cjs'), "process.on('exit', () => require('node:fs').writeSync(2, JSON.stringify(['NativeModule module', 'NativeModule internal/abort_controller'].filter((m) => process.moduleLoadList.includes(m))) + '\\n'));");
    const lean = spawnSync(path.join(dir, 'node_modules', '.bin', 'rtnl'), ['link', 'show'], { cwd: dir, encoding: 'utf8', env: { ...cleanEnv, NODE_OPTIONS: `--require ${path.join(dir, 'loaded.cjs')}` } });
    expect({ status: lean.status, stderr: lean.stderr }).toEqual({ status: 0, stderr: '[]\n' });
    const help = run(path.join(dir, 'node_modules', '.bin', 'rtnl'), ['qdisc', '--help'], dir);
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: rtnl \[-s\] qdisc show/);
  });

  it('CommonJS: require() gives the same module instance as import() where Node can require ES modules', () => {
    const dir = consumer('cjs', 'commonjs', {
      'main.js': `const rtnetlink = require('rtnetlink');
const { Rtnl } = rtnetlink;
import('rtnetlink').then(async (esm) => {
  const rtnl = await Rtnl.open();
  try {
    const links = await rtnl.links.list();
    console.log(JSON.stringify({ same: esm.Rtnl === Rtnl, hasLo: links.some((l) => l.name === 'lo') }));
  } finally {
    rtnl.close();
  }
});
`,
    });
    expect(process.features.require_module).toBe(true);
    const r = run(process.execPath, ['main.js'], dir);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({ same: true, hasLo: true });
    // A Node.js that cannot require() ES modules (older than 20.19, or with it turned off) gets
    // the message, not ERR_REQUIRE_ESM.
    const old = run(process.execPath, ['-e', "try { require('rtnetlink') } catch (e) { console.log(e.message); process.exitCode = 3 }"], dir, ['--no-experimental-require-module']);
    expect(old.status).toBe(3);
    expect(old.stdout).toMatch(/^rtnetlink is an ES module: use import\(\) \(`const \{ Rtnl \} = await import\('rtnetlink'\)`\)\. require\(\) of it works on Node\.js >= 20\.19/);
    // import() still works there.
    const viaImport = run(process.execPath, ['-e', "import('rtnetlink').then((m) => console.log(typeof m.Rtnl))"], dir, ['--no-experimental-require-module']);
    expect(viaImport).toMatchObject({ status: 0, stdout: 'function\n' });
  });

  it('TypeScript, module nodenext, strict, skipLibCheck off: the ESM and CommonJS files type-check and run; a type error is caught', () => {
    const tsconfig = {
      compilerOptions: {
        module: 'nodenext',
        target: 'es2022',
        strict: true,
        skipLibCheck: false,
        outDir: 'out',
        types: ['node'],
        typeRoots: [path.join(NODE_MODULES, '@types')],
      },
      include: ['src'],
    };
    const dir = consumer('ts', 'module', {
      'tsconfig.json': JSON.stringify(tsconfig, null, 2),
      'src/main.ts': `import { Rtnl, NetlinkError, type Link } from 'rtnetlink';
const rtnl: Rtnl = await Rtnl.open();
try {
  const links: Link[] = await rtnl.links.list();
  const lo: Link | undefined = links.find((l) => l.name === 'lo');
  const index: number | undefined = lo?.index;
  console.log(JSON.stringify({ index, isError: NetlinkError.prototype instanceof Error }));
} finally {
  rtnl.close();
}
`,
      'src/legacy.cts': `import rtnetlink = require('rtnetlink');
const open: () => Promise<rtnetlink.Rtnl> = () => rtnetlink.Rtnl.open();
open().then((rtnl) => {
  console.log(typeof rtnl.links.list);
  rtnl.close();
});
`,
    });
    const tsc = run(process.execPath, [TSC, '-p', '.'], dir);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const esm = run(process.execPath, ['out/main.js'], dir);
    expect(esm).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(esm.stdout)).toMatchObject({ index: 1 });
    expect(run(process.execPath, ['out/legacy.cjs'], dir)).toEqual({ status: 0, stdout: 'function\n', stderr: '' });
    // The types are real: a wrong use does not compile.
    fs.writeFileSync(path.join(dir, 'src', 'bad.ts'), "import { Rtnl } from 'rtnetlink';\nconst n: number = (await Rtnl.open()).links;\nexport {};\n");
    const bad = run(process.execPath, [TSC, '-p', '.', '--noEmit'], dir);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/src\/bad\.ts\(2,7\): error TS2322/);
  }, 180_000);

  it('--omit=optional (no ffi-rs binary): the library loads, and a system call fails with a clear message', () => {
    const dir = consumer(
      'nobinary',
      'module',
      {
        'main.js': `import { Rtnl, InvalidArgumentError } from 'rtnetlink';
const out = { loaded: typeof InvalidArgumentError };
try {
  (await Rtnl.open()).close();
  out.opened = true;
} catch (err) {
  out.error = err.message;
}
console.log(JSON.stringify(out));
`,
      },
      { omitOptional: true },
    );
    expect(fs.readdirSync(path.join(dir, 'node_modules')).filter((d) => d === '@yuuang')).toEqual([]);
    const r = run(process.execPath, ['main.js'], dir);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    const out = JSON.parse(r.stdout) as { loaded: string; error?: string };
    expect(out.loaded).toBe('function');
    expect(out.error).toMatch(/^rtnetlink needs the native part of ffi-rs for linux-\w+, which is not installed \(Cannot find module '@yuuang\/ffi-rs-linux-[\w-]+'/);
    expect(out.error).toContain('reinstall without --omit=optional');
    // The README quotes that message.
    expect(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8').replace(/\s+/g, ' ')).toContain('rtnetlink needs the native part of ffi-rs for linux-x64, which is not installed');
  });
});
