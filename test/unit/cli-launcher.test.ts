// The packaged command's start-up (src/cli/launcher.ts): a bundle is compiled with the code cache
// the build made for it when it was made by this node and V8 takes it, and from its source when
// there is none, it names another node, or V8 rejects it (another V8 version or flags, another
// source): the command runs the same either way.
//
// Each case compiles a source of its own: V8 keeps the scripts a process compiled and would answer
// a second compilation of the same source from them, without looking at the cache.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTABLE_HEADER, SAVED_EXTRA_CA_CERTS, bundleFileFor, cacheFile, cacheFileOf, cacheHeader, loadBundle, restoreExtraCaCerts } from '../../src/cli/launcher.js';

let dir = '';
let file = '';

// A bundle as tools/bundle-cli.ts wraps one: CommonJS's five arguments, strict, exporting the
// functions the launcher calls (these report what they were given, and where they run from).
const source = (n: number): string => `(function (exports, require, module, __filename, __dirname) {"use strict"; // case ${String(n).padStart(3, '0')}
const path = require("node:path");
exports.runCommandLine = async (argv) => argv.length;
exports.main = async (argv, io) => { io.stdout.write(argv.join(" ") + " from " + path.basename(__filename) + " in " + path.basename(__dirname)); return 7; };
})`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtnl-launcher-'));
  file = path.join(dir, 'bundle.cjs');
});

/** Writes case `n`'s bundle (all cases' sources have the same length) and, made in this process, its cache file. */
async function bundleWithCache(n: number): Promise<Buffer> {
  fs.writeFileSync(file, source(n));
  const made = loadBundle(file, false);
  await runs(made);
  const cache = cacheFile(made.script.createCachedData());
  fs.writeFileSync(cacheFileOf(file), cache);
  // The next load must compile afresh: a new case.
  fs.writeFileSync(file, source(n + 1));
  return cache;
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function runs(loaded: ReturnType<typeof loadBundle>): Promise<void> {
  let out = '';
  const sink = { write: (t: string) => (out += t) };
  await expect(loaded.exports.main(['link', 'show'], { stdout: sink, stderr: sink })).resolves.toBe(7);
  expect(out).toBe(`link show from bundle.cjs in ${path.basename(dir)}`);
  await expect(loaded.exports.runCommandLine(['a', 'b', 'c'])).resolves.toBe(3);
}

describe('launcher', () => {
  it('without a cache file: compiled from source', async () => {
    fs.writeFileSync(file, source(1));
    fs.rmSync(cacheFileOf(file), { force: true });
    const loaded = loadBundle(file);
    expect(loaded.cacheRejected).toBeUndefined();
    await runs(loaded);
  });

  it('with the cache made by this node for a source of that length: taken', async () => {
    const cache = await bundleWithCache(10);
    expect(cache.toString('latin1', 0, cacheHeader().length)).toBe(cacheHeader());
    expect(cacheHeader()).toMatch(new RegExp(`^rtnl code cache 1 ${process.versions.v8.replace(/\./g, '\\.')} ${process.arch} `));
    // V8's data starts 8-byte aligned in the file, so V8 reads it in place rather than copying it.
    expect(cacheHeader().length % 8).toBe(0);
    expect(cacheHeader()).toMatch(/^[^\n]*\n$/);
    const loaded = loadBundle(file);
    expect(loaded.cacheRejected).toBe(false);
    await runs(loaded);
  });

  it('a cache naming another node is not given to V8; one V8 refuses is not used: compiled from source', async () => {
    const cache = await bundleWithCache(20);
    const header = cacheHeader().length;
    // Made by another V8 version (the header names it): not given to V8, whose data is intact.
    fs.writeFileSync(cacheFileOf(file), Buffer.concat([Buffer.from(cacheHeader().replace(process.versions.v8, '0.0.0.0'), 'latin1'), cache.subarray(header)]));
    let loaded = loadBundle(file);
    expect(loaded.cacheRejected).toBe(true);
    await runs(loaded);
    // V8's own checks: its version hash (bytes 4-8 of its data) damaged.
    fs.writeFileSync(file, source(22));
    const damaged = Buffer.from(cache);
    damaged.fill(0xa5, header + 4, header + 8);
    fs.writeFileSync(cacheFileOf(file), damaged);
    loaded = loadBundle(file);
    expect(loaded.cacheRejected).toBe(true);
    await runs(loaded);
    // Made for a source of another length.
    fs.writeFileSync(file, `${source(23)}\n`);
    fs.writeFileSync(cacheFileOf(file), cache);
    loaded = loadBundle(file);
    expect(loaded.cacheRejected).toBe(true);
    await runs(loaded);
    // Too short to hold the header.
    fs.writeFileSync(file, source(24));
    fs.writeFileSync(cacheFileOf(file), cache.subarray(0, 10));
    expect(loadBundle(file).cacheRejected).toBe(true);
    // Not read at all when told not to.
    fs.writeFileSync(file, source(25));
    expect(loadBundle(file, false).cacheRejected).toBeUndefined();
  });
});

describe('which bundle runs a command line', () => {
  it("an object's group bundle when the build made it, else the whole command's", () => {
    const groups = fs.mkdtempSync(path.join(os.tmpdir(), 'rtnl-groups-'));
    try {
      for (const g of ['link', 'address', 'tc']) fs.writeFileSync(path.join(groups, `${g}.cjs`), '');
      const of = (...argv: string[]): string => path.basename(bundleFileFor(groups, argv));
      expect(of('link', 'show')).toBe('link.cjs');
      // Global options before the object, with their values; abbreviations as ip reads them.
      expect(of('-n', 'blue', '-j', '-d', 'l', 'show', 'dev', 'eth0')).toBe('link.cjs');
      expect(of('--netns=blue', 'a')).toBe('address.cjs');
      expect(of('-netns', 'route', 'addr', 'show')).toBe('address.cjs');
      expect(of('qdisc', 'show')).toBe('tc.cjs');
      expect(of('filter', 'add', 'dev', 'eth0')).toBe('tc.cjs');
      // A group whose bundle is not there (route), objects in no group, and command lines that
      // are not one object's command: the whole command.
      expect(of('route', 'show')).toBe('bundle.cjs');
      expect(of('monitor')).toBe('bundle.cjs');
      expect(of('decode', 'x.pcap')).toBe('bundle.cjs');
      expect(of('-b', 'cmds.txt')).toBe('bundle.cjs');
      expect(of('--batch=cmds.txt', 'link')).toBe('bundle.cjs');
      expect(of('-h', 'link')).toBe('bundle.cjs');
      expect(of('-V')).toBe('bundle.cjs');
      expect(of()).toBe('bundle.cjs');
      expect(of('lnk', 'show')).toBe('bundle.cjs');
      expect(of('--no-such-option', 'link')).toBe('bundle.cjs');
      expect(of('-n')).toBe('bundle.cjs');
    } finally {
      fs.rmSync(groups, { recursive: true, force: true });
    }
  });
});

describe("the executable's first lines", () => {
  // The header on a script that restores the environment as launch() does and prints what node
  // got: run as an executable (through /bin/sh, as the kernel runs it) and by node directly.
  const script = (): string => {
    const f = path.join(dir, 'exe.cjs');
    const launcher = JSON.stringify(path.resolve(import.meta.dirname, '../../src/cli/launcher.ts'));
    fs.writeFileSync(
      f,
      `${EXECUTABLE_HEADER}\nconst got = process.env.NODE_EXTRA_CA_CERTS;\nrequire(${launcher}).restoreExtraCaCerts(process.env);\nconsole.log(JSON.stringify({ argv: process.argv.slice(2), got: got ?? null, restored: process.env.NODE_EXTRA_CA_CERTS ?? null, saved: process.env.${SAVED_EXTRA_CA_CERTS} ?? null }));\n`,
      { mode: 0o755 },
    );
    return f;
  };
  // tsx (for the TypeScript launcher) comes in through NODE_OPTIONS, which the shell passes on.
  const env = (extra: Record<string, string | undefined>): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '--import tsx', ...extra };
    for (const [k, v] of Object.entries(extra)) if (v === undefined) delete e[k];
    return e;
  };

  it('starts node without NODE_EXTRA_CA_CERTS and gives it back to the command\'s children', () => {
    const f = script();
    // A CA file that does not exist: node warns on stderr when it tries to read it at start-up.
    const missing = path.join(dir, 'no-such-ca.pem');
    const r = spawnSync(f, ['a', 'b c', ''], { encoding: 'utf8', env: env({ NODE_EXTRA_CA_CERTS: missing }) });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ argv: ['a', 'b c', ''], got: '', restored: missing, saved: null });
    // The same file run by node: the variable as given, and node's warning (what the shell line spares).
    const direct = spawnSync(process.execPath, [f], { encoding: 'utf8', env: env({ NODE_EXTRA_CA_CERTS: missing }) });
    expect(direct.stderr).toMatch(/Warning: Ignoring extra certs from `.*no-such-ca\.pem`/);
    expect(JSON.parse(direct.stdout)).toEqual({ argv: [], got: missing, restored: missing, saved: null });
    // Unset stays unset.
    const unset = spawnSync(f, [], { encoding: 'utf8', env: env({ NODE_EXTRA_CA_CERTS: undefined }) });
    expect(unset.stderr).toBe('');
    expect(JSON.parse(unset.stdout)).toEqual({ argv: [], got: null, restored: null, saved: null });
  });

  it('restores only what the shell line saved', () => {
    const e: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '', [SAVED_EXTRA_CA_CERTS]: '/ca.pem' };
    restoreExtraCaCerts(e);
    expect(e).toEqual({ NODE_EXTRA_CA_CERTS: '/ca.pem' });
    // Set by the caller to something else since: left alone.
    const other: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '/other.pem', [SAVED_EXTRA_CA_CERTS]: '/ca.pem' };
    restoreExtraCaCerts(other);
    expect(other).toEqual({ NODE_EXTRA_CA_CERTS: '/other.pem', [SAVED_EXTRA_CA_CERTS]: '/ca.pem' });
    const none: NodeJS.ProcessEnv = { PATH: '/bin' };
    restoreExtraCaCerts(none);
    expect(none).toEqual({ PATH: '/bin' });
  });
});
